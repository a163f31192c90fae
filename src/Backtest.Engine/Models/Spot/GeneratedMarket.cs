using Backtest.Engine.Agents;
using Backtest.Engine.Studies;
using Backtest.Market.Data;
using Backtest.Market.Scenarios;
using Backtest.Numerics;
using Backtest.Numerics.Random;

namespace Backtest.Engine.Models.Spot;

/// <summary>A source of Monte Carlo spot-model paths: path i is the same whichever thread, batch or shard asks for it.</summary>
public interface ISpotMarket
{
    /// <summary>The market inputs of path <paramref name="path"/>.</summary>
    SpotMarketPath Generate(long path);
}

/// <summary>
/// The <c>bootstrap</c>, <c>jump_diffusion</c> and <c>regime</c> scenario kinds: AMPL's log
/// deviation from target from a <c>Backtest.Market.Scenarios</c> model (stationary bootstrap of the
/// history's reversion residuals, Ornstein–Uhlenbeck jump-diffusion, Markov regime switching),
/// every parameter defaulting to the committed calibration (<see cref="CalibratedParameters"/>;
/// docs/models/scenarios.md), the target on the PCEPI growth path, and USDC from
/// <see cref="UsdcDepegModel"/>: random de-pegs of the fitted March-2023 shape at the calibrated
/// rate, plus an optional one on <c>depeg_day</c> on every path.
/// <para>Draws come from the run's stream at (path, step, 0 … <see cref="MonteCarloMarketScenario.DrawsUsed"/> − 1),
/// below <see cref="HolderPopulation.FirstDraw"/>. Prices, targets and USDC turn into amounts with
/// <see cref="PriceConversion.ToAmount"/> rounding down (AMPL at least one nano-dollar). A path's
/// shock step is the first day USDC closes below $1, −1 if it never does.</para>
/// </summary>
public sealed class GeneratedMarket : ISpotMarket
{
    public const string Bootstrap = "bootstrap";
    public const string JumpDiffusion = "jump_diffusion";
    public const string Regime = "regime";

    private readonly MonteCarloMarketScenario scenario;
    private readonly long initialSupply;
    private readonly DateOnly[] days;

    public GeneratedMarket(MonteCarloMarketScenario scenario, long initialSupply)
    {
        if (scenario.Days is not { } axis)
        {
            throw new ArgumentException("the spot model needs dated paths: give the scenario a start date", nameof(scenario));
        }

        this.scenario = scenario;
        this.initialSupply = initialSupply;
        days = [.. Enumerable.Range(0, axis.Length).Select(axis.DateOf)];
    }

    /// <summary>The market scenario behind the paths.</summary>
    public MonteCarloMarketScenario Scenario => scenario;

    /// <summary>The USDC de-peg parameters of every kind (declared before <see cref="Kinds"/>, which reads them while initialising).</summary>
    private static IReadOnlyList<ParameterSpec> Usdc { get; } =
    [
        ParameterSpec.Real("usdc_shocks_per_year", CalibratedParameters.UsdcShocksPerYear, "USDC de-pegs per year at random times (Poisson; calibrated: March 2023 as the one in 2,736 days of history; 0: none)", min: 0, max: 365, unit: "per year"),
        ParameterSpec.Integer("depeg_day", -1, "day whose 00:00 UTC starts a de-peg on every path, besides the random ones (−1: none)", min: -1, max: 3_650, unit: "days"),
        ParameterSpec.Real("depeg_depth", CalibratedParameters.MarchDepeg.Depth, "fraction below the peg at a de-peg's trough (median with dispersion; calibrated: March 2023's 15-minute bars)", min: 1e-6, max: UsdcDepegModel.MaxDepth, unit: "fraction"),
        ParameterSpec.Real("depeg_duration_scale", 1, "multiplies every duration of the fitted shape (median with dispersion)", min: 0.01, max: 100),
        ParameterSpec.Real("depeg_depth_dispersion", 0, "σ of ln(depth) across de-pegs (0: every de-peg as deep)", min: 0, max: 3),
        ParameterSpec.Real("depeg_duration_dispersion", 0, "σ of ln(duration factor) across de-pegs (0: every de-peg as long)", min: 0, max: 3),
    ];

    /// <summary>The scenario kinds, with their parameters and calibrated defaults.</summary>
    public static IReadOnlyList<ScenarioKind> Kinds { get; } =
    [
        new(Bootstrap, "Monte Carlo AMPL paths: the stationary bootstrap (Politis–Romano) of the residuals of AMPL's fitted mean reversion to target over the bundled history, with USDC de-pegs",
        [
            .. SpotScenarioParameters.Path(CalibratedParameters.PceInflationPerYear,
            [
                ParameterSpec.Real("mean_block_days", CalibratedParameters.BootstrapMeanBlockLength, "mean length of a resampled block of residuals (geometric; calibrated: Politis–White on the squared residuals)", min: 1, max: 1_000, unit: "days"),
            ]),
            .. Usdc,
        ]),
        new(JumpDiffusion, "Monte Carlo AMPL paths: Merton jumps on an Ornstein–Uhlenbeck log deviation from target, maximum-likelihood fit to the bundled history, with USDC de-pegs",
        [
            .. SpotScenarioParameters.Path(CalibratedParameters.PceInflationPerYear,
            [
                ParameterSpec.Real("long_run_deviation", CalibratedParameters.JumpDiffusion.LongRunLogDeviation, "μ: the log deviation the process reverts to", min: -5, max: 5),
                ParameterSpec.Real("mean_reversion", CalibratedParameters.JumpDiffusion.MeanReversionPerDay, "κ: speed of reversion to μ (0: no reversion)", min: 0, max: 10, unit: "per day"),
                ParameterSpec.Real("volatility", CalibratedParameters.JumpDiffusion.VolatilityPerSqrtDay, "σ: diffusion volatility", min: 1e-9, max: 5, unit: "per √day"),
                ParameterSpec.Real("jumps_per_day", CalibratedParameters.JumpDiffusion.JumpsPerDay, "λ: mean number of jumps per day (Poisson)", min: 0, max: 40, unit: "per day"),
                ParameterSpec.Real("jump_mean", CalibratedParameters.JumpDiffusion.JumpMean, "μ_J: mean of one jump in log deviation", min: -5, max: 5),
                ParameterSpec.Real("jump_volatility", CalibratedParameters.JumpDiffusion.JumpVolatility, "σ_J: standard deviation of one jump", min: 0, max: 5),
            ]),
            .. Usdc,
        ]),
        new(Regime, "Monte Carlo AMPL paths: a Markov regime-switching autoregression of the log deviation from target (EM fit to the bundled history, regimes by volatility), with USDC de-pegs",
        [
            .. SpotScenarioParameters.Path(CalibratedParameters.PceInflationPerYear,
            [
                ParameterSpec.Choice("regimes", "3", "the fitted model to run: 3 regimes (calm, active, turbulent; lowest BIC) or 2", "2", "3"),
            ]),
            .. Usdc,
        ]),
    ];

    /// <summary>The market of a scenario of one of <see cref="Kinds"/>, drawing from <paramref name="stream"/>.</summary>
    public static GeneratedMarket From(string kind, ParameterValues scenario, DataAccess data, RandomStream stream)
    {
        IAmplDeviationModel ampl = kind switch
        {
            Bootstrap => new StationaryBootstrapModel(Transitions(data), new BootstrapOptions { MeanBlockLength = scenario.Real("mean_block_days") }),
            JumpDiffusion => new JumpDiffusionModel(new JumpDiffusionOptions
            {
                LongRunLogDeviation = scenario.Real("long_run_deviation"),
                MeanReversionPerDay = scenario.Real("mean_reversion"),
                VolatilityPerSqrtDay = scenario.Real("volatility"),
                JumpsPerDay = scenario.Real("jumps_per_day"),
                JumpMean = scenario.Real("jump_mean"),
                JumpVolatility = scenario.Real("jump_volatility"),
            }),
            Regime => new RegimeSwitchingModel(scenario.Choice("regimes") == "2" ? TwoRegimes : new RegimeSwitchingOptions()),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a generated-market kind"),
        };
        int depegDay = (int)scenario.Integer("depeg_day");
        var usdc = new UsdcDepegModel(new UsdcDepegOptions
        {
            ShocksPerYear = scenario.Real("usdc_shocks_per_year"),
            Depth = scenario.Real("depeg_depth"),
            DurationScale = scenario.Real("depeg_duration_scale"),
            DepthDispersion = scenario.Real("depeg_depth_dispersion"),
            DurationDispersion = scenario.Real("depeg_duration_dispersion"),
            ShockAtStep = depegDay >= 0 ? depegDay : null,
        });
        var path = SpotScenarioParameters.Read(scenario, data);
        var options = new MonteCarloOptions
        {
            Horizon = path.Horizon,
            StartDate = path.NominalStart,
            StartLogDeviation = path.StartDeviation,
            StartTarget = Fixed.ToDouble(path.StartTarget),
            AnnualInflation = path.Inflation,
        };
        return new GeneratedMarket(new MonteCarloMarketScenario(stream, ampl, usdc, options), path.InitialSupply);
    }

    /// <inheritdoc/>
    public SpotMarketPath Generate(long path)
    {
        int n = scenario.Steps;
        var batch = scenario.CreateBatch(1);
        scenario.Fill(path, 1, batch);
        var price = new long[n];
        var target = new long[n];
        var usdc = new long[n];
        int shock = -1;
        for (int t = 0; t < n; t++)
        {
            price[t] = Math.Max(1, PriceConversion.ToAmount(batch.AmplPrice(t)[0], Rounding.Floor));
            target[t] = PriceConversion.ToAmount(batch.AmplTarget(t)[0], Rounding.Floor);
            usdc[t] = PriceConversion.ToAmount(batch.UsdcPrice(t)[0], Rounding.Floor);
            shock = shock < 0 && usdc[t] < Fixed.One ? t : shock;
        }

        return new SpotMarketPath(price, target, usdc, days, initialSupply, price[0], 1.0, shock);
    }

    private static RegimeSwitchingOptions TwoRegimes { get; } = new()
    {
        Intercept = CalibratedParameters.TwoRegimes.Intercept,
        Slope = CalibratedParameters.TwoRegimes.Slope,
        Volatility = CalibratedParameters.TwoRegimes.Volatility,
        Transition = CalibratedParameters.TwoRegimes.Transition,
    };

    /// <summary>The history's observed one-day moves of the log deviation, from the bundled files (recorded as the run's inputs).</summary>
    private static AmplTransitions Transitions(DataAccess data) => MarketHistory.FromSeries(
        HistoricalData.LoadAmplDaily(data.File(BundledData.AmplUsdYahooDaily.FileName)),
        HistoricalData.LoadUsdcDaily(data.File(BundledData.UsdcUsdYahooDaily.FileName)),
        HistoricalData.LoadPcepi(data.File(BundledData.UsPcepiMonthly.FileName))).Transitions;
}
