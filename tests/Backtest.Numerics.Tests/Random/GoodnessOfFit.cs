using MathNet.Numerics.Distributions;

namespace Backtest.Numerics.Tests.Random;

/// <summary>
/// Fixed-seed goodness-of-fit checks at significance level α = 0.001 (each check is
/// deterministic, so a correct sampler either passes once and forever or the seed is unlucky;
/// α keeps that chance at one in a thousand per check).
/// </summary>
internal static class GoodnessOfFit
{
    public const double Alpha = 0.001;

    /// <summary>Kolmogorov–Smirnov: sup |F_n − F| against the asymptotic critical value √(−ln(α/2)/2)/√n.</summary>
    public static void AssertKolmogorovSmirnov(double[] sample, Func<double, double> cdf, string what)
    {
        double[] sorted = [.. sample.Order()];
        int n = sorted.Length;
        double d = 0;
        for (int i = 0; i < n; i++)
        {
            double f = cdf(sorted[i]);
            d = Math.Max(d, Math.Max(f - ((double)i / n), ((i + 1.0) / n) - f));
        }

        double critical = Math.Sqrt(-Math.Log(Alpha / 2) / 2) / Math.Sqrt(n);
        Assert.True(d < critical, $"{what}: KS statistic {d:G4} ≥ critical {critical:G4} (n = {n}, α = {Alpha})");
    }

    /// <summary>
    /// Pearson chi-square for an integer sample: consecutive values are grouped into bins whose
    /// expected count is at least 20, the outer bins taking the tails.
    /// </summary>
    public static void AssertChiSquare(int[] sample, Func<int, double> cdf, int start, string what)
    {
        int n = sample.Length;
        var edges = new List<int>();
        double previous = 0;
        int max = sample.Max();
        for (int k = start; k <= max; k++)
        {
            double f = cdf(k);
            if ((f - previous) * n >= 20 && (1 - f) * n >= 20)
            {
                edges.Add(k);
                previous = f;
            }
        }

        // Bin b holds values in (edges[b−1], edges[b]]; the last bin holds everything above.
        var observed = new double[edges.Count + 1];
        foreach (int x in sample)
        {
            int bin = edges.BinarySearch(x);
            observed[bin >= 0 ? bin : ~bin]++;
        }

        double statistic = 0;
        double lower = 0;
        for (int b = 0; b <= edges.Count; b++)
        {
            double upper = b < edges.Count ? cdf(edges[b]) : 1.0;
            double expected = (upper - lower) * n;
            statistic += (observed[b] - expected) * (observed[b] - expected) / expected;
            lower = upper;
        }

        int df = edges.Count;
        double critical = ChiSquared.InvCDF(df, 1 - Alpha);
        Assert.True(df >= 1, $"{what}: too few bins");
        Assert.True(statistic < critical, $"{what}: chi-square {statistic:G4} ≥ critical {critical:G4} ({df} df, α = {Alpha})");
    }

    /// <summary>Sample mean within 5 standard errors of the true mean.</summary>
    public static void AssertMean(double[] sample, double mean, double standardDeviation, string what)
    {
        double m = sample.Average();
        double tolerance = 5 * standardDeviation / Math.Sqrt(sample.Length);
        Assert.True(Math.Abs(m - mean) <= tolerance, $"{what}: mean {m:G6}, expected {mean:G6} ± {tolerance:G3}");
    }

    /// <summary>Sample variance within 5 standard errors (estimated from the sample's fourth central moment).</summary>
    public static void AssertVariance(double[] sample, double variance, string what)
    {
        double m = sample.Average();
        double m2 = sample.Average(x => (x - m) * (x - m));
        double m4 = sample.Average(x => Math.Pow(x - m, 4));
        double tolerance = 5 * Math.Sqrt((m4 - (m2 * m2)) / sample.Length);
        Assert.True(Math.Abs(m2 - variance) <= tolerance, $"{what}: variance {m2:G6}, expected {variance:G6} ± {tolerance:G3}");
    }
}
