using Backtest.Numerics.Random;

namespace Backtest.Numerics.Statistics;

/// <summary>A statistic of a sample (the mean, a quantile, a run share…).</summary>
public delegate double SampleStatistic<T>(ReadOnlySpan<T> sample);

/// <summary>
/// Deterministic nonparametric bootstrap (Efron). Replicate r (0, 1, …, R − 1) draws the index of
/// its i-th element (i = 0 … n − 1) from the block of (path = r, step = 0, draw = i) of the given
/// <see cref="RandomStream"/>: the 64-bit word x = Word0·2³² + Word1 gives the index ⌊x·n / 2⁶⁴⌋,
/// rejected (Lemire's method, so every index is exactly equally likely) when (x·n) mod 2⁶⁴ falls
/// below 2⁶⁴ mod n, in which case Word2·2³² + Word3 is tried, then continuation blocks 1, 2, … of
/// the same counter. The same stream, data and statistic therefore give the same interval on
/// every machine and thread count.
/// </summary>
public static class Bootstrap
{
    /// <summary>
    /// The percentile interval: the (1 − c)/2 and (1 + c)/2 quantiles, by
    /// <paramref name="quantileType"/>, of the statistic over <paramref name="replicates"/>
    /// resamples of <paramref name="sample"/> with replacement.
    /// </summary>
    public static ConfidenceInterval PercentileInterval<T>(
        ReadOnlySpan<T> sample, SampleStatistic<T> statistic, int replicates, double confidence, RandomStream stream, QuantileType quantileType)
    {
        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence must lie in (0, 1)");
        }

        double[] values = Replicates(sample, statistic, replicates, stream);
        Array.Sort(values);
        double tail = (1 - confidence) / 2;
        return new ConfidenceInterval(
            Quantiles.Sorted(values, tail, quantileType),
            Quantiles.Sorted(values, 1 - tail, quantileType),
            confidence);
    }

    /// <summary>The statistic of each replicate, in replicate order.</summary>
    public static double[] Replicates<T>(ReadOnlySpan<T> sample, SampleStatistic<T> statistic, int replicates, RandomStream stream)
    {
        if (sample.IsEmpty)
        {
            throw new ArgumentException("cannot resample an empty sample", nameof(sample));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(replicates);
        var values = new double[replicates];
        var resample = new T[sample.Length];
        for (int r = 0; r < replicates; r++)
        {
            for (int i = 0; i < sample.Length; i++)
            {
                resample[i] = sample[Index(stream, r, i, (ulong)sample.Length)];
            }

            values[r] = statistic(resample);
        }

        return values;
    }

    /// <summary>The resampled index for (replicate, position), uniform on [0, n).</summary>
    internal static int Index(RandomStream stream, int replicate, int position, ulong n)
    {
        ulong threshold = (0 - n) % n;
        for (int continuation = 0; ; continuation++)
        {
            PhiloxBlock block = stream.Block(replicate, 0, position, continuation);
            if (TryIndex(((ulong)block.Word0 << 32) | block.Word1, n, threshold, out int index) ||
                TryIndex(((ulong)block.Word2 << 32) | block.Word3, n, threshold, out index))
            {
                return index;
            }
        }
    }

    private static bool TryIndex(ulong x, ulong n, ulong threshold, out int index)
    {
        UInt128 product = (UInt128)x * n;
        index = (int)(ulong)(product >> 64);
        return (ulong)product >= threshold;
    }
}
