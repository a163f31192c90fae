using Backtest.Numerics;

namespace Backtest.Protocols.Waterfall;

/// <summary>
/// Utilization U = min(1, coverage sold / total capital) as an unsigned fixed-point fraction
/// with <see cref="FractionBits"/> bits: <see cref="One"/> is U = 1. Rounded toward zero
/// (floor), and 0 when there is no capital (the reference pricing code's convention).
/// </summary>
public static class Utilization
{
    /// <summary>Fraction bits of U.</summary>
    public const int FractionBits = 32;

    /// <summary>U = 1.</summary>
    public const long One = 1L << FractionBits;

    /// <summary>floor(min(1, coverage / capital) · 2³²); 0 when capital is 0.</summary>
    public static long FromCapital(long coverageSold, long totalCapital)
    {
        if (coverageSold < 0 || totalCapital < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(coverageSold), $"coverage {coverageSold} and capital {totalCapital} must be non-negative");
        }

        if (totalCapital == 0)
        {
            return 0;
        }

        return coverageSold >= totalCapital ? One : Fixed.MulDiv(coverageSold, One, totalCapital, Rounding.Floor);
    }

    /// <summary>U as a double, for reports only.</summary>
    public static double ToDouble(long u) => u / (double)One;
}
