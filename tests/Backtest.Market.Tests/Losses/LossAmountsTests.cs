using System.Numerics;
using Backtest.Market.Losses;
using Backtest.Numerics;

namespace Backtest.Market.Tests.Losses;

public class LossAmountsTests
{
    [Fact]
    public void FloorOfFractionIsTheExactFloorOfTheProduct()
    {
        var random = new Random(7);
        for (int i = 0; i < 20_000; i++)
        {
            long amount = random.NextInt64(0, long.MaxValue / 4);
            double fraction = i % 3 == 0 ? random.NextDouble() : random.NextDouble() * Math.Pow(2, random.Next(-80, 2));
            Assert.Equal(Oracle(amount, fraction), LossAmounts.FloorOfFraction(amount, fraction));
        }

        Assert.Equal(80_000_000 * Fixed.One, LossAmounts.FloorOfFraction(80_000_000 * Fixed.One, 1.0));
        Assert.Equal(0, LossAmounts.FloorOfFraction(1, double.Epsilon));
        Assert.Throws<FixedPointOverflowException>(() => LossAmounts.FloorOfFraction(long.MaxValue, 2.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LossAmounts.FloorOfFraction(1, -0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => LossAmounts.FloorOfFraction(1, double.NaN));
    }

    /// <summary>floor(amount · fraction) with the fraction as the exact rational of its bits.</summary>
    private static long Oracle(long amount, double fraction)
    {
        long bits = BitConverter.DoubleToInt64Bits(fraction);
        int exponent = (int)((bits >> 52) & 0x7FF);
        BigInteger mantissa = bits & 0xF_FFFF_FFFF_FFFFL;
        int shift;
        if (exponent == 0)
        {
            shift = 1074;
        }
        else
        {
            mantissa += BigInteger.One << 52;
            shift = 1075 - exponent;
        }

        BigInteger product = amount * mantissa;
        return (long)(shift >= 0 ? product >> shift : product << -shift);
    }
}
