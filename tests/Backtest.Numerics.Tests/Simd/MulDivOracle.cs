using System.Numerics;

namespace Backtest.Numerics.Tests.Simd;

/// <summary>
/// An independent a · b / c on <see cref="BigInteger"/>: the exact quotient rounded as named,
/// or null when it does not fit 64 bits or c = 0.
/// </summary>
internal static class MulDivOracle
{
    private static readonly BigInteger MinLong = long.MinValue;
    private static readonly BigInteger MaxLong = long.MaxValue;

    public static long? Expected(long a, long b, long c, Rounding rounding) => c == 0 ? null : Expected(a, b, c)[(int)rounding];

    /// <summary>The quotient under Floor, Ceiling and TowardZero, indexed by the <see cref="Rounding"/> value; c ≠ 0.</summary>
    public static long?[] Expected(long a, long b, long c)
    {
        BigInteger product = (BigInteger)a * b;
        BigInteger floor = BigInteger.DivRem(product, c, out BigInteger remainder);

        // BigInteger division truncates toward zero; move to the floor when the exact quotient is negative and inexact.
        bool negative = product.Sign * Math.Sign(c) < 0;
        if (!remainder.IsZero && negative)
        {
            floor -= 1;
        }

        BigInteger ceiling = remainder.IsZero ? floor : floor + 1;
        return [Narrow(floor), Narrow(ceiling), Narrow(negative ? ceiling : floor)];
    }

    private static long? Narrow(BigInteger v) => v < MinLong || v > MaxLong ? null : (long)v;
}
