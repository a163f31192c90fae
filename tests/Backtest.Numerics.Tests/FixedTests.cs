using Backtest.Numerics;

namespace Backtest.Numerics.Tests;

public class FixedTests
{
    [Theory]
    [InlineData(7, 1, 2, Rounding.Floor, 3)]
    [InlineData(7, 1, 2, Rounding.Ceiling, 4)]
    [InlineData(7, 1, 2, Rounding.TowardZero, 3)]
    [InlineData(-7, 1, 2, Rounding.Floor, -4)]
    [InlineData(-7, 1, 2, Rounding.Ceiling, -3)]
    [InlineData(-7, 1, 2, Rounding.TowardZero, -3)]
    [InlineData(7, 1, -2, Rounding.Floor, -4)]
    [InlineData(-7, -1, 2, Rounding.Ceiling, 4)]
    [InlineData(6, 1, 2, Rounding.Ceiling, 3)]
    public void MulDivRoundsAsNamed(long a, long b, long c, Rounding rounding, long expected) =>
        Assert.Equal(expected, Fixed.MulDiv(a, b, c, rounding));

    [Fact]
    public void MulDivUsesA128BitIntermediate() =>
        Assert.Equal(long.MaxValue, Fixed.MulDiv(long.MaxValue, long.MaxValue, long.MaxValue, Rounding.Floor));

    [Fact]
    public void MulDivOverflowNamesTheOperationAndOperands()
    {
        var e = Assert.Throws<FixedPointOverflowException>(() => Fixed.MulDiv(long.MaxValue, 2, 1, Rounding.Floor));
        Assert.Equal("MulDiv", e.Operation);
        Assert.Equal(["9223372036854775807", "2", "1"], e.Operands);
        Assert.Contains("MulDiv(9223372036854775807, 2, 1)", e.Message);
    }

    [Fact]
    public void AddAndSubRefuseToWrap()
    {
        Assert.Throws<FixedPointOverflowException>(() => Fixed.Add(long.MaxValue, 1));
        Assert.Throws<FixedPointOverflowException>(() => Fixed.Sub(long.MinValue, 1));
        Assert.Throws<FixedPointOverflowException>(() => Fixed.Neg(long.MinValue));
        Assert.Equal(long.MaxValue, Fixed.Add(long.MaxValue - 1, 1));
    }

    [Fact]
    public void DivisionByZeroIsTyped() =>
        Assert.Throws<FixedPointDivideByZeroException>(() => Fixed.MulDiv(1, 1, 0, Rounding.Floor));

    [Theory]
    [InlineData("1.5", 1_500_000_000L)]
    [InlineData("-0.000000001", -1L)]
    [InlineData("0", 0L)]
    [InlineData("80000000", 80_000_000_000_000_000L)]
    public void ParseAndFormatRoundTrip(string text, long raw)
    {
        Assert.Equal(raw, Fixed.Parse(text));
        Assert.Equal(text, Fixed.Format(raw));
    }

    [Fact]
    public void ParseRefusesMoreThanNineDecimals() =>
        Assert.Throws<FormatException>(() => Fixed.Parse("0.0000000001"));

    [Fact]
    public void MulAndDivAreScaled()
    {
        Assert.Equal(Fixed.Parse("3.75"), Fixed.Mul(Fixed.Parse("1.5"), Fixed.Parse("2.5"), Rounding.Floor));
        Assert.Equal(Fixed.Parse("0.333333333"), Fixed.Div(Fixed.One, 3 * Fixed.One, Rounding.Floor));
        Assert.Equal(Fixed.Parse("0.333333334"), Fixed.Div(Fixed.One, 3 * Fixed.One, Rounding.Ceiling));
    }

    [Fact]
    public void Int128MulDivFallsBackToAnExactWideProduct()
    {
        Int128 big = Int128.MaxValue / 3;
        Assert.Equal(big, Fixed.MulDiv(big, 1_000_000, 1_000_000, Rounding.Floor));
        Assert.Throws<FixedPointOverflowException>(() => Fixed.MulDiv(Int128.MaxValue, 2, 1, Rounding.Floor));
    }
}
