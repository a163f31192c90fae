using Backtest.Engine.Agents;
using Backtest.Engine.Metrics;
using Backtest.Engine.Studies;
using Backtest.Protocols.DeFindex;

namespace Backtest.Engine.Models.DeFindex;

/// <summary>
/// A single-asset DeFindex vault (USDC, 7 decimals) over lending strategies (<c>model: defindex</c>):
/// strategies accrue randomly moving rates and may default, the manager keeps a share of the
/// funds idle, and holders withdraw through <see cref="DeFindexVault.Withdraw"/>, paid from idle
/// funds first and by liquidating strategies after, at a cost the withdrawer bears. See
/// docs/models/defindex.md ("Runs").
/// </summary>
public sealed class DeFindexModel : IModel
{
    public const string MonteCarlo = "monte_carlo";

    public string Name => "defindex";

    public string Description => "DeFindex vault over lending strategies: idle cash, liquidation costs and who bears them under withdrawals";

    public IReadOnlyList<ParameterSpec> Parameters { get; } = AgentRuns.Parameters(
    [
        ParameterSpec.Amount("deposits", "10000000", "USDC the holders deposit at step 0", min: "1", max: "100000000000", unit: "USDC"),
        ParameterSpec.IntegerList("strategy_weights_bps", [5000, 5000], "share of the invested funds in each strategy, in basis points (they must sum to 10000)", min: 0, max: 10_000),
        ParameterSpec.IntegerList("strategy_apr_bps", [600, 900], "each strategy's mean lending rate (APR, basis points)", min: 0, max: 100_000),
        ParameterSpec.Amount("idle_share", "0.1", "share of the vault's funds the manager keeps idle (not invested) at step 0 and after investing surpluses", min: "0", max: "1", unit: "fraction"),
        ParameterSpec.Integer("liquidation_cost_bps", 50, "cost of liquidating strategy positions, basis points of the amount unwound (DeFindexVaultConfig.LiquidationCostBps; the contract's unwind is lossless: 0)", min: 0, max: 9_999, unit: "bps"),
        ParameterSpec.Integer("management_fee_bps", 100, "management fee, annual basis points of the funds, minted as shares (whitepaper: 100–200)", min: 0, max: DeFindexFeeModel.MaxFeeBps, unit: "bps per year"),
        ParameterSpec.Boolean("refill_idle", false, "the manager unwinds strategies each day to bring idle funds back to idle_share (the liquidation cost then falls on every holder); false: it only invests surpluses"),
    ]);

    public IReadOnlyList<ScenarioKind> ScenarioKinds { get; } =
    [
        new(MonteCarlo, "strategy rates as log-normal mean-reverting walks around their means; strategy defaults (a share of the strategy's balance lost) at random days and at shock_step",
        [
            ParameterSpec.Integer("steps", 90, "days per path", min: 1, max: 3650, unit: "days"),
            ParameterSpec.Real("rate_volatility", 0.5, "annual volatility of each strategy's log rate", min: 0, max: 10, unit: "per √year"),
            ParameterSpec.Real("rate_reversion", 12, "speed at which a strategy's log rate returns to its mean (half-life ln 2 / this, in years)", min: 0, max: 1000, unit: "per year"),
            ParameterSpec.Real("default_probability", 0.05, "probability that a strategy defaults within a year (at most one default per strategy and path)", min: 0, max: 1, unit: "per year"),
            ParameterSpec.Real("default_loss", 0.3, "mean share of a defaulting strategy's balance lost; each default scales it by a uniform factor in [0.5, 1.5] (capped at 1)", min: 0, max: 1, unit: "fraction"),
            ParameterSpec.Integer("shock_step", 10, "day on which strategy 0 defaults for certain (−1: none)", min: -1, unit: "days"),
        ]),
    ];

    public ISimulation Create(SimulationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new DeFindexSimulation(context, DeFindexSettings.From(context.Parameters), new DeFindexMarket(context));
    }
}

/// <summary>A DeFindex run's parameters, validated.</summary>
public sealed record DeFindexSettings(
    long Deposits,
    long[] StrategyWeightsBps,
    long[] StrategyAprBps,
    long IdleShare,
    int LiquidationCostBps,
    int ManagementFeeBps,
    bool RefillIdle,
    double LcrStressShare,
    RunConditions Conditions,
    PopulationSettings Population)
{
    public const int MaxStrategies = 8;

    /// <summary>Base units per USDC on Stellar (7 decimals).</summary>
    public const long UnitsPerToken = 10_000_000;

    public int StrategyCount => StrategyWeightsBps.Length;

    public static DeFindexSettings From(ParameterValues v)
    {
        var weights = v.IntegerList("strategy_weights_bps");
        var aprs = v.IntegerList("strategy_apr_bps");
        if (weights.Length is < 1 or > MaxStrategies)
        {
            throw new InputException($"a vault here has 1 to {MaxStrategies} strategies, not {weights.Length}", key: "strategy_weights_bps");
        }

        if (weights.Sum() != DeFindexFeeModel.Bps)
        {
            throw new InputException($"strategy weights must sum to {DeFindexFeeModel.Bps} bps, not {weights.Sum()}", key: "strategy_weights_bps");
        }

        if (aprs.Length != weights.Length)
        {
            throw new InputException($"strategy_apr_bps lists {aprs.Length} strategies, strategy_weights_bps {weights.Length}", key: "strategy_apr_bps");
        }

        return new DeFindexSettings(
            v.Amount("deposits"),
            weights,
            aprs,
            v.Amount("idle_share"),
            (int)v.Integer("liquidation_cost_bps"),
            (int)v.Integer("management_fee_bps"),
            v.Boolean("refill_idle"),
            v.Real(AgentRuns.LcrStressShare.Name),
            RunConditions.From(v),
            PopulationSettings.From(v));
    }
}
