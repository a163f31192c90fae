using Backtest.Numerics.Lanes;

namespace Backtest.Numerics.Random;

/// <summary>
/// Normal(mean, standardDeviation) by inversion: mean + standardDeviation · Φ⁻¹((k + ½)·2⁻⁵³)
/// for the 53-bit uniform u = k·2⁻⁵³, with <see cref="DeterministicMath.NormalQuantile(double)"/>'s
/// algorithm (AS 241). Inversion keeps one uniform per variate and monotone in it (antithetic
/// pairs and importance sampling stay simple); the grid reaches ±8.3 standard deviations.
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

    TV ILaneMap.Apply<TV>(TV u) => TV.Create(Mean) + (TV.Create(StandardDeviation) * Sampling.StandardNormal(u));
}
