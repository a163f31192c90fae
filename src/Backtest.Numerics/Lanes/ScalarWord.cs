using System.Runtime.CompilerServices;

namespace Backtest.Numerics.Lanes;

/// <summary>One 32-bit lane: the scalar tier, and the tail of every vector loop.</summary>
internal readonly struct ScalarWord : IWordLanes<ScalarWord>
{
    private ScalarWord(uint value) => Value = value;

    public static int Count => 1;

    public uint Value { get; }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarWord Create(uint value) => new(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarWord Sequence(uint start) => new(start);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ScalarWord value, ref uint destination, nuint index) => Unsafe.Add(ref destination, index) = value.Value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ScalarWord operator ^(ScalarWord a, ScalarWord b) => new(a.Value ^ b.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void MultiplyHighLow(ScalarWord a, uint multiplier, out ScalarWord high, out ScalarWord low)
    {
        ulong product = (ulong)a.Value * multiplier;
        high = new((uint)(product >> 32));
        low = new((uint)product);
    }
}
