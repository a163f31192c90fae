using Backtest.Numerics.Statistics;

namespace Backtest.Cli.Bench;

/// <summary>Median, quartiles (Hyndman–Fan type 7, R's default) and median absolute deviation (unscaled) of a sample.</summary>
internal sealed record SampleSummary(int Count, double Median, double LowerQuartile, double UpperQuartile, double MedianAbsoluteDeviation)
{
    public static SampleSummary Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            throw new ArgumentException("no values", nameof(values));
        }

        double median = Quantiles.Sorted(sorted, 0.5, QuantileType.Type7);
        var deviations = sorted.Select(v => Math.Abs(v - median)).Order().ToArray();
        return new SampleSummary(sorted.Length, median, Quantiles.Sorted(sorted, 0.25, QuantileType.Type7),
            Quantiles.Sorted(sorted, 0.75, QuantileType.Type7), Quantiles.Sorted(deviations, 0.5, QuantileType.Type7));
    }
}

/// <summary>
/// The throughput ratio current / baseline of one benchmark over R paired rounds (in each round
/// both builds are measured back to back), with a distribution-free interval for its median.
/// The round ratios r₁…r_R are sorted; the upper bound is r₍ᵤ₎ for the smallest u with
/// P(Binomial(R, ½) ≥ u) ≤ α, the lower bound r₍R+1−u₎. Each bound then holds with probability
/// at least 1 − α whatever the distribution of the ratios (the sign-test interval for a median);
/// <see cref="Coverage"/> is the exact two-sided coverage 1 − 2·P(Binomial(R, ½) ≥ u).
/// For α = 0.05: R = 5–7 gives u = R (the extremes), R = 9 gives u = 8, R = 15 gives u = 12.
/// </summary>
internal sealed record RatioEstimate(double Median, double Lower, double Upper, double Coverage, IReadOnlyList<double> Rounds)
{
    /// <summary>One-sided error of each bound.</summary>
    public const double Alpha = 0.05;

    /// <summary>The fewest rounds for which the bounds exist at <see cref="Alpha"/> (P(Bin(4, ½) ≥ 4) = 1/16 &gt; 0.05).</summary>
    public const int MinimumRounds = 5;

    /// <summary>The estimate from per-round throughputs of the two builds (same length, same order).</summary>
    public static RatioEstimate FromRounds(IReadOnlyList<double> baselineThroughput, IReadOnlyList<double> currentThroughput)
    {
        if (baselineThroughput.Count != currentThroughput.Count)
        {
            throw new ArgumentException("the two builds must have the same number of rounds");
        }

        var ratios = currentThroughput.Zip(baselineThroughput, (c, b) => c / b).ToArray();
        int r = ratios.Length;
        int u = UpperOrder(r);
        var sorted = ratios.Order().ToArray();
        return new RatioEstimate(Quantiles.Sorted(sorted, 0.5, QuantileType.Type7), sorted[r - u], sorted[u - 1],
            1 - (2 * BinomialUpperTail(r, u)), ratios);
    }

    /// <summary>The 1-based order statistic u of the upper bound for R rounds.</summary>
    public static int UpperOrder(int rounds)
    {
        if (rounds < MinimumRounds)
        {
            throw new ArgumentOutOfRangeException(nameof(rounds), rounds, $"at least {MinimumRounds} rounds are needed for a {1 - Alpha:P0} bound");
        }

        int u = rounds;
        while (u - 1 > rounds / 2 && BinomialUpperTail(rounds, u - 1) <= Alpha)
        {
            u--;
        }

        return u;
    }

    /// <summary>P(Binomial(n, ½) ≥ k), exactly (n is small).</summary>
    internal static double BinomialUpperTail(int n, int k)
    {
        double sum = 0;
        double choose = 1;
        for (int i = 0; i <= n; i++)
        {
            if (i >= k)
            {
                sum += choose;
            }

            choose = choose * (n - i) / (i + 1);
        }

        return sum / Math.Pow(2, n);
    }
}

/// <summary>What a benchmark's comparison says.</summary>
internal enum Verdict
{
    /// <summary>Measured in the current build only (no baseline asked for).</summary>
    Measured,

    /// <summary>Compared, and not slower than the rule allows.</summary>
    Pass,

    /// <summary>Compared, and slower than the rule allows: the gate fails.</summary>
    Regression,

    /// <summary>The baseline build has no such benchmark: reported, not gated.</summary>
    OnlyInCurrent,

    /// <summary>The current build has no such benchmark: reported, not gated.</summary>
    OnlyInBaseline,

    /// <summary>The baseline build could not run it: reported, not gated.</summary>
    BaselineFailed,

    /// <summary>The current build could not run it: the gate fails.</summary>
    Failed,

    /// <summary>The quick harness cannot run it (e.g. a benchmark with arguments): reported, not gated.</summary>
    Unsupported,
}

/// <summary>
/// The gate's rule: a benchmark regresses when the upper bound of its throughput ratio per
/// CPU-second (<see cref="RatioEstimate.Upper"/>, one-sided 95 %) is below <see cref="Threshold"/>
/// — the current build does less than 0.90× the baseline's work per CPU-second beyond the noise
/// the rounds show. CPU time, not wall time, because on a shared machine a benchmark's wall time
/// mostly measures how often it was descheduled (see docs/performance.md). A benchmark the
/// current build fails to run also fails the gate; one the baseline lacks or fails to run is
/// reported and not gated.
/// </summary>
internal static class RegressionRule
{
    public const double Threshold = 0.90;

    public static string Statement(int rounds) =>
        $"fail when the upper end of the one-sided {1 - RatioEstimate.Alpha:P0} bound of the median ratio of throughput per CPU-second " +
        $"(current/baseline; sign-test order statistic {RatioEstimate.UpperOrder(rounds)} of {rounds} paired rounds) is below {Threshold:F2}";

    public static Verdict Judge(RatioEstimate ratio) => ratio.Upper < Threshold ? Verdict.Regression : Verdict.Pass;

    /// <summary>Whether a verdict fails the gate.</summary>
    public static bool Fails(Verdict verdict) => verdict is Verdict.Regression or Verdict.Failed;

    /// <summary>The verdict's name in files and the catalogue.</summary>
    public static string Name(Verdict verdict) => verdict switch
    {
        Verdict.Measured => "measured",
        Verdict.Pass => "ok",
        Verdict.Regression => "regression",
        Verdict.OnlyInCurrent => "only in current",
        Verdict.OnlyInBaseline => "only in baseline",
        Verdict.BaselineFailed => "baseline failed",
        Verdict.Failed => "failed",
        Verdict.Unsupported => "unsupported",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, null),
    };

    /// <summary>The verdict as printed: failures in capitals, verdicts outside the gate marked so.</summary>
    public static string Text(Verdict verdict) =>
        Fails(verdict) ? Name(verdict).ToUpperInvariant()
        : verdict is Verdict.OnlyInCurrent or Verdict.OnlyInBaseline or Verdict.BaselineFailed or Verdict.Unsupported ? Name(verdict) + " (not gated)"
        : Name(verdict);
}
