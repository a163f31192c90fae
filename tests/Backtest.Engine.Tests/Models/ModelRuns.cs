using Backtest.Engine.Models;
using Backtest.Engine.Runs;
using Backtest.Engine.Scheduling;
using Backtest.Engine.Studies;
using Backtest.IO.Tables;
using Backtest.Market.Data;

namespace Backtest.Engine.Tests.Models;

/// <summary>One run of a study from the shipped catalog, in memory: its path table, summary row and recorded series.</summary>
internal sealed record ModelRun(ColumnTable Paths, ColumnTable Summary, SeriesRecorder Series, ISimulation Simulation)
{
    public double SummaryValue(string column) => Summary.Double(column)[0];

    public static Study Load(string yaml) => StudyLoader.Parse(yaml, "test.yaml", ModelCatalog.Default);

    /// <summary>Runs (scenario, parameter set) of <paramref name="study"/> on <paramref name="threads"/> workers.</summary>
    public static ModelRun Of(Study study, int scenario = 0, int parameterSet = 0, int threads = 1)
    {
        var plan = RunPlan.Create(study, new DataAccess(DataFiles.LocateFolder()));
        var simulation = plan.Runs.Single(r => r.Scenario.Index == scenario && r.ParameterSet.Index == parameterSet).Simulation;
        int paths = (int)simulation.Paths;
        var table = new ColumnTable(simulation.PathColumns, paths);
        var series = new SeriesRecorder(simulation.SeriesVariables, Math.Min(study.SeriesPaths, paths), simulation.Steps);
        int size = simulation.BatchSize;
        BatchScheduler.Run(
            (paths + size - 1) / size,
            threads,
            b => simulation.RunBatch(new PathBatch(table, b * (long)size, b * size, Math.Min(size, paths - (b * size)), series)),
            _ => { });
        return new ModelRun(table, simulation.Summarize(table), series, simulation);
    }

    /// <summary>Runs the first scenario and parameter set of a study given as YAML.</summary>
    public static ModelRun Of(string yaml, int threads = 1) => Of(Load(yaml), threads: threads);
}
