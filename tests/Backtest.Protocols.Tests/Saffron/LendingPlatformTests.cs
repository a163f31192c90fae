using Backtest.Protocols.Saffron;

namespace Backtest.Protocols.Tests.Saffron;

public class LendingPlatformTests
{
    private static readonly Int128 Wad = 1_000_000_000_000_000_000;

    [Fact]
    public void InterestAccruesOnWhatIsOwedFlooredToTheWei()
    {
        var market = new LendingPlatform();
        market.Supply(1_000 * Wad);

        // 1000 DAI at 3.65% for one day: exactly 0.1 DAI.
        Assert.Equal(Wad / 10, market.Accrue(Wad * 365 / 10_000, 86_400));
        Assert.Equal((1_000 * Wad) + (Wad / 10), market.Owed);

        // 7 wei at 100% for one second is 7/31,536,000 wei: floored to nothing.
        var tiny = new LendingPlatform();
        tiny.Supply(7);
        Assert.Equal(0, tiny.Accrue(Wad, 1));
    }

    [Fact]
    public void BadDebtIsFoundOutByTheLastToWithdraw()
    {
        var market = new LendingPlatform();
        market.Supply(100 * Wad);
        Assert.Equal(25 * Wad, market.WriteOff(Wad / 4));
        Assert.Equal(75 * Wad, market.Payable);

        market.Withdraw(70 * Wad);
        var refused = Assert.Throws<LendingPlatformException>(() => market.Withdraw(10 * Wad));
        Assert.Equal(LendingPlatformException.InsufficientCash, refused.Rule);
        Assert.Equal("compound", refused.System);
        Assert.Equal(30 * Wad, market.Owed);
        market.Withdraw(5 * Wad);
        Assert.Equal(0, market.Payable);
    }

    [Fact]
    public void ShortCashCapsWithdrawalsUntilLifted()
    {
        var market = new LendingPlatform();
        market.Supply(100 * Wad);
        market.LimitCash(10 * Wad);
        market.Withdraw(6 * Wad);
        Assert.Equal(4 * Wad, market.Cash);
        Assert.Throws<LendingPlatformException>(() => market.Withdraw(5 * Wad));
        Assert.Equal(94 * Wad, market.Owed);
        market.LimitCash(null);
        market.Withdraw(50 * Wad);
        Assert.Equal(44 * Wad, market.Owed);
    }

    [Fact]
    public void APreviewPaysWhatTheRemovalThenPaysAndChangesNothing()
    {
        var pool = new SaffronPool(SaffronPoolOptions.NoteModel with { EpochStart = 0, EpochDuration = 100, Epoch = 0 });
        var (s, _) = pool.AddLiquidity(SaffronTranche.S, 2_000 * Wad, 0);
        var (a, _) = pool.AddLiquidity(SaffronTranche.A, 100 * Wad, 50);
        Assert.Equal(SaffronException.NotWoundDown, Assert.Throws<SaffronException>(() => pool.PreviewRemoval(a)).Rule);
        pool.WindDown(100, pool.Dsec.Total / 100, 0);

        var preview = pool.PreviewRemoval(a);
        Assert.Equal(preview, pool.PreviewRemoval(a));
        Assert.Equal(preview, pool.RemoveLiquidity(a));
        Assert.Equal(500 * Wad, preview.Interest);
        Assert.Equal(pool.PreviewRemoval(s), pool.RemoveLiquidity(s));
        Assert.Throws<SaffronException>(() => pool.PreviewRemoval(s));
    }
}
