namespace Backtest.Market.Data;

/// <summary>
/// The dates a data file must span: its first row dated on or before <see cref="First"/> and its
/// last row on or after <see cref="Last"/> (for intraday and rebase files, the UTC dates of the
/// first and last timestamps; for monthly files, the months' first days). Rows inside the span
/// may be gaps; the span itself may not be shorter.
/// </summary>
public readonly record struct Coverage(DateOnly First, DateOnly Last)
{
    /// <summary>Requires no particular dates, only at least one data row.</summary>
    public static Coverage AnySpan { get; } = new(DateOnly.MaxValue, DateOnly.MinValue);
}
