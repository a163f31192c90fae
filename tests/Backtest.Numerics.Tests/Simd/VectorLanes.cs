using System.Runtime.Intrinsics;
using Backtest.Numerics.Simd;

namespace Backtest.Numerics.Tests.Simd;

/// <summary>Calls the public vector-level operations of one width on lanes held in arrays.</summary>
internal static class VectorLanes
{
    public static IEnumerable<SimdTier> Widths => [SimdTier.Vector128, SimdTier.Vector256, SimdTier.Vector512];

    public static long[] MulDiv(SimdTier width, long[] a, long[] b, FixedDivisor c, Rounding rounding, ref long[] fallback) =>
        Flagging(
            width, a, b, ref fallback,
            (Vector128<long> x, Vector128<long> y, ref Vector128<long> f) => FixedVector128.MulDiv(x, y, in c, rounding, ref f),
            (Vector256<long> x, Vector256<long> y, ref Vector256<long> f) => FixedVector256.MulDiv(x, y, in c, rounding, ref f),
            (Vector512<long> x, Vector512<long> y, ref Vector512<long> f) => FixedVector512.MulDiv(x, y, in c, rounding, ref f));

    public static long[] Add(SimdTier width, long[] x, long[] y, ref long[] fallback) =>
        Flagging(width, x, y, ref fallback, FixedVector128.Add, FixedVector256.Add, FixedVector512.Add);

    public static long[] Sub(SimdTier width, long[] x, long[] y, ref long[] fallback) =>
        Flagging(width, x, y, ref fallback, FixedVector128.Sub, FixedVector256.Sub, FixedVector512.Sub);

    public static long[] Min(SimdTier width, long[] x, long[] y) => width switch
    {
        SimdTier.Vector128 => ToArray(FixedVector128.Min(Vector128.Create(x), Vector128.Create(y))),
        SimdTier.Vector256 => ToArray(FixedVector256.Min(Vector256.Create(x), Vector256.Create(y))),
        _ => ToArray(FixedVector512.Min(Vector512.Create(x), Vector512.Create(y))),
    };

    public static long[] Max(SimdTier width, long[] x, long[] y) => width switch
    {
        SimdTier.Vector128 => ToArray(FixedVector128.Max(Vector128.Create(x), Vector128.Create(y))),
        SimdTier.Vector256 => ToArray(FixedVector256.Max(Vector256.Create(x), Vector256.Create(y))),
        _ => ToArray(FixedVector512.Max(Vector512.Create(x), Vector512.Create(y))),
    };

    public static long[] Clamp(SimdTier width, long[] x, long min, long max) => width switch
    {
        SimdTier.Vector128 => ToArray(FixedVector128.Clamp(Vector128.Create(x), min, max)),
        SimdTier.Vector256 => ToArray(FixedVector256.Clamp(Vector256.Create(x), min, max)),
        _ => ToArray(FixedVector512.Clamp(Vector512.Create(x), min, max)),
    };

    public static long[] Select(SimdTier width, long[] mask, long[] x, long[] y) => width switch
    {
        SimdTier.Vector128 => ToArray(FixedVector128.Select(Vector128.Create(mask), Vector128.Create(x), Vector128.Create(y))),
        SimdTier.Vector256 => ToArray(FixedVector256.Select(Vector256.Create(mask), Vector256.Create(x), Vector256.Create(y))),
        _ => ToArray(FixedVector512.Select(Vector512.Create(mask), Vector512.Create(x), Vector512.Create(y))),
    };

    private delegate Vector128<long> Op128(Vector128<long> x, Vector128<long> y, ref Vector128<long> fallback);

    private delegate Vector256<long> Op256(Vector256<long> x, Vector256<long> y, ref Vector256<long> fallback);

    private delegate Vector512<long> Op512(Vector512<long> x, Vector512<long> y, ref Vector512<long> fallback);

    private static long[] Flagging(SimdTier width, long[] x, long[] y, ref long[] fallback, Op128 op128, Op256 op256, Op512 op512)
    {
        switch (width)
        {
            case SimdTier.Vector128:
            {
                var f = Vector128.Create(fallback);
                long[] r = ToArray(op128(Vector128.Create(x), Vector128.Create(y), ref f));
                fallback = ToArray(f);
                return r;
            }

            case SimdTier.Vector256:
            {
                var f = Vector256.Create(fallback);
                long[] r = ToArray(op256(Vector256.Create(x), Vector256.Create(y), ref f));
                fallback = ToArray(f);
                return r;
            }

            default:
            {
                var f = Vector512.Create(fallback);
                long[] r = ToArray(op512(Vector512.Create(x), Vector512.Create(y), ref f));
                fallback = ToArray(f);
                return r;
            }
        }
    }

    private static long[] ToArray(Vector128<long> v)
    {
        long[] lanes = new long[Vector128<long>.Count];
        v.CopyTo(lanes);
        return lanes;
    }

    private static long[] ToArray(Vector256<long> v)
    {
        long[] lanes = new long[Vector256<long>.Count];
        v.CopyTo(lanes);
        return lanes;
    }

    private static long[] ToArray(Vector512<long> v)
    {
        long[] lanes = new long[Vector512<long>.Count];
        v.CopyTo(lanes);
        return lanes;
    }
}
