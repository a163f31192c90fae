using Backtest.Engine.Agents;
using Backtest.Engine.Studies;
using Backtest.Market;
using Backtest.Market.Data;
using Backtest.Numerics;
using Backtest.Numerics.Random;

namespace Backtest.Engine.Models.Spot;

/// <summary>
/// One path of market inputs, one entry per day: AMPL's market price (the day's close, USD),
/// AMPL's target (USD), USDC's price (USD), the calendar day (nominal for undated paths), the
/// path's likelihood ratio and the step of its first shock (−1 if none). Amounts are 9-decimal.
/// </summary>
public sealed record SpotMarketPath(long[] AmplPrice, long[] AmplTarget, long[] UsdcPrice, DateOnly[] Days, long InitialSupply, long OpeningPrice, double Weight, int ShockStep)
{
    public int Steps => AmplPrice.Length;

    /// <summary>The market oracle's rate at step t: the previous day's close (the opening price on step 0).</summary>
    public long OracleRate(int step) => step == 0 ? OpeningPrice : AmplPrice[step - 1];
}

/// <summary>
/// The bundled history as a spot-model path: AMPL/USD daily closes (Yahoo) with the four missing
/// days of 2021-12-28..31 carried from the last close; USDC/USD daily closes; the target from
/// PCEPI (<see cref="AmplTargetRate"/>); the initial supply the last recorded rebase at or
/// before the first day left (50,000,000 AMPL for 2019-06-28). Prices convert to amounts
/// rounding half away from zero at the 9th decimal (<c>decimal.Round</c>), a named, deterministic conversion.
/// </summary>
public static class SpotHistory
{
    public static readonly DateOnly First = new(2019, 6, 28);
    public static readonly DateOnly Last = new(2022, 9, 28);

    public static SpotMarketPath Load(DataAccess data, DateOnly start, DateOnly end)
    {
        if (start < First || end > Last || end < start)
        {
            throw new InputException($"the history covers {First:yyyy-MM-dd}..{Last:yyyy-MM-dd}; asked for {start:yyyy-MM-dd}..{end:yyyy-MM-dd}", key: "start/end");
        }

        var ampl = HistoricalData.LoadAmplDaily(data.File(BundledData.AmplUsdYahooDaily.FileName));
        var usdc = HistoricalData.LoadUsdcDaily(data.File(BundledData.UsdcUsdYahooDaily.FileName));
        var pcepi = HistoricalData.LoadPcepi(data.File(BundledData.UsPcepiMonthly.FileName));
        var supply = HistoricalData.LoadAmplSupply(data.File(BundledData.AmplSupplyPerRebase.FileName));
        int steps = end.DayNumber - start.DayNumber + 1;
        var axis = new DailyAxis(start, steps);
        var targets = AmplTargetRate.Daily(pcepi, axis);
        var price = new long[steps];
        var target = new long[steps];
        var usd = new long[steps];
        var days = new DateOnly[steps];
        long last = 0;
        decimal? opening = null;
        for (int t = 0; t < steps; t++)
        {
            var day = start.AddDays(t);
            days[t] = day;
            var bar = ampl.At(day);
            last = bar is { } b ? Amount(b.Close) : last;
            price[t] = last > 0 ? last : throw new InputException($"no AMPL close on or before {day:yyyy-MM-dd}", key: "start");
            target[t] = targets[t] ?? throw new InputException($"no AMPL target for {day:yyyy-MM-dd} in the PCEPI file", key: "start");
            usd[t] = Amount((usdc.At(day) ?? throw new InputException($"no USDC close for {day:yyyy-MM-dd}", key: "start")).Close);
        }

        var previous = start.AddDays(-1);
        if (previous >= First && ampl.At(previous) is { } p)
        {
            opening = p.Close;
        }

        var startInstant = start.ToDateTime(TimeOnly.MinValue);
        var initial = supply.LastOrDefault(r => r.TimestampUtc < startInstant);
        long initialSupply = initial.Supply > 0 ? Amount(initial.Supply) : throw new InputException($"no recorded AMPL supply before {start:yyyy-MM-dd}", key: "start");
        return new SpotMarketPath(price, target, usd, days, initialSupply, opening is { } o ? Amount(o) : price[0], 1.0, -1);
    }

    internal static long Amount(decimal value) => Fixed.FromDecimal(decimal.Round(value, Fixed.Decimals, MidpointRounding.AwayFromZero));
}

/// <summary>The settings every Monte Carlo kind of the spot model shares: horizon, nominal dates, start, target path and supply.</summary>
/// <param name="Horizon">Days per path.</param>
/// <param name="NominalStart">The date of day 0 (the policy era and the bond calendar follow it).</param>
/// <param name="StartDeviation">ln(AMPL price / target) on day 0.</param>
/// <param name="StartTarget">AMPL's target on day 0 (USD, 9 decimals).</param>
/// <param name="Inflation">Yearly growth of the target.</param>
/// <param name="InitialSupply">AMPL supply on day 0 (9 decimals).</param>
public sealed record SpotPathSettings(int Horizon, DateOnly NominalStart, double StartDeviation, long StartTarget, double Inflation, long InitialSupply);

/// <summary>The scenario parameters of <see cref="SpotPathSettings"/>, shared by every Monte Carlo kind.</summary>
public static class SpotScenarioParameters
{
    /// <summary>
    /// The path parameters around a kind's own (<paramref name="own"/>, listed between the start and
    /// the target), the target growing at <paramref name="inflation"/> a year by default. The order
    /// is the order of the run manifest's settings.
    /// </summary>
    public static IReadOnlyList<ParameterSpec> Path(double inflation, IReadOnlyList<ParameterSpec> own) =>
    [
        ParameterSpec.Integer("horizon_days", 365, "days per path", min: 2, max: 3_650, unit: "days"),
        ParameterSpec.Date("start_date", new DateOnly(2026, 1, 7), "nominal date of day 0 (sets the AMPL policy era and the bond calendar)"),
        ParameterSpec.Real("start_deviation", 0, "ln(AMPL price / target) on day 0", min: -5, max: 5),
        .. own,
        ParameterSpec.Amount("start_target", "0", "AMPL target on day 0 in USD (0: the latest target the bundled PCEPI file gives)", min: "0", max: "100", unit: "USD"),
        ParameterSpec.Real("inflation", inflation, "yearly growth of the target", min: -0.5, max: 1, unit: "per year"),
        ParameterSpec.Amount("ampl_supply", "50000000", "AMPL supply on day 0", min: "1000000", max: "1000000000", unit: "AMPL"),
    ];

    /// <summary>The values of <see cref="Path"/>'s parameters; a start target of 0 becomes the latest target of the bundled PCEPI file.</summary>
    public static SpotPathSettings Read(ParameterValues scenario, DataAccess data)
    {
        long target = scenario.Amount("start_target");
        if (target == 0)
        {
            var pcepi = HistoricalData.LoadPcepi(data.File(BundledData.UsPcepiMonthly.FileName));
            var lastDay = pcepi.Axis.MonthOf(pcepi.Length - 1).AddMonths(AmplTargetRate.PublicationLagMonths);
            target = AmplTargetRate.Daily(pcepi, new DailyAxis(lastDay, 1))[0] ?? throw new InputException("no target from the PCEPI file", key: "start_target");
        }

        return new SpotPathSettings(
            (int)scenario.Integer("horizon_days"),
            scenario.Date("start_date"),
            scenario.Real("start_deviation"),
            target,
            scenario.Real("inflation"),
            scenario.Amount("ampl_supply"));
    }
}

/// <summary>
/// The settings of the <c>stress</c> scenario: AMPL's log deviation from target
/// x = ln(price/target) follows x(t+1) = (1 − κ)·x(t) + σ·Z(t) − J(t), with Z standard normal,
/// J a crash of exponential size (mean <see cref="CrashMean"/>) arriving with daily probability
/// <see cref="CrashProbability"/>; the target grows at <see cref="Inflation"/> a year; USDC is
/// 1 except for a March-2023 de-peg replayed from <see cref="DepegDay"/> on. Importance sampling
/// tilts Z to mean −<see cref="Tilt"/> (exponential tilting of the Gaussian shock) and weights
/// each path by its likelihood ratio Π exp(θ·Zᵢ + θ²/2) (Zᵢ the tilted draws).
/// </summary>
public sealed record StressSettings(
    int Horizon,
    DateOnly NominalStart,
    double StartDeviation,
    double MeanReversion,
    double Volatility,
    double CrashProbability,
    double CrashMean,
    double Tilt,
    long StartTarget,
    double Inflation,
    long InitialSupply,
    int DepegDay);

/// <summary>
/// Generates <c>stress</c> paths from the counter-based stream: draws (path, step, 0) for Z
/// (Φ⁻¹ of the uniform), (path, step, 1) for the crash arrival and (path, step, 2) for its size,
/// all below <see cref="HolderPopulation.FirstDraw"/>. Values go through
/// <see cref="DeterministicMath"/> and turn into amounts with <see cref="Fixed.FromDouble"/>.
/// </summary>
public sealed class StressMarket(StressSettings settings, RandomStream stream, long[]? depeg) : ISpotMarket
{
    /// <summary>Daily USDC prices of the March 2023 de-peg: the lowest 15-minute close of each UTC day 2023-03-10..2023-03-15 (bundled file).</summary>
    public static long[] LoadDepeg(DataAccess data)
    {
        var bars = HistoricalData.LoadUsdc15MinDepeg(data.File(BundledData.UsdcUsd15MinDepeg.FileName));
        var days = new List<long>();
        for (var day = new DateOnly(2023, 3, 10); day <= new DateOnly(2023, 3, 15); day = day.AddDays(1))
        {
            var closes = bars.Observations.Where(o => DateOnly.FromDateTime(o.Key) == day).Select(o => o.Value.Close).ToList();
            days.Add(SpotHistory.Amount(closes.Count > 0 ? closes.Min() : 1m));
        }

        return [.. days];
    }

    public SpotMarketPath Generate(long path)
    {
        var s = settings;
        int n = s.Horizon;
        var price = new long[n];
        var target = new long[n];
        var usdc = new long[n];
        var days = new DateOnly[n];
        double x = s.StartDeviation;
        double logWeight = 0;
        int shock = -1;
        double growth = DeterministicMath.Log(1 + s.Inflation) / 365.25;
        var normal = new NormalDistribution(0, 1);
        for (int t = 0; t < n; t++)
        {
            if (t > 0)
            {
                double z = normal.FromUniform(stream.Uniform(path, t, 0)) - s.Tilt;
                logWeight += (s.Tilt * z) + (s.Tilt * s.Tilt / 2);
                double jump = 0;
                if (stream.Uniform(path, t, 1) < s.CrashProbability)
                {
                    jump = -s.CrashMean * DeterministicMath.Log(1 - stream.Uniform(path, t, 2));
                    shock = shock < 0 ? t : shock;
                }

                x = ((1 - s.MeanReversion) * x) + (s.Volatility * z) - jump;
            }

            double tgt = Fixed.ToDouble(s.StartTarget) * DeterministicMath.Exp(growth * t);
            target[t] = Fixed.FromDouble(tgt);
            price[t] = Math.Max(1, Fixed.FromDouble(tgt * DeterministicMath.Exp(x)));
            int sinceDepeg = t - s.DepegDay;
            usdc[t] = depeg is not null && s.DepegDay >= 0 && sinceDepeg >= 0 && sinceDepeg < depeg.Length ? depeg[sinceDepeg] : Fixed.One;
            days[t] = s.NominalStart.AddDays(t);
        }

        if (depeg is not null && s.DepegDay >= 0 && s.DepegDay < n && (shock < 0 || s.DepegDay < shock))
        {
            shock = s.DepegDay;
        }

        double weight = s.Tilt == 0 ? 1.0 : DeterministicMath.Exp(logWeight);
        return new SpotMarketPath(price, target, usdc, days, s.InitialSupply, price[0], weight, shock);
    }
}
