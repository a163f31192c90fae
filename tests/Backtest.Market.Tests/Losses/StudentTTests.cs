using Reference = MathNet.Numerics.Distributions.StudentT;
using Subject = Backtest.Market.Losses.StudentT;

namespace Backtest.Market.Tests.Losses;

public class StudentTTests
{
    [Theory]
    [InlineData(1.0)]
    [InlineData(3.0)]
    [InlineData(4.5)]
    [InlineData(30.0)]
    public void DistributionFunctionAndQuantileMatchMathNet(double nu)
    {
        foreach (double t in new[] { -40, -5, -2.5, -0.3, 0, 0.7, 1.9, 6, 25 })
        {
            Assert.Equal(Reference.CDF(0, 1, nu, t), Subject.Cdf(t, nu), 12);
        }

        foreach (double p in new[] { 1e-6, 0.001, 0.01, 0.05, 0.3, 0.5, 0.8, 0.99 })
        {
            double q = Subject.Quantile(p, nu);
            Assert.Equal(p, Reference.CDF(0, 1, nu, q), 11);
        }
    }

    [Fact]
    public void LogGammaMatchesMathNet()
    {
        foreach (double x in new[] { 0.1, 0.5, 1, 1.5, 2.25, 7, 15.5, 120 })
        {
            Assert.Equal(MathNet.Numerics.SpecialFunctions.GammaLn(x), Subject.LogGamma(x), 12);
        }
    }
}
