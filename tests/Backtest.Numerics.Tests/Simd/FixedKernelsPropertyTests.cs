using System.Numerics;
using Backtest.Numerics.Simd;
using FsCheck;
using FsCheck.Fluent;

namespace Backtest.Numerics.Tests.Simd;

/// <summary>
/// Algebraic properties of the kernels over generated arrays (edge values, full-range values,
/// small values, any length), at every tier; FsCheck shrinks a failure to a small array.
/// </summary>
public class FixedKernelsPropertyTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(300);

    private static readonly Gen<long> Amounts = Gen.Frequency(
        (2, Gen.Elements(MulDivCases.EdgeValues.ToArray())),
        (3, Gen.Two(Gen.Choose(int.MinValue, int.MaxValue)).Select(t => ((long)t.Item1 << 32) | (uint)t.Item2)),
        (2, Gen.Choose(-1000, 1000).Select(v => (long)v)));

    private static readonly Arbitrary<long[]> Arrays = Gen.ArrayOf(Amounts).ToArbitrary();

    [Fact]
    public void SumIsTheExactSumAtEveryTier() =>
        Check.One(Quick, Prop.ForAll(Arrays, x =>
        {
            var exact = (Int128)x.Aggregate(BigInteger.Zero, (s, v) => s + v);
            return SimdTiers.All.All(tier => FixedKernels.Sum(x, tier) == exact);
        }));

    [Fact]
    public void MinPlusMaxIsXPlusYAndClampIsMinOfMaxAtEveryTier() =>
        Check.One(Quick, Prop.ForAll(Arrays, Gen.Two(Amounts).ToArbitrary(), (x, bounds) =>
        {
            long[] y = [.. x.Reverse()];
            long low = Math.Min(bounds.Item1, bounds.Item2), high = Math.Max(bounds.Item1, bounds.Item2);
            foreach (SimdTier tier in SimdTiers.All)
            {
                long[] min = new long[x.Length], max = new long[x.Length], clamp = new long[x.Length], lows = new long[x.Length];
                FixedKernels.Min(x, y, min, tier);
                FixedKernels.Max(x, y, max, tier);
                FixedKernels.Clamp(x, low, high, clamp, tier);
                FixedKernels.Max(x, [.. Enumerable.Repeat(low, x.Length)], lows, tier);
                FixedKernels.Min(lows, [.. Enumerable.Repeat(high, x.Length)], lows, tier);
                for (int i = 0; i < x.Length; i++)
                {
                    if ((Int128)min[i] + max[i] != (Int128)x[i] + y[i] || min[i] > max[i] || clamp[i] != lows[i])
                    {
                        return false;
                    }
                }
            }

            return true;
        }));

    [Fact]
    public void CeilingExceedsFloorByOneExactlyWhenTheDivisionIsInexact() =>
        Check.One(Quick, Prop.ForAll(Arrays, Gen.Two(Amounts).ToArbitrary(), (x, bc) =>
        {
            long b = bc.Item1, c = bc.Item2 == 0 ? 1 : bc.Item2;

            // Elements whose quotient overflows become 0: failures are FixedKernelsMulDivTests' subject.
            long[] a = [.. x.Select(v => BigInteger.Abs((BigInteger)v * b / c) < long.MaxValue ? v : 0)];
            foreach (SimdTier tier in SimdTiers.All)
            {
                long[] floor = new long[a.Length], ceiling = new long[a.Length], towardZero = new long[a.Length];
                FixedKernels.MulDiv(a, b, c, Rounding.Floor, floor, tier);
                FixedKernels.MulDiv(a, b, c, Rounding.Ceiling, ceiling, tier);
                FixedKernels.MulDiv(a, b, c, Rounding.TowardZero, towardZero, tier);
                for (int i = 0; i < a.Length; i++)
                {
                    BigInteger product = (BigInteger)a[i] * b;
                    bool exact = (product % c).IsZero;
                    bool negative = product.Sign * Math.Sign(c) < 0;
                    if (ceiling[i] - floor[i] != (exact ? 0 : 1) || towardZero[i] != (negative ? ceiling[i] : floor[i]))
                    {
                        return false;
                    }
                }
            }

            return true;
        }));
}
