using System.CommandLine;
using Backtest.Market.Data;
using Backtest.Market.Scenarios.Calibration;

namespace Backtest.Cli.Commands;

/// <summary><c>backtest scenarios fit</c>: calibrates the market scenario generators to the bundled data and prints the report.</summary>
internal static class ScenariosCommand
{
    public static Command Create(TextWriter stdout)
    {
        var data = new Option<string?>("--data")
        {
            HelpName = "DIR",
            Description = $"Data folder. Default: ${DataFiles.FolderVariable}, else data/ of the repository.",
        };
        var paths = new Option<int>("--paths")
        {
            HelpName = "N",
            Description = "Simulated histories per model for the goodness-of-fit tables (0 skips them).",
            DefaultValueFactory = _ => 400,
        };
        var fit = new Command("fit", "Fit the AMPL and USDC scenario models to the bundled history and print parameters, likelihoods and goodness of fit as Markdown.") { data, paths };
        fit.SetAction(parse => Fit(parse.GetValue(data), parse.GetValue(paths), stdout));
        return new Command("scenarios", "Market scenario generators.") { fit };
    }

    internal static int Fit(string? dataFolder, int paths, TextWriter stdout)
    {
        if (paths < 0)
        {
            throw new InputException($"{paths} is not a number of paths (0 or more)", key: "--paths");
        }

        var folder = dataFolder ?? DataFiles.LocateFolder();
        if (!Directory.Exists(folder))
        {
            throw new InputException($"the data folder \"{folder}\" does not exist", key: "--data");
        }

        stdout.Write(ScenarioCalibration.Run(folder, paths).ToMarkdown());
        return BacktestCli.Ok;
    }
}
