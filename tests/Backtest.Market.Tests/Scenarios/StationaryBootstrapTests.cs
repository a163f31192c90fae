using Backtest.Market.Scenarios;
using Backtest.Numerics.Random;

namespace Backtest.Market.Tests.Scenarios;

public class StationaryBootstrapTests
{
    private static AmplTransitions Moves => ScenarioTestData.History.Transitions;

    private static (double[] X, int[] Indices) Simulate(StationaryBootstrapModel model, int paths, int steps, double start = 0.2)
    {
        var x = new double[paths * steps];
        var indices = new int[paths * steps];
        model.Fill(RandomStream.Create(17, 0, 0), 0, start, 0, paths, steps, x, paths, indices);
        return (x, indices);
    }

    [Fact]
    public void TheReversionIsTheLeastSquaresLineAndItsResidualsAreOrthogonalToIt()
    {
        var model = new StationaryBootstrapModel(Moves, new BootstrapOptions());
        double sum = 0, cross = 0;
        for (int i = 0; i < Moves.Count; i++)
        {
            Assert.Equal(Moves.Change(i) - model.Intercept - (model.Slope * Moves.From[i]), model.Residuals[i], 15);
            sum += model.Residuals[i];
            cross += model.Residuals[i] * Moves.From[i];
        }

        Assert.Equal(0, sum, 10);
        Assert.Equal(0, cross, 10);
        Assert.InRange(model.Slope, -0.07, -0.03);
    }

    [Fact]
    public void EachStepAddsTheReversionAndTheResidualItsIndexPicks()
    {
        var model = new StationaryBootstrapModel(Moves, new BootstrapOptions());
        const int Paths = 50, Steps = 300;
        var (x, indices) = Simulate(model, Paths, Steps);
        for (int p = 0; p < Paths; p++)
        {
            Assert.Equal(0.2, x[p]);
            Assert.Equal(-1, indices[p]);
            for (int t = 1; t < Steps; t++)
            {
                double before = x[((t - 1) * Paths) + p];
                double expected = before + model.Intercept + (model.Slope * before) + model.Residuals[indices[(t * Paths) + p]];
                Assert.Equal(expected, x[(t * Paths) + p]);
            }
        }
    }

    [Fact]
    public void BlocksAreRunsOfConsecutiveResidualsWithGeometricLengthsOfTheStatedMean()
    {
        const double Mean = 15;
        var model = new StationaryBootstrapModel(Moves, new BootstrapOptions { MeanBlockLength = Mean });
        const int Paths = 400, Steps = 1000;
        var (_, indices) = Simulate(model, Paths, Steps);
        int n = model.Residuals.Length;
        var lengths = new List<int>();
        int continued = 0, restarted = 0;
        for (int p = 0; p < Paths; p++)
        {
            int run = 1;
            for (int t = 2; t < Steps; t++)
            {
                int previous = indices[((t - 1) * Paths) + p];
                int current = indices[(t * Paths) + p];
                if (current == (previous + 1) % n)
                {
                    continued++;
                    run++;
                }
                else
                {
                    restarted++;
                    lengths.Add(run);
                    run = 1;
                }
            }
        }

        // A restart lands on the next index by chance 1/n of the time, so the restart rate seen is
        // (1/L)(1 − 1/n); complete runs are geometric with that rate.
        double rate = (1 / Mean) * (1 - (1.0 / n));
        double observed = (double)restarted / (restarted + continued);
        double error = Math.Sqrt(rate * (1 - rate) / (restarted + continued));
        Assert.InRange(observed, rate - (4 * error), rate + (4 * error));
        var (meanLength, lengthError) = ScenarioTestData.MeanAndError(lengths.Select(l => (double)l).ToArray());
        Assert.InRange(meanLength, (1 / rate) - (4 * lengthError), (1 / rate) + (4 * lengthError));

        // Geometric: P(length = k) = rate (1 − rate)^(k−1); chi-square over lengths 1..40 and the tail.
        double chi = 0;
        for (int k = 1; k <= 41; k++)
        {
            double p = k <= 40 ? rate * Math.Pow(1 - rate, k - 1) : Math.Pow(1 - rate, 40);
            double expected = p * lengths.Count;
            double count = k <= 40 ? lengths.Count(l => l == k) : lengths.Count(l => l > 40);
            chi += (count - expected) * (count - expected) / expected;
        }

        Assert.True(chi < MathNet.Numerics.Distributions.ChiSquared.InvCDF(40, 0.999), $"chi-square {chi}");
    }

    [Fact]
    public void EveryResidualIsEquallyLikelyAtEveryStep()
    {
        // Paths are independent, so at any one step the picks across paths are an i.i.d. sample of
        // the step's marginal, which the circular stationary bootstrap makes uniform on 0..n−1:
        // a chi-square over 20 groups of consecutive indices at the first step, inside a block's
        // typical life, and long after.
        var model = new StationaryBootstrapModel(Moves, new BootstrapOptions());
        int n = model.Residuals.Length;
        const int Paths = 20_000, Steps = 61, Groups = 20;
        var (_, indices) = Simulate(model, Paths, Steps);
        foreach (int step in new[] { 1, 8, 60 })
        {
            var counts = new double[Groups];
            for (int p = 0; p < Paths; p++)
            {
                counts[indices[(step * Paths) + p] * Groups / n]++;
            }

            double chi = Enumerable.Range(0, Groups).Sum(g =>
            {
                double expected = Paths * (double)(Bound(g + 1) - Bound(g)) / n;
                return (counts[g] - expected) * (counts[g] - expected) / expected;
            });
            Assert.True(chi < MathNet.Numerics.Distributions.ChiSquared.InvCDF(Groups - 1, 0.999), $"step {step}: chi-square {chi}");
        }

        // The group of index i is ⌊i·G/n⌋, so group g holds the indices from ⌈g·n/G⌉.
        int Bound(int g) => ((g * n) + Groups - 1) / Groups;
    }

    [Fact]
    public void AMeanBlockOfOneResamplesDaysIndependentlyAndShorterThanOneIsRefused()
    {
        var model = new StationaryBootstrapModel(Moves, new BootstrapOptions { MeanBlockLength = 1 });
        var (_, indices) = Simulate(model, 200, 50);
        int n = model.Residuals.Length;
        int consecutive = 0;
        for (int t = 2; t < 50; t++)
        {
            for (int p = 0; p < 200; p++)
            {
                consecutive += indices[(t * 200) + p] == (indices[((t - 1) * 200) + p] + 1) % n ? 1 : 0;
            }
        }

        // Every step restarts; a restart continues the previous block by chance (1/n): about 8 of 9,600.
        Assert.InRange(consecutive, 0, 25);
        var e = Assert.Throws<InputException>(() => new StationaryBootstrapModel(Moves, new BootstrapOptions { MeanBlockLength = 0.5 }));
        Assert.Equal(nameof(BootstrapOptions.MeanBlockLength), e.Key);
    }
}
