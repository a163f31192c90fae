using Backtest.Reports.Charts;
using Backtest.Reports.Formatting;

namespace Backtest.Reports.Document;

/// <summary>Which side of a bound a metric must be on.</summary>
public enum Comparison
{
    AtLeast,
    AtMost,
}

/// <summary>A bound on a metric, e.g. "yield ≥ 0.04".</summary>
public sealed record Constraint(string MetricKey, string Label, Comparison Comparison, double Bound)
{
    public ValueFormat Format { get; init; } = ValueFormat.Number;

    public string Text => $"{Label} {(Comparison == Comparison.AtLeast ? "≥" : "≤")} {Show(Bound)}";

    /// <summary>A bound or a value compared with it, as given (0.04, not 0.0400).</summary>
    internal string Show(double value) => Format == ValueFormat.Number ? NumberFormat.Plain(value) : NumberFormat.Significant(value, Format, 4);

    public bool IsMetBy(double value) => Comparison == Comparison.AtLeast ? value >= Bound : value <= Bound;
}

/// <summary>
/// What a recommendation optimises, as a value with its own wording: e.g. "lowest run
/// probability subject to yield ≥ 0.04". Metrics are referred to by key, so any model's summary
/// columns can be used.
/// </summary>
public sealed record Objective(string MetricKey, string Label, Direction Direction, IReadOnlyList<Constraint> Constraints)
{
    public static Objective Minimize(string metricKey, string label) => new(metricKey, label, Direction.Minimize, []);

    public static Objective Maximize(string metricKey, string label) => new(metricKey, label, Direction.Maximize, []);

    public Objective SubjectTo(Constraint constraint) => this with { Constraints = [.. Constraints, constraint] };

    public string Text =>
        $"{(Direction == Direction.Minimize ? "lowest" : "highest")} {Label}"
        + (Constraints.Count == 0 ? string.Empty : " subject to " + string.Join(" and ", Constraints.Select(c => c.Text)));
}

/// <summary>A parameter set (or any option) with its metrics by key.</summary>
public sealed record Candidate(string Name, IReadOnlyDictionary<string, Estimate> Metrics);

/// <summary>
/// A candidate's place: <see cref="Rank"/> 1 is best, equal values share a rank; null with <see cref="Excluded"/> saying
/// why when a constraint fails or a metric is missing. <see cref="TiedWithBest"/> marks a
/// candidate whose interval on the objective overlaps the best's, so the data do not separate them.
/// </summary>
public sealed record RankedCandidate(Candidate Candidate, int? Rank, string? Excluded, bool TiedWithBest);

/// <summary>Ranks candidates by an objective, generically over metric keys.</summary>
public static class Ranking
{
    /// <summary>
    /// Feasible candidates (objective metric finite, every constraint met by its point estimate)
    /// sorted best first, equal values sharing a rank and listed by name so the order is
    /// deterministic; then the excluded ones in name order.
    /// </summary>
    public static IReadOnlyList<RankedCandidate> Rank(IReadOnlyList<Candidate> candidates, Objective objective)
    {
        var feasible = new List<(Candidate Candidate, Estimate Value)>();
        var excluded = new List<RankedCandidate>();
        foreach (var c in candidates)
        {
            string? reason = Exclusion(c, objective);
            if (reason is null)
            {
                feasible.Add((c, c.Metrics[objective.MetricKey]));
            }
            else
            {
                excluded.Add(new RankedCandidate(c, null, reason, false));
            }
        }

        var ordered = feasible
            .OrderBy(f => objective.Direction == Direction.Minimize ? f.Value.Value : -f.Value.Value)
            .ThenBy(f => f.Candidate.Name, StringComparer.Ordinal)
            .ToArray();
        var result = new List<RankedCandidate>();
        int rank = 0;
        for (int i = 0; i < ordered.Length; i++)
        {
            var best = ordered[0].Value;
            var value = ordered[i].Value;

            // Equal values share a rank (1, 1, 3): the objective does not order them, so neither does the report.
            rank = i > 0 && value.Value == ordered[i - 1].Value.Value ? rank : i + 1;
            bool tied = rank > 1 && best.HasInterval && value.HasInterval && value.Lower <= best.Upper && best.Lower <= value.Upper;
            result.Add(new RankedCandidate(ordered[i].Candidate, rank, null, tied));
        }

        result.AddRange(excluded.OrderBy(e => e.Candidate.Name, StringComparer.Ordinal));
        return result;
    }

    private static string? Exclusion(Candidate c, Objective objective)
    {
        if (!c.Metrics.TryGetValue(objective.MetricKey, out var value) || !double.IsFinite(value.Value))
        {
            return $"no value for {objective.Label}";
        }

        foreach (var constraint in objective.Constraints)
        {
            if (!c.Metrics.TryGetValue(constraint.MetricKey, out var bound) || !double.IsFinite(bound.Value))
            {
                return $"no value for {constraint.Label}";
            }

            if (!constraint.IsMetBy(bound.Value))
            {
                return $"fails {constraint.Text} ({constraint.Show(bound.Value)})";
            }
        }

        return null;
    }
}

/// <summary>
/// The outcome of ranking within one scope (e.g. one scenario): the objective, the ranked
/// candidates with the metrics shown next to them, and the figures that support it.
/// </summary>
public sealed record Recommendation(string Scope, Objective Objective, IReadOnlyList<RankedCandidate> Ranked, IReadOnlyList<MetricDescriptor> Columns, IReadOnlyList<Figure> Figures)
{
    public RankedCandidate? Best => Ranked.FirstOrDefault(r => r.Rank == 1);

    /// <summary>The one best candidate, or null when none is feasible or several share the best value.</summary>
    public RankedCandidate? UniqueBest => Ranked.Count(r => r.Rank == 1) == 1 ? Best : null;

    /// <summary>How the ranking treats uncertainty, stated with the result.</summary>
    public const string Basis = "Ranked by point estimates; constraints are checked on point estimates too. A candidate marked \"tied\" has an interval on the objective that overlaps the best candidate's, so the run does not separate the two at the stated interval.";
}
