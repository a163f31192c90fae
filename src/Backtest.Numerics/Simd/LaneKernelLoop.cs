using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backtest.Numerics.Simd;

/// <summary>
/// One element-wise array kernel: its input spans and its operation, in scalar form (the
/// specification, for one element) and in vector form (one vector of elements, flagging lanes
/// that need the scalar form). Implementations are small structs; <see cref="LaneKernelLoop"/>
/// drives all of them, so blocks, tails and fallbacks are handled in one place.
/// </summary>
internal interface ILaneKernel
{
    /// <summary>The result for element <paramref name="index"/>, or the operation's <see cref="FixedPointException"/>.</summary>
    long Scalar(int index);

    /// <summary>Results for elements [index, index + lane count), OR-ing all-ones into <paramref name="fallback"/> for lanes the vector form cannot give exactly.</summary>
    TL Vector<TW, TL, TD>(nuint index, ref TL fallback)
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct;
}

/// <summary>
/// Runs an <see cref="ILaneKernel"/> over a destination at one tier: whole vectors in order,
/// flagged lanes of a vector through the scalar form before the vector is stored (so inputs
/// are still intact when the destination is one of them), then the tail through the scalar
/// form. The first failing element, in index order, throws with its index — the same element
/// and exception at every tier. Destination contents after an exception are unspecified.
/// </summary>
internal static class LaneKernelLoop
{
    public static void Run<TK>(scoped ref TK kernel, Span<long> destination, SimdTier tier)
        where TK : ILaneKernel, allows ref struct
    {
        switch (tier)
        {
            case SimdTier.Scalar:
                RunScalar(ref kernel, destination, 0);
                break;
            case SimdTier.Vector128:
                RunVector<TK, Width128, Vector128<long>, Vector128<double>>(ref kernel, destination);
                break;
            case SimdTier.Vector256:
                RunVector<TK, Width256, Vector256<long>, Vector256<double>>(ref kernel, destination);
                break;
            case SimdTier.Vector512:
                RunVector<TK, Width512, Vector512<long>, Vector512<double>>(ref kernel, destination);
                break;
            default:
                throw SimdTiers.UnknownTier(tier);
        }
    }

    public static Int128 Sum(ReadOnlySpan<long> x, SimdTier tier) => tier switch
    {
        SimdTier.Scalar => SumScalar(x, 0, 0),
        SimdTier.Vector128 => SumVector<Width128, Vector128<long>, Vector128<double>>(x),
        SimdTier.Vector256 => SumVector<Width256, Vector256<long>, Vector256<double>>(x),
        SimdTier.Vector512 => SumVector<Width512, Vector512<long>, Vector512<double>>(x),
        _ => throw SimdTiers.UnknownTier(tier),
    };

    private static void RunScalar<TK>(scoped ref TK kernel, Span<long> destination, int start)
        where TK : ILaneKernel, allows ref struct
    {
        int i = start;
        try
        {
            for (; i < destination.Length; i++)
            {
                destination[i] = kernel.Scalar(i);
            }
        }
        catch (FixedPointException e)
        {
            throw e.AtElement(i);
        }
    }

    private static void RunVector<TK, TW, TL, TD>(scoped ref TK kernel, Span<long> destination)
        where TK : ILaneKernel, allows ref struct
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct
    {
        ref long target = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        for (; i <= destination.Length - TW.Count; i += TW.Count)
        {
            TL fallback = TW.Zero;
            TL result = kernel.Vector<TW, TL, TD>((nuint)i, ref fallback);
            if (TW.SignBits(fallback) != 0)
            {
                result = ResolveFlaggedLanes<TK, TW, TL, TD>(ref kernel, result, fallback, i);
            }

            TW.Store(result, ref target, (nuint)i);
        }

        RunScalar(ref kernel, destination, i);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static TL ResolveFlaggedLanes<TK, TW, TL, TD>(scoped ref TK kernel, TL result, TL fallback, int start)
        where TK : ILaneKernel, allows ref struct
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct
    {
        Span<long> lanes = stackalloc long[TW.Count];
        TW.Store(result, ref MemoryMarshal.GetReference(lanes), 0);
        uint flagged = TW.SignBits(fallback);
        for (int lane = 0; lane < TW.Count; lane++)
        {
            if ((flagged & (1u << lane)) != 0)
            {
                try
                {
                    lanes[lane] = kernel.Scalar(start + lane);
                }
                catch (FixedPointException e)
                {
                    throw e.AtElement(start + lane);
                }
            }
        }

        return TW.Load(ref MemoryMarshal.GetReference(lanes), 0);
    }

    private static Int128 SumScalar(ReadOnlySpan<long> x, int start, Int128 total)
    {
        for (int i = start; i < x.Length; i++)
        {
            total += x[i];
        }

        return total;
    }

    private static Int128 SumVector<TW, TL, TD>(ReadOnlySpan<long> x)
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct
    {
        ref long source = ref MemoryMarshal.GetReference(x);
        var sum = new WideSum<TW, TL, TD>();
        int i = 0;
        for (; i <= x.Length - TW.Count; i += TW.Count)
        {
            sum.Add(TW.Load(ref source, (nuint)i));
        }

        return SumScalar(x, i, sum.Total);
    }
}
