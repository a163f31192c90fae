namespace Backtest.Numerics.Statistics;

/// <summary>Confidence intervals for a binomial proportion (e.g. a run probability over paths).</summary>
public static class BinomialInterval
{
    /// <summary>
    /// Wilson's score interval (Wilson, JASA 22 (1927)): with p̂ = k/n and z = Φ⁻¹(1 − (1 − c)/2)
    /// (<see cref="DeterministicMath.NormalQuantile(double)"/>), the bounds are
    /// (p̂ + z²/(2n) ∓ z·√(p̂(1 − p̂)/n + z²/(4n²))) / (1 + z²/n), clamped to [0, 1]; the lower bound
    /// is exactly 0 when k = 0 and the upper exactly 1 when k = n. It keeps near its nominal
    /// coverage for rare events, where the normal-approximation interval collapses to a point.
    /// </summary>
    public static ConfidenceInterval Wilson(long successes, long trials, double confidence)
    {
        if (trials <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(trials), trials, "trials must be positive");
        }

        if (successes < 0 || successes > trials)
        {
            throw new ArgumentOutOfRangeException(nameof(successes), successes, $"successes must lie in [0, {trials}]");
        }

        double z = CriticalValue(confidence);
        double n = trials;
        double p = successes / n;
        double z2 = z * z;
        double denominator = 1 + (z2 / n);
        double centre = (p + (z2 / (2 * n))) / denominator;
        double halfWidth = z / denominator * Math.Sqrt((p * (1 - p) / n) + (z2 / (4 * n * n)));
        double lower = successes == 0 ? 0 : Math.Max(0, centre - halfWidth);
        double upper = successes == trials ? 1 : Math.Min(1, centre + halfWidth);
        return new ConfidenceInterval(lower, upper, confidence);
    }

    /// <summary>The two-sided standard normal critical value z = Φ⁻¹(1 − (1 − c)/2).</summary>
    internal static double CriticalValue(double confidence)
    {
        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "confidence must lie in (0, 1)");
        }

        return DeterministicMath.NormalQuantile(1 - ((1 - confidence) / 2));
    }
}
