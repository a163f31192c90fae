using Backtest.Reports.Formatting;

namespace Backtest.Reports.Charts;

/// <summary>
/// The plot area of a chart with two continuous axes: domains, ticks, tick labels (thinned so
/// they never overlap), margins sized from the measured labels, and the value→pixel maps.
/// </summary>
internal sealed class XYPlot
{
    private const double TickLength = 5;
    private readonly double width;
    private readonly double height;
    private readonly double rightReserve;

    private XYPlot(AxisSpec xAxis, AxisSpec yAxis, double width, double height, double top, double rightReserve)
    {
        XAxis = xAxis;
        YAxis = yAxis;
        this.width = width;
        this.height = height;
        this.rightReserve = rightReserve;
        Top = top;
    }

    public AxisSpec XAxis { get; }

    public AxisSpec YAxis { get; }

    public double Left { get; private set; }

    public double Right { get; private set; }

    public double Top { get; }

    public double Bottom { get; private set; }

    public AxisTicks X { get; private set; } = null!;

    public AxisTicks Y { get; private set; } = null!;

    /// <summary>
    /// Lays out a plot for data spanning the given ranges (already restricted to what the scale
    /// can show: positive values on a log axis). <paramref name="rightReserve"/> keeps room on
    /// the right for a colour legend.
    /// </summary>
    public static XYPlot Create(AxisSpec xAxis, AxisSpec yAxis, (double Min, double Max) xData, (double Min, double Max) yData, double width, double height, double top, double rightReserve = 0)
    {
        var plot = new XYPlot(xAxis, yAxis, width, height, top, rightReserve);
        plot.Layout(xData, yData);
        return plot;
    }

    /// <summary>Pixel x of a data value (log axes take the value itself, not its logarithm).</summary>
    public double MapX(double value) => Left + ((Right - Left) * X.Fraction(value));

    /// <summary>Pixel y of a data value.</summary>
    public double MapY(double value) => Bottom - ((Bottom - Top) * Y.Fraction(value));

    /// <summary>Horizontal grid lines at the y ticks (drawn before the data).</summary>
    public void DrawGrid(SvgWriter svg)
    {
        svg.Start("g", ("class", "grid"), ("stroke", Palette.Grid), ("stroke-width", "1"));
        foreach (var t in Y.Values)
        {
            double y = MapY(t);
            svg.Empty("line", ("x1", SvgWriter.Num(Left)), ("y1", SvgWriter.Num(y)), ("x2", SvgWriter.Num(Right)), ("y2", SvgWriter.Num(y)));
        }

        svg.End();
    }

    /// <summary>Axis lines, ticks, tick labels and axis titles (drawn after the data).</summary>
    public void DrawAxes(SvgWriter svg)
    {
        svg.Start("g", ("class", "axes"), ("fill", Palette.Ink));
        svg.Empty("line", ("x1", SvgWriter.Num(Left)), ("y1", SvgWriter.Num(Bottom)), ("x2", SvgWriter.Num(Right)), ("y2", SvgWriter.Num(Bottom)), ("stroke", Palette.Axis));
        svg.Empty("line", ("x1", SvgWriter.Num(Left)), ("y1", SvgWriter.Num(Top)), ("x2", SvgWriter.Num(Left)), ("y2", SvgWriter.Num(Bottom)), ("stroke", Palette.Axis));
        double labelY = Bottom + TickLength + 3 + Chart.LabelSize;
        for (int i = 0; i < X.Values.Count; i++)
        {
            double x = MapX(X.Values[i]);
            svg.Empty("line", ("x1", SvgWriter.Num(x)), ("y1", SvgWriter.Num(Bottom)), ("x2", SvgWriter.Num(x)), ("y2", SvgWriter.Num(Bottom + TickLength)), ("stroke", Palette.Axis));
            if (X.Shown.Contains(i))
            {
                svg.TextElement("text", X.Labels[i], ("x", SvgWriter.Num(x)), ("y", SvgWriter.Num(labelY)), ("text-anchor", "middle"));
            }
        }

        for (int i = 0; i < Y.Values.Count; i++)
        {
            double y = MapY(Y.Values[i]);
            svg.Empty("line", ("x1", SvgWriter.Num(Left - TickLength)), ("y1", SvgWriter.Num(y)), ("x2", SvgWriter.Num(Left)), ("y2", SvgWriter.Num(y)), ("stroke", Palette.Axis));
            if (Y.Shown.Contains(i))
            {
                svg.TextElement("text", Y.Labels[i], ("x", SvgWriter.Num(Left - TickLength - 3)), ("y", SvgWriter.Num(y + 4)), ("text-anchor", "end"));
            }
        }

        svg.TextElement("text", TextMetrics.Truncate(XAxis.Label, Chart.AxisTitleSize, Right - Left), ("x", SvgWriter.Num((Left + Right) / 2)), ("y", SvgWriter.Num(height - Chart.Pad)), ("text-anchor", "middle"), ("font-size", SvgWriter.Num(Chart.AxisTitleSize)));
        double titleX = Chart.Pad + Chart.AxisTitleSize - 2;
        double titleY = (Top + Bottom) / 2;
        svg.TextElement("text", TextMetrics.Truncate(YAxis.Label, Chart.AxisTitleSize, Bottom - Top), ("x", SvgWriter.Num(titleX)), ("y", SvgWriter.Num(titleY)), ("text-anchor", "middle"), ("font-size", SvgWriter.Num(Chart.AxisTitleSize)), ("transform", $"rotate(-90 {SvgWriter.Num(titleX)} {SvgWriter.Num(titleY)})"));
        svg.End();
    }

    private void Layout((double Min, double Max) xData, (double Min, double Max) yData)
    {
        double labelHeight = TextMetrics.LineHeight(Chart.LabelSize);
        double titleHeight = TextMetrics.LineHeight(Chart.AxisTitleSize);
        Bottom = height - Chart.Pad - titleHeight - 6 - labelHeight - TickLength - 3;
        if (Bottom - Top < 40)
        {
            throw new ArgumentException($"chart too small: {SvgWriter.Num(Bottom - Top)} px left for the plot after titles and legend");
        }

        Y = AxisTicks.ForVertical(YAxis, yData, Bottom - Top);
        double yLabelWidth = Y.Shown.Select(i => TextMetrics.Width(Y.Labels[i], Chart.LabelSize)).DefaultIfEmpty(0).Max();
        double left = Chart.Pad + titleHeight + 4 + yLabelWidth + TickLength + 4;
        double right = width - Chart.Pad - rightReserve;

        // Edge labels are centred on their ticks, so the outer margins must hold half of each;
        // two passes settle the margins (the second pass sees the first pass's labels).
        for (int pass = 0; pass < 2; pass++)
        {
            Left = left;
            Right = right;
            X = AxisTicks.ForHorizontal(XAxis, xData, Right - Left);
            if (X.Shown.Count == 0)
            {
                break;
            }

            double firstHalf = TextMetrics.Width(X.Labels[X.Shown[0]], Chart.LabelSize) / 2;
            double lastHalf = TextMetrics.Width(X.Labels[X.Shown[^1]], Chart.LabelSize) / 2;
            double firstX = left + ((right - left) * X.Fraction(X.Values[X.Shown[0]]));
            double lastX = left + ((right - left) * X.Fraction(X.Values[X.Shown[^1]]));
            left += Math.Max(0, Chart.Pad - (firstX - firstHalf));
            right -= Math.Max(0, lastX + lastHalf - (width - Chart.Pad));
        }

        Left = left;
        Right = right;
        if (Right - Left < 40)
        {
            throw new ArgumentException($"chart too narrow: {SvgWriter.Num(Right - Left)} px left for the plot after the axis labels");
        }

        X = AxisTicks.ForHorizontal(XAxis, xData, Right - Left);
    }
}

/// <summary>The ticks of one axis: positions, labels, which labels are shown, and the domain.</summary>
internal sealed record AxisTicks(AxisSpec Axis, double DomainMin, double DomainMax, IReadOnlyList<double> Values, IReadOnlyList<string> Labels, IReadOnlyList<int> Shown)
{
    /// <summary>Position of a value within the domain, 0 at the minimum and 1 at the maximum.</summary>
    public double Fraction(double value)
    {
        if (Axis.Scale == AxisScale.Log)
        {
            return (Math.Log10(value) - Math.Log10(DomainMin)) / (Math.Log10(DomainMax) - Math.Log10(DomainMin));
        }

        return (value - DomainMin) / (DomainMax - DomainMin);
    }

    public static AxisTicks ForVertical(AxisSpec axis, (double Min, double Max) data, double length)
    {
        // At least 4 ticks, so a short axis does not stretch its domain to two round numbers
        // far outside the data; labels that would touch are thinned.
        int maxCount = Math.Max(4, (int)(length / 34) + 1);
        var ticks = Build(axis, data, maxCount);
        double lineHeight = TextMetrics.LineHeight(Chart.LabelSize);
        var centers = ticks.Values.Select(v => length * ticks.Fraction(v)).ToArray();
        var shown = LabelLayout.Thin(centers, centers.Select(_ => lineHeight).ToArray());
        return ticks with { Shown = shown };
    }

    public static AxisTicks ForHorizontal(AxisSpec axis, (double Min, double Max) data, double length)
    {
        for (int maxCount = Math.Max(2, (int)(length / 55) + 1); maxCount >= 2; maxCount--)
        {
            var ticks = Build(axis, data, maxCount);
            var (centers, widths) = Measure(ticks, length);
            if (LabelLayout.Fits(centers, widths))
            {
                return ticks;
            }
        }

        var fallback = Build(axis, data, 2);
        var (c, w) = Measure(fallback, length);
        return fallback with { Shown = LabelLayout.Thin(c, w) };
    }

    private static (double[] Centers, double[] Widths) Measure(AxisTicks ticks, double length) =>
        (ticks.Values.Select(v => length * ticks.Fraction(v)).ToArray(),
         ticks.Labels.Select(l => TextMetrics.Width(l, Chart.LabelSize)).ToArray());

    private static AxisTicks Build(AxisSpec axis, (double Min, double Max) data, int maxCount)
    {
        var (lo, hi) = data;
        if (axis.IncludeZero && axis.Scale == AxisScale.Linear)
        {
            lo = Math.Min(lo, 0);
            hi = Math.Max(hi, 0);
        }

        lo = axis.Min ?? lo;
        hi = axis.Max ?? hi;
        if (lo == hi && axis.Scale == AxisScale.Linear && axis.Format != ValueFormat.Date)
        {
            // A constant: widen away from a fixed bound (or from zero when the axis starts there),
            // else symmetrically, so probabilities of 0 are drawn on [0, 1], not [-1, 1].
            double span = lo == 0 ? 1 : Math.Abs(lo) * 0.2;
            bool anchoredBelow = axis.Min is not null || (axis.IncludeZero && lo == 0);
            (lo, hi) = anchoredBelow ? (lo, lo + span) : axis.Max is not null ? (hi - span, hi) : NiceTicks.Widen(lo, hi);
        }

        if (axis.Format == ValueFormat.Date)
        {
            var (dateTicks, dateLabels) = NiceTicks.Dates((int)Math.Floor(lo), (int)Math.Ceiling(hi), maxCount);
            return All(axis, dateTicks.Min, dateTicks.Max, dateTicks.Values, dateLabels);
        }

        if (axis.Scale == AxisScale.Log)
        {
            var log = NiceTicks.Log(lo, hi);
            double bottom = axis.Min ?? log.Min;
            var kept = log.Values.Where(v => v >= bottom * (1 - 1e-9)).ToArray();
            var labels = kept.Select(v => NumberFormat.Significant(v, axis.Format, 1)).ToArray();
            return All(axis, bottom, log.Max, kept, labels);
        }

        if (!axis.Tight)
        {
            // Round outer ticks, except where a bound is fixed (a probability axis starts at 0 whatever the ticks).
            var nice = NiceTicks.Linear(lo, hi, maxCount);
            if (axis.Integral && nice.Step < 1)
            {
                // Steps below 1 only arise for a range under a few units; whole numbers from the floor to the ceiling cover it.
                nice = NiceTicks.Linear(Math.Floor(lo), Math.Max(Math.Ceiling(hi), Math.Floor(lo) + 1), (int)(Math.Max(Math.Ceiling(hi), Math.Floor(lo) + 1) - Math.Floor(lo)) + 1);
            }

            double min = axis.Min ?? nice.Min, max = axis.Max ?? nice.Max;
            var kept = nice.Values.Where(v => v >= min - (nice.Step * 1e-9) && v <= max + (nice.Step * 1e-9)).ToArray();
            return All(axis, min, max, kept, NumberFormat.Ticks(kept, nice.Step, axis.Format));
        }

        (lo, hi) = NiceTicks.Widen(lo, hi);
        for (int n = maxCount + 2; n >= 2; n--)
        {
            var candidate = NiceTicks.Linear(lo, hi, n);
            double tolerance = candidate.Step * 1e-9;
            var inside = candidate.Values.Where(v => v >= lo - tolerance && v <= hi + tolerance).ToArray();
            if (inside.Length >= 2 && inside.Length <= maxCount)
            {
                return All(axis, lo, hi, inside, NumberFormat.Ticks(inside, candidate.Step, axis.Format));
            }
        }

        var ends = new[] { lo, hi };
        return All(axis, lo, hi, ends, ends.Select(v => NumberFormat.Significant(v, axis.Format)).ToArray());
    }

    private static AxisTicks All(AxisSpec axis, double min, double max, IReadOnlyList<double> values, IReadOnlyList<string> labels) =>
        new(axis, min, max, values, labels, Enumerable.Range(0, values.Count).ToArray());
}
