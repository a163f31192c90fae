using Backtest.Numerics.Simd;

namespace Backtest.Numerics.Random;

/// <summary>
/// Uniform on [lower, upper): lower + (upper − lower) · u for the 53-bit uniform u (the upper
/// bound can be reached only through the rounding of that expression).
/// Sampling methods: <see cref="VariateMaps"/>.
/// </summary>
public readonly struct UniformDistribution : ILaneMap
{
    public UniformDistribution(double lower, double upper)
    {
        Lower = Sampling.Finite(lower, nameof(lower));
        Upper = Sampling.Finite(upper, nameof(upper));
        if (!(upper > lower) || !double.IsFinite(upper - lower))
        {
            throw new ArgumentOutOfRangeException(nameof(upper), upper, $"upper must exceed lower ({lower}) by a finite width");
        }
    }

    public double Lower { get; }

    public double Upper { get; }

    TD ILaneMap.Apply<TW, TL, TD>(TD u) => TW.AddDouble(TW.BroadcastDouble(Lower), TW.MultiplyDouble(TW.BroadcastDouble(Upper - Lower), u));
}
