using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backtest.Numerics.Lanes;

/// <summary>Eight 32-bit lanes in a Vector256; in software when the hardware lacks it.</summary>
internal readonly struct Word256 : IWordLanes<Word256>
{
    private readonly Vector256<uint> value;

    private Word256(Vector256<uint> value) => this.value = value;

    public static int Count => Vector256<uint>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word256 Create(uint value) => new(Vector256.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word256 Sequence(uint start) => new(Vector256.Create(start) + Vector256<uint>.Indices);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Word256 value, ref uint destination, nuint index) => value.value.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word256 operator ^(Word256 a, Word256 b) => new(a.value ^ b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyHighLow(Word256 a, uint multiplier, out Word256 high, out Word256 low)
    {
        Vector256<ulong> lowWords = Vector256.Create(0x0000_0000_FFFF_FFFFUL);
        if (Avx2.IsSupported)
        {
            // The widening multiply takes the even 32-bit lanes; shifting the 64-bit view by 32
            // brings the odd lanes into even position for a second one.
            Vector256<uint> m = Vector256.Create(multiplier);
            Vector256<ulong> even = Avx2.Multiply(a.value, m);
            Vector256<ulong> odd = Avx2.Multiply(Vector256.ShiftRightLogical(a.value.AsUInt64(), 32).AsUInt32(), m);
            low = new(((even & lowWords) | Vector256.ShiftLeft(odd, 32)).AsUInt32());
            high = new((Vector256.ShiftRightLogical(even, 32) | Vector256.AndNot(odd, lowWords)).AsUInt32());
            return;
        }

        (Vector256<ulong> lower, Vector256<ulong> upper) = Vector256.Widen(a.value);
        Vector256<ulong> wide = Vector256.Create((ulong)multiplier);
        Vector256<ulong> lowerProduct = lower * wide;
        Vector256<ulong> upperProduct = upper * wide;
        low = new(Vector256.Narrow(lowerProduct, upperProduct));
        high = new(Vector256.Narrow(Vector256.ShiftRightLogical(lowerProduct, 32), Vector256.ShiftRightLogical(upperProduct, 32)));
    }
}
