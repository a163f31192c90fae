using Backtest.Market.Data;
using Backtest.Market.Scenarios;
using Backtest.Market.Scenarios.Calibration;
using Backtest.Numerics.Random;

namespace Backtest.Market.Tests.Scenarios;

/// <summary>The committed defaults are what the calibration computes from data/, bit for bit.</summary>
public class CalibrationTests
{
    private static readonly Lazy<CalibrationReport> Report = new(() => ScenarioCalibration.Run(ScenarioTestData.Folder, checkPaths: 200));

    [Fact]
    public void RefittingTheBundledDataReproducesTheCommittedJumpDiffusion()
    {
        var fitted = Report.Value.JumpDiffusion.Parameters;
        Assert.Equal(new JumpDiffusionOptions(), fitted);
        Assert.Equal(CalibratedParameters.JumpDiffusion.MeanReversionPerDay, fitted.MeanReversionPerDay);
    }

    [Fact]
    public void RefittingTheBundledDataReproducesTheCommittedRegimeModels()
    {
        AssertSame(Report.Value.ThreeRegimes.Parameters, new RegimeSwitchingOptions());
        AssertSame(Report.Value.TwoRegimes.Parameters, new RegimeSwitchingOptions
        {
            Intercept = CalibratedParameters.TwoRegimes.Intercept,
            Slope = CalibratedParameters.TwoRegimes.Slope,
            Volatility = CalibratedParameters.TwoRegimes.Volatility,
            Transition = CalibratedParameters.TwoRegimes.Transition,
        });
    }

    private static void AssertSame(RegimeSwitchingOptions fitted, RegimeSwitchingOptions committed)
    {
        Assert.Equal(committed.Intercept, fitted.Intercept);
        Assert.Equal(committed.Slope, fitted.Slope);
        Assert.Equal(committed.Volatility, fitted.Volatility);
        Assert.Equal(committed.Transition, fitted.Transition);
    }

    [Fact]
    public void RefittingReproducesTheBootstrapUsdcAndTargetDefaults()
    {
        var r = Report.Value;
        Assert.Equal(CalibratedParameters.BootstrapMeanBlockLength, Math.Round(r.BlockLength));
        Assert.Equal(new UsdcDepegOptions().Shape, r.Depeg.Shape);
        Assert.Equal(CalibratedParameters.UsdcShocksPerYear, r.Usdc.ShocksPerYear);
        Assert.Equal(CalibratedParameters.UsdcBaselineVolatility, r.Usdc.BaselineVolatility);
        Assert.Equal(CalibratedParameters.LatestTarget, r.Target.LatestTarget);
        Assert.Equal(CalibratedParameters.PceInflationPerYear, r.Target.InflationPerYear);
        Assert.Equal(new DateOnly(2026, 1, 1), r.Target.LatestTargetFrom);
    }

    [Fact]
    public void TheFitsDescribeTheHistory()
    {
        var r = Report.Value;

        // Mean reversion of the deviation is several standard errors from zero, and the
        // likelihood ranks the models as their structure predicts.
        Assert.InRange(r.Line.Slope / r.Line.SlopeError, -10, -4);
        Assert.True(r.ThreeRegimes.LogLikelihood > r.TwoRegimes.LogLikelihood);
        Assert.True(r.TwoRegimes.LogLikelihood > r.JumpDiffusion.LogLikelihood);
        Assert.True(r.ThreeRegimes.Bic < r.TwoRegimes.Bic);
        Assert.True(r.JumpDiffusion.LogLikelihood > r.JumpDiffusion.WithoutReversionLogLikelihood);

        // The smoothed regime occupancy agrees with the fitted chain's stationary distribution.
        for (int k = 0; k < 3; k++)
        {
            Assert.InRange(r.ThreeRegimes.SmoothedOccupancy[k], r.ThreeRegimes.Stationary[k] - 0.02, r.ThreeRegimes.Stationary[k] + 0.02);
        }

        // Perturbing any jump-diffusion parameter lowers the likelihood: a maximum, not a stall.
        var best = r.JumpDiffusion.Parameters;
        var moves = ScenarioTestData.History.Transitions;
        double top = JumpDiffusionFit.LogLikelihoodOf(moves, best);
        Assert.Equal(r.JumpDiffusion.LogLikelihood, top);
        foreach (var nudged in new[]
        {
            best with { LongRunLogDeviation = best.LongRunLogDeviation + 0.05 },
            best with { MeanReversionPerDay = best.MeanReversionPerDay * 1.2 },
            best with { VolatilityPerSqrtDay = best.VolatilityPerSqrtDay * 1.05 },
            best with { JumpsPerDay = best.JumpsPerDay * 0.9 },
            best with { JumpMean = best.JumpMean + 0.005 },
            best with { JumpVolatility = best.JumpVolatility * 0.95 },
        })
        {
            Assert.True(JumpDiffusionFit.LogLikelihoodOf(moves, nudged) < top);
        }
    }

    [Fact]
    public void TheDepegShapeFitsMarch2023WithinTheStatedTolerances()
    {
        var d = Report.Value.Depeg;
        Assert.Equal(808, d.Observations);
        Assert.InRange(d.RootMeanSquareError, 0, 0.007);
        Assert.InRange(d.Model.TroughDepth, d.Data.TroughDepth - 0.01, d.Data.TroughDepth + 0.01);
        Assert.InRange(d.Model.AnchorToTrough, d.Data.AnchorToTrough - 6, d.Data.AnchorToTrough + 6);
        Assert.InRange(d.Model.HoursBelow99, d.Data.HoursBelow99 - 6, d.Data.HoursBelow99 + 6);
        Assert.InRange(d.Model.HoursBelow98, d.Data.HoursBelow98 - 6, d.Data.HoursBelow98 + 6);
        Assert.InRange(d.OnsetUtc, new DateTime(2023, 3, 10, 18, 0, 0, DateTimeKind.Utc), new DateTime(2023, 3, 11, 4, 0, 0, DateTimeKind.Utc));
    }

    [Fact]
    public void TheShapeFitRecoversAKnownShapeFromNoisyBars()
    {
        var truth = new DepegShape(0.2, 8, 0.3, 4, 30, 6);
        var first = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var stream = RandomStream.Create(4, 0, 0);
        var bars = new OhlcvBar?[600];
        for (int k = 0; k < bars.Length; k++)
        {
            // Onset at hour 40; noise of ±0.2% from a counter-based uniform; every 13th bar missing.
            double noise = 0.004 * (stream.Uniform(k, 0, 0) - 0.5);
            decimal close = (decimal)(1 - truth.Deviation(((k + 1) * 0.25) - 40) + noise);
            bars[k] = k % 13 == 5 ? null : new OhlcvBar(close, close, close, close, 0);
        }

        var fit = DepegShapeFit.Fit(new IntradaySeries<OhlcvBar>(new IntradayAxis(first, TimeSpan.FromMinutes(15), bars.Length), bars));
        Assert.Equal(first.AddHours(40), fit.OnsetUtc, TimeSpan.FromMinutes(20));
        Assert.Equal(truth.Depth, fit.Shape.Depth, 2);
        Assert.InRange(fit.Shape.HoursToTrough, 7.5, 8.5);
        Assert.InRange(fit.Shape.PlateauFraction, 0.28, 0.32);
        Assert.InRange(fit.Shape.HoursFromTroughToRecovery, 29, 31);
        Assert.InRange(fit.Shape.RecoveryHalfLifeHours, 5.5, 6.5);
    }

    [Fact]
    public void ThePolitisWhiteLengthGrowsWithTheSeriesPersistence()
    {
        // For an AR(1) series the optimal stationary-bootstrap length for the mean is
        // (2φ/(1 − φ²))^(2/3) · n^(1/3) (G = 2φσ²/(1 − φ)², g(0) = σ²(1 + φ)/(1 − φ)); the
        // estimate is within about a third of it, and near 1 for independent data.
        var stream = RandomStream.Create(8, 0, 0);
        var normal = new NormalDistribution(0, 1);
        double[] Ar(double phi)
        {
            var x = new double[5000];
            for (int t = 1; t < x.Length; t++)
            {
                x[t] = (phi * x[t - 1]) + normal.Sample(stream, t, 0, 0);
            }

            return x;
        }

        Assert.InRange(BlockLength.PolitisWhite(Ar(0)), 0.5, 3);
        foreach (double phi in new[] { 0.5, 0.9 })
        {
            double theory = Math.Pow(2 * phi / (1 - (phi * phi)), 2.0 / 3) * Math.Cbrt(5000);
            Assert.InRange(BlockLength.PolitisWhite(Ar(phi)) / theory, 0.65, 1.35);
        }
    }

    [Fact]
    public void TheGoodnessOfFitOfTheRegimeModelAndTheBootstrapCoversTheDataWhereTheyAreBuiltTo()
    {
        var r = Report.Value;
        var names = HistoryStatistics.Names;
        ModelCheck Model(string name) => r.Checks.Single(c => c.Model == name);
        Comparison Stat(string model, string statistic) => Model(model).Statistics[names.ToList().IndexOf(statistic)];

        // Volatility and volatility clustering: the bootstrap keeps them by construction, the
        // three-regime chain by its regimes; the jump-diffusion has no clustering at all.
        Assert.True(Stat("stationary bootstrap", "sd(Δx)").Inside);
        Assert.True(Stat("stationary bootstrap", "acf1(Δx²)").Inside);
        Assert.True(Stat("3 regimes", "sd(Δx)").Inside);
        Assert.True(Stat("3 regimes", "acf1(Δx²)").Inside);
        Assert.False(Stat("jump-diffusion (OU)", "acf1(Δx²)").Inside);

        // Without reversion the level wanders far beyond the history's range.
        Assert.True(Stat("jump-diffusion (κ = 0)", "sd(x)").Median > 2 * Stat("jump-diffusion (κ = 0)", "sd(x)").Data);
    }
}
