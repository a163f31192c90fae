using Backtest.Numerics.Lanes;

namespace Backtest.Numerics.Random;

/// <summary>
/// Pareto type I with scale x_m and shape α (P(X > x) = (x_m / x)^α for x ≥ x_m) by inversion:
/// x_m · exp((0 − ln(1 − u)) / α) for the 53-bit uniform u, with the deterministic exp and ln.
/// The relative error of a variate is about |ln(1 − u)| / α ulp (the exponent's error, magnified).
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

    /// <summary>The variate of path <paramref name="path"/> at (step, draw): the map of its first uniform.</summary>
    public double Sample(RandomStream stream, long path, int step, int draw) => FromUniform(stream.Uniform(path, step, draw));

    /// <summary>Variates of paths firstPath, firstPath + 1, … at (step, draw); vectorised, identical to <see cref="Sample"/> per path.</summary>
    public void Fill(RandomStream stream, long firstPath, int step, int draw, Span<double> destination) =>
        Sampling.Fill(this, stream, firstPath, step, draw, destination, []);

    /// <summary>Two variates per path, from the block's two uniforms (<paramref name="second"/> empty or as long as <paramref name="first"/>).</summary>
    public void Fill(RandomStream stream, long firstPath, int step, int draw, Span<double> first, Span<double> second) =>
        Sampling.Fill(this, stream, firstPath, step, draw, first, second);

    /// <summary>The map from a uniform in [0, 1) to a variate.</summary>
    public double FromUniform(double u) => LaneDriver.Apply(this, u);

    /// <summary><see cref="FromUniform(double)"/> over a span, vectorised and bit-identical to the scalar form.</summary>
    public void FromUniform(ReadOnlySpan<double> u, Span<double> destination) => LaneDriver.Map(this, u, destination);

    TV ILaneMap.Apply<TV>(TV u) => TV.Create(Scale) * DeterministicMath.Exp((TV.Create(0.0) - DeterministicMath.Log(Sampling.Complement(u))) / TV.Create(Shape));
}
