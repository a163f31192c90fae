using Backtest.Reports.Formatting;

namespace Backtest.Reports.Charts;

/// <summary>
/// Quantiles of a variable at each x: the 5th, 25th, 50th, 75th and 95th percentiles and
/// optionally the mean, all of the same length as <see cref="X"/>. A NaN leaves a gap.
/// </summary>
public sealed record FanSeries(
    IReadOnlyList<double> X,
    IReadOnlyList<double> P05,
    IReadOnlyList<double> P25,
    IReadOnlyList<double> P50,
    IReadOnlyList<double> P75,
    IReadOnlyList<double> P95,
    IReadOnlyList<double>? Mean = null);

/// <summary>
/// A fan chart: the 5–95 and 25–75 percentile bands, the median line and optionally the mean,
/// over dates or steps. Quantiles out of order at any x are refused: a fan that crosses itself
/// would misstate the distribution.
/// </summary>
public sealed class FanChart : Chart
{
    private const string Color = "#0072B2";
    private const string MeanColor = "#D55E00";

    public required AxisSpec XAxis { get; init; }

    public required AxisSpec YAxis { get; init; }

    public required FanSeries Fan { get; init; }

    public ReferenceBand? Band { get; init; }

    protected override bool HasData => Enumerable.Range(0, Fan.X.Count).Any(i => double.IsFinite(Fan.X[i]) && double.IsFinite(Fan.P50[i]));

    protected override IReadOnlyList<LegendItem> Legend()
    {
        var items = new List<LegendItem>
        {
            new("5th–95th percentile", Color, LegendMark.Band, Opacity: 0.18),
            new("25th–75th percentile", Color, LegendMark.Band, Opacity: 0.4),
            new("median", Color, LegendMark.Line),
        };
        if (Fan.Mean is not null)
        {
            items.Add(new("mean", MeanColor, LegendMark.Line, "5 3"));
        }

        if (Band is not null)
        {
            items.Add(new(Band.Label, Palette.ReferenceBand, LegendMark.Band, Opacity: 0.3));
        }

        return items;
    }

    protected override string Describe()
    {
        if (!HasData)
        {
            return $"{Title}: no data.";
        }

        var (lo, hi) = Marks.Range(Fan.P05.Concat(Fan.P95))!.Value;
        var median = Marks.Range(Fan.P50)!.Value;
        return $"Fan chart of {YAxis.Label} against {XAxis.Label} over {Fan.X.Count} points: median from {NumberFormat.Significant(median.Min, YAxis.Format)} to {NumberFormat.Significant(median.Max, YAxis.Format)}; 5th–95th percentile band spans {NumberFormat.Significant(lo, YAxis.Format)} to {NumberFormat.Significant(hi, YAxis.Format)}.";
    }

    protected override void Validate()
    {
        var bands = new (string Name, IReadOnlyList<double>? Values)[] { ("p05", Fan.P05), ("p25", Fan.P25), ("p50", Fan.P50), ("p75", Fan.P75), ("p95", Fan.P95), ("mean", Fan.Mean) };
        foreach (var (name, values) in bands)
        {
            if (values is null)
            {
                continue;
            }

            if (values.Count != Fan.X.Count)
            {
                throw new ChartDataException(Title, name, $"has {values.Count} values but x has {Fan.X.Count}");
            }

            RequireNoInfinity(values, name);
        }

        RequireNoInfinity(Fan.X, "x");
        for (int i = 0; i < Fan.X.Count; i++)
        {
            double[] q = [Fan.P05[i], Fan.P25[i], Fan.P50[i], Fan.P75[i], Fan.P95[i]];
            for (int k = 1; k < q.Length; k++)
            {
                double tolerance = 1e-9 * Math.Max(1, Math.Abs(q[k]));
                if (double.IsFinite(q[k]) && double.IsFinite(q[k - 1]) && q[k] < q[k - 1] - tolerance)
                {
                    throw new ChartDataException(Title, $"point {i}", $"quantiles out of order ({bands[k - 1].Name} {q[k - 1]} > {bands[k].Name} {q[k]})");
                }
            }
        }

        Band?.Validate(Title);
    }

    internal override void Draw(SvgWriter svg, double top)
    {
        var xRange = Marks.Range(Fan.X)!.Value;
        var yRange = Marks.Range(Fan.P05.Concat(Fan.P95).Concat(Fan.P50).Concat(Fan.Mean ?? []))!.Value;
        if (Band is not null)
        {
            yRange = Marks.Union(yRange, (Band.From, Band.To));
        }

        var plot = XYPlot.Create(XAxis, YAxis with { Scale = AxisScale.Linear }, xRange, yRange, Width, Height, top);
        plot.DrawGrid(svg);
        if (Band is not null)
        {
            Marks.ReferenceBand(svg, plot, Band);
        }

        svg.Start("g", ("class", "series"));
        Marks.Band(svg, plot, Fan.X, Fan.P05, Fan.P95, Color, 0.18);
        Marks.Band(svg, plot, Fan.X, Fan.P25, Fan.P75, Color, 0.4);
        Marks.Line(svg, plot, Fan.X, Fan.P50, Color, 2.25, null);
        if (Fan.Mean is not null)
        {
            Marks.Line(svg, plot, Fan.X, Fan.Mean, MeanColor, 1.75, "5 3");
        }

        svg.End();
        plot.DrawAxes(svg);
    }
}
