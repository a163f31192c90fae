using System.Numerics;
using Backtest.Protocols.Ampleforth;
using Backtest.Protocols.Ampleforth.Policy;
using Backtest.Protocols.Ampleforth.Tokens;

namespace Backtest.Protocols.Tests.Ampleforth;

public class MonetaryPolicyTests
{
    private static readonly BigInteger One = RebaseFunction.One;

    private static PolicyParameters Era(string date) => AmplPolicyTimeline.Mainnet.At(DateTimeOffset.Parse(date, System.Globalization.CultureInfo.InvariantCulture)).Parameters;

    /// <summary>Supply change in millionths of a 10¹² supply at rate/target = x (spec §5.1 table), truncated.</summary>
    private static long DeltaBps(PolicyParameters p, string x)
    {
        BigInteger supply = BigInteger.Pow(10, 12);
        BigInteger delta = p.ComputeSupplyDelta(supply, RebaseFunction.Fp18(x), One);
        return (long)(delta * 1_000_000 / supply);
    }

    [Theory]
    [InlineData("2025-06-01", "0.9", -70_480)]
    [InlineData("2025-06-01", "0.95", -50_250)]
    [InlineData("2025-06-01", "1.05", 32_630)]
    [InlineData("2025-06-01", "2.0", 50_000)]
    [InlineData("2024-09-15", "0.9", -68_910)]
    [InlineData("2024-09-15", "1.05", 34_750)]
    [InlineData("2023-01-01", "0.0", -77_780)]
    [InlineData("2023-01-01", "1.1", 9_720)]
    [InlineData("2021-01-01", "0.9", -10_000)]
    [InlineData("2019-08-01", "0.9", -3_333)]
    public void EachEraReproducesTheSpecTable(string date, string x, long expectedMillionths)
    {
        // The spec's table rounds to 0.001%; compare at that resolution.
        long actual = DeltaBps(Era(date), x);
        Assert.InRange(actual, expectedMillionths - 10, expectedMillionths + 10);
    }

    [Theory]
    [InlineData("2025-06-01", "0.98")]
    [InlineData("2025-06-01", "1.02")]
    [InlineData("2022-06-01", "0.97")]
    [InlineData("2022-06-01", "1.03")]
    public void InsideTheDeviationThresholdNothingChanges(string date, string x) =>
        Assert.Equal(0, DeltaBps(Era(date), x));

    [Fact]
    public void TheThresholdBoundaryIsStrict()
    {
        var p = Era("2025-06-01");
        // |rate − target| < target·2.5% is inside; exactly 2.5% away rebases.
        Assert.Equal(BigInteger.Zero, p.ComputeSupplyDelta(1000, RebaseFunction.Fp18("1.025") - 1, One));
        Assert.NotEqual(BigInteger.Zero, p.ComputeSupplyDelta(1_000_000, RebaseFunction.Fp18("1.025"), One));
    }

    [Fact]
    public void TheTwoCurvesUseTheirOwnLimits()
    {
        var p = Era("2025-06-01");
        // g = 45 leaves 2^-45 above one unit, so the floor is approached but the truncated delta stays just inside it.
        Assert.InRange(DeltaBps(p, "0.0"), -77_000, -76_999);
        Assert.Equal(50_000, DeltaBps(p, "10.0"));
    }

    [Fact]
    public void ExpansionsAreCappedAtTheMaxSupply()
    {
        var p = Era("2025-06-01");
        BigInteger supply = PolicyParameters.MaxSupply - 1;
        Assert.Equal(BigInteger.One, p.ComputeSupplyDelta(supply, 2 * One, One));
        Assert.Equal(BigInteger.Zero, p.ComputeSupplyDelta(PolicyParameters.MaxSupply, 2 * One, One));
    }

    [Fact]
    public void RatesAboveMaxRateAreCapped()
    {
        var p = Era("2023-01-01");
        Assert.Equal(p.ComputeSupplyDelta(1000, PolicyParameters.MaxRate, One), p.ComputeSupplyDelta(1000, PolicyParameters.MaxRate * 2, One));
    }

    [Fact]
    public void TheTimelineMapsDatesToEras()
    {
        var timeline = AmplPolicyTimeline.Mainnet;
        Assert.IsType<LinearRebase>(timeline.At(DateTimeOffset.Parse("2019-07-01T00:00Z")).Parameters.Function);
        Assert.Equal(30, ((LinearRebase)timeline.At(DateTimeOffset.Parse("2019-07-01T00:00Z")).Parameters.Function).Lag);
        Assert.Equal(10, ((LinearRebase)timeline.At(DateTimeOffset.Parse("2020-07-01T00:00Z")).Parameters.Function).Lag);
        Assert.IsType<DoubleSigmoidRebase>(timeline.At(DateTimeOffset.Parse("2025-07-01T00:00Z")).Parameters.Function);
        Assert.Equal(TargetOracleKind.TargetRate, timeline.At(DateTimeOffset.Parse("2024-01-01T00:00Z")).Parameters.TargetOracle);
        Assert.Equal(InvalidOracleRule.Revert, timeline.At(DateTimeOffset.Parse("2024-09-15T00:00Z")).Parameters.InvalidOracle);
        Assert.Equal(InvalidOracleRule.ZeroSupplyDelta, timeline.At(DateTimeOffset.Parse("2024-10-15T00:00Z")).Parameters.InvalidOracle);
        Assert.Throws<ArgumentOutOfRangeException>(() => timeline.At(DateTimeOffset.Parse("2019-01-01T00:00Z")));
    }

    [Fact]
    public void ARebaseRunsOncePerDayInsideTheWindowAndScalesTheToken()
    {
        var p = Era("2025-06-01");
        var policy = new MonetaryPolicy(p);
        var token = new AmplToken(new Chain(0), 0);
        long day = 20_000 * 86_400L;
        Assert.Throws<MonetaryPolicyException>(() => policy.Rebase(day + 100, token, new(One), new(One)));

        var outcome = policy.Rebase(day + 7_200, token, new(RebaseFunction.Fp18("0.9")), new(One));
        Assert.Equal(1, outcome.Epoch);
        Assert.True(outcome.RequestedSupplyDelta < 0);
        Assert.Equal(token.TotalSupply, outcome.SupplyAfter);
        Assert.Equal(day + 7_200, policy.LastRebaseTimestampSec);

        var outside = Assert.Throws<MonetaryPolicyException>(() => policy.Rebase(day + 9_000, token, new(One), new(One)));
        Assert.Equal(MonetaryPolicyException.NotInRebaseWindow, outside.Rule);
        var again = Assert.Throws<MonetaryPolicyException>(() => policy.Rebase(day + 7_200 + 60, token, new(One), new(One)));
        Assert.Equal(MonetaryPolicyException.RebaseTooSoon, again.Rule);
        Assert.Equal(2, policy.Rebase(day + 86_400 + 7_230, token, new(One), new(One)).Epoch);
    }

    [Fact]
    public void AnInvalidOracleRevertsBeforeOctober2024AndMeansNoChangeAfter()
    {
        long day = 20_000 * 86_400L;
        var old = new MonetaryPolicy(Era("2024-09-15"));
        var e = Assert.Throws<MonetaryPolicyException>(() => old.Rebase(day + 7_200, new AmplToken(new Chain(0), 0), new(2 * One, Valid: false), new(One)));
        Assert.Equal(MonetaryPolicyException.InvalidOracleData, e.Rule);

        var token = new AmplToken(new Chain(0), 0);
        var outcome = new MonetaryPolicy(Era("2025-06-01")).Rebase(day + 7_200, token, new(2 * One, Valid: false), new(One));
        Assert.Equal(0, outcome.RequestedSupplyDelta);
        Assert.Equal(AmplToken.InitialFragmentsSupply, token.TotalSupply);
    }

    [Fact]
    public void BeforeOctober2023TheTargetIsTheIndexOverItsBase()
    {
        var p = Era("2022-06-01") with { BaseCpi = RebaseFunction.Fp18("100") };
        Assert.Equal(RebaseFunction.Fp18("1.11442"), p.TargetRateFrom(RebaseFunction.Fp18("111.442")));
        Assert.Equal(RebaseFunction.Fp18("1.05"), Era("2024-01-01").TargetRateFrom(RebaseFunction.Fp18("1.05")));
    }
}
