using Backtest.Protocols.DeFindex;
using static Backtest.Protocols.Tests.DeFindex.DeFindexFixtures;

namespace Backtest.Protocols.Tests.DeFindex;

public class DeFindexVaultTests
{
    private const long Year = DeFindexVault.SecondsPerYear;

    [Fact]
    public void WhitepaperExampleHundredUsdcAtEightPercentWithAOnePercentFee()
    {
        var vault = new DeFindexVault(SingleAsset(1, new ManagementFee(100)));
        vault.Deposit(Alice, [100 * Usdc], [0], invest: false, now: 0);
        vault.Rebalance(Roles.Manager, [new Invest(0, 100 * Usdc)], now: 0);
        vault.AccrueFixedApr(0, 800, Year);

        var fee = vault.CollectManagementFees(Year)!;

        Assert.Equal(108 * Usdc, vault.TotalManagedFunds()[0]);
        Assert.Equal(101 * Usdc, vault.TotalSupply);
        Assert.Equal(1 * Usdc, fee.FeeShares);
        Assert.Equal(fee.FeeShares / 2, vault.SharesOf(Roles.VaultFeeReceiver));
        Assert.Equal(fee.FeeShares / 2, vault.SharesOf(Roles.ProtocolFeeReceiver));
        long pricePerShare = vault.AssetAmountsPerShares(Usdc)[0];
        Assert.Equal(10_693_069, pricePerShare);
        Assert.InRange(vault.AssetAmountsPerShares(vault.SharesOf(Alice))[0], 106.9 * Usdc, 107 * Usdc);
    }

    [Fact]
    public void FeesAreAssessedBeforeADepositSoNewcomersDoNotPayForThePast()
    {
        foreach (var (timing, expected) in new[] { (ManagementFeeTiming.BeforeOperation, Usdc), (ManagementFeeTiming.AfterOperation, 2 * Usdc) })
        {
            var vault = new DeFindexVault(SingleAsset(0, new ManagementFee(100, Timing: timing)));
            vault.Deposit(Alice, [100 * Usdc], [0], invest: false, now: 0);
            var r = vault.Deposit(Bob, [100 * Usdc], [0], invest: false, now: Year);
            Assert.Equal(expected, r.ManagementFee!.FeeShares);
        }
    }

    [Fact]
    public void DonationAttackSucceedsWithoutLockedSharesAndFailsWithThem()
    {
        (long AttackerProfit, long VictimLoss) Attack(long minimumLiquidity)
        {
            var vault = new DeFindexVault(SingleAsset(0, DeFindexFeeModel.None) with { MinimumLiquidity = minimumLiquidity });
            long first = minimumLiquidity + 1;
            const long donation = 10_000_000_000;
            const long victimDeposit = 19_000_000_000;
            vault.Deposit(Alice, [first], [0], invest: false, now: 0);
            vault.Donate(0, donation);
            vault.Deposit(Bob, [victimDeposit], [0], invest: false, now: 0);
            long attackerOut = vault.Withdraw(Alice, vault.SharesOf(Alice), [0], now: 0).AmountsOut[0];
            long victimOut = vault.Withdraw(Bob, vault.SharesOf(Bob), [0], now: 0).AmountsOut[0];
            return (attackerOut - first - donation, victimDeposit - victimOut);
        }

        var unprotected = Attack(0);
        Assert.True(unprotected.AttackerProfit > 4_000_000_000, $"attack without protection should profit, made {unprotected.AttackerProfit}");
        Assert.Equal(unprotected.AttackerProfit, unprotected.VictimLoss);

        var protectedVault = Attack(1_000);
        Assert.True(protectedVault.AttackerProfit < -9_000_000_000, $"attack with locked shares should lose, made {protectedVault.AttackerProfit}");
        Assert.InRange(protectedVault.VictimLoss, 0, 19_000_000_000 / 1_000);
    }

    [Fact]
    public void WithdrawalsUseIdleFundsFirstThenLiquidateStrategiesProRata()
    {
        var vault = DeFindexVault.FromSnapshot(SingleAsset(2, DeFindexFeeModel.None), [2_000], [6_400, 1_600], new Dictionary<int, long> { [Alice] = 10_000 }, null);
        var r = vault.Withdraw(Alice, 5_000, [0], now: 0);
        Assert.Equal(5_000, r.AmountsOut[0]);
        Assert.Equal(2_000, r.FromIdle[0]);
        Assert.Equal([2_400L, 600L], r.Unwound);
        Assert.Equal(0, vault.Idle(0));
    }

    [Fact]
    public void TheWithdrawerBearsTheLiquidationCostAndTheOthersKeepTheirValue()
    {
        var config = SingleAsset(1, DeFindexFeeModel.None) with { LiquidationCostBps = 50 };
        var vault = DeFindexVault.FromSnapshot(config, [0], [20_000], new Dictionary<int, long> { [Alice] = 10_000, [Bob] = 10_000 }, null);
        long bobBefore = vault.AssetAmountsPerShares(vault.SharesOf(Bob))[0];
        var r = vault.Withdraw(Alice, 10_000, [0], now: 0);
        Assert.Equal(50, r.LiquidationCost[0]);
        Assert.Equal(9_950, r.AmountsOut[0]);
        Assert.Equal(bobBefore, vault.AssetAmountsPerShares(vault.SharesOf(Bob))[0]);
        Assert.Equal(DeFindexError.InsufficientOutputAmount, Assert.Throws<DeFindexException>(() => vault.Withdraw(Bob, 10_000, [10_000], now: 0)).Error);
    }

    [Fact]
    public void OnlyTheManagersMayRebalanceAndAFailedRebalanceChangesNothing()
    {
        var vault = new DeFindexVault(new DeFindexVaultConfig(2, [0, 1], Roles, DeFindexFeeModel.None));
        vault.Deposit(Alice, [1_000_000, 2_000_000], [0, 0], invest: false, now: 0);

        var e = Assert.Throws<DeFindexRoleException>(() => vault.Rebalance(Alice, [new Invest(0, 10)], 0));
        Assert.Equal(DeFindexError.Unauthorized, e.Error);
        Assert.Equal("Unauthorized (130)", e.Rule);

        var failing = Assert.Throws<DeFindexException>(() => vault.Rebalance(
            Roles.RebalanceManager, [new Invest(0, 500_000), new Swap(1, 0, 100_000, 50_000, 0), new Unwind(0, 600_000)], 0));
        Assert.Equal(DeFindexError.UnwindMoreThanAvailable, failing.Error);
        Assert.Equal(1_000_000, vault.Idle(0));
        Assert.Equal(2_000_000, vault.Idle(1));
        Assert.Equal(0, vault.Strategy(0).Balance);

        vault.Rebalance(Roles.RebalanceManager, [new Invest(0, 500_000), new Swap(1, 0, 100_000, 50_000, 0), new Unwind(0, 200_000)], 0);
        Assert.Equal(750_000, vault.Idle(0));
        Assert.Equal(1_900_000, vault.Idle(1));
        Assert.Equal(300_000, vault.Strategy(0).Balance);
        Assert.Equal(DeFindexError.NoInstructions, Assert.Throws<DeFindexException>(() => vault.Rebalance(Roles.Manager, [], 0)).Error);
    }

    [Fact]
    public void RescueMovesAStrategyToIdleAndTurnsItOff()
    {
        var vault = new DeFindexVault(SingleAsset(1, DeFindexFeeModel.None));
        vault.Deposit(Alice, [1_000_000], [0], invest: false, now: 0);
        vault.Rebalance(Roles.Manager, [new Invest(0, 900_000)], 0);
        Assert.Throws<DeFindexRoleException>(() => vault.Rescue(Alice, 0));

        Assert.Equal(900_000, vault.Rescue(Roles.EmergencyManager, 0));

        Assert.True(vault.Strategy(0).Paused);
        Assert.Equal(1_000_000, vault.Idle(0));
        Assert.Equal(DeFindexError.StrategyPaused, Assert.Throws<DeFindexException>(() => vault.Rebalance(Roles.Manager, [new Invest(0, 1)], 0)).Error);
        Assert.Throws<DeFindexRoleException>(() => vault.UnpauseStrategy(Roles.EmergencyManager, 0));
        vault.UnpauseStrategy(Roles.Manager, 0);
        Assert.False(vault.Strategy(0).Paused);
    }

    [Fact]
    public void PerformanceFeesChargeNetGainsAndCarryLossesForward()
    {
        var vault = new DeFindexVault(SingleAsset(1, new PerformanceFee(2_000, 2_500)));
        vault.Deposit(Alice, [1_000_000], [0], invest: false, now: 0);
        vault.Rebalance(Roles.Manager, [new Invest(0, 1_000_000)], 0);

        vault.SetStrategyBalance(0, 900_000);
        vault.LockFees(Roles.Manager);
        Assert.Equal(new StrategyReport(900_000, -100_000, 0), vault.Strategy(0).Report);

        vault.SetStrategyBalance(0, 1_150_000);
        vault.LockFees(Roles.Manager);
        Assert.Equal(30_000, vault.Strategy(0).Report.LockedFee);
        Assert.Equal(1_120_000, vault.TotalManagedFunds()[0]);

        var paid = Assert.Single(vault.DistributeFees(Roles.Manager));
        Assert.Equal(7_500, paid.ToProtocol);
        Assert.Equal(22_500, paid.ToVaultReceiver);
        Assert.Equal(1_120_000, vault.Strategy(0).Balance);
        Assert.Equal(7_500, vault.PaidToProtocol(0));
    }

    [Fact]
    public void FeesAboveTheContractsMaximumAreRefused()
    {
        Assert.Equal(DeFindexError.MaximumFeeExceeded, Assert.Throws<DeFindexException>(() => new DeFindexVault(SingleAsset(0, new PerformanceFee(9_001, 0)))).Error);
        Assert.Equal(DeFindexError.MaximumFeeExceeded, Assert.Throws<DeFindexException>(() => new DeFindexVault(SingleAsset(0, new ManagementFee(100, VaultReceiverShareBps: 4_999)))).Error);
    }
}
