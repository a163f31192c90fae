using Backtest.Numerics;

namespace Backtest.Protocols.Waterfall.Wf6;

/// <summary>
/// The vault side of the WF6 workload (shared/spec/wf6_workload.md): six tranches with seed
/// 003's curves, constant coverage sold, a daily premium, a daily loss, a breaker that records
/// the first day a loss exceeds a share of the capital at the start of that day. Amounts are
/// <see cref="Fixed"/> nano-units (USD).
/// </summary>
public sealed record Wf6Terms
{
    /// <summary>Capital at day 0 ever reachable stays below this, so every lane product of the fast path fits 64 bits.</summary>
    public const long MaxReachableCapital = 1L << 60;

    /// <summary>The fast path holds a daily rate in 32 bits: APY up to 35% (2^32 · 2^−42 · 365 ≈ 35.6%).</summary>
    public const int MaxApyBps = 3_500;

    /// <summary>Initial capital per tranche, senior first (WF6: 25, 20, 18, 15, 12, 10 million).</summary>
    public required IReadOnlyList<long> InitialCapital { get; init; }

    /// <summary>APY curves, senior first (WF6: seed 003's).</summary>
    public required IReadOnlyList<ApyCurve> Curves { get; init; }

    /// <summary>Constant coverage sold (WF6: 80 million).</summary>
    public long CoverageSold { get; init; } = 80_000_000 * Fixed.One;

    /// <summary>Premium income per year as a share of coverage, in bps (WF6: 15%).</summary>
    public int PremiumRateBps { get; init; } = 1_500;

    /// <summary>Days simulated (WF6: 1095).</summary>
    public int Days { get; init; } = 1_095;

    /// <summary>Breaker: a day's loss above this share of the capital at the start of the day, in bps (WF6: 10%).</summary>
    public int BreakerBps { get; init; } = 1_000;

    /// <summary>Days per year for the premium and the APY (WF6: 365).</summary>
    public const int DaysPerYear = 365;

    /// <summary>The WF6 reference terms.</summary>
    public static Wf6Terms Reference { get; } = new()
    {
        InitialCapital = new[] { 25, 20, 18, 15, 12, 10 }.Select(m => m * 1_000_000L * Fixed.One).ToArray(),
        Curves = Tranches.SeniorFirst.Select(ApyCurve.Seed003).ToArray(),
    };

    /// <summary>P = coverage · rate / 365 per day, rounded down.</summary>
    public long DailyPremium => Fixed.MulDiv(CoverageSold, PremiumRateBps, 10_000L * DaysPerYear, Rounding.Floor);

    /// <summary>Σ initial capital.</summary>
    public long InitialTotal => InitialCapital.Aggregate(0L, Fixed.Add);

    /// <summary>Per-tranche daily rate tables (APY / 365 in 2^−42 units), senior first.</summary>
    public IReadOnlyList<RateTable> DailyRates() => Curves.Select(c => RateTable.For(c, DaysPerYear)).ToArray();

    /// <summary>Refuses terms outside what WF6 and its fast path handle, naming the field.</summary>
    public void Validate()
    {
        if (InitialCapital is null || InitialCapital.Count != Tranches.Count || InitialCapital.Any(c => c <= 0))
        {
            throw new InputException($"needs {Tranches.Count} positive initial capitals, senior first", key: "initial_capital");
        }

        if (Curves is null || Curves.Count != Tranches.Count)
        {
            throw new InputException($"needs {Tranches.Count} curves, senior first", key: "curves");
        }

        for (int i = 0; i < Curves.Count; i++)
        {
            Curves[i].Validate($"curves[{i}]");
            if (Curves[i].MaxBps > MaxApyBps)
            {
                throw new InputException($"MAX APY {Curves[i].MaxBps} bps is above the {MaxApyBps} bps WF6 supports", key: $"curves[{i}]");
            }
        }

        if (CoverageSold <= 0)
        {
            throw new InputException("coverage sold must be positive", key: "coverage");
        }

        if (PremiumRateBps is <= 0 or > 10_000)
        {
            throw new InputException("premium rate must lie in (0, 10000] bps", key: "premium_rate");
        }

        if (Days is < 1 or > 36_500)
        {
            throw new InputException("days must lie in 1..36500", key: "days");
        }

        if (BreakerBps is <= 0 or > 10_000)
        {
            throw new InputException("breaker threshold must lie in (0, 10000] bps", key: "breaker");
        }

        if ((Int128)InitialTotal + ((Int128)DailyPremium * Days) >= MaxReachableCapital)
        {
            throw new InputException($"initial capital plus every premium must stay below {Fixed.Format(MaxReachableCapital)}", key: "initial_capital");
        }
    }
}
