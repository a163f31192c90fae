using Backtest.Engine.Agents;
using Backtest.Engine.Metrics;
using Backtest.Engine.Studies;
using Backtest.Numerics;
using Backtest.Protocols.Ampleforth.Spot;

namespace Backtest.Engine.Models.Spot;

/// <summary>Which SPOT contract generation a run uses (the perp and vault of that generation, with its fee policy).</summary>
public enum SpotGeneration
{
    /// <summary>v1/v2: <c>BasicFeeStrategy</c>, run as v2 (the v1 perp had no rollover vault, whose DR this model is about).</summary>
    V2,

    /// <summary>v3/v4: the subscription-ratio fee policy with its sigmoid rollover fee, run as v4.</summary>
    V4,

    /// <summary>v5: system-ratio DR fees, daily rebalance, mint2/redeem2.</summary>
    V5,
}

/// <summary>How SPOT holders leave.</summary>
public enum SpotExitRoute
{
    /// <summary>The best quote of pool sale, vault swap (v3+) and perp redemption, valued in AMPL at the market price.</summary>
    Best,

    /// <summary>Always the perp's pro-rata redemption into its basket.</summary>
    Redeem,

    /// <summary>Always a sale on the SPOT-USDC pool.</summary>
    Pool,
}

/// <summary>
/// The spot model's parameters, typed. Fee-policy values are the v5 <c>FeePolicy.init()</c>
/// values of shared/spec/ampleforth.md §4.1 unless stated; sizes are this model's choices.
/// </summary>
public sealed record SpotSettings(
    string Version,
    long TargetSystemRatio,
    FeeLine FeeDown,
    FeeLine FeeUp,
    PercRange EquilibriumDR,
    long DebasementLag,
    long EnrichmentLag,
    PercRange DebasementLimits,
    PercRange EnrichmentLimits,
    long ProtocolShare,
    int[] TrancheRatios,
    long BondDurationSec,
    long BondIntervalSec,
    long MinTrancheMaturitySec,
    long MaxTrancheMaturitySec,
    long VaultReservedAmpl,
    long VaultReservedPerc,
    long InitialPerpTvl,
    bool UsdcVault,
    long UsdcVaultAmpl,
    long UsdcVaultUsdc,
    int PoolFeePips,
    long LpRebalanceSec,
    long LpUnderSubscribedPull,
    bool Arbitrage,
    double ArbitrageThreshold,
    SpotExitRoute ExitRoute,
    RunConditions Conditions,
    PopulationSettings Population)
{
    private const long Day = 86_400;

    public static readonly IReadOnlyList<ParameterSpec> ModelParameters =
    [
        ParameterSpec.Choice("spot_version", "v5", "SPOT contract generation: v2 (v1/v2 BasicFeeStrategy with the rollover vault), v4 (v3/v4 subscription fee policy), v5 (system-ratio DR fees), or timeline (the generation in force on the path's dates, spot v1.0.0 … v5.0.0 tags; a path must lie within one generation)", "v2", "v4", "v5", "timeline"),
        ParameterSpec.Amount("target_system_ratio", "3", "target vault TVL ÷ perp TVL (v5 FeePolicy.init: 3.0)", min: "0.1", max: "100", unit: "ratio"),
        ParameterSpec.Amount("fee_down_dr_start", "0.66", "DR of the first point of the fee line for DR-lowering operations (init: 0.66)", min: "0", max: "1", unit: "ratio"),
        ParameterSpec.Amount("fee_down_fee_start", "0.25", "fee at that point (init: 25%)", min: "0", max: "1", unit: "fraction"),
        ParameterSpec.Amount("fee_down_dr_end", "0.95", "DR of the second point of the DR-down fee line (init: 0.95)", min: "0", max: "1", unit: "ratio"),
        ParameterSpec.Amount("fee_down_fee_end", "0", "fee at that point (init: 0)", min: "0", max: "1", unit: "fraction"),
        ParameterSpec.Amount("fee_up_dr_start", "1.05", "DR of the first point of the fee line for DR-raising operations (init: 1.05)", min: "1", max: "100", unit: "ratio"),
        ParameterSpec.Amount("fee_up_fee_start", "0", "fee at that point (init: 0)", min: "0", max: "1", unit: "fraction"),
        ParameterSpec.Amount("fee_up_dr_end", "1.5", "DR of the second point of the DR-up fee line (init: 1.5)", min: "1", max: "100", unit: "ratio"),
        ParameterSpec.Amount("fee_up_fee_end", "0.25", "fee at that point (init: 25%)", min: "0", max: "1", unit: "fraction"),
        ParameterSpec.Amount("equilibrium_dr_low", "0.95", "lower edge of the DR band with no rebalance (init: 0.95)", min: "0", max: "1", unit: "ratio"),
        ParameterSpec.Amount("equilibrium_dr_high", "1.05", "upper edge of the DR band (init: 1.05)", min: "1", max: "100", unit: "ratio"),
        ParameterSpec.Integer("debasement_lag", 30, "perp debasement lag: a rebalance moves 1/lag of the gap to equilibrium (init: 30)", min: 1, max: 10_000),
        ParameterSpec.Integer("enrichment_lag", 30, "perp enrichment lag (init: 30)", min: 1, max: 10_000),
        ParameterSpec.Amount("debasement_limit_min", "0.005", "smallest daily debasement as a share of perp TVL (init: 0.5%)", min: "0", max: "1", unit: "fraction"),
        ParameterSpec.Amount("debasement_limit_max", "0.025", "largest daily debasement as a share of perp TVL (init: 2.5%)", min: "0", max: "1", unit: "fraction"),
        ParameterSpec.Amount("enrichment_limit_min", "0.005", "smallest daily enrichment as a share of perp TVL (init: 0.5%)", min: "0", max: "1", unit: "fraction"),
        ParameterSpec.Amount("enrichment_limit_max", "0.025", "largest daily enrichment as a share of perp TVL (init: 2.5%)", min: "0", max: "1", unit: "fraction"),
        ParameterSpec.Amount("protocol_share", "0.01", "share of perp and note supply minted to the protocol on every daily rebalance (init: 1%; the mainnet value is not in the repositories)", min: "0", max: "0.5", unit: "fraction"),
        ParameterSpec.Choice("tranche_ratio", "250/750", "bond tranche ratios senior/junior out of 1000 (mainnet: 200/800 from Nov 2022, 250/750 from Jan 2024; testnets 333/667)", "200/800", "250/750", "333/667"),
        ParameterSpec.Integer("bond_duration_days", 28, "bond maturity (mainnet issuer: 2,419,200 s)", min: 1, max: 3_650, unit: "days"),
        ParameterSpec.Integer("bond_interval_days", 7, "days between bond issues (mainnet issuer: 604,800 s)", min: 1, max: 3_650, unit: "days"),
        ParameterSpec.Integer("min_tranche_maturity_days", 7, "a reserve tranche with at most this long to maturity is up for rollover (v5 init: 7 d)", min: 0, max: 3_650, unit: "days"),
        ParameterSpec.Integer("max_tranche_maturity_days", 31, "a deposit bond must have less than this long to maturity (v5 init: 31 d)", min: 1, max: 3_650, unit: "days"),
        ParameterSpec.Amount("vault_reserved_ampl", "0", "AMPL the rollover vault keeps undeployed (init: 0)", min: "0", unit: "AMPL"),
        ParameterSpec.Amount("vault_reserved_perc", "0", "share of vault TVL kept undeployed (v5 init: 0)", min: "0", max: "1", unit: "fraction"),
        ParameterSpec.Amount("initial_perp_tvl", "1000000", "perp TVL at seeding; the vault is seeded with target_system_ratio times it, so DR = 1 (model choice)", min: "100", max: "100000000", unit: "AMPL"),
        ParameterSpec.Boolean("usdc_vault", true, "run seed 000's AMPL-USDC vault (v5 only; other generations get a passive LP in the same bands)"),
        ParameterSpec.Amount("usdc_vault_ampl", "400000", "AMPL deposited into the AMPL-USDC vault at seeding (model choice)", min: "0", max: "100000000", unit: "AMPL"),
        ParameterSpec.Amount("usdc_vault_usdc", "100000", "USDC deposited into the AMPL-USDC vault at seeding: the seed's 1 : (1 + target_system_ratio) with the AMPL (model choice)", min: "0", max: "100000000", unit: "USDC"),
        ParameterSpec.Integer("pool_fee_pips", 3_000, "SPOT-USDC pool swap fee in hundredths of a basis point (3000 = 0.3%, a Uniswap v3 tier)", min: 0, max: 100_000),
        ParameterSpec.Integer("lp_rebalance_days", 1, "days between the AMPL-USDC vault's rebalances (the seed's 'every x seconds')", min: 1, max: 365, unit: "days"),
        ParameterSpec.Amount("lp_under_subscribed_pull", "0.1", "share of the AMPL-USDC vault's liquidity pulled per rebalance while DR is below the equilibrium band", min: "0.000001", max: "1", unit: "fraction"),
        ParameterSpec.Boolean("arbitrage", true, "arbitrageurs trade the pool price back toward SPOT's NAV through the vault swaps (v3+) or the perp's mint and redemption"),
        ParameterSpec.Real("arbitrage_threshold", 0.005, "smallest relative gap by which the pool price may pass the contracts' exit value (below) or entry cost (above) before an arbitrageur acts", min: 0, max: 1, unit: "fraction"),
        ParameterSpec.Choice("spot_exit_route", "best", "how SPOT holders leave: best (of pool sale, vault swap, perp redemption), redeem (always the perp's redemption) or pool (always a pool sale)", "best", "redeem", "pool"),
    ];

    /// <summary>The model's parameters plus the run conditions and the holder population settings.</summary>
    public static IReadOnlyList<ParameterSpec> Parameters { get; } =
        [.. ModelParameters, .. RunConditions.Parameters, .. PopulationSettings.Parameters];

    public static SpotSettings From(ParameterValues v)
    {
        int[] ratios = v.Choice("tranche_ratio") switch
        {
            "200/800" => [200, 800],
            "333/667" => [333, 667],
            _ => [250, 750],
        };
        long duration = v.Integer("bond_duration_days") * Day;
        long minMaturity = v.Integer("min_tranche_maturity_days") * Day;
        long maxMaturity = v.Integer("max_tranche_maturity_days") * Day;
        if (minMaturity > maxMaturity)
        {
            throw new InputException("must not exceed max_tranche_maturity_days", key: "min_tranche_maturity_days");
        }

        var down = new FeeLine(Perc(v, "fee_down_dr_start"), Perc(v, "fee_down_fee_start"), Perc(v, "fee_down_dr_end"), Perc(v, "fee_down_fee_end"));
        var up = new FeeLine(Perc(v, "fee_up_dr_start"), Perc(v, "fee_up_fee_start"), Perc(v, "fee_up_dr_end"), Perc(v, "fee_up_fee_end"));
        return new SpotSettings(
            v.Choice("spot_version"),
            Perc(v, "target_system_ratio"),
            down,
            up,
            new PercRange(Perc(v, "equilibrium_dr_low"), Perc(v, "equilibrium_dr_high")),
            v.Integer("debasement_lag"),
            v.Integer("enrichment_lag"),
            Range(v, "debasement_limit_min", "debasement_limit_max"),
            Range(v, "enrichment_limit_min", "enrichment_limit_max"),
            Perc(v, "protocol_share"),
            ratios,
            duration,
            v.Integer("bond_interval_days") * Day,
            minMaturity,
            maxMaturity,
            v.Amount("vault_reserved_ampl"),
            Perc(v, "vault_reserved_perc"),
            v.Amount("initial_perp_tvl"),
            v.Boolean("usdc_vault"),
            v.Amount("usdc_vault_ampl"),
            Fixed.DivInt(v.Amount("usdc_vault_usdc"), 1_000, Rounding.Floor),
            (int)v.Integer("pool_fee_pips"),
            v.Integer("lp_rebalance_days") * Day,
            Perc(v, "lp_under_subscribed_pull"),
            v.Boolean("arbitrage"),
            v.Real("arbitrage_threshold"),
            v.Choice("spot_exit_route") switch { "redeem" => SpotExitRoute.Redeem, "pool" => SpotExitRoute.Pool, _ => SpotExitRoute.Best },
            RunConditions.From(v),
            PopulationSettings.From(v));
    }

    /// <summary>The generation to run on a path whose days span [first, last] (undated paths use <paramref name="first"/> as their nominal date).</summary>
    public SpotGeneration GenerationFor(DateOnly first, DateOnly last)
    {
        switch (Version)
        {
            case "v2":
                return SpotGeneration.V2;
            case "v4":
                return SpotGeneration.V4;
            case "v5":
                return SpotGeneration.V5;
        }

        var timeline = SpotTimeline.Mainnet;
        var launch = DateOnly.FromDateTime(timeline.Eras[0].From.UtcDateTime);
        if (first < launch)
        {
            throw new InputException($"timeline: SPOT launched on {launch:yyyy-MM-dd}; this path starts on {first:yyyy-MM-dd} (choose v2, v4 or v5 for a counterfactual)", key: "spot_version");
        }

        var a = Generation(timeline.VersionAt(At(first)));
        var b = Generation(timeline.VersionAt(At(last)));
        if (a != b)
        {
            throw new InputException($"timeline: the path from {first:yyyy-MM-dd} to {last:yyyy-MM-dd} spans a contract migration ({a} → {b}), which this model does not replay; split the path", key: "spot_version");
        }

        return a;
    }

    private static SpotGeneration Generation(SpotVersion version) => version switch
    {
        SpotVersion.V1 or SpotVersion.V2 => SpotGeneration.V2,
        SpotVersion.V3 or SpotVersion.V4 => SpotGeneration.V4,
        _ => SpotGeneration.V5,
    };

    private static DateTimeOffset At(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>A 9-decimal amount parameter as the fee policy's 8-decimal fixed point (rounded down).</summary>
    private static long Perc(ParameterValues v, string name) => Fixed.DivInt(v.Amount(name), 10, Rounding.Floor);

    private static PercRange Range(ParameterValues v, string min, string max)
    {
        var range = new PercRange(Perc(v, min), Perc(v, max));
        return range.Lower <= range.Upper ? range : throw new InputException($"must not exceed {max}", key: min);
    }
}
