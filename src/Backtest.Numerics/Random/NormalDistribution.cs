using Backtest.Numerics.Simd;

namespace Backtest.Numerics.Random;

/// <summary>
/// Normal(mean, standardDeviation) by inversion: mean + standardDeviation · Φ⁻¹((k + ½)·2⁻⁵³)
/// for the 53-bit uniform u = k·2⁻⁵³, with <see cref="DeterministicMath.NormalQuantile(double)"/>'s
/// algorithm (AS 241). Inversion keeps one uniform per variate and monotone in it (antithetic
/// pairs and importance sampling stay simple); the grid reaches ±8.3 standard deviations.
/// Sampling methods: <see cref="VariateMaps"/>.
/// </summary>
public readonly struct NormalDistribution : ILaneMap
{
    public NormalDistribution(double mean, double standardDeviation)
    {
        Mean = Sampling.Finite(mean, nameof(mean));
        StandardDeviation = Sampling.NonNegative(standardDeviation, nameof(standardDeviation));
    }

    public double Mean { get; }

    public double StandardDeviation { get; }

    TD ILaneMap.Apply<TW, TL, TD>(TD u) =>
        TW.AddDouble(TW.BroadcastDouble(Mean), TW.MultiplyDouble(TW.BroadcastDouble(StandardDeviation), Sampling.StandardNormal<TW, TL, TD>(u)));
}
