using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backtest.Numerics.Simd;

/// <summary>
/// Exact element-wise fixed-point operations over spans of amounts (<see cref="long"/>
/// nano-units), vectorised. Each result element is exactly what the scalar operation of
/// <see cref="Fixed"/> gives for that element, at every <see cref="SimdTier"/>; the scalar tier
/// is that specification run element by element.
/// </summary>
/// <remarks>
/// <para>
/// <b>Tier.</b> <c>tier</c> null means <see cref="SimdTiers.Widest"/>; naming a tier runs it even
/// where it is not hardware-accelerated (in software, same results).
/// </para>
/// <para>
/// <b>Failures.</b> Elements are processed in index order; the first element whose operation
/// overflows or divides by zero throws <see cref="FixedPointOverflowException"/> or
/// <see cref="FixedPointDivideByZeroException"/> naming the operation, its operands and
/// <see cref="FixedPointException.ElementIndex"/>. Nothing wraps. After an exception the
/// destination's contents are unspecified.
/// </para>
/// <para>
/// <b>Spans.</b> Every input span and the destination must have the same length (else
/// <see cref="ArgumentException"/> naming them). The destination may be one of the inputs
/// (in place) but must not overlap an input any other way.
/// </para>
/// </remarks>
public static class FixedKernels
{
    /// <summary>destination[i] = x[i] + y[i] (<see cref="Fixed.Add"/>).</summary>
    public static void Add(ReadOnlySpan<long> x, ReadOnlySpan<long> y, Span<long> destination, SimdTier? tier = null)
    {
        Require(x, y, destination);
        var kernel = new BinaryKernel<AddOperator>(x, y);
        LaneKernelLoop.Run(ref kernel, destination, tier ?? SimdTiers.Widest);
    }

    /// <summary>destination[i] = x[i] − y[i] (<see cref="Fixed.Sub"/>).</summary>
    public static void Sub(ReadOnlySpan<long> x, ReadOnlySpan<long> y, Span<long> destination, SimdTier? tier = null)
    {
        Require(x, y, destination);
        var kernel = new BinaryKernel<SubOperator>(x, y);
        LaneKernelLoop.Run(ref kernel, destination, tier ?? SimdTiers.Widest);
    }

    /// <summary>destination[i] = min(x[i], y[i]).</summary>
    public static void Min(ReadOnlySpan<long> x, ReadOnlySpan<long> y, Span<long> destination, SimdTier? tier = null)
    {
        Require(x, y, destination);
        var kernel = new BinaryKernel<MinOperator>(x, y);
        LaneKernelLoop.Run(ref kernel, destination, tier ?? SimdTiers.Widest);
    }

    /// <summary>destination[i] = max(x[i], y[i]).</summary>
    public static void Max(ReadOnlySpan<long> x, ReadOnlySpan<long> y, Span<long> destination, SimdTier? tier = null)
    {
        Require(x, y, destination);
        var kernel = new BinaryKernel<MaxOperator>(x, y);
        LaneKernelLoop.Run(ref kernel, destination, tier ?? SimdTiers.Widest);
    }

    /// <summary>
    /// destination[i] = a[i] · b / c with an exact 128-bit intermediate, rounded as
    /// <paramref name="rounding"/> names (<see cref="Fixed.MulDiv(long, long, long, Rounding)"/>).
    /// c = 0 throws <see cref="FixedPointDivideByZeroException"/> at element 0 (nothing, for
    /// empty spans).
    /// </summary>
    public static void MulDiv(ReadOnlySpan<long> a, long b, long c, Rounding rounding, Span<long> destination, SimdTier? tier = null)
    {
        RequireKnown(rounding);
        Require(a, destination);
        var kernel = new MulDivByScalarKernel(a, b, new FixedDivisor(c), rounding);
        LaneKernelLoop.Run(ref kernel, destination, tier ?? SimdTiers.Widest);
    }

    /// <summary>
    /// destination[i] = a[i] · b[i] / c with an exact 128-bit intermediate, rounded as
    /// <paramref name="rounding"/> names (<see cref="Fixed.MulDiv(long, long, long, Rounding)"/>).
    /// c = 0 throws <see cref="FixedPointDivideByZeroException"/> at element 0 (nothing, for
    /// empty spans).
    /// </summary>
    public static void MulDiv(ReadOnlySpan<long> a, ReadOnlySpan<long> b, long c, Rounding rounding, Span<long> destination, SimdTier? tier = null)
    {
        RequireKnown(rounding);
        Require(a, b, destination);
        var kernel = new MulDivKernel(a, b, new FixedDivisor(c), rounding);
        LaneKernelLoop.Run(ref kernel, destination, tier ?? SimdTiers.Widest);
    }

    /// <summary>destination[i] = mask[i] ≠ 0 ? ifNonZero[i] : ifZero[i].</summary>
    public static void Select(ReadOnlySpan<long> mask, ReadOnlySpan<long> ifNonZero, ReadOnlySpan<long> ifZero, Span<long> destination, SimdTier? tier = null)
    {
        Require(mask, ifNonZero, destination);
        Require(ifZero, destination);
        var kernel = new SelectKernel(mask, ifNonZero, ifZero);
        LaneKernelLoop.Run(ref kernel, destination, tier ?? SimdTiers.Widest);
    }

    /// <summary>destination[i] = x[i] limited to [<paramref name="min"/>, <paramref name="max"/>]; min &gt; max is an <see cref="ArgumentException"/>.</summary>
    public static void Clamp(ReadOnlySpan<long> x, long min, long max, Span<long> destination, SimdTier? tier = null)
    {
        RequireOrdered(min, max);
        Require(x, destination);
        var kernel = new ClampKernel(x, min, max);
        LaneKernelLoop.Run(ref kernel, destination, tier ?? SimdTiers.Widest);
    }

    /// <summary>
    /// The exact sum of <paramref name="x"/> in 128 bits. It cannot overflow: a span holds at most
    /// 2³¹ − 1 elements of magnitude at most 2⁶³, so |sum| &lt; 2⁹⁴, far inside <see cref="Int128"/>.
    /// </summary>
    public static Int128 Sum(ReadOnlySpan<long> x, SimdTier? tier = null) =>
        LaneKernelLoop.Sum(x, tier ?? SimdTiers.Widest);

    internal static void RequireKnown(Rounding rounding)
    {
        if (rounding is not (Rounding.Floor or Rounding.Ceiling or Rounding.TowardZero))
        {
            throw new ArgumentOutOfRangeException(nameof(rounding), rounding, "unknown rounding mode");
        }
    }

    internal static void RequireOrdered(long min, long max)
    {
        if (min > max)
        {
            throw new ArgumentException($"clamp bounds are reversed: min {min} > max {max}", nameof(min));
        }
    }

    private static void Require(ReadOnlySpan<long> x, ReadOnlySpan<long> y, Span<long> destination,
        [CallerArgumentExpression(nameof(x))] string xName = "", [CallerArgumentExpression(nameof(y))] string yName = "")
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"span lengths differ: {xName} has {x.Length} elements, {yName} has {y.Length}", yName);
        }

        Require(x, destination, xName);
        Require(y, destination, yName);
    }

    private static void Require(ReadOnlySpan<long> input, Span<long> destination, [CallerArgumentExpression(nameof(input))] string inputName = "")
    {
        if (input.Length != destination.Length)
        {
            throw new ArgumentException($"span lengths differ: {inputName} has {input.Length} elements, destination has {destination.Length}", nameof(destination));
        }

        // A vector store may then overwrite input elements a later vector still has to read.
        if (input.Overlaps(destination, out int offset) && offset != 0)
        {
            throw new ArgumentException($"destination overlaps {inputName} at an offset of {offset} elements; use the same span (in place) or separate memory", nameof(destination));
        }
    }

    /// <summary>An element-wise operation on two amounts, in scalar form (the specification) and lane form.</summary>
    private interface IBinaryOperator
    {
        static abstract long Invoke(long x, long y);

        static abstract TL Invoke<TW, TL, TD>(TL x, TL y, ref TL fallback)
            where TW : IVectorWidth<TL, TD>
            where TL : struct
            where TD : struct;
    }

    private readonly ref struct BinaryKernel<TOp>(ReadOnlySpan<long> x, ReadOnlySpan<long> y) : ILaneKernel
        where TOp : IBinaryOperator
    {
        private readonly ReadOnlySpan<long> _x = x;
        private readonly ReadOnlySpan<long> _y = y;

        public long Scalar(int index) => TOp.Invoke(_x[index], _y[index]);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TL Vector<TW, TL, TD>(nuint index, ref TL fallback)
            where TW : IVectorWidth<TL, TD>
            where TL : struct
            where TD : struct =>
            TOp.Invoke<TW, TL, TD>(Load<TW, TL, TD>(_x, index), Load<TW, TL, TD>(_y, index), ref fallback);
    }

    private readonly struct AddOperator : IBinaryOperator
    {
        public static long Invoke(long x, long y) => Fixed.Add(x, y);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TL Invoke<TW, TL, TD>(TL x, TL y, ref TL fallback)
            where TW : IVectorWidth<TL, TD>
            where TL : struct
            where TD : struct => LaneMath<TW, TL, TD>.Add(x, y, ref fallback);
    }

    private readonly struct SubOperator : IBinaryOperator
    {
        public static long Invoke(long x, long y) => Fixed.Sub(x, y);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TL Invoke<TW, TL, TD>(TL x, TL y, ref TL fallback)
            where TW : IVectorWidth<TL, TD>
            where TL : struct
            where TD : struct => LaneMath<TW, TL, TD>.Subtract(x, y, ref fallback);
    }

    private readonly struct MinOperator : IBinaryOperator
    {
        public static long Invoke(long x, long y) => Math.Min(x, y);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TL Invoke<TW, TL, TD>(TL x, TL y, ref TL fallback)
            where TW : IVectorWidth<TL, TD>
            where TL : struct
            where TD : struct => TW.Min(x, y);
    }

    private readonly struct MaxOperator : IBinaryOperator
    {
        public static long Invoke(long x, long y) => Math.Max(x, y);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TL Invoke<TW, TL, TD>(TL x, TL y, ref TL fallback)
            where TW : IVectorWidth<TL, TD>
            where TL : struct
            where TD : struct => TW.Max(x, y);
    }

    private readonly ref struct MulDivByScalarKernel(ReadOnlySpan<long> a, long b, FixedDivisor c, Rounding rounding) : ILaneKernel
    {
        private readonly ReadOnlySpan<long> _a = a;
        private readonly long _b = b;
        private readonly FixedDivisor _c = c;
        private readonly Rounding _rounding = rounding;

        public long Scalar(int index) => Fixed.MulDiv(_a[index], _b, _c.Value, _rounding);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TL Vector<TW, TL, TD>(nuint index, ref TL fallback)
            where TW : IVectorWidth<TL, TD>
            where TL : struct
            where TD : struct =>
            LaneMath<TW, TL, TD>.MulDiv(Load<TW, TL, TD>(_a, index), TW.Broadcast(_b), in _c, _rounding, ref fallback);
    }

    private readonly ref struct MulDivKernel(ReadOnlySpan<long> a, ReadOnlySpan<long> b, FixedDivisor c, Rounding rounding) : ILaneKernel
    {
        private readonly ReadOnlySpan<long> _a = a;
        private readonly ReadOnlySpan<long> _b = b;
        private readonly FixedDivisor _c = c;
        private readonly Rounding _rounding = rounding;

        public long Scalar(int index) => Fixed.MulDiv(_a[index], _b[index], _c.Value, _rounding);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TL Vector<TW, TL, TD>(nuint index, ref TL fallback)
            where TW : IVectorWidth<TL, TD>
            where TL : struct
            where TD : struct =>
            LaneMath<TW, TL, TD>.MulDiv(Load<TW, TL, TD>(_a, index), Load<TW, TL, TD>(_b, index), in _c, _rounding, ref fallback);
    }

    private readonly ref struct SelectKernel(ReadOnlySpan<long> mask, ReadOnlySpan<long> ifNonZero, ReadOnlySpan<long> ifZero) : ILaneKernel
    {
        private readonly ReadOnlySpan<long> _mask = mask;
        private readonly ReadOnlySpan<long> _ifNonZero = ifNonZero;
        private readonly ReadOnlySpan<long> _ifZero = ifZero;

        public long Scalar(int index) => _mask[index] != 0 ? _ifNonZero[index] : _ifZero[index];

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TL Vector<TW, TL, TD>(nuint index, ref TL fallback)
            where TW : IVectorWidth<TL, TD>
            where TL : struct
            where TD : struct =>
            LaneMath<TW, TL, TD>.Select(Load<TW, TL, TD>(_mask, index), Load<TW, TL, TD>(_ifNonZero, index), Load<TW, TL, TD>(_ifZero, index));
    }

    private readonly ref struct ClampKernel(ReadOnlySpan<long> x, long min, long max) : ILaneKernel
    {
        private readonly ReadOnlySpan<long> _x = x;
        private readonly long _min = min;
        private readonly long _max = max;

        public long Scalar(int index) => Math.Clamp(_x[index], _min, _max);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TL Vector<TW, TL, TD>(nuint index, ref TL fallback)
            where TW : IVectorWidth<TL, TD>
            where TL : struct
            where TD : struct =>
            LaneMath<TW, TL, TD>.Clamp(Load<TW, TL, TD>(_x, index), _min, _max);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TL Load<TW, TL, TD>(ReadOnlySpan<long> source, nuint index)
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct =>
        TW.Load(in MemoryMarshal.GetReference(source), index);
}
