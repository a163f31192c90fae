using System.Numerics;
using Backtest.Numerics.Simd;

namespace Backtest.Numerics.Tests.Simd;

/// <summary>
/// The vector-level operations of each width (Vector128/256/512, in hardware or software): exact
/// in every lane they do not flag, flagging every lane they cannot give exactly, and not
/// flagging lanes inside the range the vector mulDiv is proven for (so that range really runs
/// in vector form).
/// </summary>
public class FixedVectorTests
{
    private static readonly Rounding[] Roundings = [Rounding.Floor, Rounding.Ceiling, Rounding.TowardZero];

    public static TheoryData<SimdTier> Widths => [.. VectorLanes.Widths];

    [Theory]
    [MemberData(nameof(Widths))]
    public void MulDivInsideTheProvenRangeIsNeverFlaggedAndIsExact(SimdTier width)
    {
        var random = new System.Random(7 + (int)width);
        int lanes = SimdTiers.LaneCount(width);
        for (int round = 0; round < 40_000 / lanes; round++)
        {
            // |c| ≤ 2⁶¹, |a·b| ≤ 2¹¹⁰ and |q| ≤ 2⁶¹ are well inside the proven bounds.
            long c = RandomBits(random, random.Next(1, 62)) * (random.Next(2) == 0 ? 1 : -1);
            c = c == 0 ? 1 : c;
            var a = new long[lanes];
            var b = new long[lanes];
            for (int lane = 0; lane < lanes; lane++)
            {
                do
                {
                    a[lane] = RandomSigned(random);
                    b[lane] = RandomSigned(random);
                }
                while (!InsideProvenRange(a[lane], b[lane], c));
            }

            foreach (Rounding rounding in Roundings)
            {
                long[] fallback = new long[lanes];
                long[] q = VectorLanes.MulDiv(width, a, b, new FixedDivisor(c), rounding, ref fallback);
                for (int lane = 0; lane < lanes; lane++)
                {
                    Assert.True(fallback[lane] == 0, $"MulDiv({a[lane]}, {b[lane]}, {c}) was flagged");
                    Assert.Equal(MulDivOracle.Expected(a[lane], b[lane], c, rounding), q[lane]);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void MulDivLanesAreExactUnlessFlaggedAndEveryFailingLaneIsFlagged(SimdTier width)
    {
        var cases = new MulDivCases(11 + (int)width);
        int lanes = SimdTiers.LaneCount(width);
        for (int round = 0; round < 60_000 / lanes; round++)
        {
            long c = round % 97 == 0 ? 0 : cases.Divisor();
            var a = new long[lanes];
            var b = new long[lanes];
            for (int lane = 0; lane < lanes; lane++)
            {
                b[lane] = cases.Multiplier(c);
                a[lane] = c == 0 ? cases.AnyMagnitude() : cases.Multiplicand(b[lane], c);
            }

            foreach (Rounding rounding in Roundings)
            {
                long[] fallback = new long[lanes];
                long[] q = VectorLanes.MulDiv(width, a, b, new FixedDivisor(c), rounding, ref fallback);
                for (int lane = 0; lane < lanes; lane++)
                {
                    Assert.True(fallback[lane] is 0 or -1, "fallback lanes are all-ones or zero");
                    if (fallback[lane] == 0)
                    {
                        long? expected = MulDivOracle.Expected(a[lane], b[lane], c, rounding);
                        Assert.True(expected.HasValue, $"MulDiv({a[lane]}, {b[lane]}, {c}) {rounding} fails but was not flagged");
                        Assert.Equal(expected.Value, q[lane]);
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(0L)]
    [InlineData((1L << 61) + 1)]
    [InlineData(-(1L << 61) - 1)]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    public void DivisorsOutsideTheVectorRangeFlagEveryLane(long c)
    {
        Assert.False(new FixedDivisor(c).IsVectorSafe);
        foreach (SimdTier width in VectorLanes.Widths)
        {
            int lanes = SimdTiers.LaneCount(width);
            long[] fallback = new long[lanes];
            VectorLanes.MulDiv(width, Enumerable.Range(0, lanes).Select(i => (long)i).ToArray(), new long[lanes], new FixedDivisor(c), Rounding.Floor, ref fallback);
            Assert.All(fallback, f => Assert.Equal(-1L, f));
        }
    }

    [Fact]
    public void ADefaultDivisorFlagsEveryLane()
    {
        foreach (SimdTier width in VectorLanes.Widths)
        {
            int lanes = SimdTiers.LaneCount(width);
            long[] fallback = new long[lanes];
            VectorLanes.MulDiv(width, [.. Enumerable.Repeat(7L, lanes)], [.. Enumerable.Repeat(3L, lanes)], default, Rounding.Ceiling, ref fallback);
            Assert.All(fallback, f => Assert.Equal(-1L, f));
        }
    }

    [Fact]
    public void TheVectorDivisorBoundIsInclusive()
    {
        Assert.True(new FixedDivisor(1L << 61).IsVectorSafe);
        Assert.True(new FixedDivisor(-(1L << 61)).IsVectorSafe);
        long[] fallback = new long[4];
        long[] q = VectorLanes.MulDiv(SimdTier.Vector256, [long.MaxValue, long.MinValue, 3, -(1L << 61)], [4, 4, 1L << 61, 1], new FixedDivisor(1L << 61), Rounding.Floor, ref fallback);
        Assert.Equal(new long[4], fallback);
        Assert.Equal([15, -16, 3, -1], q);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void AddAndSubFlagExactlyTheOverflowingLanes(SimdTier width)
    {
        var cases = new MulDivCases(3);
        int lanes = SimdTiers.LaneCount(width);
        for (int round = 0; round < 20_000 / lanes; round++)
        {
            long[] x = [.. Enumerable.Range(0, lanes).Select(_ => round % 2 == 0 ? cases.Edge() : cases.AnyMagnitude())];
            long[] y = [.. Enumerable.Range(0, lanes).Select(_ => cases.AnyMagnitude())];
            long[] addFallback = new long[lanes];
            long[] subFallback = new long[lanes];
            long[] sum = VectorLanes.Add(width, x, y, ref addFallback);
            long[] difference = VectorLanes.Sub(width, x, y, ref subFallback);
            for (int lane = 0; lane < lanes; lane++)
            {
                CheckLane((BigInteger)x[lane] + y[lane], sum[lane], addFallback[lane]);
                CheckLane((BigInteger)x[lane] - y[lane], difference[lane], subFallback[lane]);
            }
        }

        static void CheckLane(BigInteger exact, long result, long flag)
        {
            bool fits = exact >= long.MinValue && exact <= long.MaxValue;
            Assert.Equal(fits ? 0L : -1L, flag);
            if (fits)
            {
                Assert.Equal((long)exact, result);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void FallbackAccumulatesAcrossOperations(SimdTier width)
    {
        int lanes = SimdTiers.LaneCount(width);
        long[] fallback = new long[lanes];
        fallback[lanes - 1] = -1;
        long[] x = new long[lanes];
        x[0] = long.MaxValue;
        long[] ones = [.. Enumerable.Repeat(1L, lanes)];
        VectorLanes.Add(width, x, ones, ref fallback);
        VectorLanes.MulDiv(width, ones, ones, new FixedDivisor(1), Rounding.Floor, ref fallback);
        Assert.Equal(-1L, fallback[0]);
        Assert.Equal(-1L, fallback[lanes - 1]);
        Assert.All(fallback[1..^1], f => Assert.Equal(0L, f));
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void MinMaxClampAndSelectWorkLaneByLane(SimdTier width)
    {
        var cases = new MulDivCases(5);
        int lanes = SimdTiers.LaneCount(width);
        for (int round = 0; round < 2_000; round++)
        {
            long[] x = [.. Enumerable.Range(0, lanes).Select(_ => cases.Edge())];
            long[] y = [.. Enumerable.Range(0, lanes).Select(_ => cases.AnyMagnitude())];
            long[] mask = [.. Enumerable.Range(0, lanes).Select(i => (round >> i) % 3 == 0 ? 0L : cases.AnyMagnitude() | 1)];
            long low = Math.Min(x[0], y[0]), high = Math.Max(x[0], y[0]);
            long[] min = VectorLanes.Min(width, x, y);
            long[] max = VectorLanes.Max(width, x, y);
            long[] clamp = VectorLanes.Clamp(width, y, low, high);
            long[] select = VectorLanes.Select(width, mask, x, y);
            for (int lane = 0; lane < lanes; lane++)
            {
                Assert.Equal(Math.Min(x[lane], y[lane]), min[lane]);
                Assert.Equal(Math.Max(x[lane], y[lane]), max[lane]);
                Assert.Equal(Math.Clamp(y[lane], low, high), clamp[lane]);
                Assert.Equal(mask[lane] != 0 ? x[lane] : y[lane], select[lane]);
            }
        }
    }

    [Fact]
    public void ReversedClampBoundsAndUnknownRoundingsAreRejected()
    {
        foreach (SimdTier width in VectorLanes.Widths)
        {
            int lanes = SimdTiers.LaneCount(width);
            Assert.Throws<ArgumentException>(() => VectorLanes.Clamp(width, new long[lanes], 2, 1));
            long[] fallback = new long[lanes];
            Assert.Throws<ArgumentOutOfRangeException>(() => VectorLanes.MulDiv(width, new long[lanes], new long[lanes], new FixedDivisor(1), (Rounding)7, ref fallback));
        }
    }

    private static bool InsideProvenRange(long a, long b, long c)
    {
        BigInteger product = BigInteger.Abs((BigInteger)a * b);
        return product <= BigInteger.One << 110 && product / BigInteger.Abs(c) <= BigInteger.One << 61;
    }

    private static long RandomSigned(System.Random random) => RandomBits(random, random.Next(64)) * (random.Next(2) == 0 ? 1 : -1);

    private static long RandomBits(System.Random random, int bits) =>
        bits == 0 ? 0 : (long)(unchecked((ulong)random.NextInt64(long.MinValue, long.MaxValue)) >> (64 - bits));
}
