using Backtest.Numerics;

namespace Backtest.Market.Scenarios.Calibration;

/// <summary>
/// The least-squares line through the daily changes of the log deviation: Δx = a + b·x + e,
/// with its residuals (in transition order) and the conventional standard errors.
/// </summary>
public sealed record AutoregressionFit(double Intercept, double Slope, double InterceptError, double SlopeError, double ResidualDeviation, double[] Residuals)
{
    /// <summary>The level x is pulled toward, −a/b (NaN when b ≥ 0).</summary>
    public double Mean => Slope < 0 ? -Intercept / Slope : double.NaN;

    /// <summary>Days for a deviation from the mean to halve, ln ½ / ln(1 + b) (NaN when b ∉ (−1, 0)).</summary>
    public double HalfLifeDays => Slope is < 0 and > -1 ? DeterministicMath.Log(0.5) / DeterministicMath.Log(1 + Slope) : double.NaN;

    /// <summary>Fits the line to every transition of <paramref name="history"/>.</summary>
    public static AutoregressionFit Fit(AmplTransitions history)
    {
        int n = history.Count;
        double meanX = 0, meanY = 0;
        for (int i = 0; i < n; i++)
        {
            meanX += history.From[i];
            meanY += history.Change(i);
        }

        meanX /= n;
        meanY /= n;
        double sxx = 0, sxy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = history.From[i] - meanX;
            sxx += dx * dx;
            sxy += dx * (history.Change(i) - meanY);
        }

        double slope = sxy / sxx;
        double intercept = meanY - (slope * meanX);
        var residuals = new double[n];
        double sse = 0;
        for (int i = 0; i < n; i++)
        {
            residuals[i] = history.Change(i) - intercept - (slope * history.From[i]);
            sse += residuals[i] * residuals[i];
        }

        double variance = sse / (n - 2);
        return new AutoregressionFit(
            intercept,
            slope,
            Math.Sqrt(variance * ((1.0 / n) + (meanX * meanX / sxx))),
            Math.Sqrt(variance / sxx),
            Math.Sqrt(variance),
            residuals);
    }
}

/// <summary>
/// The stationary bootstrap's mean block length by Politis and White (2004), with the correction
/// of Patton, Politis and White (2009): L = (2G²/D)^(1/3) · n^(1/3), G = Σ λ(k/M)|k|R(k),
/// D = 2(Σ λ(k/M)R(k))², over |k| ≤ M with the flat-top window λ(s) = 1 (|s| ≤ ½), 2(1 − |s|)
/// (½ &lt; |s| ≤ 1), 0 beyond; M = 2m̂, m̂ the smallest lag after which Kₙ = max(5, ⌊√log₁₀ n⌋)
/// autocorrelations in a row are within ±2√(log₁₀ n / n), searched up to ⌈√n⌉ + Kₙ.
/// </summary>
public static class BlockLength
{
    /// <summary>The stationary-bootstrap block length (transcendental functions from <see cref="DeterministicMath"/>) for <paramref name="series"/> (which is centred first).</summary>
    public static double PolitisWhite(ReadOnlySpan<double> series)
    {
        int n = series.Length;
        double mean = 0;
        foreach (double v in series)
        {
            mean += v;
        }

        mean /= n;
        var centred = new double[n];
        for (int i = 0; i < n; i++)
        {
            centred[i] = series[i] - mean;
        }

        double Autocovariance(int k)
        {
            double sum = 0;
            for (int i = k; i < n; i++)
            {
                sum += centred[i] * centred[i - k];
            }

            return sum / n;
        }

        double log10N = DeterministicMath.Log(n) / DeterministicMath.Log(10);
        int kn = Math.Max(5, (int)Math.Sqrt(log10N));
        double band = 2 * Math.Sqrt(log10N / n);
        int maxLag = (int)Math.Ceiling(Math.Sqrt(n)) + kn;
        double variance = Autocovariance(0);
        var rho = new double[maxLag + kn + 1];
        for (int k = 0; k < rho.Length && k < n; k++)
        {
            rho[k] = Autocovariance(k) / variance;
        }

        int mHat = maxLag;
        for (int m = 1; m <= maxLag; m++)
        {
            bool quiet = true;
            for (int j = 1; j <= kn; j++)
            {
                quiet &= Math.Abs(rho[m + j]) < band;
            }

            if (quiet)
            {
                mHat = m;
                break;
            }
        }

        int bigM = Math.Min(2 * mHat, maxLag);
        double g = 0, spectrum = 0;
        for (int k = -bigM; k <= bigM; k++)
        {
            double s = Math.Abs((double)k / bigM);
            double weight = s <= 0.5 ? 1 : s <= 1 ? 2 * (1 - s) : 0;
            double r = Autocovariance(Math.Abs(k));
            g += weight * Math.Abs(k) * r;
            spectrum += weight * r;
        }

        double d = 2 * spectrum * spectrum;
        return DeterministicMath.Exp(DeterministicMath.Log(2 * g * g * n / d) / 3);
    }
}
