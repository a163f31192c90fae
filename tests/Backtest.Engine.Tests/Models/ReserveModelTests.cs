using Backtest.Engine.Metrics;
using Backtest.IO.Tables;

namespace Backtest.Engine.Tests.Models;

public class ReserveModelTests
{
    /// <summary>A crash of the volatile vault on day 5 of 30 that sends most holders to the exit.</summary>
    private static string Wave(string parameters) => $$"""
        model: reserve
        seed: 7
        paths: 24
        scenarios:
          - kind: monte_carlo
            steps: 30
            shock_step: 5
            shock_drop: 0.6
        parameters:
          holder_cohorts: 20
        {{parameters}}
        """;

    [Fact]
    public void FlowLimitsRefuseARedemptionWaveAndMakeHoldersWait()
    {
        var tight = ModelRun.Of(Wave("  flow_threshold_share: 0.05"));
        var loose = ModelRun.Of(Wave("  flow_threshold_share: 10"));

        Assert.True(tight.SummaryValue("refused_flow_mean") + tight.SummaryValue("refused_safety_mode_mean") > 1);
        Assert.True(tight.SummaryValue("safety_mode_activations_mean") > 0);
        Assert.True(tight.SummaryValue("mean_wait") > 0.5, $"mean wait {tight.SummaryValue("mean_wait")}");
        Assert.True(tight.SummaryValue("max_queue_share_p95") > 0.2);
        Assert.Equal(0, tight.Paths.Int64("refused_exits").Sum() - tight.Paths.Int64("refused_flow").Sum() - tight.Paths.Int64("refused_safety_mode").Sum()
            - tight.Paths.Int64("refused_weights").Sum() - tight.Paths.Int64("refused_other").Sum());

        // Without binding flow limits the same wave leaves within the day it asks to.
        Assert.Equal(0, loose.SummaryValue("refused_flow_mean") + loose.SummaryValue("refused_safety_mode_mean"));
        Assert.Equal(0, loose.SummaryValue("mean_wait"));
        Assert.True(loose.SummaryValue("redeemed_share_mean") > 0.5);
        Assert.True(tight.SummaryValue("fill_ratio_mean") <= loose.SummaryValue("fill_ratio_mean"));
    }

    [Fact]
    public void TheWeightCheckKeepsStableFirstRedeemersFromDrainingTheStableVault()
    {
        var narrow = ModelRun.Of(Wave("  flow_threshold_share: 10\n  redeem_mix: stable_first\n  max_deviation: 0.05"));
        var wide = ModelRun.Of(Wave("  flow_threshold_share: 10\n  redeem_mix: stable_first\n  max_deviation: 1"));
        var proRata = ModelRun.Of(Wave("  flow_threshold_share: 10\n  max_deviation: 0.05"));

        // Refused stable-only redemptions fall back to pro rata, so they are refusals that still exit.
        Assert.True(narrow.SummaryValue("refused_weights_mean") > 2 * wide.SummaryValue("refused_weights_mean"));
        Assert.Equal(0, proRata.SummaryValue("refused_weights_mean"));

        // A wide band lets stable-first redeemers take the stablecoins and leave the volatile vault to the rest.
        Assert.True(narrow.SummaryValue("final_stable_weight_mean") > wide.SummaryValue("final_stable_weight_mean") + 0.1);
    }

    [Fact]
    public void TheHistoricalReplayStartsAtCalibrationOnItsDates()
    {
        var run = ModelRun.Of("""
            model: reserve
            scenarios:
              - kind: historical
                start: 2019-07-01
                end: 2019-07-31
            """);
        Assert.Equal(1, run.Paths.RowCount);
        Assert.Equal(new DateOnly(2019, 7, 1), run.Simulation.StepDates![0]);
        Assert.Equal(31, run.Simulation.Steps);
        Assert.Equal(1.05, run.Series.RealsAt(0, 0)[0], 9);
        Assert.Equal(-1, run.Paths.Int32("shock_step")[0]);
    }

    [Fact]
    public void TheHistoricalReplayNeedsAStableAndAVolatileVault()
    {
        var e = Assert.Throws<InputException>(() => ModelRun.Of("""
            model: reserve
            scenarios:
              - kind: historical
            parameters:
              vault_weights: [0.5, 0.3, 0.2]
              stable_vaults: [1, 0, 0]
            """));
        Assert.Equal("vault_weights", e.Key);
    }

    [Fact]
    public void WeightsMustSumToOne()
    {
        var e = Assert.Throws<InputException>(() => ModelRun.Of(Wave("  vault_weights: [0.6, 0.3]")));
        Assert.Equal("vault_weights", e.Key);
    }

    [Fact]
    public void PathsDoNotDependOnTheThreadCount()
    {
        var study = ModelRun.Load(Wave("  flow_threshold_share: 0.05"));
        var one = ModelRun.Of(study, threads: 1);
        var two = ModelRun.Of(study, threads: 2);
        for (int c = 0; c < one.Paths.Columns.Count; c++)
        {
            Assert.Equal(Bytes(one.Paths, c), Bytes(two.Paths, c));
        }
    }

    [Fact]
    public void EveryColumnIsDocumented() => ModelDocs.AssertDocumented("reserve", ModelRun.Of(Wave(string.Empty)));

    private static string Bytes(ColumnTable table, int column) => table.Columns[column].Kind switch
    {
        ColumnKind.Double => string.Join(",", table.Double(column).Select(BitConverter.DoubleToInt64Bits)),
        ColumnKind.Boolean => string.Join(",", table.Boolean(column)),
        ColumnKind.Int32 => string.Join(",", table.Int32(column)),
        _ => string.Join(",", table.Int64(column)),
    };
}
