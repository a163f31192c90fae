using System.Numerics;

namespace Backtest.Numerics.Statistics;

/// <summary>
/// An exact sum of binary floating-point terms: a two's-complement fixed-point integer in 64-bit
/// limbs whose lowest bit weighs 2^<see cref="LowestExponent"/>, wide enough that every term
/// m·2^e with e ≥ LowestExponent and m·2^e &lt; 2^<see cref="HighestExponent"/> adds without
/// rounding, with 64 bits of headroom for carries (2⁶³ terms can never overflow). Integer
/// addition is associative and commutative, so the total — and everything computed from it —
/// is the same whatever the order of the terms and however partial sums are merged.
/// </summary>
internal sealed class ExactAccumulator
{
    private readonly ulong[] limbs;

    public ExactAccumulator(int lowestExponent, int highestExponent)
    {
        LowestExponent = lowestExponent;
        HighestExponent = highestExponent;

        // Magnitude bits, 64 bits of carry headroom and a sign bit, rounded up to whole limbs.
        limbs = new ulong[((highestExponent - lowestExponent + 64 + 1) / 64) + 1];
    }

    public int LowestExponent { get; }

    public int HighestExponent { get; }

    /// <summary>Adds or subtracts m · 2^exponent exactly (m below 2¹²⁸).</summary>
    public void Add(UInt128 magnitude, int exponent, bool negative)
    {
        if (magnitude == 0)
        {
            return;
        }

        int position = exponent - LowestExponent;
        if (position < 0 || exponent + 128 - (int)UInt128.LeadingZeroCount(magnitude) > HighestExponent)
        {
            throw new ArgumentOutOfRangeException(nameof(exponent), exponent, "term outside the accumulator's range");
        }

        int index = position >> 6;
        int shift = position & 63;
        ulong low = (ulong)magnitude;
        ulong high = (ulong)(magnitude >> 64);

        // The term shifted into three limbs (the third only when the shift pushes bits across).
        ulong part0 = low << shift;
        ulong part1 = shift == 0 ? high : (high << shift) | (low >> (64 - shift));
        ulong part2 = shift == 0 ? 0 : high >> (64 - shift);
        if (negative)
        {
            Subtract(index, part0, part1, part2);
        }
        else
        {
            Add(index, part0, part1, part2);
        }
    }

    /// <summary>Adds another accumulator of the same shape, limb by limb.</summary>
    public void Merge(ExactAccumulator other)
    {
        if (other.LowestExponent != LowestExponent || other.limbs.Length != limbs.Length)
        {
            throw new ArgumentException("accumulators of different shapes cannot be merged", nameof(other));
        }

        ulong carry = 0;
        for (int i = 0; i < limbs.Length; i++)
        {
            UInt128 sum = (UInt128)limbs[i] + other.limbs[i] + carry;
            limbs[i] = (ulong)sum;
            carry = (ulong)(sum >> 64);
        }
    }

    /// <summary>The total as an integer count of 2^<see cref="LowestExponent"/>.</summary>
    public BigInteger ToBigInteger()
    {
        var bytes = new byte[limbs.Length * 8];
        for (int i = 0; i < limbs.Length; i++)
        {
            BitConverter.TryWriteBytes(bytes.AsSpan(i * 8), limbs[i]);
        }

        return new BigInteger(bytes, isUnsigned: false, isBigEndian: false);
    }

    public ExactAccumulator Clone()
    {
        var copy = new ExactAccumulator(LowestExponent, HighestExponent);
        limbs.CopyTo(copy.limbs, 0);
        return copy;
    }

    private void Add(int index, ulong part0, ulong part1, ulong part2)
    {
        ulong carry = 0;
        ReadOnlySpan<ulong> parts = [part0, part1, part2];
        int i = index;
        for (int p = 0; p < parts.Length && i < limbs.Length; p++, i++)
        {
            UInt128 sum = (UInt128)limbs[i] + parts[p] + carry;
            limbs[i] = (ulong)sum;
            carry = (ulong)(sum >> 64);
        }

        for (; carry != 0 && i < limbs.Length; i++)
        {
            limbs[i]++;
            carry = limbs[i] == 0 ? 1UL : 0UL;
        }
    }

    private void Subtract(int index, ulong part0, ulong part1, ulong part2)
    {
        ulong borrow = 0;
        ReadOnlySpan<ulong> parts = [part0, part1, part2];
        int i = index;
        for (int p = 0; p < parts.Length && i < limbs.Length; p++, i++)
        {
            ulong before = limbs[i];
            ulong after = before - parts[p] - borrow;
            borrow = (before < parts[p] || (before == parts[p] && borrow != 0)) ? 1UL : 0UL;
            limbs[i] = after;
        }

        for (; borrow != 0 && i < limbs.Length; i++)
        {
            borrow = limbs[i] == 0 ? 1UL : 0UL;
            limbs[i]--;
        }
    }
}
