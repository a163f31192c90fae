using System.Numerics;

namespace Backtest.Protocols.Ampleforth.Tokens;

/// <summary>
/// An unsigned 256-bit integer stored as two 128-bit halves, for AMPL's hidden "gons"
/// denomination, which the token defines over the whole uint256 range. Addition and
/// subtraction are exact and checked; products and quotients go through
/// <see cref="BigInteger"/> (the token divides once per balance read and once per rebase).
/// </summary>
public readonly struct UInt256 : IEquatable<UInt256>, IComparable<UInt256>
{
    private static readonly BigInteger Modulus = BigInteger.One << 256;

    public UInt256(UInt128 high, UInt128 low)
    {
        High = high;
        Low = low;
    }

    public UInt128 High { get; }

    public UInt128 Low { get; }

    public static UInt256 Zero => default;

    public static UInt256 MaxValue => new(UInt128.MaxValue, UInt128.MaxValue);

    public bool IsZero => High == UInt128.Zero && Low == UInt128.Zero;

    public static UInt256 FromBigInteger(BigInteger value)
    {
        if (value.Sign < 0 || value >= Modulus)
        {
            throw new OverflowException($"{value} does not fit in 256 unsigned bits");
        }

        return new UInt256((UInt128)(value >> 128), (UInt128)(value & (BigInteger)UInt128.MaxValue));
    }

    public BigInteger ToBigInteger() => ((BigInteger)High << 128) | Low;

    /// <summary>a + b, or <see cref="OverflowException"/> past 2²⁵⁶ − 1.</summary>
    public static UInt256 Add(UInt256 a, UInt256 b)
    {
        UInt128 low = unchecked(a.Low + b.Low);
        UInt128 carry = low < a.Low ? UInt128.One : UInt128.Zero;
        return new UInt256(checked(a.High + b.High + carry), low);
    }

    /// <summary>a − b, or <see cref="OverflowException"/> when b &gt; a.</summary>
    public static UInt256 Subtract(UInt256 a, UInt256 b)
    {
        if (a < b)
        {
            throw new OverflowException("UInt256 subtraction below zero");
        }

        UInt128 low = unchecked(a.Low - b.Low);
        UInt128 borrow = a.Low < b.Low ? UInt128.One : UInt128.Zero;
        return new UInt256(a.High - b.High - borrow, low);
    }

    public static bool operator <(UInt256 a, UInt256 b) => a.CompareTo(b) < 0;

    public static bool operator >(UInt256 a, UInt256 b) => a.CompareTo(b) > 0;

    public static bool operator <=(UInt256 a, UInt256 b) => a.CompareTo(b) <= 0;

    public static bool operator >=(UInt256 a, UInt256 b) => a.CompareTo(b) >= 0;

    public static bool operator ==(UInt256 a, UInt256 b) => a.Equals(b);

    public static bool operator !=(UInt256 a, UInt256 b) => !a.Equals(b);

    public int CompareTo(UInt256 other)
    {
        int high = High.CompareTo(other.High);
        return high != 0 ? high : Low.CompareTo(other.Low);
    }

    public bool Equals(UInt256 other) => High == other.High && Low == other.Low;

    public override bool Equals(object? obj) => obj is UInt256 other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(High, Low);

    public override string ToString() => ToBigInteger().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
