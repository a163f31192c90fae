using System.Diagnostics;
using Backtest.Numerics.Random;
using Backtest.Protocols.Ampleforth.Batch;
using Backtest.Protocols.Ampleforth.Spot;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;

namespace Backtest.Benchmarks.Ampleforth;

/// <summary>
/// The SPOT system Monte Carlo (AMPL rebase, perp, vault, v5 fee policy and rebalance; AMPL
/// prices from <see cref="SpotPriceModel.Reference"/> on the counter-based stream). One
/// operation is one path-day, so Op/s reads as path-days per second.
/// <list type="bullet">
/// <item><see cref="BatchOneThread"/>: 10,000 paths × 1,095 days in <see cref="SpotBatch"/>es of
/// <see cref="BatchSize"/> lanes, one thread.</item>
/// <item><see cref="BatchAllThreads"/>: the same on every core.</item>
/// <item><see cref="ContractModel"/>: the same paths on the contract model (one
/// <see cref="SpotSystem"/> per path, seeded outside the measurement), fewer of them, one thread:
/// the batch's speed-up is the ratio of the medians in one run.</item>
/// </list>
/// </summary>
[Config(typeof(Config))]
public class SpotMonteCarloBenchmarks
{
    public const int Paths = 10_000;
    public const int Days = 1095;
    public const int ContractPaths = 16;
    public const int BatchSize = 256;

    private readonly List<double> _cpuSeconds = [];
    private SpotMonteCarlo _monteCarlo = null!;
    private SpotSystem[] _systems = [];

    [GlobalSetup]
    public void Setup() => _monteCarlo = new SpotMonteCarlo(
        SpotBatchConfig.Mainnet(SpotVersion.V5, new DateOnly(2025, 7, 2), 10_000_000L * 1_000_000_000L),
        SpotPriceModel.Reference,
        RandomStream.Create(1, 0, 0));

    [IterationSetup(Target = nameof(ContractModel))]
    public void SeedContractModels()
    {
        _systems = new SpotSystem[ContractPaths];
        for (int p = 0; p < ContractPaths; p++)
        {
            _systems[p] = SpotSystem.Seed(_monteCarlo.Config);
        }
    }

    [Benchmark(OperationsPerInvoke = Paths * Days)]
    public SpotPathSummaries BatchOneThread() => Measured(() => _monteCarlo.Run(0, Paths, Days, BatchSize, threads: 1));

    [Benchmark(OperationsPerInvoke = Paths * Days)]
    public SpotPathSummaries BatchAllThreads() => Measured(() => _monteCarlo.Run(0, Paths, Days, BatchSize, threads: 0));

    [Benchmark(OperationsPerInvoke = ContractPaths * Days)]
    public SpotPathSummaries ContractModel() => Measured(() => _monteCarlo.RunContractModel(_systems, 0, Days));

    /// <summary>Prints the median process CPU time per operation: a figure other load disturbs less than wall time.</summary>
    [GlobalCleanup]
    public void ReportCpuTime()
    {
        if (_cpuSeconds.Count > 0)
        {
            double median = _cpuSeconds.Order().ElementAt(_cpuSeconds.Count / 2);
            Console.WriteLine($"// SPOT Monte Carlo: median {median:F3} CPU-s per invocation ({_cpuSeconds.Count} incl. warm-up)");
        }
    }

    private SpotPathSummaries Measured(Func<SpotPathSummaries> run)
    {
        var before = Process.GetCurrentProcess().TotalProcessorTime;
        var result = run();
        _cpuSeconds.Add((Process.GetCurrentProcess().TotalProcessorTime - before).TotalSeconds);
        return result;
    }

    /// <summary>
    /// The shared configuration with the Monitoring strategy (one invocation per iteration, no
    /// pilot: an invocation takes tens of seconds) and path-days per second from the median.
    /// The shared warm-up and iteration counts apply; on a busy machine pass
    /// <c>--warmupCount 1 --iterationCount 3</c> to keep a run under half an hour.
    /// </summary>
    private sealed class Config : BenchmarkConfig
    {
        public Config()
        {
            AddJob(BaseJob.WithStrategy(RunStrategy.Monitoring).WithId("spot"));
            AddColumn(StatisticColumn.Median, new MedianRateColumn("Path-days/s (median)", 1, "millions of path-days per second of wall time, from the median time per path-day"));
        }
    }
}
