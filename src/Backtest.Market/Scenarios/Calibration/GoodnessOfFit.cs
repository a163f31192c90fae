using Backtest.Numerics;
using Backtest.Numerics.Random;
using Backtest.Numerics.Statistics;

namespace Backtest.Market.Scenarios.Calibration;

/// <summary>A statistic of the data beside its distribution over a model's simulated histories.</summary>
/// <param name="Data">The statistic of the bundled history.</param>
/// <param name="Median">Its median over the simulated paths.</param>
/// <param name="Low">Its 5% quantile over the simulated paths (type 7).</param>
/// <param name="High">Its 95% quantile over the simulated paths (type 7).</param>
public readonly record struct Comparison(double Data, double Median, double Low, double High)
{
    /// <summary>Whether the data's value lies within the model's 5–95% band.</summary>
    public bool Inside => Data >= Low && Data <= High;
}

/// <summary>One model's goodness of fit: every statistic of <see cref="HistoryStatistics.Names"/>.</summary>
public sealed record ModelCheck(string Model, IReadOnlyList<Comparison> Statistics);

/// <summary>
/// The statistics a fit is judged by, computed the same way on the history and on simulated
/// histories: of the daily change Δx of the log deviation, its standard deviation, skewness,
/// excess kurtosis, 1/5/95/99% quantiles (type 7) and lag-1 autocorrelation, the lag-1/5/10
/// autocorrelations of Δx² (volatility clustering); of the level x, its standard deviation and
/// the share of days with the price 5% or more away from target (|e^x − 1| ≥ 0.05, where the
/// 2019–2022 policy rebased).
/// </summary>
public static class HistoryStatistics
{
    /// <summary>Names of the statistics, in order.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "sd(Δx)", "skewness(Δx)", "excess kurtosis(Δx)", "q01(Δx)", "q05(Δx)", "q95(Δx)", "q99(Δx)",
        "acf1(Δx)", "acf1(Δx²)", "acf5(Δx²)", "acf10(Δx²)", "sd(x)", "share of days ≥ 5% off target",
    ];

    /// <summary>The statistics of a history: its one-day changes and its levels.</summary>
    public static double[] Compute(ReadOnlySpan<double> changes, ReadOnlySpan<double> levels)
    {
        int n = changes.Length;
        double mean = Mean(changes);
        double m2 = 0, m3 = 0, m4 = 0;
        foreach (double c in changes)
        {
            double d = c - mean;
            m2 += d * d;
            m3 += d * d * d;
            m4 += d * d * d * d;
        }

        m2 /= n;
        m3 /= n;
        m4 /= n;
        var sorted = changes.ToArray();
        Array.Sort(sorted);
        var squares = new double[n];
        for (int i = 0; i < n; i++)
        {
            squares[i] = changes[i] * changes[i];
        }

        double levelMean = Mean(levels);
        double levelSquares = 0;
        int outside = 0;
        foreach (double x in levels)
        {
            levelSquares += (x - levelMean) * (x - levelMean);
            outside += Math.Abs(DeterministicMath.Exp(x) - 1) >= 0.05 ? 1 : 0;
        }

        return
        [
            Math.Sqrt(m2),
            m3 / (m2 * Math.Sqrt(m2)),
            (m4 / (m2 * m2)) - 3,
            Quantiles.Sorted(sorted, 0.01, QuantileType.Type7),
            Quantiles.Sorted(sorted, 0.05, QuantileType.Type7),
            Quantiles.Sorted(sorted, 0.95, QuantileType.Type7),
            Quantiles.Sorted(sorted, 0.99, QuantileType.Type7),
            Autocorrelation(changes, 1),
            Autocorrelation(squares, 1),
            Autocorrelation(squares, 5),
            Autocorrelation(squares, 10),
            Math.Sqrt(levelSquares / levels.Length),
            (double)outside / levels.Length,
        ];
    }

    /// <summary>The statistics of the bundled history: its observed moves and its observed (not carried, not partial) days.</summary>
    public static double[] Compute(MarketHistory history)
    {
        var moves = history.Transitions;
        var changes = new double[moves.Count];
        for (int i = 0; i < changes.Length; i++)
        {
            changes[i] = moves.Change(i);
        }

        var levels = new List<double>();
        for (int t = 0; t < history.Days.Length; t++)
        {
            if ((history.Flags[t] & (ReplayDayFlags.AmplCarriedForward | ReplayDayFlags.AmplPartialDay)) == 0)
            {
                levels.Add(history.LogDeviation[t]);
            }
        }

        return Compute(changes, levels.ToArray());
    }

    /// <summary>
    /// Simulates <paramref name="paths"/> histories of <paramref name="model"/> as long as the data
    /// (its number of moves, from the data's first level) with the stream <paramref name="stream"/>,
    /// and sets the data's statistics beside their median and 5–95% band.
    /// </summary>
    public static ModelCheck Check(string name, IAmplDeviationModel model, MarketHistory history, RandomStream stream, int paths)
    {
        double[] data = Compute(history);
        int steps = history.Transitions.Count + 1;
        var simulated = new double[paths * steps];
        model.Fill(stream, 0, history.LogDeviation[0], 0, paths, steps, simulated, paths);
        var perStatistic = new double[data.Length][];
        for (int s = 0; s < data.Length; s++)
        {
            perStatistic[s] = new double[paths];
        }

        var levels = new double[steps];
        var changes = new double[steps - 1];
        for (int p = 0; p < paths; p++)
        {
            for (int t = 0; t < steps; t++)
            {
                levels[t] = simulated[(t * paths) + p];
            }

            for (int t = 1; t < steps; t++)
            {
                changes[t - 1] = levels[t] - levels[t - 1];
            }

            var values = Compute(changes, levels);
            for (int s = 0; s < values.Length; s++)
            {
                perStatistic[s][p] = values[s];
            }
        }

        var comparisons = new Comparison[data.Length];
        for (int s = 0; s < data.Length; s++)
        {
            Array.Sort(perStatistic[s]);
            comparisons[s] = new Comparison(
                data[s],
                Quantiles.Sorted(perStatistic[s], 0.5, QuantileType.Type7),
                Quantiles.Sorted(perStatistic[s], 0.05, QuantileType.Type7),
                Quantiles.Sorted(perStatistic[s], 0.95, QuantileType.Type7));
        }

        return new ModelCheck(name, comparisons);
    }

    private static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (double v in values)
        {
            sum += v;
        }

        return sum / values.Length;
    }

    /// <summary>Σ(vₜ − v̄)(vₜ₊ₖ − v̄) / Σ(vₜ − v̄)², the usual sample autocorrelation.</summary>
    private static double Autocorrelation(ReadOnlySpan<double> values, int lag)
    {
        double mean = Mean(values);
        double numerator = 0, denominator = 0;
        for (int t = 0; t < values.Length; t++)
        {
            double d = values[t] - mean;
            denominator += d * d;
            if (t + lag < values.Length)
            {
                numerator += d * (values[t + lag] - mean);
            }
        }

        return numerator / denominator;
    }
}
