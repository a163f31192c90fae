using Backtest.Numerics.Random;
using Backtest.Numerics.Statistics;
using MathNet.Numerics.Statistics;

namespace Backtest.Numerics.Tests.Statistics;

public class QuantileTests
{
    public static TheoryData<QuantileType> AllTypes() => new(Enum.GetValues<QuantileType>());

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void AgreesWithMathNetsHyndmanFanDefinitions(QuantileType type)
    {
        var definition = (QuantileDefinition)Enum.Parse(typeof(QuantileDefinition), "R" + (int)type);
        var random = new System.Random((int)type);
        foreach (int n in new[] { 1, 2, 3, 7, 10, 101, 1000 })
        {
            double[] data = [.. Enumerable.Range(0, n).Select(_ => Math.Round(random.NextDouble() * 100, 3)).Order()];
            foreach (double p in new[] { 0.0, 0.001, 0.01, 0.1, 0.25, 0.3333, 0.5, 0.66, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0 })
            {
                double expected = SortedArrayStatistics.QuantileCustom(data, p, definition);
                double actual = Quantiles.Sorted(data, p, type);
                Assert.True(Math.Abs(expected - actual) <= 1e-9 * Math.Max(1, Math.Abs(expected)), $"type {(int)type}, n = {n}, p = {p}: {actual} vs MathNet {expected}");
            }
        }
    }

    [Fact]
    public void HandComputedCases()
    {
        double[] five = [1, 2, 3, 4, 5];
        Assert.Equal(3, Quantiles.Sorted(five, 0.5, QuantileType.Type1));
        Assert.Equal(2.2, Quantiles.Sorted(five, 0.3, QuantileType.Type7), 1e-15);
        Assert.Equal(1.8, Quantiles.Sorted(five, 0.3, QuantileType.Type6), 1e-15);
        Assert.Equal(2, Quantiles.Sorted(five, 0.3, QuantileType.Type1));
        Assert.Equal(1, Quantiles.Sorted(five, 0.0, QuantileType.Type1));
        Assert.Equal(5, Quantiles.Sorted(five, 1.0, QuantileType.Type7));

        double[] four = [1, 2, 3, 4];
        Assert.Equal(2.5, Quantiles.Sorted(four, 0.5, QuantileType.Type2));
        Assert.Equal(2, Quantiles.Sorted(four, 0.5, QuantileType.Type3));
        Assert.Equal(2, Quantiles.Sorted(four, 0.5, QuantileType.Type1));
        Assert.Equal(2.5, Quantiles.Sorted(four, 0.5, QuantileType.Type7));

        // The level is read as a decimal: 0.07 × 100 is exactly 7, so type 1 gives the 7th value
        // (with the binary value of 0.07, 7.000000000000001, it would be the 8th).
        double[] hundred = [.. Enumerable.Range(1, 100).Select(i => (double)i)];
        Assert.Equal(7, Quantiles.Sorted(hundred, 0.07, QuantileType.Type1));
        Assert.Equal(95, Quantiles.Sorted(hundred, 0.95, QuantileType.Type1));
        Assert.Equal(99, Quantiles.Sorted(hundred, 0.99, QuantileType.Type1));
        Assert.Equal(99.01, Quantiles.Sorted(hundred, 0.99, QuantileType.Type7), 1e-12);
    }

    [Fact]
    public void LongDataGivesTheSameQuantilesAsTheirDoubles()
    {
        var random = new System.Random(8);
        long[] data = [.. Enumerable.Range(0, 257).Select(_ => random.NextInt64(-1_000_000_000, 1_000_000_000)).Order()];
        double[] asDouble = [.. data.Select(x => (double)x)];
        foreach (QuantileType type in Enum.GetValues<QuantileType>())
        {
            foreach (double p in new[] { 0.0, 0.05, 0.5, 0.95, 0.99, 1.0 })
            {
                Assert.Equal(Quantiles.Sorted(asDouble, p, type), Quantiles.Sorted(data, p, type), 1e-6);
            }
        }
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void ExactLongQuantilesRoundTheDoubleInterpolation(QuantileType type)
    {
        var rng = new System.Random(7);
        for (int trial = 0; trial < 500; trial++)
        {
            var data = Enumerable.Range(0, rng.Next(1, 40)).Select(_ => (long)rng.Next(-1_000_000, 1_000_000)).Order().ToArray();
            foreach (var p in new[] { 0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1.0 })
            {
                // The double interpolation may miss an exact integer by an ulp, so it bounds the
                // exact results rather than fixing them: floor ≤ q ≤ ceiling, one apart at most.
                double reference = Quantiles.Sorted(data, p, type);
                long floor = Quantiles.SortedExact(data, p, type, Rounding.Floor);
                long ceiling = Quantiles.SortedExact(data, p, type, Rounding.Ceiling);
                Assert.InRange(reference, floor - 1e-6, ceiling + 1e-6);
                Assert.InRange(ceiling - floor, 0, 1);
                Assert.Equal(floor, Quantiles.SortedExact(data, p, type, Rounding.TowardZero));
            }
        }
    }

    [Fact]
    public void ExactLongQuantilesStayExactWhereDoublesCannot()
    {
        // 2⁶² and 2⁶² + 3: a double cannot tell them apart, the exact type-7 median is 2⁶² + 1 (1.5 floored).
        long big = 1L << 62;
        long[] data = [big, big + 3];
        Assert.Equal(big + 1, Quantiles.SortedExact(data, 0.5, QuantileType.Type7, Rounding.Floor));
        Assert.Equal(big + 2, Quantiles.SortedExact(data, 0.5, QuantileType.Type7, Rounding.Ceiling));
        Assert.Equal(big + 3, Quantiles.SortedExact(data, 1.0, QuantileType.Type7, Rounding.Floor));
    }

    [Fact]
    public void UnsortedEmptyOrOutOfRangeInputIsRefused()
    {
        Assert.Throws<ArgumentException>(() => Quantiles.Sorted([2.0, 1.0], 0.5, QuantileType.Type7));
        Assert.Throws<ArgumentException>(() => Quantiles.Sorted([1.0, double.NaN], 0.5, QuantileType.Type7));
        Assert.Throws<ArgumentException>(() => Quantiles.Sorted(ReadOnlySpan<double>.Empty, 0.5, QuantileType.Type7));
        Assert.Throws<ArgumentOutOfRangeException>(() => Quantiles.Sorted([1.0], 1.5, QuantileType.Type7));
        Assert.Throws<ArgumentOutOfRangeException>(() => Quantiles.Sorted([1.0], 0.5, (QuantileType)10));
    }

    [Fact]
    public void ValueAtRiskAndExpectedShortfallHandComputed()
    {
        double[] losses = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        long[] raw = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(8, RiskMeasures.ValueAtRisk(losses, 0.75, QuantileType.Type1));
        Assert.Equal(10, RiskMeasures.ValueAtRisk(raw, 0.95, QuantileType.Type1));

        // t = n(1 − α): 0.5 → the worst loss; 2 → mean of the two worst; 2.5 → (9 + 10 + ½·8) / 2.5.
        foreach ((double alpha, double expected) in new[] { (0.95, 10.0), (0.8, 9.5), (0.75, 9.2), (0.0, 5.5), (0.99, 10.0) })
        {
            Assert.Equal(expected, RiskMeasures.ExpectedShortfall(losses, alpha));
            Assert.Equal(expected, RiskMeasures.ExpectedShortfall(raw, alpha));
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => RiskMeasures.ExpectedShortfall(losses, 1.0));
    }

    [Fact]
    public void ExpectedShortfallIsTheTailAverageOfTheType1Quantile()
    {
        // Independent check: replicate every observation K times so that the tail share is a whole
        // number of copies, then average the top copies plainly.
        var random = new System.Random(21);
        foreach (int n in new[] { 1, 7, 100, 333 })
        {
            long[] losses = [.. Enumerable.Range(0, n).Select(_ => random.NextInt64(0, 1_000_000)).Order()];
            foreach (double alpha in new[] { 0.0, 0.5, 0.9, 0.95, 0.975, 0.99 })
            {
                const int K = 1000;
                int tailCopies = (int)Math.Round(n * K * (1 - alpha));
                decimal total = 0;
                for (int c = 0; c < tailCopies; c++)
                {
                    total += losses[n - 1 - (c / K)];
                }

                double expected = (double)(total / tailCopies);
                Assert.Equal(expected, RiskMeasures.ExpectedShortfall(losses, alpha), Math.Abs(expected) * 1e-12);
                Assert.True(RiskMeasures.ExpectedShortfall(losses, alpha) >= RiskMeasures.ValueAtRisk(losses, alpha, QuantileType.Type1));
            }
        }
    }

    [Fact]
    public void WilsonIntervalsMatchNewcombesPublishedValues()
    {
        // Newcombe, "Two-sided confidence intervals for the single proportion", Statistics in
        // Medicine 17 (1998), Table II, method 3 (score), 95%.
        AssertInterval(BinomialInterval.Wilson(81, 263, 0.95), 0.2553, 0.3662);
        AssertInterval(BinomialInterval.Wilson(15, 148, 0.95), 0.0624, 0.1605);
        AssertInterval(BinomialInterval.Wilson(0, 20, 0.95), 0.0, 0.1611);
        AssertInterval(BinomialInterval.Wilson(1, 29, 0.95), 0.0061, 0.1718);
        Assert.Equal(0.0, BinomialInterval.Wilson(0, 20, 0.95).Lower);
        Assert.Equal(1.0, BinomialInterval.Wilson(20, 20, 0.95).Upper);

        // Other levels: z grows with the confidence, so the interval nests.
        var narrow = BinomialInterval.Wilson(30, 1000, 0.5);
        var wide = BinomialInterval.Wilson(30, 1000, 0.999);
        Assert.True(wide.Lower < narrow.Lower && narrow.Upper < wide.Upper);
        double z = MathNet.Numerics.Distributions.Normal.InvCDF(0, 1, 0.9995);
        double p = 0.03;
        double centre = (p + (z * z / 2000)) / (1 + (z * z / 1000));
        Assert.Equal(centre, (wide.Lower + wide.Upper) / 2, 1e-12);
        Assert.Throws<ArgumentOutOfRangeException>(() => BinomialInterval.Wilson(3, 2, 0.95));
        Assert.Throws<ArgumentOutOfRangeException>(() => BinomialInterval.Wilson(0, 0, 0.95));
        Assert.Throws<ArgumentOutOfRangeException>(() => BinomialInterval.Wilson(1, 2, 1.0));
    }

    [Fact]
    public void BootstrapIsReproducibleAndCoversTheMean()
    {
        var stream = RandomStream.Create(77, 0, 0);
        var random = new System.Random(4);
        double[] sample = [.. Enumerable.Range(0, 400).Select(_ => random.NextDouble() * 10)];
        static double Mean(ReadOnlySpan<double> s)
        {
            double total = 0;
            foreach (double x in s)
            {
                total += x;
            }

            return total / s.Length;
        }

        var interval = Bootstrap.PercentileInterval<double>(sample, Mean, 2000, 0.95, stream, QuantileType.Type7);
        var again = Bootstrap.PercentileInterval<double>(sample, Mean, 2000, 0.95, stream, QuantileType.Type7);
        Assert.Equal(interval, again);

        // The percentile interval of the mean is close to mean ± 1.96 standard errors.
        double mean = sample.Average();
        double se = MathNet.Numerics.Statistics.Statistics.StandardDeviation(sample) / Math.Sqrt(sample.Length);
        Assert.InRange(interval.Lower, mean - (2.2 * se), mean - (1.7 * se));
        Assert.InRange(interval.Upper, mean + (1.7 * se), mean + (2.2 * se));

        var other = Bootstrap.PercentileInterval<double>(sample, Mean, 2000, 0.95, RandomStream.Create(78, 0, 0), QuantileType.Type7);
        Assert.NotEqual(interval, other);
    }

    [Fact]
    public void BootstrapIndicesFollowTheDocumentedRule()
    {
        var stream = RandomStream.Create(5, 1, 2);
        for (int position = 0; position < 50; position++)
        {
            var block = stream.Block(3, 0, position);
            ulong x = ((ulong)block.Word0 << 32) | block.Word1;
            int expected = (int)(ulong)(((UInt128)x * 10) >> 64);
            Assert.Equal(expected, Bootstrap.Index(stream, 3, position, 10));
        }

        // Every index of a small range is reached, in roughly equal shares.
        var counts = new int[7];
        for (int i = 0; i < 70_000; i++)
        {
            counts[Bootstrap.Index(stream, i / 1000, i % 1000, 7)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
    }

    private static void AssertInterval(ConfidenceInterval interval, double lower, double upper)
    {
        Assert.Equal(lower, Math.Round(interval.Lower, 4));
        Assert.Equal(upper, Math.Round(interval.Upper, 4));
    }
}
