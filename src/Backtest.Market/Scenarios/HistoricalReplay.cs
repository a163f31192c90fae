namespace Backtest.Market.Scenarios;

/// <summary>
/// Settings of <see cref="HistoricalReplay"/>: the window of the bundled history to replay.
/// Defaults: the whole of it (2019-06-28 .. 2022-09-28 with the bundled files).
/// </summary>
public sealed record ReplayOptions
{
    /// <summary>First day replayed; null for the history's first day.</summary>
    public DateOnly? From { get; init; }

    /// <summary>Last day replayed (included); null for the history's last day.</summary>
    public DateOnly? To { get; init; }
}

/// <summary>
/// The bundled history as a scenario with one path (path 0): AMPL's close, its PCE target and
/// USDC's close for each day of the window, gaps carried forward as <see cref="MarketHistory"/>
/// describes and flagged per step (<see cref="FlagOf"/>). No randomness.
/// </summary>
public sealed class HistoricalReplay : IMarketScenario
{
    private readonly MarketHistory history;
    private readonly int offset;

    /// <summary>A replay of <paramref name="options"/>' window of <paramref name="history"/>; a window off the history is an <see cref="InputException"/> naming the option.</summary>
    public HistoricalReplay(MarketHistory history, ReplayOptions options)
    {
        this.history = history;
        var all = history.Days;
        var first = options.From ?? all.First;
        var last = options.To ?? all.Last;
        if (!all.Contains(first))
        {
            throw new InputException($"{first:yyyy-MM-dd} is outside the replayable history {all}", key: nameof(ReplayOptions.From));
        }

        if (!all.Contains(last) || last < first)
        {
            throw new InputException($"{last:yyyy-MM-dd} is outside the replayable history {all} or before From ({first:yyyy-MM-dd})", key: nameof(ReplayOptions.To));
        }

        offset = all.StepOf(first);
        Days = DailyAxis.Between(first, last);
    }

    /// <inheritdoc/>
    public long PathCount => 1;

    /// <inheritdoc/>
    public int Steps => Days.Length;

    /// <summary>The replayed days.</summary>
    public DailyAxis Days { get; }

    DailyAxis? IMarketScenario.Days => Days;

    /// <summary>What step <paramref name="step"/> holds (carried forward, partial day).</summary>
    public ReplayDayFlags FlagOf(int step) => history.Flags[offset + CheckStep(step)];

    /// <inheritdoc/>
    public void Fill(long firstPath, int count, MarketPathBatch batch)
    {
        MarketScenarios.CheckPaths(this, firstPath, count);
        batch.Begin(firstPath, count, Steps);
        for (int step = 0; step < Steps; step++)
        {
            batch.AmplPrice(step)[0] = history.AmplClose[offset + step];
            batch.AmplTarget(step)[0] = history.AmplTarget[offset + step];
            batch.UsdcPrice(step)[0] = history.UsdcClose[offset + step];
        }
    }

    private int CheckStep(int step) =>
        (uint)step < (uint)Steps ? step : throw new ArgumentOutOfRangeException(nameof(step), step, $"steps are 0..{Steps - 1}");
}
