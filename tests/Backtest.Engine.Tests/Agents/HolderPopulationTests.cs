using Backtest.Engine.Agents;
using Backtest.Numerics.Random;
using MathNet.Numerics.Distributions;

namespace Backtest.Engine.Tests.Agents;

public class HolderPopulationTests
{
    private static readonly PopulationSettings Settings = new(
        Cohorts: 400, ThresholdShare: 0.6, GlobalGamesShare: 0.2, HerderShare: 0.15, LargeSellerShare: 0.05, LargeSellerStep: 10,
        NavDiscountMean: 0.03, LossMean: 0.1, DeviationRatioMean: 0.8, YieldFloorMean: -1, ThresholdSpread: 0.3,
        GlobalGamesCutoff: 0.85, GlobalGamesNoise: 0.05, HerdMean: 0.1, EntrantYieldMean: 0.15, EntrantRate: 0.01);

    private static readonly Signals Calm = new(0, 0, 1, 0.05, 0, 1.2);

    private static HolderPopulation Population(long path = 3)
    {
        var population = new HolderPopulation(Settings);
        population.Reset(RandomStream.Create(11, 0, 0), path, 1000);
        return population;
    }

    [Fact]
    public void ClaimsAreSharedAndKindsFollowTheirShares()
    {
        var p = Population();
        Assert.Equal(1000, p.TotalHoldings, 9);
        int threshold = Enumerable.Range(0, Settings.Cohorts).Count(i => p.KindOf(i) == HolderKind.Threshold);
        Assert.InRange(threshold / (double)Settings.Cohorts, 0.6 / 0.95 - 0.08, 0.6 / 0.95 + 0.08);
        Assert.Equal(50, p.Holdings(Settings.Cohorts), 9);
    }

    [Fact]
    public void NobodyLeavesWhenAllIsCalm() => Assert.Empty(Population().Decide(0, Calm));

    [Fact]
    public void ADeepNavDiscountDrivesThresholdHoldersOutAndAShallowOneOnlySome()
    {
        var p = Population();
        var deep = p.Decide(0, Calm with { NavDiscount = 0.5 }).Where(a => a.Kind == HolderKind.Threshold).Count();
        var shallow = p.Decide(0, Calm with { NavDiscount = 0.03 }).Where(a => a.Kind == HolderKind.Threshold).Count();
        int all = Enumerable.Range(0, Settings.Cohorts).Count(i => p.KindOf(i) == HolderKind.Threshold);
        Assert.Equal(all, deep);
        Assert.InRange(shallow, 1, all - 1);
    }

    [Fact]
    public void HerdersFollowObservedRedemptions()
    {
        var p = Population();
        Assert.DoesNotContain(p.Decide(0, Calm with { ObservedRedemptionShare = 0.01 }), a => a.Kind == HolderKind.Herder);
        Assert.Contains(p.Decide(0, Calm with { ObservedRedemptionShare = 0.5 }), a => a.Kind == HolderKind.Herder);
    }

    [Fact]
    public void GlobalGamesFollowersLeaveMoreAsTheFundamentalWeakens()
    {
        var p = Population();
        int Leaving(double fundamental) => p.Decide(0, Calm with { Fundamental = fundamental }).Count(a => a.Kind == HolderKind.GlobalGames);
        int followers = Enumerable.Range(0, Settings.Cohorts).Count(i => p.KindOf(i) == HolderKind.GlobalGames);
        Assert.True(Leaving(0.85) > Leaving(0.88));
        Assert.True(Leaving(0.88) > Leaving(0.92));
        Assert.InRange(Leaving(0.85), followers / 4, 3 * followers / 4);
        Assert.Equal(0, Leaving(1.5));
        Assert.Equal(followers, Leaving(0.5));
    }

    [Fact]
    public void TheLargeSellerSellsAtItsStepAndEntrantsComeWhenTheYieldIsHigh()
    {
        var p = Population();
        Assert.DoesNotContain(p.Decide(9, Calm), a => a.Kind == HolderKind.LargeSeller);
        Assert.Contains(p.Decide(10, Calm), a => a.Kind == HolderKind.LargeSeller && a.Units == 50);
        var entry = Assert.Single(p.Decide(0, Calm with { Yield = 0.2 }), a => a.Enters);
        Assert.Equal(10, entry.Units, 9);
    }

    [Fact]
    public void ARefusedExitIsAskedAgainAndADoneExitIsNot()
    {
        var p = Population();
        var first = p.Decide(10, Calm).Single(a => a.Kind == HolderKind.LargeSeller);
        Assert.Contains(p.Decide(11, Calm), a => a.Cohort == first.Cohort);
        p.Exited(first.Cohort, first.Units);
        Assert.DoesNotContain(p.Decide(12, Calm), a => a.Cohort == first.Cohort);
    }

    [Fact]
    public void APathsHoldersDependOnlyOnThePathIndex()
    {
        var a = Population(path: 7);
        var b = Population(path: 7);
        var c = Population(path: 8);
        var signals = Calm with { NavDiscount = 0.03, Fundamental = 0.85 };
        Assert.Equal(a.Decide(5, signals).ToList(), b.Decide(5, signals).ToList());
        Assert.NotEqual(a.Decide(5, signals).ToList(), c.Decide(5, signals).ToList());
    }

    [Fact]
    public void DeviationRatioThresholdsFollowTheTruncatedLogNormalWithNoMassOnTheCap()
    {
        // Threshold holders leave on the deviation ratio alone when nothing else is wrong, and a
        // cohort leaves at DR d exactly when its threshold exceeds d.
        int cohorts = 0, justBelowCap = 0, belowMean = 0, belowLowerQuartile = 0;
        for (long path = 0; path < 25; path++)
        {
            var p = Population(path);
            int Leaving(double dr) => p.Decide(0, Calm with { DeviationRatio = dr }).Count(a => a.Kind == HolderKind.Threshold);
            cohorts += Enumerable.Range(0, Settings.Cohorts).Count(i => p.KindOf(i) == HolderKind.Threshold);
            justBelowCap += Leaving(HolderPopulation.MaxDeviationRatioThreshold - 1e-6);
            belowMean += Leaving(0.8);
            belowLowerQuartile += Leaving(0.65);
            Assert.Equal(0, Leaving(HolderPopulation.MaxDeviationRatioThreshold));
        }

        // Capping the draw instead would leave a quarter of cohorts on the cap, all leaving just below it.
        Assert.Equal(0, justBelowCap);

        const double s = 0.3;
        double Standard(double x) => (Math.Log(x / 0.8) + (s * s / 2)) / s;
        double cap = Normal.CDF(0, 1, Standard(HolderPopulation.MaxDeviationRatioThreshold));
        foreach (var (level, leaving) in new[] { (0.8, belowMean), (0.65, belowLowerQuartile) })
        {
            double expected = 1 - (Normal.CDF(0, 1, Standard(level)) / cap);
            double tolerance = 4 * Math.Sqrt(expected * (1 - expected) / cohorts);
            Assert.InRange(leaving / (double)cohorts, expected - tolerance, expected + tolerance);
        }
    }

    [Fact]
    public void WithoutSpreadEveryDeviationRatioThresholdIsTheMeanOrTheCap()
    {
        foreach (var (mean, threshold) in new[] { (0.7, 0.7), (1.2, HolderPopulation.MaxDeviationRatioThreshold) })
        {
            var p = new HolderPopulation(Settings with { DeviationRatioMean = mean, ThresholdSpread = 0 });
            p.Reset(RandomStream.Create(11, 0, 0), 3, 1000);
            int all = Enumerable.Range(0, Settings.Cohorts).Count(i => p.KindOf(i) == HolderKind.Threshold);
            Assert.Equal(all, p.Decide(0, Calm with { DeviationRatio = threshold - 1e-9 }).Count(a => a.Kind == HolderKind.Threshold));
            Assert.Equal(0, p.Decide(0, Calm with { DeviationRatio = threshold }).Count(a => a.Kind == HolderKind.Threshold));
        }
    }
}
