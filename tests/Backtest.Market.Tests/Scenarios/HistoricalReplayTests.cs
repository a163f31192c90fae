using Backtest.Market.Data;
using Backtest.Market.Scenarios;

namespace Backtest.Market.Tests.Scenarios;

public class HistoricalReplayTests
{
    private static MarketHistory History => ScenarioTestData.History;

    [Fact]
    public void TheHistorySpansTheAmplFileOnOneAxisWithTheYearEndGapCarriedForwardAndFlagged()
    {
        Assert.Equal(DailyAxis.Between(new DateOnly(2019, 6, 28), new DateOnly(2022, 9, 28)), History.Days);
        int dec27 = History.Days.StepOf(new DateOnly(2021, 12, 27));
        for (int t = dec27 + 1; t <= dec27 + 4; t++)
        {
            Assert.Equal(ReplayDayFlags.AmplCarriedForward, History.Flags[t]);
            Assert.Equal(History.AmplClose[dec27], History.AmplClose[t]);
        }

        Assert.Equal(ReplayDayFlags.None, History.Flags[dec27 + 5]);
        Assert.NotEqual(History.AmplClose[dec27], History.AmplClose[dec27 + 5]);
        Assert.Equal(ReplayDayFlags.AmplPartialDay, History.Flags[^1]);
        Assert.Equal(4, History.Flags.ToArray().Count(f => f == ReplayDayFlags.AmplCarriedForward));
        Assert.Equal(History.Days.Length - 5, History.Flags.ToArray().Count(f => f == ReplayDayFlags.None));
    }

    [Fact]
    public void PricesAreTheNearestDoublesOfTheFileAndTargetsTheExactPceRatios()
    {
        var ampl = HistoricalData.LoadAmplDaily(DataFiles.PathOf(BundledData.AmplUsdYahooDaily));
        var usdc = HistoricalData.LoadUsdcDaily(DataFiles.PathOf(BundledData.UsdcUsdYahooDaily));
        int day = History.Days.StepOf(new DateOnly(2020, 7, 11));
        Assert.Equal(3.8401150703430176, History.AmplClose[day]);
        Assert.Equal((double)usdc.At(new DateOnly(2020, 7, 11))!.Value.Close, History.UsdcClose[day], 15);
        Assert.Equal((double)ampl.At(new DateOnly(2019, 6, 29))!.Value.Close, History.AmplClose[1], 15);

        // June 2019 is the anchor month (target exactly 1); July 2019 uses May's index.
        Assert.Equal(1.0, History.AmplTarget[0]);
        Assert.Equal(1.000725619, History.AmplTarget[History.Days.StepOf(new DateOnly(2019, 7, 1))]);
        Assert.Equal(Math.Log(2.000699996948242), History.LogDeviation[0], 15);
    }

    [Fact]
    public void TransitionsSkipEveryMoveTouchingACarriedOrPartialDayAndSplitAtTheGap()
    {
        var moves = History.Transitions;
        Assert.Equal(History.Days.Length - 1 - 5 - 1, moves.Count);
        Assert.Equal(2, moves.StartsSegment.Count(s => s));
        int second = Array.IndexOf(moves.StartsSegment, true, 1);
        int jan1 = History.Days.StepOf(new DateOnly(2022, 1, 1));
        Assert.Equal(History.LogDeviation[jan1], moves.From[second]);
        Assert.Equal(History.LogDeviation[jan1 + 1], moves.To[second]);
        Assert.Equal(History.LogDeviation[^2], moves.To[^1]);
    }

    [Fact]
    public void TheReplayIsOnePathOfTheHistoryOverItsWindow()
    {
        var replay = new HistoricalReplay(History, new ReplayOptions { From = new DateOnly(2021, 12, 1), To = new DateOnly(2022, 1, 31) });
        Assert.Equal(1, replay.PathCount);
        Assert.Equal(62, replay.Steps);
        Assert.Equal(new DateOnly(2021, 12, 1), replay.Days.First);
        var batch = replay.CreateBatch(4);
        replay.Fill(0, 1, batch);
        int offset = History.Days.StepOf(new DateOnly(2021, 12, 1));
        for (int step = 0; step < replay.Steps; step++)
        {
            Assert.Equal(History.AmplClose[offset + step], batch.AmplPrice(step)[0]);
            Assert.Equal(History.AmplTarget[offset + step], batch.AmplTarget(step)[0]);
            Assert.Equal(History.UsdcClose[offset + step], batch.UsdcPrice(step)[0]);
            Assert.Equal(History.Flags[offset + step], replay.FlagOf(step));
            Assert.Equal(1, batch.AmplPrice(step).Length);
        }

        Assert.Equal(ReplayDayFlags.AmplCarriedForward, replay.FlagOf(27));
        Assert.Throws<ArgumentOutOfRangeException>(() => replay.Fill(1, 1, batch));
        Assert.Throws<ArgumentOutOfRangeException>(() => replay.Fill(0, 2, batch));
        Assert.Throws<ArgumentException>(() => replay.Fill(0, 1, new MarketPathBatch(1, 10)));
    }

    [Fact]
    public void AWindowOffTheHistoryNamesTheOption()
    {
        var early = Assert.Throws<InputException>(() => new HistoricalReplay(History, new ReplayOptions { From = new DateOnly(2019, 6, 1) }));
        Assert.Equal(nameof(ReplayOptions.From), early.Key);
        var reversed = Assert.Throws<InputException>(() => new HistoricalReplay(History, new ReplayOptions { From = new DateOnly(2020, 1, 2), To = new DateOnly(2020, 1, 1) }));
        Assert.Equal(nameof(ReplayOptions.To), reversed.Key);
        Assert.Equal(History.Days, new HistoricalReplay(History, new ReplayOptions()).Days);
    }
}
