using Backtest.Numerics.Simd;
using MathNet.Numerics.Distributions;

namespace Backtest.Numerics.Tests;

public class DeterministicMathTests
{
    private static readonly double[] LogEdges =
    [
        double.Epsilon, 2 * double.Epsilon, 1e-310, 2.2250738585072009e-308, 2.2250738585072014e-308, 1e-300,
        Math.Pow(2, -53), 1e-10, 0.1, 0.5, 0.7071067811865475, 0.7071067811865476, 0.9999999999999999, 1.0,
        1.0000000000000002, 1.4142135623730950, 1.4142135623730951, 1.4142135623730954, 2.0, Math.E, 10.0,
        1e10, 1e300, double.MaxValue,
    ];

    [Fact]
    public void LogIsWithinOneUlpOfTheLibraryOverTheWholeRange()
    {
        var random = new System.Random(11);
        var points = new List<double>(LogEdges);
        for (int i = 0; i < 60_000; i++)
        {
            // Uniform in the exponent and in the mantissa, across normals and subnormals.
            points.Add(BitConverter.Int64BitsToDouble(random.NextInt64(1, 0x7FEF_FFFF_FFFF_FFFF)));
            points.Add(random.NextDouble());
            points.Add(1 + ((random.NextDouble() - 0.5) * 1e-6));
        }

        long worst = points.Max(x => TestHelpers.UlpDistance(DeterministicMath.Log(x), Math.Log(x)));
        Assert.True(worst <= 1, $"worst error {worst} ulp");
        Assert.Equal(0.0, DeterministicMath.Log(1.0));
    }

    [Fact]
    public void LogSpecialValuesFollowIeee()
    {
        Assert.Equal(double.NegativeInfinity, DeterministicMath.Log(0.0));
        Assert.Equal(double.NegativeInfinity, DeterministicMath.Log(-0.0));
        Assert.Equal(double.PositiveInfinity, DeterministicMath.Log(double.PositiveInfinity));
        Assert.True(double.IsNaN(DeterministicMath.Log(-1.0)));
        Assert.True(double.IsNaN(DeterministicMath.Log(double.NegativeInfinity)));
        Assert.True(double.IsNaN(DeterministicMath.Log(double.NaN)));
    }

    [Fact]
    public void ExpIsWithinOneUlpOfTheLibraryOverTheWholeRange()
    {
        var random = new System.Random(12);
        var points = new List<double>
        {
            0.0, -0.0, 1e-300, -1e-300, 1e-17, 0.5, -0.5, 0.34657359027997264, 1.0, -1.0, 700.0, 709.78,
            709.782712893384, -708.39, -708.4, -740.0, -744.44, -745.13, 36.7368005696771, -36.7368005696771,
        };
        for (int i = 0; i < 60_000; i++)
        {
            points.Add((random.NextDouble() * 1455) - 745);
            points.Add((random.NextDouble() - 0.5) * 2);
            points.Add((random.NextDouble() - 0.5) * 1e-8);
        }

        long worst = points.Max(x => TestHelpers.UlpDistance(DeterministicMath.Exp(x), Math.Exp(x)));
        Assert.True(worst <= 1, $"worst error {worst} ulp");
    }

    [Fact]
    public void ExpSpecialValuesFollowIeee()
    {
        Assert.Equal(1.0, DeterministicMath.Exp(0.0));
        Assert.Equal(1.0, DeterministicMath.Exp(-0.0));
        Assert.Equal(double.PositiveInfinity, DeterministicMath.Exp(709.79));
        Assert.Equal(double.PositiveInfinity, DeterministicMath.Exp(double.PositiveInfinity));
        Assert.Equal(0.0, DeterministicMath.Exp(-745.14));
        Assert.Equal(0.0, DeterministicMath.Exp(double.NegativeInfinity));
        Assert.Equal(double.Epsilon, DeterministicMath.Exp(-745.13));
        Assert.True(double.IsNaN(DeterministicMath.Exp(double.NaN)));
    }

    [Fact]
    public void NormalQuantileAgreesWithAnIndependentInverseAndRoundTrips()
    {
        var random = new System.Random(13);
        var points = new List<double> { 1e-300, 1e-100, 1e-20, 1e-12, 1.4e-11, 1e-5, 0.02425, 0.075, 0.0750001, 0.3, 0.5, 0.7, 0.925, 0.97575, 0.999, 1 - 1e-12, 1 - Math.Pow(2, -53) };
        for (int i = 0; i < 20_000; i++)
        {
            points.Add(random.NextDouble());
            points.Add(Math.Pow(10, -300 * random.NextDouble()));
        }

        foreach (double p in points)
        {
            double z = DeterministicMath.NormalQuantile(p);
            double reference = Normal.InvCDF(0, 1, p);
            Assert.True(Math.Abs(z - reference) <= 1e-13 * Math.Max(1, Math.Abs(reference)), $"p = {p:R}: {z:R} vs {reference:R}");

            // Round trip through an independent CDF, relative to the smaller tail: a relative error ε
            // in z moves the tail probability by about z²·ε relative.
            double tail = Math.Min(p, 1 - p);
            double back = z < 0 ? Normal.CDF(0, 1, z) : 1 - Normal.CDF(0, 1, z);
            if (tail > 1e-300 && z != 0)
            {
                Assert.True(Math.Abs(back - tail) <= 2e-15 * Math.Max(1, z * z) * tail, $"p = {p:R}: Φ(z) = {back:R}");
            }
        }
    }

    [Fact]
    public void NormalCdfAgreesWithMathNetInBothTailsAndInvertsTheQuantile()
    {
        var random = new System.Random(17);
        var points = new List<double> { 0, 1e-300, 0.5, 1, 1.96, 5, 7.07106781186547, 7.071067811865476, 8, 20, 36.9 };
        for (int i = 0; i < 20_000; i++)
        {
            points.Add(37 * random.NextDouble());
            points.Add(8 * random.NextDouble());
        }

        double worst = 0;
        foreach (double x in points)
        {
            // The lower tail Φ(−x) carries the relative accuracy; a relative error ε of the quantile the
            // Newton step inverts moves the tail by about x²·ε relative (as does rounding x²/2).
            double tail = DeterministicMath.NormalCdf(-x);
            double reference = Normal.CDF(0, 1, -x);
            double relative = Math.Abs(tail - reference) / reference;
            worst = Math.Max(worst, relative / Math.Max(1, x * x));
            Assert.True(relative <= 2e-15 * Math.Max(1, x * x), $"x = {x:R}: {tail:R} vs {reference:R}");
            Assert.True(Math.Abs(DeterministicMath.NormalCdf(x) - Normal.CDF(0, 1, x)) <= 3.5e-16, $"x = {x:R}: {DeterministicMath.NormalCdf(x):R} vs {Normal.CDF(0, 1, x):R}");
        }

        Assert.True(worst < 2e-15, $"worst scaled relative error {worst:R}");
        foreach (double p in new[] { 1e-12, 1e-4, 0.025, 0.3, 0.5, 0.9, 0.999 })
        {
            Assert.InRange(DeterministicMath.NormalCdf(DeterministicMath.NormalQuantile(p)), p * (1 - 1e-13), p * (1 + 1e-13));
        }

        Assert.Equal(0.0, DeterministicMath.NormalCdf(-38));
        Assert.Equal(1.0, DeterministicMath.NormalCdf(38));
        Assert.Equal(0.5, DeterministicMath.NormalCdf(0));
        Assert.True(double.IsNaN(DeterministicMath.NormalCdf(double.NaN)));
    }

    [Fact]
    public void NormalQuantileSpecialValues()
    {
        Assert.Equal(0.0, DeterministicMath.NormalQuantile(0.5));
        Assert.Equal(double.NegativeInfinity, DeterministicMath.NormalQuantile(0.0));
        Assert.Equal(double.PositiveInfinity, DeterministicMath.NormalQuantile(1.0));
        Assert.True(double.IsNaN(DeterministicMath.NormalQuantile(-0.1)));
        Assert.True(double.IsNaN(DeterministicMath.NormalQuantile(1.1)));
        Assert.True(double.IsNaN(DeterministicMath.NormalQuantile(double.NaN)));
        var random = new System.Random(14);
        for (int i = 0; i < 10_000; i++)
        {
            // For p in [½, 1), 1 − p is exact, and the quantile is then exactly antisymmetric.
            double p = 0.5 + (random.NextDouble() / 2);
            Assert.Equal(BitConverter.DoubleToInt64Bits(-DeterministicMath.NormalQuantile(1 - p)), BitConverter.DoubleToInt64Bits(DeterministicMath.NormalQuantile(p)));
        }

        Assert.InRange(DeterministicMath.NormalQuantile(0.975), 1.95996398454005423552 - 1e-15, 1.95996398454005423552 + 1e-15);
    }

    public static TheoryData<int> Lengths() => new(0, 1, 2, 3, 5, 8, 13, 64, 1001);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void EveryTierGivesTheScalarBits(int length)
    {
        var random = new System.Random(length);
        double[] special = [0.0, -0.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, 1e-310, 1.0, 0.5, -1.0, 709.9, -745.2];
        var x = Enumerable.Range(0, length).Select(i => i % 7 == 6 ? special[i / 7 % special.Length] : i % 3 switch
        {
            0 => random.NextDouble(),
            1 => (random.NextDouble() - 0.5) * 1400,
            _ => BitConverter.Int64BitsToDouble(random.NextInt64(1, 0x7FEF_FFFF_FFFF_FFFF)),
        }).ToArray();

        AssertTiers(x, DeterministicMath.Log, (s, d) => DeterministicMath.Log(s, d), TierMaps.Log);
        AssertTiers(x, DeterministicMath.Exp, (s, d) => DeterministicMath.Exp(s, d), TierMaps.Exp);
        AssertTiers(x, DeterministicMath.NormalQuantile, (s, d) => DeterministicMath.NormalQuantile(s, d), TierMaps.NormalQuantile);
    }

    private static void AssertTiers(double[] x, Func<double, double> scalar, SpanAction span, Func<int, double[], double[]> tier)
    {
        long[] expected = x.Select(scalar).Bits();
        var viaSpan = new double[x.Length];
        span(x, viaSpan);
        Assert.Equal(expected, viaSpan.Bits());
        foreach (int width in new[] { 1, 128, 256, 512 })
        {
            Assert.Equal(expected, tier(width, x).Bits());
        }
    }

    private delegate void SpanAction(ReadOnlySpan<double> source, Span<double> destination);
}
