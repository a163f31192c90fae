using Backtest.Market.Losses;
using Backtest.Numerics;
using Backtest.Numerics.Random;

namespace Backtest.Market.Tests.Losses;

public class LossPathModelTests
{
    private static readonly long Million = 1_000_000 * Fixed.One;

    private static LossPathModel Model() => new(
        [
            new LineOfCover("hull", 10 * Million, new CompoundPoisson(0.3, new LogNormalSeverity(-4, 0.8)), 0.6),
            new LineOfCover("cargo", 5 * Million, new CompoundPoisson(0.1, new ParetoSeverity(0.01, 3)), 0.4),
            new LineOfCover("cyber", 20 * Million, new CompoundPoisson(0.05, new EmpiricalSeverity([0.001, 0.02, 0.3])), 1.0),
        ],
        new OneFactorCopula([0.01, 0.02, 0.005], 0.3, CopulaFamily.StudentT, 5),
        new CatastropheJumps(0.001, 0.05, 0.25));

    [Fact]
    public void EachLinesMeanLossIsItsClaimsPlusItsExpectedDefaultLoss()
    {
        var model = Model();
        var stream = RandomStream.Create(8, 2, 0);
        const int steps = 100_000;
        var perLine = new long[3];
        var sums = new double[3];
        var squares = new double[3];
        double catastrophes = 0;
        for (int s = 0; s < steps; s++)
        {
            catastrophes += Fixed.ToDouble(model.StepLosses(stream, s % 1000, s / 1000, perLine));
            for (int i = 0; i < 3; i++)
            {
                double x = Fixed.ToDouble(perLine[i]);
                sums[i] += x;
                squares[i] += x * x;
            }
        }

        for (int i = 0; i < 3; i++)
        {
            var line = model.Lines[i];
            double coverage = Fixed.ToDouble(line.Coverage);

            // Claims are capped at the coverage, which these severities essentially never reach.
            double expected = coverage * ((line.Claims.Intensity * line.Claims.Severity.Mean) + (model.Defaults!.DefaultProbabilities[i] * line.LossGivenDefault));
            double mean = sums[i] / steps, sd = Math.Sqrt((squares[i] / steps) - (mean * mean));
            Assert.InRange(mean, expected - (4 * sd / Math.Sqrt(steps)), expected + (4 * sd / Math.Sqrt(steps)));
        }

        double expectedCatastrophe = 35 * 1e6 * 0.001 * 0.15;
        Assert.InRange(catastrophes / steps, expectedCatastrophe * 0.7, expectedCatastrophe * 1.3);
    }

    [Fact]
    public void AStepDependsOnItsCountersAlone()
    {
        var model = Model();
        var stream = RandomStream.Create(1, 0, 0);
        var a = new long[3];
        var b = new long[3];
        long catastropheA = model.StepLosses(stream, 999_999, 3, a);
        var scratch = new long[3];
        for (int p = 0; p < 50; p++)
        {
            model.StepLosses(stream, p, 3, scratch);
        }

        long catastropheB = model.StepLosses(stream, 999_999, 3, b);
        Assert.Equal(a, b);
        Assert.Equal(catastropheA, catastropheB);
    }

    [Fact]
    public void InconsistentModelsAreRefused()
    {
        var claims = new CompoundPoisson(0.1, new LogNormalSeverity(0, 1));
        Assert.Throws<InputException>(() => new LossPathModel([], null, null));
        Assert.Throws<InputException>(() => new LossPathModel([new LineOfCover("x", 0, claims, 0.5)], null, null));
        Assert.Throws<InputException>(() => new LossPathModel([new LineOfCover("x", Million, claims, 1.5)], null, null));
        Assert.Throws<InputException>(() => new LossPathModel([new LineOfCover("x", Million, claims, 0.5)], new OneFactorCopula([0.1, 0.1], 0.2, CopulaFamily.Gaussian), null));
    }
}
