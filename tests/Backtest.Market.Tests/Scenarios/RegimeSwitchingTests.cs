using Backtest.Market.Scenarios;
using Backtest.Market.Scenarios.Calibration;
using Backtest.Numerics.Random;

namespace Backtest.Market.Tests.Scenarios;

public class RegimeSwitchingTests
{
    private static readonly RegimeSwitchingOptions ThreeKnown = new()
    {
        Intercept = [0.0, -0.002, 0.01],
        Slope = [0.0, -0.03, -0.1],
        Volatility = [0.02, 0.07, 0.2],
        Transition = [0.90, 0.09, 0.01, 0.05, 0.90, 0.05, 0.02, 0.18, 0.80],
    };

    private static (double[] X, byte[] Regimes) Simulate(RegimeSwitchingModel model, int paths, int steps, ulong seed = 3)
    {
        var x = new double[paths * steps];
        var regimes = new byte[paths * steps];
        model.Fill(RandomStream.Create(seed, 0, 0), 0, 0.0, 0, paths, steps, x, paths, regimes);
        return (x, regimes);
    }

    [Fact]
    public void TheStationaryDistributionSolvesPiPEqualsPi()
    {
        var model = new RegimeSwitchingModel(ThreeKnown);
        var pi = model.Stationary;
        Assert.Equal(1.0, pi.Sum(), 12);
        for (int j = 0; j < 3; j++)
        {
            double next = Enumerable.Range(0, 3).Sum(i => pi[i] * ThreeKnown.Transition[(i * 3) + j]);
            Assert.Equal(pi[j], next, 12);
        }
    }

    [Fact]
    public void RegimeOccupancyAndTransitionsMatchTheChain()
    {
        const int Paths = 2000, Steps = 400;
        var model = new RegimeSwitchingModel(ThreeKnown);
        var (_, regimes) = Simulate(model, Paths, Steps);
        var counts = new double[3];
        var pairs = new double[9];
        for (int step = 0; step < Steps; step++)
        {
            for (int p = 0; p < Paths; p++)
            {
                int s = regimes[(step * Paths) + p];
                counts[s]++;
                if (step > 0)
                {
                    pairs[(regimes[((step - 1) * Paths) + p] * 3) + s]++;
                }
            }
        }

        // Paths start in the stationary mix, so every step's occupancy is π; pooled over
        // 800,000 correlated draws the share is within a few 10⁻³.
        for (int j = 0; j < 3; j++)
        {
            Assert.InRange(counts[j] / (Paths * Steps), model.Stationary[j] - 0.006, model.Stationary[j] + 0.006);
            double row = pairs.Skip(j * 3).Take(3).Sum();
            for (int k = 0; k < 3; k++)
            {
                double expected = ThreeKnown.Transition[(j * 3) + k];
                double error = Math.Sqrt(expected * (1 - expected) / row);
                Assert.InRange(pairs[(j * 3) + k] / row, expected - (5 * error), expected + (5 * error));
            }
        }

        // Step 0 alone is a draw from π.
        for (int j = 0; j < 3; j++)
        {
            double share = regimes.Take(Paths).Count(r => r == j) / (double)Paths;
            double error = Math.Sqrt(model.Stationary[j] * (1 - model.Stationary[j]) / Paths);
            Assert.InRange(share, model.Stationary[j] - (4 * error), model.Stationary[j] + (4 * error));
        }
    }

    [Fact]
    public void EachRegimesMovesFollowItsOwnLine()
    {
        const int Paths = 2000, Steps = 200;
        var model = new RegimeSwitchingModel(ThreeKnown);
        var (x, regimes) = Simulate(model, Paths, Steps);
        for (int k = 0; k < 3; k++)
        {
            var standardised = new List<double>();
            for (int step = 1; step < Steps; step++)
            {
                for (int p = 0; p < Paths; p++)
                {
                    if (regimes[(step * Paths) + p] == k)
                    {
                        double before = x[((step - 1) * Paths) + p];
                        double move = x[(step * Paths) + p] - before;
                        standardised.Add((move - ThreeKnown.Intercept[k] - (ThreeKnown.Slope[k] * before)) / ThreeKnown.Volatility[k]);
                    }
                }
            }

            var (mean, error) = ScenarioTestData.MeanAndError(standardised);
            Assert.InRange(mean, -4 * error, 4 * error);
            double variance = standardised.Average(z => (z - mean) * (z - mean));
            Assert.InRange(variance, 1 - (6 * Math.Sqrt(2.0 / standardised.Count)), 1 + (6 * Math.Sqrt(2.0 / standardised.Count)));
        }
    }

    [Fact]
    public void EmRecoversTheParametersOfItsOwnSimulation()
    {
        var truth = new RegimeSwitchingOptions
        {
            Intercept = [0.0, 0.005],
            Slope = [0.0, -0.08],
            Volatility = [0.03, 0.12],
            Transition = [0.95, 0.05, 0.10, 0.90],
        };
        var (x, _) = Simulate(new RegimeSwitchingModel(truth), 1, 5000, seed: 9);
        var fit = RegimeSwitchingFit.Fit(AmplTransitions.FromPath(x), 2);
        for (int k = 0; k < 2; k++)
        {
            AssertWithin(fit.Intercept[k], truth.Intercept[k]);
            AssertWithin(fit.Slope[k], truth.Slope[k]);
            AssertWithin(fit.Volatility[k], truth.Volatility[k]);
            AssertWithin(fit.Transition[(k * 2) + (1 - k)], truth.Transition[(k * 2) + (1 - k)]);
        }

        Assert.Equal(fit.Stationary[0], fit.SmoothedOccupancy[0], 1);
        Assert.True(fit.Volatility[0].Value < fit.Volatility[1].Value);
    }

    private static void AssertWithin(Estimate estimate, double truth)
    {
        Assert.False(double.IsNaN(estimate.StandardError));
        Assert.InRange(truth, estimate.Value - (4 * estimate.StandardError), estimate.Value + (4 * estimate.StandardError));
    }

    [Fact]
    public void BadMatricesNameTheOption()
    {
        var e = Assert.Throws<InputException>(() => new RegimeSwitchingModel(ThreeKnown with { Transition = [0.5, 0.4, 0.0, 0.05, 0.9, 0.05, 0.02, 0.18, 0.8] }));
        Assert.Equal(nameof(RegimeSwitchingOptions.Transition), e.Key);
        e = Assert.Throws<InputException>(() => new RegimeSwitchingModel(ThreeKnown with { Slope = [0.0, 0.0] }));
        Assert.Equal(nameof(RegimeSwitchingOptions.Transition), e.Key);
        e = Assert.Throws<InputException>(() => new RegimeSwitchingModel(ThreeKnown with { Volatility = [0.02, 0.0, 0.2] }));
        Assert.Equal(nameof(RegimeSwitchingOptions.Volatility), e.Key);
    }
}
