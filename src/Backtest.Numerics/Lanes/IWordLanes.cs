namespace Backtest.Numerics.Lanes;

/// <summary>
/// A row of 32-bit unsigned lanes (one, or a Vector128/256/512) for integer kernels such as
/// Philox. Integer arithmetic is exact, so every tier gives the same words by construction;
/// the tiers differ only in how a 32×32→64-bit product is formed.
/// </summary>
internal interface IWordLanes<TSelf>
    where TSelf : struct, IWordLanes<TSelf>
{
    static abstract int Count { get; }

    static abstract TSelf Create(uint value);

    /// <summary>Lane i holds <paramref name="start"/> + i (wrapping).</summary>
    static abstract TSelf Sequence(uint start);

    static abstract void Store(TSelf value, ref uint destination, nuint index);

    static abstract TSelf operator ^(TSelf a, TSelf b);

    /// <summary>The 64-bit product of each lane and <paramref name="multiplier"/>, split into its high and low words.</summary>
    static abstract void MultiplyHighLow(TSelf a, uint multiplier, out TSelf high, out TSelf low);
}
