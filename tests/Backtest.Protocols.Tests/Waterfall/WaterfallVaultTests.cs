using Backtest.Numerics;
using Backtest.Protocols.Waterfall;
using static Backtest.Protocols.Tests.Waterfall.VaultFixture;

namespace Backtest.Protocols.Tests.Waterfall;

public class WaterfallVaultTests
{
    private const long Year = WaterfallConfig.SecondsPerYear;

    [Fact]
    public void DepositMintsAtNavAndWithdrawPaysNavRoundedDown()
    {
        var f = new VaultFixture();
        Assert.Equal(Units(100), f.Deposit(Tranche.SureJnr, Units(100), "a"));
        f.Premium(Units(1_000), Year);
        long capital = f.Vault.CapitalOf(Tranche.SureJnr);
        Assert.True(capital > Units(100));

        long minted = f.Deposit(Tranche.SureJnr, Units(50), "b");
        Assert.Equal(Fixed.MulDiv(Units(50), Units(100), capital, Rounding.Floor), minted);

        long payout = f.Checked(v => v.Withdraw("a", Tranche.SureJnr, Units(100), f.Now));
        Assert.Equal(Fixed.MulDiv(Units(100), capital + Units(50), Units(100) + minted, Rounding.Floor), payout);
        Assert.Equal(0, f.Vault.BalanceOf("a", Tranche.SureJnr));
    }

    [Fact]
    public void DepositsAreValidated()
    {
        var f = new VaultFixture();
        Assert.Equal("DepositBelowMinimum", Assert.Throws<DepositBelowMinimumException>(() => f.Deposit(Tranche.SureEqt, Units(0.1m) - 1)).Rule);
        f.Deposit(Tranche.SureEqt, Units(0.1m));
        Assert.Equal(7, Assert.Throws<InvalidTrancheException>(() => f.Deposit((Tranche)7, Units(1))).Id);
        Assert.Throws<InvalidTrancheException>(() => f.Deposit(0, Units(1)));
        Assert.Throws<InputException>(() => f.Vault.Deposit("lp", Tranche.SureEqt, Units(1), f.Now - 1));
    }

    [Theory]
    [InlineData(Tranche.SureBtc, 90)]
    [InlineData(Tranche.SureSnr, 60)]
    [InlineData(Tranche.SureMezz, 30)]
    public void SeniorTranchesAreLockedUntilExactlyTheEndOfTheLockUp(Tranche tranche, int days)
    {
        var f = new VaultFixture();
        long start = f.Now;
        f.Deposit(tranche, Units(10));
        var e = Assert.Throws<LockupActiveException>(() => f.Vault.Withdraw("lp", tranche, Units(10), start + (days * Day) - 1));
        Assert.Equal(start + (days * Day), e.UnlocksAt);
        Assert.Equal(Units(10), f.Checked(v => v.Withdraw("lp", tranche, Units(10), start + (days * Day))));
    }

    [Theory]
    [InlineData(Tranche.SureJnr)]
    [InlineData(Tranche.SureJnrPlus)]
    [InlineData(Tranche.SureEqt)]
    public void JuniorTranchesAreNotLocked(Tranche tranche)
    {
        var f = new VaultFixture();
        f.Deposit(tranche, Units(10));
        Assert.Equal(Units(10), f.Checked(v => v.Withdraw("lp", tranche, Units(10), f.Now)));
    }

    [Fact]
    public void EachDepositIsItsOwnLotAndAPartialWithdrawalKeepsTheRest()
    {
        var config = WaterfallConfig.Seed003([10 * Day, 0, 0, 0, 0, 0]);
        var f = new VaultFixture(config);
        long start = f.Now;
        f.Deposit(Tranche.SureBtc, Units(10));
        f.Now = start + (5 * Day);
        f.Deposit(Tranche.SureBtc, Units(10));

        f.Now = start + (10 * Day);
        Assert.Equal(Units(10), f.Vault.UnlockedBalanceOf("lp", Tranche.SureBtc, f.Now));
        var e = Assert.Throws<LockupActiveException>(() => f.Vault.Withdraw("lp", Tranche.SureBtc, Units(15), f.Now));
        Assert.Equal(start + (15 * Day), e.UnlocksAt);
        f.Checked(v => v.Withdraw("lp", Tranche.SureBtc, Units(4), f.Now));
        f.Checked(v => v.Withdraw("lp", Tranche.SureBtc, Units(6), f.Now));
        Assert.Throws<LockupActiveException>(() => f.Vault.Withdraw("lp", Tranche.SureBtc, Units(1), f.Now));
        Assert.Equal(Units(10), f.Checked(v => v.Withdraw("lp", Tranche.SureBtc, Units(10), start + (15 * Day))));
        Assert.Throws<InsufficientBalanceException>(() => f.Vault.Withdraw("lp", Tranche.SureBtc, 1, f.Now + (15 * Day)));
    }

    [Fact]
    public void WithdrawalsAreValidated()
    {
        var f = new VaultFixture();
        f.Deposit(Tranche.SureEqt, Units(10));
        Assert.Throws<InvalidAmountException>(() => f.Vault.Withdraw("lp", Tranche.SureEqt, 0, f.Now));
        Assert.Throws<InsufficientBalanceException>(() => f.Vault.Withdraw("lp", Tranche.SureEqt, Units(10) + 1, f.Now));
        Assert.Throws<InsufficientBalanceException>(() => f.Vault.Withdraw("other", Tranche.SureEqt, 1, f.Now));
        Assert.Throws<InvalidTrancheException>(() => f.Vault.Withdraw("lp", (Tranche)9, 1, f.Now));

        f.Checked(v => v.SellCoverage(Factory, Units(8), f.Now));
        var e = Assert.Throws<InsufficientCollateralException>(() => f.Vault.Withdraw("lp", Tranche.SureEqt, Units(2) + 1, f.Now));
        Assert.Equal("InsufficientCollateral", e.Rule);
        Assert.Equal(Units(2), f.Checked(v => v.Withdraw("lp", Tranche.SureEqt, Units(2), f.Now)));
    }

    [Fact]
    public void AWithdrawalRefusalIsTheRuleWithdrawWouldRaiseAndChangesNothing()
    {
        var f = new VaultFixture();
        long start = f.Now;
        f.Deposit(Tranche.SureBtc, Units(10));
        f.Deposit(Tranche.SureEqt, Units(10));
        f.Checked(v => v.SellCoverage(Factory, Units(15), f.Now));
        long capital = f.Vault.TotalCapital;

        Assert.IsType<LockupActiveException>(f.Vault.WithdrawRefusal("lp", Tranche.SureBtc, Units(1), f.Now));
        Assert.IsType<InsufficientCollateralException>(f.Vault.WithdrawRefusal("lp", Tranche.SureEqt, Units(5) + 1, f.Now));
        Assert.IsType<InsufficientBalanceException>(f.Vault.WithdrawRefusal("other", Tranche.SureEqt, 1, f.Now));
        Assert.IsType<InvalidAmountException>(f.Vault.WithdrawRefusal("lp", Tranche.SureEqt, 0, f.Now));
        Assert.IsType<InvalidTrancheException>(f.Vault.WithdrawRefusal("lp", (Tranche)9, 1, f.Now));
        Assert.Null(f.Vault.WithdrawRefusal("lp", Tranche.SureEqt, Units(5), f.Now));
        Assert.Null(f.Vault.WithdrawRefusal("lp", Tranche.SureBtc, Units(5), start + (90 * Day)));
        Assert.Equal(capital, f.Vault.TotalCapital);
        Assert.Equal(Units(10), f.Vault.BalanceOf("lp", Tranche.SureEqt));

        f.Vault.Pause(Admin);
        Assert.IsType<VaultPausedException>(f.Vault.WithdrawRefusal("lp", Tranche.SureEqt, Units(1), f.Now));
        Assert.Throws<VaultPausedException>(() => f.Vault.Withdraw("lp", Tranche.SureEqt, Units(1), f.Now));
    }

    [Fact]
    public void PremiumsGoSeniorFirstAtEachTranchesCurveOverTheElapsedTime()
    {
        // ton-premium-senior-first-150: capital in the allocation, U = 0.5, one year, 150 in.
        var f = new VaultFixture();
        f.Fund(Allocated(Units(1_000)));
        f.Checked(v => v.SellCoverage(Factory, Units(500), f.Now));
        var d = f.Premium(Units(150), Year);
        Assert.Equal(Utilization.One / 2, d.Utilization);
        decimal[] expected = [10.0m, 17.094738m, 21.6m, 21.375m, 21.0m, 17.689414m];
        for (int i = 0; i < 6; i++)
        {
            Assert.InRange(Fixed.ToDecimal(d.Paid[i]), expected[i] - 0.000001m, expected[i] + 0.000001m);
        }

        Assert.Equal(Units(150) - d.Paid.Sum(), d.ToReserve);
        Assert.Equal(d.ToReserve, f.Vault.ProtocolReserve);
        Assert.Equal(Units(150), f.Vault.PremiumsCollected);
    }

    [Fact]
    public void APremiumExactlyCoveringTheSeniorTiersLeavesTheRestUnpaid()
    {
        long[] due = DuesFor(Allocated(Units(1_000)), Year / 12);
        Assert.All(due, d => Assert.True(d > 0));

        var exact = FundedFixture();
        var d = exact.Premium(due[0] + due[1], Year / 12);
        Assert.Equal([due[0], due[1], 0, 0, 0, 0], d.Paid);
        Assert.Equal(0, d.ToReserve);

        var oneMore = FundedFixture();
        d = oneMore.Premium(due[0] + due[1] + 1, Year / 12);
        Assert.Equal([due[0], due[1], 1, 0, 0, 0], d.Paid);

        var everything = FundedFixture();
        d = everything.Premium(due.Sum() + 7, Year / 12);
        Assert.Equal(due, d.Paid);
        Assert.Equal(7, d.ToReserve);

        static VaultFixture FundedFixture()
        {
            var f = new VaultFixture();
            f.Fund(Allocated(Units(1_000)));
            return f;
        }
    }

    [Fact]
    public void ZeroCapitalTiersAreDueNothingAndDoNotBlockTheTiersBelow()
    {
        var f = new VaultFixture();
        f.Fund(Units(250), 0, 0, 0, 0, Units(100));
        var d = f.Premium(Units(1_000), Year);
        Assert.Equal(0, d.Paid[1] + d.Paid[2] + d.Paid[3] + d.Paid[4]);
        Assert.InRange(d.Paid[0], Units(10) - 1, Units(10));
        Assert.InRange(d.Paid[5], Units(15) - 1, Units(15));

        var loss = f.Loss(Units(150));
        Assert.Equal(Units(100) + d.Paid[5], loss.Absorbed[5]);
        Assert.Equal(Units(150) - loss.Absorbed[5], loss.Absorbed[0]);
        Assert.Equal(0, loss.Absorbed[1] + loss.Absorbed[2] + loss.Absorbed[3] + loss.Absorbed[4]);
    }

    [Fact]
    public void DueAccruesOnlyForTheTimeSinceTheLastDistribution()
    {
        var f = new VaultFixture();
        f.Fund(Units(1_000), 0, 0, 0, 0, 0);
        var first = f.Premium(Units(100), Year / 2);
        var second = f.Premium(Units(100), 0);
        Assert.InRange(first.Paid[0], Units(20) - 1, Units(20));
        Assert.Equal(0, second.Paid.Sum());
        Assert.Equal(Units(100), second.ToReserve);
    }

    [Theory]
    [InlineData(1_000, new long[] { 0, 0, 0, 0, 0, 100 })]
    [InlineData(2_200, new long[] { 0, 0, 0, 0, 120, 100 })]
    [InlineData(3_700, new long[] { 0, 0, 0, 150, 120, 100 })]
    [InlineData(5_500, new long[] { 0, 0, 180, 150, 120, 100 })]
    [InlineData(7_500, new long[] { 0, 200, 180, 150, 120, 100 })]
    [InlineData(10_000, new long[] { 250, 200, 180, 150, 120, 100 })]
    [InlineData(1_500, new long[] { 0, 0, 0, 0, 50, 100 })]
    [InlineData(6_000, new long[] { 0, 50, 180, 150, 120, 100 })]
    public void LossesFollowTheSeedsRangesWhenCapitalIsInTheAllocation(int lossBps, long[] absorbedUnits)
    {
        var f = new VaultFixture();
        f.Fund(Allocated(Units(1_000)));
        var loss = f.Loss(Units(1_000) / 10_000 * lossBps);
        Assert.Equal(absorbedUnits.Select(a => Units(a)), loss.Absorbed);
        Assert.Equal(0, loss.Shortfall);
    }

    [Fact]
    public void ALossEqualToATranchesCapitalWipesItAndLeavesTheNextUntouched()
    {
        var f = new VaultFixture();
        f.Fund(Allocated(Units(1_000)));
        var loss = f.Loss(Units(100));
        Assert.Equal(0, f.Vault.CapitalOf(Tranche.SureEqt));
        Assert.Equal(Units(120), f.Vault.CapitalOf(Tranche.SureJnrPlus));
        Assert.Equal(Units(100), loss.Absorbed[5]);

        Assert.Equal(f.Vault.SupplyOf(Tranche.SureEqt), Units(100));
        Assert.Equal(PauseCause.SingleLossBreaker, loss.Tripped);
        f.Checked(v => v.Unpause(Admin));
        var wiped = Assert.Throws<TrancheWipedOutException>(() => f.Deposit(Tranche.SureEqt, Units(1)));
        Assert.Equal("TrancheWipedOut", wiped.Rule);
        Assert.Equal(0, f.Checked(v => v.Withdraw("lp", Tranche.SureEqt, Units(100), f.Now)));
        Assert.Equal(Units(1), f.Deposit(Tranche.SureEqt, Units(1)));
    }

    [Fact]
    public void LossesBeyondAllCapitalBecomeShortfall()
    {
        var f = new VaultFixture();
        f.Fund(Allocated(Units(1_000)));
        var loss = f.Loss(Units(1_250));
        Assert.Equal(Units(250), loss.Shortfall);
        Assert.Equal(Units(1_000), loss.Absorbed.Sum());
        Assert.Equal(0, f.Vault.TotalCapital);
        Assert.Equal(Units(250), f.Vault.Shortfall);
        var again = f.Loss(Units(5), Day);
        Assert.Equal(Units(5), again.Shortfall);
        Assert.Equal(Units(255), f.Vault.Shortfall);
        Assert.True(f.Vault.Paused);
    }

    [Fact]
    public void SingleLossBreakerTripsAboveTwentyPercentOfATranche()
    {
        var f = new VaultFixture();
        f.Fund(Allocated(Units(1_000)));
        Assert.Equal(PauseCause.None, f.Loss(Units(20)).Tripped);
        Assert.False(f.Vault.Paused);

        var g = new VaultFixture();
        g.Fund(Allocated(Units(1_000)));
        Assert.Equal(PauseCause.SingleLossBreaker, g.Loss(Units(20) + 1).Tripped);
        Assert.True(g.Vault.Paused);
        Assert.Throws<VaultPausedException>(() => g.Deposit(Tranche.SureEqt, Units(1)));
    }

    [Fact]
    public void WindowBreakerTripsAboveTenPercentOfCapitalWithinARolling24Hours()
    {
        var f = new VaultFixture();
        f.Fund(Units(1_000), 0, 0, 0, 0, 0);
        Assert.Equal(PauseCause.None, f.Loss(Units(60)).Tripped);
        Assert.Equal(PauseCause.None, f.Loss(Units(40), Day - 1).Tripped);
        Assert.Equal(Units(100), f.Vault.WindowLosses);
        Assert.Equal(PauseCause.WindowLossBreaker, f.Loss(1).Tripped);

        var g = new VaultFixture();
        g.Fund(Units(1_000), 0, 0, 0, 0, 0);
        g.Loss(Units(60));
        Assert.Equal(PauseCause.None, g.Loss(Units(50), Day).Tripped);
        Assert.Equal(Units(50), g.Vault.WindowLosses);
    }

    [Fact]
    public void UndercollateralizationPausesAndBlocksUnpauseUntilCoverageFits()
    {
        var f = new VaultFixture();
        f.Fund(Units(1_000), 0, 0, 0, 0, 0);
        f.Checked(v => v.SellCoverage(Factory, Units(950), f.Now));
        Assert.Equal(PauseCause.Undercollateralized, f.Loss(Units(60)).Tripped);
        Assert.Throws<VaultPausedException>(() => f.Vault.Withdraw("lp", Tranche.SureBtc, 1, f.Now + (365 * Day)));
        Assert.Throws<VaultPausedException>(() => f.Vault.SellCoverage(Factory, 1, f.Now));
        Assert.Throws<InsufficientCollateralException>(() => f.Vault.Unpause(Admin));

        f.Premium(Units(1), Day);
        f.Checked(v => v.ExpireCoverage(Factory, Units(20), f.Now));
        f.Checked(v => v.Unpause(Admin));
        Assert.False(f.Vault.Paused);
    }

    [Fact]
    public void EveryRoleIsEnforced()
    {
        var f = new VaultFixture();
        f.Fund(Allocated(Units(1_000)));
        Assert.Equal(WaterfallRole.ClaimsProcessor, Assert.Throws<UnauthorizedCallerException>(() => f.Vault.AbsorbLoss(Factory, 1, f.Now)).Required);
        Assert.Equal(WaterfallRole.PolicyFactory, Assert.Throws<UnauthorizedCallerException>(() => f.Vault.DistributePremiums("lp", 1, f.Now)).Required);
        Assert.Throws<UnauthorizedCallerException>(() => f.Vault.SellCoverage(Claims, 1, f.Now));
        Assert.Throws<UnauthorizedCallerException>(() => f.Vault.ExpireCoverage(Admin, 1, f.Now));
        Assert.Throws<UnauthorizedCallerException>(() => f.Vault.Pause(Factory));
        Assert.Throws<UnauthorizedCallerException>(() => f.Vault.Unpause(Claims));
        Assert.Equal("Unauthorized", Assert.Throws<UnauthorizedCallerException>(() => f.Vault.Pause("lp")).Rule);

        f.Checked(v => v.Pause(Admin));
        Assert.Equal(PauseCause.Admin, f.Vault.PauseCauses);
        Assert.Throws<VaultPausedException>(() => f.Deposit(Tranche.SureEqt, Units(1)));
        f.Premium(Units(1), Day);
        f.Loss(Units(1));
        f.Checked(v => v.Unpause(Admin));
        f.Deposit(Tranche.SureEqt, Units(1));
    }

    [Fact]
    public void ZeroAmountsAreRefused()
    {
        var f = new VaultFixture();
        Assert.Throws<InvalidAmountException>(() => f.Vault.AbsorbLoss(Claims, 0, f.Now));
        Assert.Throws<InvalidAmountException>(() => f.Vault.DistributePremiums(Factory, 0, f.Now));
        Assert.Throws<InvalidAmountException>(() => f.Vault.SellCoverage(Factory, 0, f.Now));
        Assert.Throws<InvalidAmountException>(() => f.Vault.ExpireCoverage(Factory, 1, f.Now));
    }

    [Fact]
    public void AConfigWhoseLossRangesDoNotTileIsRefused()
    {
        var seed = WaterfallConfig.Seed003();
        var gap = seed with { Tranches = seed.Tranches.Select(t => t.Tranche == Tranche.SureMezz ? t with { LossAttachBps = 3_800 } : t).ToArray() };
        Assert.Equal("tranches.loss_range", Assert.Throws<InputException>(gap.Validate).Key);
        Assert.False(WaterfallConfig.LossRangesTile(gap.Tranches));
    }

    /// <summary>The dues of one distribution, learnt from a premium large enough to pay them all.</summary>
    private static long[] DuesFor(long[] capital, long seconds)
    {
        var f = new VaultFixture();
        f.Fund(capital);
        var d = f.Premium(Units(1_000_000), seconds);
        return d.Paid.ToArray();
    }
}
