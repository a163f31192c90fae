using Backtest.Engine.Agents;
using Backtest.Engine.Metrics;
using Backtest.Engine.Studies;
using Backtest.Market.Losses;
using Backtest.Numerics;
using Backtest.Protocols.Waterfall;

namespace Backtest.Engine.Models.Waterfall;

/// <summary>
/// Seed 003's six-tier vault with holders in every tier (<c>model: waterfall</c>): daily premiums
/// paid senior first, claims and catastrophes taken junior first (the WF6 claim process), breakers
/// that pause the vault and an admin who unpauses it, and holders who withdraw through
/// <see cref="WaterfallVault.Withdraw"/>, refused by lock-ups, pauses and the collateral rule.
/// See docs/models/waterfall.md ("Runs"). WF6 (<c>model: wf6</c>) is the same vault without
/// holders, on its fast path.
/// </summary>
public sealed class WaterfallModel : IModel
{
    public const string MonteCarlo = "monte_carlo";

    public string Name => "waterfall";

    public string Description => "six-tier waterfall vault with holders: lock-ups, breakers and the collateral rule under claims and catastrophes";

    public IReadOnlyList<ParameterSpec> Parameters { get; } = AgentRuns.Parameters(
    [
        ParameterSpec.Amount("capital", "100000000", "capital the holders deposit at step 0, shared among the tiers by seed 003's allocations (25/20/18/15/12/10%, SURE-BTC first) as closely as whole holder cohorts allow, the large seller's share in SURE-BTC", min: "1", max: "1000000000", unit: "USD"),
        ParameterSpec.Amount("coverage", "80000000", "coverage sold, constant (WF6: 80M); withdrawals may not take capital below it", min: "0", max: "1000000000", unit: "USD"),
        ParameterSpec.Amount("premium_rate", "0.15", "premium income per year as a share of coverage, paid daily (WF6: 15%)", min: "0", max: "1", unit: "fraction per year"),
        ParameterSpec.IntegerList("lockup_days", [90, 60, 30, 0, 0, 0], "each tier's lock-up from deposit, SURE-BTC first (the reference SURE tokens: 90, 60, 30 days for tiers 1–3)", min: 0, max: 3650),
        ParameterSpec.Integer("unpause_days", 3, "days a breaker's pause lasts before the admin unpauses (refused while capital is below coverage sold; tried again each day)", min: 1, max: 3650, unit: "days"),
    ]);

    public IReadOnlyList<ScenarioKind> ScenarioKinds { get; } =
    [
        new(MonteCarlo, "the WF6 claim process (daily Poisson claims of log-normal size, catastrophes) drawn by event times, plus an optional loss on shock_step",
        [
            ParameterSpec.Integer("steps", 365, "days per path", min: 1, max: 36_500, unit: "days"),
            ParameterSpec.Real("claim_intensity", 0.025, "expected claims per day (WF6)", min: 1e-9, max: 10, unit: "claims per day"),
            ParameterSpec.Real("severity_mu", DeterministicMath.Log(0.004), "mean of ln X, a claim being coverage · min(1, X) (WF6: ln 0.004)"),
            ParameterSpec.Real("severity_sigma", 1.0, "standard deviation of ln X (WF6)", min: 0),
            ParameterSpec.Real("catastrophe_probability", 0.0005, "probability of a catastrophe per day (WF6)", min: 0, max: 0.999, unit: "probability"),
            ParameterSpec.Real("catastrophe_min", 0.05, "smallest catastrophe as a share of coverage (WF6)", min: 0, unit: "fraction"),
            ParameterSpec.Real("catastrophe_max", 0.25, "largest catastrophe as a share of coverage (WF6)", min: 0, unit: "fraction"),
            ParameterSpec.Integer("shock_step", -1, "day of an extra loss of shock_loss × coverage (−1: none)", min: -1, unit: "days"),
            ParameterSpec.Amount("shock_loss", "0.1", "the extra loss on shock_step as a share of coverage", min: "0", max: "10", unit: "fraction"),
        ]),
    ];

    public ISimulation Create(SimulationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = WaterfallSettings.From(context.Parameters);
        var scenario = context.Scenario.Settings;
        double catastropheMin = scenario.Real("catastrophe_min"), catastropheMax = scenario.Real("catastrophe_max");
        if (catastropheMax < catastropheMin)
        {
            throw new InputException("catastrophe_max must be at least catastrophe_min", key: "catastrophe_max");
        }

        var losses = new EventTimeLossModel(
            Math.Max(1, settings.Coverage),
            scenario.Real("claim_intensity"),
            new LogNormalSeverity(scenario.Real("severity_mu"), scenario.Real("severity_sigma")),
            new CatastropheJumps(scenario.Real("catastrophe_probability"), catastropheMin, catastropheMax),
            (int)scenario.Integer("steps"));
        return new WaterfallSimulation(context, settings, losses, (int)scenario.Integer("shock_step"), scenario.Amount("shock_loss"));
    }
}

/// <summary>A waterfall run's parameters, validated.</summary>
public sealed record WaterfallSettings(
    long Capital,
    long Coverage,
    long PremiumRate,
    long[] LockupDays,
    int UnpauseDays,
    double LcrStressShare,
    RunConditions Conditions,
    PopulationSettings Population)
{
    public static WaterfallSettings From(ParameterValues v)
    {
        var lockups = v.IntegerList("lockup_days");
        if (lockups.Length != Tranches.Count)
        {
            throw new InputException($"lockup_days needs {Tranches.Count} values, SURE-BTC first, not {lockups.Length}", key: "lockup_days");
        }

        long capital = v.Amount("capital"), coverage = v.Amount("coverage");
        if (coverage > capital)
        {
            throw new InputException($"coverage {Fixed.Format(coverage)} exceeds the capital {Fixed.Format(capital)} that must back it", key: "coverage");
        }

        return new WaterfallSettings(
            capital,
            coverage,
            v.Amount("premium_rate"),
            lockups,
            (int)v.Integer("unpause_days"),
            v.Real(AgentRuns.LcrStressShare.Name),
            RunConditions.From(v),
            PopulationSettings.From(v));
    }

    /// <summary>The vault: seed 003's tiers with these lock-ups.</summary>
    public WaterfallConfig Vault() => WaterfallConfig.Seed003([.. LockupDays.Select(d => d * 86_400L)]);

    /// <summary>
    /// The tier of holder cohort <paramref name="cohort"/> of <paramref name="cohorts"/>, so that the
    /// tiers' capital follows seed 003's allocations as closely as whole cohorts allow: the large
    /// seller (cohort <paramref name="cohorts"/>) holds the senior end of the capital, SURE-BTC (the
    /// longest lock-up), and the equal cohorts follow it, cohort c taking the tier in whose
    /// cumulative allocation the midpoint of its slice, <paramref name="sellerShare"/> +
    /// (c + ½)(1 − sellerShare)/cohorts, falls. Entrants come into SURE-EQT.
    /// </summary>
    public static Tranche TierOf(int cohort, int cohorts, double sellerShare, WaterfallConfig vault)
    {
        if (cohort == cohorts)
        {
            return Tranche.SureBtc;
        }

        if (cohort > cohorts)
        {
            return Tranche.SureEqt;
        }

        double position = sellerShare + ((cohort + 0.5) * (1 - sellerShare) / cohorts), cumulative = 0;
        foreach (var terms in vault.Tranches)
        {
            cumulative += terms.AllocationBps / 10_000.0;
            if (position < cumulative)
            {
                return terms.Tranche;
            }
        }

        return Tranche.SureEqt;
    }
}
