using System.Runtime.CompilerServices;

namespace Backtest.Numerics.Lanes;

/// <summary>One 64-bit lane: the scalar tier, and the tail of every vector loop.</summary>
internal readonly struct ScalarLane : IDoubleLanes<ScalarLane>
{
    private readonly double value;

    private ScalarLane(double value) => this.value = value;

    public static int Count => 1;

    public double Value => value;

    private ulong Bits => BitConverter.DoubleToUInt64Bits(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane Create(double value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane CreateBits(ulong bits) => new(BitConverter.UInt64BitsToDouble(bits));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane Load(ref double source, nuint index) => new(Unsafe.Add(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ScalarLane value, ref double destination, nuint index) => Unsafe.Add(ref destination, index) = value.value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane LoadWidened(ref uint source, nuint index) => CreateBits(Unsafe.Add(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane operator +(ScalarLane a, ScalarLane b) => new(a.value + b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane operator -(ScalarLane a, ScalarLane b) => new(a.value - b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane operator *(ScalarLane a, ScalarLane b) => new(a.value * b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane operator /(ScalarLane a, ScalarLane b) => new(a.value / b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane Sqrt(ScalarLane a) => new(Math.Sqrt(a.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane Negate(ScalarLane a) => CreateBits(a.Bits ^ 0x8000_0000_0000_0000UL);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane Abs(ScalarLane a) => CreateBits(a.Bits & 0x7FFF_FFFF_FFFF_FFFFUL);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane LessThan(ScalarLane a, ScalarLane b) => Mask(a.value < b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane LessThanOrEqual(ScalarLane a, ScalarLane b) => Mask(a.value <= b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane Equal(ScalarLane a, ScalarLane b) => Mask(a.value == b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane Select(ScalarLane mask, ScalarLane ifTrue, ScalarLane ifFalse) =>
        mask.Bits != 0 ? ifTrue : ifFalse;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane And(ScalarLane a, ScalarLane b) => CreateBits(a.Bits & b.Bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane Or(ScalarLane a, ScalarLane b) => CreateBits(a.Bits | b.Bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane AndNot(ScalarLane a, ScalarLane b) => CreateBits(a.Bits & ~b.Bits);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane ShiftLeft(ScalarLane bits, int count) => CreateBits(bits.Bits << count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane ShiftRightLogical(ScalarLane bits, int count) => CreateBits(bits.Bits >> count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane AddBits(ScalarLane a, ScalarLane b) => CreateBits(unchecked(a.Bits + b.Bits));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarLane SubtractBits(ScalarLane a, ScalarLane b) => CreateBits(unchecked(a.Bits - b.Bits));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(ScalarLane mask) => mask.Bits != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ScalarLane Mask(bool condition) => CreateBits(condition ? ulong.MaxValue : 0UL);
}
