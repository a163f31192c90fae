namespace Backtest.Engine.Tests.Models;

/// <summary>
/// First-mover advantage in a DeFindex vault. Rates and fees are zero so that the value per unit
/// moves only with defaults and exit costs (a yield or a fee accruing during a wave moves the
/// first-mover ratio off 1 without any race to exit).
/// </summary>
public class DeFindexModelTests
{
    /// <summary>
    /// Floor rounding of each withdrawal (under one base unit in ~10¹² per withdrawal) leaves dust
    /// to later leavers: "1.0" holds to this tolerance.
    /// </summary>
    private const double Rounding = 1e-9;

    /// <summary>Strategy 0 (half the invested funds) defaults completely on day 3; holders who see the loss leave over the following days.</summary>
    private static string DefaultWave(string parameters) => Study("shock_step: 3", parameters);

    /// <summary>A large seller leaves on day 3 and herders follow; no default.</summary>
    private static string SellerWave(string parameters) => Study("shock_step: -1", $"""
          share_large_seller: 0.2
          large_seller_step: 3
          share_herders: 0.5
          share_global_games: 0
          share_threshold_holders: 0.3
        {parameters}
        """);

    private static string Study(string shock, string parameters) => $$"""
        model: defindex
        seed: 3
        paths: 48
        scenarios:
          - kind: monte_carlo
            steps: 30
            {{shock}}
            default_loss: 1
            default_probability: 0
            rate_volatility: 0
        parameters:
          holder_cohorts: 20
          strategy_apr_bps: [0, 0]
          management_fee_bps: 0
        {{parameters}}
        """;

    [Fact]
    public void WithoutLiquidationCostsThereIsNoRaceToExit()
    {
        var run = ModelRun.Of(DefaultWave("  liquidation_cost_bps: 0\n  idle_share: 0.05"));
        Assert.Equal(48, run.Summary.Int64("first_mover_paths")[0]);
        AssertNoRace(run);
        Assert.Equal(1, run.SummaryValue("p_idle_exhausted"));
        Assert.Equal(0, run.Summary.Int64("run_loss_mean")[0]);
    }

    [Fact]
    public void WithEnoughIdleCashThereIsNoRaceToExitWhateverTheLiquidationCost()
    {
        var run = ModelRun.Of(SellerWave("  liquidation_cost_bps: 100\n  idle_share: 0.95"));
        Assert.True(run.SummaryValue("redeemed_share_mean") > 0.5);
        AssertNoRace(run);
        Assert.Equal(0, run.SummaryValue("p_idle_exhausted"));
        Assert.True(run.SummaryValue("min_headroom_p05") >= 0);
    }

    [Fact]
    public void TooLittleIdleCashMakesLateLeaversPayTheLiquidationCost()
    {
        var run = ModelRun.Of(DefaultWave("  liquidation_cost_bps: 100\n  idle_share: 0.05"));
        double fma = run.SummaryValue("first_mover_advantage");
        Assert.True(run.SummaryValue("first_mover_advantage_lo") > 1.005, $"first-mover advantage {fma}");
        Assert.InRange(fma, 1.005, 1.0101);

        // The withdrawer bears the cost: leavers get less per unit than the vault's value, stayers keep it.
        Assert.True(run.SummaryValue("leaver_value_mean") < run.SummaryValue("stayer_value_mean") - 0.004);
        Assert.Equal(0, run.Summary.Int64("liquidation_cost_stayers_mean")[0]);
        Assert.True(run.Summary.Int64("liquidation_cost_leavers_mean")[0] > 0);
        Assert.Equal(run.Summary.Int64("liquidation_cost_leavers_mean")[0], run.Summary.Int64("run_loss_mean")[0]);
        Assert.True(run.SummaryValue("min_headroom_p05") < 0);
    }

    [Fact]
    public void WhenEveryWithdrawalLiquidatesEveryoneLeavingPaysAlike()
    {
        var run = ModelRun.Of(DefaultWave("  liquidation_cost_bps: 100\n  idle_share: 0"));
        AssertNoRace(run);
        Assert.True(run.Summary.Int64("liquidation_cost_leavers_mean")[0] > 0);
    }

    [Fact]
    public void RefillingIdleCashPutsPartOfTheCostOnStayers()
    {
        var keep = ModelRun.Of(DefaultWave("  liquidation_cost_bps: 100\n  idle_share: 0.05"));
        var refill = ModelRun.Of(DefaultWave("  liquidation_cost_bps: 100\n  idle_share: 0.05\n  refill_idle: true"));
        Assert.True(refill.Summary.Int64("liquidation_cost_stayers_mean")[0] > 0);
        Assert.True(refill.SummaryValue("stayer_value_mean") < keep.SummaryValue("stayer_value_mean"));
    }

    [Fact]
    public void DefaultsAreInsolvencyLossesAndImpairTheClaim()
    {
        var run = ModelRun.Of(DefaultWave("  liquidation_cost_bps: 0"));
        Assert.True(run.Paths.Int32("shock_step").All(s => s == 3));
        Assert.True(run.Paths.Int32("impaired_step").All(s => s == 3));
        Assert.Equal(run.Paths.Int64("default_loss"), run.Paths.Int64("insolvency_loss"));

        // Strategy 0 holds half of the 90% invested, 4.5M USDC, and loses 50–100% of it (default_loss 1 × U[0.5, 1.5], capped).
        Assert.All(run.Paths.Int64("default_loss"), loss => Assert.InRange(Backtest.Numerics.Fixed.ToDouble(loss), 2_250_000, 4_500_001));
    }

    [Fact]
    public void EveryColumnIsDocumented() => ModelDocs.AssertDocumented("defindex", ModelRun.Of(DefaultWave(string.Empty)));

    private static void AssertNoRace(ModelRun run)
    {
        Assert.InRange(run.SummaryValue("first_mover_advantage"), 1 - Rounding, 1 + Rounding);
        Assert.True(run.SummaryValue("first_mover_advantage_lo") <= 1 + Rounding);
        Assert.True(run.SummaryValue("first_mover_advantage_hi") >= 1 - Rounding);
    }
}
