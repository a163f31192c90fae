using Backtest.Numerics.Lanes;

namespace Backtest.Numerics.Random;

/// <summary>
/// Log-normal: exp(mu + sigma · Z) with Z the standard normal of <see cref="NormalDistribution"/>
/// and exp from <see cref="DeterministicMath.Exp(double)"/>; mu and sigma are the mean and
/// standard deviation of the logarithm.
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

    TV ILaneMap.Apply<TV>(TV u) => DeterministicMath.Exp(TV.Create(Mu) + (TV.Create(Sigma) * Sampling.StandardNormal(u)));
}
