using System.CommandLine;
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
