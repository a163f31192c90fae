namespace Backtest.Protocols.Reserve;

/// <summary>
/// A vault of the reserve. Each vault holds one priced token whose price is the vault price;
/// a stable one is checked against its peg range on mints.
/// </summary>
/// <param name="Id">Name used in messages and outputs.</param>
/// <param name="Decimals">Decimals of the vault token (balances and flows are raw units).</param>
/// <param name="IsStable">Whether the vault's token is a stablecoin (peg rule on mints).</param>
/// <param name="PegFloor">Lowest on-peg price, 18-decimal (0.95 by default).</param>
/// <param name="PegCeiling">Highest on-peg price, 18-decimal (1.05 by default).</param>
/// <param name="MintFee">Fee on mints, 18-decimal, at most 0.2.</param>
/// <param name="RedeemFee">Fee on redeems, 18-decimal, at most 0.2.</param>
/// <param name="FlowLimit">Per-block flow memory and threshold in raw units.</param>
public sealed record ReserveVault(
    string Id,
    int Decimals,
    bool IsStable,
    Int128 PegFloor,
    Int128 PegCeiling,
    Int128 MintFee,
    Int128 RedeemFee,
    FlowLimit FlowLimit);

/// <summary>A vault's new calibration in <see cref="TranchedReserve.Recalibrate"/>.</summary>
public readonly record struct Recalibration(Int128 WeightAtCalibration, Int128 PriceAtCalibration, long WeightTransitionDuration);

/// <summary>
/// Everything one mint or redeem computed: the reserve state it saw, the flow check, the
/// weight check (null when the flow check already refused), the verdict, the after-fee amounts
/// and whether the state changed.
/// </summary>
/// <param name="Mint">Mint (true) or redeem.</param>
/// <param name="At">When the operation ran.</param>
/// <param name="StateBefore">Reserve state before the operation.</param>
/// <param name="Flows">Flow check over every vault in registry order.</param>
/// <param name="Safety">Weight/peg/price check; null if the flows refused first.</param>
/// <param name="Error">The first refusal, or null when allowed.</param>
/// <param name="SafetyModeActivated">Allowed, and some vault's flow crossed the buffer (Gyroscope's "61" event).</param>
/// <param name="AmountsAfterFees">Per vault: credited (mint) or paid out (redeem) raw units after the fee.</param>
/// <param name="UsdValueAfterFees">Mint only: Σ ⌊price · after-fee amount scaled to 18 decimals⌋, the value GYD would be minted against (0 on redeem).</param>
/// <param name="Committed">Whether balances and flows were updated.</param>
public sealed record ReserveOperationOutcome(
    bool Mint,
    ChainTime At,
    ReserveStateSnapshot StateBefore,
    FlowCheckResult Flows,
    ReserveSafetyResult? Safety,
    ReserveErrorCode? Error,
    bool SafetyModeActivated,
    Int128[] AmountsAfterFees,
    Int128 UsdValueAfterFees,
    bool Committed);

/// <summary>
/// A Gyroscope-style tranched reserve: vaults with governance target weights interpolated over
/// a transition and adjusted for price drift, the weight band and rebalancing-only safety check,
/// per-vault flow limits with automatic safety mode, and fees after the checks. Mints and
/// redeems list every vault in registry order (zero amounts included), run the flow check
/// first and the weight check second, and persist nothing unless both pass.
/// </summary>
public sealed class TranchedReserve
{
    private readonly ReserveVault[] vaults;
    private readonly Int128[] balances;
    private readonly Int128[] prices;
    private readonly VaultCalibration[] calibrations;
    private readonly VaultFlowGuard flows;

    /// <summary>Creates a reserve holding <paramref name="balances"/> (raw units) at <paramref name="prices"/> (18-decimal USD).</summary>
    public TranchedReserve(
        IReadOnlyList<ReserveVault> vaults,
        IReadOnlyList<Int128> balances,
        IReadOnlyList<Int128> prices,
        IReadOnlyList<VaultCalibration> calibrations,
        ReserveSafetyParameters safety,
        FlowGuardParameters flowParameters)
    {
        int n = vaults.Count;
        if (balances.Count != n || prices.Count != n || calibrations.Count != n)
        {
            throw new ArgumentException($"{n} vaults need {n} balances, prices and calibrations (got {balances.Count}, {prices.Count}, {calibrations.Count})");
        }

        foreach (var v in vaults)
        {
            ReserveFees.Validate(v.MintFee, $"{v.Id} mint fee");
            ReserveFees.Validate(v.RedeemFee, $"{v.Id} redeem fee");
        }

        this.vaults = [.. vaults];
        this.balances = [.. balances];
        this.prices = [.. prices];
        this.calibrations = [.. calibrations];
        Safety = safety;
        flows = new VaultFlowGuard(vaults.Select(v => v.FlowLimit), flowParameters);
    }

    /// <summary>The weight check's parameters.</summary>
    public ReserveSafetyParameters Safety { get; }

    /// <summary>The flow limits and their memories.</summary>
    public VaultFlowGuard FlowGuard => flows;

    /// <summary>Number of vaults.</summary>
    public int VaultCount => vaults.Length;

    /// <summary>Vault configuration by registry index.</summary>
    public ReserveVault Vault(int i) => vaults[i];

    /// <summary>Raw units of vault <paramref name="i"/> held by the reserve.</summary>
    public Int128 Balance(int i) => balances[i];

    /// <summary>Current price of vault <paramref name="i"/> (18-decimal USD).</summary>
    public Int128 Price(int i) => prices[i];

    /// <summary>Current calibration of vault <paramref name="i"/>.</summary>
    public VaultCalibration Calibration(int i) => calibrations[i];

    /// <summary>Sets an oracle price (18-decimal USD).</summary>
    public void SetPrice(int vault, Int128 price) =>
        prices[vault] = price >= 0 ? price : throw new ArgumentOutOfRangeException(nameof(price), price, "prices are non-negative");

    /// <summary>The reserve's scheduled, current and target weights at <paramref name="now"/>.</summary>
    public ReserveStateSnapshot State(long now) => ReserveStateSnapshot.Compute(Positions(), now);

    /// <summary>What a mint or redeem of <paramref name="amounts"/> (raw units per vault) would do, without changing anything.</summary>
    public ReserveOperationOutcome Preview(bool mint, ChainTime at, IReadOnlyList<Int128> amounts) => Evaluate(mint, at, amounts);

    /// <summary>
    /// Mints against <paramref name="amounts"/> (gross raw units per vault): the gross amounts
    /// enter the reserve and the after-fee value is what the mint is worth. A refusal throws
    /// <see cref="ReserveSafetyException"/> carrying the checks' outcome; nothing is persisted.
    /// </summary>
    public ReserveOperationOutcome Mint(ChainTime at, IReadOnlyList<Int128> amounts) => Execute(true, at, amounts);

    /// <summary>
    /// Redeems <paramref name="amounts"/> (gross raw units per vault): the after-fee amounts leave
    /// the reserve and the fee stays. A refusal throws <see cref="ReserveSafetyException"/>.
    /// </summary>
    public ReserveOperationOutcome Redeem(ChainTime at, IReadOnlyList<Int128> amounts) => Execute(false, at, amounts);

    /// <summary>
    /// Governance recalibrates every vault at <paramref name="now"/> (<c>VaultRegistry.setVaults</c>):
    /// each vault's previous weight becomes its old calibrated weight (not the interpolated one,
    /// so interrupting a transition makes the schedule jump), its clock restarts and its price
    /// drift is re-based on the given calibration price. The new weights must sum to exactly 1.
    /// </summary>
    public void Recalibrate(long now, IReadOnlyList<Recalibration> targets)
    {
        if (targets.Count != vaults.Length)
        {
            throw new ReserveGovernanceException(ReserveErrorCode.InvalidArgument, $"recalibration lists {targets.Count} vaults, the reserve has {vaults.Length}");
        }

        Int128 sum = 0;
        foreach (var t in targets)
        {
            if (t.WeightAtCalibration < 0 || t.PriceAtCalibration < 0 || t.WeightTransitionDuration < 0)
            {
                throw new ReserveGovernanceException(ReserveErrorCode.InvalidArgument, $"negative weight, price or duration in {t}");
            }

            sum += t.WeightAtCalibration;
        }

        if (sum != Wad.One)
        {
            throw new ReserveGovernanceException(ReserveErrorCode.InvalidArgument, $"calibrated weights sum to {sum}, not {Wad.One}");
        }

        for (int i = 0; i < vaults.Length; i++)
        {
            calibrations[i] = new VaultCalibration(
                targets[i].PriceAtCalibration,
                targets[i].WeightAtCalibration,
                calibrations[i].WeightAtCalibration,
                now,
                targets[i].WeightTransitionDuration);
        }
    }

    /// <summary>Governance changes a vault's flow memory and threshold (the stored flow is kept).</summary>
    public void SetFlowLimit(int vault, FlowLimit limit) => flows.SetLimit(vault, limit);

    /// <summary>The oracle guardian locks a vault's directions; see <see cref="VaultFlowGuard.GuardianLock"/>.</summary>
    public void GuardianLock(long block, int vault, GuardianDirections directions, long blocks) =>
        flows.GuardianLock(block, vault, directions, blocks);

    private ReserveOperationOutcome Execute(bool mint, ChainTime at, IReadOnlyList<Int128> amounts)
    {
        var outcome = Evaluate(mint, at, amounts);
        if (outcome.Error is { } error)
        {
            throw new ReserveSafetyException(error, $"{(mint ? "mint" : "redeem")} at block {at.Block} refused", outcome);
        }

        flows.Persist(outcome.Flows);
        for (int i = 0; i < vaults.Length; i++)
        {
            balances[i] = mint ? balances[i] + amounts[i] : balances[i] - outcome.AmountsAfterFees[i];
        }

        return outcome with { Committed = true };
    }

    private ReserveOperationOutcome Evaluate(bool mint, ChainTime at, IReadOnlyList<Int128> amounts)
    {
        if (amounts.Count != vaults.Length)
        {
            throw new ArgumentException($"an order lists every vault: {vaults.Length} amounts expected, got {amounts.Count}", nameof(amounts));
        }

        var state = State(at.Timestamp);
        var order = new (int Vault, Int128 Amount)[vaults.Length];
        var afterFees = new Int128[vaults.Length];
        Int128 usdAfterFees = 0;
        for (int i = 0; i < vaults.Length; i++)
        {
            if (amounts[i] < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(amounts), amounts[i], $"negative amount for vault {vaults[i].Id}");
            }

            order[i] = (i, amounts[i]);
            afterFees[i] = ReserveFees.AfterFee(amounts[i], mint ? vaults[i].MintFee : vaults[i].RedeemFee);
            if (mint)
            {
                usdAfterFees += Wad.MulDown(prices[i], Wad.ScaleFrom(afterFees[i], vaults[i].Decimals));
            }
        }

        var flowCheck = flows.Check(mint ? FlowDirection.In : FlowDirection.Out, at.Block, order);
        if (!flowCheck.Allowed)
        {
            return new ReserveOperationOutcome(mint, at, state, flowCheck, null, flowCheck.Error, false, afterFees, usdAfterFees, false);
        }

        var entries = new SafetyOrderEntry[vaults.Length];
        for (int i = 0; i < vaults.Length; i++)
        {
            var v = vaults[i];
            entries[i] = new SafetyOrderEntry(
                balances[i], v.Decimals, prices[i], state.CurrentWeights[i], state.TargetWeights[i], amounts[i],
                [new PricedToken(v.IsStable, prices[i], v.PegFloor, v.PegCeiling)]);
        }

        var safety = ReserveSafetyCheck.Evaluate(mint, entries, Safety);
        bool activated = safety.Allowed && flowCheck.Error == ReserveErrorCode.SafetyModeActivatedByOperation;
        return new ReserveOperationOutcome(mint, at, state, flowCheck, safety, safety.Error, activated, afterFees, usdAfterFees, false);
    }

    private VaultPosition[] Positions()
    {
        var positions = new VaultPosition[vaults.Length];
        for (int i = 0; i < vaults.Length; i++)
        {
            positions[i] = new VaultPosition(prices[i], vaults[i].Decimals, balances[i], calibrations[i]);
        }

        return positions;
    }
}
