using System.Numerics;
using System.Runtime.CompilerServices;
using Backtest.Protocols.Ampleforth.Tokens;

namespace Backtest.Protocols.Ampleforth.Batch;

/// <summary>An unsigned 256-bit integer as four 64-bit words, least significant first, for the gons arithmetic of the batch.</summary>
internal struct U256
{
    public ulong W0;
    public ulong W1;
    public ulong W2;
    public ulong W3;

    public U256(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        W0 = w0;
        W1 = w1;
        W2 = w2;
        W3 = w3;
    }

    public readonly bool IsZero => (W0 | W1 | W2 | W3) == 0;

    public static U256 FromBigInteger(BigInteger value)
    {
        if (value.Sign < 0 || value >= BigInteger.One << 256)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "not a 256-bit unsigned value");
        }

        var mask = (BigInteger)ulong.MaxValue;
        return new U256((ulong)(value & mask), (ulong)((value >> 64) & mask), (ulong)((value >> 128) & mask), (ulong)(value >> 192));
    }

    public readonly BigInteger ToBigInteger() =>
        ((BigInteger)W3 << 192) | ((BigInteger)W2 << 128) | ((BigInteger)W1 << 64) | W0;

    /// <summary>The number of significant bits (0 for zero).</summary>
    public readonly int BitLength =>
        W3 != 0 ? 256 - BitOperations.LeadingZeroCount(W3)
        : W2 != 0 ? 192 - BitOperations.LeadingZeroCount(W2)
        : W1 != 0 ? 128 - BitOperations.LeadingZeroCount(W1)
        : 64 - BitOperations.LeadingZeroCount(W0);

    /// <summary>a·m + c and the word carried out of the top.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static U256 MulAdd(in U256 a, ulong m, in U256 c, out ulong carryOut)
    {
        ulong h0 = Math.BigMul(a.W0, m, out ulong l0);
        ulong h1 = Math.BigMul(a.W1, m, out ulong l1);
        ulong h2 = Math.BigMul(a.W2, m, out ulong l2);
        ulong h3 = Math.BigMul(a.W3, m, out ulong l3);
        ulong carry;
        ulong r0 = Add(l0, c.W0, 0, out carry);
        ulong r1 = Add(l1, h0, carry, out ulong k1);
        r1 = Add(r1, c.W1, 0, out ulong k1b);
        ulong r2 = Add(l2, h1, k1 + k1b, out ulong k2);
        r2 = Add(r2, c.W2, 0, out ulong k2b);
        ulong r3 = Add(l3, h2, k2 + k2b, out ulong k3);
        r3 = Add(r3, c.W3, 0, out ulong k3b);
        carryOut = h3 + k3 + k3b;
        return new U256(r0, r1, r2, r3);
    }

    /// <summary>(a, aTop) − (b, bTop) for 320-bit values split into a 256-bit part and a top word; the caller guarantees no borrow out.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static U256 Sub(in U256 a, in U256 b, out ulong borrowOut)
    {
        ulong r0 = SubWord(a.W0, b.W0, 0, out ulong k);
        ulong r1 = SubWord(a.W1, b.W1, k, out k);
        ulong r2 = SubWord(a.W2, b.W2, k, out k);
        ulong r3 = SubWord(a.W3, b.W3, k, out k);
        borrowOut = k;
        return new U256(r0, r1, r2, r3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Compare(in U256 a, in U256 b)
    {
        if (a.W3 != b.W3)
        {
            return a.W3 < b.W3 ? -1 : 1;
        }

        if (a.W2 != b.W2)
        {
            return a.W2 < b.W2 ? -1 : 1;
        }

        if (a.W1 != b.W1)
        {
            return a.W1 < b.W1 ? -1 : 1;
        }

        return a.W0 == b.W0 ? 0 : a.W0 < b.W0 ? -1 : 1;
    }

    /// <summary>The 128 bits of the value from bit <paramref name="shift"/> up (0 ≤ shift &lt; 192; higher bits must be zero).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly UInt128 ShiftRightTo128(int shift)
    {
        int word = shift >> 6;
        int bits = shift & 63;
        ulong a = Word(word);
        ulong b = Word(word + 1);
        ulong c = Word(word + 2);
        if (bits == 0)
        {
            return new UInt128(b, a);
        }

        ulong lo = (a >> bits) | (b << (64 - bits));
        ulong hi = (b >> bits) | (c << (64 - bits));
        return new UInt128(hi, lo);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly ulong Word(int index) => index switch
    {
        0 => W0,
        1 => W1,
        2 => W2,
        3 => W3,
        _ => 0,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Add(ulong a, ulong b, ulong carryIn, out ulong carryOut)
    {
        ulong s = a + b;
        ulong c1 = s < a ? 1UL : 0UL;
        ulong t = s + carryIn;
        ulong c2 = t < s ? 1UL : 0UL;
        carryOut = c1 + c2;
        return t;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong SubWord(ulong a, ulong b, ulong borrowIn, out ulong borrowOut)
    {
        ulong d = a - b;
        ulong k1 = a < b ? 1UL : 0UL;
        ulong e = d - borrowIn;
        ulong k2 = d < borrowIn ? 1UL : 0UL;
        borrowOut = k1 + k2;
        return e;
    }
}

/// <summary>
/// The AMPL token's gons arithmetic, exactly and without <see cref="BigInteger"/>. An account's
/// gons g are kept as its balance b = ⌊g / gonsPerFragment⌋ and the remainder r = g − b·gpf
/// (0 ≤ r &lt; gpf). A transfer moves v·gpf gons, so at one rate it changes b by v and leaves r
/// alone: transfers between rebases are plain additions. Only a rebase (a new gpf′) needs the
/// 256-bit arithmetic: g = b·gpf + r, then b′ = ⌊g / gpf′⌋ and r′ = g − b′·gpf′, which is what
/// the token's <c>gons / gonsPerFragment</c> gives for every later read.
/// </summary>
internal static class Gons
{
    /// <summary>TOTAL_GONS of the token.</summary>
    public static readonly U256 Total = U256.FromBigInteger(AmplToken.TotalGons.ToBigInteger());

    /// <summary>
    /// gonsPerFragment = ⌊TOTAL_GONS / supply⌋ for 0 &lt; supply &lt; 2⁶³: schoolbook long division
    /// by the normalised supply, one 64-bit quotient word at a time (each partial remainder is
    /// below the divisor, so each 128-by-64 step has a one-word quotient).
    /// </summary>
    public static U256 PerFragment(long supply)
    {
        int s = BitOperations.LeadingZeroCount((ulong)supply);
        ulong d = (ulong)supply << s;
        ulong v = Reciprocal(d);
        var t = Total;
        ulong u4 = s == 0 ? 0 : t.W3 >> (64 - s);
        ulong u3 = (t.W3 << s) | (s == 0 ? 0 : t.W2 >> (64 - s));
        ulong u2 = (t.W2 << s) | (s == 0 ? 0 : t.W1 >> (64 - s));
        ulong u1 = (t.W1 << s) | (s == 0 ? 0 : t.W0 >> (64 - s));
        ulong u0 = t.W0 << s;
        ulong q3 = DivideStep(u4, u3, d, v, out ulong r);
        ulong q2 = DivideStep(r, u2, d, v, out r);
        ulong q1 = DivideStep(r, u1, d, v, out r);
        ulong q0 = DivideStep(r, u0, d, v, out _);
        return new U256(q0, q1, q2, q3);
    }

    /// <summary>
    /// The reciprocal of a normalised divisor (top bit set) for <see cref="DivideStep"/>:
    /// ⌊(2¹²⁸ − 1)/d⌋ − 2⁶⁴ (Möller and Granlund, "Improved division by invariant integers", 2011).
    /// </summary>
    public static ulong Reciprocal(ulong d) => (ulong)(UInt128.MaxValue / d);

    /// <summary>
    /// ⌊(u1·2⁶⁴ + u0)/d⌋ and the remainder, for a normalised d and u1 &lt; d, with the
    /// precomputed reciprocal v: the 2-by-1 division of Möller and Granlund (their Algorithm 4),
    /// two multiplications and at most two corrections instead of a hardware division.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong DivideStep(ulong u1, ulong u0, ulong d, ulong v, out ulong remainder)
    {
        ulong q1 = Math.BigMul(v, u1, out ulong q0);
        q0 += u0;
        q1 += u1 + (q0 < u0 ? 1UL : 0UL) + 1;
        ulong r = u0 - (q1 * d);
        if (r > q0)
        {
            q1--;
            r += d;
        }

        if (r >= d)
        {
            q1++;
            r -= d;
        }

        remainder = r;
        return q1;
    }

    /// <summary>
    /// Moves an account from rate <paramref name="gpfOld"/> to <paramref name="gpfNew"/>:
    /// g = b·gpfOld + r, then b = ⌊g / gpfNew⌋ and r = g mod gpfNew. <paramref name="top"/> and
    /// <paramref name="reciprocal"/> describe gpfNew: its 64 bits from bit <paramref name="shift"/>
    /// (the top bit set) and that word's <see cref="Reciprocal"/>.
    /// </summary>
    /// <remarks>
    /// The quotient is estimated from the top bits: with k = bitlength(gpfNew) − 64, n = ⌊g/2ᵏ⌋
    /// and d = ⌊gpfNew/2ᵏ⌋ ∈ [2⁶³, 2⁶⁴), g/gpfNew lies in (n/(d+1), (n+1)/d), so
    /// q̂ = ⌊n/d⌋ is within [q − 1, q + 2] of the true q = ⌊g/gpfNew⌋ (n/d − n/(d+1) &lt; 2 because
    /// n &lt; 2¹²⁷, d ≥ 2⁶³, and (n+1)/d − n/d &lt; 1). q &lt; 2⁶³ because a balance never exceeds
    /// the supply, so n's high word is below d and the 2-by-1 step applies. The remainder
    /// g − q̂·gpfNew is then corrected by at most two subtractions or one addition of gpfNew;
    /// q̂·gpfNew is formed with its carry word, since it may exceed 2²⁵⁶ by up to 2·gpfNew.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Rebase(ref long balance, ref U256 remainder, in U256 gpfOld, in U256 gpfNew, int shift, ulong top, ulong reciprocal)
    {
        var g = U256.MulAdd(gpfOld, (ulong)balance, remainder, out ulong carry);
        if (carry != 0)
        {
            throw new InvalidOperationException("an account holds more gons than TOTAL_GONS");
        }

        UInt128 n = g.ShiftRightTo128(shift);
        ulong q = DivideStep((ulong)(n >> 64), (ulong)n, top, reciprocal, out _);
        var product = U256.MulAdd(gpfNew, q, default, out ulong productTop);

        // Too large: step down until q̂·gpf ≤ g (at most twice).
        while (productTop != 0 || U256.Compare(product, g) > 0)
        {
            q--;
            product = U256.Sub(product, gpfNew, out ulong borrow);
            productTop -= borrow;
        }

        var r = U256.Sub(g, product, out _);
        if (U256.Compare(r, gpfNew) >= 0)
        {
            q++;
            r = U256.Sub(r, gpfNew, out _);
        }

        balance = (long)q;
        remainder = r;
    }

    /// <summary>The shift that leaves the top 64 bits of a rate: bitlength − 64 (rates are at least 2¹⁹² for supplies below 2⁶³).</summary>
    public static int ShiftFor(in U256 gpf) => gpf.BitLength - 64;

    /// <summary>A balance and remainder from exact gons at a rate (import).</summary>
    public static (long Balance, U256 Remainder) Split(BigInteger gons, BigInteger gpf)
    {
        var balance = BigInteger.DivRem(gons, gpf, out var remainder);
        return ((long)balance, U256.FromBigInteger(remainder));
    }
}
