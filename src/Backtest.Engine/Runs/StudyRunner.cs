using System.Diagnostics;
using Backtest.Engine.Models;
using Backtest.Engine.Scheduling;
using Backtest.IO.Tables;

namespace Backtest.Engine.Runs;

/// <summary>Where and how to run a study.</summary>
public sealed record RunOptions(string OutputDirectory, string DataDirectory)
{
    public IRunProgress Progress { get; init; } = SilentProgress.Instance;

    public CancellationToken Cancellation { get; init; }

    /// <summary>Called with the staging folder after the data files are written, before it is moved into place (the report goes here). Not called for a shard.</summary>
    public Action<string, RunResult>? Finishing { get; init; }

    /// <summary>
    /// Run only this shard of the study: <see cref="OutputDirectory"/> is then the study's shard
    /// folder (<see cref="ShardFolder"/>), and <c>backtest merge</c> makes the run folder.
    /// </summary>
    public ShardSpec? Shard { get; init; }
}

/// <summary>What a finished run (or shard, or merge) produced.</summary>
public sealed record RunResult(string Directory, RunPlan Plan, DateTimeOffset Started, DateTimeOffset Finished, IReadOnlyList<RunTiming> Timings)
{
    /// <summary>Each run's summary rows, in run order (what <c>summary.parquet</c> holds after the identity columns); none for a shard.</summary>
    public IReadOnlyList<(PlannedRun Run, ColumnTable Summary)> Summaries { get; init; } = [];

    /// <summary>The shards a merged run folder was made from; none for a run made in one process.</summary>
    public IReadOnlyList<ShardRecord> Shards { get; init; } = [];

    public TimeSpan Wall => Finished - Started;

    /// <summary>Path-days simulated per second of simulation wall time (per process, for a merge).</summary>
    public double PathDaysPerSecond => Plan.SimulatedPathDays / Math.Max(Timings.Sum(t => t.Wall.TotalSeconds), 1e-9);
}

/// <summary>Wall time of one run (simulation and writing).</summary>
public sealed record RunTiming(string Scenario, string ParameterSet, TimeSpan Wall);

/// <summary>Rows <see cref="Offset"/>..+<see cref="Count"/> of a run's path table, holding paths <see cref="FirstPath"/>.. ; <see cref="EndsRange"/> at the last batch of a simulated range.</summary>
public readonly record struct PathSlot(long FirstPath, int Offset, int Count, bool EndsRange);

/// <summary>
/// Runs every (scenario, parameter set) of a study through the scheduler and writes the run
/// folder — or, with <see cref="RunOptions.Shard"/>, one shard's partitions of the study's shard
/// folder. Either way everything goes to a staging folder first and is moved into place only
/// when complete (<see cref="FolderPromotion"/>, <see cref="ShardFolder.Promote"/>).
/// </summary>
public static class StudyRunner
{
    /// <summary>Seconds of the first run's batches used to estimate the whole study's wall time.</summary>
    private const double PilotSeconds = 0.5;

    public static RunResult Run(Studies.Study study, RunOptions options) =>
        options.Shard is { } shard ? RunShard(study, options, shard) : RunWhole(study, options);

    private static RunResult RunWhole(Studies.Study study, RunOptions options)
    {
        var target = Path.GetFullPath(options.OutputDirectory);
        FolderPromotion.CheckTarget(target);
        var data = new DataAccess(options.DataDirectory);
        var plan = RunPlan.Create(study, data);
        options.Progress.Planned(plan);

        var staging = FolderPromotion.CreateStaging(target);
        try
        {
            var started = DateTimeOffset.UtcNow;
            var timings = new List<RunTiming>();
            var summaries = new List<(PlannedRun, ColumnTable)>();
            using (var writer = new RunFolderWriter(staging, plan))
            {
                var pilot = new Pilot(plan, options.Progress);
                foreach (var run in plan.Runs)
                {
                    var clock = Stopwatch.StartNew();
                    var (table, recorder) = Simulate(run, study, (t, slot) => writer.AppendPaths(run, t, slot.Offset, slot.Count, slot.FirstPath), pilot, options);
                    var summary = run.Simulation.Summarize(table);
                    writer.AppendSummary(run, summary);
                    writer.AppendSeries(run, SeriesStatistics.Build(run.Simulation, recorder));
                    summaries.Add((run, summary));
                    options.Progress.RunFinished(run, clock.Elapsed);
                    timings.Add(new RunTiming(run.Scenario.Name, run.ParameterSet.Name, clock.Elapsed));
                }

                var result = new RunResult(target, plan, started, DateTimeOffset.UtcNow, timings) { Summaries = summaries };
                var manifest = Manifest.Build(result, Manifest.Inputs(data));
                writer.Complete(manifest);
                File.WriteAllText(Path.Combine(staging, "manifest.json"), manifest);
                options.Finishing?.Invoke(staging, result);
                FolderPromotion.Promote(staging, target);
                return result;
            }
        }
        catch
        {
            FolderPromotion.TryDelete(staging);
            throw;
        }
    }

    private static RunResult RunShard(Studies.Study study, RunOptions options, ShardSpec shard)
    {
        var root = Path.GetFullPath(options.OutputDirectory);
        ShardFolder.CheckRoot(root);
        var data = new DataAccess(options.DataDirectory);
        var plan = RunPlan.Create(study, data, shard);
        ShardFolder.CheckSiblings(root, ShardIdentity.Of(plan, Manifest.Inputs(data)), shard.Index);
        options.Progress.Planned(plan);

        var staging = ShardFolder.CreateStaging(root, shard.Index);
        try
        {
            var started = DateTimeOffset.UtcNow;
            var timings = new List<RunTiming>();
            using (var writer = new ShardFolderWriter(staging, plan))
            {
                var pilot = new Pilot(plan, options.Progress);
                foreach (var run in plan.Runs)
                {
                    var clock = Stopwatch.StartNew();
                    var (_, recorder) = Simulate(run, study, (t, slot) => writer.AppendPaths(run, t, slot), pilot, options);
                    writer.AppendSeries(run, recorder);
                    options.Progress.RunFinished(run, clock.Elapsed);
                    timings.Add(new RunTiming(run.Scenario.Name, run.ParameterSet.Name, clock.Elapsed));
                }

                var result = new RunResult(root, plan, started, DateTimeOffset.UtcNow, timings);
                var manifest = ShardManifest.Build(result, Manifest.Inputs(data), writer.PathRows, writer.SeriesRows);
                writer.Complete(manifest);
                File.WriteAllText(Path.Combine(staging, "manifest.json"), manifest);
                ShardFolder.Promote(staging, root, shard.Index);
                return result;
            }
        }
        catch
        {
            FolderPromotion.TryDelete(staging);
            throw;
        }
    }

    /// <summary>
    /// Simulates the run's <see cref="PlannedRun.Simulated"/> paths in batches of the model's
    /// size (each range cut from its own first path) and hands each finished batch to
    /// <paramref name="consume"/> in path order. The table holds the simulated paths only, in order.
    /// </summary>
    private static (ColumnTable Paths, SeriesRecorder Series) Simulate(
        PlannedRun run, Studies.Study study, Action<ColumnTable, PathSlot> consume, Pilot pilot, RunOptions options)
    {
        var simulation = run.Simulation;
        int batchSize = Math.Max(1, simulation.BatchSize);
        var slots = new List<PathSlot>();
        int rows = 0;
        foreach (var range in run.Simulated)
        {
            for (int done = 0; done < range.Count; done += batchSize)
            {
                int count = Math.Min(batchSize, range.Count - done);
                slots.Add(new PathSlot(range.First + done, rows, count, done + count == range.Count));
                rows += count;
            }
        }

        var table = new ColumnTable(simulation.PathColumns, rows);
        var recorder = new SeriesRecorder(simulation.SeriesVariables, (int)Math.Min(study.SeriesPaths, simulation.Paths), simulation.Steps);
        long pathsDone = 0;
        BatchScheduler.Run(
            slots.Count,
            study.Threads,
            b => simulation.RunBatch(new PathBatch(table, slots[b].FirstPath, slots[b].Offset, slots[b].Count, recorder)),
            b =>
            {
                consume(table, slots[b]);
                pathsDone += slots[b].Count;
                pilot.Observe(run, pathsDone);
                options.Progress.Advanced(run, pathsDone);
            },
            cancellation: options.Cancellation);
        return (table, recorder);
    }

    /// <summary>Times the first run's early batches and projects the wall time of everything this process simulates from them, once.</summary>
    private sealed class Pilot(RunPlan plan, IRunProgress progress)
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private bool reported;

        public void Observe(PlannedRun run, long pathsDone)
        {
            if (reported)
            {
                return;
            }

            double seconds = clock.Elapsed.TotalSeconds;
            bool finishedRun = pathsDone == run.SimulatedPaths;
            if (seconds < PilotSeconds && !finishedRun)
            {
                return;
            }

            reported = true;
            double rate = pathsDone * run.Simulation.Steps / Math.Max(seconds, 1e-9);
            progress.Estimated(rate, TimeSpan.FromSeconds(plan.SimulatedPathDays / Math.Max(rate, 1e-9)));
        }
    }
}
