using Spectre.Console;

namespace Backtest.Cli;

/// <summary>
/// A table of text cells, the one table renderer of the command line and the notebooks.
/// <see cref="Render"/> gives plain fixed-width text: a header, a dashed rule, the rows, columns
/// two spaces apart, right-aligned columns (numbers) padded on the left, no trailing spaces.
/// <see cref="Write"/> prints that text when the output is redirected, so logs and pipes get
/// columns that line up without escape codes, and a Spectre.Console table on an interactive
/// terminal. Line breaks inside a cell show as spaces; a cell longer than
/// <see cref="MaxCellWidth"/> characters, when one is set, is cut and ends in an ellipsis.
/// </summary>
internal sealed class TextTable(params (string Header, bool RightAligned)[] columns)
{
    private readonly string[] headers = [.. columns.Select(c => Flatten(c.Header))];
    private readonly List<string[]> rows = [];

    /// <summary>The longest a cell may be, in characters, or null for no limit.</summary>
    public int? MaxCellWidth { get; init; }

    public int RowCount => rows.Count;

    public void Add(params IReadOnlyList<string> cells)
    {
        if (cells.Count != columns.Length)
        {
            throw new ArgumentException($"a row of {cells.Count} cells in a table of {columns.Length} columns", nameof(cells));
        }

        rows.Add([.. cells.Select(Clean)]);
    }

    /// <summary>Whether the output is this process's interactive terminal.</summary>
    public static bool IsTerminal(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>The table as plain text, every line ending in '\n'.</summary>
    public string Render()
    {
        var widths = headers.Select((h, c) => rows.Select(r => r[c].Length).Append(h.Length).Max()).ToArray();
        var text = new System.Text.StringBuilder();
        text.Append(Line(headers, widths)).Append('\n');
        text.Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
        foreach (var row in rows)
        {
            text.Append(Line(row, widths)).Append('\n');
        }

        return text.ToString();
    }

    public void Write(TextWriter output)
    {
        if (!IsTerminal(output))
        {
            output.Write(Render().ReplaceLineEndings(output.NewLine));
            return;
        }

        var table = new Table();
        for (int c = 0; c < columns.Length; c++)
        {
            var column = new TableColumn(Markup.Escape(headers[c]));
            table.AddColumn(columns[c].RightAligned ? column.RightAligned() : column);
        }

        foreach (var row in rows)
        {
            table.AddRow([.. row.Select(Markup.Escape)]);
        }

        AnsiConsole.Write(table);
    }

    private string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((cell, c) => columns[c].RightAligned ? cell.PadLeft(widths[c]) : cell.PadRight(widths[c]))).TrimEnd();

    private string Clean(string cell)
    {
        var flat = Flatten(cell);
        return MaxCellWidth is { } max && flat.Length > max ? string.Concat(flat.AsSpan(0, max - 1), "…") : flat;
    }

    private static string Flatten(string cell) => cell.ReplaceLineEndings(" ");
}
