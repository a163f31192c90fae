using Backtest.Numerics;

namespace Backtest.Engine.Tests.Models;

public class WaterfallModelTests
{
    /// <summary>
    /// No claims to speak of and little coverage (so neither breakers nor the collateral rule
    /// bind): a large SURE-BTC holder sells on day 5 and herders in every tier follow.
    /// </summary>
    private static string Wave(string lockups) => $$"""
        model: waterfall
        seed: 11
        paths: 16
        scenarios:
          - kind: monte_carlo
            steps: 120
            claim_intensity: 0.000000001
            catastrophe_probability: 0
        parameters:
          holder_cohorts: 20
          coverage: 10000000
          lockup_days: {{lockups}}
          share_large_seller: 0.2
          large_seller_step: 5
          share_herders: 0.5
          share_threshold_holders: 0.5
          share_global_games: 0
        """;

    [Fact]
    public void LockUpsMakeExitRequestsWait()
    {
        var run = ModelRun.Of(Wave("[90, 60, 30, 0, 0, 0]"));

        Assert.True(run.SummaryValue("refused_lockup_mean") > 0);
        Assert.True(run.SummaryValue("max_queue_share_p95") >= 0.2, $"max queue share {run.SummaryValue("max_queue_share_p95")}");
        Assert.True(run.SummaryValue("mean_wait") > 10, $"mean wait {run.SummaryValue("mean_wait")}");

        // The seller's SURE-BTC unlocks on day 90, so everyone who asked is out by day 120.
        Assert.Equal(1, run.SummaryValue("fill_ratio_mean"));
        Assert.Equal(0, run.SummaryValue("refused_paused_mean") + run.SummaryValue("refused_collateral_mean"));
    }

    [Fact]
    public void WithoutLockUpsThereIsNoQueue()
    {
        var run = ModelRun.Of(Wave("[0, 0, 0, 0, 0, 0]"));

        Assert.Equal(0, run.SummaryValue("refused_exits_mean"));
        Assert.All(run.Paths.Double("max_queue_share"), q => Assert.Equal(0, q));
        Assert.All(run.Paths.Double("mean_wait"), w => Assert.Equal(0, w));
        Assert.True(run.SummaryValue("redeemed_share_mean") > 0.3);
        Assert.Equal(1, run.SummaryValue("fill_ratio_mean"));
    }

    /// <summary>Nobody leaves (no claims, no yield floor): min_headroom is the smallest critical fraction.</summary>
    private static string Quiet(string lockups) => $$"""
        model: waterfall
        seed: 14
        paths: 4
        scenarios:
          - kind: monte_carlo
            steps: 20
            claim_intensity: 0.000000001
            catastrophe_probability: 0
        parameters:
          holder_cohorts: 100
          coverage: 10000000
          lockup_days: {{lockups}}
          share_large_seller: 0
          share_threshold_holders: 1
          share_global_games: 0
          share_herders: 0
        """;

    [Fact]
    public void LockedCapitalIsNotPartOfTheCriticalFraction()
    {
        // 100 cohorts split the capital 25/20/18/15/12/10: with tiers 1–3 locked only tiers 4–6
        // (37%) can leave, a little less once premiums (paid senior first) have grown tiers 1–3.
        // Unlocked, everything above the 10M of coverage (90%) can.
        Assert.All(ModelRun.Of(Quiet("[90, 60, 30, 0, 0, 0]")).Paths.Double("min_headroom"), h => Assert.InRange(h, 0.365, 0.37 + 1e-9));
        Assert.All(ModelRun.Of(Quiet("[0, 0, 0, 0, 0, 0]")).Paths.Double("min_headroom"), h => Assert.InRange(h, 0.9 - 1e-9, 0.901));
    }

    [Fact]
    public void ALargeLossPausesTheVaultAndPausedWithdrawalsWait()
    {
        var run = ModelRun.Of("""
            model: waterfall
            seed: 12
            paths: 16
            scenarios:
              - kind: monte_carlo
                steps: 60
                shock_step: 10
                shock_loss: 0.1
            parameters:
              holder_cohorts: 20
              unpause_days: 5
            """);

        // 8M on day 10 takes 80% of SURE-EQT's 10M: the single-loss breaker trips.
        Assert.All(run.Paths.Int32("first_pause_step"), s => Assert.True(s is >= 0 and <= 10));
        Assert.All(run.Paths.Int32("paused_days"), d => Assert.True(d >= 5));
        Assert.True(run.SummaryValue("refused_paused_mean") > 0);
        Assert.True(run.SummaryValue("equity_nav_mean") < 0.3);
        Assert.True(run.SummaryValue("senior_nav_mean") > 1);
    }

    [Fact]
    public void LossesBeyondTheCapitalAreInsolvencyAndImpairTheSeniorTier()
    {
        var run = ModelRun.Of("""
            model: waterfall
            seed: 13
            paths: 8
            scenarios:
              - kind: monte_carlo
                steps: 20
                claim_intensity: 0.000000001
                catastrophe_probability: 0
                shock_step: 5
                shock_loss: 1.5
            parameters:
              holder_cohorts: 20
            """);

        // 120M of losses against 100M of capital and six days of premiums (days 0–5, 32,876.712328767 a day).
        Assert.All(run.Paths.Int64("insolvency_loss"), l => Assert.InRange(Fixed.ToDouble(l), 19_800_000, 20_000_000));
        Assert.All(run.Paths.Int32("impaired_step"), s => Assert.Equal(5, s));
        Assert.All(run.Paths.Double("capital_ratio"), r => Assert.True(r < 0.01));
    }

    [Fact]
    public void AWipedOutTierItsHoldersLeftReportsWhatItsLastTokensFetched()
    {
        var run = ModelRun.Of("""
            model: waterfall
            seed: 15
            paths: 8
            scenarios:
              - kind: monte_carlo
                steps: 40
                claim_intensity: 0.000000001
                catastrophe_probability: 0
                shock_step: 5
                shock_loss: 1.2
            parameters:
              holder_cohorts: 20
              coverage: 10000000
              unpause_days: 3
            """);

        // 12M takes SURE-EQT's 10M and 2M of SURE-JNR+'s; once unpaused, EQT's holders leave with nothing.
        Assert.All(run.Paths.Double("equity_nav"), n => Assert.Equal(0, n));
        Assert.All(run.Paths.Double("senior_nav"), n => Assert.True(n > 1));
    }

    [Fact]
    public void EveryColumnIsDocumented() => ModelDocs.AssertDocumented("waterfall", ModelRun.Of(Wave("[90, 60, 30, 0, 0, 0]")));
}
