using Backtest.Engine.Models;

namespace Backtest.Engine.Studies;

/// <summary>A scenario of a study with its settings resolved (defaults filled in).</summary>
public sealed record ResolvedScenario(int Index, string Name, ScenarioKind Kind, ParameterValues Settings);

/// <summary>One point of the parameter grid: the model's parameters with the sweep applied.</summary>
public sealed record ParameterSet(int Index, ParameterValues Values)
{
    /// <summary>The name used in outputs, e.g. "ps003".</summary>
    public string Name => $"ps{Index:D3}";
}

/// <summary>
/// A study file, validated and resolved: the model, its scenarios, and every parameter set the
/// sweep produces. Runs are scenario × parameter set, in that nesting order.
/// </summary>
public sealed record Study(
    string Name,
    string Description,
    string File,
    string SourceText,
    IModel Model,
    ulong Seed,
    long Paths,
    int Threads,
    int SeriesPaths,
    IReadOnlyList<ResolvedScenario> Scenarios,
    IReadOnlyList<ParameterSet> ParameterSets,
    IReadOnlyList<string> SweptParameters)
{
    /// <summary>
    /// The shard count for Kubernetes indexed jobs (<c>shards:</c>), which give each pod its index
    /// but not the count; null when the study does not say. Running a shard is chosen by
    /// <see cref="Runs.ShardSelection"/>, never by this key alone.
    /// </summary>
    public int? Shards { get; init; }

    /// <summary>Number of runs (scenarios × parameter sets).</summary>
    public int RunCount => Scenarios.Count * ParameterSets.Count;
}
