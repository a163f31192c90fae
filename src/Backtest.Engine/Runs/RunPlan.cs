using Backtest.Engine.Models;
using Backtest.Engine.Studies;

namespace Backtest.Engine.Runs;

/// <summary>One run of a study: a scenario with a parameter set, and its simulation.</summary>
public sealed record PlannedRun(ResolvedScenario Scenario, ParameterSet ParameterSet, ISimulation Simulation)
{
    /// <summary>The run's position in the plan (0-based).</summary>
    public int Index { get; init; }

    /// <summary>The paths this process simulates, in path order: all of them, or a shard's blocks (<see cref="ShardSlice"/>).</summary>
    public IReadOnlyList<PathRange> Simulated { get; init; } = [];

    /// <summary>How many paths this process simulates.</summary>
    public long SimulatedPaths => Simulated.Sum(r => (long)r.Count);

    /// <summary>Paths × steps: the unit of throughput.</summary>
    public long PathDays => Simulation.Paths * Simulation.Steps;

    /// <summary>Simulated paths × steps: this process's share of <see cref="PathDays"/>.</summary>
    public long SimulatedPathDays => SimulatedPaths * Simulation.Steps;

    public string Label => $"{Scenario.Name}/{ParameterSet.Name}";
}

/// <summary>Every run of a study with its simulation created, so counts are known before anything runs.</summary>
public sealed class RunPlan
{
    private RunPlan(Study study, IReadOnlyList<PlannedRun> runs, ShardSpec? shard, ShardSlice? slice)
    {
        Study = study;
        Runs = runs;
        Shard = shard;
        Slice = slice;
    }

    public Study Study { get; }

    public IReadOnlyList<PlannedRun> Runs { get; }

    /// <summary>The shard this plan simulates, or null for the whole study.</summary>
    public ShardSpec? Shard { get; }

    /// <summary>How the study's paths are split among <see cref="Shard"/>'s shards; null for the whole study.</summary>
    public ShardSlice? Slice { get; }

    public long TotalPaths => Runs.Sum(r => r.Simulation.Paths);

    public long TotalPathDays => Runs.Sum(r => r.PathDays);

    /// <summary>Paths this process simulates (all of <see cref="TotalPaths"/> unless sharded).</summary>
    public long SimulatedPaths => Runs.Sum(r => r.SimulatedPaths);

    public long SimulatedPathDays => Runs.Sum(r => r.SimulatedPathDays);

    /// <summary>
    /// Creates the simulation of every (scenario, parameter set), scenario-major, and checks the
    /// model keeps one output schema across them (one Parquet file holds all runs). With a
    /// <paramref name="shard"/>, each run simulates only that shard's blocks (<see cref="ShardSlice"/>).
    /// </summary>
    public static RunPlan Create(Study study, DataAccess data, ShardSpec? shard = null)
    {
        var runs = new List<PlannedRun>();
        foreach (var scenario in study.Scenarios)
        {
            foreach (var set in study.ParameterSets)
            {
                var context = new SimulationContext(study.Name, study.Seed, scenario.Index, scenario, set.Index, set.Values,
                    study.Paths, study.SeriesPaths, data);
                var simulation = study.Model.Create(context);
                if (simulation.Paths < 1 || simulation.Paths > int.MaxValue)
                {
                    throw new StudyException(
                        $"run {scenario.Name}/{set.Name} has {simulation.Paths} paths; one run holds 1 to {int.MaxValue} (a run's path rows are summarised as one table)",
                        study.File, key: "paths");
                }

                runs.Add(new PlannedRun(scenario, set, simulation)
                {
                    Index = runs.Count,
                    Simulated = [new PathRange(0, (int)simulation.Paths)],
                });
            }
        }

        var first = runs[0].Simulation;
        foreach (var run in runs.Skip(1))
        {
            if (!run.Simulation.PathColumns.SequenceEqual(first.PathColumns) || !run.Simulation.SeriesVariables.SequenceEqual(first.SeriesVariables))
            {
                throw new InvalidOperationException(
                    $"model {study.Model.Name} gives run {run.Label} other output columns than run {runs[0].Label}; a model must keep one schema across scenarios and parameter sets");
            }
        }

        if (shard is null)
        {
            return new RunPlan(study, runs, null, null);
        }

        var slice = new ShardSlice(shard.Count, runs.Select(r => r.Simulation.Paths).ToList());
        return new RunPlan(study, [.. runs.Select(r => r with { Simulated = slice.Owned(r.Index, shard.Index) })], shard, slice);
    }
}
