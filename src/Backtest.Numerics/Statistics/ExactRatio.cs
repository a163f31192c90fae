using System.Numerics;

namespace Backtest.Numerics.Statistics;

/// <summary>Exact rationals to doubles, and exact decimal views of doubles.</summary>
internal static class ExactRatio
{
    /// <summary>
    /// numerator / denominator rounded once to the nearest double (ties to even), including
    /// subnormal results; ±∞ beyond the double range. The denominator must be positive.
    /// </summary>
    public static double ToDouble(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.Sign <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(denominator), "denominator must be positive");
        }

        if (numerator.IsZero)
        {
            return 0.0;
        }

        bool negative = numerator.Sign < 0;
        BigInteger a = BigInteger.Abs(numerator);

        // Scale so that the integer quotient q has 55 or 56 bits: value = q · 2^−shift (+ remainder).
        long shift = 55 - ((long)a.GetBitLength() - (long)denominator.GetBitLength());
        BigInteger q = shift >= 0
            ? BigInteger.DivRem(a << (int)shift, denominator, out BigInteger remainder)
            : BigInteger.DivRem(a, denominator << (int)-shift, out remainder);
        long length = (long)q.GetBitLength();

        // Keep 53 significant bits, or fewer where the result is subnormal (lowest bit 2^−1074).
        long leadingExponent = length - 1 - shift;
        long drop = leadingExponent >= -1022 ? length - 53 : shift - 1074;
        BigInteger kept;
        bool roundUp;
        if (drop > length)
        {
            kept = BigInteger.Zero;
            roundUp = false;
        }
        else
        {
            kept = q >> (int)drop;
            BigInteger dropped = q - (kept << (int)drop);
            BigInteger half = BigInteger.One << (int)(drop - 1);
            int comparison = dropped.CompareTo(half);
            roundUp = comparison > 0 || (comparison == 0 && (!remainder.IsZero || !kept.IsEven));
        }

        if (roundUp)
        {
            kept += 1;
        }

        double result = Math.ScaleB((double)kept, (int)Math.Clamp(drop - shift, -1100, 1100));
        return negative ? -result : result;
    }

    /// <summary>A finite double as an exact integer count of 2^−1074.</summary>
    public static BigInteger ToScaledInteger(double value)
    {
        (UInt128 magnitude, int exponent, bool negative) = Decompose(value);
        BigInteger scaled = (BigInteger)magnitude << (exponent + 1074);
        return negative ? -scaled : scaled;
    }

    /// <summary>A finite double as magnitude · 2^exponent with a sign (magnitude below 2⁵³).</summary>
    public static (UInt128 Magnitude, int Exponent, bool Negative) Decompose(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "only finite values can be summed exactly");
        }

        ulong bits = BitConverter.DoubleToUInt64Bits(value);
        int biased = (int)((bits >> 52) & 0x7FF);
        ulong mantissa = bits & 0x000F_FFFF_FFFF_FFFFUL;
        return biased == 0
            ? (mantissa, -1074, (long)bits < 0)
            : (mantissa | (1UL << 52), biased - 1075, (long)bits < 0);
    }

    /// <summary>A decimal as (integer, power of ten): value = integer / 10^scale.</summary>
    public static (BigInteger Integer, int Scale) Decompose(decimal value)
    {
        int scale = value.Scale;
        return (new BigInteger(value * Pow10Decimal(scale)), scale);
    }

    private static decimal Pow10Decimal(int power)
    {
        decimal result = 1m;
        for (int i = 0; i < power; i++)
        {
            result *= 10m;
        }

        return result;
    }
}
