using Backtest.Engine.Metrics;
using Backtest.Engine.Studies;
using Backtest.IO.Tables;
using Backtest.Market;
using Backtest.Market.Data;
using Backtest.Numerics;
using Backtest.Numerics.Random;
using Backtest.Numerics.Statistics;

namespace Backtest.Engine.Models.Spot;

/// <summary>
/// The SPOT system (AMPL, bonds, the perp, the rollover vault, the SPOT-USDC pool and seed 000's
/// AMPL-USDC vault) as an engine model: the contract models run day by day under the bundled
/// history, stressed AMPL paths or the calibrated market generators, with keepers, an arbitrageur and holder populations, and
/// report the run metrics plus SPOT's deviation-ratio statistics. docs/models/spot.md describes it.
/// </summary>
public sealed class SpotModel : IModel
{
    public string Name => "spot";

    public string Description => "the SPOT perp, rollover vault and SPOT-USDC liquidity under AMPL history, stressed paths or the calibrated bootstrap, jump-diffusion and regime-switching generators with USDC de-pegs, with keepers, arbitrageurs and holder populations";

    public IReadOnlyList<ParameterSpec> Parameters => SpotSettings.Parameters;

    public IReadOnlyList<ScenarioKind> ScenarioKinds { get; } =
    [
        new("history", "one path: AMPL/USD and USDC/USD daily closes 2019-06-28..2022-09-28 from data/, the AMPL target from PCEPI, the AMPL policy era in force each day, the SPOT system of spot_version as a counterfactual seeded at DR = 1",
        [
            ParameterSpec.Date("start", SpotHistory.First, "first day replayed (from 2019-06-28)"),
            ParameterSpec.Date("end", SpotHistory.Last, "last day replayed (to 2022-09-28)"),
        ]),
        new("stress", "Monte Carlo AMPL paths: a mean-reverting log deviation from target with crashes, an inflating target, AMPL supply reacting through the policy, an optional March-2023 USDC de-peg, optional importance sampling by exponential tilting",
        [
            .. SpotScenarioParameters.Path(0.025,
            [
                ParameterSpec.Real("mean_reversion", 0.05, "daily pull of the log deviation back to 0 (κ)", min: 0, max: 1, unit: "per day"),
                ParameterSpec.Real("volatility", 0.05, "daily standard deviation of the log deviation's Gaussian shock (σ)", min: 0, max: 2, unit: "per day"),
                ParameterSpec.Real("crash_probability", 0.005, "daily probability of a crash", min: 0, max: 1, unit: "per day"),
                ParameterSpec.Real("crash_mean", 0.15, "mean size of a crash in log deviation (exponential)", min: 0, max: 5),
                ParameterSpec.Real("tilt", 0, "importance sampling: the daily Gaussian shock is drawn with mean −tilt and each path weighted by its likelihood ratio (0 = plain Monte Carlo)", min: 0, max: 3),
            ]),
            ParameterSpec.Integer("depeg_day", -1, "day on which the March-2023 USDC de-peg (daily lows 2023-03-10..15 from data/) starts (−1: none)", min: -1, max: 3_650, unit: "days"),
        ]),
        .. GeneratedMarket.Kinds,
    ];

    public ISimulation Create(SimulationContext context) => new SpotSimulation(context);
}

/// <summary>One (scenario, parameter set) of the spot model.</summary>
internal sealed class SpotSimulation : ISimulation
{
    private readonly SimulationContext context;
    private readonly SpotSettings settings;
    private readonly SpotGeneration generation;
    private readonly SpotMarketPath? history;
    private readonly ISpotMarket? market;

    public SpotSimulation(SimulationContext context)
    {
        this.context = context;
        settings = SpotSettings.From(context.Parameters);
        var scenario = context.Scenario.Settings;
        if (context.Scenario.Kind.Name == "history")
        {
            history = SpotHistory.Load(context.Data, scenario.Date("start"), scenario.Date("end"));
            Paths = 1;
            Steps = history.Steps;
            StepDates = history.Days;
        }
        else
        {
            var stream = RandomStream.Create(context.Seed, context.ScenarioIndex, context.ParameterSetIndex);
            var path = SpotScenarioParameters.Read(scenario, context.Data);
            if (context.Scenario.Kind.Name == "stress")
            {
                var s = new StressSettings(
                    path.Horizon,
                    path.NominalStart,
                    path.StartDeviation,
                    scenario.Real("mean_reversion"),
                    scenario.Real("volatility"),
                    scenario.Real("crash_probability"),
                    scenario.Real("crash_mean"),
                    scenario.Real("tilt"),
                    path.StartTarget,
                    path.Inflation,
                    path.InitialSupply,
                    (int)scenario.Integer("depeg_day"));
                market = new StressMarket(s, stream, s.DepegDay >= 0 ? StressMarket.LoadDepeg(context.Data) : null);
            }
            else
            {
                market = GeneratedMarket.From(context.Scenario.Kind.Name, scenario, context.Data, stream);
            }

            Paths = context.Paths;
            Steps = path.Horizon;
            StepDates = Enumerable.Range(0, Steps).Select(path.NominalStart.AddDays).ToList();
        }

        generation = settings.GenerationFor(StepDates[0], StepDates[^1]);
    }

    public long Paths { get; }

    public int Steps { get; }

    public IReadOnlyList<DateOnly> StepDates { get; }

    public IReadOnlyList<ColumnSpec> PathColumns { get; } = [.. RunMetrics.PathColumns, .. SpotColumns.Path];

    public IReadOnlyList<ColumnSpec> SeriesVariables => SpotColumns.Series;

    public int BatchSize => 1;

    public void RunBatch(PathBatch batch)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            long path = batch.FirstPath + i;
            var run = RunPath(path);
            run.SpotObserver.Write(batch, i, 0);
            SpotColumns.WritePath(batch, i, RunMetrics.PathColumns.Count, run, settings.Conditions);
            if (batch.Series.IsRecorded(path))
            {
                SpotColumns.WriteSeries(batch.Series, path, run.Days);
            }
        }
    }

    public SpotPath RunPath(long path)
    {
        var inputs = history ?? market!.Generate(path);
        var run = new SpotPath(
            settings,
            generation,
            inputs,
            RandomStream.Create(context.Seed, context.ScenarioIndex, context.ParameterSetIndex),
            RandomStream.Create(context.Seed ^ SpotPath.NoteStreamSalt, context.ScenarioIndex, context.ParameterSetIndex),
            path);
        run.Run();
        return run;
    }

    public ColumnTable Summarize(ColumnTable paths) =>
        RunMetrics.Join(RunMetrics.Summarize(paths), SpotColumns.Summarize(paths));
}
