using Backtest.Engine.Studies;
using Backtest.Market.Data;
using Backtest.Numerics;
using Backtest.Numerics.Random;

namespace Backtest.Engine.Models.Reserve;

/// <summary>Where a reserve run's vault prices come from: one price per vault per day, in USD.</summary>
internal interface IReservePrices
{
    /// <summary>Days per path.</summary>
    int Steps { get; }

    /// <summary>The calendar date of each day (historical replays), else null.</summary>
    IReadOnlyList<DateOnly>? Dates { get; }

    /// <summary>Whether every path is the same (a replay): the run then has one path.</summary>
    bool SinglePath { get; }

    /// <summary>Unix time of day 0's start.</summary>
    long Origin { get; }

    /// <summary>Each vault's price at calibration, before day 0.</summary>
    double[] Calibration { get; }

    /// <summary>Fills <c>prices[step · vaults + vault]</c> for a path and returns the day of its shock (−1: none).</summary>
    int Fill(long path, double[] prices);
}

/// <summary>The reserve model's draw indices within a (path, step); all below <see cref="Agents.HolderPopulation.FirstDraw"/>.</summary>
internal static class ReserveDraws
{
    public const int MaxVaults = 16;

    /// <summary>The volatile vaults' common factor.</summary>
    public const int Common = 0;

    /// <summary>The size of the crash, at the shock step.</summary>
    public const int Shock = 1 + MaxVaults;

    /// <summary>Vault <paramref name="vault"/>'s own shock.</summary>
    public static int Vault(int vault) => 1 + vault;
}

/// <summary>
/// Monte Carlo vault prices. A volatile vault's log price moves each day by
/// σ√Δt·(ρ·Z₀ + √(1 − ρ²)·Zᵥ) − σ²Δt/2 (Δt = 1/365), and at the shock step falls by
/// shock_drop × U, U uniform in [0.5, 1.5] (capped at 0.99), the same U for every volatile vault.
/// A stable vault's log price is an Ornstein–Uhlenbeck walk around 0 with a 5-day half-life.
/// Every vault starts at 1. Z₀ is draw 0, Zᵥ draw 1 + v, U draw 17 of (path, step).
/// </summary>
internal sealed class MonteCarloReservePrices(ParameterValues scenario, ReserveSettings settings, ulong seed, int scenarioIndex, int parameterSet) : IReservePrices
{
    private const double Dt = 1.0 / 365;

    private static readonly double StableReversion = DeterministicMath.Exp(-DeterministicMath.Log(2) / 5);

    private readonly RandomStream stream = RandomStream.Create(seed, scenarioIndex, parameterSet);
    private readonly double volatility = scenario.Real("volatility");
    private readonly double correlation = scenario.Real("correlation");
    private readonly double stableVolatility = scenario.Real("stable_volatility");
    private readonly int shockStep = (int)scenario.Integer("shock_step");
    private readonly double shockDrop = scenario.Real("shock_drop");

    public int Steps { get; } = (int)scenario.Integer("steps");

    public IReadOnlyList<DateOnly>? Dates => null;

    public bool SinglePath => false;

    /// <summary>2020-09-13T12:26:40Z, an arbitrary fixed origin (the reserve's rules read only differences of time).</summary>
    public long Origin => 1_600_000_000;

    public double[] Calibration { get; } = [.. Enumerable.Repeat(1.0, settings.VaultCount)];

    public int Fill(long path, double[] prices)
    {
        int vaults = settings.VaultCount;
        var logs = new double[vaults];
        var standard = new NormalDistribution(0, 1);
        double sqrtDt = Math.Sqrt(Dt);
        double own = Math.Sqrt(1 - (correlation * correlation));
        for (int step = 0; step < Steps; step++)
        {
            double common = standard.FromUniform(stream.Uniform(path, step, ReserveDraws.Common));
            double crash = step == shockStep
                ? DeterministicMath.Log(1 - Math.Min(0.99, shockDrop * (0.5 + stream.Uniform(path, step, ReserveDraws.Shock))))
                : 0;
            for (int v = 0; v < vaults; v++)
            {
                double z = standard.FromUniform(stream.Uniform(path, step, ReserveDraws.Vault(v)));
                logs[v] = settings.Stable[v]
                    ? (logs[v] * StableReversion) + (stableVolatility * sqrtDt * z)
                    : logs[v] + (volatility * sqrtDt * ((correlation * common) + (own * z))) - (volatility * volatility * Dt / 2) + crash;
                prices[(step * vaults) + v] = DeterministicMath.Exp(logs[v]);
            }
        }

        return shockStep < Steps ? shockStep : -1;
    }
}

/// <summary>
/// Two vaults replayed from the bundled files, one path: vault 0 is USDC at its Yahoo daily
/// close; vault 1 is a non-rebasing AMPL wrapper worth AMPL's daily close × the AMPL supply after
/// the last rebase on or before that day ÷ the supply at the start (so it starts at AMPL's price
/// and moves with AMPL's market capitalisation). A day without a close keeps the previous price.
/// Calibration is at the first day's prices.
/// </summary>
internal sealed class HistoricalReservePrices : IReservePrices
{
    private readonly double[] series;

    private HistoricalReservePrices(DateOnly[] dates, double[] series)
    {
        Dates = dates;
        this.series = series;
        Calibration = [series[0], series[1]];
        Origin = new DateTimeOffset(dates[0].ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
    }

    public int Steps => Dates!.Count;

    public IReadOnlyList<DateOnly>? Dates { get; }

    public bool SinglePath => true;

    public long Origin { get; }

    public double[] Calibration { get; }

    public static HistoricalReservePrices Load(ParameterValues scenario, ReserveSettings settings, DataAccess data)
    {
        if (settings.VaultCount != 2 || !settings.Stable[0] || settings.Stable[1])
        {
            throw new InputException("the historical reserve replays two vaults, USDC (stable) then an AMPL wrapper (volatile): set vault_weights to two weights and stable_vaults to [1, 0]", key: "vault_weights");
        }

        var start = scenario.Date("start");
        var end = scenario.Date("end");
        var cover = new Coverage(start, end);
        if (end <= start)
        {
            throw new InputException($"end {end:yyyy-MM-dd} is not after start {start:yyyy-MM-dd}", key: "end");
        }

        var usdc = HistoricalData.LoadUsdcDaily(data.File(BundledData.UsdcUsdYahooDaily.FileName), cover);
        var ampl = HistoricalData.LoadAmplDaily(data.File(BundledData.AmplUsdYahooDaily.FileName), cover);
        var supply = HistoricalData.LoadAmplSupply(data.File(BundledData.AmplSupplyPerRebase.FileName), cover);

        int days = end.DayNumber - start.DayNumber + 1;
        var dates = new DateOnly[days];
        var prices = new double[days * 2];
        decimal? usdcPrice = null, amplPrice = null;
        decimal startSupply = SupplyOn(supply, start);
        for (int d = 0; d < days; d++)
        {
            dates[d] = start.AddDays(d);
            usdcPrice = usdc.At(dates[d])?.Close ?? usdcPrice;
            amplPrice = ampl.At(dates[d])?.Close ?? amplPrice;
            if (usdcPrice is null || amplPrice is null)
            {
                throw new InputException($"no USDC or AMPL close on the first day {start:yyyy-MM-dd} or before any later one", key: "start");
            }

            prices[2 * d] = (double)usdcPrice.Value;
            prices[(2 * d) + 1] = (double)(amplPrice.Value * SupplyOn(supply, dates[d]) / startSupply);
        }

        return new HistoricalReservePrices(dates, prices);
    }

    public int Fill(long path, double[] prices)
    {
        series.CopyTo(prices, 0);
        return -1;
    }

    private static decimal SupplyOn(IReadOnlyList<SupplyRebase> rebases, DateOnly day)
    {
        decimal? supply = null;
        foreach (var r in rebases)
        {
            if (DateOnly.FromDateTime(r.TimestampUtc) > day)
            {
                break;
            }

            supply = r.Supply;
        }

        return supply ?? throw new InputException($"no AMPL rebase on or before {day:yyyy-MM-dd}", key: "start");
    }
}
