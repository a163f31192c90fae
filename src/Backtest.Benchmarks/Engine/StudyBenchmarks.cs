using Backtest.Engine.Models;
using Backtest.Engine.Runs;
using Backtest.Engine.Studies;
using BenchmarkDotNet.Attributes;

namespace Backtest.Benchmarks.Engine;

/// <summary>
/// Whole studies end to end through <see cref="StudyRunner"/>, as <c>backtest run</c> runs them:
/// planning, batches on every core, the per-path table, series statistics, the three Parquet
/// files (SNAPPY) and the manifest, written to a temporary folder and promoted into place (the
/// report is not part of it). One operation is one path-day. A model's study benchmark is one
/// method here with its study text, marked <c>[Tracked]</c> so the regression gate follows it.
/// </summary>
[Throughput("path-days")]
public class StudyBenchmarks
{
    private const int Wf6Paths = 16_384;
    private const int Wf6Days = 1095;

    /// <summary>WF6 at its reference parameters (the model's defaults, as studies/wf6.yaml writes them out), fewer paths.</summary>
    private const string Wf6Study = """
        name: wf6-benchmark
        model: wf6
        seed: 20251015
        paths: 16384
        scenarios:
          - name: reference
            kind: monte_carlo
        """;

    private readonly Dictionary<string, Study> studies = [];
    private string root = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        studies["wf6"] = StudyLoader.Parse(Wf6Study, "wf6-benchmark.yaml", ModelCatalog.Default);
        if (studies["wf6"].Paths != Wf6Paths || (long)studies["wf6"].ParameterSets[0].Values.Integer("days") != Wf6Days)
        {
            throw new InvalidOperationException("the WF6 operation count assumes the study's paths and days");
        }

        root = Directory.CreateTempSubdirectory("backtest-bench-study-").FullName;
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(root, recursive: true);

    [Benchmark(OperationsPerInvoke = Wf6Paths * Wf6Days)]
    [Tracked]
    public RunResult Wf6() => Run("wf6");

    private RunResult Run(string name) => StudyRunner.Run(studies[name], new RunOptions(Path.Combine(root, name), root));
}
