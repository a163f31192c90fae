using System.CommandLine;
using Backtest.Engine.Runs;
using Backtest.Reports;
using Backtest.Reports.Data;

namespace Backtest.Cli.Commands;

/// <summary><c>backtest report DIR</c>: (re)writes the report of an existing run folder.</summary>
internal static class ReportCommand
{
    public static Command Create(TextWriter stdout)
    {
        var folder = new Argument<string>("DIR") { Description = "A run folder written by 'backtest run'." };
        var command = new Command("report", "Write DIR/report/ (index.html, summary.md, one .svg per chart) from an existing run folder.") { folder };
        command.SetAction(parse =>
        {
            var written = Write(parse.GetValue(folder)!);
            stdout.WriteLine($"wrote {written.Html} ({written.Charts.Count} charts) and {written.Markdown}");
            return BacktestCli.Ok;
        });
        return command;
    }

    /// <summary>Loads the run folder and writes its report; the one path used after runs and by this command.</summary>
    public static WrittenReport Write(string runFolder) => RunReport.Write(runFolder, RunFolder.Load(runFolder));
}

/// <summary>
/// Writes a run's report into its staging folder, before the folder is promoted. A report failure
/// must not cost the user the simulated data, so it is kept, and reported once the folder is in place.
/// </summary>
internal sealed class StagedReport
{
    private Exception? failure;

    /// <summary>The <see cref="RunOptions.Finishing"/> callback.</summary>
    public void Write(string staging, RunResult result)
    {
        try
        {
            ReportCommand.Write(staging);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            failure = e;
        }
    }

    /// <summary>Prints where the report is, or why it failed; returns the exit code.</summary>
    public int Finish(RunResult result, TextWriter stdout, TextWriter stderr)
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
