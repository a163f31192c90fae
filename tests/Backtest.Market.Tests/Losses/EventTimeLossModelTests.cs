using Backtest.Market.Losses;
using Backtest.Numerics;
using Backtest.Numerics.Random;
using MathNet.Numerics.Distributions;

namespace Backtest.Market.Tests.Losses;

/// <summary>The event-time draws reproduce the day-by-day model they re-parameterise.</summary>
public class EventTimeLossModelTests
{
    private const int Days = 1095;
    private static readonly long Coverage = 80_000_000 * Fixed.One;

    private static LossDays Generate(EventTimeLossModel model, int paths, long firstPath = 0, ulong seed = 17)
    {
        var days = new LossDays();
        model.Generate(RandomStream.Create(seed, 0, 0), firstPath, paths, days);
        return days;
    }

    [Fact]
    public void ClaimDaysCountsAndAmountsFollowTheDailyModel()
    {
        // Without catastrophes: each day has a claim with probability 1 − e^−λ, the count on a
        // claim day is Poisson(λ) given ≥ 1, and the mean loss per day is λ · E[min(1, X)] · coverage.
        const double lambda = 0.025, mu = -5.521460917862246, sigma = 1.0; // μ = ln 0.004
        const int paths = 20_000;
        var model = new EventTimeLossModel(Coverage, lambda, new LogNormalSeverity(mu, sigma), new CatastropheJumps(0, 0, 0), Days);
        var losses = Generate(model, paths);

        double pDay = 1 - Math.Exp(-lambda);
        double dayShare = losses.Count / (double)(paths * Days);
        double dayError = 4 * Math.Sqrt(pDay * (1 - pDay) / (paths * Days));
        Assert.InRange(dayShare, pDay - dayError, pDay + dayError);

        double cappedMean = (Math.Exp(mu + (sigma * sigma / 2)) * Normal.CDF(0, 1, (-mu - (sigma * sigma)) / sigma)) + (1 - Normal.CDF(0, 1, -mu / sigma));
        double expectedPerPath = Days * lambda * cappedMean * Fixed.ToDouble(Coverage);
        var perPath = PerPathTotals(losses);
        double mean = perPath.Average(), error = 4 * Math.Sqrt(perPath.Sum(x => (x - mean) * (x - mean)) / (paths - 1) / paths);
        Assert.InRange(mean, expectedPerPath - error, expectedPerPath + error);

        Assert.All(Enumerable.Range(0, losses.Count), i => Assert.True(losses.Amounts[i] > 0));
    }

    [Fact]
    public void CatastropheDaysHaveTheirDailyProbabilityAndSize()
    {
        const double q = 0.002;
        const int paths = 20_000;
        var model = new EventTimeLossModel(Coverage, 1e-9, new LogNormalSeverity(-30, 0.1), new CatastropheJumps(q, 0.05, 0.25), Days);
        var losses = Generate(model, paths);

        double share = losses.Count / (double)(paths * Days);
        double error = 4 * Math.Sqrt(q * (1 - q) / (paths * Days));
        Assert.InRange(share, q - error, q + error);

        double meanSize = losses.Amounts.ToArray().Average(a => Fixed.ToDouble(a)) / Fixed.ToDouble(Coverage);
        double sizeError = 4 * 0.2 / Math.Sqrt(12.0 * losses.Count);
        Assert.InRange(meanSize, 0.15 - sizeError, 0.15 + sizeError);
        Assert.All(Enumerable.Range(0, losses.Count), i => Assert.InRange(losses.Amounts[i], Coverage / 20, Coverage / 4));

        // Catastrophe days per path: Binomial(Days, q) mean and variance.
        var counts = Enumerable.Range(0, paths).Select(p => losses.Offsets[p + 1] - losses.Offsets[p]).ToArray();
        double meanCount = counts.Average(), variance = counts.Sum(c => (c - meanCount) * (c - meanCount)) / (paths - 1);
        Assert.InRange(meanCount, (Days * q) - (4 * Math.Sqrt(Days * q / paths)), (Days * q) + (4 * Math.Sqrt(Days * q / paths)));
        Assert.InRange(variance, Days * q * (1 - q) * 0.95, Days * q * (1 - q) * 1.05);
    }

    [Fact]
    public void ClaimCountsOnAClaimDayAreZeroTruncatedPoisson()
    {
        // A degenerate severity (every claim exactly 1% of coverage) makes the count readable from the amount.
        const double lambda = 0.6;
        const int paths = 5_000;
        var model = new EventTimeLossModel(Coverage, lambda, new EmpiricalSeverity([0.01]), new CatastropheJumps(0, 0, 0), Days);
        var losses = Generate(model, paths);
        var counts = new int[6];
        for (int i = 0; i < losses.Count; i++)
        {
            counts[Math.Min(5, (int)(losses.Amounts[i] / (Coverage / 100)))]++;
        }

        double positive = 1 - Math.Exp(-lambda);
        for (int n = 1; n <= 4; n++)
        {
            double p = Poisson.PMF(lambda, n) / positive;
            double error = 4 * Math.Sqrt(p * (1 - p) / losses.Count);
            Assert.InRange(counts[n] / (double)losses.Count, p - error, p + error);
        }
    }

    [Fact]
    public void PathsDoNotDependOnHowTheyAreBatched()
    {
        var model = new EventTimeLossModel(Coverage, 0.025, new LogNormalSeverity(Math.Log(0.004), 1), new CatastropheJumps(0.0005, 0.05, 0.25), Days);
        var whole = Generate(model, 1_000);
        var split = new LossDays();
        var stream = RandomStream.Create(17, 0, 0);
        model.Generate(stream, 0, 300, split);
        var second = Generate(model, 700, 300);
        Assert.Equal(whole.Days[..whole.Offsets[300]].ToArray(), split.Days.ToArray());
        Assert.Equal(whole.Days[whole.Offsets[300]..].ToArray(), second.Days.ToArray());
        Assert.Equal(whole.Amounts[whole.Offsets[300]..].ToArray(), second.Amounts.ToArray());

        for (int p = 0; p < whole.Paths; p++)
        {
            var days = whole.Days[whole.Offsets[p]..whole.Offsets[p + 1]];
            for (int i = 0; i < days.Length; i++)
            {
                Assert.InRange(days[i], i == 0 ? 1 : days[i - 1] + 1, Days);
            }
        }

        Assert.NotEqual(whole.Amounts.ToArray(), Generate(model, 1_000, 0, 18).Amounts.ToArray());
    }

    private static double[] PerPathTotals(LossDays losses) =>
        Enumerable.Range(0, losses.Paths)
            .Select(p => losses.Amounts[losses.Offsets[p]..losses.Offsets[p + 1]].ToArray().Sum(a => Fixed.ToDouble(a)))
            .ToArray();
}
