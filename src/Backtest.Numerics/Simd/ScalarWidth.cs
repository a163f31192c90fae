using System.Runtime.CompilerServices;

namespace Backtest.Numerics.Simd;

/// <summary>
/// One lane: a <see cref="long"/> and a <see cref="double"/>. The scalar tier of the kernels
/// written over <see cref="IVectorWidth{TL, TD}"/>, the tail of their vector loops and their
/// per-item calls (one Philox block, one variate, one logarithm), so every tier runs one
/// definition. Holds one 32-bit word, zero-extended, in the low half of its lane.
/// </summary>
public readonly struct ScalarWidth : IVectorWidth<long, double>
{
    public static int Count => 1;

    public static long Zero => 0;

    public static int WordCount => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Broadcast(long value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double BroadcastDouble(double value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Load(ref readonly long source, nuint offset) => Unsafe.Add(ref Unsafe.AsRef(in source), offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(long value, ref long destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long GetLane(long value, int lane) =>
        lane == 0 ? value : throw new ArgumentOutOfRangeException(nameof(lane), lane, "the scalar width has one lane");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint SignBits(long value) => (uint)((ulong)value >> 63);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Add(long x, long y) => unchecked(x + y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Subtract(long x, long y) => unchecked(x - y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long MultiplyLow(long x, long y) => unchecked(x * y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long And(long x, long y) => x & y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Or(long x, long y) => x | y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Xor(long x, long y) => x ^ y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ShiftLeft(long x, int count) => x << count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ShiftRightLogical(long x, int count) => x >>> count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long GreaterThan(long x, long y) => Mask(x > y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long EqualTo(long x, long y) => Mask(x == y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Min(long x, long y) => Math.Min(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Max(long x, long y) => Math.Max(x, y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Select(long mask, long ifSet, long ifClear) => (mask & ifSet) | (~mask & ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToDouble(long x) => x;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double AsDouble(long x) => BitConverter.Int64BitsToDouble(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long AsInt64(double x) => BitConverter.DoubleToInt64Bits(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double AddDouble(double x, double y) => x + y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SubtractDouble(double x, double y) => x - y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double MultiplyDouble(double x, double y) => x * y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double DivideDouble(double x, double y) => x / y;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SqrtDouble(double x) => Math.Sqrt(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double AbsDouble(double x) => Math.Abs(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double FloorDouble(double x) => Math.Floor(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long GreaterThanDouble(double x, double y) => Mask(x > y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long LessThanDouble(double x, double y) => Mask(x < y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long LessThanOrEqualDouble(double x, double y) => Mask(x <= y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long EqualToDouble(double x, double y) => Mask(x == y);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SelectDouble(long mask, double ifSet, double ifClear) => mask != 0 ? ifSet : ifClear;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long MultiplyLow32(long x, long y) => unchecked((long)((ulong)(uint)x * (uint)y));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long BroadcastWord(uint value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long WordSequence(uint start) => start;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreWords(long value, ref uint destination, nuint offset) => Unsafe.Add(ref destination, offset) = (uint)value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long LoadWidenedWords(ref readonly uint source, nuint offset) => Unsafe.Add(ref Unsafe.AsRef(in source), offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyWords(long x, uint multiplier, out long high, out long low)
    {
        ulong product = (ulong)(uint)x * multiplier;
        high = (long)(product >> 32);
        low = (long)(uint)product;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Mask(bool condition) => condition ? -1L : 0L;
}
