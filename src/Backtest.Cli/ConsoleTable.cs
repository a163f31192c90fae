using Spectre.Console;

namespace Backtest.Cli;

/// <summary>
/// A table of text cells, printed as a Spectre.Console table on an interactive terminal and as
/// plain aligned columns (two spaces apart, a dashed rule under the header) when the output is
/// redirected, so logs and pipes get text that lines up without escape codes.
/// </summary>
internal sealed class ConsoleTable(params (string Header, bool RightAligned)[] columns)
{
    private readonly List<string[]> rows = [];

    public int RowCount => rows.Count;

    public void Add(params string[] cells)
    {
        if (cells.Length != columns.Length)
        {
            throw new ArgumentException($"a row of {cells.Length} cells in a table of {columns.Length} columns");
        }

        rows.Add(cells);
    }

    /// <summary>Whether the output is this process's interactive terminal.</summary>
    public static bool IsTerminal(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public void Write(TextWriter output)
    {
        if (IsTerminal(output))
        {
            var table = new Table();
            foreach (var (header, right) in columns)
            {
                var column = new TableColumn(Markup.Escape(header));
                table.AddColumn(right ? column.RightAligned() : column);
            }

            foreach (var row in rows)
            {
                table.AddRow(row.Select(Markup.Escape).ToArray());
            }

            AnsiConsole.Write(table);
            return;
        }

        var widths = columns.Select((c, i) => rows.Select(r => r[i].Length).Append(c.Header.Length).Max()).ToArray();
        string Line(IReadOnlyList<string> cells) =>
            string.Join("  ", cells.Select((cell, i) => columns[i].RightAligned ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]))).TrimEnd();
        output.WriteLine(Line(columns.Select(c => c.Header).ToArray()));
        output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            output.WriteLine(Line(row));
        }
    }
}
