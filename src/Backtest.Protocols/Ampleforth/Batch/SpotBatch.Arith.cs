using System.Runtime.CompilerServices;
using Backtest.Numerics;

namespace Backtest.Protocols.Ampleforth.Batch;

public sealed partial class SpotBatch
{
    /// <summary>
    /// a·b/c rounded as named, exactly as <see cref="Fixed.MulDiv(long, long, long, Rounding)"/>:
    /// non-negative operands over a positive divisor (every contract quantity) take an unsigned
    /// 128-by-64 division; anything else takes <see cref="Fixed"/> itself. Out of range or a zero
    /// divisor is a <see cref="LaneFault"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long MulDiv(long a, long b, long c, Rounding rounding)
    {
        if ((a | b) >= 0 && c > 0)
        {
            ulong hi = Math.BigMul((ulong)a, (ulong)b, out ulong lo);
            ulong d = (ulong)c;
            ulong q;
            ulong remainder;
            if (hi == 0)
            {
                q = lo / d;
                remainder = lo - (q * d);
            }
            else if (hi < d)
            {
                q = (ulong)(new UInt128(hi, lo) / d);
                remainder = lo - (q * d);
            }
            else
            {
                throw new LaneFault(SpotOutcome.Overflow);
            }

            if (remainder != 0 && rounding == Rounding.Ceiling)
            {
                q++;
            }

            return q <= long.MaxValue ? (long)q : throw new LaneFault(SpotOutcome.Overflow);
        }

        return SignedMulDiv(a, b, c, rounding);
    }

    /// <summary>The lane's refusal for the contract arithmetic's failure: a division by zero or an overflow (Solidity's checked arithmetic reverts on both).</summary>
    private static LaneFault Fault(FixedPointException e) =>
        new(e is FixedPointDivideByZeroException ? SpotOutcome.DivideByZero : SpotOutcome.Overflow);

    private static long SignedMulDiv(long a, long b, long c, Rounding rounding)
    {
        try
        {
            return Fixed.MulDiv(a, b, c, rounding);
        }
        catch (FixedPointException e)
        {
            throw Fault(e);
        }
    }

    /// <summary>a·b/c on 128-bit integers exactly as <see cref="Fixed.MulDiv(Int128, Int128, Int128, Rounding)"/>; faults as <see cref="MulDiv(long, long, long, Rounding)"/>.</summary>
    private static Int128 MulDiv(Int128 a, Int128 b, Int128 c, Rounding rounding)
    {
        if (a >= 0 && b >= 0 && c > 0 && b <= ulong.MaxValue && c <= ulong.MaxValue && a <= Int128.MaxValue)
        {
            return MulDivWide((UInt128)a, (ulong)b, (ulong)c, rounding);
        }

        if (a >= 0 && b >= 0 && c > 0 && a <= ulong.MaxValue && c <= ulong.MaxValue && b <= Int128.MaxValue)
        {
            return MulDivWide((UInt128)b, (ulong)a, (ulong)c, rounding);
        }

        try
        {
            return Fixed.MulDiv(a, b, c, rounding);
        }
        catch (FixedPointException e)
        {
            throw Fault(e);
        }
    }

    /// <summary>a·b/c for a below 2¹²⁷ and b, c below 2⁶⁴: a 192-bit product divided one word at a time.</summary>
    private static Int128 MulDivWide(UInt128 a, ulong b, ulong c, Rounding rounding)
    {
        ulong aLo = (ulong)a;
        ulong aHi = (ulong)(a >> 64);
        ulong p1 = Math.BigMul(aLo, b, out ulong p0);
        ulong p2 = Math.BigMul(aHi, b, out ulong mid);
        ulong w1 = p1 + mid;
        if (w1 < p1)
        {
            p2++;
        }

        // (p2, w1, p0) / c, long division by words.
        ulong q2 = p2 / c;
        ulong r = p2 - (q2 * c);
        ulong q1 = (ulong)(new UInt128(r, w1) / c);
        r = w1 - (q1 * c);
        ulong q0 = (ulong)(new UInt128(r, p0) / c);
        r = p0 - (q0 * c);
        if (q2 != 0)
        {
            throw new LaneFault(SpotOutcome.Overflow);
        }

        var q = new UInt128(q1, q0);
        if (r != 0 && rounding == Rounding.Ceiling)
        {
            q++;
        }

        return q <= (UInt128)Int128.MaxValue ? (Int128)q : throw new LaneFault(SpotOutcome.Overflow);
    }

    /// <summary>Narrows to an amount, as <see cref="Fixed.ToInt64"/>.</summary>
    private static long ToAmount(Int128 value) =>
        value <= long.MaxValue && value >= long.MinValue ? (long)value : throw new LaneFault(SpotOutcome.Overflow);

    /// <summary>a + b for amounts, as <see cref="Fixed.Add"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Plus(long a, long b)
    {
        long sum = unchecked(a + b);
        return ((a ^ sum) & (b ^ sum)) < 0 ? throw new LaneFault(SpotOutcome.Overflow) : sum;
    }
}
