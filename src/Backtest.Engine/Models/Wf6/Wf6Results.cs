using Backtest.IO.Tables;
using Backtest.Numerics;
using Backtest.Numerics.Statistics;
using Backtest.Protocols.Waterfall;
using Backtest.Protocols.Waterfall.Wf6;

namespace Backtest.Engine.Models.Wf6;

/// <summary>WF6's per-path columns and its summary (shared/spec/wf6_workload.md, "Per-path outputs" and "Summary").</summary>
public static class Wf6Results
{
    /// <summary>The 1-based tier numbers used in column names (t1 = SURE-BTC, the senior tier).</summary>
    private static readonly int[] Tiers = [1, 2, 3, 4, 5, 6];

    /// <summary>Per-path columns in order: final capital, first wiped-out day and premiums per tier, then breaker day, shortfall, minimum total capital.</summary>
    public static IReadOnlyList<ColumnSpec> PathColumns { get; } =
    [
        .. Tiers.Select(t => ColumnSpec.Amount($"final_capital_t{t}", $"capital of tier {t} ({Tranches.Name((Tranche)t)}) at the end of the horizon", "USD")),
        .. Tiers.Select(t => ColumnSpec.Int32($"wiped_day_t{t}", $"first day at whose end tier {t}'s capital is 0; -1 if never", "day")),
        .. Tiers.Select(t => ColumnSpec.Amount($"premiums_t{t}", $"premiums paid to tier {t} over the horizon", "USD")),
        ColumnSpec.Int32("breaker_day", "first day whose loss exceeded the breaker share of the capital at the start of that day; -1 if never", "day"),
        ColumnSpec.Amount("shortfall", "loss no tier could absorb, summed over the horizon", "USD"),
        ColumnSpec.Amount("min_total_capital", "lowest total capital at day 0 or the end of any day", "USD"),
    ];

    /// <summary>Writes paths 0 … count − 1 of <paramref name="outputs"/> into the path columns (column index → the span to fill).</summary>
    public static void Write(Wf6Outputs outputs, int count, Func<int, Span<long>> int64Column, Func<int, Span<int>> int32Column)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        for (int i = 0; i < Tranches.Count; i++)
        {
            outputs.FinalCapitalOf(i)[..count].CopyTo(int64Column(i));
            outputs.WipedDayOf(i)[..count].CopyTo(int32Column(Tranches.Count + i));
            outputs.PremiumsOf(i)[..count].CopyTo(int64Column((2 * Tranches.Count) + i));
        }

        outputs.BreakerDay.AsSpan(0, count).CopyTo(int32Column(3 * Tranches.Count));
        outputs.Shortfall.AsSpan(0, count).CopyTo(int64Column((3 * Tranches.Count) + 1));
        outputs.MinTotalCapital.AsSpan(0, count).CopyTo(int64Column((3 * Tranches.Count) + 2));
    }

    /// <summary>All paths of <paramref name="outputs"/> as a table of <see cref="PathColumns"/>.</summary>
    public static ColumnTable ToTable(Wf6Outputs outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var table = new ColumnTable(PathColumns, outputs.Capacity);
        Write(outputs, outputs.Capacity, c => table.Int64(c), c => table.Int32(c));
        return table;
    }

    /// <summary>The summary's columns; every statistic is over all paths of the run at the horizon's end.</summary>
    public static IReadOnlyList<ColumnSpec> SummaryColumns { get; } =
    [
        ColumnSpec.Int32("tier", "tier number, 1 = SURE-BTC (senior) … 6 = SURE-EQT (equity)"),
        ColumnSpec.Text("name", "tranche name"),
        ColumnSpec.Int64("paths", "number of paths n"),
        ColumnSpec.Amount("mean_final", "mean final capital over the paths, rounded down", "USD"),
        ColumnSpec.Double("mean_final_se", "standard error of mean_final: sample standard deviation / sqrt(n)", "USD"),
        ColumnSpec.Double("p_impaired", "share of paths whose final capital is below the initial capital", "probability"),
        ColumnSpec.Double("p_impaired_se", "binomial standard error sqrt(p(1 - p)/n) of p_impaired", "probability"),
        ColumnSpec.Double("p_wiped", "share of paths on which the tier's capital reached 0", "probability"),
        ColumnSpec.Double("p_wiped_se", "binomial standard error of p_wiped", "probability"),
        ColumnSpec.Amount("mean_loss", "mean of loss = max(0, initial - final), rounded down", "USD"),
        ColumnSpec.Double("mean_loss_se", "standard error of mean_loss", "USD"),
        ColumnSpec.Amount("var99_loss", "99% value at risk of the loss: the smallest loss with at least 99% of paths at or below it (Hyndman-Fan type 1)", "USD"),
        ColumnSpec.Double("es99_loss", "99% expected shortfall of the loss: mean of the worst 1% of paths, the boundary path weighted by its fraction (Acerbi-Tasche)", "USD"),
        ColumnSpec.Double("p_breaker", "share of paths on which the circuit breaker tripped (same on every row)", "probability"),
        ColumnSpec.Double("p_breaker_se", "binomial standard error of p_breaker", "probability"),
        ColumnSpec.Double("p_shortfall", "share of paths with shortfall > 0 (same on every row)", "probability"),
        ColumnSpec.Double("p_shortfall_se", "binomial standard error of p_shortfall", "probability"),
    ];

    /// <summary>One row per tier from the per-path columns (<see cref="PathColumns"/>).</summary>
    public static ColumnTable Summarize(Wf6Terms terms, ColumnTable paths)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(paths);
        int n = paths.RowCount;
        if (n == 0)
        {
            throw new InvalidOperationException("a summary needs at least one path");
        }

        var summary = new ColumnTable(SummaryColumns, Tranches.Count);
        var breakers = paths.Int32("breaker_day");
        var shortfall = paths.Int64("shortfall");
        double pBreaker = Share(breakers, d => d >= 0), pShortfall = Share(shortfall, s => s > 0);
        var losses = new long[n];
        for (int i = 0; i < Tranches.Count; i++)
        {
            int tier = i + 1;
            long initial = terms.InitialCapital[i];
            var final = paths.Int64($"final_capital_t{tier}");
            var wiped = paths.Int32($"wiped_day_t{tier}");
            var finalMoments = new FixedMoments();
            var lossMoments = new FixedMoments();
            finalMoments.Add(final);
            for (int p = 0; p < n; p++)
            {
                losses[p] = Math.Max(0, initial - final[p]);
            }

            lossMoments.Add(losses);
            Array.Sort(losses);
            double pImpaired = Share(final, f => f < initial), pWiped = Share(wiped, d => d >= 0);

            summary.Int32("tier")[i] = tier;
            summary.Text("name")[i] = Tranches.Name((Tranche)tier);
            summary.Int64("paths")[i] = n;
            summary.Int64("mean_final")[i] = finalMoments.MeanRaw(Rounding.Floor);
            summary.Double("mean_final_se")[i] = StandardError(finalMoments);
            summary.Double("p_impaired")[i] = pImpaired;
            summary.Double("p_impaired_se")[i] = BinomialError(pImpaired, n);
            summary.Double("p_wiped")[i] = pWiped;
            summary.Double("p_wiped_se")[i] = BinomialError(pWiped, n);
            summary.Int64("mean_loss")[i] = lossMoments.MeanRaw(Rounding.Floor);
            summary.Double("mean_loss_se")[i] = StandardError(lossMoments);
            summary.Int64("var99_loss")[i] = Quantiles.SortedExact(losses, 0.99, QuantileType.Type1, Rounding.Floor);
            summary.Double("es99_loss")[i] = RiskMeasures.ExpectedShortfall(losses, 0.99) / Fixed.One;
            summary.Double("p_breaker")[i] = pBreaker;
            summary.Double("p_breaker_se")[i] = BinomialError(pBreaker, n);
            summary.Double("p_shortfall")[i] = pShortfall;
            summary.Double("p_shortfall_se")[i] = BinomialError(pShortfall, n);
        }

        return summary;
    }

    private static double Share<T>(T[] values, Func<T, bool> predicate) => values.Count(predicate) / (double)values.Length;

    private static double BinomialError(double p, int n) => Math.Sqrt(p * (1 - p) / n);

    private static double StandardError(FixedMoments moments) =>
        moments.Count < 2 ? double.NaN : moments.StandardDeviation / Math.Sqrt(moments.Count) / Fixed.One;
}
