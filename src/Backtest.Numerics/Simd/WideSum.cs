using System.Runtime.CompilerServices;

namespace Backtest.Numerics.Simd;

/// <summary>
/// An exact running sum of 64-bit lanes that cannot overflow for up to 2³¹ − 1 additions per
/// lane. Each lane x is split as x = h·2³² + l − 2⁶⁴·[x &lt; 0] with h, l ∈ [0, 2³²) (the
/// unsigned halves of its bits), and the three parts are summed separately: after n additions
/// the sums of h and of l are below n·2³² ≤ 2⁶³ and the count of negatives is at least −n, so no
/// lane accumulator wraps. <see cref="Total"/> recombines them in 128 bits.
/// </summary>
internal struct WideSum<TW, TL, TD>
    where TW : IVectorWidth<TL, TD>
    where TL : struct
    where TD : struct
{
    private TL _lowHalves;
    private TL _highHalves;
    private TL _negatives;

    public WideSum()
    {
        _lowHalves = TW.Zero;
        _highHalves = TW.Zero;
        _negatives = TW.Zero;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(TL x)
    {
        _lowHalves = TW.Add(_lowHalves, TW.And(x, TW.Broadcast(0xFFFFFFFFL)));
        _highHalves = TW.Add(_highHalves, TW.ShiftRightLogical(x, 32));

        // −1 per negative lane.
        _negatives = TW.Add(_negatives, TW.GreaterThan(TW.Zero, x));
    }

    /// <summary>The exact sum of every lane added so far.</summary>
    public readonly Int128 Total
    {
        get
        {
            Int128 low = 0, high = 0, negatives = 0;
            for (int lane = 0; lane < TW.Count; lane++)
            {
                low += TW.GetLane(_lowHalves, lane);
                high += TW.GetLane(_highHalves, lane);
                negatives += TW.GetLane(_negatives, lane);
            }

            return (high << 32) + low + (negatives << 64);
        }
    }
}
