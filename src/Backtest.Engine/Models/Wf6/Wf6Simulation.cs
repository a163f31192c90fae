using Backtest.Engine.Scheduling;
using Backtest.Market.Losses;
using Backtest.Numerics.Random;
using Backtest.Numerics.Simd;
using Backtest.Protocols.Waterfall.Wf6;

namespace Backtest.Engine.Models.Wf6;

/// <summary>
/// WF6 as a library: per-path outputs for any range of paths, computed from the path indices
/// and the run's random stream alone (so any split into batches, on any number of threads,
/// gives the same results). A batch draws its paths' loss days (<see cref="EventTimeLossModel"/>)
/// and runs them through the vault (<see cref="Wf6Kernel"/>) at the chosen SIMD tier.
/// Instances are safe to use from several threads at once.
/// </summary>
public sealed class Wf6Simulation
{
    /// <summary>Paths per batch when the caller does not choose (a multiple of every vector width).</summary>
    public const int DefaultBatchSize = 4096;

    private readonly EventTimeLossModel losses;
    private readonly ThreadLocal<LossDays> lossDays = new(() => new LossDays());

    public Wf6Simulation(Wf6Settings settings, RandomStream stream, SimdTier? tier = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        Stream = stream;
        Tier = tier ?? SimdTiers.Widest;
        Kernel = new Wf6Kernel(settings.Terms);
        losses = settings.LossModel();
    }

    public Wf6Settings Settings { get; }

    public RandomStream Stream { get; }

    public SimdTier Tier { get; }

    public Wf6Kernel Kernel { get; }

    /// <summary>Simulates paths firstPath … firstPath + count − 1 into <paramref name="outputs"/> (index i = path firstPath + i).</summary>
    public void RunBatch(long firstPath, int count, Wf6Outputs outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        var days = lossDays.Value!;
        days.Clear();
        losses.Generate(Stream, firstPath, count, days);
        Kernel.Run(new Wf6LossDays(days.Offsets, days.Days, days.Amounts), outputs, Tier);
    }

    /// <summary>
    /// Paths 0 … paths − 1 in fixed batches of <paramref name="batchSize"/> on
    /// <paramref name="threads"/> threads (0 = every core), gathered in path order: the same
    /// outputs whatever the thread count.
    /// </summary>
    public Wf6Outputs Run(int paths, int threads, int batchSize = DefaultBatchSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(paths);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var all = new Wf6Outputs(paths);
        int batches = (paths + batchSize - 1) / batchSize;
        var finished = new Wf6Outputs?[batches];
        BatchScheduler.Run(
            batches,
            threads,
            b =>
            {
                int count = Math.Min(batchSize, paths - (b * batchSize));
                var outputs = new Wf6Outputs(count);
                RunBatch((long)b * batchSize, count, outputs);
                finished[b] = outputs;
            },
            b =>
            {
                finished[b]!.CopyTo(all, b * batchSize);
                finished[b] = null;
            });
        return all;
    }
}
