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

    /// <summary>Called with the staging folder after the data files are written, before it is moved into place (the report goes here).</summary>
    public Action<string, RunResult>? Finishing { get; init; }
}

/// <summary>What a finished run produced.</summary>
public sealed record RunResult(string Directory, RunPlan Plan, DateTimeOffset Started, DateTimeOffset Finished, IReadOnlyList<RunTiming> Timings)
{
    /// <summary>Each run's summary rows, in run order (what <c>summary.parquet</c> holds after the identity columns).</summary>
    public IReadOnlyList<(PlannedRun Run, ColumnTable Summary)> Summaries { get; init; } = [];

    public TimeSpan Wall => Finished - Started;

    public double PathDaysPerSecond => Plan.TotalPathDays / Math.Max(Timings.Sum(t => t.Wall.TotalSeconds), 1e-9);
}

/// <summary>Wall time of one run (simulation and writing).</summary>
public sealed record RunTiming(string Scenario, string ParameterSet, TimeSpan Wall);

/// <summary>
/// Runs every (scenario, parameter set) of a study through the scheduler and writes the run
/// folder. Everything goes to a staging folder beside the target, moved into place only when
/// complete: a failure leaves the previous folder (if any) as it was and no partial one.
/// </summary>
public static class StudyRunner
{
    /// <summary>Seconds of the first run's batches used to estimate the whole study's wall time.</summary>
    private const double PilotSeconds = 0.5;

    public static RunResult Run(Studies.Study study, RunOptions options)
    {
        var target = Path.GetFullPath(options.OutputDirectory);
        CheckTarget(target);
        var data = new DataAccess(options.DataDirectory);
        var plan = RunPlan.Create(study, data);
        options.Progress.Planned(plan);

        var staging = $"{target}.partial-{Environment.ProcessId}";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
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
                    summaries.Add((run, RunOne(run, study, writer, pilot, options)));
                    options.Progress.RunFinished(run, clock.Elapsed);
                    timings.Add(new RunTiming(run.Scenario.Name, run.ParameterSet.Name, clock.Elapsed));
                }

                var finished = DateTimeOffset.UtcNow;
                var result = new RunResult(target, plan, started, finished, timings) { Summaries = summaries };
                var manifest = Manifest.Build(result, data);
                writer.Complete(manifest);
                File.WriteAllText(Path.Combine(staging, "manifest.json"), manifest);
                options.Finishing?.Invoke(staging, result);
                Promote(staging, target);
                return result;
            }
        }
        catch
        {
            TryDelete(staging);
            throw;
        }
    }

    private static ColumnTable RunOne(PlannedRun run, Studies.Study study, RunFolderWriter writer, Pilot pilot, RunOptions options)
    {
        var simulation = run.Simulation;
        int paths = (int)simulation.Paths;
        var table = new ColumnTable(simulation.PathColumns, paths);
        var recorder = new SeriesRecorder(simulation.SeriesVariables, (int)Math.Min(study.SeriesPaths, paths), simulation.Steps);
        int batchSize = Math.Max(1, simulation.BatchSize);
        int batches = (int)((paths + (long)batchSize - 1) / batchSize);
        long done = 0;
        BatchScheduler.Run(
            batches,
            study.Threads,
            b =>
            {
                int offset = b * batchSize;
                simulation.RunBatch(new PathBatch(table, offset, offset, Math.Min(batchSize, paths - offset), recorder));
            },
            b =>
            {
                int offset = b * batchSize;
                int count = Math.Min(batchSize, paths - offset);
                writer.AppendPaths(run, table, offset, count);
                done += count;
                pilot.Observe(run, done);
                options.Progress.Advanced(run, done);
            },
            cancellation: options.Cancellation);

        var summary = simulation.Summarize(table);
        writer.AppendSummary(run, summary);
        writer.AppendSeries(run, SeriesStatistics.Build(simulation, recorder));
        return summary;
    }

    /// <summary>Refuses to replace a folder that is not a run folder (the user may have pointed --out at something else).</summary>
    private static void CheckTarget(string target)
    {
        if (File.Exists(target))
        {
            throw new InputException("the output path is a file, not a folder", file: target);
        }

        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !File.Exists(Path.Combine(target, "manifest.json")))
        {
            throw new InputException("the output folder exists, is not empty and is not a run folder (no manifest.json); choose another --out", file: target);
        }
    }

    private static void Promote(string staging, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (Directory.Exists(target))
        {
            var old = $"{target}.old-{Environment.ProcessId}";
            Directory.Move(target, old);
            Directory.Move(staging, target);
            TryDelete(old);
        }
        else
        {
            Directory.Move(staging, target);
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Leaving a stray folder behind is better than hiding the original failure.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Times the first run's early batches and projects the whole study's wall time from them, once.</summary>
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
            bool finishedRun = pathsDone == run.Simulation.Paths;
            if (seconds < PilotSeconds && !finishedRun)
            {
                return;
            }

            reported = true;
            double rate = pathsDone * run.Simulation.Steps / Math.Max(seconds, 1e-9);
            progress.Estimated(rate, TimeSpan.FromSeconds(plan.TotalPathDays / Math.Max(rate, 1e-9)));
        }
    }
}
