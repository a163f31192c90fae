namespace Backtest.Protocols.Reserve;

/// <summary>A moment on chain: the block's timestamp (unix seconds) and its number.</summary>
public readonly record struct ChainTime(long Timestamp, long Block);

/// <summary>
/// Maps time to blocks for runs that only have timestamps: block = origin block +
/// ⌊(t − origin time) / seconds per block⌋ (12 s per block on Ethereum mainnet by default).
/// Flow memories decay per block, so the per-second decay they imply is memory^(1/seconds per
/// block). Start the origin block at 1 or later: Gyroscope's lock test is "block ≤ last safety
/// block" and a fresh state has last safety block 0, so block 0 refuses every non-zero amount.
/// </summary>
public sealed record BlockClock(long OriginTimestamp, long OriginBlock, int SecondsPerBlock = 12)
{
    /// <summary>The chain time of the block containing <paramref name="timestamp"/>; times before the origin are an error.</summary>
    public ChainTime At(long timestamp)
    {
        if (timestamp < OriginTimestamp)
        {
            throw new ArgumentOutOfRangeException(nameof(timestamp), timestamp, $"before the clock's origin {OriginTimestamp}");
        }

        if (SecondsPerBlock <= 0)
        {
            throw new InvalidOperationException($"seconds per block must be positive, not {SecondsPerBlock}");
        }

        return new ChainTime(timestamp, OriginBlock + ((timestamp - OriginTimestamp) / SecondsPerBlock));
    }
}
