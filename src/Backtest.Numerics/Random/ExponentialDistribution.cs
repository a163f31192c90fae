using Backtest.Numerics.Simd;

namespace Backtest.Numerics.Random;

/// <summary>
/// Exponential(rate) by inversion: (0 − ln(1 − u)) / rate for the 53-bit uniform u, so variates
/// lie in [0, 36.74/rate]; ln from <see cref="DeterministicMath.Log(double)"/>.
/// Sampling methods: <see cref="VariateMaps"/>.
/// </summary>
public readonly struct ExponentialDistribution : ILaneMap
{
    public ExponentialDistribution(double rate) => Rate = Sampling.Positive(rate, nameof(rate));

    public double Rate { get; }

    TD ILaneMap.Apply<TW, TL, TD>(TD u) =>
        TW.DivideDouble(TW.SubtractDouble(TW.BroadcastDouble(0.0), DeterministicMath<TW, TL, TD>.Log(Sampling.Complement<TW, TL, TD>(u))), TW.BroadcastDouble(Rate));
}
