using Backtest.Market.Data;
using Backtest.Numerics;

namespace Backtest.Market.Scenarios.Calibration;

/// <summary>
/// Features of a de-peg read off a price series in the same way for the data and for a model:
/// times are hours from the series' origin; durations weight each observation by the time to
/// the next one (an observation holds until the next, as a carried-forward price would).
/// </summary>
/// <param name="AnchorHours">The first time the price is below 0.98 (2% under the peg), the event's unambiguous start.</param>
/// <param name="TroughHours">When the lowest price is reached.</param>
/// <param name="TroughDepth">1 − the lowest price.</param>
/// <param name="HoursBelow99">Hours with the price below 0.99 (where BillBroker's USDC price check fails).</param>
/// <param name="HoursBelow98">Hours below 0.98.</param>
/// <param name="HoursBelow95">Hours below 0.95.</param>
public readonly record struct DepegFeatures(double AnchorHours, double TroughHours, double TroughDepth, double HoursBelow99, double HoursBelow98, double HoursBelow95)
{
    /// <summary>The price level below which the event is under way.</summary>
    public const double AnchorPrice = 0.98;

    /// <summary>Hours from the anchor to the trough.</summary>
    public double AnchorToTrough => TroughHours - AnchorHours;

    /// <summary>The features of prices observed at the ascending times <paramref name="hours"/> (the last observation counts for one median spacing); NaN anchor if the price never falls below 0.98.</summary>
    public static DepegFeatures Measure(ReadOnlySpan<double> hours, ReadOnlySpan<double> prices)
    {
        double anchor = double.NaN;
        int trough = 0;
        double below99 = 0, below98 = 0, below95 = 0;
        double lastSpacing = hours.Length > 1 ? hours[1] - hours[0] : 0;
        for (int i = 0; i < prices.Length; i++)
        {
            if (double.IsNaN(anchor) && prices[i] < AnchorPrice)
            {
                anchor = hours[i];
            }

            if (prices[i] < prices[trough])
            {
                trough = i;
            }

            double held = i + 1 < prices.Length ? hours[i + 1] - hours[i] : lastSpacing;
            below99 += prices[i] < 0.99 ? held : 0;
            below98 += prices[i] < 0.98 ? held : 0;
            below95 += prices[i] < 0.95 ? held : 0;
        }

        return new DepegFeatures(anchor, hours[trough], 1 - prices[trough], below99, below98, below95);
    }
}

/// <summary>
/// The least-squares fit of <see cref="DepegShape"/> (and its onset) to the 15-minute USDC bars of
/// March 2023: each present bar's close, taken at the bar's end, as 1 − D(t − onset). The peg is
/// 1 exactly (the quiet bars before the event average 0.9994 with ±0.3% flips between two levels,
/// a single venue's quoting rather than a move). Minimised by Nelder–Mead over (onset, ln depth,
/// ln T_f, logit r, ln τ, ln T_h, ln H) from a few fixed starts set from the data; deterministic.
/// </summary>
public sealed record DepegShapeFit(DateTime OnsetUtc, DepegShape Shape, double RootMeanSquareError, int Observations, int Evaluations, DepegFeatures Data, DepegFeatures Model, DateTime OriginUtc)
{
    /// <summary>Fits the shape to <paramref name="bars"/> (gaps skipped).</summary>
    public static DepegShapeFit Fit(IntradaySeries<OhlcvBar> bars)
    {
        var (hours, prices) = ReadCloses(bars);
        var data = DepegFeatures.Measure(hours, prices);
        if (double.IsNaN(data.AnchorHours))
        {
            throw new ArgumentException($"the series never falls below {DepegFeatures.AnchorPrice}: there is no de-peg to fit", nameof(bars));
        }

        double SumOfSquares(double[] theta)
        {
            var (onset, shape) = Unpack(theta);
            double sum = 0;
            for (int i = 0; i < hours.Length; i++)
            {
                double r = 1 - prices[i] - shape.Deviation(hours[i] - onset);
                sum += r * r;
            }

            return sum;
        }

        double depth = data.TroughDepth;
        double onset0 = data.AnchorHours - 4;
        double fall0 = data.TroughHours - onset0;
        double[][] starts =
        [
            [onset0, Ln(depth), Ln(fall0), 0, Ln(2), Ln(30), Ln(5)],
            [onset0, Ln(depth), Ln(fall0), -0.4, Ln(6), Ln(24), Ln(8)],
            [onset0 - 2, Ln(depth), Ln(fall0 + 2), 0.4, Ln(1), Ln(36), Ln(3)],
        ];
        double[] steps = [2, 0.1, 0.3, 0.5, 0.5, 0.3, 0.3];
        Minimum? best = null;
        int evaluations = 0;
        foreach (var start in starts)
        {
            var run = NelderMead.Minimize(SumOfSquares, start, steps);
            evaluations += run.Evaluations;
            best = best is null || run.Value < best.Value.Value ? run : best;
        }

        var (fittedOnset, fitted) = Unpack(best!.Value.Point);
        var modelPrices = new double[hours.Length];
        for (int i = 0; i < hours.Length; i++)
        {
            modelPrices[i] = 1 - fitted.Deviation(hours[i] - fittedOnset);
        }

        var origin = bars.Axis.FirstUtc;
        return new DepegShapeFit(
            origin.AddHours(fittedOnset),
            fitted,
            Math.Sqrt(best.Value.Value / hours.Length),
            hours.Length,
            evaluations,
            data,
            DepegFeatures.Measure(hours, modelPrices),
            origin);
    }

    /// <summary>Hours from the first bar's opening to each present bar's end, and its close as the nearest double.</summary>
    public static (double[] Hours, double[] Prices) ReadCloses(IntradaySeries<OhlcvBar> bars)
    {
        var hours = new List<double>();
        var prices = new List<double>();
        double barHours = bars.Axis.Interval.TotalHours;
        for (int step = 0; step < bars.Length; step++)
        {
            if (bars[step] is { } bar)
            {
                hours.Add((step + 1) * barHours);
                prices.Add(MarketHistory.NearestDouble(bar.Close));
            }
        }

        return ([.. hours], [.. prices]);
    }

    private static (double Onset, DepegShape Shape) Unpack(double[] t) =>
        (t[0], new DepegShape(
            DeterministicMath.Exp(t[1]),
            DeterministicMath.Exp(t[2]),
            1 / (1 + DeterministicMath.Exp(0.0 - t[3])),
            DeterministicMath.Exp(t[4]),
            DeterministicMath.Exp(t[5]),
            DeterministicMath.Exp(t[6])));

    private static double Ln(double value) => DeterministicMath.Log(value);
}

/// <summary>
/// USDC's calibration from its daily closes: the baseline volatility and the shock arrival rate.
/// </summary>
/// <param name="BaselineVolatility">1.4826 × the median absolute deviation of ln(close) from its median: a standard deviation that the few de-peg and bad-print days cannot inflate.</param>
/// <param name="ShocksPerYear"><see cref="RecordedDepegs"/> per year of history (365.25 days).</param>
/// <param name="Days">Days of history.</param>
public sealed record UsdcCalibration(double BaselineVolatility, double ShocksPerYear, int Days)
{
    /// <summary>
    /// De-pegs of the March 2023 kind in the bundled daily file: that one. The other days far from
    /// the peg (closes of 0.970 on 2020-03-17 and 18, with highs above 1.00 the same days, and
    /// 1.03–1.04 closes in early 2020) are two-sided swings of the aggregated quote, not a
    /// run on the reserve; counting 2020-03 as well would double the rate.
    /// </summary>
    public const int RecordedDepegs = 1;

    /// <summary>Calibrates from every close of <paramref name="daily"/>.</summary>
    public static UsdcCalibration Fit(DailySeries<OhlcvBar> daily)
    {
        var logs = daily.Observations.Select(o => DeterministicMath.Log(MarketHistory.NearestDouble(o.Value.Close))).ToArray();
        double median = Median(logs);
        double mad = Median([.. logs.Select(v => Math.Abs(v - median))]);
        return new UsdcCalibration(1.482602218505602 * mad, RecordedDepegs * 365.25 / daily.Length, daily.Length);
    }

    private static double Median(double[] values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[(n / 2) - 1] + sorted[n / 2]);
    }
}

/// <summary>
/// The target path's calibration from the PCE price index: the latest target the file sets
/// (its last month's value over the April 2019 base, <see cref="AmplTargetRate"/>, rounded down
/// to 9 decimals) and the index's compound yearly growth from its first to its last month.
/// </summary>
public sealed record TargetCalibration(double LatestTarget, DateOnly LatestTargetFrom, double InflationPerYear, DateOnly FirstMonth, DateOnly LastMonth)
{
    /// <summary>Calibrates from <paramref name="pcepi"/> (which must hold the base month).</summary>
    public static TargetCalibration Fit(MonthlySeries<decimal> pcepi)
    {
        var observed = pcepi.Observations.ToArray();
        var (firstMonth, first) = observed[0];
        var (lastMonth, last) = observed[^1];
        var baseIndex = pcepi.At(AmplTargetRate.BaseMonth)
            ?? throw new ArgumentException($"the PCEPI series has no value for the base month {AmplTargetRate.BaseMonth:yyyy-MM}", nameof(pcepi));
        int months = ((lastMonth.Year - firstMonth.Year) * 12) + lastMonth.Month - firstMonth.Month;
        double growth = DeterministicMath.Log(MarketHistory.NearestDouble(last) / MarketHistory.NearestDouble(first)) * 12 / months;
        return new TargetCalibration(
            Fixed.ToDouble(AmplTargetRate.Ratio(last, baseIndex)),
            lastMonth.AddMonths(AmplTargetRate.PublicationLagMonths),
            DeterministicMath.Exp(growth) - 1,
            firstMonth,
            lastMonth);
    }
}
