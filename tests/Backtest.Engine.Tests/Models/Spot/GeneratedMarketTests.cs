using Backtest.Engine.Models;
using Backtest.Engine.Models.Spot;
using Backtest.Engine.Runs;
using Backtest.Engine.Studies;
using Backtest.IO.Parquet;
using Backtest.Market.Data;
using Backtest.Market.Scenarios;
using Backtest.Numerics;
using Backtest.Numerics.Random;

namespace Backtest.Engine.Tests.Models.Spot;

public sealed class GeneratedMarketTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("backtest-spot-kinds-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    public static TheoryData<string> Kinds => [GeneratedMarket.Bootstrap, GeneratedMarket.JumpDiffusion, GeneratedMarket.Regime];

    private static GeneratedMarket Market(string kind, params (string Name, object Value)[] settings)
    {
        var spec = GeneratedMarket.Kinds.Single(k => k.Name == kind);
        var values = new ParameterValues(spec.Parameters, settings.ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal));
        return GeneratedMarket.From(kind, values, SpotTestSupport.Data(), RandomStream.Create(5, 1, 0));
    }

    [Fact]
    public void EveryKindDefaultsToTheCommittedCalibration()
    {
        var bootstrap = (StationaryBootstrapModel)Market(GeneratedMarket.Bootstrap).Scenario.Ampl;
        Assert.Equal(CalibratedParameters.BootstrapMeanBlockLength, bootstrap.Options.MeanBlockLength);

        var jump = Market(GeneratedMarket.JumpDiffusion).Scenario;
        Assert.Equal(new JumpDiffusionOptions(), ((JumpDiffusionModel)jump.Ampl).Options);

        var three = (RegimeSwitchingModel)Market(GeneratedMarket.Regime).Scenario.Ampl;
        Assert.Equal(CalibratedParameters.ThreeRegimes.Volatility, three.Options.Volatility);
        Assert.Equal(CalibratedParameters.ThreeRegimes.Transition, three.Options.Transition);
        var two = (RegimeSwitchingModel)Market(GeneratedMarket.Regime, ("regimes", "2")).Scenario.Ampl;
        Assert.Equal(CalibratedParameters.TwoRegimes.Intercept, two.Options.Intercept);
        Assert.Equal(CalibratedParameters.TwoRegimes.Slope, two.Options.Slope);
        Assert.Equal(CalibratedParameters.TwoRegimes.Volatility, two.Options.Volatility);
        Assert.Equal(CalibratedParameters.TwoRegimes.Transition, two.Options.Transition);

        var usdc = jump.Usdc.Options;
        Assert.Equal(new UsdcDepegOptions(), usdc);
        Assert.Equal(CalibratedParameters.UsdcShocksPerYear, usdc.ShocksPerYear);

        // The start target read from the PCEPI file is the committed one, and the growth is PCEPI's.
        Assert.Equal(CalibratedParameters.LatestTarget, jump.Options.StartTarget);
        Assert.Equal(CalibratedParameters.PceInflationPerYear, jump.Options.AnnualInflation);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void APathIsTheMarketScenariosPathWhicheverBatchHoldsIt(string kind)
    {
        var market = Market(kind, ("horizon_days", 60L), ("usdc_shocks_per_year", 20.0));
        var batch = market.Scenario.CreateBatch(8);
        market.Scenario.Fill(100, 8, batch);
        var again = market.Generate(104);
        for (int i = 7; i >= 0; i--)
        {
            var path = market.Generate(100 + i);
            for (int t = 0; t < path.Steps; t++)
            {
                Assert.Equal(Math.Max(1, PriceConversion.ToAmount(batch.AmplPrice(t)[i], Rounding.Floor)), path.AmplPrice[t]);
                Assert.Equal(PriceConversion.ToAmount(batch.AmplTarget(t)[i], Rounding.Floor), path.AmplTarget[t]);
                Assert.Equal(PriceConversion.ToAmount(batch.UsdcPrice(t)[i], Rounding.Floor), path.UsdcPrice[t]);
            }

            Assert.Equal(new DateOnly(2026, 1, 7), path.Days[0]);
            Assert.Equal(path.AmplPrice[0], path.OpeningPrice);
            Assert.Equal(1.0, path.Weight);
        }

        Assert.Equal(again.AmplPrice, market.Generate(104).AmplPrice);
        Assert.NotEqual(again.AmplPrice, market.Generate(105).AmplPrice);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void TheDepegDayOverlaysEveryPathAndIsItsShock(string kind)
    {
        const int Day = 12;
        var market = Market(kind, ("horizon_days", 40L), ("usdc_shocks_per_year", 0.0), ("depeg_day", (long)Day));
        for (long p = 0; p < 5; p++)
        {
            var path = market.Generate(p);
            Assert.Equal(Day, path.ShockStep);
            Assert.All(path.UsdcPrice[..Day], u => Assert.Equal(Fixed.One, u));

            // The close of the onset day is in the rebound after the trough (about 0.957), the next
            // in the final recovery, and a week later the peg is back within a millionth.
            Assert.InRange(Fixed.ToDouble(path.UsdcPrice[Day]), 0.95, 0.965);
            Assert.InRange(Fixed.ToDouble(path.UsdcPrice[Day + 1]), 0.98, 0.995);
            Assert.InRange(Fixed.ToDouble(path.UsdcPrice[Day + 7]), 0.999999, 1.0);
        }

        var calm = Market(kind, ("horizon_days", 40L), ("usdc_shocks_per_year", 0.0)).Generate(3);
        Assert.Equal(-1, calm.ShockStep);
        Assert.All(calm.UsdcPrice, u => Assert.Equal(Fixed.One, u));
    }

    [Fact]
    public void RandomDepegsArriveAtTheirRateAndMarkTheirOnsetDay()
    {
        // 3.6525 a year is 0.01 a day: over 100 days a path has one with probability 1 − e^(−1).
        const int Paths = 600;
        var market = Market(GeneratedMarket.JumpDiffusion, ("horizon_days", 100L), ("usdc_shocks_per_year", 3.6525));
        int shocked = 0;
        for (long p = 0; p < Paths; p++)
        {
            var path = market.Generate(p);
            if (path.ShockStep >= 0)
            {
                shocked++;
                Assert.All(path.UsdcPrice[..path.ShockStep], u => Assert.Equal(Fixed.One, u));
                Assert.True(path.UsdcPrice[path.ShockStep] < Fixed.One);
            }
        }

        double expected = 1 - Math.Exp(-1), sd = Math.Sqrt(expected * (1 - expected) / Paths);
        Assert.InRange(shocked / (double)Paths, expected - (4 * sd), expected + (4 * sd));
    }

    [Fact]
    public void AmplSupplyAnswersTheGeneratedPricesThroughThePolicy()
    {
        var path = Market(GeneratedMarket.Regime, ("horizon_days", 120L)).Generate(9);
        var supply = AmplSupplyReplay.Replay(path, path.InitialSupply);
        int expansions = 0, contractions = 0;
        for (int t = 1; t < path.Steps; t++)
        {
            // The policy reads yesterday's close against today's target; beyond ±6% every era rebases that way.
            double deviation = (Fixed.ToDouble(path.OracleRate(t)) / Fixed.ToDouble(path.AmplTarget[t])) - 1;
            if (Math.Abs(deviation) > 0.06)
            {
                Assert.Equal(Math.Sign(deviation), Math.Sign(supply[t] - supply[t - 1]));
                expansions += deviation > 0 ? 1 : 0;
                contractions += deviation < 0 ? 1 : 0;
            }
        }

        Assert.True(expansions > 0 && contractions > 0, $"{expansions} expansions, {contractions} contractions");
    }

    [Fact]
    public void TheScenarioStudyRunsEveryKindAtItsCalibration()
    {
        var file = Path.Combine(Path.GetDirectoryName(DataFiles.LocateFolder())!, "studies", "spot-scenarios.yaml");
        var study = StudyLoader.Load(file, ModelCatalog.Default);
        Assert.Equal(
            [GeneratedMarket.Bootstrap, GeneratedMarket.JumpDiffusion, GeneratedMarket.Regime],
            study.Scenarios.Select(s => s.Kind.Name).Distinct().Order(StringComparer.Ordinal));
        Assert.All(study.Scenarios, s => Assert.Equal(CalibratedParameters.UsdcShocksPerYear, s.Settings.Real("usdc_shocks_per_year")));
    }

    private const string Study = """
        name: kinds
        model: spot
        seed: 7
        paths: 3
        series_paths: 2
        scenarios:
          - name: bootstrap
            kind: bootstrap
            horizon_days: 30
            depeg_day: 4
          - name: jump
            kind: jump_diffusion
            horizon_days: 30
            usdc_shocks_per_year: 30
          - name: regime2
            kind: regime
            horizon_days: 30
            regimes: 2
            start_deviation: -0.2
        parameters:
          protocol_share: 0
        """;

    [Fact]
    public void ASmallStudyOfEveryKindRunsAndIsTheSameOnOneTwoAndEightThreads()
    {
        var dumps = new[] { 1, 2, 8 }.Select(threads =>
        {
            var study = StudyLoader.Parse(Study, "kinds.yaml", new ModelCatalog([new SpotModel()]), new StudyOverrides(Threads: threads));
            var result = StudyRunner.Run(study, new RunOptions(Path.Combine(root, $"t{threads}"), DataFiles.LocateFolder()));
            using var paths = ParquetReader.Open(Path.Combine(result.Directory, "paths.parquet"));
            Assert.Equal(9, paths.RowCount);
            return new[] { "paths.parquet", "summary.parquet", "series.parquet" }
                .Select(f => StudyRunnerTests.Dump(Path.Combine(result.Directory, f))).ToArray();
        }).ToArray();
        Assert.Equal(dumps[0], dumps[1]);
        Assert.Equal(dumps[0], dumps[2]);
    }
}
