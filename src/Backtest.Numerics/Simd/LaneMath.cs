using System.Runtime.CompilerServices;

namespace Backtest.Numerics.Simd;

/// <summary>
/// The fixed-point lane methods, written once for every vector width. Each gives, in every
/// lane it does not flag, exactly what <see cref="Fixed"/>'s scalar operation gives; the methods
/// that can fail in a lane (overflow, division by zero, magnitudes outside the proven range)
/// OR all-ones into <c>fallback</c> for that lane and leave its result unspecified. The public
/// faces are <see cref="FixedVector128"/>, <see cref="FixedVector256"/>, <see cref="FixedVector512"/>;
/// the array kernels (<see cref="FixedKernels"/>) are built on the same methods.
/// </summary>
internal static class LaneMath<TW, TL, TD>
    where TW : IVectorWidth<TL, TD>
    where TL : struct
    where TD : struct
{
    private const double TwoTo32 = 4294967296.0;
    private const double TwoToMinus32 = 1.0 / 4294967296.0;

    /// <summary>1.5 · 2⁵²: adding it to |v| &lt; 2⁵¹ leaves round(v) in the low mantissa bits (ulp 1 in [2⁵², 2⁵³)).</summary>
    private const double RoundingBias = 6755399441055744.0;

    private const long RoundingBiasBits = 0x4338000000000000;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TL Add(TL x, TL y, ref TL fallback)
    {
        TL sum = TW.Add(x, y);

        // Signed overflow: both operands have the sign the wrapped sum lacks.
        fallback = TW.Or(fallback, IsNegative(TW.And(TW.Xor(x, sum), TW.Xor(y, sum))));
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TL Subtract(TL x, TL y, ref TL fallback)
    {
        TL difference = TW.Subtract(x, y);

        // Signed overflow: the operands differ in sign and the wrapped difference has y's sign.
        fallback = TW.Or(fallback, IsNegative(TW.And(TW.Xor(x, y), TW.Xor(x, difference))));
        return difference;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TL Select(TL mask, TL ifNonZero, TL ifZero) =>
        TW.Select(TW.EqualTo(mask, TW.Zero), ifZero, ifNonZero);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TL Clamp(TL x, long min, long max) =>
        TW.Min(TW.Max(x, TW.Broadcast(min)), TW.Broadcast(max));

    /// <summary>
    /// round(a · b / c) per lane, exactly as <see cref="Fixed.MulDiv(long, long, long, Rounding)"/>,
    /// for every lane it does not flag in <paramref name="fallback"/>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Without a 64×64→128-bit multiply or an integer division in vector form, the quotient is
    /// estimated in doubles and then made exact with remainders computed in wrapping 64-bit
    /// arithmetic, which is exact whenever the true remainder is known to lie in (−2⁶³, 2⁶³).
    /// Write u = 2⁻⁵³ (a double's unit roundoff) and q = a·b/c (real).
    /// </para>
    /// <para>
    /// 0. Unless 0 &lt; |c| ≤ 2⁶¹ (<see cref="FixedDivisor.IsVectorSafe"/>), every lane is flagged.
    /// </para>
    /// <para>
    /// 1. q̃ = fl(fl(fl(a)·fl(b))·fl(1/fl(c))): six roundings, so |q̃ − q| ≤ 6.01u·|q|.
    /// The lane is flagged unless |q̃| ≤ L = min(2⁶², fl(2¹¹¹·|fl(1/fl(c))|)). From |q̃| ≤ L: |q| ≤ 2⁶²(1 + 2⁻⁴⁹), so nothing below can
    /// overflow 64 bits, and |a·b| ≤ 2¹¹¹(1 + 5.01u).
    /// </para>
    /// <para>
    /// 2. q₀ = q̃ rounded to an integer (split at 2³² so each half is converted exactly):
    /// |q₀ − q̃| ≤ 0.5 + 2⁻²¹. The remainder r₀ = a·b − q₀·c = c·(q − q₀) has
    /// |r₀| ≤ |a·b|·6.01u + |c|·(0.5 + 2⁻²¹) ≤ 0.76·2⁶¹ + 0.51·2⁶¹ &lt; 2⁶², so its wrapped
    /// value a·b − q₀·c mod 2⁶⁴ is exact.
    /// </para>
    /// <para>
    /// 3. The rest of the quotient t = r₀/c = q − q₀ has |t| ≤ 6.01u·|q| + 0.51 &lt; 2¹²; its
    /// estimate fl(fl(r₀)·fl(1/fl(c))) has four roundings, error &lt; 2¹²·4.01u &lt; 2⁻³⁸, and
    /// rounds to an integer t₁ with |t − t₁| ≤ 0.5 + 2⁻³⁸. Then q₁ = q₀ + t₁ and
    /// r₁ = r₀ − t₁·c = c·(q − q₁) with |r₁| ≤ |c|·(0.5 + 2⁻³⁸) &lt; 2⁶¹, again exact when wrapped
    /// (t₁·c itself may wrap; the difference does not).
    /// </para>
    /// <para>
    /// 4. q = q₁ + r₁/c with |r₁/c| &lt; 1, so the exact quotient is below q₁ when r₁ and c have
    /// opposite signs, above it when they have the same sign, and equal to it when r₁ = 0:
    /// floor, ceiling and truncation toward zero each move q₁ by at most one, and
    /// |q₁ ± 1| &lt; 2⁶³.
    /// </para>
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TL MulDiv(TL a, TL b, in FixedDivisor c, Rounding rounding, ref TL fallback)
    {
        if ((uint)rounding > (uint)Rounding.TowardZero)
        {
            throw new ArgumentOutOfRangeException(nameof(rounding), rounding, "unknown rounding mode");
        }

        if (!c.IsVectorSafe)
        {
            // c = 0, |c| > 2⁶¹ or a default FixedDivisor: no lane can be divided in vector form.
            fallback = TW.Broadcast(-1L);
            return TW.Zero;
        }

        TD reciprocal = TW.BroadcastDouble(c.Reciprocal);
        TD estimate = TW.MultiplyDouble(TW.MultiplyDouble(TW.ToDouble(a), TW.ToDouble(b)), reciprocal);
        fallback = TW.Or(fallback, TW.GreaterThanDouble(TW.AbsDouble(estimate), TW.BroadcastDouble(c.QuotientLimit)));

        TL divisor = TW.Broadcast(c.Value);
        TL q0 = RoundToInt64(estimate);
        TL r0 = TW.Subtract(TW.MultiplyLow(a, b), TW.MultiplyLow(q0, divisor));

        TL t1 = RoundSmallToInt64(TW.MultiplyDouble(TW.ToDouble(r0), reciprocal));
        TL q1 = TW.Add(q0, t1);
        TL r1 = TW.Subtract(r0, TW.MultiplyLow(t1, divisor));

        // r₁·sign(c) has the sign of r₁/c = q − q₁ (|r₁| < 2⁶¹, so negating cannot overflow).
        TL signOfC = TW.Broadcast(c.SignMask);
        TL scaledRemainder = TW.Subtract(TW.Xor(r1, signOfC), signOfC);
        TL below = IsNegative(scaledRemainder);
        TL above = TW.GreaterThan(scaledRemainder, TW.Zero);

        // Masks are −1 where true, so adding one steps down and subtracting it steps up.
        return rounding switch
        {
            Rounding.Floor => TW.Add(q1, below),
            Rounding.Ceiling => TW.Subtract(q1, above),
            _ => TW.Subtract(
                TW.Add(q1, TW.And(below, TW.GreaterThan(q1, TW.Zero))),
                TW.And(above, IsNegative(q1))),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TL IsNegative(TL x) => TW.GreaterThan(TW.Zero, x);

    /// <summary>
    /// An integer within 0.5 + 2⁻²¹ of v, for |v| ≤ 2⁶² (other lanes give an unspecified value).
    /// v = h·2³² + l with h = ⌊v·2⁻³²⌋ (|h| ≤ 2³⁰, exact) and l ∈ [0, 2³²] (exact when |v| ≥ 2³²;
    /// otherwise rounded by at most 2⁻²¹); each half is below 2⁵¹, where adding 1.5·2⁵² rounds it
    /// to an integer held in the low mantissa bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TL RoundToInt64(TD v)
    {
        TD high = TW.FloorDouble(TW.MultiplyDouble(v, TW.BroadcastDouble(TwoToMinus32)));
        TD low = TW.SubtractDouble(v, TW.MultiplyDouble(high, TW.BroadcastDouble(TwoTo32)));
        return TW.Add(TW.ShiftLeft(RoundSmallToInt64(high), 32), RoundSmallToInt64(low));
    }

    /// <summary>round(v) (ties to even) for |v| &lt; 2⁵¹.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TL RoundSmallToInt64(TD v) =>
        TW.Subtract(TW.AsInt64(TW.AddDouble(v, TW.BroadcastDouble(RoundingBias))), TW.Broadcast(RoundingBiasBits));
}
