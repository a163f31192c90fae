using System.Globalization;
using System.Text;

namespace Backtest.Cli.Notebooks;

/// <summary>
/// A table as fixed-width text: a header, a rule, the rows (numbers right-aligned), and a line
/// saying how many rows there are and how many are shown. Cells are cut at
/// <see cref="MaxCellWidth"/> characters and their line breaks shown as spaces.
/// </summary>
internal sealed class TextTable
{
    public const int MaxCellWidth = 60;

    private readonly string[] headers;
    private readonly bool[] rightAligned;
    private readonly List<string[]> rows = [];

    public TextTable(IReadOnlyList<string> headers, IReadOnlyList<bool> rightAligned)
    {
        if (headers.Count != rightAligned.Count)
        {
            throw new ArgumentException("one alignment per column", nameof(rightAligned));
        }

        this.headers = [.. headers.Select(Clean)];
        this.rightAligned = [.. rightAligned];
    }

    public void Add(IReadOnlyList<string> cells)
    {
        if (cells.Count != headers.Length)
        {
            throw new ArgumentException($"a row of {cells.Count} cells in a table of {headers.Length} columns", nameof(cells));
        }

        rows.Add([.. cells.Select(Clean)]);
    }

    /// <summary>The table as text. <paramref name="totalRows"/> is the size of what the rows were taken from, or null when it was not counted.</summary>
    public string Render(long? totalRows)
    {
        var widths = headers.Select((h, c) => rows.Select(r => r[c].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        AppendLine(text, headers, widths);
        AppendLine(text, widths.Select(w => new string('-', w)).ToArray(), widths);
        foreach (var row in rows)
        {
            AppendLine(text, row, widths);
        }

        text.Append(Footer(rows.Count, totalRows)).Append('\n');
        return text.ToString();
    }

    private static string Footer(int shown, long? total) => total switch
    {
        null => $"(first {Count(shown)} rows; the rest not counted)",
        { } all when all == shown => all == 1 ? "(1 row)" : $"({Count(all)} rows)",
        { } all => $"(first {Count(shown)} of {Count(all)} rows)",
    };

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private void AppendLine(StringBuilder text, string[] cells, int[] widths)
    {
        for (int c = 0; c < cells.Length; c++)
        {
            if (c > 0)
            {
                text.Append("  ");
            }

            bool last = c == cells.Length - 1;
            text.Append(rightAligned[c] ? cells[c].PadLeft(widths[c]) : last ? cells[c] : cells[c].PadRight(widths[c]));
        }

        text.Append('\n');
    }

    private static string Clean(string cell)
    {
        var flat = cell.ReplaceLineEndings(" ");
        return flat.Length <= MaxCellWidth ? flat : string.Concat(flat.AsSpan(0, MaxCellWidth - 1), "…");
    }
}
