using System.Numerics;

namespace Backtest.Numerics.Statistics;

/// <summary>
/// Streaming, mergeable moments of finite doubles with exact accumulation: the sum and the sum
/// of squares are kept as exact fixed-point integers (a "long accumulator" spanning the whole
/// double range, each square formed exactly from the 53-bit mantissa), so no term is ever
/// rounded. Adding in any order and merging partial results in any grouping therefore gives
/// bit-identical results, and the mean and variances are each one correct rounding of the exact
/// rational value. Minimum and maximum use the total order −0 &lt; +0, so they too are
/// order-independent. NaN and ±∞ are refused. About 800 bytes of state; Add costs a few limb
/// operations.
/// </summary>
public sealed class DoubleMoments
{
    private const int SumLowest = -1074;
    private const int SquareLowest = -2148;

    private ExactAccumulator sum = new(SumLowest, 1024);
    private ExactAccumulator squares = new(SquareLowest, 2048);

    /// <summary>Number of values.</summary>
    public long Count { get; private set; }

    /// <summary>Smallest value (+∞ when empty).</summary>
    public double Min { get; private set; } = double.PositiveInfinity;

    /// <summary>Largest value (−∞ when empty).</summary>
    public double Max { get; private set; } = double.NegativeInfinity;

    /// <summary>Adds one finite value.</summary>
    public void Add(double value)
    {
        (UInt128 magnitude, int exponent, bool negative) = ExactRatio.Decompose(value);
        sum.Add(magnitude, exponent, negative);
        squares.Add(magnitude * magnitude, 2 * exponent, negative: false);
        Count = checked(Count + 1);
        Min = TotalOrderMin(Min, value);
        Max = TotalOrderMax(Max, value);
    }

    /// <summary>Adds every value of a span.</summary>
    public void Add(ReadOnlySpan<double> values)
    {
        foreach (double value in values)
        {
            Add(value);
        }
    }

    /// <summary>Adds another partial result (order and grouping do not change any result).</summary>
    public void Merge(DoubleMoments other)
    {
        sum.Merge(other.sum);
        squares.Merge(other.squares);
        Count = checked(Count + other.Count);
        Min = TotalOrderMin(Min, other.Min);
        Max = TotalOrderMax(Max, other.Max);
    }

    /// <summary>An independent copy.</summary>
    public DoubleMoments Clone() => new()
    {
        sum = sum.Clone(),
        squares = squares.Clone(),
        Count = Count,
        Min = Min,
        Max = Max,
    };

    /// <summary>The exact sum, correctly rounded (±∞ if it exceeds the double range).</summary>
    public double Sum => ExactRatio.ToDouble(sum.ToBigInteger(), BigInteger.One << -SumLowest);

    /// <summary>Exact sum / Count, correctly rounded; NaN when empty.</summary>
    public double Mean => Count == 0 ? double.NaN : ExactRatio.ToDouble(sum.ToBigInteger(), (BigInteger)Count << -SumLowest);

    /// <summary>Sample variance (n·Σx² − (Σx)²) / (n(n − 1)), exact then rounded once; NaN for fewer than two values.</summary>
    public double Variance => Count < 2 ? double.NaN : ExactRatio.ToDouble(CentralNumerator(), ((BigInteger)Count * (Count - 1)) << -SquareLowest);

    /// <summary>Population variance (n·Σx² − (Σx)²) / n², exact then rounded once; NaN when empty.</summary>
    public double PopulationVariance => Count == 0 ? double.NaN : ExactRatio.ToDouble(CentralNumerator(), ((BigInteger)Count * Count) << -SquareLowest);

    /// <summary>√<see cref="Variance"/> (IEEE square root of the rounded variance).</summary>
    public double StandardDeviation => Math.Sqrt(Variance);

    /// <summary>Whether two results hold exactly the same accumulators.</summary>
    public bool SameAs(DoubleMoments other) =>
        Count == other.Count && sum.ToBigInteger() == other.sum.ToBigInteger() && squares.ToBigInteger() == other.squares.ToBigInteger() &&
        BitConverter.DoubleToInt64Bits(Min) == BitConverter.DoubleToInt64Bits(other.Min) &&
        BitConverter.DoubleToInt64Bits(Max) == BitConverter.DoubleToInt64Bits(other.Max);

    /// <summary>n·Σx² − (Σx)² in units of 2^−2148 (Σx is in units of 2^−1074, so its square matches).</summary>
    private BigInteger CentralNumerator()
    {
        BigInteger s = sum.ToBigInteger();
        return (Count * squares.ToBigInteger()) - (s * s);
    }

    private static double TotalOrderMin(double a, double b) =>
        a < b || (a == b && BitConverter.DoubleToInt64Bits(a) < 0) ? a : b;

    private static double TotalOrderMax(double a, double b) =>
        a > b || (a == b && BitConverter.DoubleToInt64Bits(a) >= 0) ? a : b;
}
