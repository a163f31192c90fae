using Backtest.Reports.Formatting;

namespace Backtest.Reports.Charts;

/// <summary>
/// One group member per category; optional interval bounds draw error bars (e.g. a 95% Wilson
/// interval). A NaN value is drawn as "n/a", not as a zero-height bar.
/// </summary>
public sealed record BarSeries(string Name, IReadOnlyList<double> Values, IReadOnlyList<double>? Lower = null, IReadOnlyList<double>? Upper = null);

/// <summary>Vertical bars, grouped by category, starting at zero; category labels rotate or thin when crowded.</summary>
public sealed class BarChart : Chart
{
    private const double TickLength = 5;

    public required IReadOnlyList<string> Categories { get; init; }

    /// <summary>Title of the category axis (e.g. "Parameter set").</summary>
    public required string CategoryTitle { get; init; }

    public required AxisSpec ValueAxis { get; init; }

    public required IReadOnlyList<BarSeries> Series { get; init; }

    protected override bool HasData => Categories.Count > 0 && Series.Any(s => s.Values.Any(double.IsFinite));

    protected override IReadOnlyList<LegendItem> Legend() =>
        Series.Count < 2 ? [] : Series.Select((s, i) => new LegendItem(s.Name, Palette.Series(i), LegendMark.Box)).ToArray();

    protected override string Describe() =>
        !HasData
            ? $"{Title}: no data."
            : $"Bar chart of {ValueAxis.Label} by {CategoryTitle}: " + string.Join("; ", Series.Select(s =>
                $"{s.Name}: " + string.Join(", ", Categories.Select((c, i) => $"{c} {NumberFormat.Significant(s.Values[i], ValueAxis.Format)}")))) + ".";

    protected override void Validate()
    {
        foreach (var s in Series)
        {
            foreach (var (name, values) in new[] { ("values", s.Values), ("lower", s.Lower), ("upper", s.Upper) })
            {
                if (values is null)
                {
                    continue;
                }

                if (values.Count != Categories.Count)
                {
                    throw new ChartDataException(Title, $"series '{s.Name}' {name}", $"has {values.Count} values for {Categories.Count} categories");
                }

                RequireNoInfinity(values, $"series '{s.Name}' {name}");
            }
        }
    }

    internal override void Draw(SvgWriter svg, double top)
    {
        var all = Series.SelectMany(s => s.Values.Concat(s.Lower ?? []).Concat(s.Upper ?? []));
        var range = Marks.Range(all)!.Value;
        double labelSpace = Width * 0.3;
        double titleHeight = TextMetrics.LineHeight(AxisTitleSize);
        double left0 = Pad + titleHeight + 4;
        double right = Width - Pad;

        // The category labels' height depends on the band width, which depends on the left
        // margin, which depends on the value labels: lay out values first at a provisional
        // height, then the categories, then the values again at the final height.
        var axis = ValueAxis with { IncludeZero = true, Scale = AxisScale.Linear };
        var values = AxisTicks.ForVertical(axis, range, Height - top - 80);
        double left = left0 + ValueLabelWidth(values) + TickLength + 4;
        var labels = LabelLayout.Categories(Categories, (right - left) / Categories.Count, LabelSize, labelSpace, left - 2);
        double bottom = Height - Pad - titleHeight - 6 - labels.Height - TickLength - 3;
        if (bottom - top < 40)
        {
            throw new ArgumentException($"chart '{Title}' too small for {Categories.Count} category labels");
        }

        values = AxisTicks.ForVertical(axis, range, bottom - top);
        left = left0 + ValueLabelWidth(values) + TickLength + 4;
        labels = LabelLayout.Categories(Categories, (right - left) / Categories.Count, LabelSize, labelSpace, left - 2);
        double band = (right - left) / Categories.Count;
        double MapY(double v) => bottom - ((bottom - top) * values.Fraction(v));

        DrawValueAxis(svg, values, left, right, top, bottom, MapY);
        double groupWidth = band * 0.8;
        double barWidth = groupWidth / Math.Max(1, Series.Count);
        svg.Start("g", ("class", "series"));
        for (int s = 0; s < Series.Count; s++)
        {
            var series = Series[s];
            for (int c = 0; c < Categories.Count; c++)
            {
                double x = left + (c * band) + (band * 0.1) + (s * barWidth);
                double v = series.Values[c];
                if (double.IsNaN(v))
                {
                    svg.TextElement("text", "n/a", ("x", SvgWriter.Num(x + (barWidth / 2))), ("y", SvgWriter.Num(MapY(0) - 4)), ("text-anchor", "middle"), ("fill", Palette.MutedInk));
                    continue;
                }

                double y0 = MapY(0), y1 = MapY(v);
                svg.Empty("rect", ("x", SvgWriter.Num(x + 0.5)), ("y", SvgWriter.Num(Math.Min(y0, y1))), ("width", SvgWriter.Num(Math.Max(1, barWidth - 1))), ("height", SvgWriter.Num(Math.Max(1, Math.Abs(y0 - y1)))), ("fill", Palette.Series(s)));
                if (series.Lower is not null && series.Upper is not null && double.IsFinite(series.Lower[c]) && double.IsFinite(series.Upper[c]))
                {
                    double cx = x + (barWidth / 2), lo = MapY(series.Lower[c]), hi = MapY(series.Upper[c]);
                    double cap = Math.Min(6, barWidth / 3);
                    svg.Empty("path", ("d", $"M{SvgWriter.Num(cx)} {SvgWriter.Num(lo)} L{SvgWriter.Num(cx)} {SvgWriter.Num(hi)} M{SvgWriter.Num(cx - cap)} {SvgWriter.Num(lo)} L{SvgWriter.Num(cx + cap)} {SvgWriter.Num(lo)} M{SvgWriter.Num(cx - cap)} {SvgWriter.Num(hi)} L{SvgWriter.Num(cx + cap)} {SvgWriter.Num(hi)}"), ("stroke", Palette.Ink), ("stroke-width", "1.25"), ("fill", "none"));
                }
            }
        }

        svg.End();
        DrawCategoryAxis(svg, labels, left, right, bottom, band);
    }

    private static double ValueLabelWidth(AxisTicks ticks) =>
        ticks.Shown.Select(i => TextMetrics.Width(ticks.Labels[i], LabelSize)).DefaultIfEmpty(0).Max();

    private void DrawValueAxis(SvgWriter svg, AxisTicks ticks, double left, double right, double top, double bottom, Func<double, double> mapY)
    {
        svg.Start("g", ("class", "grid"), ("stroke", Palette.Grid));
        foreach (var t in ticks.Values)
        {
            svg.Empty("line", ("x1", SvgWriter.Num(left)), ("y1", SvgWriter.Num(mapY(t))), ("x2", SvgWriter.Num(right)), ("y2", SvgWriter.Num(mapY(t))));
        }

        svg.End();
        svg.Start("g", ("class", "axes"), ("fill", Palette.Ink));
        svg.Empty("line", ("x1", SvgWriter.Num(left)), ("y1", SvgWriter.Num(top)), ("x2", SvgWriter.Num(left)), ("y2", SvgWriter.Num(bottom)), ("stroke", Palette.Axis));
        foreach (int i in ticks.Shown)
        {
            double y = mapY(ticks.Values[i]);
            svg.Empty("line", ("x1", SvgWriter.Num(left - TickLength)), ("y1", SvgWriter.Num(y)), ("x2", SvgWriter.Num(left)), ("y2", SvgWriter.Num(y)), ("stroke", Palette.Axis));
            svg.TextElement("text", ticks.Labels[i], ("x", SvgWriter.Num(left - TickLength - 3)), ("y", SvgWriter.Num(y + 4)), ("text-anchor", "end"));
        }

        double tx = Pad + AxisTitleSize - 2, ty = (top + bottom) / 2;
        svg.TextElement("text", TextMetrics.Truncate(ValueAxis.Label, AxisTitleSize, bottom - top), ("x", SvgWriter.Num(tx)), ("y", SvgWriter.Num(ty)), ("text-anchor", "middle"), ("font-size", SvgWriter.Num(AxisTitleSize)), ("transform", $"rotate(-90 {SvgWriter.Num(tx)} {SvgWriter.Num(ty)})"));
        svg.End();
    }

    private void DrawCategoryAxis(SvgWriter svg, LabelLayout.CategoryLabels labels, double left, double right, double bottom, double band)
    {
        svg.Start("g", ("class", "axes"), ("fill", Palette.Ink));
        svg.Empty("line", ("x1", SvgWriter.Num(left)), ("y1", SvgWriter.Num(bottom)), ("x2", SvgWriter.Num(right)), ("y2", SvgWriter.Num(bottom)), ("stroke", Palette.Axis));
        foreach (int i in labels.Shown)
        {
            double x = left + ((i + 0.5) * band);
            double y = bottom + TickLength + 3 + LabelSize;
            if (labels.Rotated)
            {
                svg.TextElement("text", labels.Texts[i], ("x", SvgWriter.Num(x)), ("y", SvgWriter.Num(y - 4)), ("text-anchor", "end"), ("transform", $"rotate(-45 {SvgWriter.Num(x)} {SvgWriter.Num(y - 4)})"));
            }
            else
            {
                svg.TextElement("text", labels.Texts[i], ("x", SvgWriter.Num(x)), ("y", SvgWriter.Num(y)), ("text-anchor", "middle"));
            }
        }

        svg.TextElement("text", TextMetrics.Truncate(CategoryTitle, AxisTitleSize, right - left), ("x", SvgWriter.Num((left + right) / 2)), ("y", SvgWriter.Num(Height - Pad)), ("text-anchor", "middle"), ("font-size", SvgWriter.Num(AxisTitleSize)));
        svg.End();
    }
}
