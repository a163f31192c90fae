namespace Backtest.Numerics.Simd;

/// <summary>
/// The divisor c of a vector a · b / c, prepared once (its reciprocal and the lane bound the
/// vector method is proven for) so that a loop dividing many lanes by the same c pays for it
/// once. Any c is accepted: lanes the vector method cannot prove exact, and every lane when
/// c = 0 or |c| &gt; 2⁶¹ (or for a default-constructed divisor), are flagged for the scalar
/// fallback, which gives the exact result or the exception.
/// </summary>
public readonly struct FixedDivisor
{
    /// <summary>The largest |c| the vector method handles: above it a remainder bounded by |c| can leave 64 bits.</summary>
    public const long MaxVectorMagnitude = 1L << 61;

    private const double TwoTo62 = 4611686018427387904.0;
    private const double TwoTo111 = 2596148429267413814265248164610048.0;

    public FixedDivisor(long value)
    {
        Value = value;
        SignMask = value >> 63;
        IsVectorSafe = value != 0 && value >= -MaxVectorMagnitude && value <= MaxVectorMagnitude;
        Reciprocal = IsVectorSafe ? 1.0 / value : 0.0;

        // A lane is handled by the vector method only when its estimated quotient has
        // |q̃| ≤ QuotientLimit = min(2⁶², fl(2¹¹¹·|1/c|)): the first bound keeps every
        // intermediate quotient inside 64 bits, the second bounds |a·b| below about 2¹¹¹ so the
        // remainder of the first estimate stays inside 64 bits (the proof is on
        // LaneMath.MulDiv).
        QuotientLimit = IsVectorSafe ? Math.Min(TwoTo62, TwoTo111 * Math.Abs(Reciprocal)) : 0.0;
    }

    /// <summary>The divisor c.</summary>
    public long Value { get; }

    /// <summary>Whether lanes can be divided by c in vector form: c ≠ 0 and |c| ≤ <see cref="MaxVectorMagnitude"/>.</summary>
    public bool IsVectorSafe { get; }

    /// <summary>fl(1 / c); 0 when c is not vector-safe.</summary>
    internal double Reciprocal { get; }

    /// <summary>The largest |estimated quotient| a lane may have to be handled in vector form.</summary>
    internal double QuotientLimit { get; }

    /// <summary>−1 when c &lt; 0, else 0.</summary>
    internal long SignMask { get; }
}
