using Backtest.Numerics.Lanes;

namespace Backtest.Numerics.Random;

/// <summary>
/// Uniform on [lower, upper): lower + (upper − lower) · u for the 53-bit uniform u (the upper
/// bound can be reached only through the rounding of that expression).
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

    TV ILaneMap.Apply<TV>(TV u) => TV.Create(Lower) + (TV.Create(Upper - Lower) * u);
}
