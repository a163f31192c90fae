using Backtest.Numerics.Random;

namespace Backtest.Protocols.Ampleforth.Batch;

/// <summary>
/// A Monte Carlo of the SPOT system (AMPL rebase, perp, vault, fee policy) over AMPL price
/// paths of a <see cref="SpotPriceModel"/>: every path starts from the same seeded system
/// (<see cref="SpotSystem.Seed"/>), the keeper runs each day, and no holder flows. Paths run in
/// <see cref="SpotBatch"/>es spread over threads; each path's results depend only on the
/// configuration, the stream and its index, so they are identical for any thread count and
/// batch size. <see cref="RunContractModel(long, int, int)"/> runs the same paths on the contract model, the
/// reference the batch is checked against and the baseline of its speed.
/// </summary>
public sealed class SpotMonteCarlo
{
    private readonly SpotSystem _start;
    private readonly Lock _importLock = new();

    public SpotMonteCarlo(SpotBatchConfig config, SpotPriceModel prices, RandomStream stream)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(prices);
        prices.Validate();
        Config = config;
        Prices = prices;
        Stream = stream;
        _start = SpotSystem.Seed(config);
    }

    public SpotBatchConfig Config { get; }

    public SpotPriceModel Prices { get; }

    public RandomStream Stream { get; }

    /// <summary>
    /// Runs paths [<paramref name="firstPath"/>, firstPath + <paramref name="paths"/>) for
    /// <paramref name="days"/> days each, in batches of up to <paramref name="batchSize"/> lanes
    /// on <paramref name="threads"/> threads (0: one per core).
    /// </summary>
    public SpotPathSummaries Run(long firstPath, int paths, int days, int batchSize = 1024, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstPath);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(paths);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(days);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        var summaries = new SpotPathSummaries(paths);
        int batches = (paths + batchSize - 1) / batchSize;
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads == 0 ? Environment.ProcessorCount : threads };
        Parallel.For(0, batches, options, b =>
        {
            int offset = b * batchSize;
            RunBatch(firstPath + offset, offset, Math.Min(batchSize, paths - offset), days, summaries);
        });
        return summaries;
    }

    /// <summary>
    /// The same paths as <see cref="Run"/>, one <see cref="SpotSystem"/> per path on the contract
    /// model, on the calling thread: the reference, and far slower.
    /// </summary>
    public SpotPathSummaries RunContractModel(long firstPath, int paths, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(paths);
        var systems = new SpotSystem[paths];
        for (int p = 0; p < paths; p++)
        {
            systems[p] = SpotSystem.Seed(Config);
        }

        return RunContractModel(systems, firstPath, days);
    }

    /// <summary>
    /// <see cref="RunContractModel(long, int, int)"/> on systems already seeded with
    /// <see cref="Config"/> (one per path, at the seeded day; they are advanced).
    /// </summary>
    public SpotPathSummaries RunContractModel(IReadOnlyList<SpotSystem> systems, long firstPath, int days)
    {
        ArgumentNullException.ThrowIfNull(systems);
        ArgumentOutOfRangeException.ThrowIfNegative(firstPath);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(days);
        var summaries = new SpotPathSummaries(systems.Count);
        var inputs = new SpotDayInputs(1);
        Span<double> x = stackalloc double[1];
        Span<double> scratch = stackalloc double[1];
        for (int p = 0; p < systems.Count; p++)
        {
            var system = systems[p];
            if (system.Config != Config || system.Day != _start.Day)
            {
                throw new ArgumentException($"system {p} is not a freshly seeded system of this Monte Carlo's configuration", nameof(systems));
            }

            x[0] = Prices.StartDeviation;
            var day = default(SpotLaneDay);
            for (int t = 0; t < days; t++)
            {
                Prices.Advance(Stream, firstPath + p, t, x, scratch, inputs);
                day = system.RunDay(inputs.Lane(0));
                summaries.Observe(p, day.RebaseOutcome, day.SupplyDelta, day.DeployOutcome, day.RebalanceOutcome, day.SeniorCoverage);
            }

            summaries.Close(p, day.AmplSupply, day.PerpTvl, day.VaultTvl, day.DeviationRatio);
        }

        return summaries;
    }

    private void RunBatch(long firstPath, int offset, int count, int days, SpotPathSummaries summaries)
    {
        SpotBatch batch;
        lock (_importLock)
        {
            // The import reads the start system's ledgers: one batch at a time.
            batch = SpotBatch.FromSystem(_start, firstPath, count);
        }

        var inputs = new SpotDayInputs(count);
        var outputs = new SpotDayOutputs(count);
        var x = new double[count];
        var scratch = new double[count];
        Array.Fill(x, Prices.StartDeviation);
        for (int t = 0; t < days; t++)
        {
            Prices.Advance(Stream, firstPath, t, x, scratch, inputs);
            batch.Step(batch.Day, inputs, outputs);
            for (int i = 0; i < count; i++)
            {
                summaries.Observe(offset + i, outputs.RebaseOutcome[i], outputs.SupplyDelta[i], outputs.DeployOutcome[i], outputs.RebalanceOutcome[i], outputs.SeniorCoverage[i]);
            }
        }

        for (int i = 0; i < count; i++)
        {
            summaries.Close(offset + i, outputs.AmplSupply[i], outputs.PerpTvl[i], outputs.VaultTvl[i], outputs.DeviationRatio[i]);
        }
    }
}

/// <summary>
/// What each path of a <see cref="SpotMonteCarlo"/> came to: its end state and counts over the
/// horizon, one element per path in path order. Amounts are base units (9 decimals); the
/// deviation ratio and senior coverage are the contracts' 8-decimal fixed point.
/// </summary>
public sealed class SpotPathSummaries
{
    internal SpotPathSummaries(int paths)
    {
        FinalAmplSupply = new long[paths];
        FinalPerpTvl = new long[paths];
        FinalVaultTvl = new long[paths];
        FinalDeviationRatio = new Int128[paths];
        MinSeniorCoverage = new long[paths];
        Array.Fill(MinSeniorCoverage, long.MaxValue);
        SupplyChanges = new int[paths];
        Rollovers = new int[paths];
        Rebalances = new int[paths];
    }

    public int Count => FinalAmplSupply.Length;

    /// <summary>AMPL's total supply after the last day.</summary>
    public long[] FinalAmplSupply { get; }

    /// <summary>The perp's TVL (AMPL) after the last day.</summary>
    public long[] FinalPerpTvl { get; }

    /// <summary>The vault's TVL (AMPL) after the last day.</summary>
    public long[] FinalVaultTvl { get; }

    /// <summary>The system's deviation ratio after the last day.</summary>
    public Int128[] FinalDeviationRatio { get; }

    /// <summary>The lowest end-of-day senior coverage of the perp's reserve over the horizon.</summary>
    public long[] MinSeniorCoverage { get; }

    /// <summary>Days whose rebase changed AMPL's supply.</summary>
    public int[] SupplyChanges { get; }

    /// <summary>Days the vault's deploy rolled into the perp.</summary>
    public int[] Rollovers { get; }

    /// <summary>Days the vault's rebalance ran (v5).</summary>
    public int[] Rebalances { get; }

    internal void Observe(int path, SpotOutcome rebase, long supplyDelta, SpotOutcome deploy, SpotOutcome rebalance, long seniorCoverage)
    {
        if (rebase == SpotOutcome.Ok && supplyDelta != 0)
        {
            SupplyChanges[path]++;
        }

        if (deploy == SpotOutcome.Ok)
        {
            Rollovers[path]++;
        }

        if (rebalance == SpotOutcome.Ok)
        {
            Rebalances[path]++;
        }

        MinSeniorCoverage[path] = Math.Min(MinSeniorCoverage[path], seniorCoverage);
    }

    internal void Close(int path, long amplSupply, long perpTvl, long vaultTvl, Int128 deviationRatio)
    {
        FinalAmplSupply[path] = amplSupply;
        FinalPerpTvl[path] = perpTvl;
        FinalVaultTvl[path] = vaultTvl;
        FinalDeviationRatio[path] = deviationRatio;
    }

    /// <summary>The first path whose results differ from <paramref name="other"/>'s, or −1 when all agree.</summary>
    public int FirstDifference(SpotPathSummaries other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count != Count)
        {
            throw new ArgumentException($"{other.Count} paths against {Count}", nameof(other));
        }

        for (int p = 0; p < Count; p++)
        {
            if (FinalAmplSupply[p] != other.FinalAmplSupply[p] || FinalPerpTvl[p] != other.FinalPerpTvl[p] || FinalVaultTvl[p] != other.FinalVaultTvl[p]
                || FinalDeviationRatio[p] != other.FinalDeviationRatio[p] || MinSeniorCoverage[p] != other.MinSeniorCoverage[p]
                || SupplyChanges[p] != other.SupplyChanges[p] || Rollovers[p] != other.Rollovers[p] || Rebalances[p] != other.Rebalances[p])
            {
                return p;
            }
        }

        return -1;
    }
}
