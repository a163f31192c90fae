using System.Text;
using Backtest.IO.Csv;
using Backtest.Market.Data;
using Backtest.Testing.Fuzz;

namespace Backtest.Market.Tests.Data;

/// <summary>
/// Malformed variants of the bundled files' first rows through every loader: each ends in a
/// series or a DataFileException, never another exception or a hang.
/// </summary>
public class LoaderFuzzTests
{
    private const int CasesPerLoader = 1500;

    private static readonly (BundledFile File, Func<CsvReader, Coverage, object> Read)[] Loaders =
    [
        (BundledData.AmplUsdYahooDaily, HistoricalData.ReadAmplDaily),
        (BundledData.AmplUsdCoinGeckoDaily, HistoricalData.ReadAmplCoinGeckoDaily),
        (BundledData.AmplSupplyPerRebase, HistoricalData.ReadAmplSupply),
        (BundledData.UsdcUsdYahooDaily, HistoricalData.ReadUsdcDaily),
        (BundledData.UsdcUsd15MinDepeg, HistoricalData.ReadUsdc15MinDepeg),
        (BundledData.UsCpiUMonthly, HistoricalData.ReadCpiU),
        (BundledData.UsPcepiMonthly, HistoricalData.ReadPcepi),
    ];

    public static TheoryData<int> LoaderIndexes() => [.. Enumerable.Range(0, Loaders.Length)];

    /// <summary>Seeds: the header and a window of rows taken from the real file, one without and one with gap rows where the file has them.</summary>
    private static byte[][] Seeds(BundledFile file)
    {
        var lines = File.ReadAllLines(DataFiles.PathOf(file));
        int gapRow = Array.FindIndex(lines, 1, l => l.EndsWith(",,", StringComparison.Ordinal));
        int[] starts = gapRow > 0 ? [1, Math.Max(1, gapRow - 5)] : [1, lines.Length / 2];
        return [.. starts.Select(start => Encoding.UTF8.GetBytes(string.Join('\n', lines.Take(1).Concat(lines.Skip(start).Take(25))) + "\n"))];
    }

    [Theory]
    [MemberData(nameof(LoaderIndexes))]
    public async Task MalformedInputsEndInASeriesOrADataFileException(int loader)
    {
        var (file, read) = Loaders[loader];
        var seeds = Seeds(file);
        var (accepted, refused) = await Task.Run(() => new InputFuzzer(seed: 1000 + loader).Run(seeds, CasesPerLoader, input =>
        {
            using var csv = new CsvReader(new MemoryStream(input), file.FileName);
            read(csv, Coverage.AnySpan);
        })).WaitAsync(TimeSpan.FromSeconds(60));

        // Both outcomes must occur often, or the mutations are not exercising the validation.
        Assert.True(accepted > 50 && refused > 500, $"{file.FileName}: accepted {accepted}, refused {refused}");
    }

    [Fact]
    public void TheSeedsThemselvesLoad()
    {
        foreach (var (file, read) in Loaders)
        {
            foreach (var seed in Seeds(file))
            {
                using var csv = new CsvReader(new MemoryStream(seed), file.FileName);
                Assert.NotNull(read(csv, Coverage.AnySpan));
            }
        }
    }
}
