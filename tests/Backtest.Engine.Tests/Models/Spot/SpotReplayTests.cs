using Backtest.Engine.Models.Spot;
using Backtest.Market.Data;
using Backtest.Numerics;
using Backtest.Numerics.Random;
using Xunit.Abstractions;

namespace Backtest.Engine.Tests.Models.Spot;

public class SpotReplayTests(ITestOutputHelper output)
{
    [Fact]
    public void ReplayingThePolicyOverTheBundledPricesReproducesTheRecordedSupply()
    {
        var data = SpotTestSupport.Data();
        var prices = SpotHistory.Load(data, new DateOnly(2019, 6, 30), new DateOnly(2020, 9, 20));
        var rebases = HistoricalData.LoadAmplSupply(data.File(BundledData.AmplSupplyPerRebase.FileName));

        var changes = AmplSupplyReplay.OneDayChanges(rebases, prices);
        double correlation = MathNet.Numerics.Statistics.Correlation.Pearson(changes.Select(c => c.Predicted), changes.Select(c => c.Recorded));

        long initial = SpotHistory.Amount(rebases.Last(r => DateOnly.FromDateTime(r.TimestampUtc) < prices.Days[0]).Supply);
        var replayed = AmplSupplyReplay.Replay(prices, initial);
        double worst = 0;
        foreach (var r in rebases.Where(r => DateOnly.FromDateTime(r.TimestampUtc) >= prices.Days[0] && r.TimestampUtc < new DateTime(2020, 5, 1)))
        {
            int step = DateOnly.FromDateTime(r.TimestampUtc).DayNumber - prices.Days[0].DayNumber;
            worst = Math.Max(worst, Math.Abs((Fixed.ToDouble(replayed[step]) / (double)r.Supply) - 1));
        }

        output.WriteLine($"one-day supply change, predicted vs recorded: correlation {correlation:F4} over {changes.Count} rebases");
        output.WriteLine($"cumulative replayed supply vs recorded, 2019-06-30..2020-04-30: largest relative gap {worst:P2}");
        Assert.True(correlation >= 0.95, $"correlation {correlation:F4}");
        Assert.True(worst <= 0.20, $"largest gap {worst:P2}");
    }

    [Fact]
    public void TheFullHistoryReplayKeepsTheSystemInvariantsEveryDay()
    {
        var settings = SpotTestSupport.Settings(("protocol_share", Fixed.Parse("0")), ("exit_nav_discount", 0.08));
        var market = SpotHistory.Load(SpotTestSupport.Data(), SpotHistory.First, SpotHistory.Last);
        var run = new SpotPath(settings, SpotGeneration.V5, market, RandomStream.Create(1, 0, 0), RandomStream.Create(2, 0, 0), 0);
        int checks = 0, impairedDays = 0;
        run.Run((world, t) =>
        {
            foreach (var result in world.CheckInvariants())
            {
                Assert.True(result.Holds, $"day {t} ({market.Days[t]:yyyy-MM-dd}): {result}");
                checks++;
            }

            impairedDays += world.SeniorShortfall() > 0 ? 1 : 0;
        });
        output.WriteLine($"{checks} invariant checks over {market.Steps} days; days with an impaired senior: {impairedDays}");
        Assert.True(checks > 4 * market.Steps);
    }
}
