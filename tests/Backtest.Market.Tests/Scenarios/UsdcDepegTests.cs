using Backtest.Market.Data;
using Backtest.Market.Scenarios;
using Backtest.Market.Scenarios.Calibration;
using Backtest.Numerics.Random;

namespace Backtest.Market.Tests.Scenarios;

public class UsdcDepegTests
{
    private const int BarsPerDay = 96;

    private static readonly Lazy<IntradaySeries<OhlcvBar>> March2023 = new(() =>
        HistoricalData.LoadUsdc15MinDepeg(DataFiles.PathOf(BundledData.UsdcUsd15MinDepeg)));

    private static double[] Daily(UsdcDepegOptions options, int paths, int days, ulong seed = 23)
    {
        var prices = new double[paths * days];
        new UsdcDepegModel(options).Fill(RandomStream.Create(seed, 0, 0), 0, 0, paths, days, prices, paths);
        return prices;
    }

    private static double[] Intraday(UsdcDepegOptions options, int paths, int days, ulong seed = 23)
    {
        var prices = new double[paths * days * BarsPerDay];
        new UsdcDepegModel(options).FillIntraday(RandomStream.Create(seed, 0, 0), 0, 0, paths, days, BarsPerDay, prices, paths);
        return prices;
    }

    /// <summary>The features of path 0 of an intraday fill, bar ends in hours from the start of day 0.</summary>
    private static DepegFeatures FeaturesOf(double[] prices, int paths, int days)
    {
        var hours = Enumerable.Range(1, days * BarsPerDay).Select(k => k * 24.0 / BarsPerDay).ToArray();
        var path = Enumerable.Range(0, days * BarsPerDay).Select(k => prices[k * paths]).ToArray();
        return DepegFeatures.Measure(hours, path);
    }

    [Fact]
    public void TheShapeFallsToItsDepthReboundsToThePlateauAndRecoversContinuously()
    {
        var shape = new UsdcDepegOptions().Shape;
        Assert.Equal(0, shape.Deviation(0));
        Assert.Equal(0, shape.Deviation(-1));
        Assert.Equal(shape.Depth / 2, shape.Deviation(shape.HoursToTrough / 2), 15);
        Assert.Equal(shape.Depth, shape.Deviation(shape.HoursToTrough), 15);
        Assert.Equal(shape.Depth, shape.Deviation(shape.HoursToTrough - 1e-9), 9);
        double recovery = shape.HoursToTrough + shape.HoursFromTroughToRecovery;
        Assert.Equal(shape.Deviation(recovery - 1e-9), shape.Deviation(recovery), 9);
        Assert.Equal(shape.Deviation(recovery) / 2, shape.Deviation(recovery + shape.RecoveryHalfLifeHours), 12);
        Assert.InRange(shape.Deviation(shape.EndHours - 1e-6) / shape.Deviation(recovery), 0, 1.01e-6);
        Assert.Equal(0, shape.Deviation(shape.EndHours));
        Assert.InRange(shape.Deviation(recovery - 1e-9) / shape.Depth, shape.PlateauFraction, shape.PlateauFraction + 0.01);
    }

    [Fact]
    public void WithoutShocksOrNoiseUsdcIsExactlyAtThePegAndTheNoiseHasItsStatedScale()
    {
        Assert.All(Daily(new UsdcDepegOptions { ShocksPerYear = 0, BaselineVolatility = 0 }, 300, 40), p => Assert.Equal(1.0, p));
        const double Sigma = 0.001;
        var logs = Daily(new UsdcDepegOptions { ShocksPerYear = 0, BaselineVolatility = Sigma }, 2000, 20).Select(p => Math.Log(p)).ToArray();
        var (mean, error) = ScenarioTestData.MeanAndError(logs);
        Assert.InRange(mean, -4 * error, 4 * error);
        double sd = Math.Sqrt(logs.Average(v => v * v));
        Assert.InRange(sd / Sigma, 0.98, 1.02);
    }

    [Fact]
    public void ShocksArriveAsAPoissonProcess()
    {
        // With no noise a path stays exactly at 1 unless a shock starts; P(no shock in T days) = e^(−λT/365.25).
        const int Paths = 20_000, Days = 20;
        const double PerYear = 365.25 * 0.05;
        var prices = Daily(new UsdcDepegOptions { ShocksPerYear = PerYear, BaselineVolatility = 0 }, Paths, Days);
        int calm = Enumerable.Range(0, Paths).Count(p => Enumerable.Range(0, Days).All(t => prices[(t * Paths) + p] == 1.0));
        double expected = Math.Exp(-0.05 * Days);
        double error = Math.Sqrt(expected * (1 - expected) / Paths);
        Assert.InRange((double)calm / Paths, expected - (4 * error), expected + (4 * error));

        // The first day off the peg is spread evenly over the days (memoryless arrivals): compare day 0 with day 10's hazard.
        int firstOnDay0 = Enumerable.Range(0, Paths).Count(p => prices[p] < 1.0);
        Assert.InRange((double)firstOnDay0 / Paths, 0.05 - (4 * Math.Sqrt(0.05 * 0.95 / Paths)), 0.05 + (4 * Math.Sqrt(0.05 * 0.95 / Paths)));
    }

    [Fact]
    public void AtDefaultParametersAShockReproducesMarch2023()
    {
        // The generator's own 15-minute output for a shock starting at the beginning of day 1,
        // measured exactly as the data are (docs/models/scenarios.md states these tolerances).
        var (hours, prices) = DepegShapeFit.ReadCloses(March2023.Value);
        var data = DepegFeatures.Measure(hours, prices);
        var model = FeaturesOf(Intraday(new UsdcDepegOptions { ShockAtStep = 1 }, 1, 6), 1, 6);
        Assert.InRange(model.TroughDepth, data.TroughDepth - 0.01, data.TroughDepth + 0.01);
        Assert.InRange(model.AnchorToTrough, data.AnchorToTrough - 6, data.AnchorToTrough + 6);
        Assert.InRange(model.HoursBelow99, data.HoursBelow99 - 6, data.HoursBelow99 + 6);
        Assert.InRange(model.HoursBelow98, data.HoursBelow98 - 6, data.HoursBelow98 + 6);
        Assert.InRange(model.HoursBelow95, data.HoursBelow95 - 6, data.HoursBelow95 + 6);

        // Daily closes of the shock's first three days against the data's midnight prices of 11, 12 and 13 March.
        var daily = Daily(new UsdcDepegOptions { ShockAtStep = 1 }, 1, 5);
        var origin = March2023.Value.Axis.FirstUtc;
        for (int day = 0; day < 3; day++)
        {
            var midnight = new DateTime(2023, 3, 12 + day, 0, 0, 0, DateTimeKind.Utc);
            int last = Array.FindLastIndex(hours, h => origin.AddHours(h) <= midnight);
            Assert.InRange(daily[1 + day], prices[last] - 0.01, prices[last] + 0.01);
        }
    }

    [Fact]
    public void TheDailyCloseIsTheLastBarOfTheDay()
    {
        var options = new UsdcDepegOptions { ShocksPerYear = 40, DepthDispersion = 0.4, DurationDispersion = 0.4, ShockAtStep = 3, BaselineVolatility = 0.001 };
        const int Paths = 300, Days = 30;
        var daily = Daily(options, Paths, Days);
        var bars = Intraday(options, Paths, Days);
        for (int day = 0; day < Days; day++)
        {
            for (int p = 0; p < Paths; p++)
            {
                Assert.Equal(daily[(day * Paths) + p], bars[((((day + 1) * BarsPerDay) - 1) * Paths) + p]);
            }
        }

        Assert.Contains(daily, p => p < 0.95);
    }

    [Fact]
    public void DepthAndDurationScaleTheShape()
    {
        var quiet = new UsdcDepegOptions { ShocksPerYear = 0, BaselineVolatility = 0, ShockAtStep = 0 };
        var standard = FeaturesOf(Intraday(quiet, 1, 12), 1, 12);
        var deeper = FeaturesOf(Intraday(quiet with { Depth = 0.3 }, 1, 12), 1, 12);
        var longer = FeaturesOf(Intraday(quiet with { DurationScale = 2 }, 1, 12), 1, 12);
        Assert.Equal(0.3, deeper.TroughDepth, 2);
        Assert.Equal(standard.TroughDepth, longer.TroughDepth, 2);
        Assert.InRange(longer.HoursBelow98 / standard.HoursBelow98, 1.97, 2.03);
        Assert.InRange(longer.TroughHours / standard.TroughHours, 1.97, 2.03);
    }

    [Fact]
    public void DispersedDepthsCentreOnTheStatedDepth()
    {
        const int Paths = 4000;
        var options = new UsdcDepegOptions { ShocksPerYear = 0, BaselineVolatility = 0, ShockAtStep = 0, DepthDispersion = 0.5 };
        var prices = Daily(options with { HoursToTrough = 23.999 }, Paths, 1);
        var depths = prices.Select(p => 1 - p).Order().ToArray();
        double median = depths[Paths / 2];
        Assert.InRange(median / options.Depth, 0.95, 1.05);
        double spread = Math.Log(depths[(int)(Paths * 0.8413)] / median);
        Assert.InRange(spread, 0.45, 0.55);
    }

    [Fact]
    public void BadOptionsNameTheirKey()
    {
        Assert.Equal(nameof(UsdcDepegOptions.Depth), Assert.Throws<InputException>(() => new UsdcDepegModel(new UsdcDepegOptions { Depth = 1.5 })).Key);
        Assert.Equal(nameof(UsdcDepegOptions.PlateauFraction), Assert.Throws<InputException>(() => new UsdcDepegModel(new UsdcDepegOptions { PlateauFraction = -0.1 })).Key);
        Assert.Equal(nameof(UsdcDepegOptions.ShockAtStep), Assert.Throws<InputException>(() => new UsdcDepegModel(new UsdcDepegOptions { ShockAtStep = -1 })).Key);
    }
}
