using System.Numerics;

namespace Backtest.Numerics.Tests.Simd;

/// <summary>
/// Operands for a · b / c that probe where a vector mulDiv can go wrong: every magnitude, the
/// edges of long, powers of two and their neighbours, the bounds of the vector method's proven
/// range (|c| = 2⁶¹, |a·b| ≈ 2¹¹¹, |q| ≈ 2⁶²), remainders of exactly half the divisor (ties),
/// exact divisions and negative divisors.
/// </summary>
internal sealed class MulDivCases(int seed)
{
    private static readonly long[] Edges = BuildEdges();

    private readonly System.Random _random = new(seed);

    public static IReadOnlyList<long> EdgeValues => Edges;

    /// <summary>A divisor: any magnitude, an edge value, or one near the vector bound 2⁶¹.</summary>
    public long Divisor()
    {
        long c = _random.Next(6) switch
        {
            0 => Edge(),
            1 => Signed((1L << 61) + _random.Next(-3, 4)),
            2 => Signed(_random.Next(1, 5) * 1_000_000_000L * (_random.Next(2) == 0 ? 1 : 365)),
            _ => AnyMagnitude(),
        };
        return c == 0 ? 1 : c;
    }

    /// <summary>A multiplier b for divisor c.</summary>
    public long Multiplier(long c) => _random.Next(5) switch
    {
        0 => Edge(),
        1 => c,
        2 => Signed(_random.NextInt64(1, 2_000_000_000L)),
        _ => AnyMagnitude(),
    };

    /// <summary>A multiplicand a for multiplier b and divisor c, drawn from one of the probing families.</summary>
    public long Multiplicand(long b, long c) => _random.Next(8) switch
    {
        0 => Edge(),
        1 => Tie(b, c) ?? AnyMagnitude(),
        2 => ForQuotient(b, c, NearQuotientBound()) ?? AnyMagnitude(),
        3 => ForQuotient(b, c, NearProductBound(c)) ?? AnyMagnitude(),
        4 => Exact(b, c) ?? AnyMagnitude(),
        _ => AnyMagnitude(),
    };

    /// <summary>A value whose bit length is uniform in 0..63, with a random sign.</summary>
    public long AnyMagnitude()
    {
        int bits = _random.Next(64);
        ulong raw = unchecked((ulong)_random.NextInt64(long.MinValue, long.MaxValue));
        long magnitude = bits == 0 ? 0 : (long)((raw >> (64 - bits)) | (1UL << (bits - 1)));

        // −magnitude − 1 reaches long.MinValue from long.MaxValue.
        return _random.Next(2) == 0 ? magnitude : -magnitude - _random.Next(2);
    }

    public long Edge() => Edges[_random.Next(Edges.Length)];

    /// <summary>a with a·b ≡ c/2 (mod c): the exact quotient ends in one half.</summary>
    private long? Tie(long b, long c)
    {
        if (c % 2 != 0 || b % 2 == 0 || c == long.MinValue)
        {
            return null;
        }

        // a = (c/2)·odd makes a·b = (c/2)·odd·b with odd·b odd, i.e. c/2 more than a multiple of c.
        BigInteger a = (BigInteger)(c / 2) * (2 * _random.NextInt64(0, 1L << _random.Next(1, 40)) + 1);
        return Fits(a) ? Signed((long)a) : null;
    }

    /// <summary>a making a·b/c land near <paramref name="quotient"/>, give or take a few units.</summary>
    private long? ForQuotient(long b, long c, BigInteger quotient)
    {
        if (b == 0)
        {
            return null;
        }

        BigInteger a = quotient * c / b + _random.Next(-2, 3);
        return Fits(a) ? (long)a : null;
    }

    private long? Exact(long b, long c)
    {
        BigInteger a = (BigInteger)c * _random.NextInt64(-1L << 20, 1L << 20);
        return b != 0 && Fits(a) ? (long)a : null;
    }

    /// <summary>A quotient near 2⁶² or 2⁶³ (the vector method's quotient bound and overflow), either sign.</summary>
    private BigInteger NearQuotientBound()
    {
        BigInteger bound = BigInteger.One << (_random.Next(2) == 0 ? 62 : 63);
        return (_random.Next(2) == 0 ? bound : -bound) + _random.NextInt64(-(1L << 20), 1L << 20);
    }

    /// <summary>A quotient making |a·b| near 2¹¹¹ (the vector method's product bound) for divisor c.</summary>
    private BigInteger NearProductBound(long c)
    {
        BigInteger product = (BigInteger.One << 111) + ((BigInteger)_random.NextInt64() << _random.Next(0, 50));
        BigInteger quotient = product / BigInteger.Abs(c);
        return _random.Next(2) == 0 ? quotient : -quotient;
    }

    private long Signed(long magnitude) => _random.Next(2) == 0 ? magnitude : -magnitude;

    private static bool Fits(BigInteger v) => v >= long.MinValue && v <= long.MaxValue;

    private static long[] BuildEdges()
    {
        var edges = new HashSet<long> { 0, 1, -1, 2, -2, 3, -3, long.MaxValue, long.MaxValue - 1, long.MinValue, long.MinValue + 1, Fixed.One, -Fixed.One };
        for (int k = 1; k <= 62; k++)
        {
            foreach (long v in new[] { 1L << k, (1L << k) - 1, (1L << k) + 1 })
            {
                edges.Add(v);
                edges.Add(-v);
            }
        }

        return [.. edges.Order()];
    }
}
