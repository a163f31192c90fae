using Backtest.Market.Data;
using Backtest.Numerics;
using FsCheck;
using FsCheck.Fluent;

namespace Backtest.Market.Tests.Data;

public class AmplTargetRateTests
{
    private static MonthlySeries<decimal> Index(DateOnly first, params decimal?[] values) =>
        new(new MonthlyAxis(first, values.Length), values);

    [Theory]
    [InlineData("2019-06-01", "2019-04-01")]
    [InlineData("2019-06-30", "2019-04-01")]
    [InlineData("2019-07-01", "2019-05-01")]
    [InlineData("2020-01-15", "2019-11-01")]
    [InlineData("2020-02-29", "2019-12-01")]
    public void AMonthsValueAppliesFromTheFirstDayTwoMonthsLater(string day, string month)
    {
        Assert.Equal(DateOnly.Parse(month), AmplTargetRate.MonthInEffect(DateOnly.Parse(day)));
    }

    [Fact]
    public void TheRatioIsExactAndRoundedDown()
    {
        Assert.Equal(Fixed.One, AmplTargetRate.Ratio(103.360m, 103.36m));
        Assert.Equal(666_666_666L, AmplTargetRate.Ratio(2m, 3m));
        Assert.Equal(1_500_000_000L, AmplTargetRate.Ratio(0.000000000000000000000000003m, 0.000000000000000000000000002m));
        Assert.Equal(333_333_333L, AmplTargetRate.Ratio(79228162514264337593543950335m / 3m, 79228162514264337593543950335m));
        Assert.Throws<ArgumentOutOfRangeException>(() => AmplTargetRate.Ratio(0m, 1m));
        Assert.Throws<FixedPointOverflowException>(() => AmplTargetRate.Ratio(1e20m, 1m));
    }

    [Fact]
    public void TheRatioIsTheFloorOfTheExactQuotientForThreeDecimalIndexes()
    {
        var index = Gen.Choose(1, 999_999).Select(n => n / 1000m);
        var property = Prop.ForAll(Gen.Zip(index, index).ToArbitrary(), pair =>
        {
            var (value, baseValue) = pair;
            long ratio = AmplTargetRate.Ratio(value, baseValue);

            // floor(q) = r  ⇔  r · base ≤ value · 10⁹ < (r + 1) · base, all exact in decimal at these sizes.
            decimal scaled = value * Fixed.One;
            return ratio * baseValue <= scaled && scaled < (ratio + 1) * baseValue;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), property);
    }

    [Fact]
    public void DaysWithoutAnIndexValueAreGaps()
    {
        var pcepi = Index(new DateOnly(2019, 3, 1), 103.069m, 103.360m, null, 103.484m);
        var target = AmplTargetRate.Daily(pcepi, DailyAxis.Between(new DateOnly(2019, 5, 31), new DateOnly(2019, 8, 1)));
        Assert.Equal(AmplTargetRate.Ratio(103.069m, 103.360m), target.At(new DateOnly(2019, 5, 31)));
        Assert.Equal(Fixed.One, target.At(new DateOnly(2019, 6, 1)));
        Assert.Null(target.At(new DateOnly(2019, 7, 1)));                 // May is a gap
        Assert.Equal(AmplTargetRate.Ratio(103.484m, 103.360m), target.At(new DateOnly(2019, 8, 1)));
    }

    [Fact]
    public void ASeriesWithoutTheBaseMonthIsRefused()
    {
        var pcepi = Index(new DateOnly(2019, 5, 1), 103.435m);
        var e = Assert.Throws<ArgumentException>(() => AmplTargetRate.Daily(pcepi, new DailyAxis(new DateOnly(2019, 7, 1), 1)));
        Assert.Contains("2019-04", e.Message);
    }
}
