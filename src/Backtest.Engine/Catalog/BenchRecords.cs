namespace Backtest.Engine.Catalog;

/// <summary>
/// One build's figures for one benchmark, times per BenchmarkDotNet operation (a call performs
/// <see cref="OperationsPerInvoke"/> of them) over every timed iteration: median, quartiles
/// (type 7) and median absolute deviation; <see cref="Throughput"/> is units per second at the median.
/// </summary>
public sealed record BenchFigures(
    double MedianNsPerOperation,
    double LowerQuartileNsPerOperation,
    double UpperQuartileNsPerOperation,
    double MadNsPerOperation,
    int Iterations,
    long InvokesPerIteration,
    long OperationsPerInvoke,
    double Throughput);

/// <summary>
/// One benchmark of a <c>backtest bench</c> session: the current build's figures, the baseline's
/// where compared, the throughput ratio current/baseline with its interval, and the verdict
/// ("measured", "ok", "regression", "only in current", "only in baseline", "baseline failed", "failed").
/// </summary>
public sealed record BenchEntry(
    string Benchmark,
    bool Tracked,
    string Unit,
    string Verdict,
    BenchFigures? Current,
    BenchFigures? Baseline,
    double? Ratio,
    double? RatioLower,
    double? RatioUpper,
    string? Error);

/// <summary>A <c>backtest bench</c> session: which builds, how many rounds, where its files went, whether the gate passed.</summary>
public sealed record BenchSessionRecord(
    DateTimeOffset Started,
    DateTimeOffset Finished,
    string GitCommit,
    bool GitDirty,
    string? BaselineRef,
    string? BaselineCommit,
    int Rounds,
    string Machine,
    string OutputFolder,
    bool Passed,
    IReadOnlyList<BenchEntry> Results)
{
    /// <summary>The catalogue id, once recorded.</summary>
    public long? Id { get; init; }
}

/// <summary>One benchmark's line in the catalogue's history: when, which commit, its throughput and (if compared) ratio.</summary>
public sealed record BenchHistoryEntry(long SessionId, DateTimeOffset Started, string GitCommit, bool GitDirty, string Benchmark, string Unit, double? Throughput, double? Ratio, string Verdict);
