namespace Backtest.Reports.Charts;

/// <summary>
/// Keeps tick labels apart: checks horizontal overlap of centred labels and, for categorical
/// axes, decides between horizontal labels, 45° labels and showing only every k-th label.
/// </summary>
internal static class LabelLayout
{
    /// <summary>Minimum blank space between two neighbouring labels, in pixels.</summary>
    public const double Gap = 6;

    /// <summary>Whether labels centred at <paramref name="centers"/> with the given widths leave at least <see cref="Gap"/> between neighbours.</summary>
    public static bool Fits(IReadOnlyList<double> centers, IReadOnlyList<double> widths)
    {
        for (int i = 1; i < centers.Count; i++)
        {
            double space = Math.Abs(centers[i] - centers[i - 1]) - ((widths[i] + widths[i - 1]) / 2);
            if (space < Gap)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The smallest stride k such that labels 0, k, 2k, … do not overlap. Returns the indices to
    /// label (the first label is always kept).
    /// </summary>
    public static IReadOnlyList<int> Thin(IReadOnlyList<double> centers, IReadOnlyList<double> widths)
    {
        for (int stride = 1; stride <= Math.Max(1, centers.Count); stride++)
        {
            var kept = Enumerable.Range(0, centers.Count).Where(i => i % stride == 0).ToArray();
            if (Fits(kept.Select(i => centers[i]).ToArray(), kept.Select(i => widths[i]).ToArray()))
            {
                return kept;
            }
        }

        return centers.Count == 0 ? [] : [0];
    }

    /// <summary>How categorical labels along a horizontal axis are drawn.</summary>
    public sealed record CategoryLabels(bool Rotated, IReadOnlyList<int> Shown, IReadOnlyList<string> Texts, double Height);

    /// <summary>
    /// Lays out category labels under bands of width <paramref name="band"/>: horizontal when they
    /// fit, otherwise rotated by 45° (labels longer than <paramref name="maxRotatedWidth"/>, or than
    /// the room left of them, are cut with an ellipsis), and thinned to every k-th when even
    /// rotated labels would touch.
    /// </summary>
    public static CategoryLabels Categories(IReadOnlyList<string> labels, double band, double fontSize, double maxRotatedWidth, double leftRoom = double.PositiveInfinity)
    {
        var centers = Enumerable.Range(0, labels.Count).Select(i => (i + 0.5) * band).ToArray();
        var widths = labels.Select(l => TextMetrics.Width(l, fontSize)).ToArray();
        double lineHeight = TextMetrics.LineHeight(fontSize);
        if (Fits(centers, widths))
        {
            return new CategoryLabels(false, Enumerable.Range(0, labels.Count).ToArray(), labels, lineHeight);
        }

        // Rotated 45°, neighbouring labels are parallel; their perpendicular distance is
        // band·sin 45°, which must exceed the text height plus the gap.
        // A rotated label runs down and to the left of its tick; near the left edge it is cut
        // shorter so it stays inside the chart (leftRoom: distance from the first band to the edge).
        double cos = Math.Cos(Math.PI / 4);
        var texts = labels.Select((l, i) => TextMetrics.Truncate(l, fontSize, Math.Min(maxRotatedWidth, ((leftRoom + ((i + 0.5) * band)) / cos) - lineHeight))).ToArray();
        double needed = (lineHeight + Gap) / Math.Sin(Math.PI / 4);
        int stride = Math.Max(1, (int)Math.Ceiling(needed / band));
        var shown = Enumerable.Range(0, labels.Count).Where(i => i % stride == 0).ToArray();
        double longest = shown.Length == 0 ? 0 : shown.Max(i => TextMetrics.Width(texts[i], fontSize));
        return new CategoryLabels(true, shown, texts, (longest + lineHeight) * Math.Sin(Math.PI / 4));
    }
}
