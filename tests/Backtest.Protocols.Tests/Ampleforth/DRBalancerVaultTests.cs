using Backtest.Numerics;
using Backtest.Protocols.Ampleforth;
using Backtest.Protocols.Ampleforth.Balancers;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Spot;
using Backtest.Protocols.Conformance.Ampleforth;

namespace Backtest.Protocols.Tests.Ampleforth;

public class DRBalancerVaultTests
{
    private const long One = SpotFeePolicy.One;
    private const long Day = 86_400;

    private static long A(decimal units) => Fixed.FromDecimal(units);

    [Theory]
    [InlineData(0.96, 0, false)]
    [InlineData(1.05, 0, false)]
    [InlineData(0.5, 1666.666666666, false)]
    [InlineData(1.3, 1000, true)]
    public void TheDecisionFollowsTheDeviationFromTarget(double dr, double amount, bool intoPerp)
    {
        var decision = DRBalancerVault.ComputeRebalanceAmount(new DRBalancerConfig(), (long)(dr * One), A(10_000), A(10_000), A(10_000), A(10_000));
        Assert.Equal(Fixed.FromDouble(amount), decision.UnderlyingAmt);
        Assert.Equal(intoPerp, decision.IsUnderlyingIntoPerp);
    }

    [Fact]
    public void TheAmountIsCappedByLiquidityAndSkippedBelowTheMinimum()
    {
        var config = new DRBalancerConfig { LagFactorPerpToUnderlying = 1 };
        Assert.Equal(A(2000), DRBalancerVault.ComputeRebalanceAmount(config, One / 2, A(10_000), A(10_000), A(2000), 0).UnderlyingAmt);
        var strict = new DRBalancerConfig { MinRebalanceVal = A(700) };
        Assert.Equal(0, DRBalancerVault.ComputeRebalanceAmount(strict, One * 8 / 10, A(10_000), A(10_000), A(10_000), A(10_000)).UnderlyingAmt);
    }

    [Fact]
    public void DepositsFollowTheHoldingsAndRedemptionsArePaidProRata()
    {
        var s = new SpotScenario(new BondIssuerConfig(4 * Day, [250, 750], Day, 0), new PinnedFeePolicy(0) { ProtocolSharePerc = 0 });
        s.Perp.UpdateTolerableTrancheMaturity(Day, 4 * Day);
        s.SeedPerpReserve(4, A(1000), A(250));
        var balancer = new DRBalancerVault(s.Chain, s.RequireVault);

        Int128 first = balancer.Deposit(s.Deployer, A(1000), A(500));
        Assert.Equal(DRBalancerVault.NoteOne * 1500, first);
        Int128 second = balancer.Deposit(s.Deployer, A(100), A(100));
        Assert.Equal(first / 10, second);
        Assert.Equal(A(1100), s.Ampl.BalanceOf(balancer.Account));
        Assert.Equal(A(550), s.Perp.Token.BalanceOf(balancer.Account));

        var (ampl, perps) = balancer.Redeem(s.Deployer, second);
        Assert.Equal(A(100), ampl);
        Assert.Equal(A(50), perps);
    }

    [Fact]
    public void ARebalanceSellsPerpsThroughTheVaultWhenTheSystemIsUnderSubscribed()
    {
        var s = new SpotScenario(new BondIssuerConfig(4 * Day, [200, 800], Day, 0), new PinnedFeePolicy(0) { ProtocolSharePerc = 0 });
        s.Perp.UpdateTolerableTrancheMaturity(Day, 4 * Day);
        s.SeedPerpReserve(4, A(1000), A(200));
        var vault = s.RequireVault;
        vault.Deposit(s.Deployer, A(2000));
        vault.Deploy();
        s.Perp.FeePolicy = new DeviationFeePolicy { ProtocolSharePerc = 0 };
        var balancer = new DRBalancerVault(s.Chain, vault);
        balancer.Deposit(s.Deployer, A(10), A(100));
        s.Chain.Advance(Day);

        Int128 drBefore = vault.DeviationRatio();
        Assert.True(drBefore < One);
        var decision = balancer.Rebalance();
        Assert.False(decision.IsUnderlyingIntoPerp);
        Assert.True(decision.UnderlyingAmt > 0);
        Assert.True(vault.DeviationRatio() > drBefore);
        Assert.Equal(BalancerException.LastRebalanceTooRecent, Assert.Throws<BalancerException>(() => balancer.Rebalance()).Rule);
    }
}
