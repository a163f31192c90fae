using System.Numerics;
using Backtest.Market.Scenarios;
using Backtest.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace Backtest.Market.Tests.Scenarios;

public class PriceConversionTests
{
    [Fact]
    public void ConversionsRoundTheExactBinaryValueAsNamed()
    {
        // 0.1 is 0.1000000000000000055511151231257827… in binary.
        Assert.Equal(BigInteger.Parse("100000000000000005"), PriceConversion.ToScaled(0.1, 18, Rounding.Floor));
        Assert.Equal(BigInteger.Parse("100000000000000006"), PriceConversion.ToScaled(0.1, 18, Rounding.Ceiling));
        Assert.Equal(BigInteger.Parse("-100000000000000006"), PriceConversion.ToScaled(-0.1, 18, Rounding.Floor));
        Assert.Equal(BigInteger.Parse("-100000000000000005"), PriceConversion.ToScaled(-0.1, 18, Rounding.TowardZero));
        Assert.Equal(new BigInteger(3) * BigInteger.Pow(10, 18), PriceConversion.ToScaled(3.0, 18, Rounding.Ceiling));
        Assert.Equal(1_500_000_000L, PriceConversion.ToAmount(1.5, Rounding.Floor));
        Assert.Equal(BigInteger.Pow(2, 80), PriceConversion.ToScaled(Math.Pow(2, 80), 0, Rounding.Floor));
        Assert.Equal(BigInteger.Zero, PriceConversion.ToScaled(double.Epsilon, 18, Rounding.Floor));
        Assert.Equal(BigInteger.One, PriceConversion.ToScaled(double.Epsilon, 18, Rounding.Ceiling));
        Assert.Throws<FixedPointOverflowException>(() => PriceConversion.ToAmount(1e12, Rounding.Floor));
        Assert.Throws<ArgumentOutOfRangeException>(() => PriceConversion.ToScaled(double.NaN, 9, Rounding.Floor));
    }

    [Fact]
    public void FloorAndCeilingBracketTheExactValue()
    {
        var property = Prop.ForAll(ArbMap.Default.ArbFor<NormalFloat>(), normal =>
        {
            double x = normal.Get % 1e6;
            var floor = PriceConversion.ToScaled(x, 9, Rounding.Floor);
            var ceiling = PriceConversion.ToScaled(x, 9, Rounding.Ceiling);
            decimal exact = (decimal)x * 1_000_000_000m;
            return (decimal)floor <= decimal.Ceiling(exact) && (decimal)ceiling >= decimal.Floor(exact) && ceiling - floor <= 1
                && PriceConversion.ToScaled(x, 9, Rounding.TowardZero) == (x < 0 ? ceiling : floor);
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), property);
    }
}
