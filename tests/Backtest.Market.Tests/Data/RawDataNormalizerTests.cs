using Backtest.IO;
using Backtest.Market.Data;

namespace Backtest.Market.Tests.Data;

public class RawDataNormalizerTests
{
    private static string RawFolder => RawDataNormalizer.LocateRawFolder()!;

    /// <summary>A writable copy of the raw folder with one file's text edited.</summary>
    private static string RawCopyWith(string fileName, Func<string, string> edit)
    {
        var copy = Directory.CreateTempSubdirectory("raw-").FullName;
        foreach (var file in Directory.GetFiles(RawFolder))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }

        var path = Path.Combine(copy, fileName);
        File.SetAttributes(path, FileAttributes.Normal);
        File.WriteAllText(path, edit(File.ReadAllText(path)));
        return copy;
    }

    private static DataFileException RefusedAfterEditing(string fileName, Func<string, string> edit)
    {
        var copy = RawCopyWith(fileName, edit);
        try
        {
            var e = Assert.Throws<DataFileException>(() => RawDataNormalizer.Normalize(copy));
            Assert.Equal(Path.Combine(copy, fileName), e.File);
            return e;
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [RawDataFact]
    public void TheCommittedDataFilesAreExactlyWhatTheNormaliserProducesFromTheRawFiles()
    {
        var folder = DataFiles.LocateFolder();
        var produced = RawDataNormalizer.Normalize(RawFolder);
        Assert.Equal(BundledData.All.Select(f => f.FileName).Append(BundledData.ChecksumFileName), produced.Select(f => f.Name));
        Assert.All(produced, file => Assert.True(
            File.ReadAllBytes(Path.Combine(folder, file.Name)).AsSpan().SequenceEqual(file.Content),
            $"data/{file.Name} differs from what 'backtest data normalize' produces; rerun it and commit the result"));
    }

    [RawDataFact]
    public void ARawValueThatIsNotAPlainNumberIsRefusedWithItsLine()
    {
        var e = RefusedAfterEditing(RawDataNormalizer.UsdcYahooRaw, text => text.Replace("2026-04-03,0.999894,", "2026-04-03,0.999894e0,"));
        Assert.Equal((3, "Open"), (e.Line, e.Key));
    }

    [RawDataFact]
    public void AnAdjustedCloseThatDiffersFromTheCloseIsNotDroppedSilently()
    {
        var e = RefusedAfterEditing(RawDataNormalizer.UsdcYahooRaw, text => text.Replace("0.99975,0.99975,", "0.99975,0.99976,"));
        Assert.Equal((2, "Adj Close"), (e.Line, e.Key));
    }

    [RawDataFact]
    public void TheCirculatingSupplyVariantMustStayRedundant()
    {
        var e = RefusedAfterEditing(RawDataNormalizer.AmplCoinGeckoSupplyRaw, text => text.Replace(",4618623.86422009,", ",4618624,"));
        Assert.Equal((2, "circulating_supply"), (e.Line, e.Key));
        var price = RefusedAfterEditing(RawDataNormalizer.AmplCoinGeckoSupplyRaw, text => text.Replace(",2.0881333997747618,", ",2.09,"));
        Assert.Equal((3, "price"), (price.Line, price.Key));
    }

    [RawDataFact]
    public void ADuplicatedRawDateIsRefused()
    {
        var e = RefusedAfterEditing(RawDataNormalizer.PcepiRaw, text => text.Replace("2000-02-01,", "2000-01-01,"));
        Assert.Equal((3, "observation_date"), (e.Line, e.Key));
    }

    [RawDataFact]
    public void JsonErrorsNameTheBarAndItsLine()
    {
        var e = RefusedAfterEditing(RawDataNormalizer.Usdc15MinRaw, text => ReplaceFirst(text, "\"h\": 1.00302319431652", "\"h\": \"high\""));
        Assert.Equal((7, "data[0].h"), (e.Line, e.Key));
        var offGrid = RefusedAfterEditing(RawDataNormalizer.Usdc15MinRaw, text => text.Replace("2023-03-09T05:15:00.000Z", "2023-03-09T05:16:00.000Z"));
        Assert.Equal((13, "data[1].dt"), (offGrid.Line, offGrid.Key));
        var broken = RefusedAfterEditing(RawDataNormalizer.Usdc15MinRaw, text => text[..^10]);
        Assert.Contains("not valid JSON", broken.Reason);
    }

    [RawDataFact]
    public void AMissingRawFileIsNamed()
    {
        var copy = RawCopyWith(RawDataNormalizer.CpiRaw, text => text);
        try
        {
            File.Delete(Path.Combine(copy, RawDataNormalizer.CpiRaw));
            var e = Assert.Throws<DataFileException>(() => RawDataNormalizer.Normalize(copy));
            Assert.Equal((Path.Combine(copy, RawDataNormalizer.CpiRaw), "file not found"), (e.File, e.Reason));
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void TheRawFolderIsSoughtAboveTheRepositoryUnlessTheVariableNamesIt()
    {
        var outside = Directory.CreateTempSubdirectory("no-repo-").FullName;
        try
        {
            Assert.Null(RawDataNormalizer.LocateRawFolder(null, [outside]));
            Assert.Equal(outside, RawDataNormalizer.LocateRawFolder(outside, [outside]));
        }
        finally
        {
            Directory.Delete(outside);
        }

        var e = Assert.Throws<InputException>(() => RawDataNormalizer.LocateRawFolder(outside, []));
        Assert.Equal(RawDataNormalizer.RawFolderVariable, e.Key);
    }

    private static string ReplaceFirst(string text, string find, string replacement)
    {
        int at = text.IndexOf(find, StringComparison.Ordinal);
        return string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + find.Length));
    }
}
