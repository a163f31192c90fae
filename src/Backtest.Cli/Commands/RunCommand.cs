using System.CommandLine;
using System.Globalization;
using Backtest.Engine.Catalog;
using Backtest.Engine.Models;
using Backtest.Engine.Runs;
using Backtest.Engine.Studies;
using Backtest.Market.Data;

namespace Backtest.Cli.Commands;

/// <summary><c>backtest run [STUDY]</c>: runs a study and writes its run folder.</summary>
internal static class RunCommand
{
    public const string DefaultStudy = "studies/default.yaml";

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var study = new Argument<string>("STUDY")
        {
            Description = $"Study file (YAML). Default: {DefaultStudy}.",
            DefaultValueFactory = _ => DefaultStudy,
        };
        var output = new Option<string?>("--out") { Description = "Run folder to write. Default: runs/<study name>/." };
        var paths = new Option<long?>("--paths") { Description = "Paths per Monte Carlo run (overrides the study)." };
        var seed = new Option<ulong?>("--seed") { Description = "Random seed (overrides the study)." };
        var threads = new Option<int?>("--threads") { Description = "Worker threads; 0 = every core (overrides the study)." };
        var data = new Option<string?>("--data") { Description = "Bundled data folder. Default: data/ of the repository, or $BACKTEST_DATA." };
        var catalog = new Option<string?>("--catalog") { Description = $"Run catalogue to record the run in. Default: ${RunCatalog.EnvironmentVariable} or {RunCatalog.DefaultPath}." };
        var noCatalog = new Option<bool>("--no-catalog") { Description = "Leave the run catalogue alone: do not record the run or list earlier runs in its report (e.g. for a report to publish)." };
        var command = new Command("run", "Run a study and write its run folder (manifest, Parquet results, report).")
        {
            study, output, paths, seed, threads, data, catalog, noCatalog,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(paths) is < 1)
            {
                throw new InputException("must be at least 1", key: "--paths");
            }

            if (parse.GetValue(threads) is < 0)
            {
                throw new InputException("must be 0 (every core) or more", key: "--threads");
            }

            bool catalogued = !parse.GetValue(noCatalog);
            if (!catalogued && parse.GetValue(catalog) is not null)
            {
                throw new InputException("names a catalogue that --no-catalog leaves alone; drop one of them", key: "--catalog");
            }

            if (catalogued)
            {
                CatalogHook.Check(parse.GetValue(catalog));
            }

            var overrides = new StudyOverrides(parse.GetValue(paths), parse.GetValue(seed), parse.GetValue(threads));
            var loaded = StudyLoader.Load(parse.GetValue(study)!, ModelCatalog.Default, overrides);
            var outDir = parse.GetValue(output) ?? Path.Combine("runs", loaded.Name);
            var dataDir = parse.GetValue(data) ?? DataFiles.LocateFolder();
            var progress = ProgressDisplay.For(stdout);
            Exception? reportFailure = null;
            RunResult result;
            try
            {
                // The report is written into the staging folder before it is promoted. A report
                // failure must not cost the user the simulated data, so it is kept and reported.
                result = StudyRunner.Run(loaded, new RunOptions(outDir, dataDir)
                {
                    Progress = progress,
                    Finishing = (staging, _) =>
                    {
                        try
                        {
                            ReportCommand.Write(staging, catalogued ? new HistorySource(outDir, parse.GetValue(catalog)) : null, stderr);
                        }
                        catch (Exception e) when (e is not OperationCanceledException)
                        {
                            reportFailure = e;
                        }
                    },
                });
            }
            finally
            {
                progress.Finish();
            }

            RunTable.Print(stdout, result);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {result.Directory} — {result.Plan.Runs.Count} runs, {result.Plan.TotalPaths:N0} paths, wall time {result.Wall.TotalSeconds:F1} s ({result.PathDaysPerSecond:N0} path-days/s)"));
            // The folder is complete whether or not its report was: catalogue it either way.
            if (catalogued && CatalogHook.Record(parse.GetValue(catalog), c => c.RecordRun(RunRecord.FromFolder(result.Directory)), "run", stderr) is { } id)
            {
                stdout.WriteLine($"catalogued as run {id} (backtest runs list)");
            }

            if (reportFailure is not null)
            {
                stderr.WriteLine($"backtest: error: the run folder is complete but its report failed: {reportFailure.Message}");
                return BacktestCli.Failed;
            }

            stdout.WriteLine($"report: {Path.Combine(result.Directory, "report", "index.html")}");
            return BacktestCli.Ok;
        });
        return command;
    }
}
