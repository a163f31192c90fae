using Backtest.Reports.Formatting;

namespace Backtest.Reports.Charts;

/// <summary>One layer of a stack: non-negative values, one per x.</summary>
public sealed record AreaLayer(string Name, IReadOnlyList<double> Values);

/// <summary>
/// Layers stacked on top of each other over x (e.g. capital by tier over time). Stacking only
/// means something for quantities that add up, so negative values are refused; a NaN in any
/// layer leaves a gap in the whole stack at that x.
/// </summary>
public sealed class StackedAreaChart : Chart
{
    public required AxisSpec XAxis { get; init; }

    public required AxisSpec YAxis { get; init; }

    public required IReadOnlyList<double> X { get; init; }

    /// <summary>Layers from the bottom of the stack up.</summary>
    public required IReadOnlyList<AreaLayer> Layers { get; init; }

    protected override bool HasData => Layers.Count > 0 && Marks.Segments(X.Count, [X, .. Layers.Select(l => l.Values)]).Any();

    protected override IReadOnlyList<LegendItem> Legend() =>
        Layers.Select((l, i) => new LegendItem(l.Name, Palette.Series(i), LegendMark.Box, Opacity: 0.85)).ToArray();

    protected override string Describe()
    {
        if (!HasData)
        {
            return $"{Title}: no data.";
        }

        var totals = Totals();
        var range = Marks.Range(totals)!.Value;
        return $"Stacked area chart of {YAxis.Label} against {XAxis.Label}, {Layers.Count} layers ({string.Join(", ", Layers.Select(l => l.Name))}) over {X.Count} points; the total ranges from {NumberFormat.Significant(range.Min, YAxis.Format)} to {NumberFormat.Significant(range.Max, YAxis.Format)}.";
    }

    protected override void Validate()
    {
        RequireNoInfinity(X, "x");
        foreach (var layer in Layers)
        {
            if (layer.Values.Count != X.Count)
            {
                throw new ChartDataException(Title, $"layer '{layer.Name}'", $"has {layer.Values.Count} values but x has {X.Count}");
            }

            RequireNoInfinity(layer.Values, $"layer '{layer.Name}'");
            int negative = layer.Values.ToList().FindIndex(v => v < 0);
            if (negative >= 0)
            {
                throw new ChartDataException(Title, $"layer '{layer.Name}'", $"value {negative} is negative ({layer.Values[negative]}); stacked areas show parts of a non-negative total");
            }
        }
    }

    internal override void Draw(SvgWriter svg, double top)
    {
        var totals = Totals();
        var plot = XYPlot.Create(XAxis, YAxis with { IncludeZero = true, Scale = AxisScale.Linear }, Marks.Range(X)!.Value, Marks.Range(totals)!.Value, Width, Height, top);
        plot.DrawGrid(svg);
        svg.Start("g", ("class", "series"));
        var lower = new double[X.Count];
        for (int l = 0; l < Layers.Count; l++)
        {
            var upper = new double[X.Count];
            for (int i = 0; i < X.Count; i++)
            {
                upper[i] = lower[i] + Layers[l].Values[i];
            }

            // A NaN in any layer makes the totals NaN there, so every layer breaks at the same x.
            var gapLower = lower.Select((v, i) => double.IsNaN(totals[i]) ? double.NaN : v).ToArray();
            Marks.Band(svg, plot, X, gapLower, upper, Palette.Series(l), 0.85);
            lower = upper;
        }

        svg.End();
        plot.DrawAxes(svg);
    }

    private double[] Totals() =>
        Enumerable.Range(0, X.Count).Select(i => Layers.Sum(l => l.Values[i])).ToArray();
}
