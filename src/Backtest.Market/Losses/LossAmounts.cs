using Backtest.Numerics;

namespace Backtest.Market.Losses;

/// <summary>The one conversion from a sampled (double) loss fraction into an amount.</summary>
public static class LossAmounts
{
    /// <summary>
    /// floor(<paramref name="amount"/> · <paramref name="fraction"/>) computed exactly: the double is
    /// taken as the exact dyadic rational it is (mantissa · 2^exponent), so the result depends on
    /// the fraction's bits alone. Throws <see cref="FixedPointOverflowException"/> if it exceeds an amount.
    /// </summary>
    public static long FloorOfFraction(long amount, double fraction)
    {
        if (amount < 0 || !double.IsFinite(fraction) || fraction < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), $"amount {amount} and fraction {fraction} must be non-negative and finite");
        }

        if (fraction == 0 || amount == 0)
        {
            return 0;
        }

        long bits = BitConverter.DoubleToInt64Bits(fraction);
        int biased = (int)((bits >> 52) & 0x7FF);
        long mantissa = bits & 0xF_FFFF_FFFF_FFFFL;
        int exponent;
        if (biased == 0)
        {
            exponent = -1074;
        }
        else
        {
            mantissa |= 1L << 52;
            exponent = biased - 1075;
        }

        Int128 product = (Int128)amount * mantissa;
        if (exponent >= 0)
        {
            if (exponent >= 64 || product > (Int128.MaxValue >> exponent))
            {
                throw new FixedPointOverflowException("FloorOfFraction", amount, fraction);
            }

            return Fixed.ToInt64(product << exponent, "FloorOfFraction");
        }

        return -exponent >= 127 ? 0 : Fixed.ToInt64(product >> -exponent, "FloorOfFraction");
    }
}
