using Backtest.Numerics.Simd;

namespace Backtest.Numerics.Random;

/// <summary>
/// Pareto type I with scale x_m and shape α (P(X > x) = (x_m / x)^α for x ≥ x_m) by inversion:
/// x_m · exp((0 − ln(1 − u)) / α) for the 53-bit uniform u, with the deterministic exp and ln.
/// The relative error of a variate is about |ln(1 − u)| / α ulp (the exponent's error, magnified).
/// Sampling methods: <see cref="VariateMaps"/>.
/// </summary>
public readonly struct ParetoDistribution : ILaneMap
{
    public ParetoDistribution(double scale, double shape)
    {
        Scale = Sampling.Positive(scale, nameof(scale));
        Shape = Sampling.Positive(shape, nameof(shape));
    }

    public double Scale { get; }

    public double Shape { get; }

    TD ILaneMap.Apply<TW, TL, TD>(TD u)
    {
        TD exponent = TW.DivideDouble(TW.SubtractDouble(TW.BroadcastDouble(0.0), DeterministicMath<TW, TL, TD>.Log(Sampling.Complement<TW, TL, TD>(u))), TW.BroadcastDouble(Shape));
        return TW.MultiplyDouble(TW.BroadcastDouble(Scale), DeterministicMath<TW, TL, TD>.Exp(exponent));
    }
}
