using Backtest.Engine.Agents;
using Backtest.Engine.Metrics;
using Backtest.Engine.Studies;
using Backtest.Numerics;
using Backtest.Protocols.Reserve;

namespace Backtest.Engine.Models.Reserve;

/// <summary>
/// A Gyroscope-style tranched reserve backing a claim pegged at 1 USD (<c>model: reserve</c>):
/// vault prices move (Monte Carlo, or replayed USDC and AMPL history), holders redeem claims
/// through <see cref="TranchedReserve.Redeem"/>, and the flow limits, safety mode and weight
/// check refuse what they refuse. See docs/models/reserve.md ("Runs").
/// </summary>
public sealed class ReserveModel : IModel
{
    public const string MonteCarlo = "monte_carlo";

    public const string Historical = "historical";

    public string Name => "reserve";

    public string Description => "tranched reserve (Gyroscope-style vault weights, safety check, flow limits) under redemption waves";

    public IReadOnlyList<ParameterSpec> Parameters { get; } = AgentRuns.Parameters(
    [
        ParameterSpec.AmountList("vault_weights", ["0.6", "0.4"], "each vault's governance weight at calibration, vault 0 first (they must sum to 1)"),
        ParameterSpec.IntegerList("stable_vaults", [1, 0], "1 marks a stablecoin vault (peg range [0.95, 1.05]; what stable_first redeemers ask for), 0 a volatile one", min: 0, max: 1),
        ParameterSpec.Amount("collateral_ratio", "1.05", "reserve value ÷ claims outstanding at step 0", min: "0.01", max: "100", unit: "ratio"),
        ParameterSpec.Amount("claims", "100000000", "claims outstanding at step 0 (each redeemable for up to 1 USD)", min: "1", max: "1000000000", unit: "claims"),
        ParameterSpec.Amount("max_deviation", "0.1", "ε: a vault's weight band around its target, relative to the target (gyd-core deploy constants; foundry tests 0.3)", min: "0", max: "1", unit: "fraction"),
        ParameterSpec.Amount("flow_threshold_share", "0.1", "each vault's short-term outflow threshold as a share of its value at calibration (mainnet thresholds are 5.5M–30M USD per vault, gyd-core scripts/config.py)", min: "0.000001", max: "10", unit: "fraction"),
        ParameterSpec.Amount("redeem_fee", "0.0005", "fee on redemptions, kept by the reserve (mainnet 2–5 bp, StaticPercentageFeeHandler; at most 0.2)", min: "0", max: "0.2", unit: "fraction"),
        ParameterSpec.Choice("redeem_mix", "pro_rata", "which vaults a redemption draws on: pro_rata (every vault at its current weight) or stable_first (stablecoin vaults only, falling back to pro_rata when refused)", "pro_rata", "stable_first"),
        ParameterSpec.Integer("order_spacing_blocks", 60, "blocks between successive holders' orders within a day (12 s blocks; 7200 blocks a day)", min: 1, max: 7200, unit: "blocks"),
    ]);

    public IReadOnlyList<ScenarioKind> ScenarioKinds { get; } =
    [
        new(MonteCarlo, "vault prices as correlated log-normal walks with a crash of the volatile vaults at shock_step; stable vaults mean-revert around 1",
        [
            ParameterSpec.Integer("steps", 90, "days per path", min: 1, max: 3650, unit: "days"),
            ParameterSpec.Real("volatility", 0.8, "annual volatility of each volatile vault's log price", min: 0, max: 10, unit: "per √year"),
            ParameterSpec.Real("correlation", 0.5, "correlation of the volatile vaults' daily moves", min: 0, max: 1),
            ParameterSpec.Real("stable_volatility", 0.02, "annual volatility of a stable vault's log price, mean-reverting with a 5-day half-life", min: 0, max: 1, unit: "per √year"),
            ParameterSpec.Integer("shock_step", 10, "day of the crash of the volatile vaults (−1: none)", min: -1, unit: "days"),
            ParameterSpec.Real("shock_drop", 0.5, "mean fall of the volatile vaults' prices at the crash; each path scales it by a uniform factor in [0.5, 1.5] (capped at 0.99)", min: 0, max: 0.99, unit: "fraction"),
        ]),
        new(Historical, "two vaults replayed from the bundled daily closes: vault 0 USDC/USD, vault 1 a non-rebasing AMPL wrapper (AMPL/USD × AMPL supply ÷ supply at the start)",
        [
            ParameterSpec.Date("start", new DateOnly(2019, 7, 1), "first day replayed"),
            ParameterSpec.Date("end", new DateOnly(2020, 9, 20), "last day replayed (the AMPL supply file ends on 2020-09-20)"),
        ]),
    ];

    public ISimulation Create(SimulationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = ReserveSettings.From(context.Parameters);
        IReservePrices prices = context.Scenario.Kind.Name == Historical
            ? HistoricalReservePrices.Load(context.Scenario.Settings, settings, context.Data)
            : new MonteCarloReservePrices(context.Scenario.Settings, settings, context.Seed, context.ScenarioIndex, context.ParameterSetIndex);
        return new ReserveSimulation(context, settings, prices);
    }
}

/// <summary>A reserve run's parameters, validated, in the reserve's own units (18-decimal weights and fees).</summary>
public sealed record ReserveSettings(
    Int128[] Weights,
    bool[] Stable,
    long CollateralRatio,
    long Claims,
    Int128 MaxDeviation,
    long FlowThresholdShare,
    Int128 RedeemFee,
    bool StableFirst,
    int OrderSpacingBlocks,
    double LcrStressShare,
    RunConditions Conditions,
    PopulationSettings Population)
{
    /// <summary>Gyroscope's mainnet flow memory, 0.999561094198769664 per block (half-life ≈ 1579 blocks ≈ 5.3 h; gyd-core constants.py).</summary>
    public static readonly Int128 FlowMemory = 999_561_094_198_769_664;

    public int VaultCount => Weights.Length;

    /// <summary>Reads and checks the parameters; inconsistent values are an <see cref="InputException"/> naming the key.</summary>
    public static ReserveSettings From(ParameterValues v)
    {
        var weights = v.AmountList("vault_weights");
        var stable = v.IntegerList("stable_vaults");
        if (weights.Length is < 1 or > ReserveDraws.MaxVaults)
        {
            throw new InputException($"a reserve needs 1 to {ReserveDraws.MaxVaults} vaults, not {weights.Length}", key: "vault_weights");
        }

        if (stable.Length != weights.Length)
        {
            throw new InputException($"stable_vaults lists {stable.Length} vaults, vault_weights {weights.Length}", key: "stable_vaults");
        }

        if (weights.Any(w => w < 0) || weights.Sum() != Fixed.One)
        {
            throw new InputException($"vault weights must be non-negative and sum to 1, not {Fixed.Format(weights.Sum())}", key: "vault_weights");
        }

        var population = PopulationSettings.From(v);
        int spacing = (int)v.Integer("order_spacing_blocks");
        if ((long)spacing * (population.Cohorts + 2) >= ChainClock.BlocksPerDay)
        {
            throw new InputException($"{population.Cohorts + 2} orders {spacing} blocks apart do not fit in a day of {ChainClock.BlocksPerDay} blocks", key: "order_spacing_blocks");
        }

        return new ReserveSettings(
            [.. weights.Select(ToWad)],
            [.. stable.Select(s => s == 1)],
            v.Amount("collateral_ratio"),
            v.Amount("claims"),
            ToWad(v.Amount("max_deviation")),
            v.Amount("flow_threshold_share"),
            ToWad(v.Amount("redeem_fee")),
            v.Choice("redeem_mix") == "stable_first",
            spacing,
            v.Real(AgentRuns.LcrStressShare.Name),
            RunConditions.From(v),
            population);
    }

    /// <summary>An amount (9 decimals) as an 18-decimal reserve value: exact (×10⁹).</summary>
    public static Int128 ToWad(long amount) => (Int128)amount * 1_000_000_000;

    /// <summary>An 18-decimal reserve value as an amount, floored to 9 decimals.</summary>
    public static long ToAmount(Int128 wad) => Fixed.ToInt64(Fixed.MulDiv(wad, 1, 1_000_000_000, Rounding.Floor), "18-decimal value to amount");

    /// <summary>An 18-decimal reserve value as a double (reporting only).</summary>
    public static double ToDouble(Int128 wad) => (double)wad / 1e18;
}

/// <summary>The chain's clock in a run: day <c>step</c> starts at the origin + step days; blocks are 12 s, starting at block 1.</summary>
internal static class ChainClock
{
    public const int SecondsPerBlock = 12;

    public const int BlocksPerDay = 86_400 / SecondsPerBlock;

    /// <summary>The order slot <paramref name="slot"/> of day <paramref name="step"/>: slot 0 opens the day, later slots follow every <paramref name="spacing"/> blocks.</summary>
    public static ChainTime At(long origin, int step, int slot, int spacing)
    {
        long blocks = ((long)step * BlocksPerDay) + ((long)slot * spacing);
        return new ChainTime(origin + (blocks * SecondsPerBlock), 1 + blocks);
    }
}
