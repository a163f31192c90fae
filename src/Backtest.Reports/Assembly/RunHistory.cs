namespace Backtest.Reports.Assembly;

/// <summary>
/// A study's earlier runs as the run catalogue lists them, for the report's history section.
/// </summary>
/// <param name="Catalog">The catalogue file consulted (named in the report).</param>
/// <param name="Headline">The metric compared across runs, e.g. "mean_final_capital at reference/ps000", or null when the run has no metrics.</param>
/// <param name="CurrentHeadline">This run's value of <paramref name="Headline"/>.</param>
/// <param name="Runs">Earlier runs, newest first.</param>
public sealed record RunHistory(string Catalog, string? Headline, double? CurrentHeadline, IReadOnlyList<EarlierRunEntry> Runs);

/// <summary>One earlier run of the study.</summary>
/// <param name="CatalogId">Its id in the catalogue (<c>backtest runs compare</c> takes it).</param>
/// <param name="Started">When it started (UTC).</param>
/// <param name="GitCommit">The engine's commit.</param>
/// <param name="GitDirty">Whether the engine's worktree had uncommitted changes.</param>
/// <param name="Paths">Paths per Monte Carlo run.</param>
/// <param name="PathDaysPerSecond">Its throughput over the whole run (wall time).</param>
/// <param name="Headline">Its value of <see cref="RunHistory.Headline"/>, null where it had none.</param>
/// <param name="ReportHref">Address of its report relative to this report, null when its folder no longer holds it.</param>
/// <param name="Whereabouts">Where its folder is, or that a later run replaced it or it was removed.</param>
public sealed record EarlierRunEntry(long CatalogId, DateTimeOffset Started, string GitCommit, bool GitDirty, long Paths, double PathDaysPerSecond,
    double? Headline, string? ReportHref, string Whereabouts);
