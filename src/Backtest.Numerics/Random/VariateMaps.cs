using Backtest.Numerics.Simd;

namespace Backtest.Numerics.Random;

/// <summary>
/// Sampling for the distributions defined by a map from one 53-bit uniform to a variate
/// (<see cref="UniformDistribution"/>, <see cref="NormalDistribution"/>,
/// <see cref="LogNormalDistribution"/>, <see cref="ExponentialDistribution"/>,
/// <see cref="ParetoDistribution"/>): per path, or vectorised over consecutive paths with the
/// same bits.
/// </summary>
public static class VariateMaps
{
    /// <summary>The variate of (path, step, draw): the map of the block's first uniform.</summary>
    public static double Sample<TDistribution>(this TDistribution distribution, RandomStream stream, long path, int step, int draw)
        where TDistribution : struct, ILaneMap =>
        LaneDriver.Apply(distribution, stream.Uniform(path, step, draw));

    /// <summary>Variates of paths firstPath, firstPath + 1, … at (step, draw); vectorised, identical to <see cref="Sample"/> per path.</summary>
    public static void Fill<TDistribution>(this TDistribution distribution, RandomStream stream, long firstPath, int step, int draw, Span<double> destination)
        where TDistribution : struct, ILaneMap =>
        Sampling.Fill(distribution, stream, firstPath, step, draw, destination, []);

    /// <summary>
    /// Two variates per path, from the block's first and second uniforms (<paramref name="second"/>
    /// empty or as long as <paramref name="first"/>).
    /// </summary>
    public static void Fill<TDistribution>(this TDistribution distribution, RandomStream stream, long firstPath, int step, int draw, Span<double> first, Span<double> second)
        where TDistribution : struct, ILaneMap =>
        Sampling.Fill(distribution, stream, firstPath, step, draw, first, second);

    /// <summary>The map itself, from a uniform in [0, 1) to a variate.</summary>
    public static double FromUniform<TDistribution>(this TDistribution distribution, double u)
        where TDistribution : struct, ILaneMap =>
        LaneDriver.Apply(distribution, u);

    /// <summary>The map over a span, vectorised and bit-identical to the scalar form.</summary>
    public static void FromUniform<TDistribution>(this TDistribution distribution, ReadOnlySpan<double> u, Span<double> destination)
        where TDistribution : struct, ILaneMap =>
        LaneDriver.Map(distribution, u, destination);
}
