using Backtest.Numerics;
using Backtest.Numerics.Random;

namespace Backtest.Market.Losses;

/// <summary>
/// A claim-size distribution given by its quantile function, so a claim is one uniform of the
/// run's counter-based stream mapped through it (deterministic on every machine: the
/// transcendental functions are <see cref="DeterministicMath"/>'s). Sizes are in whatever unit
/// the caller scales them by (e.g. a fraction of coverage).
/// </summary>
public interface ISeverity
{
    /// <summary>The claim size at uniform <paramref name="u"/> ∈ [0, 1).</summary>
    double Quantile(double u);

    /// <summary>E[X] (+∞ if infinite).</summary>
    double Mean { get; }

    /// <summary>E[X²] (+∞ if infinite).</summary>
    double SecondMoment { get; }
}

/// <summary>Log-normal claims: ln X ~ N(μ, σ²).</summary>
public sealed class LogNormalSeverity(double mu, double sigma) : ISeverity
{
    private readonly LogNormalDistribution distribution = new(mu, sigma);

    public double Mu => distribution.Mu;

    public double Sigma => distribution.Sigma;

    public double Quantile(double u) => distribution.FromUniform(u);

    /// <summary><see cref="Quantile"/> over a span, vectorised with the same bits.</summary>
    public void Quantiles(ReadOnlySpan<double> u, Span<double> destination) => distribution.FromUniform(u, destination);

    /// <summary>e^(μ + σ²/2).</summary>
    public double Mean => Math.Exp(Mu + (Sigma * Sigma / 2));

    /// <summary>e^(2μ + 2σ²).</summary>
    public double SecondMoment => Math.Exp((2 * Mu) + (2 * Sigma * Sigma));
}

/// <summary>Pareto type I claims: P(X &gt; x) = (scale / x)^shape for x ≥ scale.</summary>
public sealed class ParetoSeverity(double scale, double shape) : ISeverity
{
    private readonly ParetoDistribution distribution = new(scale, shape);

    public double Scale => distribution.Scale;

    public double Shape => distribution.Shape;

    public double Quantile(double u) => distribution.FromUniform(u);

    /// <summary>shape · scale / (shape − 1), infinite for shape ≤ 1.</summary>
    public double Mean => Shape > 1 ? Shape * Scale / (Shape - 1) : double.PositiveInfinity;

    /// <summary>shape · scale² / (shape − 2), infinite for shape ≤ 2.</summary>
    public double SecondMoment => Shape > 2 ? Shape * Scale * Scale / (Shape - 2) : double.PositiveInfinity;
}

/// <summary>
/// Empirical claims: each observed size equally likely (the sample's own distribution, as a
/// bootstrap of historical claims). The quantile of u is the ⌊u · n⌋-th smallest observation.
/// </summary>
public sealed class EmpiricalSeverity : ISeverity
{
    private readonly double[] sorted;

    public EmpiricalSeverity(IEnumerable<double> observations)
    {
        ArgumentNullException.ThrowIfNull(observations);
        sorted = observations.ToArray();
        if (sorted.Length == 0 || sorted.Any(x => !double.IsFinite(x) || x < 0))
        {
            throw new InputException("empirical claim sizes must be a non-empty list of finite, non-negative numbers", key: "severity.observations");
        }

        Array.Sort(sorted);
    }

    /// <summary>The observations, smallest first.</summary>
    public ReadOnlySpan<double> Observations => sorted;

    public double Quantile(double u) => sorted[Math.Min(sorted.Length - 1, (int)(u * sorted.Length))];

    public double Mean => sorted.Average();

    public double SecondMoment => sorted.Average(x => x * x);
}
