using Backtest.IO.Tables;
using Backtest.Numerics;
using Backtest.Numerics.Statistics;

namespace Backtest.Engine.Metrics;

/// <summary>
/// The run conditions of spec/run_metrics.md as output columns: per path (written by
/// <see cref="RunObserver"/>) and per (scenario, parameter set) (<see cref="Summarize"/>). Every
/// column's description states its definition; docs/outputs.md repeats them. Intervals are 95%:
/// Wilson score intervals for probabilities of plain Monte Carlo, normal-approximation intervals
/// (estimate ± 1.96 standard errors) for means and for importance-sampled probabilities.
/// Quantiles are Hyndman–Fan type 7 unless stated; VaR is the type-1 (inverted empirical CDF)
/// quantile and ES the Acerbi–Tasche tail mean (<see cref="RiskMeasures"/>).
/// </summary>
public static class RunMetrics
{
    public const double Confidence = 0.95;

    private const double Z95 = 1.959963984540054;

    /// <summary>Per-path columns, in the order <see cref="RunObserver.Write"/> fills them.</summary>
    public static readonly IReadOnlyList<ColumnSpec> PathColumns =
    [
        ColumnSpec.Boolean("run", "a run event happened: redemptions within run_window reached run_critical_fraction of the claims outstanding at the window's start, or the price stayed below break_the_buck × NAV (or peg) for break_the_buck_steps steps"),
        ColumnSpec.Int32("run_step", "step of the first run event (−1 if none)", "steps"),
        ColumnSpec.Boolean("run_by_redemptions", "the run event was triggered by redemptions (false: by the price, or no run)"),
        ColumnSpec.Int32("shock_step", "step of the scenario's first shock (−1 if the scenario has none)", "steps"),
        ColumnSpec.Int32("impaired_step", "first step at which the claim (the senior claim, in a tranched design) lost value (−1 if never)", "steps"),
        ColumnSpec.Int32("recovered_step", "first step after a run or impairment at which the claim was back at its peg/NAV (−1 if never)", "steps"),
        ColumnSpec.Double("peak_window_redemption", "largest share of outstanding claims redeemed within any run_window steps", "fraction"),
        ColumnSpec.Double("min_headroom", "smallest critical withdrawal fraction minus the share redeemed within the window, over the path (NaN where the model defines no critical fraction)", "fraction"),
        ColumnSpec.Double("break_the_buck_share", "share of steps with price < break_the_buck × NAV (or peg)", "fraction"),
        ColumnSpec.Double("min_lcr", "smallest liquidity coverage ratio: immediately payable value ÷ stressed redemption demand over lcr_horizon (NaN where no demand was stressed)", "ratio"),
        ColumnSpec.Double("lcr_below_one_share", "share of steps with a liquidity coverage ratio below 1", "fraction"),
        ColumnSpec.Double("max_queue_share", "largest queued (requested, not yet filled) claims as a share of claims outstanding", "fraction"),
        ColumnSpec.Double("fill_ratio", "claims redeemed ÷ claims requested over the path (1 with no requests)", "fraction"),
        ColumnSpec.Double("mean_wait", "mean steps a redeemed claim waited in the queue, weighted by units (0 with no waits)", "steps"),
        ColumnSpec.Int64("refused_exits", "exit attempts refused (reverts, lock-ups, flow limits)", "count"),
        ColumnSpec.Double("first_mover_advantage", "value per unit received by the first first_mover_share of redeemed claims ÷ by the last share (1 = no race to exit; NaN with no redemptions)", "ratio"),
        ColumnSpec.Amount("insolvency_loss", "bad debt or shortfall: value the design could not pay holders", "units of the claim's asset"),
        ColumnSpec.Amount("run_loss", "value lost by exiting under stress: slippage, exit fees, liquidation costs", "units of the claim's asset"),
        ColumnSpec.Double("weight", "likelihood ratio of the path (importance sampling; 1 for plain Monte Carlo)"),
    ];

    /// <summary>
    /// Summary columns (one row per run), the order <see cref="Summarize"/> fills them. The
    /// descriptions name the run-condition parameters rather than quoting their values, so runs
    /// of one study with other horizons or swept run conditions share one schema; the manifest
    /// gives each run's steps and parameter values.
    /// </summary>
    public static readonly IReadOnlyList<ColumnSpec> SummaryColumns =
    [
        ColumnSpec.Int64("paths", "paths simulated", "count"),
        ColumnSpec.Double("p_run", "probability of a run event within the run's steps (redemptions ≥ run_critical_fraction of claims within run_window steps, or price < break_the_buck × NAV for break_the_buck_steps steps)", "probability"),
        ColumnSpec.Double("p_run_lo", "lower end of the 95% interval of p_run (Wilson; normal approximation when importance-sampled)", "probability"),
        ColumnSpec.Double("p_run_hi", "upper end of the 95% interval of p_run", "probability"),
        ColumnSpec.Double("variance_reduction", "variance of plain Monte Carlo's p_run estimate ÷ this estimate's variance (1 for plain Monte Carlo)", "ratio"),
        ColumnSpec.Double("run_by_redemptions_share", "share of runs triggered by redemptions rather than by the price", "fraction"),
        ColumnSpec.Double("time_to_run_p50", "median steps from the scenario's first shock (step 0 on paths without one) to the run event, over paths whose run came at or after it", "steps"),
        ColumnSpec.Double("time_to_run_p05", "5% quantile of the time to run", "steps"),
        ColumnSpec.Double("time_to_run_p95", "95% quantile of the time to run", "steps"),
        ColumnSpec.Double("pre_shock_run_share", "share of runs that came before the path's first shock (not in the time to run; NaN with no runs)", "fraction"),
        ColumnSpec.Double("p_impaired", "probability that the (senior) claim lost value within the run's steps", "probability"),
        ColumnSpec.Double("p_impaired_lo", "lower end of the 95% interval of p_impaired", "probability"),
        ColumnSpec.Double("p_impaired_hi", "upper end of the 95% interval of p_impaired", "probability"),
        ColumnSpec.Double("time_to_impairment_p50", "median steps from the scenario's first shock (step 0 on paths without one) to impairment, over paths impaired at or after it", "steps"),
        ColumnSpec.Double("pre_shock_impairment_share", "share of impaired paths impaired before their first shock (not in the time to impairment; NaN with none impaired)", "fraction"),
        ColumnSpec.Double("time_to_recovery_p50", "median steps from the run or impairment to recovery, over recovered paths", "steps"),
        ColumnSpec.Double("break_the_buck_frequency", "mean share of path-time with price < break_the_buck × NAV (or peg)", "fraction"),
        ColumnSpec.Double("break_the_buck_frequency_lo", "lower end of its 95% interval", "fraction"),
        ColumnSpec.Double("break_the_buck_frequency_hi", "upper end of its 95% interval", "fraction"),
        ColumnSpec.Double("min_headroom_p05", "5% quantile over paths of the smallest critical-fraction headroom (negative: the path passed its critical fraction)", "fraction"),
        ColumnSpec.Double("min_lcr_p05", "5% quantile over paths of the smallest liquidity coverage ratio (stressed demand over lcr_horizon steps)", "ratio"),
        ColumnSpec.Double("lcr_below_one_share", "mean share of steps with a liquidity coverage ratio below 1", "fraction"),
        ColumnSpec.Double("max_queue_share_p95", "95% quantile over paths of the largest queued share of claims", "fraction"),
        ColumnSpec.Double("fill_ratio_mean", "mean over paths of claims redeemed ÷ claims requested", "fraction"),
        ColumnSpec.Double("mean_wait", "mean over paths of the unit-weighted wait of redeemed claims", "steps"),
        ColumnSpec.Double("refused_exits_mean", "mean refused exit attempts per path", "count"),
        ColumnSpec.Double("first_mover_advantage", "geometric mean over paths with redemptions of the first-mover advantage (the first vs the last first_mover_share of redeemed claims; 1 = no race; the per-path ratio is unbounded when late exits get next to nothing)", "ratio"),
        ColumnSpec.Double("first_mover_advantage_lo", "lower end of its 95% interval (normal on the log scale)", "ratio"),
        ColumnSpec.Double("first_mover_advantage_hi", "upper end of its 95% interval (normal on the log scale)", "ratio"),
        ColumnSpec.Int64("first_mover_paths", "paths with redemptions whose ratio is finite and positive (those the geometric mean averages over)", "count"),
        ColumnSpec.Int64("first_mover_unbounded_paths", "paths with redemptions where one side of the comparison received nothing (ratio 0 or +∞), left out of the geometric mean", "count"),
        ColumnSpec.Amount("insolvency_loss_mean", "mean insolvency loss per path (bad debt, shortfall)", "units of the claim's asset"),
        ColumnSpec.Amount("insolvency_loss_var99", "99% VaR of the insolvency loss (type-1 quantile; null when importance-sampled)", "units of the claim's asset") with { Nullable = true },
        ColumnSpec.Double("insolvency_loss_es99", "99% expected shortfall of the insolvency loss (Acerbi–Tasche tail mean)", "units of the claim's asset"),
        ColumnSpec.Amount("run_loss_mean", "mean run loss per path (slippage, exit fees, liquidation)", "units of the claim's asset"),
        ColumnSpec.Amount("run_loss_var99", "99% VaR of the run loss (type-1 quantile; null when importance-sampled)", "units of the claim's asset") with { Nullable = true },
        ColumnSpec.Double("run_loss_es99", "99% expected shortfall of the run loss", "units of the claim's asset"),
    ];

    /// <summary>
    /// One summary row from the per-path run metric columns of <paramref name="paths"/> (found by
    /// name). With importance sampling (any weight ≠ 1) probabilities are the weighted
    /// (likelihood-ratio) estimates with normal-approximation intervals and a variance-reduction
    /// factor, means are self-normalised weighted means, and quantile, VaR and ES columns are NaN:
    /// quantiles of a tilted sample would describe the sampling measure, not the model's.
    /// </summary>
    public static ColumnTable Summarize(ColumnTable paths)
    {
        var table = new ColumnTable(SummaryColumns, 1);
        int n = paths.RowCount;
        var weights = paths.Double("weight");
        bool weighted = weights.Any(w => w != 1);
        var run = paths.Boolean("run");
        var runStep = paths.Int32("run_step");
        var shockStep = paths.Int32("shock_step");
        var impairedStep = paths.Int32("impaired_step");
        var recoveredStep = paths.Int32("recovered_step");

        int col = 0;
        table.Int64(col++)[0] = n;
        var (pRun, pRunLo, pRunHi, vrf) = Probability(run, weights, weighted);
        table.Double(col++)[0] = pRun;
        table.Double(col++)[0] = pRunLo;
        table.Double(col++)[0] = pRunHi;
        table.Double(col++)[0] = vrf;
        var runs = Enumerable.Range(0, n).Where(i => run[i]).ToArray();
        table.Double(col++)[0] = runs.Length == 0 ? double.NaN : (double)runs.Count(i => paths.Boolean("run_by_redemptions")[i]) / runs.Length;
        var (timeToRun, preShockRuns) = SinceShock(runs, runStep, shockStep);
        table.Double(col++)[0] = Quantile(timeToRun, 0.5, weighted);
        table.Double(col++)[0] = Quantile(timeToRun, 0.05, weighted);
        table.Double(col++)[0] = Quantile(timeToRun, 0.95, weighted);
        table.Double(col++)[0] = preShockRuns;

        var impaired = impairedStep.Select(s => s >= 0).ToArray();
        var (pImp, pImpLo, pImpHi, _) = Probability(impaired, weights, weighted);
        table.Double(col++)[0] = pImp;
        table.Double(col++)[0] = pImpLo;
        table.Double(col++)[0] = pImpHi;
        var (timeToImpairment, preShockImpairments) = SinceShock(Enumerable.Range(0, n).Where(i => impaired[i]).ToArray(), impairedStep, shockStep);
        table.Double(col++)[0] = Quantile(timeToImpairment, 0.5, weighted);
        table.Double(col++)[0] = preShockImpairments;
        table.Double(col++)[0] = Quantile(Enumerable.Range(0, n).Where(i => recoveredStep[i] >= 0)
            .Select(i => (double)(recoveredStep[i] - StartOfTrouble(runStep[i], impairedStep[i]))).ToArray(), 0.5, weighted);

        var (btb, btbLo, btbHi) = Mean(paths.Double("break_the_buck_share"), weights, weighted);
        table.Double(col++)[0] = btb;
        table.Double(col++)[0] = btbLo;
        table.Double(col++)[0] = btbHi;
        table.Double(col++)[0] = Quantile(Defined(paths.Double("min_headroom")), 0.05, weighted);
        table.Double(col++)[0] = Quantile(Defined(paths.Double("min_lcr")), 0.05, weighted);
        table.Double(col++)[0] = Mean(paths.Double("lcr_below_one_share"), weights, weighted).Estimate;
        table.Double(col++)[0] = Quantile(paths.Double("max_queue_share"), 0.95, weighted);
        table.Double(col++)[0] = Mean(paths.Double("fill_ratio"), weights, weighted).Estimate;
        table.Double(col++)[0] = Mean(paths.Double("mean_wait"), weights, weighted).Estimate;
        table.Double(col++)[0] = Mean(paths.Int64("refused_exits").Select(v => (double)v).ToArray(), weights, weighted).Estimate;

        // The per-path ratio is unbounded (late exits into a drained pool get next to nothing), so
        // an arithmetic mean with a normal interval is carried by one path and its interval can go
        // negative; the geometric mean, with the interval taken on the log scale, stays positive and
        // treats first/last and last/first alike.
        var fma = paths.Double("first_mover_advantage");
        // A side that received nothing makes the ratio 0 or +∞, whose logarithm no mean can hold:
        // such paths are counted apart rather than averaged.
        var withFills = Enumerable.Range(0, n).Where(i => fma[i] > 0 && double.IsFinite(fma[i])).ToArray();
        int unbounded = Enumerable.Range(0, n).Count(i => fma[i] == 0 || double.IsPositiveInfinity(fma[i]));
        var (logMean, logLo, logHi) = Mean(withFills.Select(i => DeterministicMath.Log(fma[i])).ToArray(), withFills.Select(i => weights[i]).ToArray(), weighted);
        table.Double(col++)[0] = DeterministicMath.Exp(logMean);
        table.Double(col++)[0] = DeterministicMath.Exp(logLo);
        table.Double(col++)[0] = DeterministicMath.Exp(logHi);
        table.Int64(col++)[0] = withFills.Length;
        table.Int64(col++)[0] = unbounded;

        foreach (var name in new[] { "insolvency_loss", "run_loss" })
        {
            var losses = paths.Int64(name);
            var moments = default(FixedMoments);
            moments.Add(losses);
            var sorted = losses.Order().ToArray();
            table.Int64(col++)[0] = n == 0 ? 0 : weighted ? Fixed.FromDouble(Mean(losses.Select(Fixed.ToDouble).ToArray(), weights, true).Estimate) : moments.MeanRaw(Rounding.Floor);
            int var99 = col++;
            if (n == 0 || weighted)
            {
                table.Nulls(var99)![0] = true;
            }
            else
            {
                table.Int64(var99)[0] = Quantiles.SortedExact(sorted, 0.99, QuantileType.Type1, Rounding.Floor);
            }

            table.Double(col++)[0] = n == 0 || weighted ? double.NaN : RiskMeasures.ExpectedShortfall(sorted, 0.99) / Fixed.One;
        }

        return table;
    }

    /// <summary>Columns of several tables with the same row count, side by side (a model's own summary with the run metrics).</summary>
    public static ColumnTable Join(params ColumnTable[] tables)
    {
        int rows = tables[0].RowCount;
        var joined = new ColumnTable(tables.SelectMany(t => t.Columns).ToList(), rows);
        int c = 0;
        foreach (var t in tables)
        {
            if (t.RowCount != rows)
            {
                throw new ArgumentException($"tables to join have {rows} and {t.RowCount} rows");
            }

            for (int i = 0; i < t.Columns.Count; i++, c++)
            {
                Array.Copy(t.Raw(i), joined.Raw(c), rows);
                if (t.Nulls(i) is { } nulls)
                {
                    Array.Copy(nulls, joined.Nulls(c)!, rows);
                }
            }
        }

        return joined;
    }

    /// <summary>
    /// Steps from each path's first shock (step 0 when it has none) to its event, for the events
    /// at or after the shock, and the share of events that came before it: a time "from the
    /// shock" is not defined for them, and a negative one would mix them into the distribution.
    /// </summary>
    private static (double[] Times, double PreShockShare) SinceShock(int[] rows, int[] eventStep, int[] shockStep)
    {
        var times = rows.Where(i => eventStep[i] >= Math.Max(0, shockStep[i])).Select(i => (double)(eventStep[i] - Math.Max(0, shockStep[i]))).ToArray();
        return (times, rows.Length == 0 ? double.NaN : (double)(rows.Length - times.Length) / rows.Length);
    }

    private static int StartOfTrouble(int runStep, int impairedStep) =>
        runStep < 0 ? impairedStep : impairedStep < 0 ? runStep : Math.Min(runStep, impairedStep);

    private static (double Estimate, double Lower, double Upper, double VarianceReduction) Probability(bool[] events, double[] weights, bool weighted)
    {
        int n = events.Length;
        if (n == 0)
        {
            return (double.NaN, double.NaN, double.NaN, double.NaN);
        }

        if (!weighted)
        {
            long k = events.LongCount(e => e);
            var ci = BinomialInterval.Wilson(k, n, Confidence);
            return ((double)k / n, ci.Lower, ci.Upper, 1);
        }

        var sum = new DoubleMoments();
        for (int i = 0; i < n; i++)
        {
            sum.Add(events[i] ? weights[i] : 0);
        }

        double p = sum.Mean;
        double variance = sum.PopulationVariance / n;
        double plain = p * (1 - p) / n;
        double se = Math.Sqrt(variance);
        return (p, Math.Max(0, p - (Z95 * se)), Math.Min(1, p + (Z95 * se)), variance > 0 ? plain / variance : double.PositiveInfinity);
    }

    private static (double Estimate, double Lower, double Upper) Mean(double[] values, double[] weights, bool weighted)
    {
        if (values.Length == 0)
        {
            return (double.NaN, double.NaN, double.NaN);
        }

        var moments = new DoubleMoments();
        if (!weighted)
        {
            moments.Add(values);
            double se = values.Length > 1 ? Math.Sqrt(moments.Variance / values.Length) : double.NaN;
            return (moments.Mean, moments.Mean - (Z95 * se), moments.Mean + (Z95 * se));
        }

        var weightSum = new DoubleMoments();
        for (int i = 0; i < values.Length; i++)
        {
            moments.Add(values[i] * weights[i]);
            weightSum.Add(weights[i]);
        }

        double mean = moments.Sum / weightSum.Sum;
        double error = Math.Sqrt(moments.PopulationVariance / values.Length) / Math.Max(weightSum.Mean, double.Epsilon);
        return (mean, mean - (Z95 * error), mean + (Z95 * error));
    }

    private static double[] Defined(double[] values) => values.Where(v => !double.IsNaN(v)).ToArray();

    private static double Quantile(double[] values, double p, bool weighted)
    {
        if (values.Length == 0 || weighted)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        return Quantiles.Sorted(sorted, p, QuantileType.Type7);
    }
}
