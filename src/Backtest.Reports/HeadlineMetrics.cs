namespace Backtest.Reports;

/// <summary>
/// The summary columns that answer "does it run, how fast, who loses" (spec: run_metrics), shown
/// where a reader cannot take in every column: the report's headline run tables and the
/// terminal's run table. Every other column stays in the full tables.
/// </summary>
public static class HeadlineMetrics
{
    /// <summary>A summary with at most this many metrics is shown whole; a headline would hide little.</summary>
    public const int FullTableLimit = 10;

    /// <summary>
    /// Headline columns in display order when a model writes them: the run metrics every model
    /// shares (run probability, time to run, impairment, the first-mover advantage, queues,
    /// insolvency and run losses), then model-specific ones (SPOT's deviation ratio and note
    /// run; the waterfall's wipe-out, loss and shortfall).
    /// </summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "p_run", "time_to_run_p50", "p_impaired", "first_mover_advantage", "max_queue_share_p95",
        "insolvency_loss_mean", "run_loss_mean", "dr_min_p05", "p_note_run",
        "p_wiped", "mean_loss", "var99_loss", "es99_loss", "p_shortfall",
    ];

    /// <summary>
    /// The headline among a summary's metric columns (name and unit, in summary order): the
    /// <see cref="Names"/> it has, in that order, then every other probability (unit
    /// "probability"), since a model's own event probabilities are what its readers look for
    /// first. A summary with none of these gets its first <see cref="FullTableLimit"/> columns.
    /// </summary>
    public static IReadOnlyList<string> Select(IReadOnlyList<(string Name, string? Unit)> metrics)
    {
        var available = metrics.Select(m => m.Name).ToHashSet(StringComparer.Ordinal);
        var chosen = Names.Where(available.Contains).ToList();
        chosen.AddRange(metrics.Where(m => m.Unit == "probability" && !chosen.Contains(m.Name)).Select(m => m.Name));
        return chosen.Count > 0 ? chosen : metrics.Take(FullTableLimit).Select(m => m.Name).ToArray();
    }
}
