using Backtest.Numerics.Lanes;

namespace Backtest.Numerics.Random;

/// <summary>
/// Log-normal: exp(mu + sigma · Z) with Z the standard normal of <see cref="NormalDistribution"/>
/// and exp from <see cref="DeterministicMath.Exp(double)"/>; mu and sigma are the mean and
/// standard deviation of the logarithm.
/// Sampling methods: <see cref="VariateMaps"/>.
/// </summary>
public readonly struct LogNormalDistribution : ILaneMap
{
    public LogNormalDistribution(double mu, double sigma)
    {
        Mu = Sampling.Finite(mu, nameof(mu));
        Sigma = Sampling.NonNegative(sigma, nameof(sigma));
    }

    public double Mu { get; }

    public double Sigma { get; }

    TV ILaneMap.Apply<TV>(TV u) => DeterministicMath.Exp(TV.Create(Mu) + (TV.Create(Sigma) * Sampling.StandardNormal(u)));
}
