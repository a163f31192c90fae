namespace Backtest.Protocols.Waterfall.Wf6;

/// <summary>
/// Per-path results of WF6 for a batch of paths, one array per output (structure of arrays):
/// per-tranche outputs are tranche-major (tranche index · capacity + path index), tranches
/// senior first. Amounts are nano-units; days are 1-based, −1 for never.
/// </summary>
public sealed class Wf6Outputs
{
    public Wf6Outputs(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
        FinalCapital = new long[Tranches.Count * capacity];
        WipedDay = new int[Tranches.Count * capacity];
        Premiums = new long[Tranches.Count * capacity];
        BreakerDay = new int[capacity];
        Shortfall = new long[capacity];
        MinTotalCapital = new long[capacity];
    }

    /// <summary>Paths the arrays hold.</summary>
    public int Capacity { get; }

    /// <summary>Capital at the end of the last day.</summary>
    public long[] FinalCapital { get; }

    /// <summary>First day at whose end the tranche's capital is 0, or −1.</summary>
    public int[] WipedDay { get; }

    /// <summary>Premiums paid to the tranche over the horizon.</summary>
    public long[] Premiums { get; }

    /// <summary>First day whose loss exceeded the breaker share of the capital at the start of the day, or −1.</summary>
    public int[] BreakerDay { get; }

    /// <summary>Loss no tranche could absorb, summed over the horizon.</summary>
    public long[] Shortfall { get; }

    /// <summary>Lowest total capital at day 0 or at the end of any day.</summary>
    public long[] MinTotalCapital { get; }

    /// <summary>The per-path values of one tranche's final capital.</summary>
    public Span<long> FinalCapitalOf(int tranche) => FinalCapital.AsSpan(tranche * Capacity, Capacity);

    public Span<int> WipedDayOf(int tranche) => WipedDay.AsSpan(tranche * Capacity, Capacity);

    public Span<long> PremiumsOf(int tranche) => Premiums.AsSpan(tranche * Capacity, Capacity);

    /// <summary>Copies every path into <paramref name="destination"/> from index <paramref name="offset"/> on.</summary>
    public void CopyTo(Wf6Outputs destination, int offset)
    {
        ArgumentNullException.ThrowIfNull(destination);
        for (int i = 0; i < Tranches.Count; i++)
        {
            FinalCapitalOf(i).CopyTo(destination.FinalCapitalOf(i)[offset..]);
            WipedDayOf(i).CopyTo(destination.WipedDayOf(i)[offset..]);
            PremiumsOf(i).CopyTo(destination.PremiumsOf(i)[offset..]);
        }

        BreakerDay.CopyTo(destination.BreakerDay.AsSpan(offset));
        Shortfall.CopyTo(destination.Shortfall.AsSpan(offset));
        MinTotalCapital.CopyTo(destination.MinTotalCapital.AsSpan(offset));
    }
}

/// <summary>
/// The days with losses of a batch of paths, compressed by path: path p's loss days are
/// <c>Days[Offsets[p] .. Offsets[p+1])</c>, strictly increasing within 1..horizon, each with the
/// day's total loss (positive, nano-units) in <c>Amounts</c> at the same index.
/// </summary>
public readonly ref struct Wf6LossDays
{
    public Wf6LossDays(ReadOnlySpan<int> offsets, ReadOnlySpan<int> days, ReadOnlySpan<long> amounts)
    {
        if (offsets.Length == 0 || days.Length != amounts.Length || offsets[^1] > days.Length)
        {
            throw new ArgumentException("offsets must have one entry per path plus one, and days and amounts the same length");
        }

        Offsets = offsets;
        Days = days;
        Amounts = amounts;
    }

    public ReadOnlySpan<int> Offsets { get; }

    public ReadOnlySpan<int> Days { get; }

    public ReadOnlySpan<long> Amounts { get; }

    public int Paths => Offsets.Length - 1;
}
