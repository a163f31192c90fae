using System.CommandLine;
using Backtest.Cli.Bench;

namespace Backtest.Cli.Commands;

/// <summary>
/// <c>backtest bench-worker ASSEMBLY</c> (hidden): the measuring process <c>backtest bench</c>
/// starts for each build and benchmark. Requests arrive as JSON lines on standard input and
/// answers leave on standard output; the benchmarks' own console output goes to standard error.
/// </summary>
internal static class BenchWorkerCommand
{
    public static Command Create()
    {
        var assembly = new Argument<string>("ASSEMBLY") { Description = "Path of a built Backtest.Benchmarks.dll." };
        var command = new Command("bench-worker", "Measuring process of backtest bench (internal).") { assembly };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var path = parse.GetValue(assembly)!;
            if (!File.Exists(path))
            {
                throw new InputException("benchmarks assembly not found", file: path);
            }

            using var replies = new StreamWriter(Console.OpenStandardOutput());
            Console.SetOut(Console.Error);
            return BenchWorker.Run(path, Console.In, replies);
        });
        return command;
    }
}
