using Backtest.Protocols.Ampleforth;
using Backtest.Protocols.Ampleforth.Spot;

namespace Backtest.Protocols.Tests.Ampleforth;

public class FeePolicyTests
{
    private const long One = SpotFeePolicy.One;

    private static long P(decimal value) => (long)(value * One);

    [Fact]
    public void TheV5DefaultsAreTheContractInit()
    {
        var p = new DeviationFeePolicy();
        Assert.Equal(3 * One, p.TargetSystemRatio);
        Assert.Equal(new FeeLine(P(0.66m), P(0.25m), P(0.95m), 0), p.FeeFnDRDown);
        Assert.Equal(new FeeLine(P(1.05m), 0, P(1.5m), P(0.25m)), p.FeeFnDRUp);
        Assert.Equal(new PercRange(P(0.95m), P(1.05m)), p.EquilibriumDR);
        Assert.Equal(30, p.PerpDebasementLag);
        Assert.Equal(new PercRange(P(0.005m), P(0.025m)), p.PerpEnrichmentPercLimits);
        Assert.Equal(86_400, p.RebalanceFreqSec);
        Assert.Equal(P(0.01m), p.ProtocolSharePerc);
    }

    [Fact]
    public void OperationsInsideTheFlatZonePayNothing()
    {
        var p = new DeviationFeePolicy();
        Assert.Equal(0, p.ComputeFeePerc(P(1.0m), P(0.96m)));
        Assert.Equal(0, p.ComputeFeePerc(P(0.8m), P(0.9m)));
        Assert.Equal(0, p.ComputeFeePerc(P(1.2m), P(1.1m)));
    }

    [Fact]
    public void TheCurvesAreExtrapolatedNotClamped()
    {
        var p = new DeviationFeePolicy();
        Assert.True(p.ComputeFeePerc(P(0.5m), P(0.4m)) > P(0.25m));
        Assert.True(p.ComputeFeePerc(P(1.6m), P(1.7m)) > P(0.25m));
        Assert.True(p.ComputeFeePerc(P(3.0m), P(3.1m)) >= One);
    }

    [Fact]
    public void AFeeIsTheAverageOverTheIntervalNotThePointValue()
    {
        var p = new DeviationFeePolicy();
        // Down line from (0.66, 25%) to (0.95, 0): its value at 0.805 is 12.5%.
        Assert.Equal(P(0.125m), p.ComputeFeePerc(P(0.95m), P(0.66m)));
    }

    [Fact]
    public void UpdateFeesValidatesTheLines()
    {
        var p = new DeviationFeePolicy();
        var down = p.FeeFnDRDown;
        var up = p.FeeFnDRUp;
        Assert.Equal(FeePolicyException.InvalidFees, Assert.Throws<FeePolicyException>(() => p.UpdateFees(down with { Y2 = P(0.3m) }, up)).Rule);
        Assert.Equal(FeePolicyException.InvalidFees, Assert.Throws<FeePolicyException>(() => p.UpdateFees(down with { X2 = P(1.01m) }, up)).Rule);
        Assert.Equal(FeePolicyException.InvalidFees, Assert.Throws<FeePolicyException>(() => p.UpdateFees(down, up with { X1 = P(0.99m) })).Rule);
        Assert.Equal(FeePolicyException.InvalidPerc, Assert.Throws<FeePolicyException>(() => p.UpdateFees(down, up with { Y2 = P(1.01m) })).Rule);
        Assert.Equal(FeePolicyException.InvalidRange, Assert.Throws<FeePolicyException>(() => LineMath.PiecewiseAverageY(down, up, 2, 1, 1)).Rule);
    }

    [Fact]
    public void TheDeviationRatioOfAnEmptyPerpIsADivisionByZeroRevert() =>
        Assert.Equal(FeePolicyException.DivisionByZero, Assert.Throws<FeePolicyException>(() => new DeviationFeePolicy().ComputeDeviationRatio(0, 100)).Rule);

    [Fact]
    public void RebalanceDebasesWithinLimitsAndNeverPastEquilibrium()
    {
        var p = new DeviationFeePolicy();
        // DR 0.5: the gap to (1000 + 1500)/4 is 375; a 30th of it, 12.5, rounds down to 12.
        Assert.Equal(-12, (long)p.ComputeRebalanceAmount(1000, 1500));
        p.PerpDebasementLag = 10;
        // A 10th would be 37.5: clipped to 2.5% of perp TVL.
        Assert.Equal(-25, (long)p.ComputeRebalanceAmount(1000, 1500));
        p.PerpDebasementLag = 30;
        // DR 0.94: requirement (1000+2820)/4 − 1000 = −45, /30 = −1.5 → floor at 0.5% = 5.
        Assert.Equal(-5, (long)p.ComputeRebalanceAmount(1000, 2820));
        // A tiny gap: the 0.5% floor would overshoot, so only the gap moves.
        p.EquilibriumDR = new PercRange(P(0.999m), P(1.001m));
        Assert.Equal(-1, (long)p.ComputeRebalanceAmount(1000, 2996));
        Assert.Equal(0, (long)p.ComputeRebalanceAmount(1000, 3000));
    }

    [Fact]
    public void RebalanceEnrichesWhenTheVaultIsOverSubscribed()
    {
        var p = new DeviationFeePolicy();
        Assert.Equal(25, (long)p.ComputeRebalanceAmount(1000, 9000));
        Assert.Equal(0, (long)p.ComputeRebalanceAmount(1000, 3100));
    }

    [Theory]
    [InlineData(0.5, -199)]
    [InlineData(0.75, -130)]
    [InlineData(1.0, 0)]
    [InlineData(1.1, 72)]
    [InlineData(1.33, 264)]
    [InlineData(2.0, 681)]
    public void TheV3RolloverFeeIsTheSpecSigmoid(double dr, long expectedHundredthsOfBps)
    {
        var p = new SubscriptionFeePolicy();
        long fee = p.PerpRolloverFeePerc((long)(dr * One));
        // The spec quotes the fee to 0.001%: 10⁻⁵ is 1,000 units at 8 decimals.
        Assert.InRange(fee, (expectedHundredthsOfBps * 1_000) - 1_000, (expectedHundredthsOfBps * 1_000) + 1_000);
    }

    [Fact]
    public void TheV3DeviationRatioIsTheSubscriptionRatioOverTheTarget()
    {
        var p = new SubscriptionFeePolicy { TargetSubscriptionRatio = One };
        // 25/75 bonds: 3 AMPL of juniors per AMPL of seniors is balanced.
        Assert.Equal(One, p.ComputeDeviationRatio(1000, 3000, 250));
        Assert.Equal(One / 2, p.ComputeDeviationRatio(1000, 1500, 250));
    }

    [Fact]
    public void V3FeesApplyOnlyOnTheSideThatMovesAwayFromBalance()
    {
        var p = new SubscriptionFeePolicy { PerpMintFeePercFlat = P(0.01m), PerpBurnFeePercFlat = P(0.02m), VaultMintFeePercFlat = P(0.03m), VaultBurnFeePercFlat = P(0.04m) };
        Assert.Equal(P(0.01m), p.PerpMintFeePerc(One));
        Assert.Equal(0, p.PerpMintFeePerc(One + 1));
        Assert.Equal(P(0.02m), p.PerpBurnFeePerc(One + 1));
        Assert.Equal(0, p.PerpBurnFeePerc(One));
        Assert.Equal(P(0.03m), p.VaultMintFeePerc(One + 1));
        Assert.Equal(P(0.04m), p.VaultBurnFeePerc());
    }

    [Fact]
    public void V3SwapsAreKilledBeyondTheirBounds()
    {
        var p = new SubscriptionFeePolicy { VaultUnderlyingToPerpSwapFeePerc = P(0.001m), VaultPerpToUnderlyingSwapFeePerc = P(0.002m) };
        Assert.Equal(P(0.001m), p.UnderlyingToPerpSwapFeePercs(P(0.8m)).Vault);
        Assert.Equal(One, p.UnderlyingToPerpSwapFeePercs(P(0.74m)).Vault);
        Assert.Equal(P(0.002m), p.PerpToUnderlyingSwapFeePercs(P(1.9m)).Vault);
        Assert.Equal(One, p.PerpToUnderlyingSwapFeePercs(P(2.01m)).Vault);
        Assert.Equal(One, new SubscriptionFeePolicy().UnderlyingToPerpSwapFeePercs(One).Vault);
    }

    [Fact]
    public void ABasicRewardIsCappedAtTheReserveUnlessDebasementIsAllowed()
    {
        var p = new BasicFeeStrategy();
        Assert.Equal(10, p.ComputeFeeAmount(1000, P(0.01m), 0));
        Assert.Equal(-3, p.ComputeFeeAmount(1000, P(-0.01m), 3));
        p.AllowDebase = true;
        Assert.Equal(-10, p.ComputeFeeAmount(1000, P(-0.01m), 3));
    }

    [Fact]
    public void EachVersionGetsItsKindOfPolicy()
    {
        Assert.IsType<BasicFeeStrategy>(SpotFeePolicy.ForVersion(SpotVersion.V1));
        Assert.IsType<BasicFeeStrategy>(SpotFeePolicy.ForVersion(SpotVersion.V2));
        Assert.IsType<SubscriptionFeePolicy>(SpotFeePolicy.ForVersion(SpotVersion.V3));
        Assert.IsType<SubscriptionFeePolicy>(SpotFeePolicy.ForVersion(SpotVersion.V4));
        Assert.IsType<DeviationFeePolicy>(SpotFeePolicy.ForVersion(SpotVersion.V5));
    }

    [Fact]
    public void TheSpotTimelineGivesTheVersionAndRatiosInForce()
    {
        var t = SpotTimeline.Mainnet;
        Assert.Equal(SpotVersion.V1, t.VersionAt(DateTimeOffset.Parse("2023-01-01T00:00Z")));
        Assert.Equal(SpotVersion.V2, t.VersionAt(DateTimeOffset.Parse("2023-06-01T00:00Z")));
        Assert.Equal([200, 800], t.At(DateTimeOffset.Parse("2023-12-31T00:00Z")).TrancheRatios);
        Assert.Equal([250, 750], t.At(DateTimeOffset.Parse("2024-01-03T00:00Z")).TrancheRatios);
        Assert.Equal(SpotVersion.V3, t.VersionAt(DateTimeOffset.Parse("2024-05-01T00:00Z")));
        Assert.Equal(SpotVersion.V4, t.VersionAt(DateTimeOffset.Parse("2025-01-01T00:00Z")));
        Assert.Equal(SpotVersion.V5, t.VersionAt(DateTimeOffset.Parse("2025-08-01T00:00Z")));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.VersionAt(DateTimeOffset.Parse("2022-01-01T00:00Z")));
    }
}
