using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backtest.Numerics.Simd;

/// <summary>
/// An element-wise map on doubles, written once over <see cref="IVectorWidth{TL, TD}"/> so that
/// the scalar and every SIMD tier run the same IEEE operations. Implemented inside this library
/// only (the member is internal); the vectorised distributions implement it, and
/// <see cref="Random.VariateMaps"/> gives them their sampling methods.
/// </summary>
public interface ILaneMap
{
    internal TD Apply<TW, TL, TD>(TD x)
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct;
}

/// <summary>
/// Runs an <see cref="ILaneMap"/> over a span at <see cref="SimdTiers.Widest"/>, finishing the
/// tail one lane at a time (<see cref="ScalarWidth"/>) with the same map. Because every tier
/// executes the same IEEE operations per lane, the output does not depend on the tier or on
/// where the tail starts.
/// </summary>
internal static class LaneDriver
{
    public static void Map<TMap>(in TMap map, ReadOnlySpan<double> source, Span<double> destination)
        where TMap : struct, ILaneMap
    {
        if (destination.Length != source.Length)
        {
            throw new ArgumentException($"destination has {destination.Length} elements, source {source.Length}", nameof(destination));
        }

        switch (SimdTiers.Widest)
        {
            case SimdTier.Vector512:
                Map<TMap, Width512, Vector512<long>, Vector512<double>>(map, source, destination);
                break;
            case SimdTier.Vector256:
                Map<TMap, Width256, Vector256<long>, Vector256<double>>(map, source, destination);
                break;
            case SimdTier.Vector128:
                Map<TMap, Width128, Vector128<long>, Vector128<double>>(map, source, destination);
                break;
            default:
                Map<TMap, ScalarWidth, long, double>(map, source, destination);
                break;
        }
    }

    /// <summary>One tier explicitly (tests reach every tier through this).</summary>
    internal static void Map<TMap, TW, TL, TD>(in TMap map, ReadOnlySpan<double> source, Span<double> destination)
        where TMap : struct, ILaneMap
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct
    {
        // The lanes are loaded and stored as their bits, which the widths move as longs.
        ref long src = ref Unsafe.As<double, long>(ref MemoryMarshal.GetReference(source));
        ref long dst = ref Unsafe.As<double, long>(ref MemoryMarshal.GetReference(destination));
        nuint length = (nuint)source.Length;
        nuint i = 0;
        if (TW.Count > 1)
        {
            for (; i + (nuint)TW.Count <= length; i += (nuint)TW.Count)
            {
                TW.Store(TW.AsInt64(map.Apply<TW, TL, TD>(TW.AsDouble(TW.Load(in src, i)))), ref dst, i);
            }
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref Unsafe.As<long, double>(ref dst), i) = Apply(map, Unsafe.Add(ref Unsafe.As<long, double>(ref src), i));
        }
    }

    /// <summary>Applies a map to one value with the scalar tier.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Apply<TMap>(in TMap map, double x)
        where TMap : struct, ILaneMap => map.Apply<ScalarWidth, long, double>(x);
}
