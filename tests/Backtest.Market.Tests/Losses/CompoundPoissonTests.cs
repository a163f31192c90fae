using Backtest.Market.Losses;
using Backtest.Numerics.Random;
using MathNet.Numerics.Distributions;

namespace Backtest.Market.Tests.Losses;

public class CompoundPoissonTests
{
    private const int Steps = 200_000;

    /// <summary>Raw moments E[X^k], k = 1..4, of each severity, from its parameters (independent of the sampler).</summary>
    public static TheoryData<string, double, double[]> Cases() => new()
    {
        { "lognormal", 1.5, Enumerable.Range(1, 4).Select(k => Math.Exp((k * -1.0) + (k * k * 0.5 * 0.5 / 2))).ToArray() },
        { "pareto", 0.8, Enumerable.Range(1, 4).Select(k => 9.0 * Math.Pow(0.2, k) / (9.0 - k)).ToArray() },
        { "empirical", 3.0, Enumerable.Range(1, 4).Select(k => new[] { 0.1, 0.2, 0.2, 0.7, 1.3 }.Average(x => Math.Pow(x, k))).ToArray() },
    };

    private static ISeverity Severity(string name) => name switch
    {
        "lognormal" => new LogNormalSeverity(-1.0, 0.5),
        "pareto" => new ParetoSeverity(0.2, 9.0),
        _ => new EmpiricalSeverity([0.2, 0.1, 1.3, 0.7, 0.2]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MeanAndVarianceMatchTheCompoundPoissonFormulas(string severity, double lambda, double[] moments)
    {
        var model = new CompoundPoisson(lambda, Severity(severity));
        var stream = RandomStream.Create(42, 1, 2);
        var losses = new double[Steps];
        for (int i = 0; i < Steps; i++)
        {
            losses[i] = model.StepLoss(stream, i, 7, 0);
        }

        // Cumulants of S are λ·E[X^k]: mean κ₁, variance κ₂, fourth central moment κ₄ + 3κ₂².
        double mean = lambda * moments[0], variance = lambda * moments[1];
        double fourth = (lambda * moments[3]) + (3 * variance * variance);
        Assert.Equal(mean, model.ExpectedLoss, 12);
        Assert.Equal(variance, model.Variance, 12);

        double sampleMean = losses.Average();
        double sampleVariance = losses.Sum(x => (x - sampleMean) * (x - sampleMean)) / (Steps - 1);
        Assert.InRange(sampleMean, mean - (4 * Math.Sqrt(variance / Steps)), mean + (4 * Math.Sqrt(variance / Steps)));
        double varianceError = Math.Sqrt((fourth - (variance * variance)) / Steps);
        Assert.InRange(sampleVariance, variance - (4 * varianceError), variance + (4 * varianceError));
    }

    [Fact]
    public void ClaimCountsArePoisson()
    {
        var model = new CompoundPoisson(0.7, new LogNormalSeverity(0, 1));
        var stream = RandomStream.Create(3, 0, 0);
        var counts = new int[8];
        for (int i = 0; i < Steps; i++)
        {
            counts[Math.Min(7, model.Claims(stream, i, 0, 0))]++;
        }

        for (int k = 0; k < 5; k++)
        {
            double p = Poisson.PMF(0.7, k);
            double error = 4 * Math.Sqrt(p * (1 - p) / Steps);
            Assert.InRange(counts[k] / (double)Steps, p - error, p + error);
        }
    }

    [Fact]
    public void AStepIsAFunctionOfItsCountersAlone()
    {
        var model = new CompoundPoisson(2.5, new ParetoSeverity(1, 3));
        var stream = RandomStream.Create(9, 4, 5);
        double first = model.StepLoss(stream, 123_456_789_012, 77, 40);
        _ = model.StepLoss(stream, 5, 77, 40);
        Assert.Equal(first, model.StepLoss(stream, 123_456_789_012, 77, 40));
        Assert.NotEqual(first, model.StepLoss(RandomStream.Create(10, 4, 5), 123_456_789_012, 77, 40));
    }

    [Fact]
    public void CatastropheJumpsHaveTheirProbabilityAndMeanSize()
    {
        var jumps = new CatastropheJumps(0.01, 0.05, 0.25);
        var stream = RandomStream.Create(5, 0, 0);
        int hits = 0;
        double total = 0;
        for (int i = 0; i < Steps; i++)
        {
            double loss = jumps.StepLoss(stream, i, 3, 11);
            if (loss > 0)
            {
                hits++;
                total += loss;
                Assert.InRange(loss, 0.05, 0.25);
            }
        }

        double error = 4 * Math.Sqrt(0.01 * 0.99 / Steps);
        Assert.InRange(hits / (double)Steps, 0.01 - error, 0.01 + error);
        Assert.InRange(total / hits, 0.15 - (4 * 0.2 / Math.Sqrt(12 * hits)), 0.15 + (4 * 0.2 / Math.Sqrt(12 * hits)));
    }

    [Fact]
    public void EmpiricalClaimsAreTheObservationsEquallyLikely()
    {
        var severity = new EmpiricalSeverity([3, 1, 2, 4]);
        Assert.Equal(1, severity.Quantile(0));
        Assert.Equal(1, severity.Quantile(0.2499));
        Assert.Equal(2, severity.Quantile(0.25));
        Assert.Equal(4, severity.Quantile(0.9999999));
        Assert.Throws<InputException>(() => new EmpiricalSeverity([]));
        Assert.Throws<InputException>(() => new EmpiricalSeverity([1, -1]));
    }
}
