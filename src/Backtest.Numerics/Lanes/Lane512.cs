using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backtest.Numerics.Lanes;

/// <summary>Eight 64-bit lanes in a Vector512; in software when the hardware lacks it.</summary>
internal readonly struct Lane512 : IDoubleLanes<Lane512>
{
    private readonly Vector512<double> value;

    private Lane512(Vector512<double> value) => this.value = value;

    public static int Count => Vector512<double>.Count;

    private Vector512<ulong> Bits => value.AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 Create(double value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 CreateBits(ulong bits) => new(Vector512.Create(bits).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 Load(ref double source, nuint index) => new(Vector512.LoadUnsafe(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lane512 value, ref double destination, nuint index) => value.value.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 LoadWidened(ref uint source, nuint index) =>
        new(Vector512.WidenLower(Vector256.LoadUnsafe(ref source, index).ToVector512Unsafe()).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 operator +(Lane512 a, Lane512 b) => new(a.value + b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 operator -(Lane512 a, Lane512 b) => new(a.value - b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 operator *(Lane512 a, Lane512 b) => new(a.value * b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 operator /(Lane512 a, Lane512 b) => new(a.value / b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 Sqrt(Lane512 a) => new(Vector512.Sqrt(a.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 Negate(Lane512 a) => new((a.Bits ^ Vector512.Create(0x8000_0000_0000_0000UL)).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 Abs(Lane512 a) => new((a.Bits & Vector512.Create(0x7FFF_FFFF_FFFF_FFFFUL)).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 LessThan(Lane512 a, Lane512 b) => new(Vector512.LessThan(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 LessThanOrEqual(Lane512 a, Lane512 b) => new(Vector512.LessThanOrEqual(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 Equal(Lane512 a, Lane512 b) => new(Vector512.Equals(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 Select(Lane512 mask, Lane512 ifTrue, Lane512 ifFalse) =>
        new(Vector512.ConditionalSelect(mask.value, ifTrue.value, ifFalse.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 And(Lane512 a, Lane512 b) => new(a.value & b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 Or(Lane512 a, Lane512 b) => new(a.value | b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 AndNot(Lane512 a, Lane512 b) => new(Vector512.AndNot(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 ShiftLeft(Lane512 bits, int count) => new(Vector512.ShiftLeft(bits.Bits, count).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 ShiftRightLogical(Lane512 bits, int count) => new(Vector512.ShiftRightLogical(bits.Bits, count).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 AddBits(Lane512 a, Lane512 b) => new((a.Bits + b.Bits).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane512 SubtractBits(Lane512 a, Lane512 b) => new((a.Bits - b.Bits).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(Lane512 mask) => !Vector512.EqualsAll(mask.Bits, Vector512<ulong>.Zero);
}
