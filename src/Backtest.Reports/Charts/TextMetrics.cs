namespace Backtest.Reports.Charts;

/// <summary>
/// Estimated rendered width of text, from the advance widths of DejaVu Sans (the widest font
/// in the charts' font stack, and the one Debian's Chromium falls back to), so a label that fits
/// by this measure fits in any of the stack's fonts. Layout uses it to size margins, thin or
/// rotate ticks, and decide whether a value fits inside a heatmap cell.
/// </summary>
public static class TextMetrics
{
    /// <summary>The CSS font stack the charts and the report use.</summary>
    public const string FontFamily = "'DejaVu Sans', Verdana, Arial, Helvetica, sans-serif";

    // Advance widths in thousandths of an em for U+0020..U+007E (DejaVu Sans, 2048 units per em).
    private static readonly short[] AsciiWidths =
    [
        318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
        636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
        1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
        603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
        500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
        635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
    ];

    /// <summary>Bold glyphs of the same font are about this much wider.</summary>
    private const double BoldFactor = 1.12;

    /// <summary>Width in pixels of <paramref name="text"/> at <paramref name="fontSize"/> pixels.</summary>
    public static double Width(string text, double fontSize, bool bold = false)
    {
        double units = 0;
        foreach (char c in text)
        {
            units += c switch
            {
                >= ' ' and <= '~' => AsciiWidths[c - ' '],
                '–' or '·' => 500,
                '—' or '…' or '∞' => 1000,
                '−' or '≤' or '≥' or '×' => 838,
                '\u2009' or '\u202F' => 200,
                _ => 800, // unlisted characters: a wide default keeps estimates on the safe side
            };
        }

        return units / 1000.0 * fontSize * (bold ? BoldFactor : 1.0);
    }

    /// <summary>Line height used for stacking text lines (1.25 em).</summary>
    public static double LineHeight(double fontSize) => fontSize * 1.25;

    /// <summary>
    /// Splits text at spaces (and, in words too wide for a line, after underscores) into lines no
    /// wider than <paramref name="maxWidth"/>; a piece wider than that stays on its own line.
    /// </summary>
    public static IReadOnlyList<string> Wrap(string text, double fontSize, double maxWidth, bool bold = false)
    {
        var lines = new List<string>();
        var current = string.Empty;
        foreach (var (word, joined) in text.Split(' ', StringSplitOptions.RemoveEmptyEntries).SelectMany(w => Pieces(w, fontSize, maxWidth, bold)))
        {
            var candidate = current.Length == 0 ? word : joined ? current + word : current + " " + word;
            if (current.Length > 0 && Width(candidate, fontSize, bold) > maxWidth)
            {
                lines.Add(current);
                current = word;
            }
            else
            {
                current = candidate;
            }
        }

        if (current.Length > 0)
        {
            lines.Add(current);
        }

        return lines;
    }

    /// <summary>A word too wide for a line, split after its underscores (snake_case column names); other words whole.</summary>
    /// <remarks><c>Joined</c> marks a piece that continues the previous one without a space.</remarks>
    private static IEnumerable<(string Piece, bool Joined)> Pieces(string word, double fontSize, double maxWidth, bool bold)
    {
        if (Width(word, fontSize, bold) <= maxWidth || !word.Contains('_', StringComparison.Ordinal))
        {
            yield return (word, false);
            yield break;
        }

        int start = 0;
        for (int i = 0; i < word.Length; i++)
        {
            if (word[i] == '_' && i + 1 < word.Length)
            {
                yield return (word[start..(i + 1)], start > 0);
                start = i + 1;
            }
        }

        yield return (word[start..], start > 0);
    }

    /// <summary>
    /// The text, cut with an ellipsis so it is no wider than <paramref name="maxWidth"/>
    /// (returned unchanged when it already fits).
    /// </summary>
    public static string Truncate(string text, double fontSize, double maxWidth)
    {
        if (Width(text, fontSize) <= maxWidth)
        {
            return text;
        }

        for (int n = text.Length - 1; n > 0; n--)
        {
            var cut = text[..n].TrimEnd() + "…";
            if (Width(cut, fontSize) <= maxWidth)
            {
                return cut;
            }
        }

        return "…";
    }
}
