using System.Numerics;
using Backtest.Numerics;
using Backtest.Protocols.Ampleforth;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Liquidity;
using Backtest.Protocols.Ampleforth.Spot;
using Backtest.Protocols.Ampleforth.Tokens;
using Backtest.Protocols.Conformance.Ampleforth;

namespace Backtest.Protocols.Tests.Ampleforth.Liquidity;

public class AmplUsdcVaultTests
{
    private const long Day = 86_400;

    private static long A(string units) => Fixed.Parse(units);

    /// <summary>A v5 system at DR = 1 (perp 1000 AMPL of 25/75 seniors, vault 3000 AMPL), a SPOT-USDC pool at 1.2 USDC per SPOT and the AMPL-USDC vault.</summary>
    private static (SpotScenario S, AmplUsdcVault Vault, TokenLedger<long> Usdc) System()
    {
        var s = new SpotScenario(BondIssuerConfig.Mainnet(BondIssuerConfig.Ratios25x75), new PinnedFeePolicy(0) { ProtocolSharePerc = 0 });
        var bond = s.Perp.GetDepositBond();
        bond.Deposit(s.Deployer, A("4000"));
        s.Perp.Deposit(s.Deployer, bond.Senior, A("1000"));
        s.RequireVault.Deposit(s.Deployer, A("3000"));
        s.Perp.FeePolicy = new DeviationFeePolicy { ProtocolSharePerc = 0 };
        var usdc = new TokenLedger<long>(s.Chain, "USDC");
        usdc.Mint(s.Deployer, 10_000 * SpotUsdcPrice.UsdcUnit);
        usdc.Mint(s.OtherUser, 10_000 * SpotUsdcPrice.UsdcUnit);
        var pool = new ConcentratedPool(s.Chain, s.Perp.Token, usdc, 3000, SpotUsdcPrice.ToSqrtPriceX96(A("1.2")));
        return (s, new AmplUsdcVault(s.Chain, s.RequireVault, pool, AmplUsdcVaultConfig.Default), usdc);
    }

    [Fact]
    public void DeployMintsWhatPairsWithTheUsdcAndSplitsItAcrossTheSeedBands()
    {
        var (s, vault, usdc) = System();
        long notes = vault.Deposit(s.Deployer, A("600"), 100 * SpotUsdcPrice.UsdcUnit, Fixed.One, usdcPriceValid: true);
        Assert.Equal(A("700"), notes);

        vault.Deploy(Fixed.One);

        // (100 USDC) pairs with 400 AMPL at target 1 and system ratio 3 (the seed's 1 : 4); 200 stay idle.
        Assert.Equal(A("200"), s.Ampl.BalanceOf(vault.Account));
        var positions = vault.Pool.Positions.Where(p => p.Owner == vault.Account).ToList();
        Assert.Equal(3, positions.Count);
        var held = positions.Select(p => SqrtPriceMath.AmountsForLiquidity(vault.Pool.SqrtPriceX96, p.SqrtLower, p.SqrtUpper, p.Liquidity, false)).ToList();
        // Each band gets its share of the SPOT minted; the full range takes less where USDC binds, the rest stays idle.
        double minted = (double)(held.Aggregate(BigInteger.Zero, (sum, h) => sum + h.Amount0) + s.Perp.Token.BalanceOf(vault.Account));
        Assert.InRange((double)held[1].Amount0 / minted, 0.199, 0.2);
        Assert.InRange((double)held[2].Amount0 / minted, 0.599, 0.6);
        Assert.All(held, h => Assert.True(h.Amount1 > 0, "at 1.2 USDC per SPOT every band holds USDC too"));
        Assert.InRange(Fixed.ToDouble(vault.NetAssetValue(Fixed.One)), 699.9, 700.0);
    }

    [Fact]
    public void WithdrawalsPayAProRataBlendAndKeepTheNavPerNote()
    {
        var (s, vault, usdc) = System();
        vault.Deposit(s.Deployer, A("400"), 100 * SpotUsdcPrice.UsdcUnit, Fixed.One, true);
        vault.Deploy(Fixed.One);
        s.Ampl.Transfer(s.Treasury, s.OtherUser, A("100"));
        long theirs = vault.Deposit(s.OtherUser, A("100"), 0, Fixed.One, true);
        double navPerNote = (double)vault.NetAssetValue(Fixed.One) / vault.Notes.TotalSupply;
        long spotBefore = s.Perp.Token.BalanceOf(s.OtherUser);

        var (ampl, usd, spot) = vault.Redeem(s.OtherUser, theirs / 2);

        Assert.True(ampl > 0 && usd > 0 && spot > 0, "a blend of the vault's assets");
        Assert.Equal(spot, s.Perp.Token.BalanceOf(s.OtherUser) - spotBefore);
        double after = (double)vault.NetAssetValue(Fixed.One) / vault.Notes.TotalSupply;
        Assert.Equal(navPerNote, after, 6);
        Assert.Equal(AmplUsdcVaultException.InvalidRedemption, Assert.Throws<AmplUsdcVaultException>(() => vault.Redeem(s.OtherUser, theirs)).Rule);
    }

    [Fact]
    public void RebalanceFollowsTheSeedsRulesOnTheDeviationRatio()
    {
        var (s, vault, _) = System();
        vault.Deposit(s.Deployer, A("400"), 100 * SpotUsdcPrice.UsdcUnit, Fixed.One, true);
        vault.Deploy(Fixed.One);
        Assert.Equal(AmplUsdcRebalanceRule.Balanced, vault.Rebalance(Fixed.One));
        Assert.Equal(AmplUsdcVaultException.RebalanceTooSoon, Assert.Throws<AmplUsdcVaultException>(() => vault.Rebalance(Fixed.One)).Rule);

        // A −40% AMPL contraction lands on the juniors: the vault's TVL falls and DR drops below 0.95.
        s.RebaseByFraction(-0.4m);
        s.Chain.Advance(Day);
        Assert.True(s.RequireVault.DeviationRatio() < 95_000_000);
        BigInteger before = vault.Pool.Positions.Where(p => p.Owner == vault.Account).Aggregate(BigInteger.Zero, (sum, p) => sum + p.Liquidity);
        Assert.Equal(AmplUsdcRebalanceRule.UnderSubscribed, vault.Rebalance(Fixed.One));
        BigInteger after = vault.Pool.Positions.Where(p => p.Owner == vault.Account).Aggregate(BigInteger.Zero, (sum, p) => sum + p.Liquidity);
        Assert.InRange((double)after / (double)before, 0.899, 0.901);
        Assert.True(s.Perp.Token.BalanceOf(vault.Account) < A("1"), "the pulled SPOT is redeemed with redeem2");
    }

    [Fact]
    public void RefusalsAreTyped()
    {
        var (s, vault, _) = System();
        Assert.Equal(AmplUsdcVaultException.ZeroDeposit, Assert.Throws<AmplUsdcVaultException>(() => vault.Deposit(s.Deployer, 0, 0, Fixed.One, true)).Rule);
        Assert.Equal(AmplUsdcVaultException.UnreliablePrice, Assert.Throws<AmplUsdcVaultException>(() => vault.Deposit(s.Deployer, 0, 5, Fixed.One, false)).Rule);
        Assert.Equal(AmplUsdcVaultException.NothingToDeploy, Assert.Throws<AmplUsdcVaultException>(() => vault.Deploy(Fixed.One)).Rule);
        var v4 = new SpotScenario(BondIssuerConfig.Mainnet(BondIssuerConfig.Ratios25x75), new SubscriptionFeePolicy(), SpotVersion.V4);
        var pool = new ConcentratedPool(v4.Chain, v4.Perp.Token, new TokenLedger<long>(v4.Chain, "USDC"), 3000, SpotUsdcPrice.ToSqrtPriceX96(Fixed.One));
        Assert.Equal(AmplUsdcVaultException.UnsupportedInVersion, Assert.Throws<AmplUsdcVaultException>(() => new AmplUsdcVault(v4.Chain, v4.RequireVault, pool, AmplUsdcVaultConfig.Default)).Rule);
    }
}
