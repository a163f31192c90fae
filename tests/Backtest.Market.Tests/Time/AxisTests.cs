namespace Backtest.Market.Tests.Time;

public class AxisTests
{
    private static readonly DateOnly LeapDay = new(2020, 2, 29);

    [Fact]
    public void DailyStepsAndDatesMapBothWaysAcrossMonthAndLeapBoundaries()
    {
        var axis = DailyAxis.Between(new DateOnly(2020, 2, 27), new DateOnly(2020, 3, 2));
        Assert.Equal(5, axis.Length);
        Assert.Equal(LeapDay, axis.DateOf(2));
        Assert.Equal(3, axis.StepOf(new DateOnly(2020, 3, 1)));
        Assert.Equal(new DateOnly(2020, 3, 2), axis.Last);
        Assert.Equal(axis.Dates, Enumerable.Range(0, axis.Length).Select(axis.DateOf));
        for (int k = 0; k < axis.Length; k++)
        {
            Assert.True(axis.TryStepOf(axis.DateOf(k), out int back));
            Assert.Equal(k, back);
        }
    }

    [Fact]
    public void DailyDatesOffTheAxisAreRefused()
    {
        var axis = new DailyAxis(LeapDay, 3);
        Assert.False(axis.TryStepOf(LeapDay.AddDays(-1), out int before));
        Assert.Equal(-1, before);
        Assert.False(axis.Contains(LeapDay.AddDays(3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => axis.StepOf(LeapDay.AddDays(3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => axis.DateOf(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => axis.DateOf(-1));
        Assert.Throws<ArgumentException>(() => DailyAxis.Between(LeapDay, LeapDay.AddDays(-1)));
        Assert.Throws<InvalidOperationException>(() => new DailyAxis(LeapDay, 0).Last);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DailyAxis(DateOnly.MaxValue, 2));
    }

    [Fact]
    public void DailyIntersectionKeepsTheCommonDays()
    {
        var a = DailyAxis.Between(new DateOnly(2020, 1, 1), new DateOnly(2020, 1, 10));
        var b = DailyAxis.Between(new DateOnly(2020, 1, 8), new DateOnly(2020, 2, 1));
        Assert.Equal(DailyAxis.Between(new DateOnly(2020, 1, 8), new DateOnly(2020, 1, 10)), a.Intersect(b));
        Assert.Equal(0, a.Intersect(new DailyAxis(new DateOnly(2021, 1, 1), 5)).Length);
    }

    [Fact]
    public void MonthlyStepsCrossYearsAndOnlyFirstDaysAreKeys()
    {
        var axis = new MonthlyAxis(new DateOnly(2019, 11, 1), 4);
        Assert.Equal(new DateOnly(2020, 2, 1), axis.MonthOf(3));
        Assert.True(axis.TryStepOf(new DateOnly(2020, 1, 1), out int january));
        Assert.Equal(2, january);
        Assert.False(axis.TryStepOf(new DateOnly(2020, 1, 2), out _));
        Assert.False(axis.TryStepOf(new DateOnly(2020, 3, 1), out _));
        Assert.Throws<ArgumentException>(() => new MonthlyAxis(new DateOnly(2019, 11, 2), 1));
        Assert.Equal(new DateOnly(2020, 2, 1), MonthlyAxis.MonthContaining(LeapDay));
    }

    [Fact]
    public void IntradayStepsAreWholeIntervalsFromTheFirstUtcInstant()
    {
        var first = new DateTime(2023, 3, 9, 23, 30, 0, DateTimeKind.Utc);
        var axis = new IntradayAxis(first, TimeSpan.FromMinutes(15), 5);
        Assert.Equal(new DateTime(2023, 3, 10, 0, 15, 0, DateTimeKind.Utc), axis.TimeOf(3));
        Assert.True(axis.TryStepOf(first.AddMinutes(60), out int fourth));
        Assert.Equal(4, fourth);
        Assert.False(axis.TryStepOf(first.AddMinutes(10), out _));
        Assert.False(axis.TryStepOf(first.AddMinutes(75), out _));
        Assert.False(axis.TryStepOf(DateTime.SpecifyKind(first, DateTimeKind.Unspecified), out _));
        Assert.Throws<ArgumentException>(() => new IntradayAxis(DateTime.SpecifyKind(first, DateTimeKind.Local), TimeSpan.FromMinutes(15), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IntradayAxis(first, TimeSpan.Zero, 1));
    }
}
