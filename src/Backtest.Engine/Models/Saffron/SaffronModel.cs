using Backtest.Engine.Agents;
using Backtest.Engine.Metrics;
using Backtest.Engine.Studies;
using Backtest.Numerics;
using Backtest.Protocols.Saffron;

namespace Backtest.Engine.Models.Saffron;

/// <summary>
/// One epoch of a Saffron pool (S, AA, A) whose capital sits in a lending market
/// (<c>model: saffron</c>): the market's rate moves, liquidity crunches cap what can be withdrawn
/// and bad debt makes part of what the market owes unpayable; holders can leave only after the
/// wind-down (<see cref="SaffronPool.RemoveLiquidity"/>), and only while the market has the cash.
/// See docs/models/saffron.md ("Runs").
/// </summary>
public sealed class SaffronModel : IModel
{
    public const string MonteCarlo = "monte_carlo";

    public string Name => "saffron";

    public string Description => "Saffron pool epoch (S, AA, A interest tranches) over a lending market with rate moves, liquidity crunches and bad debt";

    public IReadOnlyList<ParameterSpec> Parameters { get; } = AgentRuns.Parameters(
    [
        ParameterSpec.Amount("deposits", "10000000", "DAI the holders deposit at the epoch's start", min: "1", max: "1000000000", unit: "DAI"),
        ParameterSpec.AmountList("tranche_shares", ["0.85", "0.1", "0.05"], "share of the holders (and so of the deposits) in S, AA and A; A and AA deposits beyond what S can pair are returned"),
        ParameterSpec.Integer("a_multiplier", 10, "m: A earns m× the interest its own capital produced, AA 1/m×, and an A deposit pairs with m× its size of S (note and v1: 10; v0: 3)", min: 1, max: 1000),
        ParameterSpec.Choice("pool_version", "note", "note: the 2020 note's three tranches, one rounding per interest share; v1: the deployed epoch-1 contract (S and A only, truncated interest ratio; tranche_shares must give AA 0)", "note", "v1"),
    ]);

    public IReadOnlyList<ScenarioKind> ScenarioKinds { get; } =
    [
        new(MonteCarlo, "the market's rate as a log-normal mean-reverting walk; a liquidity crunch (capped withdrawals, the rate at its crunch level) and bad debt each on a random day with their probabilities, both on shock_step",
        [
            ParameterSpec.Integer("epoch_days", 14, "length of the epoch (v1: 14 days)", min: 1, max: 365, unit: "days"),
            ParameterSpec.Integer("redemption_days", 16, "days simulated after the wind-down, when holders can remove liquidity", min: 1, max: 3650, unit: "days"),
            ParameterSpec.Real("rate_mean", 0.04, "the market's mean supply rate (annual)", min: 0, max: 10, unit: "per year"),
            ParameterSpec.Real("rate_volatility", 1.0, "annual volatility of the log supply rate", min: 0, max: 10, unit: "per √year"),
            ParameterSpec.Real("rate_reversion", 24, "speed at which the log rate returns to its mean", min: 0, max: 1000, unit: "per year"),
            ParameterSpec.Real("crunch_probability", 0.1, "probability that a liquidity crunch starts on some day of the path (uniform)", min: 0, max: 1, unit: "probability"),
            ParameterSpec.Integer("crunch_days", 5, "days a crunch lasts", min: 1, max: 3650, unit: "days"),
            ParameterSpec.Real("crunch_cash_share", 0.01, "during a crunch, cash the pool can withdraw per day as a share of what the market owes it", min: 0, max: 1, unit: "fraction per day"),
            ParameterSpec.Real("crunch_rate", 0.25, "supply rate during a crunch (utilisation at its cap)", min: 0, max: 10, unit: "per year"),
            ParameterSpec.Real("bad_debt_probability", 0.05, "probability that bad debt strikes on some day of the path (uniform)", min: 0, max: 1, unit: "probability"),
            ParameterSpec.Real("bad_debt_loss", 0.1, "mean share of what the market owes the pool that becomes unpayable; each event scales it by a uniform factor in [0.5, 1.5] (capped at 1)", min: 0, max: 1, unit: "fraction"),
            ParameterSpec.Integer("shock_step", -1, "day on which a crunch and bad debt both strike for certain (−1: none)", min: -1, unit: "days"),
        ]),
    ];

    public ISimulation Create(SimulationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new SaffronSimulation(context, SaffronSettings.From(context.Parameters));
    }
}

/// <summary>A Saffron run's parameters, validated.</summary>
public sealed record SaffronSettings(
    long Deposits,
    long[] TrancheShares,
    int Multiplier,
    bool ContractV1,
    double LcrStressShare,
    RunConditions Conditions,
    PopulationSettings Population)
{
    public static SaffronSettings From(ParameterValues v)
    {
        var shares = v.AmountList("tranche_shares");
        if (shares.Length != 3 || shares.Any(s => s < 0) || shares.Sum() != Fixed.One)
        {
            throw new InputException("tranche_shares needs three non-negative shares (S, AA, A) summing to 1", key: "tranche_shares");
        }

        bool v1 = v.Choice("pool_version") == "v1";
        if (v1 && shares[(int)SaffronTranche.AA] != 0)
        {
            throw new InputException("the v1 pool takes no AA deposits: give AA a share of 0", key: "tranche_shares");
        }

        return new SaffronSettings(
            v.Amount("deposits"),
            shares,
            (int)v.Integer("a_multiplier"),
            v1,
            v.Real(AgentRuns.LcrStressShare.Name),
            RunConditions.From(v),
            PopulationSettings.From(v));
    }

    /// <summary>The pool's options for an epoch of <paramref name="epochDays"/> starting at <paramref name="start"/> (epoch 1, as v1).</summary>
    public SaffronPoolOptions PoolOptions(long start, int epochDays)
    {
        long duration = epochDays * 86_400L;
        var basis = ContractV1 ? SaffronPoolOptions.ContractV1 : SaffronPoolOptions.NoteModel;
        return basis with { TrancheAMultiplier = Multiplier, EpochStart = start - duration, EpochDuration = duration, Epoch = 1 };
    }

    /// <summary>The tranche of holder cohort <paramref name="cohort"/> of <paramref name="cohorts"/>: by where (cohort + ½)/cohorts falls in the cumulative shares S, AA, A; the large seller and entrants are in S.</summary>
    public SaffronTranche TrancheOf(int cohort, int cohorts)
    {
        if (cohort >= cohorts)
        {
            return SaffronTranche.S;
        }

        double position = (cohort + 0.5) / cohorts;
        double s = Fixed.ToDouble(TrancheShares[0]), aa = Fixed.ToDouble(TrancheShares[1]);
        return position < s ? SaffronTranche.S : position < s + aa ? SaffronTranche.AA : SaffronTranche.A;
    }
}
