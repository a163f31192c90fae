using Backtest.Market.Scenarios;
using Backtest.Market.Scenarios.Calibration;
using Backtest.Numerics.Random;

namespace Backtest.Market.Tests.Scenarios;

public class JumpDiffusionTests
{
    private static readonly JumpDiffusionOptions Known = new()
    {
        LongRunLogDeviation = -0.1,
        MeanReversionPerDay = 0.1,
        VolatilityPerSqrtDay = 0.03,
        JumpsPerDay = 0.5,
        JumpMean = 0.02,
        JumpVolatility = 0.1,
    };

    private static double[] Simulate(JumpDiffusionOptions options, int paths, int steps, double start, ulong seed = 11)
    {
        var values = new double[paths * steps];
        new JumpDiffusionModel(options).Fill(RandomStream.Create(seed, 0, 0), 0, start, 0, paths, steps, values, paths);
        return values;
    }

    [Fact]
    public void OneStepMovesHaveTheCompoundPoissonMoments()
    {
        // From x = μ the move is sZ + Nμ_J + √N σ_J Z_J: cumulants κ₁ = λμ_J, κ₂ = s² + λ(σ_J² + μ_J²),
        // κ₃ = λ(μ_J³ + 3μ_Jσ_J²), κ₄ = λ(μ_J⁴ + 6μ_J²σ_J² + 3σ_J⁴).
        const int Paths = 200_000;
        var x = Simulate(Known, Paths, 2, Known.LongRunLogDeviation);
        var moves = x.AsSpan(Paths).ToArray().Select(v => v - Known.LongRunLogDeviation).ToArray();
        var model = new JumpDiffusionModel(Known);
        double s2 = model.StepVolatility * model.StepVolatility;
        var (l, m, v) = (Known.JumpsPerDay, Known.JumpMean, Known.JumpVolatility * Known.JumpVolatility);
        double mean = l * m;
        double variance = s2 + (l * (v + (m * m)));
        double third = l * ((m * m * m) + (3 * m * v));
        double fourth = l * ((m * m * m * m) + (6 * m * m * v) + (3 * v * v));

        double sampleMean = moves.Average();
        double c2 = moves.Average(d => Math.Pow(d - sampleMean, 2));
        double c3 = moves.Average(d => Math.Pow(d - sampleMean, 3));
        double c4 = moves.Average(d => Math.Pow(d - sampleMean, 4)) - (3 * c2 * c2);
        Assert.InRange(sampleMean, mean - (4 * Math.Sqrt(variance / Paths)), mean + (4 * Math.Sqrt(variance / Paths)));
        Assert.InRange(c2 / variance, 0.98, 1.02);
        Assert.InRange(c3 / Math.Pow(variance, 1.5), (third / Math.Pow(variance, 1.5)) - 0.1, (third / Math.Pow(variance, 1.5)) + 0.1);
        Assert.InRange(c4 / (variance * variance), (fourth / (variance * variance)) - 0.3, (fourth / (variance * variance)) + 0.3);
        Assert.InRange(fourth / (variance * variance), 4, 5);
    }

    [Fact]
    public void LongRunLevelsHaveTheStationaryMeanAndVariance()
    {
        // Stationary: E x = μ + λμ_J/(1 − a), Var x = (s² + λ(σ_J² + μ_J²)) / (1 − a²).
        const int Paths = 10_000, Steps = 120;
        var x = Simulate(Known, Paths, Steps, 0.5);
        var model = new JumpDiffusionModel(Known);
        double a = model.Decay;
        double mean = Known.LongRunLogDeviation + (Known.JumpsPerDay * Known.JumpMean / (1 - a));
        double variance = ((model.StepVolatility * model.StepVolatility) + (Known.JumpsPerDay * ((Known.JumpVolatility * Known.JumpVolatility) + (Known.JumpMean * Known.JumpMean)))) / (1 - (a * a));
        var last = x.AsSpan((Steps - 1) * Paths, Paths).ToArray();
        var (sampleMean, error) = ScenarioTestData.MeanAndError(last);
        Assert.InRange(sampleMean, mean - (4 * error), mean + (4 * error));
        double sampleVariance = last.Average(v => (v - sampleMean) * (v - sampleMean));
        Assert.InRange(sampleVariance / variance, 0.95, 1.05);
    }

    [Fact]
    public void WithoutJumpsOrReversionTheStepIsTheDiffusionAlone()
    {
        var gbm = new JumpDiffusionModel(Known with { MeanReversionPerDay = 0, JumpsPerDay = 0 });
        Assert.Equal(1.0, gbm.Decay);
        Assert.Equal(Known.VolatilityPerSqrtDay, gbm.StepVolatility);
        double z = 0.7;
        double expected = -0.5 * Math.Log(2 * Math.PI * 0.03 * 0.03) - (z * z / (2 * 0.03 * 0.03));
        Assert.Equal(expected, gbm.LogTransitionDensity(0.2, 0.2 + z), 9);

        // Reversion's variance factor, √((1 − e^(−2κ))/(2κ)), is right on both sides of where its series takes over.
        foreach (double kappa in new[] { 1e-9, 1e-5, JumpDiffusionModel.SeriesBelow * 0.999999, JumpDiffusionModel.SeriesBelow, 0.3 })
        {
            var (_, s) = JumpDiffusionModel.Discretise(kappa, 1);
            decimal twoKappa = 2 * (decimal)kappa;
            double exact = Math.Sqrt((double)((1 - DecimalExp(-twoKappa)) / twoKappa));
            Assert.Equal(exact, s, 14);
        }
    }

    /// <summary>e^x by its Taylor series in 28-digit decimals (|x| ≤ 1).</summary>
    private static decimal DecimalExp(decimal x)
    {
        decimal term = 1, sum = 1;
        for (int n = 1; n < 40; n++)
        {
            term *= x / n;
            sum += term;
        }

        return sum;
    }

    [Fact]
    public void TheTransitionDensityIntegratesToOne()
    {
        var model = new JumpDiffusionModel(Known);
        double sum = 0;
        const double Step = 1e-4;
        for (double y = -3; y <= 3; y += Step)
        {
            sum += Math.Exp(model.LogTransitionDensity(0.3, y)) * Step;
        }

        Assert.Equal(1.0, sum, 6);
    }

    [Fact]
    public void TheFitRecoversTheParametersOfItsOwnSimulation()
    {
        var truth = new JumpDiffusionOptions
        {
            LongRunLogDeviation = -0.1,
            MeanReversionPerDay = 0.05,
            VolatilityPerSqrtDay = 0.04,
            JumpsPerDay = 0.3,
            JumpMean = 0.01,
            JumpVolatility = 0.12,
        };
        var path = Simulate(truth, 1, 2000, truth.LongRunLogDeviation, seed: 5);
        var fit = JumpDiffusionFit.Fit(AmplTransitions.FromPath(path));
        (Estimate Fitted, double True)[] pairs =
        [
            (fit.LongRunLogDeviation, truth.LongRunLogDeviation),
            (fit.MeanReversionPerDay, truth.MeanReversionPerDay),
            (fit.VolatilityPerSqrtDay, truth.VolatilityPerSqrtDay),
            (fit.JumpsPerDay, truth.JumpsPerDay),
            (fit.JumpMean, truth.JumpMean),
            (fit.JumpVolatility, truth.JumpVolatility),
        ];
        foreach (var (fitted, value) in pairs)
        {
            Assert.False(double.IsNaN(fitted.StandardError));
            Assert.InRange(value, fitted.Value - (4 * fitted.StandardError), fitted.Value + (4 * fitted.StandardError));
        }

        // The maximum beats the truth's likelihood, and reversion is detected.
        Assert.True(fit.LogLikelihood >= JumpDiffusionFit.LogLikelihoodOf(AmplTransitions.FromPath(path), truth));
        Assert.True(fit.ReversionLikelihoodRatio > 13.8, $"likelihood ratio {fit.ReversionLikelihoodRatio}");
    }

    [Fact]
    public void InvalidParametersNameTheOption()
    {
        var e = Assert.Throws<InputException>(() => new JumpDiffusionModel(Known with { JumpVolatility = -1 }));
        Assert.Equal(nameof(JumpDiffusionOptions.JumpVolatility), e.Key);
        e = Assert.Throws<InputException>(() => new JumpDiffusionModel(Known with { VolatilityPerSqrtDay = double.NaN }));
        Assert.Equal(nameof(JumpDiffusionOptions.VolatilityPerSqrtDay), e.Key);
    }
}
