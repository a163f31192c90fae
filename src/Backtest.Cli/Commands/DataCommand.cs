using System.CommandLine;
using Backtest.Market.Data;

namespace Backtest.Cli.Commands;

/// <summary><c>backtest data normalize</c>: rebuilds the tidy files of <c>data/</c> from the raw files.</summary>
internal static class DataCommand
{
    public static Command Create(TextWriter stdout)
    {
        var raw = new Option<string?>("--raw")
        {
            HelpName = "DIR",
            Description = $"Raw data folder (the files of shared/data/raw). Default: ${RawDataNormalizer.RawFolderVariable}, else shared/data/raw above the repository.",
        };
        var output = new Option<string?>("--out")
        {
            HelpName = "DIR",
            Description = $"Folder to write the tidy files and {BundledData.ChecksumFileName} into. Default: the bundled data folder (${DataFiles.FolderVariable}, else data/ of the repository).",
        };
        var normalize = new Command("normalize", "Rebuild the tidy CSV files and their SHA-256 list from the raw files, deterministically.") { raw, output };
        normalize.SetAction(parse => Normalize(parse.GetValue(raw), parse.GetValue(output), stdout));
        return new Command("data", "Bundled historical data.") { normalize };
    }

    internal static int Normalize(string? rawFolder, string? outputFolder, TextWriter stdout)
    {
        var source = rawFolder ?? RawDataNormalizer.LocateRawFolder()
            ?? throw new InputException($"no raw data folder: pass --raw or set {RawDataNormalizer.RawFolderVariable}", key: "--raw");
        if (!Directory.Exists(source))
        {
            throw new InputException($"the raw data folder \"{source}\" does not exist", key: "--raw");
        }

        var target = outputFolder ?? DataFiles.LocateFolder();
        foreach (var file in RawDataNormalizer.WriteTo(source, target))
        {
            stdout.WriteLine($"{file.Sha256}  {Path.Combine(target, file.Name)}");
        }

        return BacktestCli.Ok;
    }
}
