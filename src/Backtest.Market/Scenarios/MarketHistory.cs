using System.Globalization;
using Backtest.Market.Data;
using Backtest.Numerics;

namespace Backtest.Market.Scenarios;

/// <summary>What a replayed day holds besides observed closes.</summary>
[Flags]
public enum ReplayDayFlags
{
    /// <summary>Both closes observed on the day.</summary>
    None = 0,

    /// <summary>AMPL has no bar for the day (a gap in the source); the last observed close is carried forward.</summary>
    AmplCarriedForward = 1,

    /// <summary>AMPL's bar is a partial day: its close is an intraday price (the bundled file's last row, 2022-09-28 08:58 UTC).</summary>
    AmplPartialDay = 2,

    /// <summary>USDC has no bar for the day; the last observed close is carried forward.</summary>
    UsdcCarriedForward = 4,
}

/// <summary>
/// The bundled daily history the scenarios replay and are calibrated to: AMPL/USD and USDC/USD
/// closes and AMPL's PCE-based target, aligned on one <see cref="DailyAxis"/> (the days both
/// price series cover, from the first day both have a close).
/// <para><b>Gaps.</b> A day without a bar takes the previous day's close and is flagged
/// (<see cref="ReplayDayFlags"/>): the four empty AMPL days 2021-12-28..31 replay as 2021-12-27's
/// close. Carrying the close forward is what an oracle that stopped updating would report, and
/// it invents no move; interpolating would put a price on the chain that nobody quoted. Flagged
/// days are left out of every fit (<see cref="Transitions"/>).</para>
/// <para><b>Numbers.</b> Closes are the nearest doubles to the file's decimals; targets are the
/// exact 9-decimal amounts of <see cref="AmplTargetRate.Daily"/> (rounded down), converted to
/// doubles. The log deviation is ln(close / target) with <see cref="DeterministicMath.Log(double)"/>.</para>
/// </summary>
public sealed class MarketHistory
{
    private readonly double[] amplClose;
    private readonly double[] amplTarget;
    private readonly double[] usdcClose;
    private readonly double[] logDeviation;
    private readonly ReplayDayFlags[] flags;

    private MarketHistory(DailyAxis days, double[] amplClose, double[] amplTarget, double[] usdcClose, ReplayDayFlags[] flags)
    {
        Days = days;
        this.amplClose = amplClose;
        this.amplTarget = amplTarget;
        this.usdcClose = usdcClose;
        this.flags = flags;
        logDeviation = new double[days.Length];
        for (int t = 0; t < logDeviation.Length; t++)
        {
            logDeviation[t] = DeterministicMath.Log(amplClose[t] / amplTarget[t]);
        }

        Transitions = AmplTransitions.Observed(logDeviation, flags);
    }

    /// <summary>The last row of the bundled AMPL file, a partial day (data/README.md).</summary>
    public static DateOnly AmplPartialDay { get; } = new(2022, 9, 28);

    /// <summary>The replayed days.</summary>
    public DailyAxis Days { get; }

    /// <summary>AMPL's close (USD), gaps carried forward.</summary>
    public ReadOnlySpan<double> AmplClose => amplClose;

    /// <summary>AMPL's target price (USD) from PCE.</summary>
    public ReadOnlySpan<double> AmplTarget => amplTarget;

    /// <summary>USDC's close (USD), gaps carried forward.</summary>
    public ReadOnlySpan<double> UsdcClose => usdcClose;

    /// <summary>ln(AMPL close / target), per day.</summary>
    public ReadOnlySpan<double> LogDeviation => logDeviation;

    /// <summary>What each day holds (carried forward, partial).</summary>
    public ReadOnlySpan<ReplayDayFlags> Flags => flags;

    /// <summary>The one-day moves of the log deviation between observed, complete days: what the models are fitted to.</summary>
    public AmplTransitions Transitions { get; }

    /// <summary>Loads the bundled AMPL, USDC and PCEPI files from <paramref name="dataFolder"/> (errors: <see cref="Backtest.IO.DataFileException"/>).</summary>
    public static MarketHistory Load(string dataFolder) => FromSeries(
        HistoricalData.LoadAmplDaily(Path.Combine(dataFolder, BundledData.AmplUsdYahooDaily.FileName)),
        HistoricalData.LoadUsdcDaily(Path.Combine(dataFolder, BundledData.UsdcUsdYahooDaily.FileName)),
        HistoricalData.LoadPcepi(Path.Combine(dataFolder, BundledData.UsPcepiMonthly.FileName)));

    /// <summary>
    /// Aligns AMPL and USDC bars with the target from <paramref name="pcepi"/>. The axis is the
    /// intersection of the two price axes, starting at the first day both have a close; every day
    /// on it needs a target (else <see cref="ArgumentException"/>).
    /// </summary>
    public static MarketHistory FromSeries(DailySeries<OhlcvBar> ampl, DailySeries<OhlcvBar> usdc, MonthlySeries<decimal> pcepi)
    {
        var common = ampl.Axis.Intersect(usdc.Axis);
        int start = 0;
        while (start < common.Length && !(ampl.At(common.DateOf(start)).HasValue && usdc.At(common.DateOf(start)).HasValue))
        {
            start++;
        }

        if (start == common.Length)
        {
            throw new ArgumentException($"AMPL ({ampl.Axis}) and USDC ({usdc.Axis}) have no day with both closes");
        }

        var days = new DailyAxis(common.DateOf(start), common.Length - start);
        var targets = AmplTargetRate.Daily(pcepi, days);
        var amplClose = new double[days.Length];
        var usdcClose = new double[days.Length];
        var target = new double[days.Length];
        var flags = new ReplayDayFlags[days.Length];
        for (int t = 0; t < days.Length; t++)
        {
            var day = days.DateOf(t);
            target[t] = targets[t] is { } amount
                ? Fixed.ToDouble(amount)
                : throw new ArgumentException($"no AMPL target for {day:yyyy-MM-dd}: the PCEPI series ({pcepi.Axis}) lacks its month in effect");

            if (ampl.At(day) is { } amplBar)
            {
                amplClose[t] = NearestDouble(amplBar.Close);
                flags[t] |= day == AmplPartialDay ? ReplayDayFlags.AmplPartialDay : ReplayDayFlags.None;
            }
            else
            {
                amplClose[t] = amplClose[t - 1];
                flags[t] |= ReplayDayFlags.AmplCarriedForward;
            }

            if (usdc.At(day) is { } usdcBar)
            {
                usdcClose[t] = NearestDouble(usdcBar.Close);
            }
            else
            {
                usdcClose[t] = usdcClose[t - 1];
                flags[t] |= ReplayDayFlags.UsdcCarriedForward;
            }
        }

        return new MarketHistory(days, amplClose, target, usdcClose, flags);
    }

    /// <summary>The double nearest to a decimal (the invariant text is parsed with IEEE round-to-nearest).</summary>
    internal static double NearestDouble(decimal value) =>
        double.Parse(value.ToString(CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
}

/// <summary>
/// One-day moves of AMPL's log deviation x = ln(price / target) between consecutive days that
/// are both observed and complete (no carried-forward or partial day): From[i] = x on day d,
/// To[i] = x on day d + 1. A transition whose day d is not the previous transition's day d + 1
/// starts a new segment (the bundled history has two: up to 2021-12-27 and from 2022-01-01).
/// </summary>
public sealed class AmplTransitions
{
    public AmplTransitions(double[] from, double[] to, bool[] startsSegment)
    {
        if (to.Length != from.Length || startsSegment.Length != from.Length)
        {
            throw new ArgumentException("from, to and startsSegment must have equal lengths");
        }

        if (from.Length < 2)
        {
            throw new ArgumentException($"{from.Length} transitions are too few to fit anything", nameof(from));
        }

        if (!startsSegment[0])
        {
            throw new ArgumentException("the first transition must start a segment", nameof(startsSegment));
        }

        From = from;
        To = to;
        StartsSegment = startsSegment;
    }

    /// <summary>x on the first day of each move.</summary>
    public double[] From { get; }

    /// <summary>x on the next day.</summary>
    public double[] To { get; }

    /// <summary>Whether move i starts a segment (is not contiguous with move i − 1).</summary>
    public bool[] StartsSegment { get; }

    /// <summary>Number of moves.</summary>
    public int Count => From.Length;

    /// <summary>The change To[i] − From[i].</summary>
    public double Change(int i) => To[i] - From[i];

    /// <summary>A single contiguous series x₀, x₁, … as one segment.</summary>
    public static AmplTransitions FromPath(ReadOnlySpan<double> path)
    {
        var segment = new bool[path.Length - 1];
        segment[0] = true;
        return new AmplTransitions(path[..^1].ToArray(), path[1..].ToArray(), segment);
    }

    internal static AmplTransitions Observed(double[] x, ReplayDayFlags[] flags)
    {
        var from = new List<double>();
        var to = new List<double>();
        var starts = new List<bool>();
        int previousEnd = -1;
        for (int t = 0; t + 1 < x.Length; t++)
        {
            const ReplayDayFlags unobserved = ReplayDayFlags.AmplCarriedForward | ReplayDayFlags.AmplPartialDay;
            if ((flags[t] & unobserved) != 0 || (flags[t + 1] & unobserved) != 0)
            {
                continue;
            }

            from.Add(x[t]);
            to.Add(x[t + 1]);
            starts.Add(previousEnd != t);
            previousEnd = t + 1;
        }

        return new AmplTransitions([.. from], [.. to], [.. starts]);
    }
}
