using Backtest.Numerics.Simd;

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

    TD ILaneMap.Apply<TW, TL, TD>(TD u) =>
        DeterministicMath<TW, TL, TD>.Exp(TW.AddDouble(TW.BroadcastDouble(Mu), TW.MultiplyDouble(TW.BroadcastDouble(Sigma), Sampling.StandardNormal<TW, TL, TD>(u))));
}
