using Backtest.Engine.Studies;
using Backtest.IO.Tables;
using Backtest.Numerics;
using Backtest.Numerics.Random;
using Backtest.Numerics.Simd;
using Backtest.Protocols.Waterfall;
using Backtest.Protocols.Waterfall.Wf6;

namespace Backtest.Engine.Models.Wf6;

/// <summary>
/// The WF6 workload as a study model (<c>model: wf6</c>): the six-tier waterfall under daily
/// premiums, compound-Poisson claims and catastrophes, seed 003's curve shapes with their
/// MIN/MAX as parameters. Defaults are the reference workload of shared/spec/wf6_workload.md.
/// One scenario kind, <c>monte_carlo</c>; each (scenario, parameter set) gets its own key
/// (<see cref="RandomStream.Create"/>).
/// </summary>
public sealed class Wf6Model : IModel
{
    public string Name => "wf6";

    public string Description => "six-tier waterfall vault under compound-Poisson claims and catastrophes (the WF6 workload)";

    public IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.AmountList("initial_capital", ["25000000", "20000000", "18000000", "15000000", "12000000", "10000000"], "initial capital per tier, SURE-BTC first (USD)"),
        ParameterSpec.IntegerList("apy_min_bps", [400, 650, 900, 1250, 1600, 1500], "MIN APY per tier in bps (seed 003's curve shapes: flat, log, linear, sigmoid, quadratic, exponential)", min: 0, max: Wf6Terms.MaxApyBps),
        ParameterSpec.IntegerList("apy_max_bps", [400, 1000, 1500, 1600, 2200, 2500], "MAX APY per tier in bps", min: 0, max: Wf6Terms.MaxApyBps),
        ParameterSpec.Amount("coverage", "80000000", "coverage sold, constant (USD)", min: "0.000000001", unit: "USD"),
        ParameterSpec.Amount("premium_rate", "0.15", "premium income per year as a share of coverage (whole bps)", min: "0.0001", max: "1", unit: "fraction per year"),
        ParameterSpec.Integer("days", 1095, "days simulated", min: 1, max: 36_500, unit: "days"),
        ParameterSpec.Amount("breaker_share", "0.1", "a day's loss above this share of the capital at the start of the day trips the breaker (whole bps)", min: "0.0001", max: "1", unit: "fraction"),
        ParameterSpec.Real("claim_intensity", 0.025, "expected claims per day (Poisson)", min: 1e-9, max: 10, unit: "claims per day"),
        ParameterSpec.Real("severity_mu", Math.Log(0.004), "mean of ln X, claim = coverage · min(1, X)"),
        ParameterSpec.Real("severity_sigma", 1.0, "standard deviation of ln X", min: 0),
        ParameterSpec.Real("catastrophe_probability", 0.0005, "probability of a catastrophe per day", min: 0, max: 0.999, unit: "probability"),
        ParameterSpec.Real("catastrophe_min", 0.05, "smallest catastrophe as a share of coverage", min: 0, unit: "fraction"),
        ParameterSpec.Real("catastrophe_max", 0.25, "largest catastrophe as a share of coverage", min: 0, unit: "fraction"),
        ParameterSpec.Choice("simd", "auto", "vector width of the fast path (results are identical at every width)", "auto", "scalar", "vector128", "vector256", "vector512"),
    ];

    public IReadOnlyList<ScenarioKind> ScenarioKinds { get; } =
    [
        new("monte_carlo", "independent paths of claims and catastrophes, drawn from the run's counter-based stream", []),
    ];

    public ISimulation Create(SimulationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = Settings(context.Parameters);
        var stream = RandomStream.Create(context.Seed, context.ScenarioIndex, context.ParameterSetIndex);
        var tier = context.Parameters.Choice("simd") switch
        {
            "scalar" => SimdTier.Scalar,
            "vector128" => SimdTier.Vector128,
            "vector256" => SimdTier.Vector256,
            "vector512" => SimdTier.Vector512,
            _ => SimdTiers.Widest,
        };
        return new Simulation(new Wf6Simulation(settings, stream, tier), context.Paths);
    }

    /// <summary>The run's settings from its parameter values; inconsistent values are an <see cref="InputException"/> naming the key.</summary>
    public static Wf6Settings Settings(ParameterValues values)
    {
        ArgumentNullException.ThrowIfNull(values);
        long[] capital = values.AmountList("initial_capital");
        long[] min = values.IntegerList("apy_min_bps"), max = values.IntegerList("apy_max_bps");
        if (capital.Length != Tranches.Count || min.Length != Tranches.Count || max.Length != Tranches.Count)
        {
            throw new InputException($"initial_capital, apy_min_bps and apy_max_bps need {Tranches.Count} values each, SURE-BTC first", key: "initial_capital");
        }

        var terms = new Wf6Terms
        {
            InitialCapital = capital,
            Curves = Tranches.SeniorFirst.Select((t, i) => ApyCurve.Seed003(t) with { MinBps = (int)min[i], MaxBps = (int)max[i] }).ToArray(),
            CoverageSold = values.Amount("coverage"),
            PremiumRateBps = WholeBps(values.Amount("premium_rate"), "premium_rate"),
            Days = (int)values.Integer("days"),
            BreakerBps = WholeBps(values.Amount("breaker_share"), "breaker_share"),
        };
        terms.Validate();
        double catastropheMin = values.Real("catastrophe_min"), catastropheMax = values.Real("catastrophe_max");
        if (catastropheMax < catastropheMin)
        {
            throw new InputException("catastrophe_max must be at least catastrophe_min", key: "catastrophe_max");
        }

        return new Wf6Settings
        {
            Terms = terms,
            ClaimIntensity = values.Real("claim_intensity"),
            SeverityMu = values.Real("severity_mu"),
            SeveritySigma = values.Real("severity_sigma"),
            CatastropheProbability = values.Real("catastrophe_probability"),
            CatastropheMin = catastropheMin,
            CatastropheMax = catastropheMax,
        };
    }

    private static int WholeBps(long fraction, string key) =>
        fraction % 100_000 == 0 ? (int)(fraction / 100_000) : throw new InputException($"{Fixed.Format(fraction)} is not a whole number of basis points", key: key);

    private sealed class Simulation(Wf6Simulation simulation, long paths) : ISimulation
    {
        private readonly ThreadLocal<Wf6Outputs?> buffers = new();

        public long Paths => paths;

        public int Steps => simulation.Settings.Terms.Days;

        public IReadOnlyList<DateOnly>? StepDates => null;

        public IReadOnlyList<ColumnSpec> PathColumns => Wf6Results.PathColumns;

        /// <summary>None: the fast path keeps no per-day state to record (see docs/models/waterfall.md).</summary>
        public IReadOnlyList<ColumnSpec> SeriesVariables => [];

        public int BatchSize => Wf6Simulation.DefaultBatchSize;

        public void RunBatch(PathBatch batch)
        {
            var outputs = buffers.Value is { } b && b.Capacity >= batch.Count ? b : buffers.Value = new Wf6Outputs(Math.Max(batch.Count, BatchSize));
            simulation.RunBatch(batch.FirstPath, batch.Count, outputs);
            Wf6Results.Write(outputs, batch.Count, c => batch.Int64(c), c => batch.Int32(c));
        }

        public ColumnTable Summarize(ColumnTable pathTable) => Wf6Results.Summarize(simulation.Settings.Terms, pathTable);
    }
}
