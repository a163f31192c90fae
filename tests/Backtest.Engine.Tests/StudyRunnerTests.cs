using Backtest.Engine.Models;
using Backtest.Engine.Runs;
using Backtest.Engine.Studies;
using Backtest.IO.Tables;
using Backtest.IO.Parquet;

namespace Backtest.Engine.Tests;

public sealed class StudyRunnerTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("backtest-runner-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private const string Yaml = """
        name: walk
        model: testwalk
        seed: 42
        paths: 101
        series_paths: 20
        scenarios:
          - name: mc
            kind: mc
            steps: 12
          - name: hist
            kind: history
        sweep:
          product:
            drift: [0.001, -0.002]
        """;

    private static Study Load(string yaml = Yaml, StudyOverrides? overrides = null, IModel? model = null) =>
        StudyLoader.Parse(yaml, "walk.yaml", new ModelCatalog([model ?? new TestModel()]), overrides);

    private RunResult Run(Study study, string name) =>
        StudyRunner.Run(study, new RunOptions(Path.Combine(root, name), root));

    [Fact]
    public void WritesTheRunFolderWithIdentityColumnsAndTheManifest()
    {
        var result = Run(Load(), "out");
        var dir = result.Directory;
        Assert.True(File.Exists(Path.Combine(dir, "manifest.json")));
        Assert.False(Directory.Exists(dir + $".partial-{Environment.ProcessId}"));

        using var paths = ParquetReader.Open(Path.Combine(dir, "paths.parquet"));
        Assert.Equal(["study", "scenario", "param_set", "path", "final_value", "min_step"], paths.Schema.Columns.Select(c => c.Name));
        Assert.Equal((101 * 2) + (1 * 2), paths.RowCount);
        Assert.Equal(ParquetType.Decimal, paths.Schema.Columns[4].Type);
        Assert.Contains(ColumnDescriptions.MetadataKey, paths.Metadata.Keys);
        Assert.Contains(ParquetWriter.ManifestKey, paths.Metadata.Keys);

        using var summary = ParquetReader.Open(Path.Combine(dir, "summary.parquet"));
        Assert.Equal(["study", "scenario", "param_set", "drift", "mean_final", "paths"], summary.Schema.Columns.Select(c => c.Name));
        Assert.Equal(4, summary.RowCount);

        using var series = ParquetReader.Open(Path.Combine(dir, "series.parquet"));
        var statistic = series.ReadColumn("statistic");
        var stats = Enumerable.Range(0, (int)series.RowCount).Select(i => statistic.StringValues[i]).ToList();
        Assert.Equal(2 * 12 * 6 + 2 * 5, stats.Count);
        Assert.Equal(2 * 5, stats.Count(s => s == "value"));
        Assert.Equal(2 * 12, stats.Count(s => s == "p95"));

        var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "manifest.json"))).RootElement;
        Assert.Equal("walk", manifest.GetProperty("study").GetProperty("name").GetString());
        Assert.Equal(42UL, manifest.GetProperty("seed").GetUInt64());
        Assert.Equal(4, manifest.GetProperty("runs").GetArrayLength());
        var lastRun = manifest.GetProperty("runs")[3];
        var stream = Backtest.Numerics.Random.RandomStream.Create(42, lastRun.GetProperty("scenario_index").GetInt32(), lastRun.GetProperty("param_set_index").GetInt32());
        Assert.Equal($"{stream.Key0:x8}{stream.Key1:x8}", lastRun.GetProperty("philox_key").GetString());
        Assert.Equal("drift", manifest.GetProperty("swept_parameters")[0].GetString());
        Assert.Equal("-0.002", manifest.GetProperty("parameter_sets")[1].GetProperty("values").GetProperty("drift").GetString());
    }

    [Fact]
    public void SeriesOfASinglePathAreItsValuesWithDates()
    {
        var result = Run(Load(), "out");
        using var series = ParquetReader.Open(Path.Combine(result.Directory, "series.parquet"));
        var scenario = series.ReadColumn("scenario");
        var date = series.ReadColumn("date");
        var rows = Enumerable.Range(0, (int)series.RowCount).Where(i => scenario.StringValues[i] == "hist").ToList();
        Assert.Equal(new DateOnly(2019, 6, 28), date.GetDate(rows[0]));
        Assert.Equal(new DateOnly(2019, 7, 2), date.GetDate(rows[4]));
        var mc = Enumerable.Range(0, (int)series.RowCount).First(i => scenario.StringValues[i] == "mc");
        Assert.True(date.Nulls[mc]);
    }

    [Fact]
    public void ResultsAreIdenticalWithOneTwoAndEightThreads()
    {
        var files = new[] { 1, 2, 8 }.Select(t =>
        {
            var result = Run(Load(overrides: new StudyOverrides(Threads: t)), $"t{t}");
            return new[] { "paths.parquet", "summary.parquet", "series.parquet" }
                .Select(f => Dump(Path.Combine(result.Directory, f))).ToArray();
        }).ToArray();
        Assert.Equal(files[0], files[1]);
        Assert.Equal(files[0], files[2]);
    }

    [Fact]
    public void AFailingBatchLeavesNoFolderAndKeepsThePreviousRun()
    {
        var good = Run(Load(), "out");
        var before = File.ReadAllText(Path.Combine(good.Directory, "manifest.json"));
        var broken = Load(model: new FaultyModel(faultPath: 57));
        var e = Assert.Throws<InvalidOperationException>(() => Run(broken, "out"));
        Assert.Contains("path 57", e.Message);
        Assert.Equal(before, File.ReadAllText(Path.Combine(good.Directory, "manifest.json")));
        Assert.Single(Directory.GetDirectories(root));
        Assert.Empty(Directory.GetFiles(good.Directory, "*.tmp", SearchOption.AllDirectories));
    }

    [Fact]
    public void AFolderThatIsNotARunFolderIsNotReplaced()
    {
        var other = Path.Combine(root, "precious");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "thesis.tex"), "do not delete");
        var e = Assert.Throws<InputException>(() => StudyRunner.Run(Load(), new RunOptions(other, root)));
        Assert.Contains("not a run folder", e.Message);
        Assert.True(File.Exists(Path.Combine(other, "thesis.tex")));
    }

    [Fact]
    public void ProgressHearsThePlanAnEstimateAndEveryRun()
    {
        var progress = new RecordingProgress();
        StudyRunner.Run(Load(), new RunOptions(Path.Combine(root, "p"), root) { Progress = progress });
        Assert.Equal(4, progress.Plan!.Runs.Count);
        Assert.Equal((101 * 2) + 2, progress.Plan.TotalPaths);
        Assert.True(progress.Estimates >= 1);
        Assert.Equal(4, progress.Finished);
        Assert.Equal(101, progress.LastPaths["mc/ps000"]);
    }

    /// <summary>Every value of every column, as text, so files compare value for value.</summary>
    internal static string Dump(string file)
    {
        using var reader = ParquetReader.Open(file);
        var sb = new System.Text.StringBuilder();
        foreach (var column in reader.Schema.Columns)
        {
            var data = reader.ReadColumn(column.Name);
            sb.Append(column.Name).Append(':');
            for (int i = 0; i < reader.RowCount; i++)
            {
                sb.Append(data.FormatValue(i)).Append('|');
            }

            sb.AppendLine();
        }

        return sb.ToString();
    }

    private sealed class RecordingProgress : IRunProgress
    {
        public RunPlan? Plan { get; private set; }

        public int Estimates { get; private set; }

        public int Finished { get; private set; }

        public Dictionary<string, long> LastPaths { get; } = [];

        public void Planned(RunPlan plan) => Plan = plan;

        public void Estimated(double pathDaysPerSecond, TimeSpan projected) => Estimates++;

        public void Advanced(PlannedRun run, long pathsDone) => LastPaths[run.Label] = pathsDone;

        public void RunFinished(PlannedRun run, TimeSpan wall) => Finished++;
    }
}
