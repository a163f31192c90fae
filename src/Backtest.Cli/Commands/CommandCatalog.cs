using System.CommandLine;
using Backtest.Engine.Models;

namespace Backtest.Cli.Commands;

/// <summary>Every subcommand of <c>backtest</c>, in the order <c>--help</c> lists them.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All(TextWriter stdout, TextWriter stderr, ModelCatalog models)
    {
        yield return RunCommand.Create(stdout, stderr, models);
        yield return MergeCommand.Create(stdout, stderr, models);
        yield return ReportCommand.Create(stdout, stderr);
        yield return ConformanceCommand.Create(stdout);
        yield return DataCommand.Create(stdout);
        yield return InspectCommand.Create(stdout);
        yield return ScenariosCommand.Create(stdout);
        yield return RunsCommand.Create(stdout);
        yield return BenchCommand.Create(stdout, stderr);
        yield return BenchWorkerCommand.Create();
        yield return PublishCommand.Create(stdout, stderr);
        yield return NotebookCommand.Create(stdout, stderr);
    }
}
