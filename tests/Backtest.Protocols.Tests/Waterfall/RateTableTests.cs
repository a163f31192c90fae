using Backtest.Protocols.Waterfall;

namespace Backtest.Protocols.Tests.Waterfall;

public class RateTableTests
{
    public static TheoryData<Tranche, int> TranchesAndPeriods()
    {
        var data = new TheoryData<Tranche, int>();
        foreach (var t in Tranches.SeniorFirst)
        {
            data.Add(t, 1);
            data.Add(t, 365);
        }

        return data;
    }

    /// <summary>The seed's formula in double precision (error ~1e-16), independent of the table's integer recurrences.</summary>
    internal static double ExactApy(ApyCurve curve, double u)
    {
        double lo = curve.MinBps / 10_000.0, span = (curve.MaxBps - curve.MinBps) / 10_000.0;
        double shape = curve.Kind switch
        {
            CurveKind.Flat => 0,
            CurveKind.Logarithmic => Math.Log(1 + u) / Math.Log(2),
            CurveKind.Linear => u,
            CurveKind.Sigmoidal => 1 / (1 + Math.Exp(-10 * (u - 0.5))),
            CurveKind.Quadratic => u * u,
            CurveKind.Exponential => (Math.Exp(2 * u) - 1) / (Math.Exp(2) - 1),
            _ => throw new ArgumentOutOfRangeException(nameof(curve)),
        };
        return lo + (span * shape);
    }

    [Theory]
    [MemberData(nameof(TranchesAndPeriods))]
    public void EndpointsMatchTheFormula(Tranche tranche, int periods)
    {
        var table = RateTable.For(ApyCurve.Seed003(tranche), periods);
        foreach (var (u, x) in new[] { (0L, 0.0), (Utilization.One, 1.0) })
        {
            double apy = table.ToAnnualDouble(table.Evaluate(u));
            Assert.InRange(Math.Abs(apy - ExactApy(table.Curve, x)), 0, table.AbsoluteErrorBound);
        }
    }

    [Fact]
    public void EndpointsAreTheSeedsFigures()
    {
        // Seed 003 states APY(0) and APY(1) for each curve; the sigmoid as written is not
        // normalised, so its endpoints sit 0.0234% inside MIN and MAX.
        (Tranche T, double At0, double At1)[] stated =
        [
            (Tranche.SureBtc, 0.04, 0.04), (Tranche.SureSnr, 0.065, 0.10), (Tranche.SureMezz, 0.09, 0.15),
            (Tranche.SureJnr, 0.125234, 0.159766), (Tranche.SureJnrPlus, 0.16, 0.22), (Tranche.SureEqt, 0.15, 0.25),
        ];
        foreach (var (t, at0, at1) in stated)
        {
            var table = RateTable.For(ApyCurve.Seed003(t), 1);
            Assert.Equal(at0, table.ToAnnualDouble(table.Evaluate(0)), 6);
            Assert.Equal(at1, table.ToAnnualDouble(table.Evaluate(Utilization.One)), 6);
        }
    }

    [Theory]
    [MemberData(nameof(TranchesAndPeriods))]
    public void MonotoneBoundedAndWithinTheStatedErrorOnAFineGrid(Tranche tranche, int periods)
    {
        var table = RateTable.For(ApyCurve.Seed003(tranche), periods);
        Assert.InRange(table.AbsoluteErrorBound, 0, 1e-9);
        var random = new Random(20251015 + (int)tranche);
        var grid = Enumerable.Range(0, 4097).Select(k => (long)k << 20)
            .Concat(Enumerable.Range(0, 4000).Select(_ => random.NextInt64(0, Utilization.One + 1)))
            .Order()
            .ToArray();
        long previous = long.MinValue;
        double worst = 0;
        foreach (long u in grid)
        {
            long rate = table.Evaluate(u);
            Assert.True(rate >= previous, $"{tranche}: rate falls at U = {u}");
            Assert.InRange(rate, table.LowerBound, table.UpperBound);
            previous = rate;
            worst = Math.Max(worst, Math.Abs(table.ToAnnualDouble(rate) - ExactApy(table.Curve, Utilization.ToDouble(u))));
        }

        Assert.InRange(worst, 0, table.AbsoluteErrorBound + 1e-15);
    }

    [Fact]
    public void InterpolationErrorPeaksMidSegmentWhereTheBoundSaysForTheSteepestCurve()
    {
        // The bound is not slack: at mid-segment near U = 1 the exponential's error is close to h²/8·f''.
        var table = RateTable.For(ApyCurve.Seed003(Tranche.SureEqt), 1);
        long u = Utilization.One - (1L << (RateTable.OffsetBits - 1));
        double error = table.ToAnnualDouble(table.Evaluate(u)) - ExactApy(table.Curve, Utilization.ToDouble(u));
        Assert.InRange(error, 1.5e-10, table.AbsoluteErrorBound);
    }

    [Theory]
    [InlineData(CurveKind.Logarithmic, 650, 1000, 0.5, 0.08547369)]
    [InlineData(CurveKind.Sigmoidal, 1250, 1600, 0.5, 0.1425)]
    [InlineData(CurveKind.Exponential, 1500, 2500, 0.5, 0.17689414)]
    [InlineData(CurveKind.Quadratic, 1600, 2200, 0.25, 0.16375)]
    public void PublishedMidpoints(CurveKind kind, int min, int max, double u, double apy)
    {
        // Values from the reference pricing tests (shared/spec/vectors/tonsurance.json, ton-apy-ref-*).
        var table = RateTable.For(new ApyCurve(kind, min, max), 1);
        Assert.Equal(apy, table.ToAnnualDouble(table.Evaluate((long)(u * Utilization.One))), 8);
    }

    [Fact]
    public void RefusesUtilizationOutsideTheUnitInterval()
    {
        var table = RateTable.For(ApyCurve.Seed003(Tranche.SureMezz), 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Evaluate(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => table.Evaluate(Utilization.One + 1));
    }

    [Fact]
    public void RefusesInvertedOrOutOfRangeBounds()
    {
        Assert.Throws<InputException>(() => RateTable.For(new ApyCurve(CurveKind.Linear, 900, 800), 1));
        Assert.Throws<InputException>(() => RateTable.For(new ApyCurve(CurveKind.Linear, -1, 800), 1));
        Assert.Throws<InputException>(() => RateTable.For(new ApyCurve(CurveKind.Linear, 0, 10_001), 1));
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(100_000, 100_000, Utilization.One)]
    [InlineData(150_000, 100_000, Utilization.One)]
    [InlineData(1, 3, 1431655765)]
    [InlineData(0, 5, 0)]
    public void UtilizationIsFlooredAndClamped(long coverage, long capital, long expected) =>
        Assert.Equal(expected, Utilization.FromCapital(coverage, capital));
}
