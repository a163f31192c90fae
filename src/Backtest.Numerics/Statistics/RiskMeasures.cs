using System.Numerics;

namespace Backtest.Numerics.Statistics;

/// <summary>
/// Value at risk and expected shortfall of a loss sample (larger = worse), over sorted data.
/// <para><b>VaR_α</b> = the α-quantile of the loss by a named <see cref="QuantileType"/>
/// (<see cref="Quantiles"/>); with <see cref="QuantileType.Type1"/> it is the smallest loss ℓ
/// with at least a share α of the paths at or below ℓ.</para>
/// <para><b>ES_α</b> = the mean of the worst (1 − α) share of the paths, weighting the boundary
/// observation by the fraction of it that falls inside that share (Acerbi and Tasche, "On the
/// coherence of expected shortfall", 2002): with t = n(1 − α) and m = ⌊t⌋,
/// ES_α = (x₍ₙ₋ₘ₊₁₎ + … + x₍ₙ₎ + (t − m)·x₍ₙ₋ₘ₎) / t, which equals (1/(1 − α))∫_α^1 VaR_u du with the
/// type-1 VaR. So ES_α ≥ VaR_α (type 1), ES₀ is the mean, and when t &lt; 1 it is the largest
/// loss. α is taken at its decimal value as in <see cref="Quantiles"/>; the sum is exact and the
/// result is one correct rounding of the exact rational value.</para>
/// </summary>
public static class RiskMeasures
{
    /// <summary>VaR_α of ascending losses: their α-quantile by <paramref name="type"/>.</summary>
    public static double ValueAtRisk(ReadOnlySpan<double> sortedLosses, double level, QuantileType type) =>
        Quantiles.Sorted(sortedLosses, level, type);

    /// <summary>VaR_α of ascending raw-amount losses, in the same raw units.</summary>
    public static double ValueAtRisk(ReadOnlySpan<long> sortedLosses, double level, QuantileType type) =>
        Quantiles.Sorted(sortedLosses, level, type);

    /// <summary>ES_α of ascending losses (finite), as the type documents.</summary>
    public static double ExpectedShortfall(ReadOnlySpan<double> sortedLosses, double level)
    {
        Quantiles.CheckSorted(sortedLosses);
        (int m, BigInteger t, BigInteger w, int scale) = Tail(sortedLosses.Length, level);
        var tail = new ExactAccumulator(-1074, 1024);
        for (int i = sortedLosses.Length - m; i < sortedLosses.Length; i++)
        {
            (UInt128 magnitude, int exponent, bool negative) = ExactRatio.Decompose(sortedLosses[i]);
            tail.Add(magnitude, exponent, negative);
        }

        // Both terms in units of 2^−1074 · 10^−scale.
        BigInteger boundary = w.IsZero ? BigInteger.Zero : w * ExactRatio.ToScaledInteger(sortedLosses[sortedLosses.Length - m - 1]);
        BigInteger numerator = (tail.ToBigInteger() * BigInteger.Pow(10, scale)) + boundary;
        return ExactRatio.ToDouble(numerator, t << 1074);
    }

    /// <summary>ES_α of ascending raw-amount losses, in the same raw units.</summary>
    public static double ExpectedShortfall(ReadOnlySpan<long> sortedLosses, double level)
    {
        Quantiles.CheckSorted(sortedLosses);
        (int m, BigInteger t, BigInteger w, int scale) = Tail(sortedLosses.Length, level);
        Int128 sum = 0;
        for (int i = sortedLosses.Length - m; i < sortedLosses.Length; i++)
        {
            sum += sortedLosses[i];
        }

        BigInteger boundary = w.IsZero ? BigInteger.Zero : w * sortedLosses[sortedLosses.Length - m - 1];
        return ExactRatio.ToDouble(((BigInteger)sum * BigInteger.Pow(10, scale)) + boundary, t);
    }

    /// <summary>m = ⌊n(1 − α)⌋ and, over the common denominator 10^scale, t = n(1 − α) and w = t − m.</summary>
    private static (int M, BigInteger T, BigInteger W, int Scale) Tail(int n, double level)
    {
        if (!(level >= 0 && level < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "expected-shortfall level must lie in [0, 1)");
        }

        decimal t = n * (1 - (decimal)level);
        decimal m = decimal.Floor(t);
        (BigInteger tInteger, int scale) = ExactRatio.Decompose(t);
        BigInteger w = tInteger - ((BigInteger)m * BigInteger.Pow(10, scale));
        return ((int)m, tInteger, w, scale);
    }
}
