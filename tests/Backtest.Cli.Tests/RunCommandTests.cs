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
}
