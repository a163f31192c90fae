using System.Buffers;
using Backtest.Numerics;
using Backtest.Numerics.Random;

namespace Backtest.Market.Scenarios;

/// <summary>
/// Parameters of <see cref="JumpDiffusionModel"/> (per day; x = ln(AMPL price / target)).
/// Defaults: the maximum-likelihood fit to the bundled AMPL history, 2019-06-28 .. 2022-09-27
/// (<see cref="CalibratedParameters.JumpDiffusion"/>; docs/models/scenarios.md).
/// </summary>
public sealed record JumpDiffusionOptions
{
    /// <summary>μ: the level x reverts to (0 is the target itself).</summary>
    public double LongRunLogDeviation { get; init; } = CalibratedParameters.JumpDiffusion.LongRunLogDeviation;

    /// <summary>κ ≥ 0, per day: the speed of reversion; 0 makes the price a geometric Brownian motion (with jumps) around the target.</summary>
    public double MeanReversionPerDay { get; init; } = CalibratedParameters.JumpDiffusion.MeanReversionPerDay;

    /// <summary>σ &gt; 0: the diffusion's volatility per √day.</summary>
    public double VolatilityPerSqrtDay { get; init; } = CalibratedParameters.JumpDiffusion.VolatilityPerSqrtDay;

    /// <summary>λ ≥ 0: the mean number of jumps per day.</summary>
    public double JumpsPerDay { get; init; } = CalibratedParameters.JumpDiffusion.JumpsPerDay;

    /// <summary>μ_J: the mean of one jump in x.</summary>
    public double JumpMean { get; init; } = CalibratedParameters.JumpDiffusion.JumpMean;

    /// <summary>σ_J ≥ 0: the standard deviation of one jump in x.</summary>
    public double JumpVolatility { get; init; } = CalibratedParameters.JumpDiffusion.JumpVolatility;
}

/// <summary>
/// Merton's jump-diffusion on the log deviation, with Ornstein–Uhlenbeck reversion: between
/// days x follows dx = κ(μ − x)dt + σ dW, and at the end of each day the day's jumps are added,
/// N ~ Poisson(λ) of them, each normal(μ_J, σ_J²). The one-day step is exact:
/// <code>x(t+1) = μ + (x(t) − μ)·a + s·Z + N·μ_J + √N·σ_J·Z_J,   a = e^(−κ),   s² = σ²(1 − a²)/(2κ)</code>
/// (s = σ when κ = 0), so the transition density the calibration maximises
/// (<see cref="LogTransitionDensity"/>) is the simulated model's own. Given N, the diffusion and the
/// N jumps add to one normal, so a step draws x(t+1) = m + Nμ_J + √(s² + Nσ_J²)·Z, which has the
/// same distribution with one normal variate instead of two.
/// <para><b>Draws</b> at step t ≥ 1: Z from the first uniform of block (path, t, firstDraw) by
/// normal inversion; N from block (path, t, firstDraw + 1) by <see cref="PoissonDistribution"/>.
/// Step 0 draws nothing.</para>
/// </summary>
public sealed class JumpDiffusionModel : IAmplDeviationModel
{
    private static readonly NormalDistribution StandardNormal = new(0, 1);
    private readonly PoissonDistribution? jumpCount;

    public JumpDiffusionModel(JumpDiffusionOptions options)
    {
        Options = options;
        Generation.Require(options.LongRunLogDeviation, true, nameof(options.LongRunLogDeviation), "must be finite");
        Generation.Require(options.MeanReversionPerDay, options.MeanReversionPerDay >= 0, nameof(options.MeanReversionPerDay), "must be ≥ 0");
        Generation.Require(options.VolatilityPerSqrtDay, options.VolatilityPerSqrtDay > 0, nameof(options.VolatilityPerSqrtDay), "must be > 0");
        Generation.Require(options.JumpsPerDay, options.JumpsPerDay >= 0 && options.JumpsPerDay <= PoissonDistribution.MaxMean, nameof(options.JumpsPerDay), $"must lie in [0, {PoissonDistribution.MaxMean}]");
        Generation.Require(options.JumpMean, true, nameof(options.JumpMean), "must be finite");
        Generation.Require(options.JumpVolatility, options.JumpVolatility >= 0, nameof(options.JumpVolatility), "must be ≥ 0");
        (Decay, StepVolatility) = Discretise(options.MeanReversionPerDay, options.VolatilityPerSqrtDay);
        jumpCount = options.JumpsPerDay > 0 ? new PoissonDistribution(options.JumpsPerDay) : null;
    }

    public JumpDiffusionOptions Options { get; }

    /// <summary>a = e^(−κ): the share of today's distance from μ left tomorrow.</summary>
    public double Decay { get; }

    /// <summary>s: the standard deviation of the one-day diffusion move.</summary>
    public double StepVolatility { get; }

    /// <inheritdoc/>
    public int DrawsPerStep => 2;

    /// <summary>Reversion rates below this take the variance factor from its series.</summary>
    internal const double SeriesBelow = 0.05;

    /// <summary>(a, s) of the exact one-day step for reversion κ and volatility σ.</summary>
    internal static (double Decay, double StepVolatility) Discretise(double kappa, double sigma)
    {
        double decay = DeterministicMath.Exp(0.0 - kappa);

        // (1 − e^(−2κ)) / (2κ) = Σₙ (−2κ)ⁿ / (n + 1)!, summed where the difference would cancel
        // (below κ = 0.05 the twentieth term is under 10⁻³⁵ of the first).
        double varianceFactor;
        if (kappa < SeriesBelow)
        {
            double term = 1;
            varianceFactor = 1;
            for (int n = 1; n <= 20; n++)
            {
                term *= (-2 * kappa) / (n + 1);
                varianceFactor += term;
            }
        }
        else
        {
            varianceFactor = (1 - (decay * decay)) / (2 * kappa);
        }

        return (decay, sigma * Math.Sqrt(varianceFactor));
    }

    /// <summary>
    /// ln of the density of x(t+1) = <paramref name="to"/> given x(t) = <paramref name="from"/>: the
    /// Poisson mixture Σₙ e^(−λ)λⁿ/n! · φ(to; m + nμ_J, s² + nσ_J²), m = μ + (from − μ)a. The sum
    /// stops at the first n ≥ 2λ whose weight is below e^(−46) ≈ 10⁻²⁰: beyond it the weights fall
    /// by a factor of at least 2 per term, so what is left out is smaller than that weight.
    /// Throws <see cref="ArgumentOutOfRangeException"/> when λ needs more than <see cref="MaxJumpTerms"/> terms.
    /// </summary>
    public double LogTransitionDensity(double from, double to)
    {
        Span<double> result = stackalloc double[1];
        LogTransitionDensities(Options.LongRunLogDeviation, Decay, StepVolatility, Options.JumpsPerDay, Options.JumpMean, Options.JumpVolatility, [from], [to], result);
        return result[0];
    }

    /// <summary>Most jump counts a transition density sums over (enough for λ up to about 40).</summary>
    internal const int MaxJumpTerms = 160;

    /// <summary><see cref="LogTransitionDensity"/> for every pair (from[i], to[i]), with the mixture's per-count constants computed once.</summary>
    internal static void LogTransitionDensities(double mu, double decay, double s, double lambda, double jumpMean, double jumpVolatility, ReadOnlySpan<double> from, ReadOnlySpan<double> to, Span<double> result)
    {
        Span<double> constant = stackalloc double[MaxJumpTerms];
        Span<double> halfPrecision = stackalloc double[MaxJumpTerms];
        double logLambda = lambda > 0 ? DeterministicMath.Log(lambda) : double.NegativeInfinity;
        double logWeight = 0.0 - lambda;
        int terms = 0;
        for (int n = 0; ; n++)
        {
            if (n == MaxJumpTerms)
            {
                throw new ArgumentOutOfRangeException(nameof(lambda), lambda, $"more than {MaxJumpTerms} jump counts would be needed");
            }

            if (n > 0)
            {
                logWeight += logLambda - DeterministicMath.Log(n);
            }

            double variance = (s * s) + (n * jumpVolatility * jumpVolatility);
            constant[n] = logWeight - (0.5 * DeterministicMath.Log(TwoPi * variance));
            halfPrecision[n] = 0.5 / variance;
            terms = n + 1;
            if (lambda == 0 || (n >= 2 * lambda && logWeight < -46))
            {
                break;
            }
        }

        // Each density is a sum of terms e^(cₙ − rₙ²/(2vₙ)), added with the largest factored out;
        // the exponentials of every pair are taken in one vectorised pass.
        int pairs = from.Length;
        double[] exponents = ArrayPool<double>.Shared.Rent(pairs * terms);
        try
        {
            for (int i = 0; i < pairs; i++)
            {
                var term = exponents.AsSpan(i * terms, terms);
                double residual = to[i] - (mu + ((from[i] - mu) * decay));
                double max = double.NegativeInfinity;
                for (int n = 0; n < terms; n++)
                {
                    double r = residual - (n * jumpMean);
                    term[n] = constant[n] - (r * r * halfPrecision[n]);
                    max = Math.Max(max, term[n]);
                }

                for (int n = 0; n < terms; n++)
                {
                    term[n] -= max;
                }

                result[i] = max;
            }

            var all = exponents.AsSpan(0, pairs * terms);
            DeterministicMath.Exp(all, all);
            for (int i = 0; i < pairs; i++)
            {
                double sum = 0;
                foreach (double e in all.Slice(i * terms, terms))
                {
                    sum += e;
                }

                result[i] += DeterministicMath.Log(sum);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(exponents);
        }
    }

    private const double TwoPi = 6.283185307179586476925;

    /// <inheritdoc/>
    public void Fill(RandomStream stream, int firstDraw, double start, long firstPath, int count, int steps, Span<double> logDeviation, int stride)
    {
        Generation.CheckLayout(count, steps, logDeviation.Length, stride);
        Span<double> x = stackalloc double[Generation.Chunk];
        Span<double> z = stackalloc double[Generation.Chunk];
        Span<int> jumps = stackalloc int[Generation.Chunk];
        double mu = Options.LongRunLogDeviation;
        double jumpMean = Options.JumpMean;

        // Given N jumps the day's move is normal with variance s² + Nσ_J²: one normal per step.
        Span<double> deviationOf = stackalloc double[TabulatedJumpCounts];
        for (int k = 0; k < TabulatedJumpCounts; k++)
        {
            deviationOf[k] = DeviationGiven(k);
        }

        for (int offset = 0; offset < count; offset += Generation.Chunk)
        {
            int n = Math.Min(Generation.Chunk, count - offset);
            long path0 = firstPath + offset;
            x[..n].Fill(start);
            x[..n].CopyTo(logDeviation.Slice(offset, n));
            jumps[..n].Clear();
            for (int step = 1; step < steps; step++)
            {
                StandardNormal.Fill(stream, path0, step, firstDraw, z[..n]);
                jumpCount?.Fill(stream, path0, step, firstDraw + 1, jumps[..n]);
                var row = logDeviation.Slice((step * stride) + offset, n);
                for (int i = 0; i < n; i++)
                {
                    int k = jumps[i];
                    double deviation = k < TabulatedJumpCounts ? deviationOf[k] : DeviationGiven(k);
                    double next = mu + ((x[i] - mu) * Decay) + (k * jumpMean) + (deviation * z[i]);
                    x[i] = next;
                    row[i] = next;
                }
            }
        }
    }

    /// <summary>Jump counts whose move deviation is computed once per fill.</summary>
    private const int TabulatedJumpCounts = 16;

    /// <summary>√(s² + kσ_J²): the standard deviation of a day's move given k jumps.</summary>
    private double DeviationGiven(int k) => Math.Sqrt((StepVolatility * StepVolatility) + (k * Options.JumpVolatility * Options.JumpVolatility));
}
