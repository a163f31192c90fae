namespace Backtest.Market.Scenarios;

/// <summary>
/// A source of market paths: AMPL's market and target prices and USDC's price, per path and
/// per step, for any range of paths. Every value depends only on the scenario's settings, its
/// random key and the (path, step) it belongs to, so a path is the same whichever batch, thread
/// or shard computes it. Implementations: <see cref="HistoricalReplay"/> (one path, the bundled
/// history) and <see cref="MonteCarloMarketScenario"/> (a model of AMPL's deviation from target,
/// a target path and USDC de-peg shocks). Instances are immutable and safe to share between threads;
/// each thread fills its own <see cref="MarketPathBatch"/>.
/// </summary>
public interface IMarketScenario
{
    /// <summary>How many paths exist: 1 for a replay, <c>RandomStream.MaxPath + 1</c> for Monte Carlo.</summary>
    long PathCount { get; }

    /// <summary>Steps per path (days; step 0 is the first day).</summary>
    int Steps { get; }

    /// <summary>The calendar day of each step where the scenario has dates (a replay, or Monte Carlo given a start date), else null.</summary>
    DailyAxis? Days { get; }

    /// <summary>
    /// Writes paths <paramref name="firstPath"/> … <paramref name="firstPath"/> + <paramref name="count"/> − 1,
    /// every step, into <paramref name="batch"/> (whose <see cref="MarketPathBatch.Steps"/> must equal
    /// <see cref="Steps"/>). Throws <see cref="ArgumentOutOfRangeException"/> for paths beyond <see cref="PathCount"/>.
    /// </summary>
    void Fill(long firstPath, int count, MarketPathBatch batch);
}

/// <summary>Conveniences over <see cref="IMarketScenario"/>.</summary>
public static class MarketScenarios
{
    /// <summary>A batch sized for <paramref name="scenario"/>'s horizon holding up to <paramref name="capacity"/> paths.</summary>
    public static MarketPathBatch CreateBatch(this IMarketScenario scenario, int capacity) => new(capacity, scenario.Steps);

    /// <summary>Checks a requested path range against a scenario's path count.</summary>
    internal static void CheckPaths(IMarketScenario scenario, long firstPath, int count)
    {
        if (firstPath < 0 || count <= 0 || firstPath > scenario.PathCount - count)
        {
            throw new ArgumentOutOfRangeException(nameof(firstPath), firstPath, $"paths {firstPath}..{firstPath + count - 1} are outside the scenario's 0..{scenario.PathCount - 1}");
        }
    }
}
