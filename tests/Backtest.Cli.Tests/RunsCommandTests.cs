using Backtest.Engine.Catalog;
using Backtest.Engine.Models;
using Backtest.Engine.Runs;
using Backtest.Engine.Studies;

namespace Backtest.Cli.Tests;

public sealed class RunsCommandTests : IDisposable
{
    private const string Study = """
        name: wf6-small
        model: wf6
        seed: 3
        paths: 64
        series_paths: 8
        scenarios:
          - name: reference
            kind: monte_carlo
        parameters:
          days: 30
        sweep:
          product:
            premium_rate: [0.15, 0.2]
        """;

    private readonly string root = Directory.CreateTempSubdirectory("backtest-runs-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string Catalog => Path.Combine(root, "catalog.db");

    private string RunFolder(string name, ulong seed, string text = Study)
    {
        var study = StudyLoader.Parse(text, "wf6-small.yaml", ModelCatalog.Default, new StudyOverrides(Seed: seed));
        return StudyRunner.Run(study, new RunOptions(Path.Combine(root, name), root)).Directory;
    }

    [Fact]
    public void AReportListsTheStudysEarlierRunsFromTheCatalogueAndLinksThoseStillOnDisk()
    {
        var a = RunFolder("a", 3);
        var b = RunFolder("b", 4);
        var c = RunFolder("c", 5);

        // No catalogue yet: the report says so and does not create one.
        var first = CliContractTests.Invoke("report", a, "--catalog", Catalog);
        Assert.Equal(BacktestCli.Ok, first.Code);
        Assert.Contains($"The run catalogue {Catalog} holds no earlier run of wf6-small.", File.ReadAllText(Path.Combine(a, "report", "summary.md")));
        Assert.False(File.Exists(Catalog));

        Assert.Equal(BacktestCli.Ok, CliContractTests.Invoke("runs", "add", a, b, c, "--catalog", Catalog).Code);
        Directory.Delete(b, recursive: true);
        var report = CliContractTests.Invoke("report", c, "--catalog", Catalog);
        Assert.Equal(BacktestCli.Ok, report.Code);
        Assert.Equal("", report.Err);
        var html = File.ReadAllText(Path.Combine(c, "report", "index.html"));
        int second = html.IndexOf("<li>Run 2, ", StringComparison.Ordinal);
        int firstRun = html.IndexOf("<li><a href=\"../../a/report/index.html\">Run 1, ", StringComparison.Ordinal);
        Assert.True(second > 0 && firstRun > second, "run 2 (folder removed, no link) is listed before run 1 (linked)");
        Assert.Contains($"its folder {b} was removed", html);
        Assert.DoesNotContain("Run 3, ", html); // c itself is not earlier than c
        var headline = RunRecord.FromFolder(a).Metrics[0];
        Assert.Contains($"each run&#39;s {headline.Key}", html);
    }

    [Fact]
    public void ARunRecordsItselfAndListsItsHistoryUnlessToldToLeaveTheCatalogueAlone()
    {
        var studyFile = Path.Combine(root, "wf6-small.yaml");
        File.WriteAllText(studyFile, Study);
        var kept = CliContractTests.Invoke("run", studyFile, "--out", Path.Combine(root, "kept"), "--catalog", Catalog);
        Assert.Equal(BacktestCli.Ok, kept.Code);
        Assert.Contains("catalogued as run 1", kept.Out);
        Assert.Contains("## Earlier runs", File.ReadAllText(Path.Combine(root, "kept", "report", "summary.md")));

        var alone = CliContractTests.Invoke("run", studyFile, "--out", Path.Combine(root, "alone"), "--no-catalog");
        Assert.Equal(BacktestCli.Ok, alone.Code);
        Assert.DoesNotContain("catalogued", alone.Out);
        Assert.DoesNotContain("Earlier runs", File.ReadAllText(Path.Combine(root, "alone", "report", "summary.md")));
        Assert.Equal(BacktestCli.BadInput, CliContractTests.Invoke("run", studyFile, "--no-catalog", "--catalog", Catalog).Code);
    }

    [Fact]
    public void FoldersAreAddedListedAndComparedWithDifferences()
    {
        var a = RunFolder("a", 3);
        var b = RunFolder("b", 4, Study.Replace("[0.15, 0.2]", "[0.15, 0.25]", StringComparison.Ordinal));
        var (code, output, error) = CliContractTests.Invoke("runs", "add", a, b, "--catalog", Catalog);
        Assert.Equal(BacktestCli.Ok, code);
        Assert.Equal("", error);
        Assert.Contains("catalogued as run 1", output);
        Assert.Contains("catalogued as run 2", output);
        Assert.Contains("already catalogued as run 1", CliContractTests.Invoke("runs", "add", a, "--catalog", Catalog).Out);

        var list = CliContractTests.Invoke("runs", "list", "--catalog", Catalog).Out.Split('\n');
        Assert.StartsWith("id  study", list[0]);
        Assert.StartsWith("--  -----", list[1]);
        Assert.Matches(@"^ 2  wf6-small ", list[2]);
        Assert.Matches(@"^ 1  wf6-small ", list[3]);
        Assert.Single(CliContractTests.Invoke("runs", "list", "--catalog", Catalog, "--limit", "1").Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(2));
        Assert.Contains("no catalogued runs of study other", CliContractTests.Invoke("runs", "list", "--catalog", Catalog, "--study", "other").Out);

        var compare = CliContractTests.Invoke("runs", "compare", "1", b, "--catalog", Catalog);
        Assert.Equal(BacktestCli.Ok, compare.Code);
        var lines = compare.Out.Split('\n');
        Assert.StartsWith("A: run 1 — wf6-small", lines[0]);
        Assert.StartsWith("B: folder — wf6-small", lines[1]);
        Assert.Matches(@"seed\s+3\s+4\s+differs", compare.Out);
        Assert.Matches(@"ps001\s+premium_rate\s+0\.2\s+0\.25\s+differs", compare.Out);
        Assert.Matches(@"ps000\s+premium_rate\s+0\.15\s+0\.15\s*\n", compare.Out);
        Assert.Matches(@"ps000\s+days\s+30\s+30\s*\n", compare.Out);
        Assert.Matches(@"reference/ps001 name=SURE-EQT\s+p_wiped\s", compare.Out);
        Assert.Matches(@"reference/ps000 name=SURE-BTC\s+mean_final\s+[0-9.eE+-]+\s+[0-9.eE+-]+\s+-?[0-9.eE+-]+\s+([+-][0-9.]+|0\.00)%", compare.Out);
    }

    [Fact]
    public void TheRunCommandRefusesANamedCatalogueItCannotOpenBeforeRunning()
    {
        var (code, _, error) = CliContractTests.Invoke("run", "no/such/study.yaml", "--catalog", root);
        Assert.Equal(BacktestCli.BadInput, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Contains("is a folder", error);
    }

    [Theory]
    [InlineData("runs", "list", "--catalog", "{root}/missing.db")]
    [InlineData("runs", "list", "--limit", "0", "--catalog", "{root}/x.db")]
    [InlineData("runs", "compare", "7", "8", "--catalog", "{root}/x.db")]
    [InlineData("runs", "compare", "{root}/not-a-run", "1", "--catalog", "{root}/x.db")]
    [InlineData("runs", "add", "{root}", "--catalog", "{root}/x.db")]
    [InlineData("runs", "bench", "--catalog", "{root}")]
    public void BadRunsArgumentsAreOneLineAndExitCode2(params string[] args)
    {
        using (Engine.Catalog.RunCatalog.Open(Path.Combine(root, "x.db")))
        {
        }

        var (code, _, error) = CliContractTests.Invoke(args.Select(a => a.Replace("{root}", root, StringComparison.Ordinal)).ToArray());
        Assert.Equal(BacktestCli.BadInput, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith("backtest: error: ", error);
    }
}
