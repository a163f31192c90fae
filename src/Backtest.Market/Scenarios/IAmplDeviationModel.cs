using Backtest.Numerics.Random;

namespace Backtest.Market.Scenarios;

/// <summary>
/// A Monte Carlo model of AMPL's log deviation from target, x = ln(market price / target price),
/// one value per (path, step). Step 0 is the given start; step t ≥ 1 is drawn from step t − 1
/// with the blocks (path, t, firstDraw + k), k &lt; <see cref="DrawsPerStep"/>, of a
/// <see cref="RandomStream"/> (a model may also read (path, 0, firstDraw + k) to set its initial
/// state). Paths never share state, so a path's values do not depend on the batch that holds it.
/// </summary>
public interface IAmplDeviationModel
{
    /// <summary>Draw indices the model reads per step, from its first draw.</summary>
    int DrawsPerStep { get; }

    /// <summary>
    /// Writes x of paths firstPath … firstPath + count − 1 for steps 0 … steps − 1 into
    /// <paramref name="logDeviation"/>, step-major: element step · <paramref name="stride"/> + i is
    /// path firstPath + i at that step.
    /// </summary>
    void Fill(RandomStream stream, int firstDraw, double start, long firstPath, int count, int steps, Span<double> logDeviation, int stride);
}

/// <summary>Argument checks and the path chunking shared by the generators.</summary>
internal static class Generation
{
    /// <summary>Paths simulated together: their state lives on the stack, a few kilobytes per array.</summary>
    public const int Chunk = 256;

    public static void CheckLayout(int count, int steps, int length, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        if (stride < count || (long)(steps - 1) * stride + count > length)
        {
            throw new ArgumentException($"a destination of {length} elements with stride {stride} cannot hold {count} paths × {steps} steps");
        }
    }

    /// <summary>The option's value if it satisfies <paramref name="valid"/>, else an <see cref="InputException"/> naming it.</summary>
    public static double Require(double value, bool valid, string name, string rule) =>
        valid && double.IsFinite(value) ? value : throw new InputException($"{value} is not allowed: {rule}", key: name);
}
