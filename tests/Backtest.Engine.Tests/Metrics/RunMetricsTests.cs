using Backtest.Engine.Metrics;
using Backtest.Engine.Models;
using Backtest.IO.Tables;
using Backtest.Numerics;

namespace Backtest.Engine.Tests.Metrics;

public class RunMetricsTests
{
    private static readonly RunConditions Conditions = new(CriticalFraction: 0.25, Window: 3, BreakTheBuck: 0.99, BreakTheBuckSteps: 3, LcrHorizon: 10, FirstMoverShare: 0.5);

    private static StepState Calm(double outstanding) => new(outstanding, 1.0, 1.0, 1.0, 50, 10, 0.5);

    /// <summary>Runs one path through an observer and returns its row of run metric columns.</summary>
    private static ColumnTable Observe(Action<RunObserver> path, RunConditions? conditions = null)
    {
        var table = new ColumnTable(RunMetrics.PathColumns, 1);
        var observer = new RunObserver(conditions ?? Conditions);
        observer.Reset(100);
        path(observer);
        var batch = new PathBatch(table, 0, 0, 1, new SeriesRecorder([], 0, 1));
        observer.Write(batch, 0, 0);
        return table;
    }

    [Fact]
    public void RedemptionsPassingTheCriticalFractionWithinTheWindowAreARun()
    {
        var row = Observe(o =>
        {
            double outstanding = 100;
            for (int step = 0; step < 6; step++)
            {
                o.Request(step, 10);
                o.Fill(step, 10, 10);
                outstanding -= 10;
                o.EndStep(step, Calm(outstanding));
            }
        });

        // 10, 20, 30 of the 100 outstanding at the window's start: the third step reaches 0.30 ≥ 0.25.
        Assert.True(row.Boolean("run")[0]);
        Assert.Equal(2, row.Int32("run_step")[0]);
        Assert.True(row.Boolean("run_by_redemptions")[0]);
        // Later windows: 30 of 90, 80, 70 outstanding at their starts; the largest is 30/70.
        Assert.Equal(30.0 / 70, row.Double("peak_window_redemption")[0], 12);
        Assert.Equal(0.5 - (30.0 / 70), row.Double("min_headroom")[0], 12);
    }

    [Fact]
    public void RedemptionsBelowTheCriticalFractionAreNoRun()
    {
        var row = Observe(o =>
        {
            for (int step = 0; step < 10; step++)
            {
                o.Fill(step, 2, 2);
                o.EndStep(step, Calm(100 - (2 * (step + 1))));
            }
        });
        Assert.False(row.Boolean("run")[0]);
        Assert.Equal(-1, row.Int32("run_step")[0]);
    }

    [Fact]
    public void APriceBelowTheLineForConsecutiveStepsIsARunAndCountsAsBreakingTheBuck()
    {
        double[] prices = [1.0, 0.98, 0.985, 1.0, 0.97, 0.97, 0.97, 1.0];
        var row = Observe(o =>
        {
            for (int step = 0; step < prices.Length; step++)
            {
                o.EndStep(step, Calm(100) with { Price = prices[step] });
            }
        });
        Assert.Equal(6, row.Int32("run_step")[0]);
        Assert.False(row.Boolean("run_by_redemptions")[0]);
        Assert.Equal(5.0 / 8, row.Double("break_the_buck_share")[0], 12);
    }

    [Fact]
    public void FirstMoverAdvantageComparesTheFirstAndLastShareOfRedeemedUnits()
    {
        var row = Observe(o =>
        {
            o.Fill(0, 10, 10);  // 1.0 per unit
            o.Fill(1, 5, 4.5);  // 0.9
            o.Fill(2, 5, 4);    // 0.8
            o.EndStep(0, Calm(80));
        });

        // First half (10 units) got 1.0 per unit; the last half 8.5 / 10.
        Assert.Equal(1.0 / 0.85, row.Double("first_mover_advantage")[0], 12);
    }

    [Fact]
    public void ProRataExitsHaveNoFirstMoverAdvantage()
    {
        var row = Observe(o =>
        {
            for (int step = 0; step < 5; step++)
            {
                o.Fill(step, 3, 3 * 1.07);
            }
        });
        Assert.Equal(1.0, row.Double("first_mover_advantage")[0], 12);
    }

    [Fact]
    public void QueuedClaimsWaitFirstInFirstOut()
    {
        var row = Observe(o =>
        {
            o.Request(0, 10);
            o.Refuse(0, 10);
            o.EndStep(0, Calm(100));
            o.Request(1, 10);
            o.EndStep(1, Calm(100));
            o.Fill(3, 15, 15); // the first 10 waited 3 steps, 5 of the second waited 2
            o.EndStep(2, Calm(85));
            o.Cancel(4, 5);
            o.EndStep(3, Calm(85));
        });
        Assert.Equal(((10 * 3) + (5 * 2)) / 15.0, row.Double("mean_wait")[0], 12);
        Assert.Equal(15.0 / 20, row.Double("fill_ratio")[0], 12);
        Assert.Equal(1, row.Int64("refused_exits")[0]);
        Assert.Equal(20.0 / 100, row.Double("max_queue_share")[0], 12);
    }

    [Fact]
    public void LiquidityCoverageTracksItsMinimumAndTimeBelowOne()
    {
        var row = Observe(o =>
        {
            o.EndStep(0, Calm(100) with { LiquidAssets = 20, StressedDemand = 10 });
            o.EndStep(1, Calm(100) with { LiquidAssets = 5, StressedDemand = 10 });
            o.EndStep(2, Calm(100) with { LiquidAssets = 8, StressedDemand = 10 });
            o.EndStep(3, Calm(100) with { LiquidAssets = 12, StressedDemand = 10 });
        });
        Assert.Equal(0.5, row.Double("min_lcr")[0]);
        Assert.Equal(0.5, row.Double("lcr_below_one_share")[0]);
    }

    [Fact]
    public void LossesAreKeptApartAndExact()
    {
        var row = Observe(o =>
        {
            o.InsolvencyLoss(Fixed.Parse("1.000000001"));
            o.RunLoss(Fixed.Parse("0.1"));
            o.RunLoss(Fixed.Parse("0.2"));
        });
        Assert.Equal(Fixed.Parse("1.000000001"), row.Int64("insolvency_loss")[0]);
        Assert.Equal(Fixed.Parse("0.3"), row.Int64("run_loss")[0]);
    }

    [Fact]
    public void SummaryGivesWilsonIntervalsAndTimeToRunFromTheShock()
    {
        int n = 200;
        var paths = new ColumnTable(RunMetrics.PathColumns, n);
        var observer = new RunObserver(Conditions);
        var batch = new PathBatch(paths, 0, 0, n, new SeriesRecorder([], 0, 1));
        for (int i = 0; i < n; i++)
        {
            observer.Reset(100);
            observer.Shock(2);
            bool runs = i < 20;
            for (int step = 0; step < 10; step++)
            {
                if (runs && step >= 5)
                {
                    observer.Fill(step, 15, 15);
                }

                observer.EndStep(step, Calm(100));
            }

            observer.Write(batch, i, 0);
        }

        var summary = RunMetrics.Summarize(paths);
        Assert.Equal(0.1, summary.Double("p_run")[0], 12);
        var wilson = Numerics.Statistics.BinomialInterval.Wilson(20, 200, 0.95);
        Assert.Equal(wilson.Lower, summary.Double("p_run_lo")[0], 12);
        Assert.Equal(wilson.Upper, summary.Double("p_run_hi")[0], 12);
        Assert.Equal(1, summary.Double("variance_reduction")[0]);
        // Runs trigger at step 6 (15 + 15 = 30 of 100 in the window), 4 steps after the shock at 2.
        Assert.Equal(4, summary.Double("time_to_run_p50")[0]);
        Assert.Equal(0, summary.Double("pre_shock_run_share")[0]);
        Assert.Equal(200, summary.Int64("paths")[0]);
    }

    [Fact]
    public void RunsAndImpairmentsBeforeTheShockAreCountedApartAndNoTimeFromTheShockIsNegative()
    {
        // Shock at step 50 on every path; runs at 10 (before), 55 and 60; impairments at 20 (before) and 70.
        int[] runSteps = [10, 55, 60, -1];
        int[] impairedSteps = [20, 70, -1, -1];
        var paths = new ColumnTable(RunMetrics.PathColumns, runSteps.Length);
        for (int i = 0; i < runSteps.Length; i++)
        {
            paths.Boolean("run")[i] = runSteps[i] >= 0;
            paths.Int32("run_step")[i] = runSteps[i];
            paths.Int32("shock_step")[i] = 50;
            paths.Int32("impaired_step")[i] = impairedSteps[i];
            paths.Int32("recovered_step")[i] = -1;
            paths.Double("weight")[i] = 1;
            paths.Double("first_mover_advantage")[i] = double.NaN;
        }

        var summary = RunMetrics.Summarize(paths);
        Assert.Equal(0.75, summary.Double("p_run")[0], 12);
        Assert.Equal(7.5, summary.Double("time_to_run_p50")[0], 12);
        Assert.Equal(5.25, summary.Double("time_to_run_p05")[0], 12);
        Assert.Equal(1.0 / 3, summary.Double("pre_shock_run_share")[0], 12);
        Assert.Equal(20, summary.Double("time_to_impairment_p50")[0], 12);
        Assert.Equal(0.5, summary.Double("pre_shock_impairment_share")[0], 12);
    }

    [Fact]
    public void TheFirstMoverAdvantageSummaryIsAGeometricMeanWhoseIntervalStaysPositiveWhenOnePathBlowsUp()
    {
        // Nineteen paths near 1.25 and one whose last exits sold into a drained pool (587): an
        // arithmetic mean would be about 30 with a normal interval reaching below zero.
        // Two more paths where one side received nothing (0 and +∞) are counted apart, not averaged.
        double[] ratios = [.. Enumerable.Range(0, 19).Select(i => 1.2 + (0.01 * (i % 10))), 587.0, double.NaN, 0.0, double.PositiveInfinity];
        var paths = new ColumnTable(RunMetrics.PathColumns, ratios.Length);
        for (int i = 0; i < ratios.Length; i++)
        {
            paths.Int32("run_step")[i] = -1;
            paths.Int32("shock_step")[i] = -1;
            paths.Int32("impaired_step")[i] = -1;
            paths.Int32("recovered_step")[i] = -1;
            paths.Double("weight")[i] = 1;
            paths.Double("first_mover_advantage")[i] = ratios[i];
        }

        var summary = RunMetrics.Summarize(paths);
        var logs = ratios.Where(r => r > 0 && double.IsFinite(r)).Select(r => Math.Log(r)).ToArray();
        double logMean = logs.Average();
        double logSe = Math.Sqrt(logs.Sum(l => (l - logMean) * (l - logMean)) / (logs.Length - 1) / logs.Length);
        Assert.Equal(Math.Exp(logMean), summary.Double("first_mover_advantage")[0], 9);
        Assert.Equal(Math.Exp(logMean - (1.959963984540054 * logSe)), summary.Double("first_mover_advantage_lo")[0], 9);
        Assert.Equal(Math.Exp(logMean + (1.959963984540054 * logSe)), summary.Double("first_mover_advantage_hi")[0], 9);
        Assert.True(summary.Double("first_mover_advantage_lo")[0] > 0);
        Assert.InRange(summary.Double("first_mover_advantage")[0], 1.2, 2.0);
        Assert.Equal(20, summary.Int64("first_mover_paths")[0]);
        Assert.Equal(2, summary.Int64("first_mover_unbounded_paths")[0]);
    }

    [Fact]
    public void ImportanceWeightsGiveTheLikelihoodRatioEstimateAndItsVarianceReduction()
    {
        // 1,000 paths with half of them runs weighted 0.002: the estimate is 0.001, and its
        // variance is far below plain Monte Carlo's p(1 − p)/n.
        int n = 1000;
        var paths = new ColumnTable(RunMetrics.PathColumns, n);
        for (int i = 0; i < n; i++)
        {
            paths.Boolean("run")[i] = i % 2 == 0;
            paths.Double("weight")[i] = i % 2 == 0 ? 0.002 : 1.998;
            paths.Int32("run_step")[i] = i % 2 == 0 ? 3 : -1;
            paths.Int32("shock_step")[i] = -1;
            paths.Int32("impaired_step")[i] = -1;
            paths.Int32("recovered_step")[i] = -1;
            paths.Double("first_mover_advantage")[i] = double.NaN;
        }

        var summary = RunMetrics.Summarize(paths);
        Assert.Equal(0.001, summary.Double("p_run")[0], 12);
        Assert.True(summary.Double("variance_reduction")[0] > 1);
        Assert.True(double.IsNaN(summary.Double("time_to_run_p50")[0]));
        Assert.True(summary.Nulls(summary.IndexOf("run_loss_var99"))![0]);
    }

    [Fact]
    public void JoinPutsTablesSideBySide()
    {
        var a = new ColumnTable([ColumnSpec.Int64("x", "x")], 2);
        var b = new ColumnTable([ColumnSpec.Double("y", "y") with { Nullable = true }], 2);
        a.Int64(0)[1] = 7;
        b.Double(0)[0] = 1.5;
        b.Nulls(0)![1] = true;
        var joined = RunMetrics.Join(a, b);
        Assert.Equal(["x", "y"], joined.Columns.Select(c => c.Name));
        Assert.Equal(7, joined.Int64("x")[1]);
        Assert.Equal(1.5, joined.Double("y")[0]);
        Assert.True(joined.Nulls(1)![1]);
        Assert.Throws<ArgumentException>(() => RunMetrics.Join(a, new ColumnTable([ColumnSpec.Int64("z", "z")], 3)));
    }
}
