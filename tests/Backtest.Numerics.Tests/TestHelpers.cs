namespace Backtest.Numerics.Tests;

internal static class TestHelpers
{
    /// <summary>Distance in units in the last place between two finite doubles of any sign.</summary>
    public static long UlpDistance(double a, double b)
    {
        if (a == b)
        {
            return 0;
        }

        long ia = Ordered(a);
        long ib = Ordered(b);
        return ia > ib ? ia - ib : ib - ia;
    }

    /// <summary>Raw bits of each element, for bit-identity assertions that also distinguish −0 and NaN payloads.</summary>
    public static long[] Bits(this IEnumerable<double> values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();

    private static long Ordered(double x)
    {
        long bits = BitConverter.DoubleToInt64Bits(x);
        return bits < 0 ? long.MinValue - bits : bits;
    }
}
