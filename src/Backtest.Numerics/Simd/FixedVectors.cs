using System.Runtime.Intrinsics;

namespace Backtest.Numerics.Simd;

/// <summary>
/// Exact fixed-point operations on <see cref="Vector128{T}"/> lanes of amounts, for loops that fuse
/// several operations per lane in registers. Each lane's result is exactly what the named
/// <see cref="Fixed"/> operation gives, except in lanes the operation flags.
/// </summary>
/// <remarks>
/// <b>Fallback.</b> <see cref="Add"/>, <see cref="Sub"/> and <see cref="MulDiv"/> OR all-ones into
/// <c>fallback</c> for each lane they cannot give exactly (an overflow, a division by zero, or,
/// for MulDiv, magnitudes outside the range its vector method is proven for); the result in
/// such a lane is unspecified, and so is everything computed from it. A fused step keeps one
/// fallback vector, starting at zero, for all its operations; when any lane is set
/// (<c>fallback != Vector128&lt;long&gt;.Zero</c>) it recomputes those lanes, from their original inputs,
/// with the scalar form of the whole step (<see cref="Fixed.Add"/>, <see cref="Fixed.Sub"/>,
/// <see cref="Fixed.MulDiv(long, long, long, Rounding)"/>, …), which gives the exact result or
/// throws. <see cref="FixedKernels"/> runs its loops this way.
/// </remarks>
public static class FixedVector128
{
    /// <summary>Whether these operations run in hardware in this process (they run in software, with the same results, if not).</summary>
    public static bool IsHardwareAccelerated => Vector128.IsHardwareAccelerated;

    /// <summary>x + y per lane; overflowing lanes are flagged in <paramref name="fallback"/>.</summary>
    public static Vector128<long> Add(Vector128<long> x, Vector128<long> y, ref Vector128<long> fallback) =>
        LaneMath<Width128, Vector128<long>, Vector128<double>>.Add(x, y, ref fallback);

    /// <summary>x − y per lane; overflowing lanes are flagged in <paramref name="fallback"/>.</summary>
    public static Vector128<long> Sub(Vector128<long> x, Vector128<long> y, ref Vector128<long> fallback) =>
        LaneMath<Width128, Vector128<long>, Vector128<double>>.Subtract(x, y, ref fallback);

    /// <summary>min(x, y) per lane.</summary>
    public static Vector128<long> Min(Vector128<long> x, Vector128<long> y) => Width128.Min(x, y);

    /// <summary>max(x, y) per lane.</summary>
    public static Vector128<long> Max(Vector128<long> x, Vector128<long> y) => Width128.Max(x, y);

    /// <summary>x limited to [<paramref name="min"/>, <paramref name="max"/>] per lane; min &gt; max is an <see cref="ArgumentException"/>.</summary>
    public static Vector128<long> Clamp(Vector128<long> x, long min, long max)
    {
        FixedKernels.RequireOrdered(min, max);
        return LaneMath<Width128, Vector128<long>, Vector128<double>>.Clamp(x, min, max);
    }

    /// <summary>Per lane, <paramref name="ifNonZero"/> where <paramref name="mask"/> is not zero (any nonzero value, such as a comparison's all-ones), else <paramref name="ifZero"/>.</summary>
    public static Vector128<long> Select(Vector128<long> mask, Vector128<long> ifNonZero, Vector128<long> ifZero) =>
        LaneMath<Width128, Vector128<long>, Vector128<double>>.Select(mask, ifNonZero, ifZero);

    /// <summary>
    /// a · b / c per lane with an exact 128-bit intermediate, rounded as <paramref name="rounding"/>
    /// names (an unknown mode is an <see cref="ArgumentOutOfRangeException"/>). Lanes are flagged
    /// in <paramref name="fallback"/> when c = 0, when the quotient overflows, and whenever
    /// |c| &gt; 2⁶¹, |a · b| exceeds about 2¹¹¹ or |quotient| exceeds about 2⁶² (the range the
    /// vector method is proven exact for); every other lane is exact.
    /// </summary>
    public static Vector128<long> MulDiv(Vector128<long> a, Vector128<long> b, in FixedDivisor c, Rounding rounding, ref Vector128<long> fallback) =>
        LaneMath<Width128, Vector128<long>, Vector128<double>>.MulDiv(a, b, in c, rounding, ref fallback);
}

/// <summary>
/// Exact fixed-point operations on <see cref="Vector256{T}"/> lanes of amounts, for loops that fuse
/// several operations per lane in registers. Each lane's result is exactly what the named
/// <see cref="Fixed"/> operation gives, except in lanes the operation flags.
/// </summary>
/// <remarks>
/// <b>Fallback.</b> <see cref="Add"/>, <see cref="Sub"/> and <see cref="MulDiv"/> OR all-ones into
/// <c>fallback</c> for each lane they cannot give exactly (an overflow, a division by zero, or,
/// for MulDiv, magnitudes outside the range its vector method is proven for); the result in
/// such a lane is unspecified, and so is everything computed from it. A fused step keeps one
/// fallback vector, starting at zero, for all its operations; when any lane is set
/// (<c>fallback != Vector256&lt;long&gt;.Zero</c>) it recomputes those lanes, from their original inputs,
/// with the scalar form of the whole step (<see cref="Fixed.Add"/>, <see cref="Fixed.Sub"/>,
/// <see cref="Fixed.MulDiv(long, long, long, Rounding)"/>, …), which gives the exact result or
/// throws. <see cref="FixedKernels"/> runs its loops this way.
/// </remarks>
public static class FixedVector256
{
    /// <summary>Whether these operations run in hardware in this process (they run in software, with the same results, if not).</summary>
    public static bool IsHardwareAccelerated => Vector256.IsHardwareAccelerated;

    /// <summary>x + y per lane; overflowing lanes are flagged in <paramref name="fallback"/>.</summary>
    public static Vector256<long> Add(Vector256<long> x, Vector256<long> y, ref Vector256<long> fallback) =>
        LaneMath<Width256, Vector256<long>, Vector256<double>>.Add(x, y, ref fallback);

    /// <summary>x − y per lane; overflowing lanes are flagged in <paramref name="fallback"/>.</summary>
    public static Vector256<long> Sub(Vector256<long> x, Vector256<long> y, ref Vector256<long> fallback) =>
        LaneMath<Width256, Vector256<long>, Vector256<double>>.Subtract(x, y, ref fallback);

    /// <summary>min(x, y) per lane.</summary>
    public static Vector256<long> Min(Vector256<long> x, Vector256<long> y) => Width256.Min(x, y);

    /// <summary>max(x, y) per lane.</summary>
    public static Vector256<long> Max(Vector256<long> x, Vector256<long> y) => Width256.Max(x, y);

    /// <summary>x limited to [<paramref name="min"/>, <paramref name="max"/>] per lane; min &gt; max is an <see cref="ArgumentException"/>.</summary>
    public static Vector256<long> Clamp(Vector256<long> x, long min, long max)
    {
        FixedKernels.RequireOrdered(min, max);
        return LaneMath<Width256, Vector256<long>, Vector256<double>>.Clamp(x, min, max);
    }

    /// <summary>Per lane, <paramref name="ifNonZero"/> where <paramref name="mask"/> is not zero (any nonzero value, such as a comparison's all-ones), else <paramref name="ifZero"/>.</summary>
    public static Vector256<long> Select(Vector256<long> mask, Vector256<long> ifNonZero, Vector256<long> ifZero) =>
        LaneMath<Width256, Vector256<long>, Vector256<double>>.Select(mask, ifNonZero, ifZero);

    /// <summary>
    /// a · b / c per lane with an exact 128-bit intermediate, rounded as <paramref name="rounding"/>
    /// names (an unknown mode is an <see cref="ArgumentOutOfRangeException"/>). Lanes are flagged
    /// in <paramref name="fallback"/> when c = 0, when the quotient overflows, and whenever
    /// |c| &gt; 2⁶¹, |a · b| exceeds about 2¹¹¹ or |quotient| exceeds about 2⁶² (the range the
    /// vector method is proven exact for); every other lane is exact.
    /// </summary>
    public static Vector256<long> MulDiv(Vector256<long> a, Vector256<long> b, in FixedDivisor c, Rounding rounding, ref Vector256<long> fallback) =>
        LaneMath<Width256, Vector256<long>, Vector256<double>>.MulDiv(a, b, in c, rounding, ref fallback);
}

/// <summary>
/// Exact fixed-point operations on <see cref="Vector512{T}"/> lanes of amounts, for loops that fuse
/// several operations per lane in registers. Each lane's result is exactly what the named
/// <see cref="Fixed"/> operation gives, except in lanes the operation flags.
/// </summary>
/// <remarks>
/// <b>Fallback.</b> <see cref="Add"/>, <see cref="Sub"/> and <see cref="MulDiv"/> OR all-ones into
/// <c>fallback</c> for each lane they cannot give exactly (an overflow, a division by zero, or,
/// for MulDiv, magnitudes outside the range its vector method is proven for); the result in
/// such a lane is unspecified, and so is everything computed from it. A fused step keeps one
/// fallback vector, starting at zero, for all its operations; when any lane is set
/// (<c>fallback != Vector512&lt;long&gt;.Zero</c>) it recomputes those lanes, from their original inputs,
/// with the scalar form of the whole step (<see cref="Fixed.Add"/>, <see cref="Fixed.Sub"/>,
/// <see cref="Fixed.MulDiv(long, long, long, Rounding)"/>, …), which gives the exact result or
/// throws. <see cref="FixedKernels"/> runs its loops this way.
/// </remarks>
public static class FixedVector512
{
    /// <summary>Whether these operations run in hardware in this process (they run in software, with the same results, if not).</summary>
    public static bool IsHardwareAccelerated => Vector512.IsHardwareAccelerated;

    /// <summary>x + y per lane; overflowing lanes are flagged in <paramref name="fallback"/>.</summary>
    public static Vector512<long> Add(Vector512<long> x, Vector512<long> y, ref Vector512<long> fallback) =>
        LaneMath<Width512, Vector512<long>, Vector512<double>>.Add(x, y, ref fallback);

    /// <summary>x − y per lane; overflowing lanes are flagged in <paramref name="fallback"/>.</summary>
    public static Vector512<long> Sub(Vector512<long> x, Vector512<long> y, ref Vector512<long> fallback) =>
        LaneMath<Width512, Vector512<long>, Vector512<double>>.Subtract(x, y, ref fallback);

    /// <summary>min(x, y) per lane.</summary>
    public static Vector512<long> Min(Vector512<long> x, Vector512<long> y) => Width512.Min(x, y);

    /// <summary>max(x, y) per lane.</summary>
    public static Vector512<long> Max(Vector512<long> x, Vector512<long> y) => Width512.Max(x, y);

    /// <summary>x limited to [<paramref name="min"/>, <paramref name="max"/>] per lane; min &gt; max is an <see cref="ArgumentException"/>.</summary>
    public static Vector512<long> Clamp(Vector512<long> x, long min, long max)
    {
        FixedKernels.RequireOrdered(min, max);
        return LaneMath<Width512, Vector512<long>, Vector512<double>>.Clamp(x, min, max);
    }

    /// <summary>Per lane, <paramref name="ifNonZero"/> where <paramref name="mask"/> is not zero (any nonzero value, such as a comparison's all-ones), else <paramref name="ifZero"/>.</summary>
    public static Vector512<long> Select(Vector512<long> mask, Vector512<long> ifNonZero, Vector512<long> ifZero) =>
        LaneMath<Width512, Vector512<long>, Vector512<double>>.Select(mask, ifNonZero, ifZero);

    /// <summary>
    /// a · b / c per lane with an exact 128-bit intermediate, rounded as <paramref name="rounding"/>
    /// names (an unknown mode is an <see cref="ArgumentOutOfRangeException"/>). Lanes are flagged
    /// in <paramref name="fallback"/> when c = 0, when the quotient overflows, and whenever
    /// |c| &gt; 2⁶¹, |a · b| exceeds about 2¹¹¹ or |quotient| exceeds about 2⁶² (the range the
    /// vector method is proven exact for); every other lane is exact.
    /// </summary>
    public static Vector512<long> MulDiv(Vector512<long> a, Vector512<long> b, in FixedDivisor c, Rounding rounding, ref Vector512<long> fallback) =>
        LaneMath<Width512, Vector512<long>, Vector512<double>>.MulDiv(a, b, in c, rounding, ref fallback);
}
