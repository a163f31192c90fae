using Backtest.Reports.Data;

namespace Backtest.Cli.Tests;

public sealed class RunCommandTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "backtest-run-" + Guid.NewGuid().ToString("N"));

    public RunCommandTests() => Directory.CreateDirectory(dir);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string SmallStudy()
    {
        var file = Path.Combine(dir, "small.yaml");
        File.WriteAllText(file, """
            name: small
            model: wf6
            seed: 5
            paths: 64
            series_paths: 8
            scenarios:
              - kind: monte_carlo
            parameters:
              days: 30
            sweep:
              list:
                - {premium_rate: 0.1}
                - {premium_rate: 0.2}
            """);
        return file;
    }

    [Fact]
    public void TheReportReadsEveryManifestFieldTheRunWrites()
    {
        var output = Path.Combine(dir, "run");
        var (code, stdout, stderr) = CliContractTests.Invoke("run", SmallStudy(), "--out", output, "--threads", "1");
        Assert.True(code == BacktestCli.Ok, stderr);
        Assert.Contains("wall time", stdout);

        var manifest = RunManifest.Parse(File.ReadAllText(Path.Combine(output, "manifest.json")));
        Assert.False(string.IsNullOrEmpty(manifest.GitCommit));
        Assert.NotNull(manifest.GitDirty);
        Assert.Equal(["premium_rate"], manifest.SweptParameters);
        Assert.Equal(2, manifest.Runs.Count);
        Assert.All(manifest.Runs, r => Assert.Matches("^[0-9a-f]{16}$", r.PhiloxKey!));
        Assert.NotNull(manifest.Started);
        Assert.NotNull(manifest.Finished);
        Assert.NotNull(manifest.WallSeconds);
        Assert.NotNull(manifest.PathDaysPerSecond);

        var summary = File.ReadAllText(Path.Combine(output, "report", "summary.md"));
        Assert.DoesNotContain("not recorded", summary);
        Assert.DoesNotContain("names no swept parameter", summary);
    }

    [Fact]
    public void TheTerminalTableShowsRowKeysAndHeadlineMetricsWithTheirErrors()
    {
        var (code, stdout, stderr) = CliContractTests.Invoke("run", SmallStudy(), "--out", Path.Combine(dir, "run"), "--threads", "1");
        Assert.True(code == BacktestCli.Ok, stderr);
        var header = stdout.Split('\n').First(l => l.StartsWith("scenario", StringComparison.Ordinal));
        Assert.Contains("premium_rate", header);
        Assert.Contains("tier", header);
        Assert.Contains("p_wiped (s.e.)", header);
        Assert.DoesNotContain("p_wiped_se", header);
        Assert.Contains("summary.md", stdout);
    }

    [Fact]
    public void APublishedReportChecksAgainstARunOfTheSameStudyAndFailsNamingADifference()
    {
        string study = SmallStudy(), published = Path.Combine(dir, "published");
        string first = Path.Combine(dir, "first"), again = Path.Combine(dir, "again"), reseeded = Path.Combine(dir, "reseeded");
        Assert.Equal(BacktestCli.Ok, CliContractTests.Invoke("run", study, "--out", first, "--threads", "1").Code);
        var (code, _, error) = CliContractTests.Invoke("publish", first, "--to", published);
        Assert.True(code == BacktestCli.Ok, error);
        Assert.True(File.Exists(Path.Combine(published, "index.html")));
        Assert.True(File.Exists(Path.Combine(published, "summary.md")));
        Assert.True(File.Exists(Path.Combine(published, "summary.parquet")));
        Assert.NotEmpty(Directory.GetFiles(published, "*.svg"));

        // The same study on another thread count: every statistic equal, times aside.
        Assert.Equal(BacktestCli.Ok, CliContractTests.Invoke("run", study, "--out", again, "--threads", "2").Code);
        var current = CliContractTests.Invoke("publish", again, "--to", published, "--check");
        Assert.True(current.Code == BacktestCli.Ok, current.Err);
        Assert.Contains("is current", current.Out);

        Assert.Equal(BacktestCli.Ok, CliContractTests.Invoke("run", study, "--out", reseeded, "--seed", "6").Code);
        var stale = CliContractTests.Invoke("publish", reseeded, "--to", published, "--check");
        Assert.Equal(BacktestCli.Failed, stale.Code);
        Assert.Contains("out of date", stale.Err);
        Assert.Contains("manifest seed: published 5, now 6", stale.Err);
        Assert.Contains("summary monte_carlo/ps000", stale.Err);
    }

    [Fact]
    public void PublishRefusesAnIncompleteRunFolder()
    {
        var (code, _, error) = CliContractTests.Invoke("publish", dir, "--to", Path.Combine(dir, "published"));
        Assert.Equal(BacktestCli.BadInput, code);
        Assert.Contains("summary.parquet is missing", error);
        Assert.False(Directory.Exists(Path.Combine(dir, "published")));
    }

    [Fact]
    public void ARunWithUndefinedStatisticsIsCataloguedWithoutThem()
    {
        // One path: standard errors and intervals are NaN, which the catalogue cannot store.
        string catalog = Path.Combine(dir, "catalog.db");
        var (code, _, stderr) = CliContractTests.Invoke("run", SmallStudy(), "--out", Path.Combine(dir, "one"), "--paths", "1", "--catalog", catalog);
        Assert.True(code == BacktestCli.Ok, stderr);
        var (listed, listing, _) = CliContractTests.Invoke("runs", "list", "--catalog", catalog);
        Assert.Equal(BacktestCli.Ok, listed);
        Assert.Contains("small", listing);
    }
}
