using Backtest.Engine.Models.Wf6;
using Backtest.Market.Losses;
using Backtest.Numerics.Random;
using Backtest.Numerics.Simd;
using Backtest.Protocols.Waterfall.Wf6;
using BenchmarkDotNet.Attributes;

namespace Backtest.Benchmarks.Waterfall;

/// <summary>
/// The WF6 batch step. One operation is one path-day, so Op/s reads as path-days per second.
/// <list type="bullet">
/// <item><see cref="Kernel"/>: the day step alone over a batch whose loss days are drawn once in
/// setup, on one thread.</item>
/// <item><see cref="Batch"/>: a batch as the engine runs it, loss days drawn and stepped, one thread.</item>
/// <item><see cref="AllCores"/>: 65,536 paths in batches on every core, outputs gathered in path order.</item>
/// </list>
/// <c>Kernel</c> at Vector256 is tracked: the regression gate follows the day step itself, apart
/// from the drawing (tracked through Philox) and the study around it (tracked end to end).
/// </summary>
[Throughput("path-days")]
public class Wf6Benchmarks
{
    private const int Days = 1095;
    private const int BatchPaths = 4096;
    private const int Paths = 65_536;

    private readonly Wf6Outputs outputs = new(BatchPaths);
    private readonly LossDays losses = new();
    private Wf6Simulation simulation = null!;
    private long nextPath;

    [Params(SimdTier.Vector128, SimdTier.Vector256, SimdTier.Vector512)]
    public SimdTier Tier { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        if (Wf6Settings.Reference.Terms.Days != Days)
        {
            throw new InvalidOperationException("the operation counts assume WF6's 1095 days");
        }

        simulation = new Wf6Simulation(Wf6Settings.Reference, RandomStream.Create(1, 0, 0), Tier);
        Wf6Settings.Reference.LossModel().Generate(simulation.Stream, 0, BatchPaths, losses);
    }

    [Benchmark(OperationsPerInvoke = BatchPaths * Days)]
    [Tracked("Tier=Vector256")]
    public void Kernel() => simulation.Kernel.Run(new Wf6LossDays(losses.Offsets, losses.Days, losses.Amounts), outputs, Tier);

    [Benchmark(OperationsPerInvoke = BatchPaths * Days)]
    public void Batch()
    {
        // New paths each time, as a run draws them.
        simulation.RunBatch(nextPath, BatchPaths, outputs);
        nextPath += BatchPaths;
    }

    [Benchmark(OperationsPerInvoke = Paths * Days)]
    public Wf6Outputs AllCores() => simulation.Run(Paths, threads: 0);
}
