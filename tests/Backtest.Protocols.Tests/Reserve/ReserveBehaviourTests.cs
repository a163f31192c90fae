using Backtest.Protocols.Reserve;
using static Backtest.Protocols.Tests.Reserve.ReserveFixtures;

namespace Backtest.Protocols.Tests.Reserve;

public class ReserveBehaviourTests
{
    private static readonly ChainTime At = new(100, 1_000);

    [Fact]
    public void WadRoundsAsNamedAndRefusesZeroDivision()
    {
        Assert.Equal(Wad.One / 3, Wad.DivDown(1, 3));
        Assert.Equal((Wad.One / 3) + 1, Wad.DivUp(1, 3));
        Assert.Equal(Int128.Zero, Wad.MulDown(1, 1));
        Assert.Equal(Int128.One, Wad.MulUp(1, 1));
        Assert.Equal(ReserveErrorCode.ZeroDivision, Assert.Throws<ReserveArithmeticException>(() => Wad.DivDown(1, 0)).Code);
        Assert.Equal((Int128)1_000_000_000_000, Wad.ScaleFrom(1, 6));
        Assert.Equal((Int128)1, Wad.ScaleFrom(1_999_999, 24));
    }

    [Fact]
    public void IntPowDownRoundsEveryStepSoItCanFallBelowTheExactPower()
    {
        Int128 half = Wad.One / 2;
        Assert.Equal(Wad.One / 8, Wad.IntPowDown(half, 3));
        Int128 nine = 900_000_000_000_000_000;
        Assert.Equal(Int128.Zero, Wad.IntPowDown(nine, 1_000_000));
        Assert.Equal(Wad.One, Wad.IntPowDown(nine, 0));
    }

    [Fact]
    public void ScheduleInterpolatesTowardTheNewWeightAndRevertsBeforeCalibration()
    {
        var rising = new VaultCalibration(Wad.One, Milli(600), Milli(300), 1_000, 100);
        Assert.Equal(Milli(300), rising.ScheduledWeight(1_000));
        Assert.Equal(Milli(450), rising.ScheduledWeight(1_050));
        Assert.Equal(Milli(600), rising.ScheduledWeight(1_100));
        Assert.Equal(Milli(600), rising.ScheduledWeight(9_999));
        var e = Assert.Throws<ReserveArithmeticException>(() => rising.ScheduledWeight(999));
        Assert.Equal(ReserveErrorCode.Underflow, e.Code);
        Assert.Equal("ARITHMETIC_UNDERFLOW", e.Rule);
    }

    [Fact]
    public void TargetsFollowPriceDriftAndSumToOne()
    {
        var reserve = Stable([500, 300, 200], [500, 300, 200]);
        reserve.SetPrice(0, Milli(1_100));
        var state = reserve.State(10);
        Assert.Equal(Wad.One, state.TargetWeights.Aggregate(Int128.Zero, (a, b) => a + b));
        Assert.True(state.TargetWeights[0] > Milli(500));
        Assert.True(state.TargetWeights[1] < Milli(300));
    }

    [Fact]
    public void BalancedMintInsideTheBandIsAllowedAndCommitsGrossAmounts()
    {
        var reserve = Stable([500, 300, 200], [500, 300, 200], mintFee: Milli(1));
        var outcome = reserve.Mint(At, Amounts(50, 30, 20));
        Assert.True(outcome.Committed);
        Assert.Null(outcome.Error);
        Assert.Equal(Tokens(550), reserve.Balance(0));
        Assert.Equal(Tokens(100) - Milli(100), outcome.UsdValueAfterFees);
    }

    [Fact]
    public void AMintPushingAVaultOutOfItsBandIsRefusedWithNotSafeToMintAndNothingChanges()
    {
        var reserve = Stable([500, 300, 200], [500, 300, 200]);
        var e = Assert.Throws<ReserveSafetyException>(() => reserve.Mint(At, Amounts(300, 0, 0)));
        Assert.Equal(ReserveErrorCode.NotSafeToMint, e.Code);
        Assert.Equal("NOT_SAFE_TO_MINT", e.Rule);
        Assert.False(e.Outcome.Committed);
        Assert.Equal(Tokens(500), reserve.Balance(0));
        Assert.Equal(default, reserve.FlowGuard.Flow(0, FlowDirection.In));
    }

    [Fact]
    public void OutsideTheBandOnlyStrictlyCloserMovesPass()
    {
        // V1 at 0.6 against a 0.5 target (band 0.45..0.55): a proportional mint keeps 0.6.
        var reserve = Stable([600, 200, 200], [500, 300, 200]);
        Assert.Equal(ReserveErrorCode.NotSafeToMint, reserve.Preview(true, At, Amounts(600, 200, 200)).Error);
        var loose = new TranchedReserve(
            [.. Enumerable.Range(0, 3).Select(reserve.Vault)], [.. Enumerable.Range(0, 3).Select(reserve.Balance)], [.. Enumerable.Range(0, 3).Select(reserve.Price)],
            [.. Enumerable.Range(0, 3).Select(reserve.Calibration)], ReserveSafetyParameters.Gyroscope with { Improvement = ImprovementRule.NotFurther }, FlowGuardParameters.Gyroscope);
        Assert.Null(loose.Preview(true, At, Amounts(600, 200, 200)).Error);

        // Minting into the underweight vaults moves V1 closer: allowed although V1 stays outside.
        Assert.Null(reserve.Preview(true, At, Amounts(0, 60, 0)).Error);
    }

    [Fact]
    public void RedeemingMoreThanTheVaultHoldsIsRefusedBeforeAnyWeightCheck()
    {
        var reserve = Stable([500, 300, 200], [500, 300, 200]);
        var outcome = reserve.Preview(false, At, Amounts(0, 301, 0));
        Assert.Equal(ReserveErrorCode.RedeemMoreThanVaultContains, outcome.Error);
        Assert.Empty(outcome.Safety!.ResultingWeights);
    }

    [Fact]
    public void ABelowFloorStablecoinBlocksMintsIntoItsVaultButNotRedeems()
    {
        var reserve = Stable([500, 300, 200], [500, 300, 200]);
        reserve.SetPrice(1, Milli(930));
        Assert.Equal(ReserveErrorCode.NotSafeToMint, reserve.Preview(true, At, Amounts(0, 10, 0)).Error);
        Assert.Null(reserve.Preview(true, At, Amounts(10, 0, 4)).Error);
        Assert.Null(reserve.Preview(false, At, Amounts(0, 10, 0)).Error);
    }

    [Fact]
    public void CrossingEightyPercentOfTheThresholdLocksTheVaultsInflowsForThreeHundredBlocks()
    {
        var limit = new FlowLimit(FlowLimit.MemoryForHalfLife(1579), Tokens(100));
        var reserve = Stable([500, 300, 200], [500, 300, 200], limit);
        var first = reserve.Mint(At, Amounts(85, 51, 34));
        Assert.True(first.SafetyModeActivated);
        Assert.Equal(At.Block + 300, reserve.FlowGuard.Flow(0, FlowDirection.In).LastSafetyBlock);

        var locked = Assert.Throws<ReserveSafetyException>(() => reserve.Mint(new ChainTime(200, At.Block + 300), Amounts(1, 0, 0)));
        Assert.Equal(ReserveErrorCode.SafetyModeActive, locked.Code);

        // Redeems use their own memory and are not locked.
        Assert.Null(reserve.Preview(false, new ChainTime(200, At.Block + 1), Amounts(5, 3, 2)).Error);
    }

    [Fact]
    public void AnAmountThatWouldExceedTheThresholdIsRefusedWithVaultFlowTooHigh()
    {
        var limit = new FlowLimit(FlowLimit.MemoryForHalfLife(1579), Tokens(100));
        var reserve = Stable([500, 300, 200], [500, 300, 200], limit);
        var e = Assert.Throws<ReserveSafetyException>(() => reserve.Mint(At, Amounts(101, 0, 0)));
        Assert.Equal(ReserveErrorCode.VaultFlowTooHigh, e.Code);
        Assert.Null(e.Outcome.Safety);
    }

    [Fact]
    public void RecalibrationStartsFromTheOldCalibratedWeightNotTheInterpolatedOne()
    {
        var reserve = Stable([500, 300, 200], [500, 300, 200]);
        reserve.Recalibrate(1_000, [new(Milli(300), One, 100), new(Milli(400), One, 100), new(Milli(300), One, 100)]);
        Assert.Equal(Milli(400), reserve.State(1_050).ScheduledWeights[0]);
        reserve.Recalibrate(1_050, [new(Milli(350), One, 100), new(Milli(350), One, 100), new(Milli(300), One, 100)]);
        Assert.Equal(Milli(300), reserve.State(1_050).ScheduledWeights[0]);
        var e = Assert.Throws<ReserveGovernanceException>(() => reserve.Recalibrate(1_060, [new(Milli(300), One, 1), new(Milli(300), One, 1), new(Milli(300), One, 1)]));
        Assert.Equal(ReserveErrorCode.InvalidArgument, e.Code);
    }

    [Fact]
    public void TheGuardianCannotLockLongerThanItsLimit()
    {
        var reserve = Stable([500, 300, 200], [500, 300, 200]);
        reserve.GuardianLock(10, 0, GuardianDirections.Both, 7_200);
        Assert.Equal(7_210, reserve.FlowGuard.Flow(0, FlowDirection.Out).LastSafetyBlock);
        Assert.Equal(ReserveErrorCode.OracleGuardianTimeLimit, Assert.Throws<ReserveGovernanceException>(() => reserve.GuardianLock(10, 0, GuardianDirections.In, 7_201)).Code);
    }

    [Fact]
    public void BlockClockMapsTimeToTwelveSecondBlocks()
    {
        var clock = new BlockClock(1_700_000_000, 1);
        Assert.Equal(new ChainTime(1_700_000_000, 1), clock.At(1_700_000_000));
        Assert.Equal(new ChainTime(1_700_000_025, 3), clock.At(1_700_000_025));
        Assert.Throws<ArgumentOutOfRangeException>(() => clock.At(1_699_999_999));
    }
}
