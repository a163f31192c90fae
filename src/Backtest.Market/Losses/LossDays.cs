namespace Backtest.Market.Losses;

/// <summary>
/// The days with losses of a batch of paths, compressed by path: path p's loss days are
/// <c>Days[Offsets[p] .. Offsets[p + 1])</c>, strictly increasing, each with that day's total
/// loss (positive, nano-units) at the same index of <c>Amounts</c>. Buffers grow as needed and
/// are reused from batch to batch.
/// </summary>
public sealed class LossDays
{
    private int[] offsets = new int[1];
    private int[] days = new int[64];
    private long[] amounts = new long[64];

    /// <summary>Paths held.</summary>
    public int Paths { get; private set; }

    /// <summary>Loss days held, over all paths.</summary>
    public int Count { get; private set; }

    public ReadOnlySpan<int> Offsets => offsets.AsSpan(0, Paths + 1);

    public ReadOnlySpan<int> Days => days.AsSpan(0, Count);

    public ReadOnlySpan<long> Amounts => amounts.AsSpan(0, Count);

    /// <summary>Empties the batch.</summary>
    public void Clear()
    {
        Paths = 0;
        Count = 0;
        offsets[0] = 0;
    }

    /// <summary>Appends a loss day to the path being built; adds to it if it is that path's latest day.</summary>
    public void Add(int day, long amount)
    {
        if (Count > offsets[Paths] && days[Count - 1] == day)
        {
            amounts[Count - 1] = checked(amounts[Count - 1] + amount);
            return;
        }

        if (Count == days.Length)
        {
            Array.Resize(ref days, 2 * Count);
            Array.Resize(ref amounts, 2 * Count);
        }

        days[Count] = day;
        amounts[Count] = amount;
        Count++;
    }

    /// <summary>Closes the path being built; the next <see cref="Add"/> starts the next path.</summary>
    public void EndPath()
    {
        if (Paths + 2 > offsets.Length)
        {
            Array.Resize(ref offsets, Math.Max(2 * offsets.Length, Paths + 2));
        }

        Paths++;
        offsets[Paths] = Count;
    }
}
