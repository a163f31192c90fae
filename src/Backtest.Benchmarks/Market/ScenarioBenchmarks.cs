using Backtest.Market.Data;
using Backtest.Market.Scenarios;
using Backtest.Numerics.Random;
using BenchmarkDotNet.Attributes;

namespace Backtest.Benchmarks.Market;

/// <summary>
/// Path-days per second of the Monte Carlo market scenarios: one operation is one path for one
/// day, <see cref="Paths"/> paths of a one-year horizon per call. <c>Scenario</c> is the whole
/// fill a consumer calls (AMPL deviation, target, AMPL price = target·eˣ, USDC with the default
/// de-peg model); <c>AmplModel</c> the deviation model alone.
/// </summary>
public class MarketScenarioBenchmarks
{
    private const int Paths = 1024;
    private const int Horizon = 365;
    private MonteCarloMarketScenario scenario = null!;
    private MarketPathBatch batch = null!;
    private double[] deviation = null!;
    private RandomStream stream;

    [Params("bootstrap", "jump-diffusion", "regimes")]
    public string Model { get; set; } = "regimes";

    [GlobalSetup]
    public void Setup()
    {
        IAmplDeviationModel ampl = Model switch
        {
            "bootstrap" => new StationaryBootstrapModel(MarketHistory.Load(DataFiles.LocateFolder()).Transitions, new BootstrapOptions()),
            "jump-diffusion" => new JumpDiffusionModel(new JumpDiffusionOptions()),
            _ => new RegimeSwitchingModel(new RegimeSwitchingOptions()),
        };
        stream = RandomStream.Create(1, 2, 3);
        scenario = new MonteCarloMarketScenario(stream, ampl, new UsdcDepegModel(new UsdcDepegOptions()), new MonteCarloOptions { Horizon = Horizon });
        batch = scenario.CreateBatch(Paths);
        deviation = new double[Paths * Horizon];
    }

    [Benchmark(OperationsPerInvoke = Paths * Horizon)]
    public void Scenario() => scenario.Fill(4096, Paths, batch);

    [Benchmark(OperationsPerInvoke = Paths * Horizon)]
    public void AmplModel() => scenario.Ampl.Fill(stream, 0, 0, 4096, Paths, Horizon, deviation, Paths);
}

/// <summary>
/// Path-days (daily) and path-bars (15-minute) per second of the USDC de-peg model at its
/// calibrated defaults, 1,024 paths of one year per call.
/// </summary>
public class UsdcDepegBenchmarks
{
    private const int Paths = 1024;
    private const int Days = 365;
    private readonly UsdcDepegModel model = new(new UsdcDepegOptions());
    private readonly RandomStream stream = RandomStream.Create(1, 2, 3);
    private readonly double[] daily = new double[Paths * Days];
    private readonly double[] bars = new double[Paths * Days * 96];

    [Benchmark(OperationsPerInvoke = Paths * Days)]
    public void Daily() => model.Fill(stream, 4, 0, Paths, Days, daily, Paths);

    [Benchmark(OperationsPerInvoke = Paths * Days * 96)]
    public void QuarterHourBars() => model.FillIntraday(stream, 4, 0, Paths, Days, 96, bars, Paths);
}
