using System.Text.Json;
using System.Text.Json.Nodes;
using Backtest.Engine.Models;
using Backtest.Engine.Runs;
using Backtest.Engine.Studies;
using Backtest.IO.Parquet;

namespace Backtest.Engine.Tests.Runs;

public sealed class ShardMergerTests : IDisposable
{
    // Blocks (1,024 paths): mc/ps000 0-2, mc/ps001 3-5, hist/ps000 6, hist/ps001 7. The recorded
    // paths (the first 1,500) span two blocks, so the series need rows from two shards.
    private const string Yaml = """
        name: sharded
        model: testwalk
        seed: 7
        paths: 2500
        series_paths: 1500
        scenarios:
          - name: mc
            kind: mc
            steps: 25
          - name: hist
            kind: history
        sweep:
          product:
            drift: [0.001, -0.002]
        """;

    private readonly string root = Directory.CreateTempSubdirectory("backtest-shards-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private static ModelCatalog Catalog(IModel? model = null) => new([model ?? new TestModel()]);

    private static Study Load(string yaml = Yaml, StudyOverrides? overrides = null, IModel? model = null) =>
        StudyLoader.Parse(yaml, "sharded.yaml", Catalog(model), overrides);

    private string Single(Study study)
    {
        var folder = Path.Combine(root, "single");
        if (!Directory.Exists(folder))
        {
            StudyRunner.Run(study, new RunOptions(folder, root));
        }

        return folder;
    }

    private string Shards(Study study, int count, string name = "shards", IEnumerable<int>? only = null, int threads = 0)
    {
        var folder = Path.Combine(root, name);
        foreach (int index in only ?? Enumerable.Range(0, count))
        {
            var run = threads == 0 ? study : study with { Threads = threads };
            StudyRunner.Run(run, new RunOptions(folder, root) { Shard = new ShardSpec(index, count) });
        }

        return folder;
    }

    private RunResult Merge(IModel? model = null, params string[] folders) =>
        ShardMerger.Merge(new MergeOptions(folders, Path.Combine(root, "merged"), root, Catalog(model)));

    private ShardMergeException Refused(params string[] folders)
    {
        var error = Assert.Throws<ShardMergeException>(() => Merge(null, folders));
        Assert.DoesNotContain('\n', error.Message);
        Assert.False(Directory.Exists(Path.Combine(root, "merged")));
        return error;
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(7, 3)]
    [InlineData(10, 1)]
    public void MergedShardsEqualTheSingleRunValueForValue(int count, int threads)
    {
        var study = Load();
        var result = Merge(null, Shards(study, count, threads: threads));
        long values = RunFolderComparison.AssertSameTables(Single(study), result.Directory);
        Assert.True(values > 5000 * 6, "every path row was compared");
        Assert.Equal(count, result.Shards.Count);

        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(result.Directory, "manifest.json")))!;
        Assert.Equal(count, manifest["shards"]!["count"]!.GetValue<int>());
        Assert.Equal(5002, manifest["runs"]!.AsArray().Sum(r => r!["paths"]!.GetValue<long>()));
    }

    [Fact]
    public void WritesAShardedStudyForTheDuckDbCheck()
    {
        // CI has DuckDB read every part file and each of paths/ and series/ as one Hive dataset (tools/duckdb-check).
        var target = Path.Combine(RepositoryFolder.ParquetConformance, "sharded-study");
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        var study = Load();
        for (int index = 0; index < 3; index++)
        {
            StudyRunner.Run(study, new RunOptions(target, root) { Shard = new ShardSpec(index, 3) });
        }

        Assert.Equal(3, Directory.GetFiles(Path.Combine(target, "shards"), "shard=*.json").Length);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(target, "paths"), "part.parquet", SearchOption.AllDirectories).Length);
    }

    [Fact]
    public void AShardWritesOnlyItsPartitionsAndAManifestThatDescribesThem()
    {
        var folder = Shards(Load(), 3, only: [1]);
        Assert.Equal([".staging", "paths", "series", "shards"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(folder, ".staging")));
        var record = ShardManifest.Read(Path.Combine(folder, "shards", "shard=1.json"));
        Assert.Equal(1, record.Index);
        Assert.Equal(3, record.Count);
        Assert.Equal("paths/shard=1/part.parquet", record.PathsFile);
        Assert.Equal([1024L, 1024, 0, 1], record.Runs.Select(r => r.SimulatedPaths));

        using var paths = ParquetReader.Open(Path.Combine(folder, "paths", "shard=1", "part.parquet"));
        Assert.Equal(2049, paths.RowCount);
        Assert.Equal(record.PathRows, paths.RowCount);
        Assert.All(paths.RowGroups, g => Assert.True(g.RowCount <= ShardSlice.BlockPaths, "a row group holds at most one block"));
        var path = paths.ReadColumn("path");
        Assert.Equal(1024, path.Int64Values[0]);
        Assert.Equal(0, path.Int64Values[2048]);

        using var series = ParquetReader.Open(Path.Combine(folder, "series", "shard=1", "part.parquet"));
        Assert.Equal(["study", "scenario", "param_set", "path", "step", "value"], series.Schema.Columns.Select(c => c.Name));
        Assert.Equal(((1500 - 1024) * 2 * 25) + 5, series.RowCount);
    }

    [Fact]
    public void ARerunShardReplacesItsOwnPartitions()
    {
        var study = Load();
        var folder = Shards(study, 3);
        Shards(study, 3, only: [2]);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(folder, ".staging")));
        RunFolderComparison.AssertSameTables(Single(study), Merge(null, folder).Directory);
    }

    [Fact]
    public void ShardsGatheredFromOneFolderPerMachineMerge()
    {
        var study = Load();
        var folders = Enumerable.Range(0, 3).Select(i => Shards(study, 3, $"machine{i}", only: [i])).ToArray();
        RunFolderComparison.AssertSameTables(Single(study), Merge(null, folders).Directory);
    }

    [Fact]
    public void AMissingShardIsNamed()
    {
        var folder = Shards(Load(), 3, only: [0, 2]);
        Assert.Contains("shard 1 of 3 is missing", Refused(folder).Message);
    }

    [Fact]
    public void AnUnfinishedAttemptIsPointedAt()
    {
        var folder = Shards(Load(), 3, only: [0, 1]);
        Directory.CreateDirectory(Path.Combine(folder, ".staging", "shard=2.4242", "paths"));
        var message = Refused(folder).Message;
        Assert.Contains("shard 2 of 3 is missing", message);
        Assert.Contains("shard=2.4242", message);
    }

    [Fact]
    public void AShardWithoutItsManifestIsIncomplete()
    {
        var folder = Shards(Load(), 3);
        File.Delete(Path.Combine(folder, "shards", "shard=1.json"));
        Assert.Contains("shard 1 of 3 is incomplete", Refused(folder).Message);
    }

    [Fact]
    public void AShardGivenTwiceIsRefused()
    {
        var study = Load();
        var a = Shards(study, 2, "a");
        var b = Shards(study, 2, "b", only: [1]);
        Assert.Contains("shard 1 is given twice", Refused(a, b).Message);
        Assert.Contains("is given twice", Refused(a, a).Message);
    }

    [Theory]
    [InlineData("seed", "seed: 7 vs 8")]
    [InlineData("paths", "paths: 2500 vs 2600")]
    [InlineData("count", "shard count: 2 vs 3")]
    [InlineData("study", "study (SHA-256 of its text)")]
    public void ShardsOfDifferentRunsAreRefused(string change, string expected)
    {
        var study = Load();
        var a = Shards(study, 2, "a", only: [0]);
        var other = change switch
        {
            "seed" => Load(overrides: new StudyOverrides(Seed: 8)),
            "paths" => Load(overrides: new StudyOverrides(Paths: 2600)),
            "study" => Load(Yaml.Replace("steps: 25", "steps: 26", StringComparison.Ordinal)),
            _ => study,
        };
        var b = Shards(other, change == "count" ? 3 : 2, "b", only: [1]);
        var message = Refused(a, b).Message;
        Assert.Contains("shard 1 is not from the same run as shard 0", message);
        Assert.Contains(expected, message);
    }

    [Fact]
    public void ShardsOfAnotherEngineBuildAreRefused()
    {
        var folder = Shards(Load(), 2);
        var file = Path.Combine(folder, "shards", "shard=1.json");
        var manifest = JsonNode.Parse(File.ReadAllText(file))!;
        manifest["engine"]!["git_commit"] = "0000000000000000000000000000000000000000";
        File.WriteAllText(file, manifest.ToJsonString());
        Assert.Contains("engine commit", Refused(folder).Message);
    }

    [Fact]
    public void AShardFileThatDisagreesWithItsManifestIsRefused()
    {
        var folder = Shards(Load(), 2);
        var file = Path.Combine(folder, "shards", "shard=0.json");
        var manifest = JsonNode.Parse(File.ReadAllText(file))!;
        manifest["files"]!["paths"]!["rows"] = 7;
        File.WriteAllText(file, manifest.ToJsonString());
        Assert.Contains("rows but its manifest says 7", Refused(folder).Message);
    }

    [Fact]
    public void DifferentInputDataAreRefusedOnTheShardsAndAtTheMerge()
    {
        var model = new DataReadingModel();
        var prices = Path.Combine(root, DataReadingModel.File);
        File.WriteAllText(prices, "date,price\n2020-01-01,1.0\n");
        var study = Load(model: model);
        var a = Path.Combine(root, "a");
        StudyRunner.Run(study, new RunOptions(a, root) { Shard = new ShardSpec(0, 2) });
        var b = Path.Combine(root, "b");
        File.WriteAllText(prices, "date,price\n2020-01-01,1.1\n");
        StudyRunner.Run(study, new RunOptions(b, root) { Shard = new ShardSpec(1, 2) });

        var error = Assert.Throws<ShardMergeException>(() => Merge(model, a, b));
        Assert.Contains($"input data: data/{DataReadingModel.File} sha256", error.Message);

        // Both shards alike, but the data folder here differs from theirs.
        File.WriteAllText(prices, "date,price\n2020-01-01,1.0\n");
        StudyRunner.Run(study, new RunOptions(a, root) { Shard = new ShardSpec(1, 2) });
        File.WriteAllText(prices, "date,price\n2020-01-01,1.2\n");
        error = Assert.Throws<ShardMergeException>(() => Merge(model, a));
        Assert.Contains($"data/{DataReadingModel.File} differs from the shards'", error.Message);
    }

    [Fact]
    public void AShardRefusesAFolderOfAnotherRun()
    {
        var folder = Shards(Load(), 2, only: [0]);
        var error = Assert.Throws<InputException>(() => Shards(Load(overrides: new StudyOverrides(Seed: 9)), 2, only: [1]));
        Assert.Contains("holds shard 0 of another run (seed: 9 vs 7)", error.Message);
        Assert.False(Directory.Exists(Path.Combine(folder, "paths", "shard=1")));
    }

    [Fact]
    public void AShardRefusesAFolderThatIsNotAShardFolder()
    {
        var single = Single(Load());
        var error = Assert.Throws<InputException>(() => StudyRunner.Run(Load(), new RunOptions(single, root) { Shard = new ShardSpec(0, 2) }));
        Assert.Contains("is not a shard folder", error.Message);
        Assert.False(Directory.Exists(Path.Combine(single, "paths")));
    }

    [Fact]
    public void TheMergedFolderMustLieOutsideTheShards()
    {
        var folder = Shards(Load(), 1);
        var error = Assert.Throws<ShardMergeException>(() =>
            ShardMerger.Merge(new MergeOptions([folder], Path.Combine(folder, "merged"), root, Catalog())));
        Assert.Contains("outside the shard folders", error.Message);
    }

    [Fact]
    public void AFolderWithoutShardsIsRefused()
    {
        var empty = Directory.CreateDirectory(Path.Combine(root, "empty")).FullName;
        Assert.Contains("not a shard folder", Refused(empty).Message);
        Assert.Contains("shard folder not found", Refused(Path.Combine(root, "absent")).Message);
    }

    [Fact]
    public void AManifestIsReadStrictly()
    {
        var folder = Shards(Load(), 1);
        var file = Path.Combine(folder, "shards", "shard=0.json");
        var manifest = JsonNode.Parse(File.ReadAllText(file))!;
        manifest["shard"]!.AsObject().Remove("count");
        File.WriteAllText(file, manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var error = Assert.ThrowsAny<InputException>(() => Merge(null, folder));
        Assert.Equal("shard.count", error.Key);
        Assert.Equal(file, error.File);
    }

    /// <summary>The test model, reading a data file when its simulations are created (as real models read price history).</summary>
    private sealed class DataReadingModel : IModel
    {
        public const string File = "prices.csv";

        private readonly TestModel inner = new();

        public string Name => inner.Name;

        public string Description => inner.Description;

        public IReadOnlyList<ParameterSpec> Parameters => inner.Parameters;

        public IReadOnlyList<ScenarioKind> ScenarioKinds => inner.ScenarioKinds;

        public ISimulation Create(SimulationContext context)
        {
            context.Data.File(File);
            return inner.Create(context);
        }
    }
}
