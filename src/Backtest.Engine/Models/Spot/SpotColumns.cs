using Backtest.Engine.Metrics;
using Backtest.IO.Tables;
using Backtest.Numerics;
using Backtest.Numerics.Statistics;
using Backtest.Protocols.Ampleforth.Spot;

namespace Backtest.Engine.Models.Spot;

/// <summary>
/// The spot model's own output columns: per path (after the run metric columns), per step in
/// <c>series.parquet</c>, and per run (joined after <see cref="RunMetrics.Summarize"/>). Every
/// description is repeated in docs/outputs.md ("The spot model").
/// </summary>
public static class SpotColumns
{
    private const double Z95 = 1.959963984540054;

    public static readonly IReadOnlyList<ColumnSpec> Path =
    [
        ColumnSpec.Double("dr_min", "lowest deviation ratio over the path, after each day's operations (v5: vault TVL ÷ perp TVL ÷ target system ratio; v3/v4: the subscription DR; v2: the v5 definition)", "ratio"),
        ColumnSpec.Double("dr_max", "highest deviation ratio over the path", "ratio"),
        ColumnSpec.Double("dr_outside_band_share", "share of days with the deviation ratio outside [0.95, 1.05]", "fraction"),
        ColumnSpec.Double("dr_deepest_excursion", "largest distance of the deviation ratio beyond the band [0.95, 1.05] (0 if it never left)", "ratio"),
        ColumnSpec.Double("unrollable_share", "share of days on which the perp held assets up for rollover (a tranche within the rollover window, or over 1 AMPL) that the vault's recover-and-deploy left unrolled", "fraction"),
        ColumnSpec.Double("under_subscribed_share", "share of days with the deviation ratio below the fee policy's equilibrium band (the seed's under-subscribed system)", "fraction"),
        ColumnSpec.Double("over_subscribed_share", "share of days with the deviation ratio above the equilibrium band (over-subscribed)", "fraction"),
        ColumnSpec.Amount("fees_paid", "fees the perp and vault kept from holders' and arbitrageurs' operations (fair value of what was given up − value received, for perp redemptions, vault swaps and note redemptions)", "AMPL"),
        ColumnSpec.Amount("rebalance_transfer", "net value the daily v5 rebalances moved into the perp (negative: debasement of the perp toward the vault)", "AMPL"),
        ColumnSpec.Double("senior_cdr_min", "lowest collateral ÷ senior supply of any live bond over the path (below 1: a senior tranche was impaired; NaN with no live bond)", "ratio"),
        ColumnSpec.Double("pool_discount_max", "largest discount of SPOT's pool price to its NAV at AMPL's market price, over the path's days (1 − price ÷ NAV)", "fraction"),
        ColumnSpec.Int32("supply_capped_days", "days whose AMPL rebase was skipped because the supply would have passed the token model's 64-bit range (9.2·10⁹ AMPL; only exogenous Monte Carlo prices get there)", "days"),
        ColumnSpec.Boolean("note_run", "the vault-note holders had a run event (the run conditions applied to note redemptions)"),
        ColumnSpec.Double("note_peak_window_redemption", "largest share of outstanding notes redeemed within any run_window days", "fraction"),
        ColumnSpec.Double("note_first_mover_advantage", "AMPL per note unit received by the first first_mover_share of redeemed notes ÷ by the last share (NaN with no redemptions)", "ratio"),
        ColumnSpec.Amount("note_run_loss", "exit fees note holders paid on redemption (fair share of vault TVL − basket value)", "AMPL"),
        ColumnSpec.Double("note_exit_fee_first", "unit-weighted mean exit fee (share of fair value) paid by the first first_mover_share of redeemed notes (NaN with no redemptions)", "fraction"),
        ColumnSpec.Double("note_exit_fee_last", "unit-weighted mean exit fee paid by the last first_mover_share of redeemed notes", "fraction"),
    ];

    public static readonly IReadOnlyList<ColumnSpec> Series =
    [
        ColumnSpec.Amount("ampl_price", "AMPL's market price (the day's close)", "USD"),
        ColumnSpec.Amount("ampl_target", "AMPL's target price", "USD"),
        ColumnSpec.Amount("ampl_supply", "AMPL's total supply after the day's rebase, in millions of AMPL (so a Monte Carlo path's supply fits the column: the token itself overflows before 9.2·10⁹ AMPL)", "millions of AMPL"),
        ColumnSpec.Double("rebase_pct", "the day's supply change", "percent"),
        ColumnSpec.Amount("perp_tvl", "perp (SPOT) reserve value", "AMPL"),
        ColumnSpec.Amount("perp_supply", "SPOT supply", "SPOT"),
        ColumnSpec.Amount("perp_price", "perp TVL ÷ SPOT supply (rounded down)", "AMPL per SPOT"),
        ColumnSpec.Amount("vault_tvl", "rollover vault value", "AMPL"),
        ColumnSpec.Amount("vault_supply", "vault note supply ÷ 10⁶ (one per AMPL at the initial rate)", "notes ÷ 10⁶"),
        ColumnSpec.Double("dr", "deviation ratio after the day's operations (0 when the perp is empty)", "ratio"),
        ColumnSpec.Amount("rebalance_amount", "the day's v5 rebalance into the perp (negative: debasement)", "AMPL"),
        ColumnSpec.Double("senior_cdr_min", "lowest collateral ÷ senior supply of any live bond (below 1: impaired senior; 0 with no live bond)", "ratio"),
        ColumnSpec.Amount("usdc_price", "USDC's price", "USD"),
        ColumnSpec.Double("spot_pool_price", "SPOT's price on the SPOT-USDC pool (0 if undefined)", "USD"),
        ColumnSpec.Amount("spot_held", "SPOT still held by the SPOT holder population", "SPOT"),
        ColumnSpec.Int64("unrollable", "1 on a day the vault left assets up for rollover unrolled, else 0", "flag"),
    ];

    public static IReadOnlyList<ColumnSpec> SummaryColumns { get; } =
    [
        ColumnSpec.Double("dr_min_mean", "mean over paths of the lowest deviation ratio (likelihood-ratio weighted when importance-sampled)", "ratio"),
        ColumnSpec.Double("dr_min_p05", "5% quantile over paths of the lowest deviation ratio (type 7; NaN when importance-sampled)", "ratio"),
        ColumnSpec.Double("dr_outside_band_share_mean", "mean share of days with DR outside [0.95, 1.05]", "fraction"),
        ColumnSpec.Double("dr_deepest_excursion_mean", "mean over paths of the deepest DR excursion beyond [0.95, 1.05]", "ratio"),
        ColumnSpec.Double("dr_deepest_excursion_p95", "95% quantile over paths of the deepest DR excursion (type 7; NaN when importance-sampled)", "ratio"),
        ColumnSpec.Double("unrollable_share_mean", "mean share of days the vault could not roll over what was due", "fraction"),
        ColumnSpec.Double("under_subscribed_share_mean", "mean share of days below the equilibrium band", "fraction"),
        ColumnSpec.Double("over_subscribed_share_mean", "mean share of days above the equilibrium band", "fraction"),
        ColumnSpec.Double("fees_paid_mean", "mean fees kept by the perp and vault per path", "AMPL"),
        ColumnSpec.Double("rebalance_transfer_mean", "mean net rebalance transfer into the perp per path", "AMPL"),
        ColumnSpec.Double("senior_cdr_min_p05", "5% quantile over paths of the lowest senior cover (type 7; NaN when importance-sampled or no path had a live bond)", "ratio"),
        ColumnSpec.Double("p_note_run", "probability of a run on the vault notes within the horizon", "probability"),
        ColumnSpec.Double("p_note_run_lo", "lower end of the 95% interval of p_note_run (Wilson; normal approximation when importance-sampled)", "probability"),
        ColumnSpec.Double("p_note_run_hi", "upper end of the 95% interval of p_note_run", "probability"),
        ColumnSpec.Double("note_first_mover_advantage_mean", "mean over paths with note redemptions of the notes' first-mover advantage", "ratio"),
        ColumnSpec.Double("note_exit_fee_first_mean", "mean over paths with note redemptions of the first redeemers' exit fee", "fraction"),
        ColumnSpec.Double("note_exit_fee_last_mean", "mean over paths with note redemptions of the last redeemers' exit fee", "fraction"),
    ];

    /// <summary>Writes a path's spot columns from column <paramref name="first"/> on, in <see cref="Path"/> order.</summary>
    public static void WritePath(Models.PathBatch batch, int row, int first, SpotPath run, RunConditions conditions)
    {
        int days = run.Days.Length;
        int c = first;
        batch.Double(c++)[row] = run.DrMin;
        batch.Double(c++)[row] = run.DrMax;
        batch.Double(c++)[row] = (double)run.DaysOutsideBand / days;
        batch.Double(c++)[row] = run.DeepestExcursion;
        batch.Double(c++)[row] = (double)run.UnrollableDays / days;
        batch.Double(c++)[row] = (double)run.UnderSubscribedDays / days;
        batch.Double(c++)[row] = (double)run.OverSubscribedDays / days;
        batch.Int64(c++)[row] = run.FeesPaid;
        batch.Int64(c++)[row] = run.RebalanceTransfer;
        batch.Double(c++)[row] = run.SeniorCdrMinOverPath;
        batch.Double(c++)[row] = run.MaxPoolDiscount;
        batch.Int32(c++)[row] = run.SupplyCappedDays;

        // The note observer's columns come from its own run-metric row.
        var scratch = new ColumnTable(RunMetrics.PathColumns, 1);
        run.NoteObserver.Write(new Models.PathBatch(scratch, 0, 0, 1, new Models.SeriesRecorder([], 0, 1)), 0, 0);
        batch.Boolean(c++)[row] = scratch.Boolean("run")[0];
        batch.Double(c++)[row] = scratch.Double("peak_window_redemption")[0];
        batch.Double(c++)[row] = scratch.Double("first_mover_advantage")[0];
        batch.Int64(c++)[row] = scratch.Int64("run_loss")[0];
        batch.Double(c++)[row] = run.NoteExitFee(conditions.FirstMoverShare, first: true);
        batch.Double(c)[row] = run.NoteExitFee(conditions.FirstMoverShare, first: false);
    }

    /// <summary>Records a path's days in <see cref="Series"/> order.</summary>
    public static void WriteSeries(Models.SeriesRecorder series, long path, SpotDay[] days)
    {
        for (int t = 0; t < days.Length; t++)
        {
            var d = days[t];
            int v = 0;
            series.Set(v++, path, t, d.AmplPrice);
            series.Set(v++, path, t, d.AmplTarget);
            series.Set(v++, path, t, Fixed.DivInt(d.AmplSupply, 1_000_000, Rounding.Floor));
            series.Set(v++, path, t, d.RebasePercent);
            series.Set(v++, path, t, d.PerpTvl);
            series.Set(v++, path, t, d.PerpSupply);
            series.Set(v++, path, t, d.PerpSupply == 0 ? 0 : Fixed.MulDiv(d.PerpTvl, Fixed.One, d.PerpSupply, Rounding.Floor));
            series.Set(v++, path, t, d.VaultTvl);
            series.Set(v++, path, t, Fixed.ToInt64(d.NoteSupply / RolloverVault.InitialRate, "vault_supply"));
            series.Set(v++, path, t, Finite(d.DeviationRatio));
            series.Set(v++, path, t, d.RebalanceAmount);
            series.Set(v++, path, t, Finite(d.SeniorCdrMin));
            series.Set(v++, path, t, d.UsdcPrice);
            series.Set(v++, path, t, Finite(d.PoolPriceUsd));
            series.Set(v++, path, t, d.SpotHeld);
            series.Set(v, path, t, d.Unrollable ? 1L : 0L);
        }
    }

    /// <summary>Series statistics need finite values: an undefined ratio (no perp TVL, no live bond) is recorded as 0, as the column descriptions say.</summary>
    private static double Finite(double value) => double.IsFinite(value) ? value : 0;

    /// <summary>The spot summary row: means (self-normalised likelihood-ratio weighted when any weight ≠ 1), type-7 quantiles (NaN when weighted), and the note run probability with its interval.</summary>
    public static ColumnTable Summarize(ColumnTable paths)
    {
        var table = new ColumnTable(SummaryColumns, 1);
        var w = paths.Double("weight");
        bool weighted = w.Any(x => x != 1);
        int c = 0;
        table.Double(c++)[0] = Mean(paths.Double("dr_min"), w);
        table.Double(c++)[0] = Quantile(paths.Double("dr_min"), 0.05, weighted);
        table.Double(c++)[0] = Mean(paths.Double("dr_outside_band_share"), w);
        table.Double(c++)[0] = Mean(paths.Double("dr_deepest_excursion"), w);
        table.Double(c++)[0] = Quantile(paths.Double("dr_deepest_excursion"), 0.95, weighted);
        table.Double(c++)[0] = Mean(paths.Double("unrollable_share"), w);
        table.Double(c++)[0] = Mean(paths.Double("under_subscribed_share"), w);
        table.Double(c++)[0] = Mean(paths.Double("over_subscribed_share"), w);
        table.Double(c++)[0] = Mean(paths.Int64("fees_paid").Select(Fixed.ToDouble).ToArray(), w);
        table.Double(c++)[0] = Mean(paths.Int64("rebalance_transfer").Select(Fixed.ToDouble).ToArray(), w);
        table.Double(c++)[0] = Quantile(paths.Double("senior_cdr_min"), 0.05, weighted);
        var (p, lo, hi) = Probability(paths.Boolean("note_run"), w, weighted);
        table.Double(c++)[0] = p;
        table.Double(c++)[0] = lo;
        table.Double(c++)[0] = hi;
        table.Double(c++)[0] = Mean(paths.Double("note_first_mover_advantage"), w);
        table.Double(c++)[0] = Mean(paths.Double("note_exit_fee_first"), w);
        table.Double(c)[0] = Mean(paths.Double("note_exit_fee_last"), w);
        return table;
    }

    /// <summary>The weighted mean of the values that are not NaN (the plain mean when all weights are 1).</summary>
    private static double Mean(double[] values, double[] weights)
    {
        var sum = new DoubleMoments();
        var weightSum = new DoubleMoments();
        for (int i = 0; i < values.Length; i++)
        {
            if (!double.IsNaN(values[i]))
            {
                sum.Add(values[i] * weights[i]);
                weightSum.Add(weights[i]);
            }
        }

        return weightSum.Count == 0 || weightSum.Sum == 0 ? double.NaN : sum.Sum / weightSum.Sum;
    }

    private static double Quantile(double[] values, double p, bool weighted)
    {
        var defined = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        return weighted || defined.Length == 0 ? double.NaN : Quantiles.Sorted(defined, p, QuantileType.Type7);
    }

    private static (double P, double Lo, double Hi) Probability(bool[] events, double[] weights, bool weighted)
    {
        int n = events.Length;
        if (n == 0)
        {
            return (double.NaN, double.NaN, double.NaN);
        }

        if (!weighted)
        {
            long k = events.LongCount(e => e);
            var ci = BinomialInterval.Wilson(k, n, RunMetrics.Confidence);
            return ((double)k / n, ci.Lower, ci.Upper);
        }

        var m = new DoubleMoments();
        for (int i = 0; i < n; i++)
        {
            m.Add(events[i] ? weights[i] : 0);
        }

        double se = Math.Sqrt(m.PopulationVariance / n);
        return (m.Mean, Math.Max(0, m.Mean - (Z95 * se)), Math.Min(1, m.Mean + (Z95 * se)));
    }
}
