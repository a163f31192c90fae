using System.Numerics;
using Backtest.Protocols.Ampleforth;
using Backtest.Protocols.Ampleforth.Policy;

namespace Backtest.Protocols.Tests.Ampleforth;

public class SigmoidTests
{
    private static readonly BigInteger One18 = BigInteger.Pow(10, 18);

    [Fact]
    public void TwoPowerOfWholeExponentsIsExact()
    {
        Assert.Equal(One18, Sigmoid.TwoPower(0, One18));
        Assert.Equal(8 * One18, Sigmoid.TwoPower(3 * One18, One18));
        Assert.Equal(One18 / 8, Sigmoid.TwoPower(-3 * One18, One18));
    }

    [Fact]
    public void TwoPowerUsesOnlyFiveFractionalBits()
    {
        // 2^0.01: 0.01 is below the smallest precomputed root (2^(1/32)), so the fractional part is dropped.
        Assert.Equal(One18, Sigmoid.TwoPower(One18 / 100, One18));
        // 2^(1/32) uses the fifth root exactly.
        Assert.Equal(BigInteger.Parse("1021897148654116678"), Sigmoid.TwoPower(One18 / 32, One18));
    }

    [Fact]
    public void AReciprocalBelowOneUnitTruncatesToZero() =>
        Assert.Equal(BigInteger.Zero, Sigmoid.TwoPower(-75 * One18, One18));

    [Fact]
    public void AWholePartAboveOneHundredReverts()
    {
        var e = Assert.Throws<ContractMathException>(() => Sigmoid.TwoPower(101 * One18, One18));
        Assert.Equal(ContractMathException.ExponentTooLarge, e.Rule);
    }

    [Fact]
    public void TheExponentIsCappedSoHugeInputsSaturate()
    {
        BigInteger lower = -One18 / 10;
        BigInteger upper = One18 / 10;
        BigInteger atHuge = Sigmoid.Compute(1000 * One18, lower, upper, 100 * One18, One18);
        Assert.Equal(upper, atHuge);
        Assert.Equal(lower, Sigmoid.Compute(0, lower, upper, 1000 * One18, One18));
    }

    [Fact]
    public void ASymmetricSigmoidIsZeroAtOne() =>
        Assert.Equal(BigInteger.Zero, Sigmoid.Compute(One18, -One18 / 10, One18 / 10, 3 * One18, One18));

    [Fact]
    public void SignedDivisionTruncatesTowardZero()
    {
        // 7·(2 − 3)/3 = −2.33…: Solidity's int256 division gives −2 where a floor would give −3.
        Assert.Equal(new BigInteger(-2), new LinearRebase(1).SupplyDelta(7, 2, 3));
        Assert.Equal(new BigInteger(-1), new LinearRebase(2).SupplyDelta(7, 2, 3));
    }
}
