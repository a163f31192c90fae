using System.CommandLine;
using System.Globalization;
using Backtest.Engine.Models;
using Backtest.Engine.Runs;
using Backtest.Engine.Studies;
using Backtest.Market.Data;

namespace Backtest.Cli.Commands;

/// <summary><c>backtest run [STUDY]</c>: runs a study and writes its run folder.</summary>
internal static class RunCommand
{
    public const string DefaultStudy = "studies/default.yaml";

    public static Command Create(TextWriter stdout, TextWriter stderr, ModelCatalog models)
    {
        var study = new Argument<string>("STUDY")
        {
            Description = $"Study file (YAML). Default: {DefaultStudy}.",
            DefaultValueFactory = _ => DefaultStudy,
        };
        var output = new Option<string?>("--out") { Description = "Run folder to write. Default: runs/<study name>/ (runs/<study name>-shards/ for a shard)." };
        var paths = new Option<long?>("--paths") { Description = "Paths per Monte Carlo run (overrides the study)." };
        var seed = new Option<ulong?>("--seed") { Description = "Random seed (overrides the study)." };
        var threads = new Option<int?>("--threads") { Description = "Worker threads; 0 = every core (overrides the study)." };
        var data = new Option<string?>("--data") { Description = "Bundled data folder. Default: data/ of the repository, or $BACKTEST_DATA." };
        var shard = new Option<string?>("--shard")
        {
            HelpName = "I/N",
            Description = $"Run only shard I of N (0-based) into the shard folder; 'backtest merge' makes the run folder. Without it, I is ${ShardSelection.SlurmIndexVariable} or ${ShardSelection.KubernetesIndexVariable}, and N is --shards, else ${ShardSelection.SlurmCountVariable}, else the study's shards: (see docs/distributed.md).",
        };
        var shards = new Option<int?>("--shards") { HelpName = "N", Description = $"Shard count N when a batch system gives the index (used before ${ShardSelection.SlurmCountVariable} and the study's shards:, and must equal --shard's N; a Slurm array must fit in it)." };
        var catalog = new CatalogOptions();
        var command = new Command("run", "Run a study and write its run folder (manifest, Parquet results, report), or one shard of it.")
        {
            study, output, paths, seed, threads, data, catalog.Catalog, catalog.NoCatalog, shard, shards,
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

            var catalogue = catalog.Read(parse);
            var overrides = new StudyOverrides(parse.GetValue(paths), parse.GetValue(seed), parse.GetValue(threads));
            var loaded = StudyLoader.Load(parse.GetValue(study)!, models, overrides);
            var dataDir = parse.GetValue(data) ?? DataFiles.LocateFolder();
            var selected = ShardSelection.Resolve(parse.GetValue(shard), parse.GetValue(shards), loaded.Shards, Environment.GetEnvironmentVariable);
            if (selected is not null)
            {
                // A shard folder is not a run folder: the merge is what a catalogue records.
                if (parse.GetValue(catalog.Catalog) is not null)
                {
                    throw new InputException("a shard is not catalogued; pass --catalog to backtest merge", key: "--catalog");
                }

                return RunShard(loaded, selected, parse.GetValue(output) ?? Path.Combine("runs", $"{loaded.Name}-shards"), dataDir, stdout);
            }

            var outDir = parse.GetValue(output) ?? Path.Combine("runs", loaded.Name);
            var progress = ProgressDisplay.For(stdout);
            var report = new StagedReport(catalogue.History(outDir), stderr);
            RunResult result;
            try
            {
                result = StudyRunner.Run(loaded, new RunOptions(outDir, dataDir) { Progress = progress, Finishing = report.Write });
            }
            finally
            {
                progress.Finish();
            }

            RunTable.Print(stdout, result);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"wrote {result.Directory} — {result.Plan.Runs.Count} runs, {result.Plan.TotalPaths:N0} paths, wall time {result.Wall.TotalSeconds:F1} s ({result.PathDaysPerSecond:N0} path-days/s)"));
            catalogue.Record(result.Directory, stdout, stderr);
            return report.Finish(result, stdout);
        });
        return command;
    }

    private static int RunShard(Study study, ShardSpec shard, string outDir, string dataDir, TextWriter stdout)
    {
        var progress = ProgressDisplay.For(stdout);
        RunResult result;
        try
        {
            result = StudyRunner.Run(study, new RunOptions(outDir, dataDir) { Progress = progress, Shard = shard });
        }
        finally
        {
            progress.Finish();
        }

        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote shard {shard} of {study.Name} into {result.Directory} — {result.Plan.SimulatedPaths:N0} of {result.Plan.TotalPaths:N0} paths, wall time {result.Wall.TotalSeconds:F1} s ({result.PathDaysPerSecond:N0} path-days/s)"));
        stdout.WriteLine($"when all {shard.Count} shards are done: backtest merge {result.Directory} --out {Path.Combine("runs", study.Name)}");
        return BacktestCli.Ok;
    }
}
