using System.CommandLine;
using System.Globalization;
using Backtest.Engine.Models;
using Backtest.Engine.Runs;
using Backtest.Market.Data;

namespace Backtest.Cli.Commands;

/// <summary><c>backtest merge DIR... --out DIR</c>: combines a study's shards into its run folder.</summary>
internal static class MergeCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr, ModelCatalog models)
    {
        var folders = new Argument<string[]>("DIR")
        {
            Description = "Shard folders written by 'backtest run --shard' (one shared folder, or one per machine).",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--out") { HelpName = "DIR", Description = "Run folder to write.", Required = true };
        var data = new Option<string?>("--data") { HelpName = "DIR", Description = "Bundled data folder (must hold the files the shards read). Default: data/ of the repository, or $BACKTEST_DATA." };
        var catalog = new CatalogOptions();
        var command = new Command("merge", "Merge the shards of a study into one run folder (manifest, Parquet results, report), identical in values to a single-machine run.")
        {
            folders, output, data, catalog.Catalog, catalog.NoCatalog,
        };
        command.SetAction(parse =>
        {
            var catalogue = catalog.Read(parse);
            var report = new StagedReport(catalogue.History(parse.GetValue(output)!), stderr);
            var result = ShardMerger.Merge(new MergeOptions(parse.GetValue(folders)!, parse.GetValue(output)!, parse.GetValue(data) ?? DataFiles.LocateFolder(), models)
            {
                Finishing = report.Write,
            });
            RunTable.Print(stdout, result);
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"merged {result.Shards.Count} shard{(result.Shards.Count == 1 ? "" : "s")} into {result.Directory} — {result.Plan.Runs.Count} runs, {result.Plan.TotalPaths:N0} paths"));
            catalogue.Record(result.Directory, stdout, stderr);
            return report.Finish(result, stdout);
        });
        return command;
    }
}
