using System.CommandLine;

namespace Backtest.Cli.Commands;

/// <summary><c>backtest run [STUDY]</c>: runs a study file and writes its run folder.</summary>
internal static class RunCommand
{
    public const string DefaultStudy = "studies/default.yaml";

    public static Command Create(TextWriter stdout)
    {
        var study = new Argument<string>("STUDY")
        {
            Description = $"Study file (YAML). Default: {DefaultStudy}.",
            DefaultValueFactory = _ => DefaultStudy,
        };
        var command = new Command("run", "Run a study and write its run folder (manifest, Parquet results, report).") { study };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(study)!;
            if (!File.Exists(path))
            {
                throw new InputException("study file not found", file: path);
            }

            stdout.WriteLine($"study {path}: read; the engine that runs studies is not built yet, so nothing was simulated and no run folder was written.");
            return BacktestCli.Failed;
        });
        return command;
    }
}
