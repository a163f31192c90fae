using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backtest.Numerics.Lanes;

/// <summary>Two 64-bit lanes in a Vector128; in software when the hardware lacks it.</summary>
internal readonly struct Lane128 : IDoubleLanes<Lane128>
{
    private readonly Vector128<double> value;

    private Lane128(Vector128<double> value) => this.value = value;

    public static int Count => Vector128<double>.Count;

    private Vector128<ulong> Bits => value.AsUInt64();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 Create(double value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 CreateBits(ulong bits) => new(Vector128.Create(bits).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 Load(ref double source, nuint index) => new(Vector128.LoadUnsafe(ref source, index));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Lane128 value, ref double destination, nuint index) => value.value.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 LoadWidened(ref uint source, nuint index) =>
        new(Vector128.WidenLower(Vector128.CreateScalarUnsafe(Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<uint, byte>(ref Unsafe.Add(ref source, index)))).AsUInt32()).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 operator +(Lane128 a, Lane128 b) => new(a.value + b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 operator -(Lane128 a, Lane128 b) => new(a.value - b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 operator *(Lane128 a, Lane128 b) => new(a.value * b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 operator /(Lane128 a, Lane128 b) => new(a.value / b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 Sqrt(Lane128 a) => new(Vector128.Sqrt(a.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 Negate(Lane128 a) => new((a.Bits ^ Vector128.Create(0x8000_0000_0000_0000UL)).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 Abs(Lane128 a) => new((a.Bits & Vector128.Create(0x7FFF_FFFF_FFFF_FFFFUL)).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 LessThan(Lane128 a, Lane128 b) => new(Vector128.LessThan(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 LessThanOrEqual(Lane128 a, Lane128 b) => new(Vector128.LessThanOrEqual(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 Equal(Lane128 a, Lane128 b) => new(Vector128.Equals(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 Select(Lane128 mask, Lane128 ifTrue, Lane128 ifFalse) =>
        new(Vector128.ConditionalSelect(mask.value, ifTrue.value, ifFalse.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 And(Lane128 a, Lane128 b) => new(a.value & b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 Or(Lane128 a, Lane128 b) => new(a.value | b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 AndNot(Lane128 a, Lane128 b) => new(Vector128.AndNot(a.value, b.value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 ShiftLeft(Lane128 bits, int count) => new(Vector128.ShiftLeft(bits.Bits, count).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 ShiftRightLogical(Lane128 bits, int count) => new(Vector128.ShiftRightLogical(bits.Bits, count).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 AddBits(Lane128 a, Lane128 b) => new((a.Bits + b.Bits).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lane128 SubtractBits(Lane128 a, Lane128 b) => new((a.Bits - b.Bits).AsDouble());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Any(Lane128 mask) => !Vector128.EqualsAll(mask.Bits, Vector128<ulong>.Zero);
}
