using Backtest.Numerics;

namespace Backtest.Market.Losses;

/// <summary>
/// Student's t distribution function and quantile, for copula thresholds set up once per run.
/// Built from <see cref="DeterministicMath"/> and basic operations only, so every machine gets
/// the same thresholds. F(t) = 1 − ½ I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0 (symmetric below), with the
/// regularized incomplete beta from its continued fraction (DLMF 8.17.22, modified Lentz) and
/// ln Γ from Stirling's series after shifting the argument above 10. Accurate to about 1e-13.
/// </summary>
internal static class StudentT
{
    public static double Cdf(double t, double nu)
    {
        if (double.IsNaN(t))
        {
            return double.NaN;
        }

        if (double.IsInfinity(t))
        {
            return t > 0 ? 1 : 0;
        }

        double tail = 0.5 * RegularizedBeta(nu / (nu + (t * t)), nu / 2, 0.5);
        return t < 0 ? tail : 1 - tail;
    }

    /// <summary>The t with F(t) = p, by bisection to the last representable step (deterministic, setup only).</summary>
    public static double Quantile(double p, double nu)
    {
        if (!(p > 0 && p < 1) || !(nu > 0) || !double.IsFinite(nu))
        {
            throw new ArgumentOutOfRangeException(nameof(p), $"quantile needs 0 < p < 1 and a positive finite ν, got p {p}, ν {nu}");
        }

        double lo = -1, hi = 1;
        while (Cdf(lo, nu) > p)
        {
            lo *= 2;
        }

        while (Cdf(hi, nu) < p)
        {
            hi *= 2;
        }

        for (int i = 0; i < 2000; i++)
        {
            double mid = lo + ((hi - lo) / 2);
            if (mid <= lo || mid >= hi)
            {
                break;
            }

            if (Cdf(mid, nu) < p)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return lo + ((hi - lo) / 2);
    }

    /// <summary>I_x(a, b) for 0 ≤ x ≤ 1, a, b &gt; 0.</summary>
    public static double RegularizedBeta(double x, double a, double b)
    {
        if (x <= 0)
        {
            return 0;
        }

        if (x >= 1)
        {
            return 1;
        }

        double front = DeterministicMath.Exp((a * DeterministicMath.Log(x)) + (b * DeterministicMath.Log(1 - x)) - LogBeta(a, b));

        // The continued fraction converges fast only below its mean; use the symmetry above it.
        return x < (a + 1) / (a + b + 2)
            ? front * ContinuedFraction(x, a, b) / a
            : 1 - (front * ContinuedFraction(1 - x, b, a) / b);
    }

    public static double LogGamma(double x)
    {
        double shift = 0;
        while (x < 10)
        {
            shift += DeterministicMath.Log(x);
            x += 1;
        }

        double inverse = 1 / x, inverse2 = inverse * inverse;
        double series = inverse * ((1.0 / 12) - (inverse2 * ((1.0 / 360) - (inverse2 * ((1.0 / 1260) - (inverse2 * ((1.0 / 1680) - (inverse2 / 1188))))))));
        return ((x - 0.5) * DeterministicMath.Log(x)) - x + (0.5 * DeterministicMath.Log(2 * Math.PI)) + series - shift;
    }

    private static double LogBeta(double a, double b) => LogGamma(a) + LogGamma(b) - LogGamma(a + b);

    /// <summary>1/(1 + d₁/(1 + d₂/(1 + …))) with d₂ₘ₊₁ = −(a+m)(a+b+m)x/((a+2m)(a+2m+1)), d₂ₘ = m(b−m)x/((a+2m−1)(a+2m)).</summary>
    private static double ContinuedFraction(double x, double a, double b)
    {
        const double tiny = 1e-300;
        double f = 1, c = 1, d = 0;
        for (int i = 0; i < 10_000; i++)
        {
            int m = i / 2;
            double numerator = i == 0 ? 1
                : (i & 1) == 0 ? m * (b - m) * x / ((a + (2 * m) - 1) * (a + (2 * m)))
                : -((a + m) * (a + b + m) * x) / ((a + (2 * m)) * (a + (2 * m) + 1));
            d = 1 + (numerator * d);
            d = 1 / (Math.Abs(d) < tiny ? tiny : d);
            c = 1 + (numerator / c);
            c = Math.Abs(c) < tiny ? tiny : c;
            double step = c * d;
            f *= step;
            if (Math.Abs(1 - step) < 1e-16)
            {
                return f - 1;
            }
        }

        throw new InvalidOperationException($"incomplete beta continued fraction did not converge (x {x}, a {a}, b {b})");
    }
}
