using Backtest.IO;
using Backtest.Market.Data;

namespace Backtest.Market.Tests.Data;

public class DataFilesTests
{
    [Fact]
    public void Sha256IsTheLowercaseHexDigestOfTheBytes()
    {
        // FIPS 180-2 test vector for "abc".
        const string Abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        Assert.Equal(Abc, DataFiles.Sha256("abc"u8));
        var path = Path.Combine(Path.GetTempPath(), $"sha-{Guid.NewGuid():N}.txt");
        File.WriteAllText(path, "abc");
        try
        {
            Assert.Equal(Abc, DataFiles.Sha256(path));
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Equal(path, Assert.Throws<DataFileException>(() => DataFiles.Sha256(path)).File);
    }

    [Fact]
    public void TheDataFolderIsFoundAboveTheTestDirectory()
    {
        var folder = DataFiles.LocateFolder(null, [AppContext.BaseDirectory]);
        Assert.True(File.Exists(Path.Combine(folder, "..", DataFiles.SolutionFileName)));
        Assert.Equal("data", Path.GetFileName(folder));
        Assert.Equal(Path.GetDirectoryName(folder), DataFiles.FindRepositoryRoot(Path.Combine(folder, "..", "src")));
    }

    [Fact]
    public void TheEnvironmentVariableOverridesTheSearch()
    {
        var elsewhere = Directory.CreateTempSubdirectory("data-").FullName;
        try
        {
            Assert.Equal(elsewhere, DataFiles.LocateFolder(elsewhere, [AppContext.BaseDirectory]));
        }
        finally
        {
            Directory.Delete(elsewhere);
        }

        var e = Assert.Throws<InputException>(() => DataFiles.LocateFolder(elsewhere, [AppContext.BaseDirectory]));
        Assert.Equal(DataFiles.FolderVariable, e.Key);
        Assert.Contains(elsewhere, e.Message);
    }

    [Fact]
    public void OutsideARepositoryTheErrorSaysWhereItLookedAndWhatToSet()
    {
        var outside = Directory.CreateTempSubdirectory("no-repo-").FullName;
        try
        {
            var e = Assert.Throws<InputException>(() => DataFiles.LocateFolder(null, [outside]));
            Assert.Contains(outside, e.Message);
            Assert.Contains("set BACKTEST_DATA", e.Message);
            Assert.Null(DataFiles.FindRepositoryRoot(outside));
        }
        finally
        {
            Directory.Delete(outside);
        }
    }
}
