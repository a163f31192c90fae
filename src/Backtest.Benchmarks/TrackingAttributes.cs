namespace Backtest.Benchmarks;

/// <summary>
/// What one benchmark operation processes, so <c>backtest bench</c> reports throughput in the
/// work's own unit (elements/s, path-days/s) instead of operations per second. On a class it
/// applies to every benchmark of the class; a method's own attribute takes precedence.
/// Throughput = <see cref="UnitsPerOperation"/> × the benchmark's <c>OperationsPerInvoke</c> per
/// invocation, divided by the time of the invocation.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class ThroughputAttribute(string unit) : Attribute
{
    /// <summary>The unit, plural, as printed before "/s": "elements", "words", "values", "path-days".</summary>
    public string Unit { get; } = unit;

    /// <summary>Units in one BenchmarkDotNet operation (e.g. the values of one Parquet write); 1 by default.</summary>
    public long UnitsPerOperation { get; set; } = 1;
}

/// <summary>
/// Marks a benchmark as tracked: <c>backtest bench</c> runs the tracked set by default and the
/// regression gate (<c>backtest bench --baseline REF</c>) compares it with the baseline. Each
/// argument selects parameter cases, as comma-separated <c>Name=Value</c> pairs that must all
/// match (e.g. <c>"Tier=Scalar"</c>); with none, every case of the method is tracked.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class TrackedAttribute(params string[] cases) : Attribute
{
    public IReadOnlyList<string> Cases { get; } = cases;
}
