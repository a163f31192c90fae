namespace Backtest.Numerics.Lanes;

/// <summary>
/// A row of 64-bit lanes seen both as IEEE doubles and as raw bits: one lane (scalar) or a
/// Vector128/256/512. Deterministic kernels (<see cref="DeterministicMath"/>, the distributions)
/// are written once, generically over this interface, so every tier runs the same sequence of
/// IEEE operations on each lane and gives bit-identical results. Masks are lanes whose bits are
/// all ones (true) or all zeros (false). Arithmetic is the plain IEEE operation (no fused
/// multiply-add); there is deliberately no unary minus, because vector negation and scalar
/// negation disagree on the sign of zero: use <see cref="Negate"/>, a sign-bit flip, instead.
/// </summary>
internal interface IDoubleLanes<TSelf>
    where TSelf : struct, IDoubleLanes<TSelf>
{
    /// <summary>Lanes per value.</summary>
    static abstract int Count { get; }

    static abstract TSelf Create(double value);

    static abstract TSelf CreateBits(ulong bits);

    static abstract TSelf Load(ref double source, nuint index);

    static abstract void Store(TSelf value, ref double destination, nuint index);

    /// <summary>Loads <see cref="Count"/> 32-bit words, each zero-extended into a 64-bit lane (as bits).</summary>
    static abstract TSelf LoadWidened(ref uint source, nuint index);

    static abstract TSelf operator +(TSelf a, TSelf b);

    static abstract TSelf operator -(TSelf a, TSelf b);

    static abstract TSelf operator *(TSelf a, TSelf b);

    static abstract TSelf operator /(TSelf a, TSelf b);

    static abstract TSelf Sqrt(TSelf a);

    /// <summary>Flips the sign bit (−0 for +0, as scalar negation does).</summary>
    static abstract TSelf Negate(TSelf a);

    /// <summary>Clears the sign bit.</summary>
    static abstract TSelf Abs(TSelf a);

    static abstract TSelf LessThan(TSelf a, TSelf b);

    static abstract TSelf LessThanOrEqual(TSelf a, TSelf b);

    static abstract TSelf Equal(TSelf a, TSelf b);

    /// <summary>Per lane: <paramref name="mask"/> set ? <paramref name="ifTrue"/> : <paramref name="ifFalse"/>.</summary>
    static abstract TSelf Select(TSelf mask, TSelf ifTrue, TSelf ifFalse);

    static abstract TSelf And(TSelf a, TSelf b);

    static abstract TSelf Or(TSelf a, TSelf b);

    /// <summary>a AND NOT b.</summary>
    static abstract TSelf AndNot(TSelf a, TSelf b);

    static abstract TSelf ShiftLeft(TSelf bits, int count);

    static abstract TSelf ShiftRightLogical(TSelf bits, int count);

    /// <summary>64-bit integer addition of the raw bits (wrapping).</summary>
    static abstract TSelf AddBits(TSelf a, TSelf b);

    /// <summary>64-bit integer subtraction of the raw bits (wrapping).</summary>
    static abstract TSelf SubtractBits(TSelf a, TSelf b);

    /// <summary>Whether any lane of a mask is set.</summary>
    static abstract bool Any(TSelf mask);
}
