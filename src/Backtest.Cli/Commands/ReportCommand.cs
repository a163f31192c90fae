using System.CommandLine;
using Backtest.Engine.Catalog;
using Backtest.Engine.Runs;
using Backtest.Reports;
using Backtest.Reports.Assembly;
using Backtest.Reports.Data;
using Microsoft.Data.Sqlite;

namespace Backtest.Cli.Commands;

/// <summary><c>backtest report DIR</c>: (re)writes the report of an existing run folder.</summary>
internal static class ReportCommand
{
    /// <summary>How many earlier runs of the study a report lists.</summary>
    public const int HistoryLength = 10;

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var folder = new Argument<string>("DIR") { Description = "A run folder written by 'backtest run'." };
        var catalog = new Option<string?>("--catalog") { Description = $"Run catalogue whose earlier runs of the study the report lists. Default: ${RunCatalog.EnvironmentVariable} or {RunCatalog.DefaultPath}." };
        var command = new Command("report", "Write DIR/report/ (index.html, summary.md, one .svg per chart) from an existing run folder.") { folder, catalog };
        command.SetAction(parse =>
        {
            var dir = parse.GetValue(folder)!;
            var written = Write(dir, new HistorySource(dir, parse.GetValue(catalog)), stderr);
            stdout.WriteLine($"wrote {written.Html} ({written.Charts.Count} charts) and {written.Markdown}");
            return BacktestCli.Ok;
        });
        return command;
    }

    /// <summary>
    /// Loads the run folder and writes its report, listing the study's earlier runs from the
    /// catalogue unless <paramref name="history"/> is null; the one path used after runs and by
    /// this command.
    /// </summary>
    public static WrittenReport Write(string runFolder, HistorySource? history, TextWriter stderr) =>
        RunReport.Write(runFolder, RunFolder.Load(runFolder), new ReportOptions
        {
            History = history is null ? null : History(runFolder, history.FinalFolder, history.CatalogOption, stderr),
        });

    /// <summary>
    /// The study's earlier runs (started before this one) from the catalogue, with this run's first
    /// summary metric as the figure compared. A catalogue that does not exist yet holds no runs;
    /// one that cannot be read costs the report its history section and a warning, not the report.
    /// </summary>
    internal static RunHistory? History(string runFolder, string finalFolder, string? catalogOption, TextWriter stderr)
    {
        var path = RunCatalog.Locate(catalogOption);
        var run = RunRecord.FromFolder(runFolder);
        var headline = run.Metrics.Count > 0 ? run.Metrics[0] : null;
        if (!File.Exists(path))
        {
            return new RunHistory(path, headline?.Key, headline?.Value, []);
        }

        try
        {
            using var catalog = RunCatalog.Open(path);
            var earlier = catalog.EarlierRuns(run.Study, run.Started, headline?.Name, headline?.Scenario, headline?.ParameterSet, HistoryLength);
            var reportFolder = Path.Combine(Path.GetFullPath(finalFolder), RunReport.FolderName);
            return new RunHistory(path, headline?.Key, headline?.Value, earlier.Select(e =>
            {
                var index = Path.Combine(e.Folder, RunReport.FolderName, "index.html");
                bool linked = e.FolderState == FolderState.Present && File.Exists(index);
                string whereabouts = e.FolderState switch
                {
                    FolderState.Present => $"folder {e.Folder}",
                    FolderState.Replaced => $"its folder {e.Folder} now holds a later run",
                    _ => $"its folder {e.Folder} was removed",
                };
                return new EarlierRunEntry(e.Id, e.Started, e.GitCommit, e.GitDirty, e.Paths, e.PathDaysPerSecond, e.Headline,
                    linked ? Path.GetRelativePath(reportFolder, index).Replace(Path.DirectorySeparatorChar, '/') : null, whereabouts);
            }).ToList());
        }
        catch (Exception e) when (e is InputException or SqliteException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"backtest: warning: the report lists no earlier runs: the run catalogue {path} could not be read: {e.Message.Split('\n')[0]}");
            return null;
        }
    }
}

/// <summary>
/// Where a report's history comes from: the catalogue named by <paramref name="CatalogOption"/>
/// (or the default), with links relative to <paramref name="FinalFolder"/>, where the run folder
/// will live (a run writes its report while still staging).
/// </summary>
internal sealed record HistorySource(string FinalFolder, string? CatalogOption);

/// <summary>
/// Writes a run's report into its staging folder, before the folder is promoted (by a run or a
/// merge). A report failure must not cost the user the simulated data, so it is kept, and
/// reported once the folder is in place.
/// </summary>
internal sealed class StagedReport(HistorySource? history, TextWriter stderr)
{
    private Exception? failure;

    /// <summary>The <see cref="RunOptions.Finishing"/> callback.</summary>
    public void Write(string staging, RunResult result)
    {
        try
        {
            ReportCommand.Write(staging, history, stderr);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            failure = e;
        }
    }

    /// <summary>Prints where the report is, or why it failed; returns the exit code.</summary>
    public int Finish(RunResult result, TextWriter stdout)
    {
        if (failure is not null)
        {
            stderr.WriteLine($"backtest: error: the run folder is complete but its report failed: {failure.Message}");
            return BacktestCli.Failed;
        }

        stdout.WriteLine($"report: {Path.Combine(result.Directory, "report", "index.html")}");
        return BacktestCli.Ok;
    }
}
