using Backtest.Numerics;
using Backtest.Protocols.Ampleforth;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Spot;
using Backtest.Protocols.Conformance.Ampleforth;

namespace Backtest.Protocols.Tests.Ampleforth;

public class PerpetualTrancheTests
{
    private const long One = SpotFeePolicy.One;

    private static long A(decimal units) => Fixed.FromDecimal(units);

    private static BondIssuerConfig Config(int[]? ratios = null) => new(4_800, ratios ?? [200, 800], 1_200, 0);

    /// <summary>A v5 system with a pinned fee, the perp's tolerance opened up and the first deposit bond live.</summary>
    private static (SpotScenario S, PinnedFeePolicy Policy, BondController Bond) Fresh(int[]? ratios = null)
    {
        var policy = new PinnedFeePolicy(0) { ProtocolSharePerc = 0 };
        var s = new SpotScenario(Config(ratios), policy);
        s.Perp.UpdateTolerableTrancheMaturity(1_200, 4_800);
        var bond = s.Perp.GetDepositBond();
        s.DepositIntoBond(bond, A(1000), s.Deployer);
        return (s, policy, bond);
    }

    [Fact]
    public void OnlyTheDepositSeniorMints()
    {
        var (s, _, bond) = Fresh();
        var e = Assert.Throws<PerpException>(() => s.Perp.Deposit(s.Deployer, bond.Junior, A(100)));
        Assert.Equal(PerpException.UnexpectedAsset, e.Rule);
        Assert.Equal(A(100), s.Perp.Deposit(s.Deployer, bond.Senior, A(100)));
    }

    [Fact]
    public void AMintFeeIsMintedToThePerpAndClaimedByTheVault()
    {
        var (s, policy, bond) = Fresh();
        policy.Fee = One / 100;
        Assert.Equal(A(99), s.Perp.Deposit(s.Deployer, bond.Senior, A(100)));
        Assert.Equal(A(1), s.Perp.Token.BalanceOf(s.Perp.Account));
        Assert.Equal(PerpException.UnauthorizedCall, Assert.Throws<PerpException>(() => s.Perp.ClaimFees(s.Deployer, s.Deployer)).Rule);
        s.Perp.ClaimFees(s.RequireVault.Account, s.RequireVault.Account);
        Assert.Equal(A(1), s.Perp.Token.BalanceOf(s.RequireVault.Account));
        Assert.Equal(0, s.Perp.Token.BalanceOf(s.Perp.Account));
    }

    [Fact]
    public void TheVaultMintsWithoutFee()
    {
        var (s, policy, bond) = Fresh();
        policy.Fee = One / 10;
        int vault = s.RequireVault.Account;
        bond.Senior.Token.Transfer(s.Deployer, vault, A(100));
        Assert.Equal(A(100), s.Perp.Deposit(vault, bond.Senior, A(100)));
    }

    [Fact]
    public void ARevertedMintLeavesNoTrace()
    {
        var (s, _, bond) = Fresh();
        s.Perp.Deposit(s.Deployer, bond.Senior, A(100));
        s.Perp.MaxSupply = A(150);
        var e = Assert.Throws<PerpException>(() => s.Perp.Deposit(s.Deployer, bond.Senior, A(100)));
        Assert.Equal(PerpException.ExceededMaxSupply, e.Rule);
        Assert.Equal(A(100), s.Perp.TotalSupply);
        Assert.Equal(A(100), bond.Senior.BalanceOf(s.Perp.Account));
        Assert.Equal(A(100), bond.Senior.BalanceOf(s.Deployer));
    }

    [Fact]
    public void TheV5DepositShareCapRefusesConcentration()
    {
        var (s, _, bond) = Fresh();
        s.Perp.Deposit(s.Deployer, bond.Senior, A(100));
        s.AdvancePerpQueue(1_200);
        var next = s.Perp.GetDepositBond();
        s.DepositIntoBond(next, A(1000), s.Deployer);
        s.Perp.UpdateMaxDepositTrancheValuePerc(One / 2);
        var e = Assert.Throws<PerpException>(() => s.Perp.Deposit(s.Deployer, next.Senior, A(150)));
        Assert.Equal(PerpException.ExceededMaxMintPerTranche, e.Rule);
        s.Perp.Deposit(s.Deployer, next.Senior, A(100));
        Assert.Throws<PerpException>(() => s.Perp.UpdateMaxDepositTrancheValuePerc(One + 1));
    }

    [Fact]
    public void TheReserveHoldsAtMostTwentyTranches()
    {
        var policy = new PinnedFeePolicy(0) { ProtocolSharePerc = 0 };
        var s = new SpotScenario(new BondIssuerConfig(100 * 1_200, [200, 800], 1_200, 0), policy);
        s.Perp.UpdateTolerableTrancheMaturity(1, 200 * 1_200);
        for (int i = 0; i < 20; i++)
        {
            var bond = s.Perp.GetDepositBond();
            s.DepositIntoBond(bond, A(100), s.Deployer);
            s.Perp.Deposit(s.Deployer, bond.Senior, A(10));
            s.AdvancePerpQueue(1_200);
        }

        Assert.Equal(PerpetualTranche.MaxReserveCount, s.Perp.ReserveCount);
        var last = s.Perp.GetDepositBond();
        s.DepositIntoBond(last, A(100), s.Deployer);
        var e = Assert.Throws<PerpException>(() => s.Perp.Deposit(s.Deployer, last.Senior, A(10)));
        Assert.Equal(PerpException.ReserveCountOverLimit, e.Rule);
        Assert.Equal(PerpetualTranche.MaxReserveCount, s.Perp.ReserveCount);
    }

    [Fact]
    public void RedemptionPaysABasketAndTheV5FeeStaysInThePerp()
    {
        var (s, policy, bond) = Fresh();
        s.Perp.Deposit(s.Deployer, bond.Senior, A(200));
        s.Ampl.Transfer(s.Deployer, s.Perp.Account, A(100));
        policy.Fee = One / 10;
        long amplBefore = s.Ampl.BalanceOf(s.Deployer);
        var basket = s.Perp.Redeem(s.Deployer, A(100));
        Assert.Equal(2, basket.Count);
        Assert.Equal(A(45), basket[0].Amount);
        Assert.Equal(A(90), basket[1].Amount);
        Assert.Equal(amplBefore + A(45), s.Ampl.BalanceOf(s.Deployer));
        Assert.Equal(A(10), s.Perp.Token.BalanceOf(s.Perp.Account));
        Assert.Equal(A(110), s.Perp.TotalSupply);
    }

    [Fact]
    public void RedeemingMoreThanTheSupplyReverts()
    {
        var (s, _, bond) = Fresh();
        s.Perp.Deposit(s.Deployer, bond.Senior, A(10));
        Assert.Equal(PerpException.UnacceptableRedemption, Assert.Throws<PerpException>(() => s.Perp.Redeem(s.Deployer, A(11))).Rule);
        Assert.Empty(s.Perp.Redeem(s.Deployer, 0));
    }

    [Fact]
    public void MaturedReserveTranchesTurnIntoAmplOnTheNextCall()
    {
        var (s, _, bond) = Fresh();
        s.Perp.Deposit(s.Deployer, bond.Senior, A(200));
        s.Chain.AdvanceTo(bond.MaturityDate + 1);
        Assert.Equal(A(200), s.Perp.GetTVL());
        Assert.Equal(A(200), s.Ampl.BalanceOf(s.Perp.Account));
        Assert.Equal(1, s.Perp.ReserveCount);
        Assert.True(bond.IsMature);
    }

    [Fact]
    public void AnImpairedSeniorIsValuedAtTheBondsClaim()
    {
        var (s, _, bond) = Fresh();
        s.Perp.Deposit(s.Deployer, bond.Senior, A(200));
        s.RebaseByFraction(-0.9m);
        Assert.Equal(A(100), s.Perp.GetTVL());
        Assert.False(AmpleforthInvariants.SeniorAtPar(s.Perp, bond).Holds && bond.CollateralBalance >= bond.Senior.TotalSupply);
        Assert.True(AmpleforthInvariants.SeniorAtPar(s.Perp, bond).Holds);
    }

    [Fact]
    public void OnlyTheVaultRollsOverFromV3AndOnlyWhatIsUpForRollover()
    {
        var (s, _, bond) = Fresh();
        s.Perp.Deposit(s.Deployer, bond.Senior, A(200));
        s.AdvancePerpQueue(1_200);
        var next = s.Perp.GetDepositBond();
        int vault = s.RequireVault.Account;
        s.Ampl.Transfer(s.Deployer, vault, A(1000));
        next.Deposit(vault, A(1000));

        var notVault = Assert.Throws<PerpException>(() => s.Perp.Rollover(s.Deployer, next.Senior, new ReserveToken(bond.Senior), A(200)));
        Assert.Equal(PerpException.UnauthorizedCall, notVault.Rule);
        var early = Assert.Throws<PerpException>(() => s.Perp.Rollover(vault, next.Senior, new ReserveToken(bond.Senior), A(200)));
        Assert.Equal(PerpException.UnacceptableRollover, early.Rule);

        // One second into a new issue window: the new bond has 4,799 s left (under the 4,800 s horizon), the first 1,199 s.
        s.Chain.AdvanceTo(bond.MaturityDate - 1_199);
        var current = s.Perp.GetDepositBond();
        Assert.NotSame(next, current);
        s.Ampl.Transfer(s.Deployer, vault, A(1000));
        current.Deposit(vault, A(1000));
        Assert.Equal(PerpException.UnacceptableRollover, Assert.Throws<PerpException>(() => s.Perp.Rollover(vault, next.Senior, new ReserveToken(bond.Senior), A(150))).Rule);
        var r = s.Perp.Rollover(vault, current.Senior, new ReserveToken(bond.Senior), A(150));
        Assert.Equal(new RolloverAmounts(A(150), A(150)), r);
        Assert.Equal(A(50), bond.Senior.BalanceOf(s.Perp.Account));
        Assert.Equal(A(150), bond.Senior.BalanceOf(vault));
    }

    [Fact]
    public void RolloverTakesAllOfTheTokenOutWhenTheSeniorsCoverIt()
    {
        var (s, _, bond) = Fresh();
        s.Perp.Deposit(s.Deployer, bond.Senior, A(200));
        s.AdvancePerpQueueToBondMaturity(bond);
        var current = s.Perp.GetDepositBond();
        int vault = s.RequireVault.Account;
        s.Ampl.Transfer(s.Deployer, vault, A(2000));
        current.Deposit(vault, A(2000));
        var r = s.Perp.Rollover(vault, current.Senior, ReserveToken.Underlying, A(400));
        Assert.Equal(new RolloverAmounts(A(200), A(200)), r);
        Assert.Equal(0, s.Ampl.BalanceOf(s.Perp.Account));
        Assert.Equal(A(200), s.Perp.GetTVL());
    }

    [Fact]
    public void DebasementMintsPerpsToTheVaultAndTheProtocolShareDilutes()
    {
        var (s, _, bond) = Fresh();
        s.DepositIntoBond(bond, A(3000), s.Deployer);
        s.Perp.Deposit(s.Deployer, bond.Senior, A(800));
        int vault = s.RequireVault.Account;
        Assert.Equal(10_126_582_279, s.Perp.RebalanceToVault(vault, A(10)));
        Assert.Equal(10_126_582_279, s.Perp.Token.BalanceOf(vault));
        long supply = s.Perp.TotalSupply;
        s.Perp.PayProtocolFee(vault, s.OtherUser, One / 100);
        Assert.Equal(supply / 99, s.Perp.Token.BalanceOf(s.OtherUser));
        Assert.Equal(PerpException.UnauthorizedCall, Assert.Throws<PerpException>(() => s.Perp.RebalanceToVault(s.Deployer, A(1))).Rule);
        Assert.Equal(PerpException.ArithmeticUnderflow, Assert.Throws<PerpException>(() => s.Perp.RebalanceToVault(vault, A(10_000))).Rule);
    }

    [Fact]
    public void APausedPerpRefusesAndSkipsItsStateUpdate()
    {
        var (s, _, bond) = Fresh();
        s.Perp.Pause();
        Assert.Equal(PerpException.Paused, Assert.Throws<PerpException>(() => s.Perp.Deposit(s.Deployer, bond.Senior, A(1))).Rule);
        s.Chain.AdvanceTo(bond.MaturityDate + 10);
        s.Perp.UpdateState();
        Assert.Same(bond, s.Perp.DepositBond);
        s.Perp.Unpause();
        s.Perp.UpdateState();
        Assert.NotSame(bond, s.Perp.DepositBond);
    }

    [Fact]
    public void TheToleranceMustBeOrdered() =>
        Assert.Equal(PerpException.UnacceptableParams, Assert.Throws<PerpException>(() => Fresh().S.Perp.UpdateTolerableTrancheMaturity(10, 5)).Rule);

    [Fact]
    public void V5HooksDoNotExistBeforeV5()
    {
        var s = new SpotScenario(Config(), new SubscriptionFeePolicy(), SpotVersion.V3);
        Assert.Equal(PerpException.UnsupportedInVersion, Assert.Throws<PerpException>(() => s.Perp.ClaimFees(s.RequireVault.Account, s.Deployer)).Rule);
        Assert.Throws<ArgumentException>(() => s.Perp.FeePolicy = new DeviationFeePolicy());
    }

    [Fact]
    public void V3MintFeesMintFewerPerpsAndAPerTrancheCapApplies()
    {
        var policy = new SubscriptionFeePolicy { PerpMintFeePercFlat = One / 100 };
        var s = new SpotScenario(Config(), policy, SpotVersion.V3);
        var bond = s.Perp.GetDepositBond();
        s.DepositIntoBond(bond, A(1000), s.Deployer);
        Assert.Equal(A(99), s.Perp.Deposit(s.Deployer, bond.Senior, A(100)));
        Assert.Equal(0, s.Perp.Token.BalanceOf(s.Perp.Account));
        s.Perp.MaxMintAmtPerTranche = A(150);
        Assert.Equal(PerpException.ExceededMaxMintPerTranche, Assert.Throws<PerpException>(() => s.Perp.Deposit(s.Deployer, bond.Senior, A(60))).Rule);

        var v4 = new SpotScenario(Config(), new SubscriptionFeePolicy(), SpotVersion.V4);
        var bond4 = v4.Perp.GetDepositBond();
        v4.DepositIntoBond(bond4, A(1000), v4.Deployer);
        v4.Perp.MaxMintAmtPerTranche = A(150);
        v4.Perp.Deposit(v4.Deployer, bond4.Senior, A(200));
    }

    [Fact]
    public void TheV3RolloverFeeEnrichesThePerpWhenOverSubscribed()
    {
        var policy = new SubscriptionFeePolicy();
        var s = new SpotScenario(Config(), policy, SpotVersion.V3);
        s.Perp.UpdateTolerableTrancheMaturity(1_200, 4_800);
        var bond = s.Perp.GetDepositBond();
        s.DepositIntoBond(bond, A(1000), s.Deployer);
        s.Perp.Deposit(s.Deployer, bond.Senior, A(200));
        s.AdvancePerpQueueToBondMaturity(bond);
        var current = s.Perp.GetDepositBond();
        int vault = s.RequireVault.Account;
        s.Ampl.Transfer(s.Deployer, vault, A(5000));
        current.Deposit(vault, A(2000));
        Assert.True(s.RequireVault.DeviationRatio() > One);
        var r = s.Perp.Rollover(vault, current.Senior, ReserveToken.Underlying, A(400));
        Assert.Equal(A(200), r.TokenOutAmt);
        Assert.True(r.TrancheInAmt > A(200));
    }

    [Fact]
    public void V1LetsAnyoneRollOverAndSettlesFlatFeesInPerps()
    {
        var policy = new BasicFeeStrategy { MintFeePerc = One / 100, RolloverFeePerc = -One / 100 };
        var s = new SpotScenario(Config(), policy, SpotVersion.V1);
        Assert.Null(s.Vault);
        s.Perp.UpdateTolerableTrancheMaturity(1_200, 4_800);
        var bond = s.Perp.GetDepositBond();
        s.DepositIntoBond(bond, A(1000), s.Deployer);
        Assert.Equal(A(200), s.Perp.Deposit(s.Deployer, bond.Senior, A(200)));
        Assert.Equal(A(198), s.Perp.Token.BalanceOf(s.Deployer));
        Assert.Equal(A(2), s.Perp.Token.BalanceOf(s.Perp.Account));

        s.AdvancePerpQueueToBondMaturity(bond);
        var current = s.Perp.GetDepositBond();
        s.DepositIntoBond(current, A(1000), s.OtherUserFunded(A(1000)));
        var r = s.Perp.Rollover(s.OtherUser, current.Senior, ReserveToken.Underlying, A(200));
        Assert.Equal(new RolloverAmounts(A(200), A(200)), r);
        Assert.Equal(A(2), s.Perp.Token.BalanceOf(s.OtherUser));

        s.Perp.AuthorizedRollers.Add(s.Deployer);
        Assert.Equal(PerpException.UnauthorizedCall, Assert.Throws<PerpException>(() => s.Perp.Rollover(s.OtherUser, current.Senior, ReserveToken.Underlying, A(1))).Rule);
    }
}
