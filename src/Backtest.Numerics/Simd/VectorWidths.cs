using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backtest.Numerics.Simd;

/// <summary>
/// The lane operations every vectorised kernel of the library is written with, at one width:
/// the fixed-point lane methods and kernel loop (<see cref="LaneMath{TW, TL, TD}"/>,
/// <see cref="FixedKernels"/>), Philox and its uniforms (on the 32-bit word view), the
/// deterministic logarithm, exponential and normal quantile, and the distributions' maps (on
/// the double view). Each is written once and instantiated for <see cref="ScalarWidth"/> (one
/// lane) and 128, 256 and 512 bits. <typeparamref name="TL"/> is the width's vector of
/// <see cref="long"/> (also read as 32-bit words), <typeparamref name="TD"/> its vector of
/// <see cref="double"/>. Vector implementations forward to the runtime's cross-platform vector
/// methods, which run in hardware where the width is accelerated and in software (same results)
/// where it is not. Comparisons return all-ones lanes for true. Double arithmetic is the plain
/// IEEE operation (never fused), so every width gives the same bits per lane. Public so that
/// step kernels elsewhere (the WF6 waterfall step) are written once over the same widths.
/// </summary>
public interface IVectorWidth<TL, TD>
    where TL : struct
    where TD : struct
{
    static abstract int Count { get; }

    static abstract TL Zero { get; }

    static abstract TL Broadcast(long value);

    static abstract TD BroadcastDouble(double value);

    static abstract TL Load(ref readonly long source, nuint offset);

    static abstract void Store(TL value, ref long destination, nuint offset);

    static abstract long GetLane(TL value, int lane);

    /// <summary>Bit i set when lane i's sign bit is set.</summary>
    static abstract uint SignBits(TL value);

    static abstract TL Add(TL x, TL y);

    static abstract TL Subtract(TL x, TL y);

    /// <summary>The low 64 bits of each lane's product (wraps).</summary>
    static abstract TL MultiplyLow(TL x, TL y);

    static abstract TL And(TL x, TL y);

    static abstract TL Or(TL x, TL y);

    static abstract TL Xor(TL x, TL y);

    static abstract TL ShiftLeft(TL x, int count);

    static abstract TL ShiftRightLogical(TL x, int count);

    static abstract TL GreaterThan(TL x, TL y);

    static abstract TL EqualTo(TL x, TL y);

    static abstract TL Min(TL x, TL y);

    static abstract TL Max(TL x, TL y);

    /// <summary>Bitwise: bits of <paramref name="ifSet"/> where <paramref name="mask"/> is set, else of <paramref name="ifClear"/>.</summary>
    static abstract TL Select(TL mask, TL ifSet, TL ifClear);

    /// <summary>Each lane converted to the nearest double (ties to even).</summary>
    static abstract TD ToDouble(TL x);

    static abstract TD AsDouble(TL x);

    static abstract TL AsInt64(TD x);

    static abstract TD AddDouble(TD x, TD y);

    static abstract TD SubtractDouble(TD x, TD y);

    static abstract TD MultiplyDouble(TD x, TD y);

    static abstract TD AbsDouble(TD x);

    static abstract TD FloorDouble(TD x);

    static abstract TL GreaterThanDouble(TD x, TD y);

    static abstract TD DivideDouble(TD x, TD y);

    static abstract TD SqrtDouble(TD x);

    static abstract TL LessThanDouble(TD x, TD y);

    static abstract TL LessThanOrEqualDouble(TD x, TD y);

    static abstract TL EqualToDouble(TD x, TD y);

    /// <summary>Per lane, <paramref name="ifSet"/> where <paramref name="mask"/> is all ones, else <paramref name="ifClear"/> (masks from the comparisons).</summary>
    static abstract TD SelectDouble(TL mask, TD ifSet, TD ifClear);

    /// <summary>(x mod 2³²) · (y mod 2³²) per lane, exact (below 2⁶⁴).</summary>
    static abstract TL MultiplyLow32(TL x, TL y);

    /// <summary>
    /// 32-bit words per value, for integer kernels that keep one item per word (Philox): two
    /// per 64-bit lane in a vector, one (in the low half of the lane) at the scalar width.
    /// </summary>
    static abstract int WordCount { get; }

    /// <summary>Every word set to <paramref name="value"/>.</summary>
    static abstract TL BroadcastWord(uint value);

    /// <summary>Word i holds <paramref name="start"/> + i (wrapping).</summary>
    static abstract TL WordSequence(uint start);

    /// <summary>Stores the <see cref="WordCount"/> words of <paramref name="value"/>.</summary>
    static abstract void StoreWords(TL value, ref uint destination, nuint offset);

    /// <summary>Loads <see cref="Count"/> 32-bit words, each zero-extended into a 64-bit lane.</summary>
    static abstract TL LoadWidenedWords(ref readonly uint source, nuint offset);

    /// <summary>The 64-bit product of each word and <paramref name="multiplier"/>, split into its high and low words.</summary>
    static abstract void MultiplyWords(TL x, uint multiplier, out TL high, out TL low);
}

/// <summary>The <see cref="Vector128"/> width: 2 lanes of 64 bits.</summary>
public readonly struct Width128 : IVectorWidth<Vector128<long>, Vector128<double>>
{
    public static int Count => Vector128<long>.Count;

    public static Vector128<long> Zero => Vector128<long>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> Broadcast(long value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> BroadcastDouble(double value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> Load(ref readonly long source, nuint offset) => Vector128.LoadUnsafe(in source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<long> value, ref long destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long GetLane(Vector128<long> value, int lane) => value.GetElement(lane);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint SignBits(Vector128<long> value) => (uint)value.ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> Add(Vector128<long> x, Vector128<long> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> Subtract(Vector128<long> x, Vector128<long> y) => x - y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> MultiplyLow(Vector128<long> x, Vector128<long> y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> And(Vector128<long> x, Vector128<long> y) => x & y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> Or(Vector128<long> x, Vector128<long> y) => x | y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> Xor(Vector128<long> x, Vector128<long> y) => x ^ y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> ShiftLeft(Vector128<long> x, int count) => Vector128.ShiftLeft(x, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> ShiftRightLogical(Vector128<long> x, int count) => Vector128.ShiftRightLogical(x, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> GreaterThan(Vector128<long> x, Vector128<long> y) => Vector128.GreaterThan(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> EqualTo(Vector128<long> x, Vector128<long> y) => Vector128.Equals(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> Min(Vector128<long> x, Vector128<long> y) => Vector128.Min(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> Max(Vector128<long> x, Vector128<long> y) => Vector128.Max(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> Select(Vector128<long> mask, Vector128<long> ifSet, Vector128<long> ifClear) =>
        Vector128.ConditionalSelect(mask, ifSet, ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> ToDouble(Vector128<long> x) => Vector128.ConvertToDouble(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> AsDouble(Vector128<long> x) => x.AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> AsInt64(Vector128<double> x) => x.AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> AddDouble(Vector128<double> x, Vector128<double> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> SubtractDouble(Vector128<double> x, Vector128<double> y) => x - y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> MultiplyDouble(Vector128<double> x, Vector128<double> y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> AbsDouble(Vector128<double> x) => Vector128.Abs(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> FloorDouble(Vector128<double> x) => Vector128.Floor(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> GreaterThanDouble(Vector128<double> x, Vector128<double> y) => Vector128.GreaterThan(x, y).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> DivideDouble(Vector128<double> x, Vector128<double> y) => x / y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> SqrtDouble(Vector128<double> x) => Vector128.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> LessThanDouble(Vector128<double> x, Vector128<double> y) => Vector128.LessThan(x, y).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> LessThanOrEqualDouble(Vector128<double> x, Vector128<double> y) => Vector128.LessThanOrEqual(x, y).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> EqualToDouble(Vector128<double> x, Vector128<double> y) => Vector128.Equals(x, y).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<double> SelectDouble(Vector128<long> mask, Vector128<double> ifSet, Vector128<double> ifClear) => Vector128.ConditionalSelect(mask.AsDouble(), ifSet, ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> MultiplyLow32(Vector128<long> x, Vector128<long> y) =>
        Sse2.IsSupported
            ? Sse2.Multiply(x.AsUInt32(), y.AsUInt32()).AsInt64()
            : (Vector128.BitwiseAnd(x, Vector128.Create(0xFFFF_FFFFL)).AsUInt64() * Vector128.BitwiseAnd(y, Vector128.Create(0xFFFF_FFFFL)).AsUInt64()).AsInt64();

    public static int WordCount => Vector128<uint>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> BroadcastWord(uint value) => Vector128.Create(value).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> WordSequence(uint start) => (Vector128.Create(start) + Vector128<uint>.Indices).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreWords(Vector128<long> value, ref uint destination, nuint offset) => value.AsUInt32().StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<long> LoadWidenedWords(ref readonly uint source, nuint offset) =>
        Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<uint, byte>(ref Unsafe.Add(ref Unsafe.AsRef(in source), offset)))).AsUInt32()).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyWords(Vector128<long> x, uint multiplier, out Vector128<long> high, out Vector128<long> low) =>
        WordProducts<Width128, Vector128<long>, Vector128<double>>.Multiply(x, multiplier, out high, out low);
}

/// <summary>The <see cref="Vector256"/> width: 4 lanes of 64 bits.</summary>
public readonly struct Width256 : IVectorWidth<Vector256<long>, Vector256<double>>
{
    public static int Count => Vector256<long>.Count;

    public static Vector256<long> Zero => Vector256<long>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> Broadcast(long value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> BroadcastDouble(double value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> Load(ref readonly long source, nuint offset) => Vector256.LoadUnsafe(in source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<long> value, ref long destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long GetLane(Vector256<long> value, int lane) => value.GetElement(lane);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint SignBits(Vector256<long> value) => (uint)value.ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> Add(Vector256<long> x, Vector256<long> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> Subtract(Vector256<long> x, Vector256<long> y) => x - y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> MultiplyLow(Vector256<long> x, Vector256<long> y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> And(Vector256<long> x, Vector256<long> y) => x & y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> Or(Vector256<long> x, Vector256<long> y) => x | y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> Xor(Vector256<long> x, Vector256<long> y) => x ^ y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> ShiftLeft(Vector256<long> x, int count) => Vector256.ShiftLeft(x, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> ShiftRightLogical(Vector256<long> x, int count) => Vector256.ShiftRightLogical(x, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> GreaterThan(Vector256<long> x, Vector256<long> y) => Vector256.GreaterThan(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> EqualTo(Vector256<long> x, Vector256<long> y) => Vector256.Equals(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> Min(Vector256<long> x, Vector256<long> y) => Vector256.Min(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> Max(Vector256<long> x, Vector256<long> y) => Vector256.Max(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> Select(Vector256<long> mask, Vector256<long> ifSet, Vector256<long> ifClear) =>
        Vector256.ConditionalSelect(mask, ifSet, ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> ToDouble(Vector256<long> x) => Vector256.ConvertToDouble(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> AsDouble(Vector256<long> x) => x.AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> AsInt64(Vector256<double> x) => x.AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> AddDouble(Vector256<double> x, Vector256<double> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> SubtractDouble(Vector256<double> x, Vector256<double> y) => x - y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> MultiplyDouble(Vector256<double> x, Vector256<double> y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> AbsDouble(Vector256<double> x) => Vector256.Abs(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> FloorDouble(Vector256<double> x) => Vector256.Floor(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> GreaterThanDouble(Vector256<double> x, Vector256<double> y) => Vector256.GreaterThan(x, y).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> DivideDouble(Vector256<double> x, Vector256<double> y) => x / y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> SqrtDouble(Vector256<double> x) => Vector256.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> LessThanDouble(Vector256<double> x, Vector256<double> y) => Vector256.LessThan(x, y).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> LessThanOrEqualDouble(Vector256<double> x, Vector256<double> y) => Vector256.LessThanOrEqual(x, y).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> EqualToDouble(Vector256<double> x, Vector256<double> y) => Vector256.Equals(x, y).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> SelectDouble(Vector256<long> mask, Vector256<double> ifSet, Vector256<double> ifClear) => Vector256.ConditionalSelect(mask.AsDouble(), ifSet, ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> MultiplyLow32(Vector256<long> x, Vector256<long> y) =>
        Avx2.IsSupported
            ? Avx2.Multiply(x.AsUInt32(), y.AsUInt32()).AsInt64()
            : (Vector256.BitwiseAnd(x, Vector256.Create(0xFFFF_FFFFL)).AsUInt64() * Vector256.BitwiseAnd(y, Vector256.Create(0xFFFF_FFFFL)).AsUInt64()).AsInt64();

    public static int WordCount => Vector256<uint>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> BroadcastWord(uint value) => Vector256.Create(value).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> WordSequence(uint start) => (Vector256.Create(start) + Vector256<uint>.Indices).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreWords(Vector256<long> value, ref uint destination, nuint offset) => value.AsUInt32().StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<long> LoadWidenedWords(ref readonly uint source, nuint offset) =>
        Vector256.WidenLower(Vector128.LoadUnsafe(in source, offset).ToVector256Unsafe()).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyWords(Vector256<long> x, uint multiplier, out Vector256<long> high, out Vector256<long> low) =>
        WordProducts<Width256, Vector256<long>, Vector256<double>>.Multiply(x, multiplier, out high, out low);
}

/// <summary>The <see cref="Vector512"/> width: 8 lanes of 64 bits.</summary>
public readonly struct Width512 : IVectorWidth<Vector512<long>, Vector512<double>>
{
    public static int Count => Vector512<long>.Count;

    public static Vector512<long> Zero => Vector512<long>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> Broadcast(long value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> BroadcastDouble(double value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> Load(ref readonly long source, nuint offset) => Vector512.LoadUnsafe(in source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<long> value, ref long destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long GetLane(Vector512<long> value, int lane) => value.GetElement(lane);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint SignBits(Vector512<long> value) => (uint)value.ExtractMostSignificantBits();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> Add(Vector512<long> x, Vector512<long> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> Subtract(Vector512<long> x, Vector512<long> y) => x - y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> MultiplyLow(Vector512<long> x, Vector512<long> y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> And(Vector512<long> x, Vector512<long> y) => x & y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> Or(Vector512<long> x, Vector512<long> y) => x | y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> Xor(Vector512<long> x, Vector512<long> y) => x ^ y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> ShiftLeft(Vector512<long> x, int count) => Vector512.ShiftLeft(x, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> ShiftRightLogical(Vector512<long> x, int count) => Vector512.ShiftRightLogical(x, count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> GreaterThan(Vector512<long> x, Vector512<long> y) => Vector512.GreaterThan(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> EqualTo(Vector512<long> x, Vector512<long> y) => Vector512.Equals(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> Min(Vector512<long> x, Vector512<long> y) => Vector512.Min(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> Max(Vector512<long> x, Vector512<long> y) => Vector512.Max(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> Select(Vector512<long> mask, Vector512<long> ifSet, Vector512<long> ifClear) =>
        Vector512.ConditionalSelect(mask, ifSet, ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> ToDouble(Vector512<long> x) => Vector512.ConvertToDouble(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> AsDouble(Vector512<long> x) => x.AsDouble();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> AsInt64(Vector512<double> x) => x.AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> AddDouble(Vector512<double> x, Vector512<double> y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> SubtractDouble(Vector512<double> x, Vector512<double> y) => x - y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> MultiplyDouble(Vector512<double> x, Vector512<double> y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> AbsDouble(Vector512<double> x) => Vector512.Abs(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> FloorDouble(Vector512<double> x) => Vector512.Floor(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> GreaterThanDouble(Vector512<double> x, Vector512<double> y) => Vector512.GreaterThan(x, y).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> DivideDouble(Vector512<double> x, Vector512<double> y) => x / y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> SqrtDouble(Vector512<double> x) => Vector512.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> LessThanDouble(Vector512<double> x, Vector512<double> y) => Vector512.LessThan(x, y).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> LessThanOrEqualDouble(Vector512<double> x, Vector512<double> y) => Vector512.LessThanOrEqual(x, y).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> EqualToDouble(Vector512<double> x, Vector512<double> y) => Vector512.Equals(x, y).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<double> SelectDouble(Vector512<long> mask, Vector512<double> ifSet, Vector512<double> ifClear) => Vector512.ConditionalSelect(mask.AsDouble(), ifSet, ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> MultiplyLow32(Vector512<long> x, Vector512<long> y) =>
        Avx512F.IsSupported
            ? Avx512F.Multiply(x.AsUInt32(), y.AsUInt32()).AsInt64()
            : Vector512.Create(Width256.MultiplyLow32(x.GetLower(), y.GetLower()), Width256.MultiplyLow32(x.GetUpper(), y.GetUpper()));

    public static int WordCount => Vector512<uint>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> BroadcastWord(uint value) => Vector512.Create(value).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> WordSequence(uint start) => (Vector512.Create(start) + Vector512<uint>.Indices).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreWords(Vector512<long> value, ref uint destination, nuint offset) => value.AsUInt32().StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<long> LoadWidenedWords(ref readonly uint source, nuint offset) =>
        Vector512.WidenLower(Vector256.LoadUnsafe(in source, offset).ToVector512Unsafe()).AsInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyWords(Vector512<long> x, uint multiplier, out Vector512<long> high, out Vector512<long> low) =>
        WordProducts<Width512, Vector512<long>, Vector512<double>>.Multiply(x, multiplier, out high, out low);
}

/// <summary>
/// The 32 × 32 → 64-bit products of every word of a vector with one multiplier, from two
/// lane-wise multiplies of the low halves: the even words directly, the odd words after a
/// 32-bit shift of each 64-bit lane.
/// </summary>
internal static class WordProducts<TW, TL, TD>
    where TW : IVectorWidth<TL, TD>
    where TL : struct
    where TD : struct
{
    private const long LowWords = 0x0000_0000_FFFF_FFFFL;
    private const long HighWords = unchecked((long)0xFFFF_FFFF_0000_0000UL);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Multiply(TL x, uint multiplier, out TL high, out TL low)
    {
        TL m = TW.Broadcast(multiplier);
        TL even = TW.MultiplyLow32(x, m);
        TL odd = TW.MultiplyLow32(TW.ShiftRightLogical(x, 32), m);
        low = TW.Or(TW.And(even, TW.Broadcast(LowWords)), TW.ShiftLeft(odd, 32));
        high = TW.Or(TW.ShiftRightLogical(even, 32), TW.And(odd, TW.Broadcast(HighWords)));
    }
}
