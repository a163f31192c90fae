using Backtest.Cli.Bench;
using FsCheck;
using FsCheck.Fluent;
using MathNet.Numerics.Distributions;

namespace Backtest.Cli.Tests.Bench;

public class ComparisonTests
{
    private static readonly double[] Baseline = [100, 101, 99, 100, 102, 98, 100, 101, 99];

    private static RatioEstimate Ratio(double[] baseline, double[] current) => RatioEstimate.FromRounds(baseline, current);

    [Theory]
    [InlineData(5, 5)]
    [InlineData(6, 6)]
    [InlineData(7, 7)]
    [InlineData(9, 8)]
    [InlineData(15, 12)]
    [InlineData(30, 20)]
    public void TheUpperBoundIsTheSmallestOrderStatisticWithTailAtMostFivePercent(int rounds, int order)
    {
        Assert.Equal(order, RatioEstimate.UpperOrder(rounds));
        Assert.True(RatioEstimate.BinomialUpperTail(rounds, order) <= RatioEstimate.Alpha);
        Assert.True(RatioEstimate.BinomialUpperTail(rounds, order - 1) > RatioEstimate.Alpha);
    }

    [Fact]
    public void TheBinomialTailIsExact()
    {
        Assert.Equal(10.0 / 512, RatioEstimate.BinomialUpperTail(9, 8), 15);
        Assert.Equal(1.0 / 32, RatioEstimate.BinomialUpperTail(5, 5), 15);
        Assert.Equal(1.0, RatioEstimate.BinomialUpperTail(7, 0), 15);
    }

    [Fact]
    public void FewerThanFiveRoundsHaveNoBound()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RatioEstimate.UpperOrder(4));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ratio([1, 1, 1, 1], [1, 1, 1, 1]));
    }

    [Fact]
    public void SlowerBeyondTheNoiseFails()
    {
        // 20 % slower in every round, with a few per cent of noise.
        var current = Baseline.Select((b, i) => b * 0.80 * (1 + (0.02 * ((i % 3) - 1)))).ToArray();
        var ratio = Ratio(Baseline, current);
        Assert.InRange(ratio.Median, 0.78, 0.82);
        Assert.True(ratio.Upper < RegressionRule.Threshold);
        Assert.Equal(Verdict.Regression, RegressionRule.Judge(ratio));
    }

    [Fact]
    public void SlowerWithinTheNoisePasses()
    {
        // The median round is 15 % slower, but two rounds are at or above 0.90: the noise covers the threshold.
        double[] ratios = [0.70, 0.75, 0.80, 0.85, 0.85, 0.88, 0.89, 0.95, 1.10];
        var ratio = Ratio(Baseline, Baseline.Zip(ratios, (b, r) => b * r).ToArray());
        Assert.Equal(0.85, ratio.Median, 12);
        Assert.Equal(0.95, ratio.Upper, 12);
        Assert.Equal(Verdict.Pass, RegressionRule.Judge(ratio));
    }

    [Fact]
    public void EightOfNineSlowRoundsFailAndSevenPass()
    {
        double[] eight = [0.5, 0.6, 0.7, 0.8, 0.85, 0.86, 0.87, 0.89, 1.5];
        double[] seven = [0.5, 0.6, 0.7, 0.8, 0.85, 0.86, 0.87, 0.91, 1.5];
        Assert.Equal(Verdict.Regression, RegressionRule.Judge(Ratio(Baseline, Baseline.Zip(eight, (b, r) => b * r).ToArray())));
        Assert.Equal(Verdict.Pass, RegressionRule.Judge(Ratio(Baseline, Baseline.Zip(seven, (b, r) => b * r).ToArray())));
    }

    [Fact]
    public void FasterOrEqualPasses()
    {
        Assert.Equal(Verdict.Pass, RegressionRule.Judge(Ratio(Baseline, Baseline)));
        Assert.Equal(Verdict.Pass, RegressionRule.Judge(Ratio(Baseline, Baseline.Select(b => b * 1.5).ToArray())));
    }

    [Fact]
    public void RatiosAreCurrentOverBaselineRoundByRound()
    {
        var ratio = Ratio([100, 200, 400, 100, 100], [50, 200, 800, 100, 300]);
        Assert.Equal([0.5, 1, 2, 1, 3], ratio.Rounds);
        Assert.Equal(1, ratio.Median);
        Assert.Equal(0.5, ratio.Lower);
        Assert.Equal(3, ratio.Upper);
        Assert.Equal(1 - (2.0 / 32), ratio.Coverage, 12);
    }

    [Fact]
    public void TheBoundsOrderAndFollowTheRoundsUnderScalingAndSwapping()
    {
        var pairs =
            from n in Gen.Choose(5, 25)
            from b in Gen.ArrayOf(Gen.Choose(1, 10_000), n)
            from c in Gen.ArrayOf(Gen.Choose(1, 10_000), n)
            select (Baseline: b.Select(x => x / 100.0).ToArray(), Current: c.Select(x => x / 100.0).ToArray());
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), Prop.ForAll(pairs.ToArbitrary(), p =>
        {
            var ratio = Ratio(p.Baseline, p.Current);
            var scaled = Ratio(p.Baseline.Select(x => x * 3).ToArray(), p.Current.Select(x => x * 3).ToArray());
            var swapped = Ratio(p.Current, p.Baseline);
            return ratio.Lower <= ratio.Median && ratio.Median <= ratio.Upper
                && Math.Abs(scaled.Median - ratio.Median) <= 1e-12 * ratio.Median
                && Math.Abs((swapped.Upper * ratio.Lower) - 1) < 1e-12
                && Math.Abs((swapped.Lower * ratio.Upper) - 1) < 1e-12;
        }));
    }

    [Fact]
    public void TheUpperBoundFallsBelowTheTrueMedianAtMostFivePercentOfTheTime()
    {
        // Round ratios log-normal around a true median of 1 with a heavy 30 % spread.
        var noise = new LogNormal(0, 0.3, new Random(20_261_122));
        const int sessions = 20_000;
        int below = 0;
        for (int s = 0; s < sessions; s++)
        {
            var current = Enumerable.Range(0, 9).Select(_ => 100 * noise.Sample()).ToArray();
            below += Ratio(Enumerable.Repeat(100.0, 9).ToArray(), current).Upper < 1 ? 1 : 0;
        }

        // Exact level 10/512 = 1.95 %; allow for the simulation's own error (sd ≈ 0.1 %).
        Assert.InRange((double)below / sessions, 0.015, 0.024);
    }

    [Fact]
    public void SampleSummaryIsRsType7WithUnscaledMad()
    {
        var summary = SampleSummary.Of([10, 1, 9, 2, 8, 3, 7, 4, 6, 5]);
        Assert.Equal(10, summary.Count);
        Assert.Equal(5.5, summary.Median);
        Assert.Equal(3.25, summary.LowerQuartile);
        Assert.Equal(7.75, summary.UpperQuartile);
        Assert.Equal(2.5, summary.MedianAbsoluteDeviation);
    }

    [Theory]
    [InlineData(nameof(Verdict.Regression), true, "REGRESSION")]
    [InlineData(nameof(Verdict.Failed), true, "FAILED")]
    [InlineData(nameof(Verdict.Pass), false, "ok")]
    [InlineData(nameof(Verdict.OnlyInCurrent), false, "only in current (not gated)")]
    [InlineData(nameof(Verdict.OnlyInBaseline), false, "only in baseline (not gated)")]
    [InlineData(nameof(Verdict.BaselineFailed), false, "baseline failed (not gated)")]
    [InlineData(nameof(Verdict.Unsupported), false, "unsupported (not gated)")]
    public void OnlyRegressionsAndCurrentFailuresFailTheGate(string name, bool fails, string text)
    {
        var verdict = Enum.Parse<Verdict>(name);
        Assert.Equal(fails, RegressionRule.Fails(verdict));
        Assert.Equal(text, RegressionRule.Text(verdict));
    }
}
