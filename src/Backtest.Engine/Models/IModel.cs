using Backtest.Engine.Studies;
using Backtest.IO.Tables;

namespace Backtest.Engine.Models;

/// <summary>
/// A system a study can run: it declares its parameters and scenario kinds (so study files are
/// validated before anything runs) and creates one simulation per (scenario, parameter set).
/// Implementations live beside their protocol's adapter in Backtest.Engine/Models and are
/// listed in <see cref="ModelCatalog"/>.
/// </summary>
public interface IModel
{
    /// <summary>The name a study's <c>model:</c> key uses, e.g. "waterfall".</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>The model's parameters (what <c>parameters:</c> and sweeps may set).</summary>
    IReadOnlyList<ParameterSpec> Parameters { get; }

    /// <summary>The scenario kinds a study's <c>scenarios:</c> may use.</summary>
    IReadOnlyList<ScenarioKind> ScenarioKinds { get; }

    /// <summary>A simulation for one scenario and one parameter set.</summary>
    ISimulation Create(SimulationContext context);
}

/// <summary>A kind of scenario (e.g. historical replay, Monte Carlo) and the settings it takes.</summary>
public sealed record ScenarioKind(string Name, string Description, IReadOnlyList<ParameterSpec> Parameters);

/// <summary>Everything a simulation needs to know about the run it is part of.</summary>
public sealed record SimulationContext(
    string StudyName,
    ulong Seed,
    int ScenarioIndex,
    ResolvedScenario Scenario,
    int ParameterSetIndex,
    ParameterValues Parameters,
    long Paths,
    int SeriesPaths,
    DataAccess Data);

/// <summary>
/// One simulation: per-path outputs for any range of paths, computed from the path indices
/// alone (counter-based randomness), so batches can run on any thread in any order and give
/// the same rows.
/// </summary>
public interface ISimulation
{
    /// <summary>How many paths this run has (1 for a historical replay; the study's count for Monte Carlo).</summary>
    long Paths { get; }

    /// <summary>Steps per path (days for daily models).</summary>
    int Steps { get; }

    /// <summary>The calendar date of each step where the scenario has dates, else null.</summary>
    IReadOnlyList<DateOnly>? StepDates { get; }

    /// <summary>Per-path output columns, after the engine's identity columns.</summary>
    IReadOnlyList<ColumnSpec> PathColumns { get; }

    /// <summary>Per-step variables recorded for the first <see cref="SimulationContext.SeriesPaths"/> paths.</summary>
    IReadOnlyList<ColumnSpec> SeriesVariables { get; }

    /// <summary>How many paths a batch should hold for this model's kernels (a multiple of the widest SIMD width).</summary>
    int BatchSize { get; }

    /// <summary>Simulates paths <c>batch.FirstPath</c> .. +<c>batch.Count</c> and fills their rows.</summary>
    void RunBatch(PathBatch batch);

    /// <summary>
    /// The run's summary rows (one or more, e.g. one per tier) from all per-path outputs. Every
    /// statistic column's description states its definition, horizon and path count.
    /// </summary>
    ColumnTable Summarize(ColumnTable paths);
}
