namespace Backtest.Engine.Catalog;

/// <summary>
/// One build's figures for one benchmark, times per BenchmarkDotNet operation (a call performs
/// <see cref="OperationsPerInvoke"/> of them) over every timed iteration: median, quartiles
/// (type 7) and median absolute deviation of wall time, and the median of the process's CPU time
/// (all threads); <see cref="Throughput"/> is units per second of wall time at the median,
/// <see cref="CpuThroughput"/> units per CPU-second.
/// </summary>
public sealed record BenchFigures(
    double MedianNsPerOperation,
    double LowerQuartileNsPerOperation,
    double UpperQuartileNsPerOperation,
    double MadNsPerOperation,
    double MedianCpuNsPerOperation,
    int Iterations,
    long InvokesPerIteration,
    long OperationsPerInvoke,
    double Throughput,
    double CpuThroughput);

/// <summary>
/// One benchmark of a <c>backtest bench</c> session: the current build's figures, the baseline's
/// where compared, the throughput ratio current/baseline per CPU-second with its interval (what
/// the regression gate judges), the ratio per wall second, and the verdict
/// ("measured", "ok", "regression", "only in current", "only in baseline", "baseline failed", "failed").
/// </summary>
public sealed record BenchEntry(
    string Benchmark,
    bool Tracked,
    string Unit,
    string Verdict,
    BenchFigures? Current,
    BenchFigures? Baseline,
    double? CpuRatio,
    double? CpuRatioLower,
    double? CpuRatioUpper,
    double? WallRatio,
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

/// <summary>One benchmark's line in the catalogue's history: when, which commit, its throughputs (wall, per CPU-second) and (if compared) CPU ratio.</summary>
public sealed record BenchHistoryEntry(long SessionId, DateTimeOffset Started, string GitCommit, bool GitDirty, string Benchmark, string Unit, double? Throughput, double? CpuThroughput, double? CpuRatio, string Verdict);
