using System.Globalization;
using System.Numerics;
using Backtest.Numerics;

namespace Backtest.Market.Scenarios;

/// <summary>
/// The named conversions from a scenario's double prices to the integers a model computes with:
/// the exact binary value of the double, scaled by 10^decimals, rounded as named. Nothing is
/// lost to an intermediate decimal or double product.
/// </summary>
public static class PriceConversion
{
    /// <summary>
    /// ⌊price · 10^decimals⌋ (or ⌈⌉, or toward zero) computed exactly from the double's
    /// mantissa and exponent; e.g. 18 decimals for an oracle reading. Throws
    /// <see cref="ArgumentOutOfRangeException"/> for a non-finite price or negative decimals.
    /// </summary>
    public static BigInteger ToScaled(double price, int decimals, Rounding rounding)
    {
        if (!double.IsFinite(price))
        {
            throw new ArgumentOutOfRangeException(nameof(price), price, "a price must be finite");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        long bits = BitConverter.DoubleToInt64Bits(price);
        bool negative = bits < 0;
        int exponentBits = (int)((bits >> 52) & 0x7FF);
        long fraction = bits & 0xF_FFFF_FFFF_FFFFL;
        BigInteger mantissa = exponentBits == 0 ? fraction : fraction | (1L << 52);
        int exponent = (exponentBits == 0 ? 1 : exponentBits) - 1075;
        BigInteger scaled = mantissa * BigInteger.Pow(10, decimals);
        BigInteger magnitude;
        if (exponent >= 0)
        {
            magnitude = scaled << exponent;
        }
        else
        {
            BigInteger divisor = BigInteger.One << -exponent;
            magnitude = BigInteger.DivRem(scaled, divisor, out BigInteger remainder);
            bool roundsAway = rounding switch
            {
                Rounding.Floor => negative,
                Rounding.Ceiling => !negative,
                _ => false,
            };
            if (!remainder.IsZero && roundsAway)
            {
                magnitude += 1;
            }
        }

        return negative ? -magnitude : magnitude;
    }

    /// <summary>The price as an amount (<see cref="Fixed"/>, 9 decimals), rounded as named; <see cref="FixedPointOverflowException"/> beyond its range.</summary>
    public static long ToAmount(double price, Rounding rounding)
    {
        var scaled = ToScaled(price, Fixed.Decimals, rounding);
        return scaled >= long.MinValue && scaled <= long.MaxValue
            ? (long)scaled
            : throw new FixedPointOverflowException("PriceConversion.ToAmount", price.ToString("R", CultureInfo.InvariantCulture));
    }
}
