using Backtest.Engine.Catalog;
using Backtest.Engine.Models;
using Backtest.Engine.Runs;
using Backtest.Engine.Studies;
using Microsoft.Data.Sqlite;

namespace Backtest.Engine.Tests.Catalog;

public sealed class RunCatalogTests : IDisposable
{
    private const string Yaml = """
        name: walk
        model: testwalk
        seed: 42
        paths: 30
        series_paths: 5
        scenarios:
          - name: mc
            kind: mc
            steps: 6
          - name: hist
            kind: history
        sweep:
          product:
            drift: [0.001, -0.002]
        """;

    private readonly string root = Directory.CreateTempSubdirectory("backtest-catalog-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string DatabasePath => Path.Combine(root, "db", "catalog.db");

    private string RunFolder(string name, string yaml = Yaml, ulong? seed = null)
    {
        var study = StudyLoader.Parse(yaml, "walk.yaml", new ModelCatalog([new TestModel()]), new StudyOverrides(Seed: seed));
        return StudyRunner.Run(study, new RunOptions(Path.Combine(root, name), root)).Directory;
    }

    [Fact]
    public void ARunFolderIsRecordedAndReadBackWithParametersAndMetrics()
    {
        var folder = RunFolder("a");
        var fromFolder = RunRecord.FromFolder(folder);
        using var catalog = RunCatalog.Open(DatabasePath);
        long id = catalog.RecordRun(fromFolder);

        var back = catalog.GetRun(id)!;
        Assert.Equal(id, back.Id);
        Assert.Equal("walk", back.Study);
        Assert.Equal("testwalk", back.Model);
        Assert.Equal(42UL, back.Seed);
        Assert.Equal(fromFolder.StudySha256, back.StudySha256);
        Assert.Equal(fromFolder.ParametersSha256, back.ParametersSha256);
        Assert.Equal(fromFolder.Started, back.Started);
        Assert.Equal(folder, back.Folder);
        Assert.Equal(EngineInfo.GitCommit, back.GitCommit);

        // Two parameter sets of six parameters; drift is the swept one.
        Assert.Equal(12, back.Parameters.Count);
        Assert.Equal(new RunParameter("ps001", "drift", "-0.002", true), back.Parameters.Single(p => p.ParameterSet == "ps001" && p.Name == "drift"));
        Assert.False(back.Parameters.Single(p => p.ParameterSet == "ps000" && p.Name == "lag").Swept);

        // The test model's summary: mean_final (amount) and paths (integer), one row per (scenario, set).
        Assert.Equal(8, back.Metrics.Count);
        Assert.Equal(30, back.Metrics.Single(m => m is { Scenario: "mc", ParameterSet: "ps001", Name: "paths" }).Value);
        Assert.Equal(1, back.Metrics.Single(m => m is { Scenario: "hist", ParameterSet: "ps000", Name: "paths" }).Value);
        Assert.Equal(fromFolder.Metrics, back.Metrics);
        Assert.DoesNotContain(back.Metrics, m => m.Name == "drift");
    }

    [Fact]
    public void ParameterHashesDifferWhenAValueDiffersAndMatchOtherwise()
    {
        var a = RunRecord.FromFolder(RunFolder("a"));
        var b = RunRecord.FromFolder(RunFolder("b", seed: 7));
        var c = RunRecord.FromFolder(RunFolder("c", Yaml.Replace("[0.001, -0.002]", "[0.001, -0.003]", StringComparison.Ordinal)));
        Assert.Equal(a.ParametersSha256, b.ParametersSha256);
        Assert.NotEqual(a.ParametersSha256, c.ParametersSha256);
        Assert.NotEqual(a.StudySha256, c.StudySha256);
    }

    [Fact]
    public void ListIsNewestFirstFilteredByStudyAndLimited()
    {
        using var catalog = RunCatalog.Open(DatabasePath);
        var first = RunRecord.FromFolder(RunFolder("a"));
        catalog.RecordRun(first);
        catalog.RecordRun(first with { Study = "other", Started = first.Started.AddHours(1) });
        catalog.RecordRun(first with { Started = first.Started.AddHours(2) });

        var all = catalog.ListRuns();
        Assert.Equal(["walk", "other", "walk"], all.Select(e => e.Study));
        Assert.Equal([3L, 1L], catalog.ListRuns(study: "walk").Select(e => e.Id));
        Assert.Single(catalog.ListRuns(limit: 1));
        Assert.Empty(catalog.ListRuns(study: "nothing"));
    }

    [Fact]
    public void EarlierRunsGiveTheHeadlineMetricAndWhetherTheFolderStillHoldsTheRun()
    {
        using var catalog = RunCatalog.Open(DatabasePath);
        var firstFolder = RunFolder("same");
        var first = RunRecord.FromFolder(firstFolder);
        catalog.RecordRun(first);
        var kept = RunRecord.FromFolder(RunFolder("kept", seed: 9));
        catalog.RecordRun(kept);
        var second = RunRecord.FromFolder(RunFolder("same", seed: 8)); // replaces the first run's folder
        catalog.RecordRun(second);

        var earlier = catalog.EarlierRuns("walk", second.Started, "mean_final", scenario: "mc", parameterSet: "ps001");
        Assert.Equal(2, earlier.Count);
        Assert.Equal(kept.Started, earlier[0].Started);
        Assert.Equal(FolderState.Present, earlier[0].FolderState);
        Assert.Equal((kept.Paths, kept.PathDaysPerSecond), (earlier[0].Paths, earlier[0].PathDaysPerSecond));
        Assert.Equal(FolderState.Replaced, earlier[1].FolderState);
        Assert.Equal(first.Metrics.Single(m => m is { Scenario: "mc", ParameterSet: "ps001", Name: "mean_final" }).Value, earlier[1].Headline);
        Assert.Null(catalog.EarlierRuns("walk", second.Started, "no_such_metric")[0].Headline);
        Assert.Empty(catalog.EarlierRuns("walk", first.Started, "mean_final"));

        Directory.Delete(Path.Combine(root, "kept"), recursive: true);
        Assert.Equal(FolderState.Missing, catalog.ListRuns().Single(e => e.Started == kept.Started).FolderState);
        Assert.Equal(catalog.ListRuns()[0].Id, catalog.FindRunByFolder(firstFolder));
    }

    [Fact]
    public void ConcurrentWritersAllLandAndTheDatabaseStaysIntact()
    {
        var record = RunRecord.FromFolder(RunFolder("a"));
        RunCatalog.Open(DatabasePath).Dispose();
        const int writers = 6, each = 15;
        Parallel.For(0, writers, new ParallelOptions { MaxDegreeOfParallelism = writers }, w =>
        {
            for (int i = 0; i < each; i++)
            {
                // A connection per write, as separate backtest processes would open.
                using var catalog = RunCatalog.Open(DatabasePath);
                catalog.RecordRun(record with { Study = $"w{w}", Started = record.Started.AddSeconds(i) });
            }
        });

        using var check = RunCatalog.Open(DatabasePath);
        var runs = check.ListRuns(limit: 1000);
        Assert.Equal(writers * each, runs.Count);
        Assert.Equal(writers * each, runs.Select(r => r.Id).Distinct().Count());
        Assert.All(runs, r => Assert.Equal(record.Metrics.Count, check.GetRun(r.Id)!.Metrics.Count));
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", command.ExecuteScalar());
    }

    [Fact]
    public void BenchSessionsAreRecordedWithTheirResults()
    {
        using var catalog = RunCatalog.Open(DatabasePath);
        var figures = new BenchFigures(100, 95, 110, 4, 98, 27, 64, 4096, 4.1e7, 4.2e7);
        var session = new BenchSessionRecord(DateTimeOffset.UnixEpoch.AddDays(20_000), DateTimeOffset.UnixEpoch.AddDays(20_000).AddMinutes(2), "abc", false, "HEAD~1", "def", 9, "{}", "/tmp/out", false,
        [
            new BenchEntry("FixedKernelsBenchmarks.MulDiv(Tier=Scalar)", true, "elements", "regression", figures, figures with { Throughput = 5e7 }, 0.82, 0.80, 0.85, 0.83, null),
            new BenchEntry("StudyBenchmarks.Wf6", true, "path-days", "only in current", figures, null, null, null, null, null, null),
        ]);
        long id = catalog.RecordBench(session);

        var history = catalog.BenchHistory("muldiv");
        var entry = Assert.Single(history);
        Assert.Equal(id, entry.SessionId);
        Assert.Equal(0.82, entry.CpuRatio);
        Assert.Equal(4.2e7, entry.CpuThroughput);
        Assert.Equal(4.1e7, entry.Throughput);
        Assert.Equal("regression", entry.Verdict);
        Assert.Equal(2, catalog.BenchHistory().Count);
    }

    [Fact]
    public void BadPathsAreBadInputNamingTheFile()
    {
        var file = Path.Combine(root, "plain.txt");
        File.WriteAllText(file, "not a folder");
        var under = Path.Combine(file, "catalog.db");
        var e = Assert.Throws<InputException>(() => RunCatalog.Open(under));
        Assert.Contains(under, e.Message);
        Assert.StartsWith(under + ": cannot open the run catalogue", e.Message);

        var folder = Assert.Throws<InputException>(() => RunCatalog.Open(root));
        Assert.Contains("is a folder", folder.Message);

        var text = Path.Combine(root, "text.db");
        File.WriteAllText(text, new string('x', 4096));
        var notDb = Assert.Throws<InputException>(() => RunCatalog.Open(text));
        Assert.Contains("not a database", notDb.Message);
        Assert.DoesNotContain('\n', notDb.Message);
    }

    [Fact]
    public void ANewerSchemaIsRefused()
    {
        RunCatalog.Open(DatabasePath).Dispose();
        using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA user_version = {RunCatalog.SchemaVersion + 1}";
            command.ExecuteNonQuery();
        }

        var e = Assert.Throws<InputException>(() => RunCatalog.Open(DatabasePath));
        Assert.Contains("schema version", e.Message);
    }

    [Fact]
    public void AFolderWithoutAManifestIsNotARunFolder()
    {
        var e = Assert.Throws<InputException>(() => RunRecord.FromFolder(root));
        Assert.Contains("not a run folder", e.Message);
        File.WriteAllText(Path.Combine(root, "manifest.json"), "{\"engine\": {}}");
        var bad = Assert.Throws<InputException>(() => RunRecord.FromFolder(root));
        Assert.Contains("manifest.json", bad.Message);
    }

    [Fact]
    public void TheLocationComesFromTheOptionThenTheEnvironmentThenTheDefault()
    {
        var before = Environment.GetEnvironmentVariable(RunCatalog.EnvironmentVariable);
        try
        {
            Environment.SetEnvironmentVariable(RunCatalog.EnvironmentVariable, null);
            Assert.Equal(RunCatalog.DefaultPath, RunCatalog.Locate(null));
            Environment.SetEnvironmentVariable(RunCatalog.EnvironmentVariable, "/x/env.db");
            Assert.Equal("/x/env.db", RunCatalog.Locate(null));
            Assert.Equal("given.db", RunCatalog.Locate("given.db"));
        }
        finally
        {
            Environment.SetEnvironmentVariable(RunCatalog.EnvironmentVariable, before);
        }
    }
}
