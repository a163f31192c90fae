using Backtest.Numerics.Simd;
using Backtest.Numerics.Random;
using MathNet.Numerics.Distributions;
using static Backtest.Numerics.Tests.Random.GoodnessOfFit;

namespace Backtest.Numerics.Tests.Random;

public class DistributionTests
{
    private const int N = 200_000;
    private static readonly RandomStream Stream = RandomStream.Create(20240601, 2, 7);

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(-1.0, 2.5)]
    [InlineData(1e6, 1e-3)]
    public void NormalFitsItsDistribution(double mean, double sd)
    {
        var sample = Fill((s, p, t, d, x) => new NormalDistribution(mean, sd).Fill(s, p, t, d, x), 1);
        AssertKolmogorovSmirnov(sample, x => Normal.CDF(mean, sd, x), $"Normal({mean}, {sd})");
        AssertMean(sample, mean, sd, "normal");
        AssertVariance(sample, sd * sd, "normal");
    }

    [Theory]
    [InlineData(-5.521460917862246, 1.0)]
    [InlineData(0.0, 0.25)]
    public void LogNormalFitsItsDistribution(double mu, double sigma)
    {
        var d = new LogNormal(mu, sigma);
        var sample = Fill((s, p, t, d, x) => new LogNormalDistribution(mu, sigma).Fill(s, p, t, d, x), 2);
        AssertKolmogorovSmirnov(sample, d.CumulativeDistribution, $"LogNormal({mu}, {sigma})");
        AssertMean(sample, d.Mean, d.StdDev, "log-normal");
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(0.025)]
    [InlineData(40.0)]
    public void ExponentialFitsItsDistribution(double rate)
    {
        var sample = Fill((s, p, t, d, x) => new ExponentialDistribution(rate).Fill(s, p, t, d, x), 3);
        AssertKolmogorovSmirnov(sample, x => Exponential.CDF(rate, x), $"Exponential({rate})");
        AssertMean(sample, 1 / rate, 1 / rate, "exponential");
        AssertVariance(sample, 1 / (rate * rate), "exponential");
    }

    [Theory]
    [InlineData(1.5, 2.5)]
    [InlineData(1.0, 0.8)]
    [InlineData(0.01, 6.0)]
    public void ParetoFitsItsDistribution(double scale, double shape)
    {
        var d = new Pareto(scale, shape);
        var sample = Fill((s, p, t, d, x) => new ParetoDistribution(scale, shape).Fill(s, p, t, d, x), 4);
        AssertKolmogorovSmirnov(sample, d.CumulativeDistribution, $"Pareto({scale}, {shape})");
        Assert.True(sample.Min() >= scale);
        if (shape > 2)
        {
            AssertMean(sample, d.Mean, d.StdDev, "Pareto");
        }
    }

    [Theory]
    [InlineData(0.05, 0.25)]
    [InlineData(-3.0, 7.0)]
    public void UniformFitsItsDistribution(double lower, double upper)
    {
        var sample = Fill((s, p, t, d, x) => new UniformDistribution(lower, upper).Fill(s, p, t, d, x), 5);
        AssertKolmogorovSmirnov(sample, x => ContinuousUniform.CDF(lower, upper, x), $"Uniform({lower}, {upper})");
        AssertMean(sample, (lower + upper) / 2, (upper - lower) / Math.Sqrt(12), "uniform");
        AssertVariance(sample, (upper - lower) * (upper - lower) / 12, "uniform");
        Assert.True(sample.Min() >= lower && sample.Max() < upper);
    }

    [Theory]
    [InlineData(0.3, 2.0)]
    [InlineData(1.0, 1.0)]
    [InlineData(2.5, 0.5)]
    [InlineData(50.0, 3.0)]
    public void GammaFitsItsDistribution(double shape, double scale)
    {
        var sample = Fill(new GammaDistribution(shape, scale).Fill, 6, N / 2);
        AssertKolmogorovSmirnov(sample, x => Gamma.CDF(shape, 1 / scale, x), $"Gamma({shape}, {scale})");
        AssertMean(sample, shape * scale, Math.Sqrt(shape) * scale, "gamma");
        AssertVariance(sample, shape * scale * scale, "gamma");
    }

    [Theory]
    [InlineData(1.0, 0.0, 1.0)]
    [InlineData(3.0, 2.0, 0.5)]
    [InlineData(30.0, 0.0, 1.0)]
    public void StudentTFitsItsDistribution(double dof, double location, double scale)
    {
        var sample = Fill(new StudentTDistribution(dof, location, scale).Fill, 7, N / 2);
        AssertKolmogorovSmirnov(sample, x => StudentT.CDF(location, scale, dof, x), $"StudentT({dof}, {location}, {scale})");
        if (dof > 4)
        {
            AssertMean(sample, location, scale * Math.Sqrt(dof / (dof - 2)), "Student-t");
            AssertVariance(sample, scale * scale * dof / (dof - 2), "Student-t");
        }
    }

    [Theory]
    [InlineData(0.025)]
    [InlineData(3.7)]
    [InlineData(9.99)]
    [InlineData(10.0)]
    [InlineData(250.0)]
    [InlineData(1e6)]
    public void PoissonFitsItsDistribution(double mean)
    {
        var poisson = new PoissonDistribution(mean);
        var sample = new int[N];
        poisson.Fill(Stream, 0, 8, 0, sample);
        int start = (int)Math.Max(0, Math.Floor(mean - (8 * Math.Sqrt(mean))));
        AssertChiSquare(sample, k => Poisson.CDF(mean, k), start, $"Poisson({mean})");
        var asDouble = sample.Select(k => (double)k).ToArray();
        AssertMean(asDouble, mean, Math.Sqrt(mean), "Poisson");
        AssertVariance(asDouble, mean, "Poisson");
    }

    [Fact]
    public void PoissonInversionTableIsTheDocumentedRecurrence()
    {
        var poisson = new PoissonDistribution(0.025);
        ReadOnlySpan<double> table = poisson.Cumulative;
        Assert.Equal(DeterministicMath.Exp(-0.025), table[0]);
        Assert.Equal(table[0] + (table[0] * 0.025 / 1), table[1]);
        for (int j = 1; j < table.Length; j++)
        {
            Assert.True(table[j] > table[j - 1]);
        }

        Assert.True(1 - table[^1] < 1e-15);
        Assert.Equal(Poisson.CDF(0.025, 2), table[2], 1e-15);
    }

    [Fact]
    public void LogFactorialMatchesTheLibraryAcrossTheTableAndSeriesRegimes()
    {
        foreach (int k in new[] { 0, 1, 2, 5, 9, 10, 11, 20, 100, 1000, 123456, 1_000_000_000 })
        {
            double expected = MathNet.Numerics.SpecialFunctions.FactorialLn(k);
            Assert.True(Math.Abs(PoissonDistribution.LogFactorial(k) - expected) <= 1e-14 * Math.Max(1, expected), $"ln {k}!");
        }
    }

    public static TheoryData<int> Lengths() => new(0, 1, 3, 8, 9, 255, 256, 257, 1000);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void VectorisedDistributionsEqualTheScalarSampleOnEveryTier(int length)
    {
        AssertTiers(new NormalDistribution(-1, 2.5), length, (s, p) => new NormalDistribution(-1, 2.5).Sample(s, p, 3, 1));
        AssertTiers(new LogNormalDistribution(-5.5, 1.0), length, (s, p) => new LogNormalDistribution(-5.5, 1.0).Sample(s, p, 3, 1));
        AssertTiers(new ExponentialDistribution(0.7), length, (s, p) => new ExponentialDistribution(0.7).Sample(s, p, 3, 1));
        AssertTiers(new ParetoDistribution(2, 1.5), length, (s, p) => new ParetoDistribution(2, 1.5).Sample(s, p, 3, 1));
        AssertTiers(new UniformDistribution(0.05, 0.25), length, (s, p) => new UniformDistribution(0.05, 0.25).Sample(s, p, 3, 1));

        var poisson = new PoissonDistribution(2.5);
        var counts = new int[length];
        poisson.Fill(Stream, 77, 3, 1, counts);
        Assert.Equal(Enumerable.Range(0, length).Select(i => poisson.Sample(Stream, 77 + i, 3, 1)), counts);
        var uniforms = EdgeAndRandomUniforms(length);
        var expected = uniforms.Select(u => LaneDriver.Apply(new PoissonDistribution.CountAtOrBelow(poisson.Cumulative.ToArray()), u)).Bits();
        foreach (int width in new[] { 1, 128, 256, 512 })
        {
            Assert.Equal(expected, TierMaps.Run(new PoissonDistribution.CountAtOrBelow(poisson.Cumulative.ToArray()), width, uniforms).Bits());
        }
    }

    [Fact]
    public void ExtremeUniformsMapToFiniteVariatesInRange()
    {
        double top = 1 - Math.Pow(2, -53);
        Assert.Equal(-new NormalDistribution(0, 1).FromUniform(top), new NormalDistribution(0, 1).FromUniform(0.0));
        Assert.InRange(new NormalDistribution(0, 1).FromUniform(0.0), -8.3, -8.2);
        Assert.Equal(0.0, new ExponentialDistribution(1).FromUniform(0.0));
        Assert.Equal(BitConverter.DoubleToInt64Bits(0.0), BitConverter.DoubleToInt64Bits(new ExponentialDistribution(1).FromUniform(0.0)));
        Assert.Equal(53 * Math.Log(2), new ExponentialDistribution(1).FromUniform(top), 1e-12);
        Assert.Equal(1.5, new ParetoDistribution(1.5, 2).FromUniform(0.0));
        Assert.True(double.IsFinite(new ParetoDistribution(1.5, 0.01).FromUniform(top)) || new ParetoDistribution(1.5, 0.01).FromUniform(top) == double.PositiveInfinity);
        Assert.Equal(0.05, new UniformDistribution(0.05, 0.25).FromUniform(0.0));
    }

    [Fact]
    public void ADrawDependsOnlyOnItsCounterNotOnTheBatch()
    {
        var normal = new NormalDistribution(0, 1);
        var whole = new double[1000];
        normal.Fill(Stream, 0, 4, 2, whole);
        var part = new double[300];
        normal.Fill(Stream, 517, 4, 2, part);
        Assert.Equal(whole.Skip(517).Take(300).Bits(), part.Bits());

        var gamma = new GammaDistribution(0.5, 1);
        var g = new double[50];
        gamma.Fill(Stream, 10, 4, 2, g);
        Assert.Equal(gamma.Sample(Stream, 35, 4, 2), g[25]);
    }

    [Fact]
    public void PairFillsUseBothUniformsOfTheBlock()
    {
        var normal = new NormalDistribution(0, 1);
        var first = new double[40];
        var second = new double[40];
        normal.Fill(Stream, 5, 6, 7, first, second);
        for (int i = 0; i < 40; i++)
        {
            var block = Stream.Block(5 + i, 6, 7);
            Assert.Equal(normal.FromUniform(block.First), first[i]);
            Assert.Equal(normal.FromUniform(block.Second), second[i]);
        }
    }

    [Fact]
    public void RejectionSamplersReadOnlyTheirOwnDrawsContinuations()
    {
        // A Gamma variate at draw 3 must not change when draw 4 is used for something else, and
        // must equal a replay of the documented algorithm over continuations 0, 1, 2, … of draw 3.
        var gamma = new GammaDistribution(2.5, 1.0);
        double d = 2.5 - (1.0 / 3);
        double c = 1 / Math.Sqrt(9 * d);
        for (long path = 0; path < 200; path++)
        {
            double expected = double.NaN;
            for (int continuation = 0; double.IsNaN(expected); continuation++)
            {
                var block = Stream.Block(path, 9, 3, continuation);
                double z = new NormalDistribution(0, 1).FromUniform(block.First);
                double t = 1 + (c * z);
                if (t <= 0)
                {
                    continue;
                }

                double v = t * t * t;
                double u = block.Second;
                if (u < 1 - (0.0331 * z * z * z * z) || DeterministicMath.Log(u) < (0.5 * z * z) + (d * (1 - v + DeterministicMath.Log(v))))
                {
                    expected = d * v;
                }
            }

            Assert.Equal(expected, gamma.Sample(Stream, path, 9, 3));
        }
    }

    [Fact]
    public void ParametersOutsideTheirDomainAreRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NormalDistribution(0, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NormalDistribution(double.NaN, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LogNormalDistribution(0, double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDistribution(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParetoDistribution(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParetoDistribution(1, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new UniformDistribution(1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new GammaDistribution(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new StudentTDistribution(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PoissonDistribution(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PoissonDistribution(PoissonDistribution.MaxMean * 2));
    }

    private delegate void FillAction(RandomStream stream, long firstPath, int step, int draw, Span<double> destination);

    private static double[] Fill(FillAction fill, int draw, int n = N)
    {
        var sample = new double[n];
        fill(Stream, 0, 8, draw, sample);
        return sample;
    }

    private static double[] EdgeAndRandomUniforms(int length)
    {
        double[] edges = [0.0, Math.Pow(2, -53), 0.075, 0.5, 0.925, 1 - Math.Pow(2, -53)];
        var random = new System.Random(length);
        return Enumerable.Range(0, length).Select(i => i < edges.Length ? edges[i] : Math.Floor(random.NextDouble() * 9007199254740992.0) / 9007199254740992.0).ToArray();
    }

    private static void AssertTiers<TMap>(TMap map, int length, Func<RandomStream, long, double> sample)
        where TMap : struct, ILaneMap
    {
        var uniforms = EdgeAndRandomUniforms(length);
        long[] expected = uniforms.Select(u => LaneDriver.Apply(map, u)).Bits();
        foreach (int width in new[] { 1, 128, 256, 512 })
        {
            Assert.Equal(expected, TierMaps.Run(map, width, uniforms).Bits());
        }

        var filled = new double[length];
        Sampling.Fill(map, Stream, 1_000_003, 3, 1, filled, []);
        Assert.Equal(Enumerable.Range(0, length).Select(i => sample(Stream, 1_000_003 + i)).Bits(), filled.Bits());
    }
}
