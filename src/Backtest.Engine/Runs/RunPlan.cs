using Backtest.Engine.Models;
using Backtest.Engine.Studies;

namespace Backtest.Engine.Runs;

/// <summary>One run of a study: a scenario with a parameter set, and its simulation.</summary>
public sealed record PlannedRun(ResolvedScenario Scenario, ParameterSet ParameterSet, ISimulation Simulation)
{
    /// <summary>Paths × steps: the unit of throughput.</summary>
    public long PathDays => Simulation.Paths * Simulation.Steps;

    public string Label => $"{Scenario.Name}/{ParameterSet.Name}";
}

/// <summary>Every run of a study with its simulation created, so counts are known before anything runs.</summary>
public sealed class RunPlan
{
    private RunPlan(Study study, IReadOnlyList<PlannedRun> runs)
    {
        Study = study;
        Runs = runs;
    }

    public Study Study { get; }

    public IReadOnlyList<PlannedRun> Runs { get; }

    public long TotalPaths => Runs.Sum(r => r.Simulation.Paths);

    public long TotalPathDays => Runs.Sum(r => r.PathDays);

    /// <summary>
    /// Creates the simulation of every (scenario, parameter set), scenario-major, and checks the
    /// model keeps one output schema across them (one Parquet file holds all runs).
    /// </summary>
    public static RunPlan Create(Study study, DataAccess data)
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
                        $"run {scenario.Name}/{set.Name} has {simulation.Paths} paths; one run holds 1 to {int.MaxValue} (split larger studies into shards)",
                        study.File, key: "paths");
                }

                runs.Add(new PlannedRun(scenario, set, simulation));
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

        return new RunPlan(study, runs);
    }
}
