using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backtest.Numerics.Lanes;

/// <summary>Sixteen 32-bit lanes in a Vector512; in software when the hardware lacks it.</summary>
internal readonly struct Word512 : IWordLanes<Word512>
{
    private readonly Vector512<uint> value;

    private Word512(Vector512<uint> value) => this.value = value;

    public static int Count => Vector512<uint>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word512 Create(uint value) => new(Vector512.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word512 Sequence(uint start) => new(Vector512.Create(start) + Vector512<uint>.Indices);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Word512 value, ref uint destination, nuint index) => value.value.StoreUnsafe(ref destination, index);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Word512 operator ^(Word512 a, Word512 b) => new(a.value ^ b.value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyHighLow(Word512 a, uint multiplier, out Word512 high, out Word512 low)
    {
        Vector512<ulong> lowWords = Vector512.Create(0x0000_0000_FFFF_FFFFUL);
        if (Avx512F.IsSupported)
        {
            // The widening multiply takes the even 32-bit lanes; shifting the 64-bit view by 32
            // brings the odd lanes into even position for a second one.
            Vector512<uint> m = Vector512.Create(multiplier);
            Vector512<ulong> even = Avx512F.Multiply(a.value, m);
            Vector512<ulong> odd = Avx512F.Multiply(Vector512.ShiftRightLogical(a.value.AsUInt64(), 32).AsUInt32(), m);
            low = new(((even & lowWords) | Vector512.ShiftLeft(odd, 32)).AsUInt32());
            high = new((Vector512.ShiftRightLogical(even, 32) | Vector512.AndNot(odd, lowWords)).AsUInt32());
            return;
        }

        (Vector512<ulong> lower, Vector512<ulong> upper) = Vector512.Widen(a.value);
        Vector512<ulong> wide = Vector512.Create((ulong)multiplier);
        Vector512<ulong> lowerProduct = lower * wide;
        Vector512<ulong> upperProduct = upper * wide;
        low = new(Vector512.Narrow(lowerProduct, upperProduct));
        high = new(Vector512.Narrow(Vector512.ShiftRightLogical(lowerProduct, 32), Vector512.ShiftRightLogical(upperProduct, 32)));
    }
}
