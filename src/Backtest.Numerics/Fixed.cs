using System.Globalization;
using System.Numerics;

namespace Backtest.Numerics;

/// <summary>How an inexact integer quotient is rounded to an integer.</summary>
public enum Rounding
{
    /// <summary>Toward negative infinity (Solidity's unsigned division, <c>mulDiv</c> without <c>Rounding.Up</c>).</summary>
    Floor,

    /// <summary>Toward positive infinity (<c>mulDiv(..., Rounding.Up)</c>, <c>ceilDiv</c>).</summary>
    Ceiling,

    /// <summary>Toward zero (Solidity's signed division; C#'s <c>/</c>).</summary>
    TowardZero,
}

/// <summary>
/// The engine's one amount representation: a signed 64-bit integer counting 10⁻⁹ of a unit
/// ("nano-units"). 9 decimals are AMPL's and SPOT's own decimals, so on-chain base units map
/// one to one, and they resolve a USD cent a million times over. The largest amount is
/// about 9.22 × 10⁹ units. Every operation either gives the exact result rounded the way its
/// <see cref="Rounding"/> argument names, or throws <see cref="FixedPointOverflowException"/>;
/// nothing wraps.
/// </summary>
public static class Fixed
{
    /// <summary>Decimal places of an amount.</summary>
    public const int Decimals = 9;

    /// <summary>One unit (1.0) in raw nano-units.</summary>
    public const long One = 1_000_000_000L;

    /// <summary>a + b, or an overflow error.</summary>
    public static long Add(long a, long b)
    {
        long s = unchecked(a + b);
        if (((a ^ s) & (b ^ s)) < 0)
        {
            throw new FixedPointOverflowException("Add", a, b);
        }

        return s;
    }

    /// <summary>a − b, or an overflow error.</summary>
    public static long Sub(long a, long b)
    {
        long d = unchecked(a - b);
        if (((a ^ b) & (a ^ d)) < 0)
        {
            throw new FixedPointOverflowException("Sub", a, b);
        }

        return d;
    }

    /// <summary>−a, or an overflow error for <see cref="long.MinValue"/>.</summary>
    public static long Neg(long a) =>
        a == long.MinValue ? throw new FixedPointOverflowException("Neg", a) : -a;

    /// <summary>
    /// a · b / c with an exact 128-bit intermediate, rounded as <paramref name="rounding"/> says.
    /// Throws <see cref="FixedPointDivideByZeroException"/> when c = 0 and
    /// <see cref="FixedPointOverflowException"/> when the quotient does not fit in 64 bits.
    /// </summary>
    public static long MulDiv(long a, long b, long c, Rounding rounding)
    {
        if (c == 0)
        {
            throw new FixedPointDivideByZeroException("MulDiv", a, b, c);
        }

        Int128 p = (Int128)a * b;
        Int128 q = p / c;
        if (p != q * c && RoundsAway(p < 0 != c < 0, rounding))
        {
            q += (p < 0 != c < 0) ? -1 : 1;
        }

        if (q > long.MaxValue || q < long.MinValue)
        {
            throw new FixedPointOverflowException("MulDiv", a, b, c);
        }

        return (long)q;
    }

    /// <summary>a · b for amounts (a · b / 10⁹), rounded as named.</summary>
    public static long Mul(long a, long b, Rounding rounding) => MulDiv(a, b, One, rounding);

    /// <summary>a / b for amounts (a · 10⁹ / b), rounded as named.</summary>
    public static long Div(long a, long b, Rounding rounding) => MulDiv(a, One, b, rounding);

    /// <summary>
    /// Integer quotient n / d rounded as named (no scaling). Throws on d = 0 and on
    /// <see cref="long.MinValue"/> / −1.
    /// </summary>
    public static long DivInt(long n, long d, Rounding rounding)
    {
        if (d == 0)
        {
            throw new FixedPointDivideByZeroException("DivInt", n, d);
        }

        if (n == long.MinValue && d == -1)
        {
            throw new FixedPointOverflowException("DivInt", n, d);
        }

        long q = n / d;
        if (q * d != n && RoundsAway(n < 0 != d < 0, rounding))
        {
            q += (n < 0 != d < 0) ? -1 : 1;
        }

        return q;
    }

    /// <summary>
    /// a · b / c on 128-bit integers with an exact intermediate (for contract quantities that
    /// outgrow 64 bits, such as vault notes at 10⁶ per base unit), rounded as named.
    /// </summary>
    public static Int128 MulDiv(Int128 a, Int128 b, Int128 c, Rounding rounding)
    {
        if (c == 0)
        {
            throw new FixedPointDivideByZeroException("MulDiv128", a, b, c);
        }

        if (FitsIn63(a) && FitsIn63(b))
        {
            Int128 p = a * b;
            Int128 q = p / c;
            if (p != q * c && RoundsAway(p < 0 != c < 0, rounding))
            {
                q += (p < 0 != c < 0) ? -1 : 1;
            }

            return q;
        }

        BigInteger wide = (BigInteger)a * (BigInteger)b;
        BigInteger quotient = BigInteger.DivRem(wide, (BigInteger)c, out BigInteger rem);
        if (!rem.IsZero && RoundsAway(wide.Sign < 0 != c < 0, rounding))
        {
            quotient += (wide.Sign < 0 != c < 0) ? -1 : 1;
        }

        if (quotient > (BigInteger)Int128.MaxValue || quotient < (BigInteger)Int128.MinValue)
        {
            throw new FixedPointOverflowException("MulDiv128", a, b, c);
        }

        return (Int128)quotient;
    }

    /// <summary>Narrows a 128-bit integer to an amount, or an overflow error naming <paramref name="operation"/>.</summary>
    public static long ToInt64(Int128 value, string operation) =>
        value > long.MaxValue || value < long.MinValue
            ? throw new FixedPointOverflowException(operation, value)
            : (long)value;

    /// <summary>The exact amount for a decimal number, or an error if it has more than 9 decimals or is out of range.</summary>
    public static long FromDecimal(decimal value)
    {
        decimal raw = value * One;
        if (raw != decimal.Truncate(raw))
        {
            throw new FormatException($"{value.ToString(CultureInfo.InvariantCulture)} has more than {Decimals} decimal places");
        }

        if (raw > long.MaxValue || raw < long.MinValue)
        {
            throw new FixedPointOverflowException("FromDecimal", value.ToString(CultureInfo.InvariantCulture));
        }

        return (long)raw;
    }

    /// <summary>The exact decimal value of an amount.</summary>
    public static decimal ToDecimal(long raw) => (decimal)raw / One;

    /// <summary>An amount as a double (for reporting only: doubles never feed back into balances).</summary>
    public static double ToDouble(long raw) => raw / (double)One;

    /// <summary>
    /// The amount nearest to a double, rounding half away from zero at the 9th decimal; for
    /// turning study parameters and calibrated rates into amounts, never for balances.
    /// </summary>
    public static long FromDouble(double value)
    {
        double raw = Math.Round(value * One, MidpointRounding.AwayFromZero);
        if (!double.IsFinite(raw) || raw >= 9.2233720368547758e18 || raw < -9.2233720368547758e18)
        {
            throw new FixedPointOverflowException("FromDouble", value.ToString("R", CultureInfo.InvariantCulture));
        }

        return (long)raw;
    }

    /// <summary>Parses "123.456" (invariant culture, at most 9 decimals) into an amount.</summary>
    public static long Parse(string text) =>
        FromDecimal(decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture));

    /// <summary>Formats an amount exactly, with trailing zeros trimmed ("1.5", "-0.000000001").</summary>
    public static string Format(long raw)
    {
        var whole = raw / One;
        var frac = Math.Abs(raw % One);
        string sign = raw < 0 && whole == 0 ? "-" : string.Empty;
        if (frac == 0)
        {
            return sign + whole.ToString(CultureInfo.InvariantCulture);
        }

        return sign + whole.ToString(CultureInfo.InvariantCulture) + "." +
               frac.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');
    }

    private static bool FitsIn63(Int128 v) => v >= long.MinValue && v <= long.MaxValue;

    /// <summary>
    /// Whether an inexact quotient truncated toward zero must move one step away from zero:
    /// up for a positive exact quotient under Ceiling, down for a negative one under Floor.
    /// </summary>
    private static bool RoundsAway(bool negative, Rounding rounding) => rounding switch
    {
        Rounding.Floor => negative,
        Rounding.Ceiling => !negative,
        Rounding.TowardZero => false,
        _ => throw new ArgumentOutOfRangeException(nameof(rounding), rounding, "unknown rounding mode"),
    };
}
