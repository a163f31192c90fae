using Backtest.Reports.Formatting;

namespace Backtest.Reports.Charts;

/// <summary>One line: x and y of equal length; a NaN in either leaves a gap.</summary>
public sealed record LineSeries(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>Several series against a shared x axis (dates or steps), with a legend.</summary>
public sealed class LineChart : Chart
{
    public required AxisSpec XAxis { get; init; }

    public required AxisSpec YAxis { get; init; }

    public required IReadOnlyList<LineSeries> Series { get; init; }

    /// <summary>An optional shaded y range (e.g. an equilibrium band).</summary>
    public ReferenceBand? Band { get; init; }

    protected override bool HasData => Series.Any(s => Finite(s).Any());

    protected override IReadOnlyList<LegendItem> Legend() =>
        Series.Count < 2 && Band is null
            ? []
            : Series.Select((s, i) => new LegendItem(s.Name, Palette.Series(i), LegendMark.Line, Palette.Dash(i)))
                .Concat(Band is null ? [] : [new LegendItem(Band.Label, Palette.ReferenceBand, LegendMark.Band, Opacity: 0.3)])
                .ToArray();

    protected override string Describe()
    {
        if (!HasData)
        {
            return $"{Title}: no data.";
        }

        var parts = Series.Select(s =>
        {
            var finite = Finite(s).ToArray();
            if (finite.Length == 0)
            {
                return $"{s.Name}: no finite values";
            }

            var (lo, hi) = Marks.Range(finite.Select(p => p.Y))!.Value;
            return $"{s.Name}: {finite.Length} points, from {NumberFormat.Significant(lo, YAxis.Format)} to {NumberFormat.Significant(hi, YAxis.Format)}";
        });
        return $"Line chart of {YAxis.Label} against {XAxis.Label}. {string.Join("; ", parts)}.";
    }

    protected override void Validate()
    {
        foreach (var s in Series)
        {
            if (s.X.Count != s.Y.Count)
            {
                throw new ChartDataException(Title, $"series '{s.Name}'", $"x has {s.X.Count} values but y has {s.Y.Count}");
            }

            RequireNoInfinity(s.X, $"series '{s.Name}' x");
            RequireNoInfinity(s.Y, $"series '{s.Name}' y");
        }

        Band?.Validate(Title);
    }

    internal override void Draw(SvgWriter svg, double top)
    {
        bool log = YAxis.Scale == AxisScale.Log;
        var xRange = Marks.Range(Series.SelectMany(s => Finite(s).Select(p => p.X)))!.Value;
        var yRange = Marks.Range(Series.SelectMany(s => Finite(s).Select(p => p.Y)), log)
            ?? throw new ChartDataException(Title, "y", "a log axis needs positive values");
        if (Band is not null && !log)
        {
            yRange = Marks.Union(yRange, (Band.From, Band.To));
        }

        var plot = XYPlot.Create(XAxis, YAxis, xRange, yRange, Width, Height, top);
        plot.DrawGrid(svg);
        if (Band is not null && !log)
        {
            Marks.ReferenceBand(svg, plot, Band);
        }

        svg.Start("g", ("class", "series"));
        for (int i = 0; i < Series.Count; i++)
        {
            var s = Series[i];
            var y = log ? s.Y.Select(v => v > 0 ? v : double.NaN).ToArray() : s.Y;
            Marks.Line(svg, plot, s.X, y, Palette.Series(i), 2, Palette.Dash(i));
        }

        svg.End();
        plot.DrawAxes(svg);
    }

    private static IEnumerable<(double X, double Y)> Finite(LineSeries s) =>
        Enumerable.Range(0, Math.Min(s.X.Count, s.Y.Count)).Where(i => double.IsFinite(s.X[i]) && double.IsFinite(s.Y[i])).Select(i => (s.X[i], s.Y[i]));
}
