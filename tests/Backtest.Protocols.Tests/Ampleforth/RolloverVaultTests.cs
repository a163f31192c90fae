using Backtest.Numerics;
using Backtest.Protocols.Ampleforth;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Spot;
using Backtest.Protocols.Conformance.Ampleforth;

namespace Backtest.Protocols.Tests.Ampleforth;

public class RolloverVaultTests
{
    private const long One = SpotFeePolicy.One;
    private const long Day = 86_400;

    private static long A(decimal units) => Fixed.FromDecimal(units);

    /// <summary>
    /// The rebalance fixture of the contract tests: 4-day [200,800] bonds issued daily, the perp
    /// seeded with four 200-senior deposits (one matured into AMPL), the vault holding 2000 notes'
    /// worth deployed: 200 AMPL, 200 rolled-out senior, 1600 current juniors.
    /// </summary>
    /// <remarks>
    /// Seeding runs under a pinned zero fee, as the contract tests mock the policy: a real v5
    /// policy divides by the perp's TVL, so a user cannot mint into an empty perp. The given
    /// policy takes over afterwards.
    /// </remarks>
    private static (SpotScenario S, RolloverVault Vault, List<Tranche> Seniors, BondController Current) Deployed(DeviationFeePolicy? policy = null)
    {
        var s = new SpotScenario(new BondIssuerConfig(4 * Day, [200, 800], Day, 0), new PinnedFeePolicy(0) { ProtocolSharePerc = 0 });
        s.Perp.UpdateTolerableTrancheMaturity(Day, 4 * Day);
        var seniors = s.SeedPerpReserve(4, A(1000), A(200));
        if (policy is not null)
        {
            s.Perp.FeePolicy = policy;
        }

        var vault = s.RequireVault;
        vault.Deposit(s.Deployer, A(2000));
        var current = s.Perp.GetDepositBond();
        vault.Deploy();
        return (s, vault, seniors, current);
    }

    [Fact]
    public void DeployRollsSeniorsForAmplAndTranchesUpForRolloverThenMelds()
    {
        var (s, vault, seniors, current) = Deployed();
        Assert.Equal(A(200), s.Ampl.BalanceOf(vault.Account));
        Assert.Equal(A(200), seniors[1].BalanceOf(vault.Account));
        Assert.Equal(A(1600), current.Junior.BalanceOf(vault.Account));
        Assert.Equal(0, current.Senior.BalanceOf(vault.Account));
        Assert.Equal(A(2000), vault.GetTVL());
        Assert.Equal(A(800), s.Perp.GetTVL());
        Assert.Equal(A(400), current.Senior.BalanceOf(s.Perp.Account));
    }

    [Fact]
    public void DeployRevertsWithoutUsableAmplOrWithoutAnythingToRoll()
    {
        var (_, vault, _, _) = Deployed();
        vault.MinDeploymentAmt = A(500);
        var e = Assert.Throws<RolloverVaultException>(vault.Deploy);
        Assert.Equal(RolloverVaultException.InsufficientDeployment, e.Rule);

        vault.MinDeploymentAmt = 0;
        long before = vault.GetTVL();
        e = Assert.Throws<RolloverVaultException>(vault.Deploy);
        Assert.Equal(RolloverVaultException.InsufficientDeployment, e.Rule);
        Assert.Equal(before, vault.GetTVL());
        Assert.Equal(A(200), vault.Underlying.BalanceOf(vault.Account));
    }

    [Fact]
    public void RecoverRedeemsMaturedTranchesAndPairsEarly()
    {
        var (s, vault, seniors, current) = Deployed();
        s.Chain.AdvanceTo(seniors[1].Bond.MaturityDate + 1);
        vault.Recover();
        Assert.Equal(0, seniors[1].BalanceOf(vault.Account));
        Assert.Equal(A(400), s.Ampl.BalanceOf(vault.Account));
        Assert.DoesNotContain(seniors[1], vault.Deployed);

        s.Perp.Token.Transfer(s.Deployer, vault.Account, A(100));
        vault.RecoverPerps();
        Assert.Equal(0, s.Perp.Token.BalanceOf(vault.Account));
        Assert.True(AmpleforthInvariants.AmplConservation(s.Ampl).Holds);
        Assert.True(current.Junior.BalanceOf(vault.Account) < A(1600));
    }

    [Fact]
    public void NotesStartAtTheInitialRateAndTrackTheTvl()
    {
        var (s, vault, _, _) = Deployed();
        Assert.Equal((Int128)A(2000) * RolloverVault.InitialRate, vault.Notes.TotalSupply);
        s.Ampl.Transfer(s.Deployer, vault.Account, A(2000));
        Assert.Equal((Int128)A(100) * RolloverVault.InitialRate / 2, vault.Deposit(s.Deployer, A(100)));
    }

    [Fact]
    public void RedemptionPaysABasketWithDustTranchesZeroed()
    {
        var (s, vault, seniors, current) = Deployed();
        Int128 notes = (Int128)1_000_000_000_000;
        long amplBefore = s.Ampl.BalanceOf(s.Deployer);
        var basket = vault.Redeem(s.Deployer, notes);
        Assert.Equal(3, basket.Count);
        Assert.Equal(100_000, basket[0].Amount);
        Assert.All(basket.Skip(1), b => Assert.Equal(0, b.Amount));
        Assert.Equal(amplBefore + 100_000, s.Ampl.BalanceOf(s.Deployer));
        Assert.Equal(A(200), seniors[1].BalanceOf(vault.Account));
        Assert.Equal(A(1600), current.Junior.BalanceOf(vault.Account));
    }

    [Fact]
    public void AFeeOfOneHundredPercentOrMoreReverts()
    {
        var policy = new PinnedFeePolicy(0) { ProtocolSharePerc = 0 };
        var (s, vault, _, _) = Deployed(policy);
        policy.Fee = One + 1;
        var e = Assert.Throws<RolloverVaultException>(() => vault.Deposit(s.Deployer, A(10)));
        Assert.Equal(RolloverVaultException.FeeAtLeastOneHundredPercent, e.Rule);
        policy.Fee = One;
        Assert.Equal(0, vault.Deposit(s.Deployer, A(10)));
    }

    [Fact]
    public void SwappingAmplForPerpsTranchesAndKeepsTheJuniors()
    {
        var (s, vault, _, current) = Deployed();
        s.AdvancePerpQueue(Day);
        var fresh = s.Perp.GetDepositBond();
        Assert.NotSame(current, fresh);
        var short_ = Assert.Throws<AmplTokenException>(() => vault.SwapUnderlyingForPerps(s.Deployer, A(100)));
        Assert.Equal(AmplTokenException.TransferExceedsBalance, short_.Rule);

        vault.Deposit(s.Deployer, A(1000));
        long perpsBefore = s.Perp.Token.BalanceOf(s.Deployer);
        Assert.Equal(A(100), vault.SwapUnderlyingForPerps(s.Deployer, A(100)));
        Assert.Equal(perpsBefore + A(100), s.Perp.Token.BalanceOf(s.Deployer));
        Assert.Equal(A(400), fresh.Junior.BalanceOf(vault.Account));
        Assert.Equal(A(1200) + A(100) - A(500), s.Ampl.BalanceOf(vault.Account));
    }

    [Fact]
    public void ASwapThatWouldDrainTheReserveReverts()
    {
        var (s, vault, _, _) = Deployed();
        vault.ReservedUnderlyingBal = A(150);
        long perpsBefore = s.Perp.Token.BalanceOf(s.Deployer);
        var e = Assert.Throws<RolloverVaultException>(() => vault.SwapUnderlyingForPerps(s.Deployer, A(20)));
        Assert.Equal(RolloverVaultException.InsufficientLiquidity, e.Rule);
        Assert.Equal(perpsBefore, s.Perp.Token.BalanceOf(s.Deployer));
        Assert.Equal(A(200), s.Ampl.BalanceOf(vault.Account));
    }

    [Fact]
    public void SellingPerpsNeedsJuniorsToMeld()
    {
        var s = new SpotScenario(new BondIssuerConfig(4 * Day, [200, 800], Day, 0), new PinnedFeePolicy(0) { ProtocolSharePerc = 0 });
        s.Perp.UpdateTolerableTrancheMaturity(Day, 4 * Day);
        s.SeedPerpReserve(4, A(1000), A(200));
        var vault = s.RequireVault;
        vault.Deposit(s.Deployer, A(2000));
        long perpsBefore = s.Perp.Token.BalanceOf(s.Deployer);
        var e = Assert.Throws<RolloverVaultException>(() => vault.SwapPerpsForUnderlying(s.Deployer, A(100)));
        Assert.Equal(RolloverVaultException.InsufficientLiquidity, e.Rule);
        Assert.Equal(perpsBefore, s.Perp.Token.BalanceOf(s.Deployer));
        Assert.Equal(RolloverVaultException.UnacceptableSwap, Assert.Throws<RolloverVaultException>(() => vault.SwapPerpsForUnderlying(s.Deployer, 0)).Rule);
    }

    [Fact]
    public void Mint2SplitsInTheTargetRatioAndRedeem2BurnsBothInProportion()
    {
        var (s, vault, _, _) = Deployed(new PinnedFeePolicy(0) { ProtocolSharePerc = 0, TargetSystemRatio = 3 * One });
        s.AdvancePerpQueue(Day);
        var (perps, notes) = vault.Mint2(s.OtherUserFunded(A(400)), A(400));
        Assert.Equal(A(100), perps);
        Assert.Equal((Int128)A(300) * RolloverVault.InitialRate, notes);

        long perpSupply = s.Perp.TotalSupply;
        Int128 noteSupply = vault.Notes.TotalSupply;
        var outcome = vault.Redeem2(s.OtherUser, A(50), notes);
        Assert.Equal(A(50), outcome.PerpAmt);
        Assert.Equal(noteSupply * A(50) / perpSupply, outcome.NoteAmt);
        Assert.True(outcome.Returned[0].Amount > 0);
    }

    [Fact]
    public void RebalanceRunsAtMostOncePerIntervalAndPaysTheProtocolShare()
    {
        var policy = new DeviationFeePolicy { ProtocolSharePerc = One / 100 };
        var (s, vault, _, _) = Deployed(policy);
        s.Chain.Advance(Day + 1);
        long perpSupply = s.Perp.TotalSupply;
        Int128 notes = vault.Notes.TotalSupply;
        long perpTVL = s.Perp.GetTVL();
        Assert.True(vault.DeviationRatio() < policy.EquilibriumDR.Lower);
        vault.Rebalance();
        Assert.True(s.Perp.GetTVL() < perpTVL);
        Assert.Equal(notes / 99, vault.Notes.BalanceOf(vault.Owner));
        Assert.True(s.Perp.Token.BalanceOf(vault.Owner) >= perpSupply / 99);
        var e = Assert.Throws<RolloverVaultException>(vault.Rebalance);
        Assert.Equal(RolloverVaultException.LastRebalanceTooRecent, e.Rule);
        vault.PauseRebalance();
        s.Chain.Advance(10 * Day);
        Assert.Throws<RolloverVaultException>(vault.Rebalance);
    }

    [Fact]
    public void ThePausedVaultRefusesEverything()
    {
        var (s, vault, _, _) = Deployed();
        vault.Pause();
        Assert.Equal(RolloverVaultException.Paused, Assert.Throws<RolloverVaultException>(() => vault.Deposit(s.Deployer, A(1))).Rule);
        Assert.Equal(RolloverVaultException.Paused, Assert.Throws<RolloverVaultException>(vault.Deploy).Rule);
    }

    [Fact]
    public void TheV2VaultHasNoSwapsAndV1HasNoVault()
    {
        var s = new SpotScenario(new BondIssuerConfig(4_800, [200, 800], 1_200, 0), new BasicFeeStrategy(), SpotVersion.V2);
        var e = Assert.Throws<RolloverVaultException>(() => s.RequireVault.ComputeUnderlyingToPerpSwapAmt(A(1)));
        Assert.Equal(RolloverVaultException.UnsupportedInVersion, e.Rule);
        Assert.Equal(RolloverVaultException.UnsupportedInVersion, Assert.Throws<RolloverVaultException>(() => s.RequireVault.Mint2(s.Deployer, A(1))).Rule);

        var v1 = new SpotScenario(new BondIssuerConfig(4_800, [200, 800], 1_200, 0), new BasicFeeStrategy(), SpotVersion.V1);
        Assert.Throws<RolloverVaultException>(() => new RolloverVault(v1.Chain, v1.Perp));
    }

    [Fact]
    public void TheV2VaultDeploysAndRollsUnderTheOpenRollerRules()
    {
        var s = new SpotScenario(new BondIssuerConfig(4 * Day, [200, 800], Day, 0), new BasicFeeStrategy(), SpotVersion.V2);
        s.Perp.UpdateTolerableTrancheMaturity(Day, 4 * Day);
        s.SeedPerpReserve(4, A(1000), A(200));
        var vault = s.RequireVault;
        Assert.Equal((Int128)A(2000) * RolloverVault.InitialRate, vault.Deposit(s.Deployer, A(2000)));
        vault.Deploy();
        Assert.Equal(A(2000), vault.GetTVL());
        Assert.Equal(RolloverVaultException.UnacceptableDeposit, Assert.Throws<RolloverVaultException>(() => vault.Deposit(s.Deployer, 0)).Rule);
    }

    [Fact]
    public void TheV3VaultChargesSwapFeesAndBurnsThePerpShare()
    {
        var policy = new SubscriptionFeePolicy();
        var s = new SpotScenario(new BondIssuerConfig(4 * Day, [200, 800], Day, 0), policy, SpotVersion.V3);
        s.Perp.UpdateTolerableTrancheMaturity(Day, 4 * Day);
        s.SeedPerpReserve(4, A(1000), A(200));
        var vault = s.RequireVault;
        vault.Deposit(s.Deployer, A(2000));
        vault.Deploy();

        // Swap fees start at 100%: nothing comes out, so the swap is refused.
        Assert.Equal(0, vault.ComputeUnderlyingToPerpSwapAmt(A(100)).PerpAmtOut);
        Assert.Equal(RolloverVaultException.UnacceptableSwap, Assert.Throws<RolloverVaultException>(() => vault.SwapUnderlyingForPerps(s.Deployer, A(100))).Rule);

        policy.VaultUnderlyingToPerpSwapFeePerc = One / 100;
        policy.PerpMintFeePercFlat = One / 100;
        Assert.True(vault.DeviationRatio() < policy.DeviationRatioBoundLower);
        Assert.Equal(One + (One / 100), policy.UnderlyingToPerpSwapFeePercs(vault.DeviationRatio()).Perp + policy.UnderlyingToPerpSwapFeePercs(vault.DeviationRatio()).Vault);

        policy.DeviationRatioBoundLower = 0;
        vault.Deposit(s.Deployer, A(1000));
        long perpTVL = s.Perp.GetTVL();
        long supply = s.Perp.TotalSupply;
        long gross = Fixed.MulDiv(A(100), supply, perpTVL, Rounding.Floor);
        var (perpOut, toBurn, _) = vault.ComputeUnderlyingToPerpSwapAmt(A(100));
        Assert.Equal(Fixed.MulDiv(gross, One - (2 * One / 100), One, Rounding.Floor), perpOut);
        Assert.Equal(Fixed.MulDiv(gross, One / 100, One, Rounding.Ceiling), toBurn);
        Assert.Equal(perpOut, vault.SwapUnderlyingForPerps(s.Deployer, A(100)));
        Assert.Equal(supply + perpOut, s.Perp.TotalSupply);
    }
}
