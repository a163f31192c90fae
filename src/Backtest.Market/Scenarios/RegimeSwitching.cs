using Backtest.Numerics.Random;

namespace Backtest.Market.Scenarios;

/// <summary>
/// Parameters of <see cref="RegimeSwitchingModel"/>, one entry per regime k (K = 2 or 3): on a
/// day in regime k, x(t) − x(t−1) = Intercept[k] + Slope[k]·x(t−1) + Volatility[k]·ε, ε standard
/// normal; the regime follows a Markov chain with <see cref="Transition"/>[i·K + j] = P(regime j
/// tomorrow | regime i today). Defaults: the three-regime maximum-likelihood (EM) fit to the
/// bundled AMPL history (<see cref="CalibratedParameters.ThreeRegimes"/>; docs/models/scenarios.md),
/// regimes ordered by volatility.
/// </summary>
public sealed record RegimeSwitchingOptions
{
    /// <summary>a_k: the regime's daily drift of x at x = 0 (price at target).</summary>
    public IReadOnlyList<double> Intercept { get; init; } = CalibratedParameters.ThreeRegimes.Intercept;

    /// <summary>b_k: the regime's drift per unit of x; negative pulls x back toward −a_k/b_k.</summary>
    public IReadOnlyList<double> Slope { get; init; } = CalibratedParameters.ThreeRegimes.Slope;

    /// <summary>σ_k &gt; 0: the regime's daily volatility of x.</summary>
    public IReadOnlyList<double> Volatility { get; init; } = CalibratedParameters.ThreeRegimes.Volatility;

    /// <summary>The K × K transition matrix, row-major; rows are probabilities summing to 1.</summary>
    public IReadOnlyList<double> Transition { get; init; } = CalibratedParameters.ThreeRegimes.Transition;

    /// <summary>Number of regimes.</summary>
    public int Regimes => Volatility.Count;
}

/// <summary>
/// A Markov regime-switching autoregression of the log deviation (Hamilton 1989), fitted by EM
/// (<see cref="Calibration.RegimeSwitchingFit"/>). The regime of day 0 is drawn from the chain's
/// stationary distribution, so paths start in the long-run regime mix.
/// <para><b>Draws.</b> Step 0: the initial regime from the second uniform of block
/// (path, 0, firstDraw). Step t ≥ 1: block (path, t, firstDraw): the next regime from its second
/// uniform u (the first j with u &lt; P[i,0] + … + P[i,j]), then ε from its first uniform by
/// normal inversion.</para>
/// </summary>
public sealed class RegimeSwitchingModel : IAmplDeviationModel
{
    private static readonly NormalDistribution StandardNormal = new(0, 1);
    private readonly double[] intercept;
    private readonly double[] slope;
    private readonly double[] volatility;
    private readonly double[] cumulative;
    private readonly double[] stationaryCumulative;

    public RegimeSwitchingModel(RegimeSwitchingOptions options)
    {
        Options = options;
        int k = options.Volatility.Count;
        if (k < 2 || k > MaxRegimes)
        {
            throw new InputException($"{k} regimes: the model takes 2 to {MaxRegimes}", key: nameof(options.Volatility));
        }

        if (options.Intercept.Count != k || options.Slope.Count != k || options.Transition.Count != k * k)
        {
            throw new InputException($"{k} volatilities need {k} intercepts, {k} slopes and {k * k} transition probabilities (got {options.Intercept.Count}, {options.Slope.Count}, {options.Transition.Count})", key: nameof(options.Transition));
        }

        intercept = [.. options.Intercept.Select(v => Generation.Require(v, true, nameof(options.Intercept), "must be finite"))];
        slope = [.. options.Slope.Select(v => Generation.Require(v, true, nameof(options.Slope), "must be finite"))];
        volatility = [.. options.Volatility.Select(v => Generation.Require(v, v > 0, nameof(options.Volatility), "must be > 0"))];
        cumulative = new double[k * k];
        for (int i = 0; i < k; i++)
        {
            double sum = 0;
            for (int j = 0; j < k; j++)
            {
                double p = Generation.Require(options.Transition[(i * k) + j], options.Transition[(i * k) + j] >= 0, nameof(options.Transition), "probabilities must be ≥ 0");
                sum += p;
                cumulative[(i * k) + j] = sum;
            }

            if (Math.Abs(sum - 1) > 1e-9)
            {
                throw new InputException($"row {i} sums to {sum}, not 1", key: nameof(options.Transition));
            }

            // The last entry is exactly 1 so a uniform below 1 always finds a regime.
            cumulative[(i * k) + k - 1] = 1.0;
        }

        Stationary = StationaryDistribution(options.Transition, k);
        stationaryCumulative = new double[k];
        double total = 0;
        for (int j = 0; j < k; j++)
        {
            total += Stationary[j];
            stationaryCumulative[j] = total;
        }

        stationaryCumulative[k - 1] = 1.0;
    }

    /// <summary>Most regimes supported.</summary>
    public const int MaxRegimes = 4;

    public RegimeSwitchingOptions Options { get; }

    /// <summary>The chain's stationary distribution π (πP = π, Σπ = 1).</summary>
    public IReadOnlyList<double> Stationary { get; }

    /// <inheritdoc/>
    public int DrawsPerStep => 1;

    /// <inheritdoc/>
    public void Fill(RandomStream stream, int firstDraw, double start, long firstPath, int count, int steps, Span<double> logDeviation, int stride) =>
        Fill(stream, firstDraw, start, firstPath, count, steps, logDeviation, stride, []);

    /// <summary><see cref="Fill(RandomStream, int, double, long, int, int, Span{double}, int)"/> that also writes each step's regime (same layout) when <paramref name="regimes"/> is not empty.</summary>
    internal void Fill(RandomStream stream, int firstDraw, double start, long firstPath, int count, int steps, Span<double> logDeviation, int stride, Span<byte> regimes)
    {
        Generation.CheckLayout(count, steps, logDeviation.Length, stride);
        int k = volatility.Length;
        Span<double> x = stackalloc double[Generation.Chunk];
        Span<double> z = stackalloc double[Generation.Chunk];
        Span<double> u = stackalloc double[Generation.Chunk];
        Span<byte> regime = stackalloc byte[Generation.Chunk];
        for (int offset = 0; offset < count; offset += Generation.Chunk)
        {
            int n = Math.Min(Generation.Chunk, count - offset);
            long path0 = firstPath + offset;
            stream.FillUniform(path0, 0, firstDraw, z[..n], u[..n]);
            for (int i = 0; i < n; i++)
            {
                regime[i] = Pick(stationaryCumulative, 0, k, u[i]);
            }

            x[..n].Fill(start);
            x[..n].CopyTo(logDeviation.Slice(offset, n));
            if (!regimes.IsEmpty)
            {
                regime[..n].CopyTo(regimes.Slice(offset, n));
            }

            for (int step = 1; step < steps; step++)
            {
                stream.FillUniform(path0, step, firstDraw, z[..n], u[..n]);
                StandardNormal.FromUniform(z[..n], z[..n]);
                var row = logDeviation.Slice((step * stride) + offset, n);
                for (int i = 0; i < n; i++)
                {
                    byte s = Pick(cumulative, regime[i] * k, k, u[i]);
                    regime[i] = s;
                    double next = x[i] + intercept[s] + (slope[s] * x[i]) + (volatility[s] * z[i]);
                    x[i] = next;
                    row[i] = next;
                }

                if (!regimes.IsEmpty)
                {
                    regime[..n].CopyTo(regimes.Slice((step * stride) + offset, n));
                }
            }
        }
    }

    /// <summary>The first j with u &lt; cumulative[start + j].</summary>
    private static byte Pick(double[] cumulative, int start, int k, double u)
    {
        int j = 0;
        while (j < k - 1 && u >= cumulative[start + j])
        {
            j++;
        }

        return (byte)j;
    }

    /// <summary>
    /// π with πP = π, Σπ = 1, by Gaussian elimination (partial pivoting) on (Pᵀ − I) with its
    /// last row replaced by the normalisation.
    /// </summary>
    internal static double[] StationaryDistribution(IReadOnlyList<double> transition, int k)
    {
        var a = new double[k, k + 1];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < k; j++)
            {
                a[i, j] = transition[(j * k) + i] - (i == j ? 1 : 0);
            }
        }

        for (int j = 0; j < k; j++)
        {
            a[k - 1, j] = 1;
        }

        a[k - 1, k] = 1;
        return Calibration.LinearAlgebra.Solve(a, k);
    }
}
