using Backtest.Numerics;
using Backtest.Numerics.Simd;
using Backtest.Protocols.Waterfall;
using Backtest.Protocols.Waterfall.Wf6;

namespace Backtest.Protocols.Tests.Waterfall.Wf6;

public class Wf6KernelTests
{
    private static readonly Wf6Kernel Kernel = new(Wf6Terms.Reference);

    public static TheoryData<SimdTier> Widths() => [SimdTier.Vector128, SimdTier.Vector256, SimdTier.Vector512];

    private static Wf6Outputs RunAt(SimdTier tier, SyntheticLosses losses)
    {
        var outputs = new Wf6Outputs(losses.Paths);
        Kernel.Run(losses.View, outputs, tier);
        return outputs;
    }

    private static void AssertSame(Wf6Outputs expected, Wf6Outputs actual, int paths)
    {
        for (int p = 0; p < paths; p++)
        {
            for (int i = 0; i < Tranches.Count; i++)
            {
                Assert.True(expected.FinalCapitalOf(i)[p] == actual.FinalCapitalOf(i)[p], $"path {p} tranche {i} final {expected.FinalCapitalOf(i)[p]} vs {actual.FinalCapitalOf(i)[p]}");
                Assert.True(expected.PremiumsOf(i)[p] == actual.PremiumsOf(i)[p], $"path {p} tranche {i} premiums");
                Assert.True(expected.WipedDayOf(i)[p] == actual.WipedDayOf(i)[p], $"path {p} tranche {i} wiped day");
            }

            Assert.True(expected.BreakerDay[p] == actual.BreakerDay[p], $"path {p} breaker day");
            Assert.True(expected.Shortfall[p] == actual.Shortfall[p], $"path {p} shortfall");
            Assert.True(expected.MinTotalCapital[p] == actual.MinTotalCapital[p], $"path {p} min total");
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void EveryWidthMatchesTheReferenceOnWf6LikePaths(SimdTier width)
    {
        var losses = SyntheticLosses.Wf6Like(203, 11);
        AssertSame(RunAt(SimdTier.Scalar, losses), RunAt(width, losses), losses.Paths);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void EveryWidthMatchesTheReferenceWhenTranchesAreWipedAndShortfallOccurs(SimdTier width)
    {
        var losses = SyntheticLosses.Heavy(61, 12);
        var reference = RunAt(SimdTier.Scalar, losses);

        // The regime must actually reach the branches it is meant to test.
        Assert.Contains(reference.Shortfall, s => s > 0);
        Assert.Contains(reference.BreakerDay, d => d > 0);
        Assert.Contains(reference.WipedDayOf(0).ToArray(), d => d > 0);
        Assert.Contains(reference.WipedDayOf(5).ToArray(), d => d < 0);
        AssertSame(reference, RunAt(width, losses), losses.Paths);
    }

    [Fact]
    public void WithoutLossesCapitalGrowsAsTheRealNumberSpecificationSays()
    {
        // An independent floating-point run of the spec's day step; the integer model rounds
        // each due down and its APY differs by < 1e-9, so the two agree to about a dollar.
        var terms = Wf6Terms.Reference;
        var losses = new SyntheticLosses(1, terms.Days, 0, 0, 0, 0, 1);
        var outputs = RunAt(SimdTier.Scalar, losses);
        double[] c = terms.InitialCapital.Select(Fixed.ToDouble).ToArray();
        double coverage = Fixed.ToDouble(terms.CoverageSold), premium = coverage * 0.15 / 365;
        for (int day = 1; day <= terms.Days; day++)
        {
            double u = Math.Min(1, coverage / c.Sum()), left = premium;
            for (int i = 0; i < 6; i++)
            {
                double paid = Math.Min(c[i] * RateTableTests.ExactApy(terms.Curves[i], u) / 365, left);
                c[i] += paid;
                left -= paid;
            }
        }

        for (int i = 0; i < 6; i++)
        {
            Assert.InRange(Fixed.ToDouble(outputs.FinalCapitalOf(i)[0]), c[i] - 1100, c[i] + 1100);
            Assert.Equal(-1, outputs.WipedDayOf(i)[0]);
        }

        Assert.Equal(terms.InitialTotal, outputs.MinTotalCapital[0]);
        Assert.Equal(-1, outputs.BreakerDay[0]);
    }

    [Fact]
    public void ALossDayTakesJuniorFirstRecordsTheBreakerAndWipesAndShortfall()
    {
        var terms = Wf6Terms.Reference;
        long total = terms.InitialTotal;

        // Day 1: 15 million (above 10% of the capital at the start of the day) wipes SURE-EQT
        // and takes 5 million from SURE-JNR+; day 2: everything and 1 more.
        long day1 = 15_000_000 * Fixed.One;
        var losses = new Wf6LossDays([0, 2], [1, 2], [day1, 200_000_000 * Fixed.One]);
        var outputs = new Wf6Outputs(1);
        Kernel.Run(losses, outputs, SimdTier.Scalar);
        Assert.Equal(1, outputs.BreakerDay[0]);
        Assert.Equal(1, outputs.WipedDayOf(5)[0]);
        Assert.Equal(2, outputs.WipedDayOf(4)[0]);
        Assert.All(Enumerable.Range(0, 6), i => Assert.Equal(0, outputs.FinalCapitalOf(i)[0]));
        Assert.True(outputs.Shortfall[0] > 200_000_000 * Fixed.One - total - day1);
        Assert.Equal(0, outputs.MinTotalCapital[0]);

        // A loss of exactly 10% of the capital at the start of day 1 does not trip the breaker.
        var outputsAtThreshold = new Wf6Outputs(1);
        Kernel.Run(new Wf6LossDays([0, 1], [1], [total / 10]), outputsAtThreshold, SimdTier.Scalar);
        Assert.Equal(-1, outputsAtThreshold.BreakerDay[0]);
        Kernel.Run(new Wf6LossDays([0, 1], [1], [(total / 10) + 1]), outputsAtThreshold, SimdTier.Scalar);
        Assert.Equal(1, outputsAtThreshold.BreakerDay[0]);
    }

    [Theory]
    [InlineData(SimdTier.Scalar)]
    [InlineData(SimdTier.Vector256)]
    public void MalformedLossDaysAreRefused(SimdTier width)
    {
        var outputs = new Wf6Outputs(4);
        foreach (var (days, amounts) in new (int[], long[])[] { ([5, 5], [1, 1]), ([7, 3], [1, 1]), ([0, 0], [1, 1]), ([1096, 1096], [1, 1]), ([4, 9], [1, 0]) })
        {
            Assert.Throws<ArgumentException>(() =>
            {
                Kernel.Run(new Wf6LossDays([0, 0, 0, 0, 2], days, amounts), outputs, width);
            });
        }
    }
}
