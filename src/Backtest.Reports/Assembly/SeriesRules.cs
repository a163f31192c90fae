using System.Text.RegularExpressions;
using Backtest.Reports.Charts;
using Backtest.Reports.Data;
using Backtest.Reports.Document;
using Backtest.Reports.Formatting;

namespace Backtest.Reports.Assembly;

/// <summary>A named piece of report assembly: looks at what a run contains and adds a section of figures when it applies.</summary>
internal interface IFigureRule
{
    string SectionId { get; }

    string SectionTitle { get; }

    /// <summary>The section's blocks, or none when the run has nothing this rule draws.</summary>
    IReadOnlyList<ReportBlock> Build(ReportContext context);
}

/// <summary>Shared series charting: a fan chart for Monte Carlo bands, a line per parameter set for single-path values.</summary>
internal static class SeriesCharts
{
    public static AxisSpec XAxis(SeriesSlice slice, RunData run) => slice.Dated ? AxisSpec.Dates() : AxisSpec.Steps(run.StepUnit);

    public static AxisSpec YAxis(DataColumn variable) => new(variable.Name, variable.Unit ?? string.Empty) { Format = SummaryView.FormatOf(variable) };

    /// <summary>A fan chart of one run's bands, with an optional reference band.</summary>
    public static Figure Fan(ReportContext context, string scenario, string set, SeriesSlice slice, ReferenceBand? band, string? extra = null)
    {
        var chart = new FanChart
        {
            Title = $"{slice.Variable.Name}: {scenario}, {set}",
            Subtitle = Trim(slice.Variable.Description),
            XAxis = XAxis(slice, context.Run),
            YAxis = YAxis(slice.Variable),
            Fan = new FanSeries(slice.X, slice.Get("p05")!, slice.Get("p25")!, slice.Get("p50")!, slice.Get("p75")!, slice.Get("p95")!, slice.Get("mean")),
            Band = band,
        };
        string caption = $"{slice.Variable.Name} ({slice.Variable.Unit ?? "no unit"}) in scenario {scenario}, {context.SetRole(scenario, set)}: median, 25th–75th and 5th–95th percentiles at each step"
            + (slice.Get("mean") is null ? string.Empty : ", and the mean")
            + $", over {context.PathStatement(scenario, set)}; {context.HorizonStatement(scenario, set)}." + (extra is null ? string.Empty : " " + extra);
        return new Figure(context.FigureName(slice.Variable.Name, scenario, set), chart, caption);
    }

    /// <summary>Single-path values of one variable, one line per parameter set (at most the palette's eight).</summary>
    public static Figure? Lines(ReportContext context, string scenario, string variable, ReferenceBand? band, Func<SeriesSlice, string>? extra = null)
    {
        var sets = context.Run.Runs().Where(r => r.Scenario == scenario).Select(r => r.ParameterSet).ToArray();
        var slices = sets.Select(s => (Set: s, Slice: context.Run.SeriesOf(scenario, s, variable))).Where(s => s.Slice?.Get("value") is not null).Take(Palette.Categorical.Count).ToArray();
        if (slices.Length == 0)
        {
            return null;
        }

        var first = slices[0].Slice!;

        // An input the parameters do not change (a historical price) is the same line for every
        // set: drawn once, or the last set's line would hide the others under a full legend.
        bool identical = slices.Length > 1 && slices.All(s => s.Slice!.X.SequenceEqual(first.X) && s.Slice.Get("value")!.SequenceEqual(first.Get("value")!));
        var series = identical
            ? [new LineSeries($"all {slices.Length} parameter sets", first.X, first.Get("value")!)]
            : slices.Select(s => new LineSeries(s.Set, s.Slice!.X, s.Slice.Get("value")!)).ToArray();
        var chart = new LineChart
        {
            Title = $"{variable}: {scenario}",
            Subtitle = Trim(first.Variable.Description),
            XAxis = XAxis(first, context.Run),
            YAxis = YAxis(first.Variable),
            Series = series,
            Band = band,
        };
        string shown = slices.Length < sets.Length ? $" The first {slices.Length} of {sets.Length} parameter sets are drawn; the others are in series.parquet." : string.Empty;
        string lines = identical ? $"one line: the values are identical for all {slices.Length} parameter sets" : "one line per parameter set";
        string caption = $"{variable} ({first.Variable.Unit ?? "no unit"}) in scenario {scenario} ({context.PathStatement(scenario, slices[0].Set)}), {lines}; {context.HorizonStatement(scenario, slices[0].Set)}.{shown}"
            + (extra is null ? string.Empty : " " + (identical ? extra(first) : string.Join(" ", slices.Select(s => $"{s.Set}: {extra(s.Slice!)}"))));
        return new Figure(context.FigureName(variable, scenario), chart, caption);
    }

    private static string? Trim(string description) => string.IsNullOrWhiteSpace(description) ? null : description.TrimEnd('.');
}

/// <summary>
/// SPOT's deviation ratio (series variable <c>dr</c>): its bands or values with the equilibrium
/// band [0.95, 1.05] (spec/ampleforth.md §4, FeePolicy defaults) shaded, and the time spent
/// outside the band stated.
/// </summary>
internal sealed class DeviationRatioRule : IFigureRule
{
    public const string Variable = "dr";
    public const double Lower = 0.95;
    public const double Upper = 1.05;

    public string SectionId => "deviation-ratio";

    public string SectionTitle => "SPOT deviation ratio";

    public IReadOnlyList<ReportBlock> Build(ReportContext context)
    {
        if (context.Run.SeriesVariables().All(v => v.Name != Variable))
        {
            return [];
        }

        context.ClaimedVariables.Add(Variable);
        var band = new ReferenceBand(Lower, Upper, "equilibrium band [0.95, 1.05]");
        var blocks = new List<ReportBlock>
        {
            new Paragraph("The deviation ratio DR = (vault TVL / perp TVL) / target system ratio; FeePolicy treats [0.95, 1.05] as equilibrium, charges rising fees outside it, and the balancers act only outside it."),
        };
        foreach (var scenario in context.Run.Scenarios())
        {
            var sets = context.FeaturedSets(scenario);
            var probe = context.Run.SeriesOf(scenario, sets[0], Variable);
            if (probe is null)
            {
                continue;
            }

            if (probe.HasBands)
            {
                foreach (var set in sets)
                {
                    var slice = context.Run.SeriesOf(scenario, set, Variable)!;
                    blocks.Add(new FigureBlock(SeriesCharts.Fan(context, scenario, set, slice, band, $"Median DR outside the band on {Outside(slice.Get("p50")!)}; this counts steps of the median path of DR, not the share of time a typical path spends outside.")));
                }
            }
            else if (SeriesCharts.Lines(context, scenario, Variable, band, s => $"DR outside the band on {Outside(s.Get("value")!)}.") is { } figure)
            {
                blocks.Add(new FigureBlock(figure));
            }
        }

        return blocks.Count > 1 ? blocks : [];
    }

    /// <summary>"123 of 1,095 steps (11.2%)", counting steps with a value outside [0.95, 1.05].</summary>
    internal static string Outside(IReadOnlyList<double> dr)
    {
        var finite = dr.Where(double.IsFinite).ToArray();
        int outside = finite.Count(v => v < Lower || v > Upper);
        return finite.Length == 0 ? "no steps (no values)" : $"{NumberFormat.Integer(outside)} of {NumberFormat.Integer(finite.Length)} steps ({NumberFormat.Significant(outside / (double)finite.Length, ValueFormat.Percent)})";
    }
}

/// <summary>
/// Capital by tier over time: series variables named <c>tierN_capital</c> stacked (tier 1, the
/// most senior, at the bottom). Monte Carlo runs stack the means, since means add up and
/// percentiles do not; single-path runs stack the values.
/// </summary>
internal sealed partial class TierCapitalRule : IFigureRule
{
    public string SectionId => "tier-capital";

    public string SectionTitle => "Capital by tier";

    public IReadOnlyList<ReportBlock> Build(ReportContext context)
    {
        var tiers = context.Run.SeriesVariables()
            .Select(v => (Variable: v, Match: TierCapital().Match(v.Name)))
            .Where(t => t.Match.Success)
            .OrderBy(t => int.Parse(t.Match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
            .Select(t => t.Variable)
            .ToArray();
        if (tiers.Length < 2)
        {
            return [];
        }

        foreach (var t in tiers)
        {
            context.ClaimedVariables.Add(t.Name);
        }

        var blocks = new List<ReportBlock>();
        foreach (var scenario in context.Run.Scenarios())
        {
            foreach (var set in context.FeaturedSets(scenario))
            {
                var slices = tiers.Select(t => context.Run.SeriesOf(scenario, set, t.Name)).ToArray();
                if (slices.Any(s => s is null))
                {
                    continue;
                }

                string statistic = slices[0]!.Get("mean") is not null ? "mean" : "value";
                if (slices.Any(s => s!.Get(statistic) is null))
                {
                    continue;
                }

                var chart = new StackedAreaChart
                {
                    Title = $"Capital by tier: {scenario}, {set}",
                    Subtitle = statistic == "mean" ? "Mean capital of each tier, stacked (tier 1 at the bottom)" : "Capital of each tier, stacked (tier 1 at the bottom)",
                    XAxis = SeriesCharts.XAxis(slices[0]!, context.Run),
                    YAxis = new AxisSpec("Capital", tiers[0].Unit ?? string.Empty) { Format = ValueFormat.Compact },
                    X = slices[0]!.X,
                    Layers = tiers.Select((t, i) => new AreaLayer(t.Name, slices[i]!.Get(statistic)!)).ToArray(),
                };
                string caption = $"Capital of each tier in scenario {scenario}, {context.SetRole(scenario, set)}: "
                    + (statistic == "mean" ? $"the mean at each step over {context.PathStatement(scenario, set)} (means of the tiers add up to the mean total; percentiles would not)" : $"{context.PathStatement(scenario, set)}")
                    + $"; {context.HorizonStatement(scenario, set)}.";
                blocks.Add(new FigureBlock(new Figure(context.FigureName("tier-capital", scenario, set), chart, caption)));
            }
        }

        return blocks.Take(context.Options.MaxFiguresPerRule).ToArray();
    }

    [GeneratedRegex(@"^tier_?(\d+)_capital$")]
    private static partial Regex TierCapital();
}

/// <summary>Every other series variable: fan charts for Monte Carlo bands, line charts for single-path values.</summary>
internal sealed class SeriesBandsRule : IFigureRule
{
    public string SectionId => "series";

    public string SectionTitle => "Series over time";

    public IReadOnlyList<ReportBlock> Build(ReportContext context)
    {
        var figures = new List<Figure>();
        int possible = 0;
        foreach (var variable in context.Run.SeriesVariables().Where(v => !context.ClaimedVariables.Contains(v.Name)))
        {
            foreach (var scenario in context.Run.Scenarios())
            {
                var sets = context.FeaturedSets(scenario);
                var probe = context.Run.SeriesOf(scenario, sets[0], variable.Name);
                if (probe is null)
                {
                    continue;
                }

                if (probe.HasBands)
                {
                    foreach (var set in sets)
                    {
                        possible++;
                        if (figures.Count < context.Options.MaxFiguresPerRule && context.Run.SeriesOf(scenario, set, variable.Name) is { HasBands: true } slice)
                        {
                            figures.Add(SeriesCharts.Fan(context, scenario, set, slice, null));
                        }
                    }
                }
                else
                {
                    possible++;
                    if (figures.Count < context.Options.MaxFiguresPerRule && SeriesCharts.Lines(context, scenario, variable.Name, null) is { } figure)
                    {
                        figures.Add(figure);
                    }
                }
            }
        }

        var blocks = new List<ReportBlock>();
        if (figures.Count > 0)
        {
            blocks.Add(new Paragraph("Monte Carlo scenarios show bands for the first parameter set and the recommended one; single-path scenarios show one line per parameter set. All values per step and statistic are in series.parquet."));
        }

        if (possible > figures.Count)
        {
            blocks.Add(new Note($"{figures.Count} of {possible} series figures are shown (the limit is {context.Options.MaxFiguresPerRule} per section); the rest can be drawn from series.parquet."));
        }

        blocks.AddRange(figures.Select(f => new FigureBlock(f)));
        return blocks;
    }
}
