using Backtest.Protocols.Saffron;

namespace Backtest.Protocols.Tests.Saffron;

public class SaffronScenarioTests
{
    /// <summary>The note's epoch: 100 seconds, tranche A multiplier 10, the platform paying 0.01 per unit-second.</summary>
    private static SaffronPool NotePool() =>
        new(SaffronPoolOptions.NoteModel with { EpochStart = 0, EpochDuration = 100, Epoch = 0 });

    private static Int128 Interest(SaffronPool pool, Int128 perUnitSecondDenominator) => pool.Dsec.Total / perUnitSecondDenominator;

    [Theory]
    [InlineData(1L)]
    [InlineData(1_000_000_000_000_000_000L)]
    public void ScenarioOneGivesS1559AA1A500Of2060(long unit)
    {
        var pool = NotePool();
        pool.AddLiquidity(SaffronTranche.S, 2_000 * (Int128)unit, 0);
        var (a, aResult) = pool.AddLiquidity(SaffronTranche.A, 100 * (Int128)unit, 50);
        Assert.Equal(1_000 * (Int128)unit, aResult.Consumed);
        Assert.Equal(50_000 * (Int128)unit, pool.VirtualDsecAA);
        var (aa, aaResult) = pool.AddLiquidity(SaffronTranche.AA, 100 * (Int128)unit, 90);
        Assert.Equal(10 * (Int128)unit, aaResult.Consumed);
        Assert.Equal(100 * (Int128)unit, pool.VirtualDsecA);
        Assert.Equal(5_000 * (Int128)unit, a.Dsec);
        Assert.Equal(1_000 * (Int128)unit, aa.Dsec);

        var payout = pool.WindDown(100, Interest(pool, 100), 0);

        Assert.Equal(2_060 * (Int128)unit, payout.Total);
        Assert.Equal(1_559 * (Int128)unit, payout.S);
        Assert.Equal(1 * (Int128)unit, payout.AA);
        Assert.Equal(500 * (Int128)unit, payout.A);
    }

    [Fact]
    public void ScenarioTwoGivesS1100AA0A1000WithTheCorrectedDsec()
    {
        var pool = NotePool();
        pool.AddLiquidity(SaffronTranche.S, 2_000, 0);
        var (a, result) = pool.AddLiquidity(SaffronTranche.A, 200, 50);

        // The note writes "200 DAI × 50 s = 1000 dsec"; the product is 10,000 and only that
        // figure gives the note's own "100·10 DAI earned" for A.
        Assert.Equal(10_000, a.Dsec);
        Assert.Equal(2_000, result.Consumed);
        Assert.Equal(100_000, pool.VirtualDsecAA);
        var payout = pool.WindDown(100, Interest(pool, 100), 0);
        Assert.Equal(new TrancheAmounts(1_100, 0, 1_000), payout);

        var typo = SaffronInterest.Split(2_100 * (Int128)1_000_000, new TrancheAmounts(200_000, 0, 1_000), 10, InterestSplitRule.Exact);
        Assert.InRange((double)typo.A / 1e6, 104.47, 104.48);
    }

    [Fact]
    public void TheV1ContractTruncatesTheRatioAndLeavesTheDustToS()
    {
        Int128 wei = 1_000_000_000_000_000_000;
        var dsec = new TrancheAmounts(200_000 * wei, 0, 5_000 * wei);
        var v1 = SaffronInterest.Split(2_050 * wei, dsec, 10, InterestSplitRule.ContractV1);
        var exact = SaffronInterest.Split(2_050 * wei, dsec, 10, InterestSplitRule.Exact);
        Assert.Equal(500 * wei, exact.A);
        Assert.Equal((500 * wei) - 8_000, v1.A);
        Assert.Equal(exact.S + 8_000, v1.S);
    }

    [Fact]
    public void TheV1PoolRefusesAAZeroAmountsAndOtherEpochs()
    {
        var pool = new SaffronPool(SaffronPoolOptions.ContractV1);
        long inEpoch1 = 1_604_239_200 + 1_209_600;
        Assert.Equal(SaffronException.NoAATranche, Assert.Throws<SaffronException>(() => pool.AddLiquidity(SaffronTranche.AA, 100, inEpoch1)).Rule);
        Assert.Equal(SaffronException.ZeroAmount, Assert.Throws<SaffronException>(() => pool.AddLiquidity(SaffronTranche.S, 0, inEpoch1)).Rule);
        Assert.Equal("v1: must be epoch 1 only", Assert.Throws<SaffronException>(() => pool.AddLiquidity(SaffronTranche.S, 5, inEpoch1 - 1)).Rule);
        pool.ShutDown();
        Assert.Equal(SaffronException.PoolShutdown, Assert.Throws<SaffronException>(() => pool.AddLiquidity(SaffronTranche.S, 5, inEpoch1)).Rule);
    }

    [Fact]
    public void AnADepositWithoutSCapacityIsAcceptedAsZeroAndFullyReturned()
    {
        var pool = NotePool();
        var (position, result) = pool.AddLiquidity(SaffronTranche.A, 10, 0);
        Assert.Equal(0, position.Principal);
        Assert.Equal(10, result.Change);
        Assert.Equal(0, pool.Balances.Total);
    }

    [Fact]
    public void RemovalsBeforeTheWindDownAreRefusedAndAfterItPayPrincipalAndInterest()
    {
        var pool = NotePool();
        var (s, _) = pool.AddLiquidity(SaffronTranche.S, 2_000, 0);
        var (a, _) = pool.AddLiquidity(SaffronTranche.A, 100, 50);
        Assert.Equal(SaffronException.NotWoundDown, Assert.Throws<SaffronException>(() => pool.RemoveLiquidity(s)).Rule);
        Assert.Equal(SaffronException.EpochNotOver, Assert.Throws<SaffronException>(() => pool.WindDown(99, 10, 0)).Rule);
        pool.WindDown(100, 2_050, 0);
        var paidA = pool.RemoveLiquidity(a);
        var paidS = pool.RemoveLiquidity(s);
        Assert.Equal(100, paidA.Principal);
        Assert.Equal(2_000, paidS.Principal);
        Assert.Equal(2_050, paidA.Interest + paidS.Interest);
        Assert.Equal(500, paidA.Interest);
    }

    [Fact]
    public void TheLastRedeemerCollectsTheRoundingDust()
    {
        var claims = new TrancheClaims(3, 100, 0);
        Assert.Equal(33, claims.Redeem(1).Interest);
        Assert.Equal(33, claims.Redeem(1).Interest);
        Assert.Equal(34, claims.Redeem(1).Interest);
        Assert.Equal(0, claims.Interest);
    }
}
