using System.Numerics;

namespace Backtest.Numerics.Statistics;

/// <summary>
/// Streaming, mergeable moments of fixed-point amounts (<see cref="long"/> raw values, e.g.
/// nano-units): count, exact sum (<see cref="Int128"/>), exact sum of squares (256-bit), minimum
/// and maximum. Every accumulator is an integer, so adding values in any order and merging
/// partial results in any grouping gives bit-identical results: the derived mean and variances
/// are each one correct rounding of the exact rational value. A value type; default is empty.
/// </summary>
public struct FixedMoments : IEquatable<FixedMoments>
{
    private UInt128 squaresLow;
    private UInt128 squaresHigh;

    /// <summary>Number of values.</summary>
    public long Count { get; private set; }

    /// <summary>Exact sum of the values.</summary>
    public Int128 Sum { get; private set; }

    /// <summary>Smallest value (<see cref="long.MaxValue"/> when empty).</summary>
    public readonly long Min => Count == 0 ? long.MaxValue : min;

    /// <summary>Largest value (<see cref="long.MinValue"/> when empty).</summary>
    public readonly long Max => Count == 0 ? long.MinValue : max;

    private long min;
    private long max;

    /// <summary>Exact sum of the squares.</summary>
    public readonly BigInteger SumOfSquares => ((BigInteger)squaresHigh << 128) + squaresLow;

    /// <summary>Adds one value.</summary>
    public void Add(long value)
    {
        if (Count == 0)
        {
            min = value;
            max = value;
        }
        else
        {
            min = Math.Min(min, value);
            max = Math.Max(max, value);
        }

        Count = checked(Count + 1);
        Sum += value;
        AddSquares((UInt128)((Int128)value * value), 0);
    }

    /// <summary>Adds every value of a span.</summary>
    public void Add(ReadOnlySpan<long> values)
    {
        foreach (long value in values)
        {
            Add(value);
        }
    }

    /// <summary>Adds another partial result (order and grouping do not change any result).</summary>
    public void Merge(in FixedMoments other)
    {
        if (other.Count == 0)
        {
            return;
        }

        min = Count == 0 ? other.min : Math.Min(min, other.min);
        max = Count == 0 ? other.max : Math.Max(max, other.max);
        Count = checked(Count + other.Count);
        Sum += other.Sum;
        AddSquares(other.squaresLow, other.squaresHigh);
    }

    /// <summary>Sum / Count, correctly rounded to a double; NaN when empty.</summary>
    public readonly double Mean => Count == 0 ? double.NaN : ExactRatio.ToDouble(Sum, Count);

    /// <summary>Sum / Count as a raw amount, rounded as named; an error when empty.</summary>
    public readonly long MeanRaw(Rounding rounding) =>
        Count == 0
            ? throw new InvalidOperationException("the mean of no values is undefined")
            : Fixed.ToInt64(Fixed.MulDiv(Sum, 1, Count, rounding), "Mean");

    /// <summary>
    /// Sample variance Σ(x − x̄)² / (n − 1) = (n·Σx² − (Σx)²) / (n(n − 1)), computed exactly and
    /// rounded once; NaN for fewer than two values.
    /// </summary>
    public readonly double Variance => Count < 2 ? double.NaN : ExactRatio.ToDouble(CentralNumerator, (BigInteger)Count * (Count - 1));

    /// <summary>Population variance Σ(x − x̄)² / n = (n·Σx² − (Σx)²) / n², exact then rounded once; NaN when empty.</summary>
    public readonly double PopulationVariance => Count == 0 ? double.NaN : ExactRatio.ToDouble(CentralNumerator, (BigInteger)Count * Count);

    /// <summary>√<see cref="Variance"/> (IEEE square root of the rounded variance).</summary>
    public readonly double StandardDeviation => Math.Sqrt(Variance);

    private readonly BigInteger CentralNumerator => (Count * SumOfSquares) - ((BigInteger)Sum * Sum);

    public readonly bool Equals(FixedMoments other) =>
        Count == other.Count && Sum == other.Sum && squaresLow == other.squaresLow && squaresHigh == other.squaresHigh &&
        Min == other.Min && Max == other.Max;

    public override readonly bool Equals(object? obj) => obj is FixedMoments other && Equals(other);

    public override readonly int GetHashCode() => HashCode.Combine(Count, Sum, squaresLow, squaresHigh, Min, Max);

    public static bool operator ==(FixedMoments left, FixedMoments right) => left.Equals(right);

    public static bool operator !=(FixedMoments left, FixedMoments right) => !left.Equals(right);

    private void AddSquares(UInt128 low, UInt128 high)
    {
        UInt128 sum = squaresLow + low;
        squaresHigh += high + (sum < low ? UInt128.One : UInt128.Zero);
        squaresLow = sum;
    }
}
