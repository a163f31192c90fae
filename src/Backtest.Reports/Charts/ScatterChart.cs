using Backtest.Reports.Formatting;

namespace Backtest.Reports.Charts;

/// <summary>Whether smaller or larger values of a metric are better.</summary>
public enum Direction
{
    Minimize,
    Maximize,
}

/// <summary>A labelled point.</summary>
public sealed record ScatterPoint(string Label, double X, double Y);

/// <summary>The Pareto frontier of points in two objectives.</summary>
public static class ParetoFrontier
{
    /// <summary>
    /// Indices of the points no other point dominates (at least as good in both objectives and
    /// strictly better in one), sorted by x. Points with a NaN coordinate take no part.
    /// </summary>
    public static IReadOnlyList<int> Compute(IReadOnlyList<(double X, double Y)> points, Direction x, Direction y)
    {
        double Score(double v, Direction d) => d == Direction.Minimize ? -v : v;
        bool Finite(int i) => double.IsFinite(points[i].X) && double.IsFinite(points[i].Y);
        var result = new List<int>();
        for (int i = 0; i < points.Count; i++)
        {
            if (!Finite(i))
            {
                continue;
            }

            double xi = Score(points[i].X, x), yi = Score(points[i].Y, y);
            bool dominated = false;
            for (int j = 0; j < points.Count && !dominated; j++)
            {
                if (j == i || !Finite(j))
                {
                    continue;
                }

                double xj = Score(points[j].X, x), yj = Score(points[j].Y, y);
                dominated = xj >= xi && yj >= yi && (xj > xi || yj > yi);
            }

            if (!dominated)
            {
                result.Add(i);
            }
        }

        return result.OrderBy(i => points[i].X).ThenBy(i => points[i].Y).ToArray();
    }
}

/// <summary>
/// Points in two metrics with the Pareto frontier drawn and its points labelled (labels that
/// would collide are left out; every point is listed in the description), and one point
/// optionally marked as the recommendation.
/// </summary>
public sealed class ScatterChart : Chart
{
    private const string FrontierColor = "#D55E00";

    public required AxisSpec XAxis { get; init; }

    public required AxisSpec YAxis { get; init; }

    public required IReadOnlyList<ScatterPoint> Points { get; init; }

    /// <summary>Which way each axis is better; both set to draw the frontier.</summary>
    public (Direction X, Direction Y)? Frontier { get; init; }

    /// <summary>Label of the point to ring as the recommendation.</summary>
    public string? Highlight { get; init; }

    protected override bool HasData => Points.Any(p => double.IsFinite(p.X) && double.IsFinite(p.Y));

    protected override IReadOnlyList<LegendItem> Legend()
    {
        var items = new List<LegendItem> { new("parameter set", Palette.Series(0), LegendMark.Dot, Opacity: 0.6) };
        if (Frontier is not null)
        {
            items.Add(new("Pareto frontier", FrontierColor, LegendMark.Line));
        }

        if (Highlight is not null)
        {
            items.Add(new($"recommended: {Highlight}", Palette.Ink, LegendMark.Dot));
        }

        return items;
    }

    protected override string Describe()
    {
        if (!HasData)
        {
            return $"{Title}: no data.";
        }

        var frontier = FrontierIndices();
        return $"Scatter of {YAxis.Label} against {XAxis.Label} for {Points.Count} points"
            + (frontier.Count > 0 ? $"; Pareto frontier: {string.Join(", ", frontier.Select(i => $"{Points[i].Label} ({NumberFormat.Significant(Points[i].X, XAxis.Format)}, {NumberFormat.Significant(Points[i].Y, YAxis.Format)})"))}" : string.Empty)
            + (Highlight is null ? string.Empty : $"; recommended: {Highlight}") + ".";
    }

    protected override void Validate()
    {
        RequireNoInfinity(Points.Select(p => p.X), "x");
        RequireNoInfinity(Points.Select(p => p.Y), "y");
        if (Highlight is not null && Points.All(p => p.Label != Highlight))
        {
            throw new ChartDataException(Title, "highlight", $"no point is labelled '{Highlight}'");
        }
    }

    internal override void Draw(SvgWriter svg, double top)
    {
        var finite = Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToArray();
        var plot = XYPlot.Create(XAxis, YAxis, Marks.Range(finite.Select(p => p.X))!.Value, Marks.Range(finite.Select(p => p.Y))!.Value, Width, Height, top);
        plot.DrawGrid(svg);
        var frontier = FrontierIndices();
        svg.Start("g", ("class", "series"));
        foreach (var p in finite)
        {
            svg.Empty("circle", ("cx", SvgWriter.Num(plot.MapX(p.X))), ("cy", SvgWriter.Num(plot.MapY(p.Y))), ("r", "4"), ("fill", Palette.Series(0)), ("fill-opacity", "0.6"));
        }

        if (frontier.Count > 0)
        {
            var line = frontier.Select(i => (plot.MapX(Points[i].X), plot.MapY(Points[i].Y))).ToArray();
            svg.Empty("path", ("d", SvgWriter.Polyline(line)), ("fill", "none"), ("stroke", FrontierColor), ("stroke-width", "2"));
            foreach (var (x, y) in line)
            {
                svg.Empty("circle", ("cx", SvgWriter.Num(x)), ("cy", SvgWriter.Num(y)), ("r", "4.5"), ("fill", FrontierColor));
            }
        }

        if (Highlight is not null && finite.FirstOrDefault(p => p.Label == Highlight) is { } h)
        {
            svg.Empty("circle", ("cx", SvgWriter.Num(plot.MapX(h.X))), ("cy", SvgWriter.Num(plot.MapY(h.Y))), ("r", "8"), ("fill", "none"), ("stroke", Palette.Ink), ("stroke-width", "2"));
        }

        svg.End();
        DrawLabels(svg, plot, frontier);
        plot.DrawAxes(svg);
    }

    private void DrawLabels(SvgWriter svg, XYPlot plot, IReadOnlyList<int> frontier)
    {
        var placed = new List<(double X1, double Y1, double X2, double Y2)>();
        var order = Points.Select((p, i) => i).Where(i => Points[i].Label == Highlight).Concat(frontier).Distinct();
        svg.Start("g", ("class", "point-labels"), ("fill", Palette.Ink));
        foreach (int i in order)
        {
            var p = Points[i];
            double px = plot.MapX(p.X), py = plot.MapY(p.Y);
            double w = TextMetrics.Width(p.Label, LabelSize);
            bool right = px + 10 + w <= plot.Right;
            double x1 = right ? px + 10 : px - 10 - w;
            var box = (X1: x1 - 2, Y1: py - 12, X2: x1 + w + 2, Y2: py + 4);
            bool inside = box.X1 >= plot.Left && box.Y1 >= plot.Top && box.Y2 <= plot.Bottom;
            if (!inside || placed.Any(b => b.X1 < box.X2 && box.X1 < b.X2 && b.Y1 < box.Y2 && box.Y1 < b.Y2))
            {
                continue;
            }

            placed.Add(box);
            svg.TextElement("text", p.Label, ("x", SvgWriter.Num(x1)), ("y", SvgWriter.Num(py)), ("font-weight", p.Label == Highlight ? "bold" : null));
        }

        svg.End();
    }

    private IReadOnlyList<int> FrontierIndices() =>
        Frontier is { } f ? ParetoFrontier.Compute(Points.Select(p => (p.X, p.Y)).ToArray(), f.X, f.Y) : [];
}
