using Backtest.Reports.Formatting;

namespace Backtest.Reports.Charts;

/// <summary>
/// A value over a grid of two parameters: cells coloured on the viridis scale with a colour
/// legend, the value printed in each cell that is large enough to hold it, and cells without
/// data drawn grey with a diagonal stroke and "n/a" (never given a colour of the scale).
/// Rows run bottom to top in the order of <see cref="YLabels"/>, columns left to right.
/// </summary>
public sealed class Heatmap : Chart
{
    private const double LegendWidth = 96;
    private const double TickLength = 5;

    /// <summary>The parameter along the columns (title and unit).</summary>
    public required AxisSpec XAxis { get; init; }

    /// <summary>The parameter along the rows.</summary>
    public required AxisSpec YAxis { get; init; }

    public required IReadOnlyList<string> XLabels { get; init; }

    public required IReadOnlyList<string> YLabels { get; init; }

    /// <summary>Cell values indexed [row, column]; NaN marks a cell without data.</summary>
    public required double[,] Values { get; init; }

    /// <summary>The value shown (legend title and unit, and its label format).</summary>
    public required AxisSpec ValueAxis { get; init; }

    protected override bool HasData => XLabels.Count > 0 && YLabels.Count > 0 && Finite().Any();

    protected override string Describe()
    {
        if (!HasData)
        {
            return $"{Title}: no data.";
        }

        var finite = Finite().ToArray();
        int missing = (XLabels.Count * YLabels.Count) - finite.Length;
        var cells = new List<string>();
        for (int r = 0; r < YLabels.Count; r++)
        {
            for (int c = 0; c < XLabels.Count; c++)
            {
                cells.Add($"{YAxis.Title} {YLabels[r]}, {XAxis.Title} {XLabels[c]}: {(double.IsNaN(Values[r, c]) ? "no data" : NumberFormat.Significant(Values[r, c], ValueAxis.Format))}");
            }
        }

        return $"Heatmap of {ValueAxis.Label} over {XAxis.Label} ({XLabels.Count} values) and {YAxis.Label} ({YLabels.Count} values); {missing} cells without data. " + string.Join("; ", cells) + ".";
    }

    protected override void Validate()
    {
        if (Values.GetLength(0) != YLabels.Count || Values.GetLength(1) != XLabels.Count)
        {
            throw new ChartDataException(Title, "values", $"grid is {Values.GetLength(0)}×{Values.GetLength(1)} but there are {YLabels.Count} row and {XLabels.Count} column labels");
        }

        RequireNoInfinity(Values.Cast<double>(), "values");
    }

    internal override void Draw(SvgWriter svg, double top)
    {
        var range = Marks.Range(Finite())!.Value;
        double lo = ValueAxis.Min ?? range.Min, hi = ValueAxis.Max ?? range.Max;
        (lo, hi) = NiceTicks.Widen(lo, hi);
        double titleHeight = TextMetrics.LineHeight(AxisTitleSize);
        double rowLabelWidth = YLabels.Max(l => TextMetrics.Width(TextMetrics.Truncate(l, LabelSize, 140), LabelSize));
        double left = Pad + titleHeight + 4 + rowLabelWidth + TickLength + 4;
        double right = Width - Pad - LegendWidth;
        var columns = LabelLayout.Categories(XLabels, (right - left) / XLabels.Count, LabelSize, 110, left - 2);
        double bottom = Height - Pad - titleHeight - 6 - columns.Height - TickLength - 3;
        if (bottom - top < 40 || right - left < 40)
        {
            throw new ArgumentException($"heatmap '{Title}' too small for its {YLabels.Count}×{XLabels.Count} grid and labels");
        }

        double cellWidth = (right - left) / XLabels.Count;
        double cellHeight = (bottom - top) / YLabels.Count;
        svg.Start("g", ("class", "cells"));
        for (int r = 0; r < YLabels.Count; r++)
        {
            for (int c = 0; c < XLabels.Count; c++)
            {
                double x = left + (c * cellWidth), y = bottom - ((r + 1) * cellHeight);
                double v = Values[r, c];
                DrawCell(svg, x, y, cellWidth, cellHeight, v, (v - lo) / (hi - lo));
            }
        }

        svg.End();
        DrawAxes(svg, columns, left, right, top, bottom, cellWidth, cellHeight);
        DrawColorLegend(svg, lo, hi, right + 20, top, bottom);
    }

    private void DrawCell(SvgWriter svg, double x, double y, double w, double h, double v, double t)
    {
        bool missing = double.IsNaN(v);
        svg.Empty("rect", ("x", SvgWriter.Num(x)), ("y", SvgWriter.Num(y)), ("width", SvgWriter.Num(w)), ("height", SvgWriter.Num(h)), ("fill", missing ? Palette.NoData : Palette.Sequential(t)), ("stroke", "#ffffff"), ("stroke-width", "1"));
        if (missing)
        {
            svg.Empty("line", ("x1", SvgWriter.Num(x + 2)), ("y1", SvgWriter.Num(y + h - 2)), ("x2", SvgWriter.Num(x + w - 2)), ("y2", SvgWriter.Num(y + 2)), ("stroke", "#c4c4c4"), ("stroke-width", "1"));
        }

        string text = missing ? "n/a" : NumberFormat.Significant(v, ValueAxis.Format, 2);
        if (TextMetrics.Width(text, LabelSize) + 6 <= w && LabelSize + 4 <= h)
        {
            svg.TextElement("text", text, ("x", SvgWriter.Num(x + (w / 2))), ("y", SvgWriter.Num(y + (h / 2) + 4)), ("text-anchor", "middle"), ("fill", missing ? Palette.MutedInk : Palette.TextOn(t)));
        }
    }

    private void DrawAxes(SvgWriter svg, LabelLayout.CategoryLabels columns, double left, double right, double top, double bottom, double cellWidth, double cellHeight)
    {
        svg.Start("g", ("class", "axes"), ("fill", Palette.Ink));
        foreach (int c in columns.Shown)
        {
            double x = left + ((c + 0.5) * cellWidth);
            double y = bottom + TickLength + 3 + LabelSize;
            svg.Empty("line", ("x1", SvgWriter.Num(x)), ("y1", SvgWriter.Num(bottom)), ("x2", SvgWriter.Num(x)), ("y2", SvgWriter.Num(bottom + TickLength)), ("stroke", Palette.Axis));
            svg.TextElement(
                "text",
                columns.Texts[c],
                ("x", SvgWriter.Num(x)),
                ("y", SvgWriter.Num(columns.Rotated ? y - 4 : y)),
                ("text-anchor", columns.Rotated ? "end" : "middle"),
                ("transform", columns.Rotated ? $"rotate(-45 {SvgWriter.Num(x)} {SvgWriter.Num(y - 4)})" : null));
        }

        var rowCenters = Enumerable.Range(0, YLabels.Count).Select(r => (r + 0.5) * cellHeight).ToArray();
        var rowHeights = rowCenters.Select(_ => TextMetrics.LineHeight(LabelSize)).ToArray();
        foreach (int r in LabelLayout.Thin(rowCenters, rowHeights))
        {
            double y = bottom - rowCenters[r];
            svg.Empty("line", ("x1", SvgWriter.Num(left - TickLength)), ("y1", SvgWriter.Num(y)), ("x2", SvgWriter.Num(left)), ("y2", SvgWriter.Num(y)), ("stroke", Palette.Axis));
            svg.TextElement("text", TextMetrics.Truncate(YLabels[r], LabelSize, 140), ("x", SvgWriter.Num(left - TickLength - 3)), ("y", SvgWriter.Num(y + 4)), ("text-anchor", "end"));
        }

        svg.TextElement("text", TextMetrics.Truncate(XAxis.Label, AxisTitleSize, right - left), ("x", SvgWriter.Num((left + right) / 2)), ("y", SvgWriter.Num(Height - Pad)), ("text-anchor", "middle"), ("font-size", SvgWriter.Num(AxisTitleSize)));
        double tx = Pad + AxisTitleSize - 2, ty = (top + bottom) / 2;
        svg.TextElement("text", TextMetrics.Truncate(YAxis.Label, AxisTitleSize, bottom - top), ("x", SvgWriter.Num(tx)), ("y", SvgWriter.Num(ty)), ("text-anchor", "middle"), ("font-size", SvgWriter.Num(AxisTitleSize)), ("transform", $"rotate(-90 {SvgWriter.Num(tx)} {SvgWriter.Num(ty)})"));
        svg.End();
    }

    private void DrawColorLegend(SvgWriter svg, double lo, double hi, double x, double top, double bottom)
    {
        const double barWidth = 14;
        const int steps = 48;
        svg.Start("g", ("class", "color-legend"));
        var titleLines = TextMetrics.Wrap(ValueAxis.Label, LabelSize, LegendWidth - 4).Select(l => TextMetrics.Truncate(l, LabelSize, LegendWidth - 4));
        double y = top;
        foreach (var line in titleLines)
        {
            y += TextMetrics.LineHeight(LabelSize);
            svg.TextElement("text", line, ("x", SvgWriter.Num(x - 6)), ("y", SvgWriter.Num(y - 3)), ("fill", Palette.Ink));
        }

        double barTop = y + 6, barBottom = Math.Max(barTop + 40, bottom - 24);
        double stepHeight = (barBottom - barTop) / steps;
        for (int i = 0; i < steps; i++)
        {
            double t = (i + 0.5) / steps;
            svg.Empty("rect", ("x", SvgWriter.Num(x)), ("y", SvgWriter.Num(barBottom - ((i + 1) * stepHeight))), ("width", SvgWriter.Num(barWidth)), ("height", SvgWriter.Num(stepHeight + 0.5)), ("fill", Palette.Sequential(t)));
        }

        svg.Empty("rect", ("x", SvgWriter.Num(x)), ("y", SvgWriter.Num(barTop)), ("width", SvgWriter.Num(barWidth)), ("height", SvgWriter.Num(barBottom - barTop)), ("fill", "none"), ("stroke", Palette.Axis), ("stroke-width", "0.5"));
        var ticks = AxisTicks.ForVertical(ValueAxis with { Tight = true, Min = lo, Max = hi, Scale = AxisScale.Linear }, (lo, hi), barBottom - barTop);
        foreach (int i in ticks.Shown)
        {
            double ty = barBottom - ((barBottom - barTop) * ticks.Fraction(ticks.Values[i]));
            svg.Empty("line", ("x1", SvgWriter.Num(x + barWidth)), ("y1", SvgWriter.Num(ty)), ("x2", SvgWriter.Num(x + barWidth + 4)), ("y2", SvgWriter.Num(ty)), ("stroke", Palette.Axis));
            svg.TextElement("text", ticks.Labels[i], ("x", SvgWriter.Num(x + barWidth + 6)), ("y", SvgWriter.Num(ty + 4)), ("fill", Palette.Ink));
        }

        double keyY = barBottom + 8;
        svg.Empty("rect", ("x", SvgWriter.Num(x)), ("y", SvgWriter.Num(keyY)), ("width", SvgWriter.Num(barWidth)), ("height", "10"), ("fill", Palette.NoData), ("stroke", "#c4c4c4"));
        svg.TextElement("text", "no data", ("x", SvgWriter.Num(x + barWidth + 6)), ("y", SvgWriter.Num(keyY + 9)), ("fill", Palette.MutedInk));
        svg.End();
    }

    private IEnumerable<double> Finite() => Values.Cast<double>().Where(double.IsFinite);
}
