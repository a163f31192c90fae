using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backtest.Numerics.Lanes;

/// <summary>
/// An element-wise map on doubles, written once for every lane width so that the scalar and
/// every SIMD tier run the same IEEE operations. Implemented inside this library only (the
/// member is internal); the vectorised distributions implement it, and
/// <see cref="Random.VariateMaps"/> gives them their sampling methods.
/// </summary>
public interface ILaneMap
{
    internal TV Apply<TV>(TV x)
        where TV : struct, IDoubleLanes<TV>;
}

/// <summary>
/// Runs an <see cref="ILaneMap"/> over a span on the widest accelerated tier, finishing the
/// tail one lane at a time with the same map. Because every tier executes the same IEEE
/// operations per lane, the output does not depend on the tier or on where the tail starts.
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

        if (Vector512.IsHardwareAccelerated)
        {
            Map<TMap, Lane512>(map, source, destination);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Map<TMap, Lane256>(map, source, destination);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            Map<TMap, Lane128>(map, source, destination);
        }
        else
        {
            Map<TMap, ScalarLane>(map, source, destination);
        }
    }

    /// <summary>One tier explicitly (tests reach every tier through this).</summary>
    internal static void Map<TMap, TV>(in TMap map, ReadOnlySpan<double> source, Span<double> destination)
        where TMap : struct, ILaneMap
        where TV : struct, IDoubleLanes<TV>
    {
        ref double src = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(source);
        ref double dst = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(destination);
        nuint length = (nuint)source.Length;
        nuint i = 0;
        if (TV.Count > 1)
        {
            for (; i + (nuint)TV.Count <= length; i += (nuint)TV.Count)
            {
                TV.Store(map.Apply(TV.Load(ref src, i)), ref dst, i);
            }
        }

        for (; i < length; i++)
        {
            ScalarLane.Store(map.Apply(ScalarLane.Load(ref src, i)), ref dst, i);
        }
    }

    /// <summary>Applies a map to one value with the scalar tier.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Apply<TMap>(in TMap map, double x)
        where TMap : struct, ILaneMap => map.Apply(ScalarLane.Create(x)).Value;
}
