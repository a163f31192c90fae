using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backtest.Numerics.Lanes;

/// <summary>Four 32-bit lanes in a Vector128; in software when the hardware lacks it.</summary>
internal readonly struct Word128 : IWordLanes<Word128>
{
    private readonly Vector128<uint> value;

    private Word128(Vector128<uint> value) => this.value = value;

    public static int Count => Vector128<uint>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word128 Create(uint value) => new(Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word128 Sequence(uint start) => new(Vector128.Create(start) + Vector128<uint>.Indices);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Word128 value, ref uint destination, nuint index) => value.value.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word128 operator ^(Word128 a, Word128 b) => new(a.value ^ b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyHighLow(Word128 a, uint multiplier, out Word128 high, out Word128 low)
    {
        Vector128<ulong> lowWords = Vector128.Create(0x0000_0000_FFFF_FFFFUL);
        if (Sse2.IsSupported)
        {
            // The widening multiply takes the even 32-bit lanes; shifting the 64-bit view by 32
            // brings the odd lanes into even position for a second one.
            Vector128<uint> m = Vector128.Create(multiplier);
            Vector128<ulong> even = Sse2.Multiply(a.value, m);
            Vector128<ulong> odd = Sse2.Multiply(Vector128.ShiftRightLogical(a.value.AsUInt64(), 32).AsUInt32(), m);
            low = new(((even & lowWords) | Vector128.ShiftLeft(odd, 32)).AsUInt32());
            high = new((Vector128.ShiftRightLogical(even, 32) | Vector128.AndNot(odd, lowWords)).AsUInt32());
            return;
        }

        (Vector128<ulong> lower, Vector128<ulong> upper) = Vector128.Widen(a.value);
        Vector128<ulong> wide = Vector128.Create((ulong)multiplier);
        Vector128<ulong> lowerProduct = lower * wide;
        Vector128<ulong> upperProduct = upper * wide;
        low = new(Vector128.Narrow(lowerProduct, upperProduct));
        high = new(Vector128.Narrow(Vector128.ShiftRightLogical(lowerProduct, 32), Vector128.ShiftRightLogical(upperProduct, 32)));
    }
}
