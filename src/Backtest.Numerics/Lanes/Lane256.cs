using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backtest.Numerics.Lanes;

/// <summary>Four 64-bit lanes in a Vector256; in software when the hardware lacks it.</summary>
internal readonly struct Lane256 : IDoubleLanes<Lane256>
{
    private readonly Vector256<double> value;

    private Lane256(Vector256<double> value) => this.value = value;

    public static int Count => Vector256<double>.Count;

    private Vector256<ulong> Bits => value.AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 Create(double value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 CreateBits(ulong bits) => new(Vector256.Create(bits).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 Load(ref double source, nuint index) => new(Vector256.LoadUnsafe(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lane256 value, ref double destination, nuint index) => value.value.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 LoadWidened(ref uint source, nuint index) =>
        new(Vector256.WidenLower(Vector128.LoadUnsafe(ref source, index).ToVector256Unsafe()).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 operator +(Lane256 a, Lane256 b) => new(a.value + b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 operator -(Lane256 a, Lane256 b) => new(a.value - b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 operator *(Lane256 a, Lane256 b) => new(a.value * b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 operator /(Lane256 a, Lane256 b) => new(a.value / b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 Sqrt(Lane256 a) => new(Vector256.Sqrt(a.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 Negate(Lane256 a) => new((a.Bits ^ Vector256.Create(0x8000_0000_0000_0000UL)).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 Abs(Lane256 a) => new((a.Bits & Vector256.Create(0x7FFF_FFFF_FFFF_FFFFUL)).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 LessThan(Lane256 a, Lane256 b) => new(Vector256.LessThan(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 LessThanOrEqual(Lane256 a, Lane256 b) => new(Vector256.LessThanOrEqual(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 Equal(Lane256 a, Lane256 b) => new(Vector256.Equals(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 Select(Lane256 mask, Lane256 ifTrue, Lane256 ifFalse) =>
        new(Vector256.ConditionalSelect(mask.value, ifTrue.value, ifFalse.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 And(Lane256 a, Lane256 b) => new(a.value & b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 Or(Lane256 a, Lane256 b) => new(a.value | b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 AndNot(Lane256 a, Lane256 b) => new(Vector256.AndNot(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 ShiftLeft(Lane256 bits, int count) => new(Vector256.ShiftLeft(bits.Bits, count).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 ShiftRightLogical(Lane256 bits, int count) => new(Vector256.ShiftRightLogical(bits.Bits, count).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 AddBits(Lane256 a, Lane256 b) => new((a.Bits + b.Bits).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane256 SubtractBits(Lane256 a, Lane256 b) => new((a.Bits - b.Bits).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(Lane256 mask) => !Vector256.EqualsAll(mask.Bits, Vector256<ulong>.Zero);
}
