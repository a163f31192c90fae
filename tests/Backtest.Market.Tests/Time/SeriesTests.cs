namespace Backtest.Market.Tests.Time;

public class SeriesTests
{
    private static readonly DailyAxis Days = new(new DateOnly(2021, 12, 27), 6);

    private static DailySeries<decimal> WithYearEndGap() =>
        new(Days, [1.5m, null, null, null, null, 2.25m]);

    [Fact]
    public void GapsStayNullAndAreListedByDate()
    {
        var series = WithYearEndGap();
        Assert.Equal(4, series.GapCount);
        Assert.Equal(Days.Dates.Skip(1).Take(4), series.Gaps);
        Assert.Null(series.At(new DateOnly(2021, 12, 30)));
        Assert.Equal(2.25m, series.At(new DateOnly(2022, 1, 1)));
        Assert.Equal([(new DateOnly(2021, 12, 27), 1.5m), (new DateOnly(2022, 1, 1), 2.25m)], series.Observations);
    }

    [Fact]
    public void TryGetValueIsFalseForGapsAndDaysOffTheAxis()
    {
        var series = WithYearEndGap();
        Assert.True(series.TryGetValue(new DateOnly(2021, 12, 27), out var first));
        Assert.Equal(1.5m, first);
        Assert.False(series.TryGetValue(new DateOnly(2021, 12, 28), out _));
        Assert.False(series.TryGetValue(new DateOnly(2022, 1, 2), out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => series.At(new DateOnly(2022, 1, 2)));
        Assert.Throws<ArgumentOutOfRangeException>(() => series[6]);
    }

    [Fact]
    public void SelectMapsValuesAndKeepsGaps()
    {
        var doubled = WithYearEndGap().Select(v => v * 2);
        Assert.Equal(Days, doubled.Axis);
        Assert.Equal<decimal?[]>([3m, null, null, null, null, 4.5m], doubled.Values.ToArray());
    }

    [Fact]
    public void ValuesMustMatchTheAxisAndAreCopied()
    {
        Assert.Throws<ArgumentException>(() => new DailySeries<decimal>(Days, new decimal?[5]));
        var values = new decimal?[] { 1m, 2m, 3m, 4m, 5m, 6m };
        var series = new DailySeries<decimal>(Days, values);
        values[0] = 99m;
        Assert.Equal(1m, series[0]);
    }
}
