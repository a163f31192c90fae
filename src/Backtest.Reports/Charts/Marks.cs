namespace Backtest.Reports.Charts;

/// <summary>A shaded horizontal range of y values, e.g. SPOT's equilibrium deviation-ratio band [0.95, 1.05].</summary>
public sealed record ReferenceBand(double From, double To, string Label)
{
    internal void Validate(string chart)
    {
        if (!double.IsFinite(From) || !double.IsFinite(To) || From > To)
        {
            throw new ChartDataException(chart, $"reference band '{Label}'", "band bounds must be finite with From ≤ To");
        }
    }
}

/// <summary>Drawing pieces shared by the charts with continuous axes.</summary>
internal static class Marks
{
    /// <summary>Finite min and max of the values, or null when there are none.</summary>
    public static (double Min, double Max)? Range(IEnumerable<double> values, bool positiveOnly = false)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            if (double.IsFinite(v) && (!positiveOnly || v > 0))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        return min <= max ? (min, max) : null;
    }

    public static (double Min, double Max) Union((double Min, double Max) a, (double Min, double Max)? b) =>
        b is { } r ? (Math.Min(a.Min, r.Min), Math.Max(a.Max, r.Max)) : a;

    /// <summary>
    /// Runs of consecutive indices where every given series is finite: a NaN anywhere breaks the
    /// line, so gaps in the data stay gaps in the chart.
    /// </summary>
    public static IEnumerable<(int Start, int End)> Segments(int count, params IReadOnlyList<double>?[] series)
    {
        int start = -1;
        for (int i = 0; i <= count; i++)
        {
            bool ok = i < count && series.All(s => s is null || double.IsFinite(s[i]));
            if (ok && start < 0)
            {
                start = i;
            }
            else if (!ok && start >= 0)
            {
                yield return (start, i - 1);
                start = -1;
            }
        }
    }

    /// <summary>A polyline per finite segment; single-point segments become dots so they stay visible.</summary>
    public static void Line(SvgWriter svg, XYPlot plot, IReadOnlyList<double> x, IReadOnlyList<double> y, string color, double strokeWidth, string? dash)
    {
        foreach (var (start, end) in Segments(x.Count, x, y))
        {
            if (start == end)
            {
                svg.Empty("circle", ("cx", SvgWriter.Num(plot.MapX(x[start]))), ("cy", SvgWriter.Num(plot.MapY(y[start]))), ("r", "3"), ("fill", color));
                continue;
            }

            var points = Enumerable.Range(start, end - start + 1).Select(i => (plot.MapX(x[i]), plot.MapY(y[i])));
            svg.Empty("path", ("d", SvgWriter.Polyline(points)), ("fill", "none"), ("stroke", color), ("stroke-width", SvgWriter.Num(strokeWidth)), ("stroke-linejoin", "round"), ("stroke-dasharray", dash));
        }
    }

    /// <summary>The area between two curves, one polygon per finite segment.</summary>
    public static void Band(SvgWriter svg, XYPlot plot, IReadOnlyList<double> x, IReadOnlyList<double> lower, IReadOnlyList<double> upper, string color, double opacity)
    {
        foreach (var (start, end) in Segments(x.Count, x, lower, upper))
        {
            var top = Enumerable.Range(start, end - start + 1).Select(i => (plot.MapX(x[i]), plot.MapY(upper[i])));
            var bottom = Enumerable.Range(start, end - start + 1).Reverse().Select(i => (plot.MapX(x[i]), plot.MapY(lower[i])));
            if (start == end)
            {
                // One finite step: a short vertical bar shows the range instead of a zero-width polygon.
                double px = plot.MapX(x[start]);
                svg.Empty("rect", ("x", SvgWriter.Num(px - 2)), ("y", SvgWriter.Num(plot.MapY(upper[start]))), ("width", "4"), ("height", SvgWriter.Num(Math.Max(1, plot.MapY(lower[start]) - plot.MapY(upper[start])))), ("fill", color), ("fill-opacity", Chart.Opacity(opacity)));
                continue;
            }

            svg.Empty("path", ("d", SvgWriter.Polyline(top.Concat(bottom), close: true)), ("fill", color), ("fill-opacity", Chart.Opacity(opacity)), ("stroke", "none"));
        }
    }

    /// <summary>
    /// A shaded horizontal band between dashed lines. Its label is in the chart's legend, not in
    /// the plot, where it would sit on top of the lines it is compared with.
    /// </summary>
    public static void ReferenceBand(SvgWriter svg, XYPlot plot, ReferenceBand band)
    {
        double y1 = plot.MapY(band.To);
        double y2 = plot.MapY(band.From);
        svg.Start("g", ("class", "reference-band"));
        svg.Empty("rect", ("x", SvgWriter.Num(plot.Left)), ("y", SvgWriter.Num(y1)), ("width", SvgWriter.Num(plot.Right - plot.Left)), ("height", SvgWriter.Num(Math.Max(1, y2 - y1))), ("fill", Palette.ReferenceBand), ("fill-opacity", "0.14"));
        foreach (var y in new[] { y1, y2 })
        {
            svg.Empty("line", ("x1", SvgWriter.Num(plot.Left)), ("y1", SvgWriter.Num(y)), ("x2", SvgWriter.Num(plot.Right)), ("y2", SvgWriter.Num(y)), ("stroke", Palette.ReferenceBand), ("stroke-width", "1"), ("stroke-dasharray", "4 3"));
        }

        svg.End();
    }
}
