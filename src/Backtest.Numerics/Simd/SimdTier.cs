using System.Runtime.Intrinsics;

namespace Backtest.Numerics.Simd;

/// <summary>
/// A vector width the library's vectorised kernels run at (the fixed-point kernels, Philox and
/// its uniforms, <see cref="DeterministicMath"/>, the distributions, the WF6 step), each written
/// once over <see cref="IVectorWidth{TL, TD}"/>. Every tier gives bit-identical results,
/// including which inputs throw; <see cref="Scalar"/> is the specification the others are
/// tested against.
/// </summary>
public enum SimdTier
{
    /// <summary>One element at a time through <see cref="Fixed"/>'s operations.</summary>
    Scalar,

    /// <summary>2 lanes of 64 bits (SSE4.2 / AdvSimd when hardware-accelerated).</summary>
    Vector128,

    /// <summary>4 lanes of 64 bits (AVX2 when hardware-accelerated).</summary>
    Vector256,

    /// <summary>8 lanes of 64 bits (AVX-512 when hardware-accelerated).</summary>
    Vector512,
}

/// <summary>Which tiers exist and which one every vectorised kernel uses when none is named.</summary>
public static class SimdTiers
{
    /// <summary>Every tier, narrowest first.</summary>
    public static IReadOnlyList<SimdTier> All { get; } =
        [SimdTier.Scalar, SimdTier.Vector128, SimdTier.Vector256, SimdTier.Vector512];

    /// <summary>
    /// The widest tier this process runs in hardware; <see cref="SimdTier.Scalar"/> when no vector
    /// width is accelerated (e.g. under <c>DOTNET_EnableHWIntrinsic=0</c>). A vector tier that is
    /// not accelerated still runs when named explicitly, in software, with the same results.
    /// </summary>
    public static SimdTier Widest =>
        Vector512.IsHardwareAccelerated ? SimdTier.Vector512
        : Vector256.IsHardwareAccelerated ? SimdTier.Vector256
        : Vector128.IsHardwareAccelerated ? SimdTier.Vector128
        : SimdTier.Scalar;

    /// <summary>Whether <paramref name="tier"/> runs in hardware in this process (the scalar tier always does).</summary>
    public static bool IsHardwareAccelerated(SimdTier tier) => tier switch
    {
        SimdTier.Scalar => true,
        SimdTier.Vector128 => Vector128.IsHardwareAccelerated,
        SimdTier.Vector256 => Vector256.IsHardwareAccelerated,
        SimdTier.Vector512 => Vector512.IsHardwareAccelerated,
        _ => throw UnknownTier(tier),
    };

    /// <summary>64-bit lanes per vector at <paramref name="tier"/> (1 for the scalar tier).</summary>
    public static int LaneCount(SimdTier tier) => tier switch
    {
        SimdTier.Scalar => 1,
        SimdTier.Vector128 => Vector128<long>.Count,
        SimdTier.Vector256 => Vector256<long>.Count,
        SimdTier.Vector512 => Vector512<long>.Count,
        _ => throw UnknownTier(tier),
    };

    internal static ArgumentOutOfRangeException UnknownTier(SimdTier tier) =>
        new(nameof(tier), tier, "unknown SIMD tier");
}
