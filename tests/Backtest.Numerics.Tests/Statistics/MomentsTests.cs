using System.Numerics;
using Backtest.Numerics.Statistics;
using FsCheck;
using FsCheck.Fluent;

namespace Backtest.Numerics.Tests.Statistics;

public class MomentsTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(300);

    private static readonly Gen<long> AnyAmount = Gen.Frequency(
        (4, ArbMap.Default.GeneratorFor<long>()),
        (4, Gen.Choose(-1_000_000, 1_000_000).Select(x => (long)x * 1_000_000_007L)),
        (1, Gen.Elements(long.MinValue, long.MaxValue, 0L, -1L, 1L)));

    private static readonly Gen<double> AnyDouble = Gen.Frequency(
        (3, ArbMap.Default.GeneratorFor<long>().Select(BitConverter.Int64BitsToDouble).Where(double.IsFinite)),
        (3, ArbMap.Default.GeneratorFor<int>().Select(x => x / 7.0)),
        (1, Gen.Elements(0.0, -0.0, double.Epsilon, -double.Epsilon, double.MaxValue, -double.MaxValue, 1e16, -1e16, 0.1)));

    [Fact]
    public void FixedMomentsMergeToTheSameBitsInAnySplitAndOrder() =>
        Check.One(Runs, Prop.ForAll(
            Arb.From(Gen.Zip(Gen.ArrayOf(AnyAmount), ArbMap.Default.GeneratorFor<int>())),
            ((long[] Values, int Seed) input) =>
            {
                var sequential = new FixedMoments();
                sequential.Add(input.Values);
                FixedMoments merged = MergeRandomly(input.Values, input.Seed, chunk => { var m = new FixedMoments(); m.Add(chunk); return m; }, (a, b) => { a.Merge(b); return a; });
                return merged == sequential && SameBits(merged.Mean, sequential.Mean) && SameBits(merged.Variance, sequential.Variance);
            }));

    [Fact]
    public void DoubleMomentsMergeToTheSameBitsInAnySplitAndOrder() =>
        Check.One(Runs, Prop.ForAll(
            Arb.From(Gen.Zip(Gen.ArrayOf(AnyDouble), ArbMap.Default.GeneratorFor<int>())),
            ((double[] Values, int Seed) input) =>
            {
                var sequential = new DoubleMoments();
                sequential.Add(input.Values);
                var reversed = new DoubleMoments();
                reversed.Add([.. input.Values.Reverse()]);
                DoubleMoments merged = MergeRandomly(input.Values, input.Seed, chunk => { var m = new DoubleMoments(); m.Add(chunk); return m; }, (a, b) => { a.Merge(b); return a; });
                return merged.SameAs(sequential) && reversed.SameAs(sequential) &&
                    SameBits(merged.Mean, sequential.Mean) && SameBits(merged.Variance, sequential.Variance) &&
                    SameBits(merged.Min, sequential.Min) && SameBits(merged.Max, sequential.Max);
            }));

    [Fact]
    public void FixedMomentsAreExact()
    {
        var m = new FixedMoments();
        m.Add([1, 2, 3, 4]);
        Assert.Equal(4, m.Count);
        Assert.Equal(2.5, m.Mean);
        Assert.Equal(5.0 / 3.0, m.Variance);
        Assert.Equal(1.25, m.PopulationVariance);
        Assert.Equal(1, m.Min);
        Assert.Equal(4, m.Max);
        Assert.Equal(30, m.SumOfSquares);

        var half = new FixedMoments();
        half.Add([1, 2]);
        Assert.Equal(1, half.MeanRaw(Rounding.Floor));
        Assert.Equal(2, half.MeanRaw(Rounding.Ceiling));
        var negative = new FixedMoments();
        negative.Add([-1, -2]);
        Assert.Equal(-2, negative.MeanRaw(Rounding.Floor));
        Assert.Equal(-1, negative.MeanRaw(Rounding.TowardZero));

        // Values near the extremes: a naive double or 64-bit computation would overflow or cancel.
        var extreme = new FixedMoments();
        extreme.Add([long.MaxValue, long.MaxValue, long.MaxValue - 2]);
        Assert.Equal((Int128)long.MaxValue * 3 - 2, extreme.Sum);
        Assert.Equal(4.0 / 3.0, extreme.Variance);
        Assert.Equal(long.MaxValue - 1, extreme.MeanRaw(Rounding.Floor));
        Assert.Equal(3 * (BigInteger)long.MaxValue * long.MaxValue - 4 * (BigInteger)long.MaxValue + 4, extreme.SumOfSquares);
    }

    [Fact]
    public void DoubleMomentsAreExactWhereNaiveSummationIsNot()
    {
        var tenths = new DoubleMoments();
        tenths.Add(Enumerable.Repeat(0.1, 10).ToArray());
        Assert.Equal(1.0, tenths.Sum);
        Assert.Equal(0.1, tenths.Mean);
        Assert.Equal(0.0, tenths.Variance);

        var cancelling = new DoubleMoments();
        cancelling.Add([1e16, 1.0, -1e16]);
        Assert.Equal(1.0 / 3.0, cancelling.Mean);

        var offset = new DoubleMoments();
        offset.Add([1e16, 1e16 + 2, 1e16 + 4]);
        Assert.Equal(4.0, offset.Variance);
        Assert.Equal(1e16 + 2, offset.Mean);

        var huge = new DoubleMoments();
        huge.Add([double.MaxValue, double.MaxValue, -double.MaxValue]);
        Assert.Equal(double.MaxValue / 3, huge.Mean, double.MaxValue * 1e-15);
        Assert.Equal(double.PositiveInfinity, huge.Variance);

        var zeros = new DoubleMoments();
        zeros.Add([0.0, -0.0]);
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(zeros.Min));
        Assert.Equal(BitConverter.DoubleToInt64Bits(0.0), BitConverter.DoubleToInt64Bits(zeros.Max));
        Assert.Throws<ArgumentOutOfRangeException>(() => zeros.Add(double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => zeros.Add(double.PositiveInfinity));
        Assert.True(double.IsNaN(new DoubleMoments().Mean));
    }

    [Fact]
    public void MomentsAgreeWithMathNetOnOrdinaryData()
    {
        var random = new System.Random(5);
        var amounts = Enumerable.Range(0, 10_000).Select(_ => random.NextInt64(-1_000_000_000_000, 1_000_000_000_000)).ToArray();
        var fixedMoments = new FixedMoments();
        fixedMoments.Add(amounts);
        var asDouble = amounts.Select(x => (double)x).ToArray();
        Assert.Equal(MathNet.Numerics.Statistics.Statistics.Mean(asDouble), fixedMoments.Mean, 1e-3);
        Assert.Equal(1, MathNet.Numerics.Statistics.Statistics.Variance(asDouble) / fixedMoments.Variance, 1e-12);
        Assert.Equal(1, MathNet.Numerics.Statistics.Statistics.PopulationVariance(asDouble) / fixedMoments.PopulationVariance, 1e-12);

        var doubles = Enumerable.Range(0, 10_000).Select(_ => (random.NextDouble() - 0.3) * 1e5).ToArray();
        var doubleMoments = new DoubleMoments();
        doubleMoments.Add(doubles);
        Assert.Equal(MathNet.Numerics.Statistics.Statistics.Mean(doubles), doubleMoments.Mean, 1e-9);
        Assert.Equal(1, MathNet.Numerics.Statistics.Statistics.Variance(doubles) / doubleMoments.Variance, 1e-12);
        Assert.Equal(doubles.Min(), doubleMoments.Min);
        Assert.Equal(doubles.Max(), doubleMoments.Max);
    }

    [Fact]
    public void RatiosRoundOnceToNearestEven()
    {
        var random = new System.Random(3);
        for (int i = 0; i < 100_000; i++)
        {
            long a = random.NextInt64(-(1L << 53), 1L << 53);
            long b = random.NextInt64(1, 1L << 53);
            Assert.Equal(a / (double)b, ExactRatio.ToDouble(a, b));
        }

        BigInteger tiny = BigInteger.One << 1074;
        Assert.Equal(double.Epsilon, ExactRatio.ToDouble(1, tiny));
        Assert.Equal(0.0, ExactRatio.ToDouble(1, tiny * 2));
        Assert.Equal(double.Epsilon, ExactRatio.ToDouble(3, tiny * 4));
        Assert.Equal(2 * double.Epsilon, ExactRatio.ToDouble(3, tiny * 2));
        Assert.Equal(double.MaxValue, ExactRatio.ToDouble(ExactRatio.ToScaledInteger(double.MaxValue), tiny));
        Assert.Equal(double.PositiveInfinity, ExactRatio.ToDouble(BigInteger.One << 1024, 1));
        Assert.Equal(-0.1, ExactRatio.ToDouble(-1, 10));
    }

    private static T MergeRandomly<T>(long[] values, int seed, Func<long[], T> summarise, Func<T, T, T> merge) =>
        MergeRandomly<long, T>(values, seed, summarise, merge);

    private static T MergeRandomly<T>(double[] values, int seed, Func<double[], T> summarise, Func<T, T, T> merge) =>
        MergeRandomly<double, T>(values, seed, summarise, merge);

    /// <summary>Cuts the values into random chunks and merges the partial results pairwise in a random order.</summary>
    private static TResult MergeRandomly<TValue, TResult>(TValue[] values, int seed, Func<TValue[], TResult> summarise, Func<TResult, TResult, TResult> merge)
    {
        var random = new System.Random(seed);
        var parts = new List<TResult>();
        int start = 0;
        do
        {
            int length = Math.Min(values.Length - start, random.Next(0, 5));
            parts.Add(summarise(values[start..(start + length)]));
            start += length;
        }
        while (start < values.Length);

        while (parts.Count > 1)
        {
            int i = random.Next(parts.Count);
            int j = random.Next(parts.Count - 1);
            j = j >= i ? j + 1 : j;
            TResult combined = merge(parts[i], parts[j]);
            parts.RemoveAt(Math.Max(i, j));
            parts.RemoveAt(Math.Min(i, j));
            parts.Add(combined);
        }

        return parts[0];
    }

    private static bool SameBits(double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b);
}
