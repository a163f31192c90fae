using Backtest.Market.Data;
using Backtest.Market.Tests.Data;

namespace Backtest.Cli.Tests;

public class DataCommandTests
{
    private static (int Code, string Out, string Err) Invoke(params string[] args) => CliContractTests.Invoke(args);

    [Fact]
    public void AMissingRawFolderIsBadInputNamingIt()
    {
        var (code, _, error) = Invoke("data", "normalize", "--raw", "no/such/raw", "--out", Path.GetTempPath());
        Assert.Equal(BacktestCli.BadInput, code);
        Assert.Contains("no/such/raw", error);
    }

    [Fact]
    public void ARawFolderWithoutTheSourceFilesIsBadInputNamingTheFirstMissingFile()
    {
        var empty = Directory.CreateTempSubdirectory("raw-").FullName;
        try
        {
            var (code, _, error) = Invoke("data", "normalize", "--raw", empty, "--out", Path.Combine(empty, "out"));
            Assert.Equal(BacktestCli.BadInput, code);
            Assert.Contains("file not found", error);
            Assert.Single(error.TrimEnd().Split('\n'));
            Assert.False(Directory.Exists(Path.Combine(empty, "out")));
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [RawDataFact]
    public void NormalizeWritesTheBundledFilesAndPrintsTheirChecksums()
    {
        var raw = RawDataNormalizer.LocateRawFolder()!;
        var output = Directory.CreateTempSubdirectory("data-").FullName;
        try
        {
            var (code, printed, _) = Invoke("data", "normalize", "--raw", raw, "--out", output);
            Assert.Equal(BacktestCli.Ok, code);
            var written = Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal);
            Assert.Equal(BundledData.All.Select(f => f.FileName).Append(BundledData.ChecksumFileName).Order(StringComparer.Ordinal), written);
            Assert.All(Directory.GetFiles(output), file => Assert.Contains($"{DataFiles.Sha256(file)}  {file}", printed));
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }
}
