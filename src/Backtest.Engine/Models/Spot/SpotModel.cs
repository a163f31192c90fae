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
/// history or stressed AMPL paths, with keepers, an arbitrageur and holder populations, and
/// report the run metrics plus SPOT's deviation-ratio statistics. docs/models/spot.md describes it.
/// </summary>
public sealed class SpotModel : IModel
{
    public string Name => "spot";

    public string Description => "the SPOT perp, rollover vault and SPOT-USDC liquidity under AMPL history or stressed paths, with keepers, arbitrageurs and holder populations";

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
            ParameterSpec.Integer("horizon_days", 365, "days per path", min: 2, max: 3_650, unit: "days"),
            ParameterSpec.Date("start_date", new DateOnly(2026, 1, 7), "nominal date of day 0 (sets the AMPL policy era and the bond calendar)"),
            ParameterSpec.Real("start_deviation", 0, "ln(AMPL price / target) on day 0", min: -5, max: 5),
            ParameterSpec.Real("mean_reversion", 0.05, "daily pull of the log deviation back to 0 (κ)", min: 0, max: 1, unit: "per day"),
            ParameterSpec.Real("volatility", 0.05, "daily standard deviation of the log deviation's Gaussian shock (σ)", min: 0, max: 2, unit: "per day"),
            ParameterSpec.Real("crash_probability", 0.005, "daily probability of a crash", min: 0, max: 1, unit: "per day"),
            ParameterSpec.Real("crash_mean", 0.15, "mean size of a crash in log deviation (exponential)", min: 0, max: 5),
            ParameterSpec.Real("tilt", 0, "importance sampling: the daily Gaussian shock is drawn with mean −tilt and each path weighted by its likelihood ratio (0 = plain Monte Carlo)", min: 0, max: 3),
            ParameterSpec.Amount("start_target", "0", "AMPL target on day 0 in USD (0: the latest target the bundled PCEPI file gives)", min: "0", max: "100", unit: "USD"),
            ParameterSpec.Real("inflation", 0.025, "yearly growth of the target", min: -0.5, max: 1, unit: "per year"),
            ParameterSpec.Amount("ampl_supply", "50000000", "AMPL supply on day 0", min: "1000000", max: "1000000000", unit: "AMPL"),
            ParameterSpec.Integer("depeg_day", -1, "day on which the March-2023 USDC de-peg (daily lows 2023-03-10..15 from data/) starts (−1: none)", min: -1, max: 3_650, unit: "days"),
        ]),
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
    private readonly StressMarket? stress;

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
            long target = scenario.Amount("start_target");
            if (target == 0)
            {
                var pcepi = HistoricalData.LoadPcepi(context.Data.File(BundledData.UsPcepiMonthly.FileName));
                var lastDay = pcepi.Axis.MonthOf(pcepi.Length - 1).AddMonths(AmplTargetRate.PublicationLagMonths);
                target = AmplTargetRate.Daily(pcepi, new DailyAxis(lastDay, 1))[0] ?? throw new InputException("no target from the PCEPI file", key: "start_target");
            }

            var s = new StressSettings(
                (int)scenario.Integer("horizon_days"),
                scenario.Date("start_date"),
                scenario.Real("start_deviation"),
                scenario.Real("mean_reversion"),
                scenario.Real("volatility"),
                scenario.Real("crash_probability"),
                scenario.Real("crash_mean"),
                scenario.Real("tilt"),
                target,
                scenario.Real("inflation"),
                scenario.Amount("ampl_supply"),
                (int)scenario.Integer("depeg_day"));
            stress = new StressMarket(s, RandomStream.Create(context.Seed, context.ScenarioIndex, context.ParameterSetIndex), s.DepegDay >= 0 ? StressMarket.LoadDepeg(context.Data) : null);
            Paths = context.Paths;
            Steps = s.Horizon;
            StepDates = Enumerable.Range(0, Steps).Select(s.NominalStart.AddDays).ToList();
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
        var market = history ?? stress!.Generate(path);
        var run = new SpotPath(
            settings,
            generation,
            market,
            RandomStream.Create(context.Seed, context.ScenarioIndex, context.ParameterSetIndex),
            RandomStream.Create(context.Seed ^ SpotPath.NoteStreamSalt, context.ScenarioIndex, context.ParameterSetIndex),
            path);
        run.Run();
        return run;
    }

    public ColumnTable Summarize(ColumnTable paths) =>
        RunMetrics.Join(RunMetrics.Summarize(paths, settings.Conditions, Steps), SpotColumns.Summarize(paths));
}
