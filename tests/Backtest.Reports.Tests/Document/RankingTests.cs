using Backtest.Reports.Charts;
using Backtest.Reports.Document;

namespace Backtest.Reports.Tests.Document;

public sealed class RankingTests
{
    private static Candidate C(string name, double run, double apy, double? lo = null, double? hi = null) =>
        new(name, new Dictionary<string, Estimate> { ["run"] = new(run, lo, hi), ["apy"] = new(apy) });

    [Fact]
    public void Objective_states_itself()
    {
        var o = Objective.Minimize("run", "run probability").SubjectTo(new Constraint("apy", "yield", Comparison.AtLeast, 0.04));
        Assert.Equal("lowest run probability subject to yield ≥ 0.04", o.Text);
        Assert.Equal("highest yield", Objective.Maximize("apy", "yield").Text);
    }

    [Fact]
    public void Ranks_feasible_candidates_and_says_why_others_are_excluded()
    {
        var o = Objective.Minimize("run", "run probability").SubjectTo(new Constraint("apy", "yield", Comparison.AtLeast, 0.05));
        var ranked = Ranking.Rank([C("a", 0.01, 0.04), C("b", 0.03, 0.06), C("c", 0.02, 0.05), new Candidate("d", new Dictionary<string, Estimate>())], o);
        Assert.Equal(["c", "b", "a", "d"], ranked.Select(r => r.Candidate.Name));
        Assert.Equal([1, 2, null, null], ranked.Select(r => r.Rank));
        Assert.Equal("fails yield ≥ 0.05 (0.04)", ranked[2].Excluded);
        Assert.Equal("no value for run probability", ranked[3].Excluded);
    }

    [Fact]
    public void Equal_values_share_a_rank_and_overlapping_intervals_are_marked()
    {
        var o = Objective.Minimize("run", "run probability");
        var ranked = Ranking.Rank([C("b", 0.01, 0, 0.005, 0.02), C("a", 0.01, 0, 0.005, 0.02), C("c", 0.015, 0, 0.012, 0.03), C("d", 0.05, 0, 0.04, 0.06)], o);
        Assert.Equal(["a", "b", "c", "d"], ranked.Select(r => r.Candidate.Name));
        Assert.Equal([1, 1, 3, 4], ranked.Select(r => r.Rank));
        Assert.Equal([false, false, true, false], ranked.Select(r => r.TiedWithBest));

        var maximize = Ranking.Rank([C("a", 0, 0.03), C("b", 0, 0.07)], Objective.Maximize("apy", "yield"));
        Assert.Equal("b", maximize[0].Candidate.Name);
        Assert.Equal(Direction.Maximize, Objective.Maximize("apy", "yield").Direction);
    }
}
