namespace Backtest.Protocols.Ampleforth.Batch;

/// <summary>
/// One path's inputs for one day. Rates are the policy's 18-decimal fixed point, as its oracles
/// report them (<see cref="MarketRate"/> the AMPL market price, <see cref="TargetRate"/> the
/// target oracle's value, read by the policy's era rule). Flows are the holder's requests in
/// base units (notes for <see cref="VaultRedeem"/>); zero means none. The flows run in the
/// keeper step in this order: perp redeem, vault redeem, perps→AMPL swap, AMPL→perps swap,
/// perp mint (tranche AMPL into the deposit bond and mint with the seniors, one transaction), vault deposit.
/// </summary>
public readonly record struct SpotLaneInput(
    Int128 MarketRate,
    Int128 TargetRate,
    bool MarketValid = true,
    bool TargetValid = true,
    long PerpRedeem = 0,
    Int128 VaultRedeem = default,
    long SwapPerpsForUnderlying = 0,
    long SwapUnderlyingForPerps = 0,
    long PerpMint = 0,
    long VaultDeposit = 0);

/// <summary>What one holder flow did: its outcome, the fee percentage it paid (8 decimals), what it paid out.</summary>
/// <remarks>
/// <see cref="Out"/> is the operation's main proceeds (AMPL for redemptions and perp sales, perps
/// for mints and perp purchases, notes for a vault deposit); <see cref="TranchesOut"/> the sum of
/// tranche tokens in a redemption basket. All are 0 unless <see cref="Outcome"/> is Ok.
/// </remarks>
public readonly record struct SpotFlowResult(SpotOutcome Outcome, long FeePerc, Int128 Out, long TranchesOut)
{
    public static SpotFlowResult NotRequested => new(SpotOutcome.NotRequested, 0, 0, 0);
}

/// <summary>
/// One path's results for one day: what each transaction did and the system at the end of the
/// day. Amounts are base units, percentages and ratios 8 decimals; AMPL after the rebase.
/// </summary>
public readonly record struct SpotLaneDay
{
    public SpotOutcome RebaseOutcome { get; init; }

    /// <summary>The supply change the rebase applied (0 when refused or inside the threshold).</summary>
    public long SupplyDelta { get; init; }

    public long AmplSupply { get; init; }

    /// <summary>The perp's state update at the start of the keeper step (bond adoption, matured tranches redeemed).</summary>
    public SpotOutcome UpdateStateOutcome { get; init; }

    public SpotFlowResult PerpRedeem { get; init; }

    public SpotFlowResult VaultRedeem { get; init; }

    public SpotFlowResult SwapPerpsForUnderlying { get; init; }

    public SpotFlowResult SwapUnderlyingForPerps { get; init; }

    public SpotFlowResult PerpMint { get; init; }

    public SpotFlowResult VaultDeposit { get; init; }

    /// <summary>The vault's recovery of matured tranches and immature seniors, each its own transaction: Ok, NotRequested (nothing to recover) or the first refusal.</summary>
    public SpotOutcome RecoverOutcome { get; init; }

    /// <summary>The holder's redemption of its matured tranches, one transaction per bond: Ok, NotRequested or the first refusal.</summary>
    public SpotOutcome HolderMaturityOutcome { get; init; }

    /// <summary>The vault's deploy: Ok when something rolled over.</summary>
    public SpotOutcome DeployOutcome { get; init; }

    /// <summary>The perp's value up for rollover (its AMPL and tranches at most the rollover window from maturity, reserve valuation) before the deploy.</summary>
    public long RolloverDueValue { get; init; }

    /// <summary>The same value after the deploy: what could not be rolled over.</summary>
    public long RolloverLeftValue { get; init; }

    /// <summary>The v5 rebalance; NotRequested for v3/v4.</summary>
    public SpotOutcome RebalanceOutcome { get; init; }

    /// <summary>Perps the rebalance claimed from the perp's fee balance.</summary>
    public long FeesClaimed { get; init; }

    /// <summary>The fee policy's rebalance amount: value moved into the perp (negative: out of the perp into the vault).</summary>
    public long RebalanceAmount { get; init; }

    /// <summary>Perps minted to the vault (debasement) or minted and burnt (enrichment).</summary>
    public long RebalancePerps { get; init; }

    /// <summary>Perps minted to the protocol's collector.</summary>
    public long ProtocolPerps { get; init; }

    /// <summary>Notes minted to the protocol's collector.</summary>
    public Int128 ProtocolNotes { get; init; }

    /// <summary>The perp's reserve value (its AMPL plus each senior at min(1, CDR/r), rounded up).</summary>
    public long PerpTvl { get; init; }

    public long PerpSupply { get; init; }

    /// <summary>The vault's value (its AMPL plus tranches above dust at their claims, rounded up).</summary>
    public long VaultTvl { get; init; }

    public Int128 NoteSupply { get; init; }

    /// <summary>The deviation ratio the fee policy computes from the two values; −1 when the perp is worth nothing.</summary>
    public Int128 DeviationRatio { get; init; }

    /// <summary>Raw AMPL the perp holds.</summary>
    public long PerpAmpl { get; init; }

    /// <summary>Raw AMPL the vault holds.</summary>
    public long VaultAmpl { get; init; }

    /// <summary>
    /// The weakest reserve senior's cover: min over the perp's tranches of bond collateral ÷ senior
    /// supply (8 decimals, rounded down), i.e. the bond's CDR relative to the senior's share of
    /// debt; below 10⁸ the senior is impaired. <see cref="long.MaxValue"/> when the perp holds no tranche.
    /// </summary>
    public long SeniorCoverage { get; init; }
}
