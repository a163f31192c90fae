using System.Globalization;
using Backtest.Reports.Charts;
using Backtest.Reports.Data;
using Backtest.Reports.Document;
using Backtest.Reports.Formatting;

namespace Backtest.Reports.Assembly;

/// <summary>
/// Probability metrics over a two-parameter sweep: when the sweep varies at least two numeric
/// parameters, one heatmap per scenario, probability metric and row key (e.g. tier) over the
/// first two swept parameters. Grid points the sweep did not produce are "no data" cells.
/// </summary>
internal sealed class ParameterHeatmapRule : IFigureRule
{
    public string SectionId => "parameter-grid";

    public string SectionTitle => "Probabilities over the parameter grid";

    public IReadOnlyList<ReportBlock> Build(ReportContext context)
    {
        var view = context.View;
        var numeric = view.Swept.Where(c => c.IsNumeric).ToArray();
        var probabilities = view.Metrics.Where(m => m.Column.Unit == "probability").ToArray();
        if (numeric.Length < 2 || probabilities.Length == 0)
        {
            return [];
        }

        var (px, py) = (numeric[0], numeric[1]);
        var summary = context.Run.Summary;
        var scenarioColumn = summary.Column(RunData.ScenarioColumn);
        var xs = Distinct(px);
        var ys = Distinct(py);
        var blocks = new List<ReportBlock>();
        if (numeric.Length > 2)
        {
            blocks.Add(new Note($"The sweep varies {numeric.Length} numeric parameters; the heatmaps show {px.Name} × {py.Name}, and a cell shared by several parameter sets shows the first of them (the run table lists all)."));
        }

        int possible = 0;
        var figures = new List<Figure>();
        // Scenarios with the most paths first: a probability over one historical path is 0 or 1.
        var scenarios = context.Run.Scenarios()
            .OrderByDescending(s => context.Run.Runs().Where(r => r.Scenario == s).Max(r => context.Run.PathCount(r.Scenario, r.ParameterSet) ?? 0))
            .ToArray();
        foreach (var scenario in scenarios)
        {
            var rows = Enumerable.Range(0, summary.RowCount).Where(r => scenarioColumn.Text(r) == scenario).ToArray();
            foreach (var metric in probabilities)
            {
                var qualifiers = view.Qualified(metric) ? rows.Select(view.RowQualifier).Distinct().ToArray() : [string.Empty];
                foreach (var qualifier in qualifiers)
                {
                    possible++;
                    if (figures.Count >= context.Options.MaxFiguresPerRule)
                    {
                        continue;
                    }

                    var grid = new double[ys.Length, xs.Length];
                    for (int i = 0; i < grid.GetLength(0); i++)
                    {
                        for (int j = 0; j < grid.GetLength(1); j++)
                        {
                            grid[i, j] = double.NaN;
                        }
                    }

                    foreach (var r in rows.Where(r => qualifier.Length == 0 || view.RowQualifier(r) == qualifier))
                    {
                        int j = Array.IndexOf(xs, px.Number(r)), i = Array.IndexOf(ys, py.Number(r));
                        if (double.IsNaN(grid[i, j]))
                        {
                            grid[i, j] = metric.Column.Number(r);
                        }
                    }

                    string where = qualifier.Length == 0 ? string.Empty : $" ({qualifier})";
                    var chart = new Heatmap
                    {
                        Title = $"{metric.Column.Name}{where}: {scenario}",
                        Subtitle = string.IsNullOrWhiteSpace(metric.Column.Description) ? null : metric.Column.Description.TrimEnd('.'),
                        XAxis = new AxisSpec(px.Name, px.Unit ?? string.Empty),
                        YAxis = new AxisSpec(py.Name, py.Unit ?? string.Empty),
                        XLabels = xs.Select(NumberFormat.Plain).ToArray(),
                        YLabels = ys.Select(NumberFormat.Plain).ToArray(),
                        Values = grid,
                        ValueAxis = new AxisSpec(metric.Column.Name, "probability") { Min = 0, Max = ScaleTop(grid) },
                    };
                    var anyRun = rows.First();
                    var counts = context.Run.Runs().Where(r => r.Scenario == scenario).Select(r => context.Run.PathCount(r.Scenario, r.ParameterSet)).Distinct().ToArray();
                    string paths = counts is [{ } p] ? $"{NumberFormat.Integer(p)} path{(p == 1 ? string.Empty : "s")} per cell" : "paths per cell as in the run table";
                    string interval = metric.Lower is null ? "No interval was reported for this metric." : "Intervals for each cell are in the run table.";
                    string caption = $"{metric.Column.Name}{where} in scenario {scenario} over {px.Name} (columns) and {py.Name} (rows): {metric.Descriptor.Statistic ?? "value"}, {paths}; {context.HorizonStatement(scenario, summary.Column(RunData.ParameterSetColumn).Text(anyRun))}. The colour scale runs from 0 to a round number at or above the largest cell. {interval}";
                    figures.Add(new Figure(context.FigureName("heatmap", metric.Column.Name, qualifier, scenario), chart, caption));
                }
            }
        }

        if (possible > figures.Count)
        {
            blocks.Add(new Note($"{figures.Count} of {possible} heatmaps are shown (the limit is {context.Options.MaxFiguresPerRule} per section)."));
        }

        blocks.AddRange(figures.Select(f => new FigureBlock(f)));
        return figures.Count == 0 ? [] : blocks;
    }

    /// <summary>The top of the colour scale: the largest cell rounded up to a 1-2-5 tick (1 when every cell is 0).</summary>
    private static double ScaleTop(double[,] grid)
    {
        double max = Marks.Range(grid.Cast<double>())?.Max ?? 0;
        return max <= 0 ? 1 : Math.Min(1, NiceTicks.Linear(0, max, 6).Max);
    }

    private static double[] Distinct(DataColumn column) =>
        column.Numbers().Where(double.IsFinite).Distinct().Order().ToArray();
}

/// <summary>
/// Loss distributions from per-path loss columns (paths.parquet columns named <c>…_loss</c> or
/// <c>loss_…</c>, e.g. one per tier): one exceedance chart per featured parameter set with every
/// loss column, and a histogram per loss column for the first parameter set.
/// </summary>
internal sealed class LossDistributionRule : IFigureRule
{
    public string SectionId => "loss-distributions";

    public string SectionTitle => "Loss distributions";

    public IReadOnlyList<ReportBlock> Build(ReportContext context)
    {
        var paths = context.Run.Paths;
        if (paths is null)
        {
            return [];
        }

        var losses = paths.Columns.Where(c => c.IsNumeric && !RunData.IdentityColumns.Contains(c.Name)
            && (c.Name.EndsWith("_loss", StringComparison.Ordinal) || c.Name.StartsWith("loss_", StringComparison.Ordinal))).ToArray();
        if (losses.Length == 0)
        {
            return [];
        }

        var figures = new List<Figure>();
        int possible = 0;
        string unit = losses[0].Unit ?? string.Empty;
        foreach (var scenario in context.Run.Scenarios())
        {
            var sets = context.FeaturedSets(scenario);
            foreach (var set in sets)
            {
                var rows = context.Run.RowsOf(paths, scenario, set);

                // A log-probability curve needs some path with a loss; a run that lost nothing has no curve to draw.
                if (rows.Length < 2 || !rows.Any(r => losses.Any(c => c.Number(r) > 0)))
                {
                    continue;
                }

                possible++;
                if (figures.Count < context.Options.MaxFiguresPerRule)
                {
                    var chart = new ExceedanceChart
                    {
                        Title = $"Loss exceedance: {scenario}, {set}",
                        Subtitle = "Share of paths whose loss exceeds x (log scale)",
                        ValueAxis = new AxisSpec("Loss", unit) { Format = ValueFormat.Compact },
                        Series = losses.Select(c => new SampleSeries(c.Name, rows.Select(c.Number).ToArray())).ToArray(),
                    };
                    string caption = $"Empirical exceedance probability P(loss > x) of each loss column ({string.Join(", ", losses.Select(l => l.Name))}) in scenario {scenario}, {context.SetRole(scenario, set)}, over all {NumberFormat.Integer(rows.Length)} paths; {context.HorizonStatement(scenario, set)}. The smallest probability a curve can show is 1/{NumberFormat.Integer(rows.Length)}; losses beyond the largest simulated one are not estimated.";
                    figures.Add(new Figure(context.FigureName("loss-exceedance", scenario, set), chart, caption));
                }
            }

            var first = sets[0];
            var firstRows = context.Run.RowsOf(paths, scenario, first);
            foreach (var loss in losses)
            {
                var values = firstRows.Select(loss.Number).ToArray();
                if (!values.Any(v => v != 0 && double.IsFinite(v)))
                {
                    continue;
                }

                possible++;
                if (figures.Count >= context.Options.MaxFiguresPerRule)
                {
                    continue;
                }

                var chart = new Histogram
                {
                    Title = $"{loss.Name}: {scenario}, {first}",
                    Subtitle = string.IsNullOrWhiteSpace(loss.Description) ? null : loss.Description.TrimEnd('.'),
                    ValueAxis = new AxisSpec(loss.Name, loss.Unit ?? string.Empty) { Format = ValueFormat.Compact },
                    Values = values,
                    SeparateZeros = true,
                    LogCounts = true,
                };
                int zeros = values.Count(v => v == 0);
                string caption = $"Distribution of {loss.Name} ({loss.Unit ?? "no unit"}) over the {NumberFormat.Integer(values.Length)} paths of scenario {scenario}, {context.SetRole(scenario, first)}; {context.HorizonStatement(scenario, first)}. {(chart.CountsOnLogScale ? "Counts are on a log scale; the" : "The")} {NumberFormat.Integer(zeros)} paths with zero loss ({NumberFormat.Significant(zeros / (double)values.Length, ValueFormat.Percent)}) are counted apart.";
                figures.Add(new Figure(context.FigureName(loss.Name, scenario, first), chart, caption));
            }
        }

        var blocks = new List<ReportBlock>();
        if (possible > figures.Count)
        {
            blocks.Add(new Note($"{figures.Count} of {possible} loss figures are shown (the limit is {context.Options.MaxFiguresPerRule} per section); every path's losses are in paths.parquet."));
        }

        blocks.AddRange(figures.Select(f => new FigureBlock(f)));
        return figures.Count == 0 ? [] : blocks;
    }
}

/// <summary>The default objective when none is given: the report states that it chose it.</summary>
public static class ObjectiveDefaults
{
    /// <summary>
    /// Lowest value of the first probability metric whose name mentions a run (else the first
    /// "smaller is better" probability, else the first probability), taken on the first row key
    /// when runs have several summary rows. No constraint: a floor on yield is a governance
    /// choice the report does not make up.
    /// </summary>
    internal static Objective? For(SummaryView view, string anyScenario, string anySet)
    {
        var probabilities = view.Metrics.Where(m => m.Column.Unit == "probability").ToArray();
        var metric = probabilities.FirstOrDefault(m => m.Column.Name.Contains("run", StringComparison.OrdinalIgnoreCase))
            ?? probabilities.FirstOrDefault(m => m.Descriptor.Better == Direction.Minimize)
            ?? probabilities.FirstOrDefault();
        if (metric is null)
        {
            return null;
        }

        var rows = view.RowsOf(anyScenario, anySet);
        string key = rows.Length == 0 ? metric.Column.Name : view.Key(metric, rows[0]);
        return Objective.Minimize(key, key);
    }

    internal static string Describe(Objective objective) => string.Create(CultureInfo.InvariantCulture, $"No objective was given to the report, so it uses a default: the {objective.Text}, with no constraint.");
}
