using Backtest.Reports.Formatting;

namespace Backtest.Reports.Charts;

/// <summary>A named sample (e.g. one loss per path).</summary>
public sealed record SampleSeries(string Name, IReadOnlyList<double> Values);

/// <summary>
/// A histogram of a sample with 1-2-5 bin widths. NaN samples are left out and counted in the
/// description; infinities are refused. Exact zeros can be set apart (a loss distribution is
/// mostly zeros, which would flatten every other bin): the chart then states how many.
/// </summary>
public sealed class Histogram : Chart
{
    public required AxisSpec ValueAxis { get; init; }

    public required IReadOnlyList<double> Values { get; init; }

    /// <summary>Target number of bins (the 1-2-5 width gives at most this many).</summary>
    public int MaxBins { get; init; } = 40;

    /// <summary>
    /// Log-scaled counts when the fullest bin holds at least 100 samples (so the tail's sparse
    /// bins stay visible next to a full one); with fewer, a linear axis shows every bin anyway.
    /// On the log axis bars start at 0.5 so a bin of one sample is visible.
    /// </summary>
    public bool LogCounts { get; init; }

    /// <summary>Count exact zeros apart instead of binning them.</summary>
    public bool SeparateZeros { get; init; }

    protected override bool HasData => Binned().Length > 0;

    protected override string Describe()
    {
        int nan = Values.Count(double.IsNaN);
        int zeros = SeparateZeros ? Values.Count(v => v == 0) : 0;
        var binned = Binned();
        if (binned.Length == 0)
        {
            return $"{Title}: no values to bin ({Values.Count} samples, {zeros} exact zeros set apart, {nan} missing).";
        }

        return $"Histogram of {ValueAxis.Label} over {NumberFormat.Integer(binned.Length)} samples from {NumberFormat.Significant(binned.Min(), ValueAxis.Format)} to {NumberFormat.Significant(binned.Max(), ValueAxis.Format)}"
            + (SeparateZeros ? $"; {NumberFormat.Integer(zeros)} of {NumberFormat.Integer(Values.Count)} samples are exactly zero and not binned" : string.Empty)
            + (nan > 0 ? $"; {nan} missing values left out" : string.Empty) + ".";
    }

    protected override void Validate()
    {
        RequireNoInfinity(Values, "values");
        if (MaxBins < 2)
        {
            throw new ArgumentException("a histogram needs at least 2 bins", nameof(MaxBins));
        }
    }

    internal override void Draw(SvgWriter svg, double top)
    {
        var (edges, counts) = Bins();
        int bins = counts.Length;
        bool log = CountsOnLogScale;
        var yAxis = new AxisSpec("Paths", "count") { IncludeZero = !log, Integral = true, Scale = log ? AxisScale.Log : AxisScale.Linear, Min = log ? 0.5 : null };
        var yRange = log ? (0.5, counts.Max()) : (0.0, counts.Max());
        var plot = XYPlot.Create(ValueAxis with { Min = edges.Min, Max = edges.Max, Tight = false }, yAxis, (edges.Min, edges.Max), yRange, Width, Height, top);
        plot.DrawGrid(svg);
        svg.Start("g", ("class", "series"), ("fill", Palette.Series(0)));
        double baseline = log ? plot.Bottom : plot.MapY(0);
        for (int b = 0; b < bins; b++)
        {
            if (counts[b] == 0)
            {
                continue;
            }

            double x1 = plot.MapX(edges.Min + (b * edges.Step));
            double x2 = plot.MapX(edges.Min + ((b + 1) * edges.Step));
            double y = plot.MapY(counts[b]);
            svg.Empty("rect", ("x", SvgWriter.Num(x1 + 0.5)), ("y", SvgWriter.Num(y)), ("width", SvgWriter.Num(Math.Max(1, x2 - x1 - 1))), ("height", SvgWriter.Num(Math.Max(1, baseline - y))));
        }

        svg.End();
        plot.DrawAxes(svg);
    }

    /// <summary>Whether the counts axis is logarithmic (see <see cref="LogCounts"/>), decided from the data.</summary>
    public bool CountsOnLogScale => LogCounts && HasData && Bins().Counts.Max() >= 100;

    protected override string? DataNote()
    {
        int zeros = SeparateZeros ? Values.Count(v => v == 0) : 0;
        var notes = new List<string>();
        if (zeros > 0)
        {
            notes.Add($"{NumberFormat.Integer(zeros)} of {NumberFormat.Integer(Values.Count)} samples ({NumberFormat.Significant(zeros / (double)Values.Count, ValueFormat.Percent)}) are exactly 0 and not drawn");
        }

        if (CountsOnLogScale)
        {
            notes.Add("counts on a log scale");
        }

        return notes.Count == 0 ? null : char.ToUpperInvariant(notes[0][0]) + string.Join("; ", notes)[1..];
    }

    /// <summary>Bin edges (1-2-5 width) and the count in each bin; a value on the top edge falls in the last bin.</summary>
    private (TickSet Edges, long[] Counts) Bins()
    {
        var values = Binned();
        var (lo, hi) = NiceTicks.Widen(values.Min(), values.Max());
        var edges = NiceTicks.Linear(lo, hi, MaxBins + 1);
        var counts = new long[edges.Count - 1];
        foreach (var v in values)
        {
            int b = (int)Math.Floor((v - edges.Min) / edges.Step);
            counts[Math.Clamp(b, 0, counts.Length - 1)]++;
        }

        return (edges, counts);
    }

    private double[] Binned() => Values.Where(v => double.IsFinite(v) && !(SeparateZeros && v == 0)).ToArray();
}

/// <summary>
/// Exceedance (survival) curves: for each sample, the empirical P(X &gt; x) = #{samples &gt; x} / n,
/// drawn as a step function. The tail (the 400 largest distinct values) is drawn exactly; when a
/// sample has more distinct values than that, the body is drawn through every k-th of them,
/// which can only shorten a flat step, never move the curve. The curve starts at the smallest
/// sampled value; on a log y axis it ends at its last non-zero probability, 1/n.
/// </summary>
public sealed class ExceedanceChart : Chart
{
    private const int ExactTail = 400;
    private const int BodyPoints = 400;

    public required AxisSpec ValueAxis { get; init; }

    public required IReadOnlyList<SampleSeries> Series { get; init; }

    /// <summary>Log-scaled probability axis (tails spanning several decades).</summary>
    public bool LogProbability { get; init; } = true;

    protected override bool HasData => Series.Any(s => s.Values.Any(double.IsFinite));

    protected override IReadOnlyList<LegendItem> Legend() =>
        Series.Count < 2 ? [] : Series.Select((s, i) => new LegendItem(s.Name, Palette.Series(i), LegendMark.Line, Palette.Dash(i))).ToArray();

    protected override string Describe() =>
        !HasData
            ? $"{Title}: no data."
            : $"Exceedance curves P({ValueAxis.Title} > x) against x ({ValueAxis.Label}): " + string.Join("; ", Series.Select(s =>
            {
                var v = s.Values.Where(double.IsFinite).ToArray();
                return v.Length == 0 ? $"{s.Name}: no values" : $"{s.Name}: {NumberFormat.Integer(v.Length)} samples, P(> 0) = {NumberFormat.Significant(v.Count(x => x > 0) / (double)v.Length, ValueFormat.Percent)}, maximum {NumberFormat.Significant(v.Max(), ValueAxis.Format)}";
            })) + ".";

    protected override void Validate()
    {
        foreach (var s in Series)
        {
            RequireNoInfinity(s.Values, $"series '{s.Name}'");
        }
    }

    /// <summary>The step-curve vertices (x, P(X &gt; x)) of one sample, thinned as the class describes.</summary>
    internal static IReadOnlyList<(double X, double P)> Curve(IReadOnlyList<double> sample)
    {
        var sorted = sample.Where(double.IsFinite).Order().ToArray();
        int n = sorted.Length;
        var distinct = new List<(double Value, int Above)>();
        for (int i = 0; i < n; i++)
        {
            if (i == n - 1 || sorted[i + 1] != sorted[i])
            {
                distinct.Add((sorted[i], n - 1 - i));
            }
        }

        int bodyCount = Math.Max(0, distinct.Count - ExactTail);
        int stride = Math.Max(1, (int)Math.Ceiling(bodyCount / (double)BodyPoints));
        var kept = distinct.Where((d, i) => i >= bodyCount || i % stride == 0).ToList();
        // The curve starts at the smallest value with P(X > smallest); the jump from 1 below it is
        // left out, so a mass of zero losses does not draw a vertical line over the y axis.
        var points = new List<(double X, double P)> { (kept[0].Value, kept[0].Above / (double)n) };
        double previous = points[0].P;
        foreach (var (value, above) in kept.Skip(1))
        {
            double p = above / (double)n;
            points.Add((value, previous));
            points.Add((value, p));
            previous = p;
        }

        return points;
    }

    internal override void Draw(SvgWriter svg, double top)
    {
        var curves = Series.Select(s => s.Values.Any(double.IsFinite) ? Curve(s.Values) : []).ToArray();
        var xRange = Marks.Range(curves.SelectMany(c => c.Select(p => p.X)))!.Value;
        var yRange = Marks.Range(curves.SelectMany(c => c.Select(p => p.P)), LogProbability)!.Value;
        var yAxis = new AxisSpec($"P({ValueAxis.Title} > x)", string.Empty) { Format = ValueFormat.Percent, Scale = LogProbability ? AxisScale.Log : AxisScale.Linear, IncludeZero = true, Max = LogProbability ? null : 1 };
        var plot = XYPlot.Create(ValueAxis with { Title = $"x: {ValueAxis.Title}" }, yAxis, xRange, yRange, Width, Height, top);
        plot.DrawGrid(svg);
        svg.Start("g", ("class", "series"));
        for (int i = 0; i < curves.Length; i++)
        {
            var points = curves[i].Where(p => !LogProbability || p.P > 0).ToArray();
            Marks.Line(svg, plot, points.Select(p => p.X).ToArray(), points.Select(p => p.P).ToArray(), Palette.Series(i), 2, Palette.Dash(i));
        }

        svg.End();
        plot.DrawAxes(svg);
    }
}
