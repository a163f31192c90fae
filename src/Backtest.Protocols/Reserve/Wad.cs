using Backtest.Numerics;

namespace Backtest.Protocols.Reserve;

/// <summary>
/// Gyroscope's 18-decimal fixed point (<c>FixedPoint.sol</c>, <c>DecimalScale.sol</c>) on
/// non-negative <see cref="Int128"/> values: weights, prices, fees and flow memories are scaled
/// by <see cref="One"/> = 10¹⁸. Every operation rounds the way the contract names it (Down =
/// floor, Up = ceiling) and products are exact (a 256-bit intermediate through
/// <see cref="Fixed.MulDiv(Int128, Int128, Int128, Rounding)"/>); a result that would not fit
/// throws <see cref="FixedPointOverflowException"/> rather than wrapping.
/// </summary>
public static class Wad
{
    /// <summary>1.0 in 18-decimal fixed point.</summary>
    public static readonly Int128 One = 1_000_000_000_000_000_000;

    /// <summary>⌊a·b / 10¹⁸⌋ (<c>mulDown</c>).</summary>
    public static Int128 MulDown(Int128 a, Int128 b) => Fixed.MulDiv(a, b, One, Rounding.Floor);

    /// <summary>⌈a·b / 10¹⁸⌉ (<c>mulUp</c>).</summary>
    public static Int128 MulUp(Int128 a, Int128 b) => Fixed.MulDiv(a, b, One, Rounding.Ceiling);

    /// <summary>⌊a·10¹⁸ / b⌋ (<c>divDown</c>); b = 0 reverts with ZERO_DIVISION (25).</summary>
    public static Int128 DivDown(Int128 a, Int128 b) =>
        b == 0 ? throw new ReserveArithmeticException(ReserveErrorCode.ZeroDivision, $"divDown({a}, 0)")
        : a == 0 ? Int128.Zero : Fixed.MulDiv(a, One, b, Rounding.Floor);

    /// <summary>⌈a·10¹⁸ / b⌉ (<c>divUp</c>); b = 0 reverts with ZERO_DIVISION (25).</summary>
    public static Int128 DivUp(Int128 a, Int128 b) =>
        b == 0 ? throw new ReserveArithmeticException(ReserveErrorCode.ZeroDivision, $"divUp({a}, 0)")
        : a == 0 ? Int128.Zero : Fixed.MulDiv(a, One, b, Rounding.Ceiling);

    /// <summary>|a − b| (<c>absSub</c>), exact.</summary>
    public static Int128 AbsSub(Int128 a, Int128 b) => a >= b ? a - b : b - a;

    /// <summary>
    /// a − b for the contracts' unsigned integers: a negative result is the checked-arithmetic
    /// revert ("underflow"), named by <paramref name="what"/>.
    /// </summary>
    public static Int128 Sub(Int128 a, Int128 b, string what) =>
        a >= b ? a - b : throw new ReserveArithmeticException(ReserveErrorCode.Underflow, $"{what}: {a} - {b}");

    /// <summary>
    /// xⁿ by square-and-multiply over the bits of n with <see cref="MulDown"/> at every step
    /// (<c>intPowDown</c>): r starts at 1, r ← r·x when the bit is set, then x ← x·x. Every
    /// step rounds down, so the result depends on the path and can reach 0 for large n.
    /// </summary>
    public static Int128 IntPowDown(Int128 x, long n)
    {
        if (n < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "exponent must be non-negative");
        }

        Int128 result = One;
        while (n > 0)
        {
            if ((n & 1) != 0)
            {
                result = MulDown(result, x);
            }

            n >>= 1;
            if (n > 0)
            {
                x = MulDown(x, x);
            }
        }

        return result;
    }

    /// <summary>
    /// A raw token amount with <paramref name="decimals"/> decimals as an 18-decimal value
    /// (<c>scaleFrom</c>): multiplied up for fewer decimals, truncated (floor) for more.
    /// </summary>
    public static Int128 ScaleFrom(Int128 value, int decimals)
    {
        if (decimals == 18)
        {
            return value;
        }

        if (decimals > 18)
        {
            return value / Pow10(decimals - 18);
        }

        return Fixed.MulDiv(value, Pow10(18 - decimals), 1, Rounding.Floor);
    }

    /// <summary>10ᵏ for 0 ≤ k ≤ 38.</summary>
    public static Int128 Pow10(int k)
    {
        if (k < 0 || k > 38)
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, "power of ten out of the 128-bit range");
        }

        Int128 p = 1;
        for (int i = 0; i < k; i++)
        {
            p *= 10;
        }

        return p;
    }
}
