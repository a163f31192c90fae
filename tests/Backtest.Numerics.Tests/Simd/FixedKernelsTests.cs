using System.Numerics;
using Backtest.Numerics.Simd;

namespace Backtest.Numerics.Tests.Simd;

/// <summary>
/// Every kernel at every tier over every length 0..256 (so every tail), against a plain loop of
/// <see cref="Fixed"/>'s scalar operations written here; failures at every position; argument
/// checks.
/// </summary>
public class FixedKernelsTests
{
    private const long C = 365 * Fixed.One;

    /// <summary>A kernel under test and the same computation written as a plain loop over the scalar operations.</summary>
    public sealed record Kernel(string Name, Action<Inputs, long[], SimdTier> Run, Func<Inputs, int, long> Reference)
    {
        public override string ToString() => Name;
    }

    public sealed record Inputs(long[] X, long[] Y, long[] Mask, long B, long Min, long Max);

    public static TheoryData<Kernel> Kernels =>
    [
        new("Add", (i, d, t) => FixedKernels.Add(i.X, i.Y, d, t), (i, k) => Fixed.Add(i.X[k], i.Y[k])),
        new("Sub", (i, d, t) => FixedKernels.Sub(i.X, i.Y, d, t), (i, k) => Fixed.Sub(i.X[k], i.Y[k])),
        new("Min", (i, d, t) => FixedKernels.Min(i.X, i.Y, d, t), (i, k) => Math.Min(i.X[k], i.Y[k])),
        new("Max", (i, d, t) => FixedKernels.Max(i.X, i.Y, d, t), (i, k) => Math.Max(i.X[k], i.Y[k])),
        new("Select", (i, d, t) => FixedKernels.Select(i.Mask, i.X, i.Y, d, t), (i, k) => i.Mask[k] != 0 ? i.X[k] : i.Y[k]),
        new("Clamp", (i, d, t) => FixedKernels.Clamp(i.X, i.Min, i.Max, d, t), (i, k) => Math.Clamp(i.X[k], i.Min, i.Max)),
        new("MulDiv(array) Floor", (i, d, t) => FixedKernels.MulDiv(i.X, i.Y, C, Rounding.Floor, d, t), (i, k) => Fixed.MulDiv(i.X[k], i.Y[k], C, Rounding.Floor)),
        new("MulDiv(array) Ceiling", (i, d, t) => FixedKernels.MulDiv(i.X, i.Y, C, Rounding.Ceiling, d, t), (i, k) => Fixed.MulDiv(i.X[k], i.Y[k], C, Rounding.Ceiling)),
        new("MulDiv(array) TowardZero", (i, d, t) => FixedKernels.MulDiv(i.X, i.Y, C, Rounding.TowardZero, d, t), (i, k) => Fixed.MulDiv(i.X[k], i.Y[k], C, Rounding.TowardZero)),
        new("MulDiv(scalar) Floor", (i, d, t) => FixedKernels.MulDiv(i.X, i.B, C, Rounding.Floor, d, t), (i, k) => Fixed.MulDiv(i.X[k], i.B, C, Rounding.Floor)),
        new("MulDiv(scalar) Ceiling", (i, d, t) => FixedKernels.MulDiv(i.X, i.B, C, Rounding.Ceiling, d, t), (i, k) => Fixed.MulDiv(i.X[k], i.B, C, Rounding.Ceiling)),
        new("MulDiv(scalar) TowardZero", (i, d, t) => FixedKernels.MulDiv(i.X, i.B, C, Rounding.TowardZero, d, t), (i, k) => Fixed.MulDiv(i.X[k], i.B, C, Rounding.TowardZero)),
    ];

    [Theory]
    [MemberData(nameof(Kernels))]
    public void EveryLengthAndTierMatchesThePlainScalarLoop(Kernel kernel)
    {
        var random = new System.Random(kernel.Name.Length * 7919);
        for (int length = 0; length <= 256; length++)
        {
            Inputs inputs = RandomInputs(random, length);
            long[] expected = [.. Enumerable.Range(0, length).Select(k => kernel.Reference(inputs, k))];
            foreach (SimdTier tier in SimdTiers.All)
            {
                var actual = new long[length];
                kernel.Run(inputs, actual, tier);
                TierAssert.Equal(expected, actual, $"{kernel} {tier} length {length}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Kernels))]
    public void InPlaceGivesTheSameResult(Kernel kernel)
    {
        Inputs inputs = RandomInputs(new System.Random(5), 77);
        long[] expected = [.. Enumerable.Range(0, 77).Select(k => kernel.Reference(inputs, k))];
        foreach (SimdTier tier in SimdTiers.All)
        {
            var copy = inputs with { X = (long[])inputs.X.Clone() };
            kernel.Run(copy, copy.X, tier);
            TierAssert.Equal(expected, copy.X, $"{kernel} {tier} in place");
        }
    }

    [Fact]
    public void AFailureAtAnyPositionNamesThatElementAtEveryTier()
    {
        for (int length = 1; length <= 24; length++)
        {
            for (int position = 0; position < length; position++)
            {
                // The element at position overflows every operation below; so does the last one,
                // which must not be the one reported.
                long[] x = new long[length], y = new long[length], negX = new long[length];
                (x[^1], y[^1], negX[^1]) = (long.MaxValue, 5, long.MinValue);
                (x[position], y[position], negX[position]) = (long.MaxValue, 2, long.MinValue);
                foreach (SimdTier tier in SimdTiers.All)
                {
                    var add = Assert.Throws<FixedPointOverflowException>(() => FixedKernels.Add(x, y, new long[length], tier));
                    Assert.Equal(("Add", position), (add.Operation, add.ElementIndex));
                    Assert.Equal(["9223372036854775807", "2"], add.Operands);
                    Assert.EndsWith($"at element {position}", add.Message);

                    var sub = Assert.Throws<FixedPointOverflowException>(() => FixedKernels.Sub(negX, y, new long[length], tier));
                    Assert.Equal(("Sub", position), (sub.Operation, sub.ElementIndex));
                    Assert.Equal(["-9223372036854775808", "2"], sub.Operands);

                    var mulDiv = Assert.Throws<FixedPointOverflowException>(() => FixedKernels.MulDiv(x, y, 1, Rounding.Floor, new long[length], tier));
                    Assert.Equal(("MulDiv", position), (mulDiv.Operation, mulDiv.ElementIndex));
                    Assert.Equal(["9223372036854775807", "2", "1"], mulDiv.Operands);

                    var byScalar = Assert.Throws<FixedPointOverflowException>(() => FixedKernels.MulDiv(negX, 3, -2, Rounding.Ceiling, new long[length], tier));
                    Assert.Equal(("MulDiv", position), (byScalar.Operation, byScalar.ElementIndex));
                    Assert.Equal(["-9223372036854775808", "3", "-2"], byScalar.Operands);
                }
            }
        }
    }

    [Fact]
    public void DivisionByZeroFailsAtTheFirstElementAndNotForEmptySpans()
    {
        foreach (SimdTier tier in SimdTiers.All)
        {
            var e = Assert.Throws<FixedPointDivideByZeroException>(() => FixedKernels.MulDiv([5, 6, 7], 1, 0, Rounding.Floor, new long[3], tier));
            Assert.Equal(0, e.ElementIndex);
            Assert.Equal(["5", "1", "0"], e.Operands);
            FixedKernels.MulDiv([], 1, 0, Rounding.Floor, [], tier);
            FixedKernels.MulDiv([], [], 0, Rounding.Floor, [], tier);
        }
    }

    [Fact]
    public void MismatchedSpansAreNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => FixedKernels.Add(new long[3], new long[4], new long[3]));
        Assert.Contains("x has 3 elements, y has 4", e.Message);
        e = Assert.Throws<ArgumentException>(() => FixedKernels.MulDiv(new long[5], new long[5], 1, Rounding.Floor, new long[6]));
        Assert.Contains("a has 5 elements, destination has 6", e.Message);
        Assert.Equal("destination", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => FixedKernels.Select(new long[5], new long[5], new long[4], new long[5]));
        Assert.Contains("ifZero has 4 elements", e.Message);
        e = Assert.Throws<ArgumentException>(() => FixedKernels.Clamp(new long[5], 0, 1, new long[4]));
        Assert.Contains("x has 5 elements, destination has 4", e.Message);
    }

    [Fact]
    public void DestinationsOverlappingAnInputAtAnOffsetAreRefused()
    {
        long[] buffer = new long[20];
        var e = Assert.Throws<ArgumentException>(() => FixedKernels.Add(buffer.AsSpan(0, 10), buffer.AsSpan(10, 10), buffer.AsSpan(1, 10)));
        Assert.Contains("overlaps", e.Message);
        FixedKernels.Add(buffer.AsSpan(0, 10), buffer.AsSpan(10, 10), buffer.AsSpan(10, 10));
    }

    [Fact]
    public void ReversedClampBoundsUnknownRoundingsAndUnknownTiersAreRejected()
    {
        Assert.Throws<ArgumentException>(() => FixedKernels.Clamp([], 1, 0, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedKernels.MulDiv([], 1, 1, (Rounding)3, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedKernels.MulDiv([], [], 1, (Rounding)(-1), []));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedKernels.Add([1], [1], new long[1], (SimdTier)4));
        Assert.Throws<ArgumentOutOfRangeException>(() => FixedKernels.Sum([1], (SimdTier)4));
    }

    [Fact]
    public void SumIsExactForEveryLengthAndTier()
    {
        var cases = new MulDivCases(17);
        for (int length = 0; length <= 256; length++)
        {
            long[] x = [.. Enumerable.Range(0, length).Select(k => k % 3 == 0 ? cases.Edge() : cases.AnyMagnitude())];
            Int128 expected = (Int128)x.Aggregate(BigInteger.Zero, (s, v) => s + v);
            foreach (SimdTier tier in SimdTiers.All)
            {
                Assert.Equal(expected, FixedKernels.Sum(x, tier));
            }
        }
    }

    [Fact]
    public void SumDoesNotWrapOnLongRunsOfExtremes()
    {
        const int length = 1 << 20;
        long[] max = [.. Enumerable.Repeat(long.MaxValue, length)];
        long[] min = [.. Enumerable.Repeat(long.MinValue, length)];
        foreach (SimdTier tier in SimdTiers.All)
        {
            Assert.Equal((Int128)long.MaxValue * length, FixedKernels.Sum(max, tier));
            Assert.Equal((Int128)long.MinValue * length, FixedKernels.Sum(min, tier));
        }
    }

    [Fact]
    public void TheDefaultTierIsTheWidestAccelerated()
    {
        var accelerated = SimdTiers.All.Where(SimdTiers.IsHardwareAccelerated).ToList();
        Assert.Equal(accelerated[^1], SimdTiers.Widest);
        Assert.Equal([1, 2, 4, 8], SimdTiers.All.Select(SimdTiers.LaneCount));
        if (!System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated)
        {
            Assert.Equal(SimdTier.Scalar, SimdTiers.Widest);
        }
    }

    private static Inputs RandomInputs(System.Random random, int length)
    {
        // Operands below 2⁶² cannot make Add or Sub overflow. Every tenth element divides
        // x ∈ [2⁶², 2⁶³) · C by C, a quotient beyond the vector method's range that the scalar
        // fallback must give, so flagged lanes occur at every lane offset.
        long[] x = [.. Enumerable.Range(0, length).Select(k => k % 10 == 0 ? random.NextInt64(1L << 62, long.MaxValue) : random.NextInt64(-(1L << 62), 1L << 62) >> random.Next(0, 40))];
        long[] y = [.. Enumerable.Range(0, length).Select(k => k % 10 == 0 ? C : random.NextInt64(-(1L << 62), 1L << 62) >> random.Next(30, 62))];
        long[] mask = [.. Enumerable.Range(0, length).Select(_ => random.Next(3) == 0 ? 0L : random.NextInt64(long.MinValue, long.MaxValue) | 1)];
        long a = random.NextInt64(-(1L << 40), 1L << 40), b = random.NextInt64(-(1L << 40), 1L << 40);
        return new Inputs(x, y, mask, random.NextInt64(1, 1L << 24), Math.Min(a, b), Math.Max(a, b));
    }
}
