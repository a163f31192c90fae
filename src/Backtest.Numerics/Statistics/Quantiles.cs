namespace Backtest.Numerics.Statistics;

/// <summary>
/// The nine sample-quantile definitions of Hyndman and Fan ("Sample quantiles in statistical
/// packages", The American Statistician 50 (1996)), numbered as R's <c>quantile(type = …)</c>.
/// With sorted data x₍₁₎ ≤ … ≤ x₍ₙ₎ and level p, each defines a position h = n·p + m, j = ⌊h⌋,
/// g = h − j; positions below 1 give x₍₁₎ and at or above n give x₍ₙ₎.
/// </summary>
public enum QuantileType
{
    /// <summary>Inverted empirical CDF (m = 0): x₍ⱼ₎ if g = 0, else x₍ⱼ₊₁₎; the smallest x with F̂(x) ≥ p.</summary>
    Type1 = 1,

    /// <summary>Inverted empirical CDF with averaging at discontinuities (m = 0): the midpoint x₍ⱼ₎ + ½(x₍ⱼ₊₁₎ − x₍ⱼ₎) if g = 0, else x₍ⱼ₊₁₎.</summary>
    Type2 = 2,

    /// <summary>Nearest even order statistic (SAS definition 2; m = −½): x₍ⱼ₎ if g = 0 and j is even, else x₍ⱼ₊₁₎.</summary>
    Type3 = 3,

    /// <summary>Linear interpolation of the empirical CDF (m = 0): x₍ⱼ₎ + g (x₍ⱼ₊₁₎ − x₍ⱼ₎), as are types 5–9.</summary>
    Type4 = 4,

    /// <summary>Piecewise linear through the midpoints of the CDF steps (m = ½).</summary>
    Type5 = 5,

    /// <summary>Weibull plotting positions, p = k/(n + 1) (m = p; Minitab, SPSS).</summary>
    Type6 = 6,

    /// <summary>Mode-based, p = (k − 1)/(n − 1) (m = 1 − p): the default of R, NumPy and Excel's PERCENTILE.INC.</summary>
    Type7 = 7,

    /// <summary>Approximately median-unbiased (m = (p + 1)/3); Hyndman and Fan's recommendation.</summary>
    Type8 = 8,

    /// <summary>Approximately unbiased for normal data (m = p/4 + 3/8).</summary>
    Type9 = 9,
}

/// <summary>
/// Sample quantiles of sorted data by a named <see cref="QuantileType"/>. The level p is taken at
/// its 15-significant-digit decimal value (the <see cref="decimal"/> conversion), and the position
/// h = n·p + m is computed in decimal arithmetic, so a level written 0.95 means exactly 95/100 and
/// h lands on an integer exactly when it should (0.95 · 100 = 95, not 95.00000000000001). The
/// interpolation x₍ⱼ₎ + g (x₍ⱼ₊₁₎ − x₍ⱼ₎) is then done in double, and g = 0 returns x₍ⱼ₎ itself.
/// </summary>
public static class Quantiles
{
    /// <summary>The p-quantile of ascending, NaN-free data (checked).</summary>
    public static double Sorted(ReadOnlySpan<double> sorted, double p, QuantileType type)
    {
        CheckSorted(sorted);
        (int j, double g, bool upper) = Position(sorted.Length, p, type);
        return Interpolate(sorted[j], sorted[Math.Min(j + 1, sorted.Length - 1)], g, upper);
    }

    /// <summary>The p-quantile of ascending raw amounts (checked), as a double in the same raw units.</summary>
    public static double Sorted(ReadOnlySpan<long> sorted, double p, QuantileType type)
    {
        CheckSorted(sorted);
        (int j, double g, bool upper) = Position(sorted.Length, p, type);
        long low = sorted[j];
        long high = sorted[Math.Min(j + 1, sorted.Length - 1)];
        return upper ? high : g == 0 ? low : low + (g * (double)((Int128)high - low));
    }

    /// <summary>
    /// The p-quantile of ascending raw amounts as an exact amount: the interpolation
    /// x₍ⱼ₎ + g (x₍ⱼ₊₁₎ − x₍ⱼ₎) is done in exact integer arithmetic with the fractional part
    /// rounded as <paramref name="rounding"/> names (the step toward x₍ⱼ₊₁₎ is never negative,
    /// so Floor and TowardZero agree), so the result is the same integer on every
    /// machine (for outputs that must stay exact, such as amount series).
    /// </summary>
    public static long SortedExact(ReadOnlySpan<long> sorted, double p, QuantileType type, Rounding rounding)
    {
        if (!Enum.IsDefined(rounding))
        {
            throw new ArgumentOutOfRangeException(nameof(rounding), rounding, "unknown rounding mode");
        }

        CheckSorted(sorted);
        (int j, decimal g, bool upper) = ExactPosition(sorted.Length, p, type);
        long low = sorted[j];
        long high = sorted[Math.Min(j + 1, sorted.Length - 1)];
        if (upper)
        {
            return high;
        }

        if (g == 0)
        {
            return low;
        }

        // g is a decimal m·10⁻ˢ; the step (high − low)·m/10ˢ is at most high − low, so the sum stays in range.
        var bits = decimal.GetBits(g);
        var mantissa = ((System.Numerics.BigInteger)(uint)bits[2] << 64) | ((System.Numerics.BigInteger)(uint)bits[1] << 32) | (uint)bits[0];
        var scale = System.Numerics.BigInteger.Pow(10, (bits[3] >> 16) & 0xFF);
        var product = ((System.Numerics.BigInteger)high - low) * mantissa;
        var step = System.Numerics.BigInteger.DivRem(product, scale, out var remainder);
        if (!remainder.IsZero && rounding == Rounding.Ceiling)
        {
            step += 1;
        }

        return (long)(low + step);
    }

    /// <summary>
    /// The zero-based index j of x₍ⱼ₊₁₎ and the weight g toward the next element; upper = the
    /// discontinuous types' choice of the next element.
    /// </summary>
    internal static (int Index, double Weight, bool Upper) Position(int n, double p, QuantileType type)
    {
        var (index, weight, upper) = ExactPosition(n, p, type);
        return (index, (double)weight, upper);
    }

    private static (int Index, decimal Weight, bool Upper) ExactPosition(int n, double p, QuantileType type)
    {
        if (n == 0)
        {
            throw new ArgumentException("the quantile of no data is undefined");
        }

        if (!(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "quantile level must lie in [0, 1]");
        }

        decimal level = (decimal)p;
        decimal np = n * level;
        decimal h = type switch
        {
            QuantileType.Type1 or QuantileType.Type2 or QuantileType.Type4 => np,
            QuantileType.Type3 => np - 0.5m,
            QuantileType.Type5 => np + 0.5m,
            QuantileType.Type6 => np + level,
            QuantileType.Type7 => np + 1 - level,
            QuantileType.Type8 => np + ((level + 1) / 3),
            QuantileType.Type9 => np + (level / 4) + 0.375m,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown quantile type"),
        };
        decimal j = decimal.Floor(h);
        decimal g = h - j;

        // One-based j: x₍ⱼ₎ is element j − 1. Positions outside [1, n] clamp to the ends.
        if (j < 1)
        {
            return (0, 0, false);
        }

        if (j >= n)
        {
            return (n - 1, 0, false);
        }

        int index = (int)j - 1;
        return type switch
        {
            QuantileType.Type1 => (index, 0, g > 0),
            QuantileType.Type2 => (index, g > 0 ? 0 : 0.5m, g > 0),
            QuantileType.Type3 => (index, 0, g > 0 || decimal.Remainder(j, 2) != 0),
            _ => (index, g, false),
        };
    }

    internal static void CheckSorted<T>(ReadOnlySpan<T> sorted)
        where T : IComparable<T>
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("the quantile of no data is undefined");
        }

        for (int i = 1; i < sorted.Length; i++)
        {
            if (!(sorted[i - 1].CompareTo(sorted[i]) <= 0) || (sorted[i] is double d && double.IsNaN(d)))
            {
                throw new ArgumentException($"data must be sorted ascending and free of NaN (element {i} breaks the order)");
            }
        }

        if (sorted[0] is double first && double.IsNaN(first))
        {
            throw new ArgumentException("data must be free of NaN (element 0)");
        }
    }

    private static double Interpolate(double low, double high, double g, bool upper) =>
        upper ? high : g == 0 ? low : low + (g * (high - low));
}
