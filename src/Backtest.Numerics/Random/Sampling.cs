using System.Runtime.CompilerServices;
using Backtest.Numerics.Simd;

namespace Backtest.Numerics.Random;

/// <summary>The shared steps of the distributions: uniform grids, span filling, block cursors.</summary>
internal static class Sampling
{
    /// <summary>
    /// The standard normal variate of a 53-bit uniform u = k·2⁻⁵³: Φ⁻¹ at the midpoint grid
    /// point (k + ½)·2⁻⁵³, which lies strictly inside (0, 1). Both q = (u − ½) + 2⁻⁵⁴ and the tail
    /// probability ½ − |q| are exact, so the variate is exactly antisymmetric (k and 2⁵³ − 1 − k give
    /// opposite values) and lies within ±8.3.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TD StandardNormal<TW, TL, TD>(TD u)
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct
    {
        TD q = TW.AddDouble(TW.SubtractDouble(u, TW.BroadcastDouble(0.5)), TW.BroadcastDouble(1.0 / 18014398509481984.0));
        return DeterministicMath<TW, TL, TD>.NormalQuantile(q, TW.SubtractDouble(TW.BroadcastDouble(0.5), TW.AbsDouble(q)));
    }

    /// <summary>The scalar <see cref="StandardNormal{TW, TL, TD}(TD)"/>.</summary>
    public static double StandardNormal(double u) => StandardNormal<ScalarWidth, long, double>(u);

    /// <summary>1 − u, in (0, 1] and exact for a 53-bit uniform u: the argument of every logarithm of a uniform.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TD Complement<TW, TL, TD>(TD u)
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct => TW.SubtractDouble(TW.BroadcastDouble(1.0), u);

    /// <summary>Uniforms for paths firstPath… at (step, draw), then the map applied in place.</summary>
    public static void Fill<TMap>(in TMap map, RandomStream stream, long firstPath, int step, int draw, Span<double> first, Span<double> second)
        where TMap : struct, ILaneMap
    {
        stream.FillUniform(firstPath, step, draw, first, second);
        LaneDriver.Map(map, first, first);
        if (!second.IsEmpty)
        {
            LaneDriver.Map(map, second, second);
        }
    }

    /// <summary>Argument checks shared by the constructors.</summary>
    public static double Finite(double value, string name) =>
        double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite");

    public static double Positive(double value, string name) =>
        double.IsFinite(value) && value > 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be positive and finite");

    public static double NonNegative(double value, string name) =>
        double.IsFinite(value) && value >= 0 ? value : throw new ArgumentOutOfRangeException(name, value, $"{name} must be non-negative and finite");
}

/// <summary>
/// The blocks one variate of a rejection sampler may read: continuations 0, 1, 2, … of its
/// (path, step, draw), each used once, in order. More than 2¹⁶ blocks for one variate (which
/// valid parameters make astronomically unlikely) is an error rather than a silent reuse.
/// </summary>
internal struct BlockCursor(RandomStream stream, long path, int step, int draw)
{
    private int next;

    public PhiloxBlock Next()
    {
        if (next > RandomStream.MaxContinuation)
        {
            throw new InvalidOperationException(
                $"the rejection sampler for path {path}, step {step}, draw {draw} used all {RandomStream.MaxContinuation + 1} continuation blocks");
        }

        return stream.Block(path, step, draw, next++);
    }
}
