using System.Numerics;
using Backtest.Numerics;
using Backtest.Protocols.Ampleforth;
using Backtest.Protocols.Ampleforth.Tokens;

namespace Backtest.Protocols.Tests.Ampleforth;

public class AmplTokenTests
{
    private static long Ampl(decimal units) => Fixed.FromDecimal(units);

    [Fact]
    public void TheOwnerStartsWithTheWholeInitialSupplyAsTotalGons()
    {
        var token = new AmplToken(new Chain(0), owner: 7);
        Assert.Equal(AmplToken.InitialFragmentsSupply, token.TotalSupply);
        Assert.Equal(AmplToken.InitialFragmentsSupply, token.BalanceOf(7));
        Assert.Equal(AmplToken.TotalGons, token.ScaledBalanceOf(7));
        Assert.Equal(BigInteger.Zero, AmplToken.TotalGons.ToBigInteger() % AmplToken.InitialFragmentsSupply);
    }

    [Fact]
    public void ATransferMovesExactlyTheValueBothWays()
    {
        var token = new AmplToken(new Chain(0), 0);
        token.Rebase(Ampl(123_456.789m));
        long before = token.BalanceOf(0);
        token.Transfer(0, 1, Ampl(1000.000000001m));
        Assert.Equal(Ampl(1000.000000001m), token.BalanceOf(1));
        Assert.Equal(before - Ampl(1000.000000001m), token.BalanceOf(0));
    }

    [Fact]
    public void ARebaseScalesEveryBalanceInOneStep()
    {
        var token = new AmplToken(new Chain(0), 0);
        token.Transfer(0, 1, Ampl(1000));
        token.Transfer(0, 2, Ampl(3000));
        token.Rebase(token.TotalSupply / 10);
        Assert.Equal(Ampl(1100), token.BalanceOf(1));
        Assert.Equal(Ampl(3300), token.BalanceOf(2));
        token.Rebase(-(token.TotalSupply / 2));
        Assert.Equal(Ampl(550), token.BalanceOf(1));
    }

    [Fact]
    public void BalancesAfterAnInexactRebaseRoundDownLikeTheToken()
    {
        var token = new AmplToken(new Chain(0), 0);
        token.Transfer(0, 1, 1);
        token.Rebase(-(token.TotalSupply / 3));
        Assert.Equal(0, token.BalanceOf(1));
        var gonsPerFragment = AmplToken.TotalGons.ToBigInteger() / token.TotalSupply;
        Assert.Equal(gonsPerFragment, token.GonsPerFragment.ToBigInteger());
    }

    [Fact]
    public void OverdrawingReverts()
    {
        var token = new AmplToken(new Chain(0), 0);
        token.Transfer(0, 1, Ampl(5));
        var e = Assert.Throws<AmplTokenException>(() => token.Transfer(1, 2, Ampl(5) + 1));
        Assert.Equal(AmplTokenException.TransferExceedsBalance, e.Rule);
        Assert.Equal(Ampl(5), token.BalanceOf(1));
    }

    [Fact]
    public void AContractionLargerThanTheSupplyReverts()
    {
        var token = new AmplToken(new Chain(0), 0);
        var e = Assert.Throws<AmplTokenException>(() => token.Rebase(-token.TotalSupply - 1));
        Assert.Equal(AmplTokenException.SupplyUnderflow, e.Rule);
    }

    [Fact]
    public void ASupplyPastTheAmountRangeIsAnOverflowNotAWrap() =>
        Assert.Throws<FixedPointOverflowException>(() => new AmplToken(new Chain(0), 0).Rebase(long.MaxValue - 1));

    [Fact]
    public void WithSupplyRebasesOnceFromTheInitialSupply()
    {
        var token = AmplToken.WithSupply(new Chain(0), 3, Ampl(700_000_000));
        Assert.Equal(Ampl(700_000_000), token.TotalSupply);
        Assert.Equal(Ampl(700_000_000), token.BalanceOf(3));
    }

    [Fact]
    public void GonsAreConservedByTransfersAndRebases()
    {
        var token = new AmplToken(new Chain(0), 0);
        for (int i = 1; i < 20; i++)
        {
            token.Transfer(0, i, Ampl(i * 17.000000003m));
            token.Rebase(i % 2 == 0 ? token.TotalSupply / 37 : -(token.TotalSupply / 41));
            token.Transfer(i, i - 1, token.BalanceOf(i) / 3);
        }

        var result = AmpleforthInvariants.AmplConservation(token);
        Assert.True(result.Holds, result.ToString());
    }
}
