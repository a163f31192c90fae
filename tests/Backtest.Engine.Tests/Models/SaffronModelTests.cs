using Backtest.Numerics;

namespace Backtest.Engine.Tests.Models;

public class SaffronModelTests
{
    /// <summary>
    /// A 14-day epoch and 16 days after it; only the large seller and herders ever leave (the
    /// threshold holders' only trigger, a yield floor, is off).
    /// </summary>
    private static string Study(string scenario, string parameters) => $$"""
        model: saffron
        seed: 5
        paths: 24
        scenarios:
          - kind: monte_carlo
            crunch_probability: 0
            bad_debt_probability: 0
        {{scenario}}
        parameters:
          holder_cohorts: 20
          share_global_games: 0
        {{parameters}}
        """;

    [Fact]
    public void HoldersWhoWantOutDuringTheEpochWaitForTheWindDown()
    {
        var run = ModelRun.Of(Study(string.Empty, """
              share_herders: 0
              share_large_seller: 0.2
              large_seller_step: 2
            """));

        // The seller asks on day 2 and is refused each day until the wind-down on day 14.
        Assert.All(run.Paths.Int64("refused_locked"), n => Assert.Equal(12, n));
        Assert.All(run.Paths.Double("mean_wait"), w => Assert.Equal(12, w));
        Assert.All(run.Paths.Double("max_queue_share"), q => Assert.Equal(0.2, q, 9));
        Assert.All(run.Paths.Double("fill_ratio"), f => Assert.Equal(1, f));
        Assert.Equal(0, run.SummaryValue("refused_cash_mean"));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    public void AEarnsMTimesWhatItsCapitalProducedAndAAOneMth(int m)
    {
        var run = ModelRun.Of(Study(string.Empty, $"  a_multiplier: {m}"));
        var a = run.Paths.Double("apr_a");
        var aa = run.Paths.Double("apr_aa");
        var s = run.Paths.Double("apr_s");
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(m * m, a[i] / aa[i], 6);
            Assert.True(s[i] > aa[i] && s[i] < a[i]);
        }

        Assert.Equal(0, run.Summary.Int64("change_returned_mean")[0]);
    }

    [Fact]
    public void ALargeMultiplierReturnsAWhatSCannotPair()
    {
        // 20 cohorts of 475,000 DAI (the large seller's 500,000 in S): 17 in S (8,575,000 with the
        // seller), 2 in AA (950,000, consuming 47,500 of S), 1 in A. At m = 20, A can take
        // (8,575,000 − 47,500) / 20 = 426,375 of its 475,000 and gets 48,625 back.
        var run = ModelRun.Of(Study(string.Empty, "  a_multiplier: 20"));
        Assert.All(run.Paths.Int64("change_returned"), c => Assert.Equal(48_625, Fixed.ToDouble(c)));
        Assert.All(run.Paths.Double("redeemed_share"), r => Assert.Equal(0, r));
    }

    [Fact]
    public void BadDebtFallsOnTheLastToLeave()
    {
        var run = ModelRun.Of(Study("""
                shock_step: 16
                crunch_cash_share: 1
                bad_debt_loss: 0.3
            """, """
              share_large_seller: 0.3
              large_seller_step: 15
              share_herders: 0.6
              share_threshold_holders: 0.4
            """));

        Assert.Equal(run.Paths.Int64("bad_debt"), run.Paths.Int64("insolvency_loss"));
        Assert.All(run.Paths.Int64("bad_debt"), b => Assert.True(b > 0));
        Assert.True(run.SummaryValue("refused_cash_mean") > 0);
        Assert.True(run.SummaryValue("fill_ratio_mean") < 1);

        // Whoever is paid is paid in full (principal and interest); the unpaid hold what the market cannot pay.
        Assert.All(run.Paths.Double("first_mover_advantage"), f => Assert.InRange(f, 0.98, 1.02));
        for (int i = 0; i < run.Paths.RowCount; i++)
        {
            Assert.True(run.Paths.Int64("unpaid_at_end")[i] >= run.Paths.Int64("bad_debt")[i]);
        }
    }

    [Fact]
    public void ACrunchMakesLeaversWaitButPaysThemInTheEnd()
    {
        var run = ModelRun.Of(Study("""
                shock_step: 16
                crunch_cash_share: 0.05
                crunch_days: 3
                bad_debt_loss: 0
            """, """
              share_large_seller: 0.3
              large_seller_step: 16
              share_herders: 1
              share_threshold_holders: 0
            """));

        Assert.True(run.SummaryValue("refused_cash_mean") > 1);
        Assert.True(run.SummaryValue("mean_wait") > 0.5);
        Assert.Equal(1, run.SummaryValue("fill_ratio_mean"));
        Assert.Equal(0, run.Summary.Int64("bad_debt_mean")[0]);
    }

    [Fact]
    public void TheV1PoolTakesNoAA()
    {
        var e = Assert.Throws<InputException>(() => ModelRun.Of(Study(string.Empty, "  pool_version: v1")));
        Assert.Equal("tranche_shares", e.Key);
        var run = ModelRun.Of(Study(string.Empty, "  pool_version: v1\n  tranche_shares: [0.9, 0, 0.1]"));
        Assert.All(run.Paths.Double("apr_aa"), r => Assert.True(double.IsNaN(r)));
    }

    [Fact]
    public void EveryColumnIsDocumented() => ModelDocs.AssertDocumented("saffron", ModelRun.Of(Study(string.Empty, string.Empty)));
}
