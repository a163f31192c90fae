using Backtest.Market.Losses;
using Backtest.Numerics.Random;
using MathNet.Numerics.Distributions;

namespace Backtest.Market.Tests.Losses;

/// <summary>
/// A homogeneous pool of lines through the copula against the large-pool (Vasicek) tranche
/// expected losses. The tolerance is 4 standard errors of the simulated mean plus the pool's
/// granularity: the exact difference between the finite pool (conditionally binomial) and the
/// infinite pool, both computed here by quadrature. The simulation must also match the finite
/// pool's exact value within 4 standard errors alone.
/// </summary>
public class OneFactorCopulaTests
{
    private const int Names = 400;
    private const int Scenarios = 20_000;
    private const double P = 0.02, Rho = 0.2;
    /// <summary>ln((Names − k)/(k + 1)), the binomial coefficient's step.</summary>
    private static readonly double[] LogRatios = Enumerable.Range(0, Names + 1).Select(k => Math.Log(Names - k) - Math.Log(k + 1)).ToArray();

    private static readonly (double Attach, double Detach)[] Tranches = [(0, 0.03), (0.03, 0.07), (0.07, 0.15), (0.15, 1)];

    [Fact]
    public void GaussianPoolTrancheLossesMatchTheVasickLargePoolFormula()
    {
        var copula = new OneFactorCopula(Enumerable.Repeat(P, Names).ToArray(), Rho, CopulaFamily.Gaussian);
        double threshold = Normal.InvCDF(0, 1, P);
        var (zs, zWeights) = NormalGrid();
        double Conditional(double z, double w) => Normal.CDF(0, 1, (threshold - (Math.Sqrt(Rho) * z)) / Math.Sqrt(1 - Rho));
        AssertTranches(copula, zs, zWeights, [1.0], [1.0], Conditional);
    }

    [Fact]
    public void StudentTPoolTrancheLossesMatchTheLargePoolFormulaWithTheMixingVariable()
    {
        const double nu = 4;
        var copula = new OneFactorCopula(Enumerable.Repeat(P, Names).ToArray(), Rho, CopulaFamily.StudentT, nu);
        double threshold = MathNet.Numerics.Distributions.StudentT.InvCDF(0, 1, nu, P);
        var (zs, zWeights) = NormalGrid();
        const int wPoints = 100;
        double[] ws = Enumerable.Range(0, wPoints).Select(i => ChiSquared.InvCDF(nu, (i + 0.5) / wPoints)).ToArray();
        double[] wWeights = Enumerable.Repeat(1.0 / wPoints, wPoints).ToArray();
        double Conditional(double z, double w) => Normal.CDF(0, 1, ((threshold * Math.Sqrt(w / nu)) - (Math.Sqrt(Rho) * z)) / Math.Sqrt(1 - Rho));
        AssertTranches(copula, zs, zWeights, ws, wWeights, Conditional);
    }

    [Fact]
    public void EachLineDefaultsWithItsOwnProbability()
    {
        double[] probabilities = [0.01, 0.05, 0.2];
        foreach (var family in new[] { CopulaFamily.Gaussian, CopulaFamily.StudentT })
        {
            var copula = new OneFactorCopula(probabilities, 0.5, family, 3);
            var stream = RandomStream.Create(11, 0, 0);
            var counts = new int[3];
            var defaulted = new bool[3];
            for (int s = 0; s < 100_000; s++)
            {
                copula.Defaults(stream, s, 0, 100, defaulted);
                for (int i = 0; i < 3; i++)
                {
                    counts[i] += defaulted[i] ? 1 : 0;
                }
            }

            for (int i = 0; i < 3; i++)
            {
                double error = 4 * Math.Sqrt(probabilities[i] * (1 - probabilities[i]) / 100_000);
                Assert.InRange(counts[i] / 100_000.0, probabilities[i] - error, probabilities[i] + error);
            }
        }
    }

    [Fact]
    public void BadParametersAreRefused()
    {
        Assert.Throws<InputException>(() => new OneFactorCopula([0.0], 0.2, CopulaFamily.Gaussian));
        Assert.Throws<InputException>(() => new OneFactorCopula([0.1], 1.0, CopulaFamily.Gaussian));
        Assert.Throws<InputException>(() => new OneFactorCopula([0.1], 0.2, CopulaFamily.StudentT, 0));
    }

    private static void AssertTranches(OneFactorCopula copula, double[] zs, double[] zWeights, double[] ws, double[] wWeights, Func<double, double, double> conditional)
    {
        var stream = RandomStream.Create(2025, 3, 1);
        var simulated = Tranches.Select(_ => new List<double>(Scenarios)).ToArray();
        var defaulted = new bool[Names];
        for (int s = 0; s < Scenarios; s++)
        {
            copula.Defaults(stream, s, 0, 0, defaulted);
            double loss = defaulted.Count(d => d) / (double)Names;
            for (int t = 0; t < Tranches.Length; t++)
            {
                simulated[t].Add(TrancheLoss(loss, Tranches[t]));
            }
        }

        var largePool = new double[Tranches.Length];
        var finitePool = new double[Tranches.Length];
        var pmf = new double[Names + 1];
        for (int i = 0; i < zs.Length; i++)
        {
            for (int j = 0; j < ws.Length; j++)
            {
                double p = conditional(zs[i], ws[j]), weight = zWeights[i] * wWeights[j];
                BinomialPmf(p, pmf);
                for (int t = 0; t < Tranches.Length; t++)
                {
                    largePool[t] += weight * TrancheLoss(p, Tranches[t]);
                    double expected = 0;
                    for (int k = 0; k <= Names; k++)
                    {
                        expected += pmf[k] * TrancheLoss(k / (double)Names, Tranches[t]);
                    }

                    finitePool[t] += weight * expected;
                }
            }
        }

        for (int t = 0; t < Tranches.Length; t++)
        {
            double mean = simulated[t].Average();
            double error = Math.Sqrt(simulated[t].Sum(x => (x - mean) * (x - mean)) / (Scenarios - 1) / Scenarios);
            Assert.True(Math.Abs(mean - finitePool[t]) <= 4 * error, $"tranche {t}: simulated {mean}, finite pool {finitePool[t]}, 4 SE {4 * error}");
            double granularity = Math.Abs(finitePool[t] - largePool[t]);
            Assert.True(Math.Abs(mean - largePool[t]) <= (4 * error) + granularity, $"tranche {t}: simulated {mean}, large pool {largePool[t]}, 4 SE {4 * error}, granularity {granularity}");
        }
    }

    private static double TrancheLoss(double poolLoss, (double Attach, double Detach) tranche) =>
        Math.Clamp(poolLoss - tranche.Attach, 0, tranche.Detach - tranche.Attach) / (tranche.Detach - tranche.Attach);

    /// <summary>Binomial(Names, p) probabilities, by the ratio recursion in log space (no underflow at the ends).</summary>
    private static void BinomialPmf(double p, double[] pmf)
    {
        if (p <= 0 || p >= 1)
        {
            Array.Clear(pmf);
            pmf[p <= 0 ? 0 : Names] = 1;
            return;
        }

        double log = Names * Math.Log(1 - p), ratio = Math.Log(p) - Math.Log(1 - p);
        for (int k = 0; k <= Names; k++)
        {
            pmf[k] = Math.Exp(log);
            log += LogRatios[k] + ratio;
        }
    }

    /// <summary>Simpson's rule for a standard normal expectation on [−8, 8].</summary>
    private static (double[] Points, double[] Weights) NormalGrid()
    {
        const int intervals = 200;
        double h = 16.0 / intervals;
        var points = new double[intervals + 1];
        var weights = new double[intervals + 1];
        for (int i = 0; i <= intervals; i++)
        {
            points[i] = -8 + (i * h);
            double simpson = i == 0 || i == intervals ? 1 : i % 2 == 1 ? 4 : 2;
            weights[i] = simpson * h / 3 * Normal.PDF(0, 1, points[i]);
        }

        return (points, weights);
    }
}
