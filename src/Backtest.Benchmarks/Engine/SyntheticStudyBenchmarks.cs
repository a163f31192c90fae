using Backtest.Engine.Models;
using Backtest.Engine.Runs;
using Backtest.Engine.Studies;
using BenchmarkDotNet.Attributes;

namespace Backtest.Benchmarks.Engine;

/// <summary>
/// A whole study end to end through <see cref="StudyRunner"/>: planning, batches on every core,
/// the per-path table, series statistics, the three Parquet files (SNAPPY) and the manifest,
/// written to a temporary folder and promoted into place as <c>backtest run</c> does. The model
/// is <see cref="SyntheticWalkModel"/>, a stand-in that lives here for benchmarking the runner;
/// protocol models get their own study benchmarks beside it. One operation is one path-day.
/// </summary>
[Throughput("path-days")]
public class SyntheticStudyBenchmarks
{
    private const int Paths = 8_192;
    private const int Days = 365;
    private const int ParameterSets = 2;

    private const string StudyText = """
        name: synthetic-walk-benchmark
        description: the runner and its Parquet output on a synthetic model (benchmark only)
        model: synthetic-walk
        seed: 7
        paths: 8192
        series_paths: 1000
        scenarios:
          - name: year
            kind: mc
            days: 365
        sweep:
          product:
            volatility: [0.01, 0.03]
        """;

    private readonly ModelCatalog catalog = new([new SyntheticWalkModel()]);
    private Study study = null!;
    private string root = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        study = StudyLoader.Parse(StudyText, "synthetic-walk-benchmark.yaml", catalog);
        if (study.Paths != Paths || study.ParameterSets.Count != ParameterSets || (long)study.Scenarios[0].Settings.Integer("days") != Days)
        {
            throw new InvalidOperationException("the operation count assumes the study's paths, days and parameter sets");
        }

        root = Directory.CreateTempSubdirectory("backtest-bench-study-").FullName;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(root, recursive: true);

    [Benchmark(OperationsPerInvoke = Paths * Days * ParameterSets)]
    [Tracked]
    public RunResult StudyRun() => StudyRunner.Run(study, new RunOptions(Path.Combine(root, "run"), root));
}
