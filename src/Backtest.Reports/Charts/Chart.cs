using Backtest.Reports.Formatting;

namespace Backtest.Reports.Charts;

/// <summary>How an axis maps values to positions.</summary>
public enum AxisScale
{
    Linear,

    /// <summary>Base-10 logarithmic; values ≤ 0 cannot be shown and are left out (charts say how many).</summary>
    Log,
}

/// <summary>
/// What an axis shows: its title and unit (printed as "Title (unit)"), how tick labels are
/// formatted, and how the domain is chosen.
/// </summary>
/// <param name="Title">What is measured, e.g. "Loss absorbed".</param>
/// <param name="Unit">The unit, e.g. "USD", "days"; empty for a dimensionless quantity (percent axes then say "%").</param>
public sealed record AxisSpec(string Title, string Unit)
{
    public ValueFormat Format { get; init; } = ValueFormat.Number;

    public AxisScale Scale { get; init; } = AxisScale.Linear;

    /// <summary>Extend the domain to 0 (bars, areas, counts: lengths must start at zero to be honest).</summary>
    public bool IncludeZero { get; init; }

    /// <summary>Whole-number ticks only (counts: a histogram's "1.5 paths" would be meaningless).</summary>
    public bool Integral { get; init; }

    /// <summary>Use the data range as the domain instead of widening it to round ticks (time axes).</summary>
    public bool Tight { get; init; }

    /// <summary>Fixed lower bound of the domain, e.g. 0 for a probability.</summary>
    public double? Min { get; init; }

    /// <summary>Fixed upper bound of the domain, e.g. 1 for a probability.</summary>
    public double? Max { get; init; }

    /// <summary>The axis title as printed.</summary>
    public string Label => Unit.Length > 0 ? $"{Title} ({Unit})" : Format == ValueFormat.Percent ? $"{Title} (%)" : Title;

    /// <summary>An axis of calendar dates (values are <see cref="DateOnly.DayNumber"/>s).</summary>
    public static AxisSpec Dates(string title = "Date") => new(title, string.Empty) { Format = ValueFormat.Date, Tight = true };

    /// <summary>An axis of simulation steps (days for daily models).</summary>
    public static AxisSpec Steps(string unit = "days") => new("Step", unit) { Tight = true };
}

/// <summary>The kind of mark a legend entry shows.</summary>
public enum LegendMark
{
    Line,
    Band,
    Box,
    Dot,
}

/// <summary>One legend entry.</summary>
public sealed record LegendItem(string Label, string Color, LegendMark Mark, string? Dash = null, double Opacity = 1);

/// <summary>
/// A chart rendered to a standalone SVG document: valid XML with a <c>viewBox</c>,
/// <c>role="img"</c>, and <c>&lt;title&gt;</c>/<c>&lt;desc&gt;</c> for screen readers, usable
/// inline in HTML or as its own <c>.svg</c> file. Rendering is deterministic: the same chart
/// gives the same bytes on every machine.
/// </summary>
public abstract class Chart
{
    internal const double TitleSize = 16;
    internal const double SubtitleSize = 12;
    internal const double LabelSize = 11;
    internal const double AxisTitleSize = 12;
    internal const double Pad = 12;

    public required string Title { get; init; }

    public string? Subtitle { get; init; }

    /// <summary>Overall size in pixels (the viewBox; HTML scales it down on narrow screens).</summary>
    public double Width { get; init; } = 760;

    public double Height { get; init; } = 420;

    /// <summary>The chart as an SVG document; <paramref name="id"/> prefixes element ids so several charts can share one HTML page.</summary>
    public string ToSvg(string id = "chart")
    {
        if (string.IsNullOrWhiteSpace(id) || id.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')))
        {
            throw new ArgumentException($"chart id '{id}' must be letters, digits, '-' or '_'", nameof(id));
        }

        if (Width < 200 || Height < 150)
        {
            throw new ArgumentException($"chart '{Title}' is {Width}×{Height} px; the smallest legible chart is 200×150");
        }

        Validate();
        var svg = new SvgWriter();
        svg.Start(
            "svg",
            ("xmlns", "http://www.w3.org/2000/svg"),
            ("width", SvgWriter.Num(Width)),
            ("height", SvgWriter.Num(Height)),
            ("viewBox", $"0 0 {SvgWriter.Num(Width)} {SvgWriter.Num(Height)}"),
            ("role", "img"),
            ("aria-labelledby", $"{id}-title {id}-desc"),
            ("font-family", TextMetrics.FontFamily),
            ("font-size", SvgWriter.Num(LabelSize)));
        svg.TextElement("title", Title, ("id", $"{id}-title"));
        svg.TextElement("desc", Describe(), ("id", $"{id}-desc"));
        svg.Empty("rect", ("x", "0"), ("y", "0"), ("width", SvgWriter.Num(Width)), ("height", SvgWriter.Num(Height)), ("fill", "#ffffff"));
        double top = DrawHeader(svg, Legend());
        if (HasData)
        {
            Draw(svg, top);
        }
        else
        {
            DrawNoData(svg, top);
        }

        svg.End();
        return svg.ToString();
    }

    /// <summary>Whether there is anything to plot; without data the chart says "No data" instead of drawing axes.</summary>
    protected abstract bool HasData { get; }

    /// <summary>Text for the SVG's <c>&lt;desc&gt;</c>: what is plotted, over what range, from how many points.</summary>
    protected abstract string Describe();

    /// <summary>A statement about the data drawn under the subtitle (e.g. what was left out), or null.</summary>
    protected virtual string? DataNote() => null;

    /// <summary>Legend entries in display order (empty for none).</summary>
    protected virtual IReadOnlyList<LegendItem> Legend() => [];

    /// <summary>Throws <see cref="ChartDataException"/> for data the chart cannot show honestly.</summary>
    protected virtual void Validate()
    {
    }

    /// <summary>Draws the plot into the area below <paramref name="top"/>.</summary>
    internal abstract void Draw(SvgWriter svg, double top);

    /// <summary>Refuses infinities (a NaN is a gap and is allowed).</summary>
    protected void RequireNoInfinity(IEnumerable<double> values, string what)
    {
        int i = 0;
        foreach (var v in values)
        {
            if (double.IsInfinity(v))
            {
                throw new ChartDataException(Title, what, $"value {i} is {(v > 0 ? "+" : "-")}infinity; a chart cannot place it (filter it out or report it separately)");
            }

            i++;
        }
    }

    /// <summary>Draws title, subtitle and legend; returns the y coordinate below them.</summary>
    private double DrawHeader(SvgWriter svg, IReadOnlyList<LegendItem> legend)
    {
        double y = Pad;
        foreach (var line in TextMetrics.Wrap(Title, TitleSize, Width - (2 * Pad), bold: true))
        {
            y += TextMetrics.LineHeight(TitleSize);
            svg.TextElement("text", line, ("x", SvgWriter.Num(Pad)), ("y", SvgWriter.Num(y - 4)), ("font-size", SvgWriter.Num(TitleSize)), ("font-weight", "bold"), ("fill", Palette.Ink));
        }

        foreach (var subtitle in new[] { Subtitle, HasData ? DataNote() : null }.Where(s => !string.IsNullOrWhiteSpace(s)))
        {
            foreach (var line in TextMetrics.Wrap(subtitle!, SubtitleSize, Width - (2 * Pad)))
            {
                y += TextMetrics.LineHeight(SubtitleSize);
                svg.TextElement("text", line, ("x", SvgWriter.Num(Pad)), ("y", SvgWriter.Num(y - 3)), ("font-size", SvgWriter.Num(SubtitleSize)), ("fill", Palette.MutedInk));
            }
        }

        if (legend.Count > 0 && HasData)
        {
            y += 6;
            y = DrawLegend(svg, legend, y);
        }

        // The top y tick label is centred on the plot's top edge: half a label height of room keeps it clear of the header.
        return y + 8 + (LabelSize / 2) + 2;
    }

    private double DrawLegend(SvgWriter svg, IReadOnlyList<LegendItem> items, double top)
    {
        const double markWidth = 20, gap = 6, itemGap = 16;
        double rowHeight = TextMetrics.LineHeight(LabelSize) + 2;
        double x = Pad, y = top;
        svg.Start("g", ("class", "legend"));
        foreach (var item in items)
        {
            double available = Width - (2 * Pad) - markWidth - gap;
            string label = TextMetrics.Truncate(item.Label, LabelSize, available);
            double width = markWidth + gap + TextMetrics.Width(label, LabelSize);
            if (x > Pad && x + width > Width - Pad)
            {
                x = Pad;
                y += rowHeight;
            }

            double mid = y + (rowHeight / 2);
            switch (item.Mark)
            {
                case LegendMark.Line:
                    svg.Empty("line", ("x1", SvgWriter.Num(x)), ("y1", SvgWriter.Num(mid)), ("x2", SvgWriter.Num(x + markWidth)), ("y2", SvgWriter.Num(mid)), ("stroke", item.Color), ("stroke-width", "2.5"), ("stroke-dasharray", item.Dash));
                    break;
                case LegendMark.Dot:
                    svg.Empty("circle", ("cx", SvgWriter.Num(x + (markWidth / 2))), ("cy", SvgWriter.Num(mid)), ("r", "4"), ("fill", item.Color), ("fill-opacity", Opacity(item.Opacity)));
                    break;
                default:
                    svg.Empty("rect", ("x", SvgWriter.Num(x)), ("y", SvgWriter.Num(mid - 5)), ("width", SvgWriter.Num(markWidth)), ("height", "10"), ("fill", item.Color), ("fill-opacity", Opacity(item.Opacity)), ("stroke", item.Mark == LegendMark.Box ? Palette.Axis : null), ("stroke-width", item.Mark == LegendMark.Box ? "0.5" : null));
                    break;
            }

            svg.TextElement("text", label, ("x", SvgWriter.Num(x + markWidth + gap)), ("y", SvgWriter.Num(mid + 4)), ("fill", Palette.Ink));
            x += width + itemGap;
        }

        svg.End();
        return y + rowHeight;
    }

    private void DrawNoData(SvgWriter svg, double top)
    {
        double cy = (top + Height) / 2;
        svg.Empty("rect", ("x", SvgWriter.Num(Pad)), ("y", SvgWriter.Num(top)), ("width", SvgWriter.Num(Width - (2 * Pad))), ("height", SvgWriter.Num(Math.Max(1, Height - top - Pad))), ("fill", Palette.NoData), ("stroke", Palette.Grid));
        svg.TextElement("text", "No data to plot", ("x", SvgWriter.Num(Width / 2)), ("y", SvgWriter.Num(cy)), ("text-anchor", "middle"), ("font-size", SvgWriter.Num(SubtitleSize)), ("fill", Palette.MutedInk));
    }

    internal static string? Opacity(double opacity) => opacity >= 1 ? null : SvgWriter.Num(opacity);
}

/// <summary>
/// Data a chart refuses to draw (an infinity, mismatched lengths, negative stack layers). Data
/// comes from run files, so this is an input error and names the chart and the series.
/// </summary>
public sealed class ChartDataException(string chart, string series, string reason)
    : InputException(reason, key: $"chart '{chart}', {series}")
{
}
