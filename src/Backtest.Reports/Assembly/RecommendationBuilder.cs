using Backtest.Reports.Charts;
using Backtest.Reports.Document;
using Backtest.Reports.Formatting;

namespace Backtest.Reports.Assembly;

/// <summary>
/// Ranks each scenario's parameter sets by the objective and draws what supports the ranking:
/// the objective metric by parameter set with its intervals, and, where the summary has a
/// "more is better" metric such as a yield, the trade-off scatter with its Pareto frontier.
/// </summary>
internal static class RecommendationBuilder
{
    public static IReadOnlyList<ReportBlock> Build(ReportContext context)
    {
        var view = context.View;
        var runs = context.Run.Runs();
        if (runs.Count == 0)
        {
            return [];
        }

        var blocks = new List<ReportBlock>();
        var objective = context.Options.Objective;
        if (objective is null)
        {
            objective = ObjectiveDefaults.For(view, runs[0].Scenario, runs[0].ParameterSet);
            if (objective is null)
            {
                return [new Note("No recommendation: no objective was given and the summary has no probability metric to default to.")];
            }

            blocks.Add(new Note(ObjectiveDefaults.Describe(objective)));
        }

        if (runs.All(r => runs.Count(o => o.Scenario == r.Scenario) == 1))
        {
            return [new Note("Each scenario was run with one parameter set, so there is nothing to rank; a study that sweeps parameters gets a recommendation per scenario.")];
        }

        foreach (var scenario in context.Run.Scenarios())
        {
            var sets = runs.Where(r => r.Scenario == scenario).Select(r => r.ParameterSet).ToArray();
            var descriptors = new Dictionary<string, MetricDescriptor>(StringComparer.Ordinal);
            var candidates = sets.Select(set =>
            {
                var metrics = new Dictionary<string, Estimate>(StringComparer.Ordinal);
                foreach (int row in view.RowsOf(scenario, set))
                {
                    foreach (var metric in view.Metrics)
                    {
                        string key = view.Key(metric, row);
                        metrics[key] = metric.Estimate(row);
                        descriptors.TryAdd(key, view.DescriptorFor(metric, row, scenario, set));
                    }
                }

                return new Candidate(set, metrics);
            }).ToArray();

            var keys = new[] { objective.MetricKey }.Concat(objective.Constraints.Select(c => c.MetricKey)).ToArray();
            foreach (var key in keys.Where(k => !descriptors.ContainsKey(k)))
            {
                throw new InputException($"the objective refers to metric '{key}', which the summary does not have (metrics: {string.Join(", ", descriptors.Keys.Take(12))}{(descriptors.Count > 12 ? ", …" : string.Empty)})", key: key);
            }

            var tradeOff = TradeOffMetric(view, descriptors, objective, keys);
            var columns = keys.Concat(tradeOff is null ? [] : [tradeOff]).Distinct().Select(k => descriptors[k]).ToArray();
            var ranked = Ranking.Rank(candidates, objective);
            if (ranked.Count(r => r.Rank == 1) == 1)
            {
                context.Recommended[scenario] = ranked[0].Candidate.Name;
            }

            var figures = new List<Figure>();
            if (candidates.Length > 1)
            {
                figures.Add(ObjectiveBars(context, scenario, objective, descriptors[objective.MetricKey], candidates));
                if (tradeOff is not null)
                {
                    figures.Add(Frontier(context, scenario, objective, descriptors[objective.MetricKey], descriptors[tradeOff], candidates, ranked));
                }
            }

            blocks.Add(new RecommendationBlock(new Recommendation($"scenario {scenario}", objective, ranked, columns, figures)));
        }

        return blocks;
    }

    /// <summary>The first "more is better" metric (a yield) on the same row qualifier as the objective, for the frontier.</summary>
    private static string? TradeOffMetric(SummaryView view, Dictionary<string, MetricDescriptor> descriptors, Objective objective, string[] used)
    {
        string qualifier = objective.MetricKey.Contains('[', StringComparison.Ordinal) ? objective.MetricKey[objective.MetricKey.IndexOf('[', StringComparison.Ordinal)..] : string.Empty;
        foreach (var metric in view.Metrics.Where(m => m.Descriptor.Better == Direction.Maximize))
        {
            string key = metric.Column.Name + qualifier;
            if (!used.Contains(key) && descriptors.ContainsKey(key))
            {
                return key;
            }

            if (descriptors.Keys.FirstOrDefault(k => k.StartsWith(metric.Column.Name + "[", StringComparison.Ordinal) || k == metric.Column.Name) is { } any && !used.Contains(any))
            {
                return any;
            }
        }

        return null;
    }

    /// <summary>A metric's axis; probabilities never show negative values.</summary>
    private static AxisSpec Axis(MetricDescriptor metric) =>
        new(metric.Label, metric.Unit ?? string.Empty) { Format = metric.Format, Min = metric.Unit == "probability" ? 0 : null };

    private static Figure ObjectiveBars(ReportContext context, string scenario, Objective objective, MetricDescriptor metric, Candidate[] candidates)
    {
        var estimates = candidates.Select(c => c.Metrics.GetValueOrDefault(objective.MetricKey)).ToArray();
        bool intervals = estimates.Any(e => e?.HasInterval == true);
        var chart = new BarChart
        {
            Title = $"{objective.Label} by parameter set: {scenario}",
            Subtitle = intervals ? "Bars are point estimates; whiskers are the reported intervals" : "Point estimates (no intervals reported)",
            Categories = candidates.Select(c => c.Name).ToArray(),
            CategoryTitle = "Parameter set",
            ValueAxis = Axis(metric),
            Series = [new BarSeries(metric.Label, estimates.Select(e => e?.Value ?? double.NaN).ToArray(),
                intervals ? estimates.Select(e => e?.Lower ?? double.NaN).ToArray() : null,
                intervals ? estimates.Select(e => e?.Upper ?? double.NaN).ToArray() : null)],
        };
        string caption = $"{metric.Label} for each parameter set in scenario {scenario}. {metric.StatementText(perRow: false)}";
        return new Figure(context.FigureName("objective", scenario), chart, caption);
    }

    private static Figure Frontier(ReportContext context, string scenario, Objective objective, MetricDescriptor x, MetricDescriptor y, Candidate[] candidates, IReadOnlyList<RankedCandidate> ranked)
    {
        var points = candidates
            .Where(c => c.Metrics.ContainsKey(x.Key) && c.Metrics.ContainsKey(y.Key))
            .Select(c => new ScatterPoint(c.Name, c.Metrics[x.Key].Value, c.Metrics[y.Key].Value))
            .ToArray();
        string? best = ranked.Count(r => r.Rank == 1) == 1 ? ranked[0].Candidate.Name : null;
        var chart = new ScatterChart
        {
            Title = $"Trade-off: {x.Label} against {y.Label}: {scenario}",
            Subtitle = $"Each point is a parameter set; the frontier holds the sets no other set beats on both ({(objective.Direction == Direction.Minimize ? "lower" : "higher")} {x.Label}, higher {y.Label})",
            XAxis = Axis(x),
            YAxis = Axis(y),
            Points = points,
            Frontier = (objective.Direction, Direction.Maximize),
            Highlight = points.Any(p => p.Label == best) ? best : null,
        };
        string caption = $"Point estimates of {x.Label} and {y.Label} for the {NumberFormat.Integer(points.Length)} parameter sets of scenario {scenario}; the Pareto frontier is drawn in vermillion{(best is null ? string.Empty : " and the recommended set is ringed")}. {x.Label}: {x.StatementText(perRow: false)} {y.Label}: {y.StatementText(perRow: false)}";
        return new Figure(context.FigureName("frontier", scenario), chart, caption);
    }
}
