using Backtest.Market.Scenarios;
using Backtest.Numerics.Random;

namespace Backtest.Market.Tests.Scenarios;

public class MonteCarloMarketScenarioTests
{
    private static readonly RandomStream Stream = RandomStream.Create(99, 1, 2);

    private static MonteCarloMarketScenario Scenario(IAmplDeviationModel ampl, MonteCarloOptions options, int firstDraw = 0) =>
        new(Stream, ampl, new UsdcDepegModel(new UsdcDepegOptions { ShocksPerYear = 20 }), options, firstDraw);

    [Fact]
    public void AmplPriceIsTheTargetTimesTheExponentialOfTheModelsDeviation()
    {
        var model = new RegimeSwitchingModel(new RegimeSwitchingOptions());
        var scenario = Scenario(model, new MonteCarloOptions { Horizon = 50, StartLogDeviation = -0.2, StartTarget = 1.1, AnnualInflation = 0.03 }, firstDraw: 5);
        var batch = scenario.CreateBatch(16);
        scenario.Fill(40, 16, batch);
        var x = new double[16 * 50];
        model.Fill(Stream, 5, -0.2, 40, 16, 50, x, 16);
        for (int step = 0; step < 50; step++)
        {
            double target = 1.1 * Backtest.Numerics.DeterministicMath.Exp(Backtest.Numerics.DeterministicMath.Log(1.03) / 365.25 * step);
            Assert.Equal(target, scenario.Target[step]);
            for (int i = 0; i < 16; i++)
            {
                Assert.Equal(target, batch.AmplTarget(step)[i]);
                Assert.Equal(target * Backtest.Numerics.DeterministicMath.Exp(x[(step * 16) + i]), batch.AmplPrice(step)[i]);
            }
        }

        Assert.Equal(1.1 * Math.Exp(-0.2), batch.AmplPrice(0)[3], 14);
    }

    [Fact]
    public void TheTargetCompoundsTheStatedInflationFromTheCalibratedDefault()
    {
        var scenario = Scenario(new JumpDiffusionModel(new JumpDiffusionOptions()), new MonteCarloOptions { Horizon = 731 });
        Assert.Equal(CalibratedParameters.LatestTarget, scenario.Target[0]);
        Assert.Equal(CalibratedParameters.LatestTarget * (1 + CalibratedParameters.PceInflationPerYear) * (1 + CalibratedParameters.PceInflationPerYear), scenario.Target[730] * Math.Pow(1 + CalibratedParameters.PceInflationPerYear, 0.5 / 365.25), 12);
        Assert.Null(scenario.Days);
        Assert.Equal(RandomStream.MaxPath + 1, scenario.PathCount);
    }

    [Fact]
    public void UsdcDoesNotDependOnTheAmplModel()
    {
        var options = new MonteCarloOptions { Horizon = 200, StartDate = new DateOnly(2027, 3, 1) };
        var one = Scenario(new StationaryBootstrapModel(ScenarioTestData.History.Transitions, new BootstrapOptions()), options);
        var other = Scenario(new JumpDiffusionModel(new JumpDiffusionOptions()), options);
        var a = one.CreateBatch(64);
        var b = other.CreateBatch(64);
        one.Fill(0, 64, a);
        other.Fill(0, 64, b);
        for (int step = 0; step < 200; step++)
        {
            Assert.Equal(a.UsdcPrice(step).ToArray(), b.UsdcPrice(step).ToArray());
        }

        Assert.NotEqual(a.AmplPrice(100).ToArray(), b.AmplPrice(100).ToArray());
        Assert.Equal(DailyAxis.Between(new DateOnly(2027, 3, 1), new DateOnly(2027, 9, 16)), one.Days);
    }

    [Fact]
    public void ABatchIsReusedForSmallerFillsAndRefusesTheWrongHorizon()
    {
        var scenario = Scenario(new JumpDiffusionModel(new JumpDiffusionOptions()), new MonteCarloOptions { Horizon = 30 });
        var batch = scenario.CreateBatch(10);
        scenario.Fill(0, 10, batch);
        var tenth = batch.AmplPrice(29)[4];
        scenario.Fill(4, 5, batch);
        Assert.Equal(5, batch.AmplPrice(29).Length);
        Assert.Equal(4, batch.FirstPath);
        Assert.Equal(tenth, batch.AmplPrice(29)[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => scenario.Fill(0, 11, batch));
        Assert.Throws<ArgumentOutOfRangeException>(() => scenario.Fill(-1, 1, batch));
        Assert.Throws<ArgumentOutOfRangeException>(() => scenario.Fill(RandomStream.MaxPath, 2, batch));
        Assert.Throws<ArgumentException>(() => scenario.Fill(0, 1, new MarketPathBatch(1, 31)));
        Assert.Throws<ArgumentOutOfRangeException>(() => batch.AmplPrice(30));
    }

    [Fact]
    public void BadSettingsNameTheirKey()
    {
        var model = new JumpDiffusionModel(new JumpDiffusionOptions());
        Assert.Equal(nameof(MonteCarloOptions.Horizon), Assert.Throws<InputException>(() => Scenario(model, new MonteCarloOptions { Horizon = 0 })).Key);
        Assert.Equal(nameof(MonteCarloOptions.StartTarget), Assert.Throws<InputException>(() => Scenario(model, new MonteCarloOptions { StartTarget = 0 })).Key);
        Assert.Equal(nameof(MonteCarloOptions.AnnualInflation), Assert.Throws<InputException>(() => Scenario(model, new MonteCarloOptions { AnnualInflation = -1 })).Key);
    }
}
