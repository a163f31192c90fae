namespace Backtest.Protocols.Reserve;

/// <summary>Which flow memory an operation uses: mints are inflows, redeems outflows; they never net.</summary>
public enum FlowDirection
{
    In,
    Out,
}

/// <summary>Directions a guardian lock applies to.</summary>
public enum GuardianDirections
{
    In,
    Out,
    Both,
}

/// <summary>
/// One direction's flow memory of one vault (Gyroscope <c>DirectionalFlowData</c>):
/// <paramref name="ShortFlow"/> in raw vault-token units as of <paramref name="LastSeenBlock"/>,
/// and the last block (inclusive) of any safety lock.
/// </summary>
public readonly record struct DirectionalFlow(Int128 ShortFlow, long LastSafetyBlock, long LastSeenBlock);

/// <summary>
/// A vault's flow limit: <paramref name="Memory"/> is the per-block decay factor (18-decimal; the
/// flow is multiplied by memoryᵇˡᵒᶜᵏˢ), <paramref name="Threshold"/> the largest short-term flow
/// in raw vault-token units.
/// </summary>
public readonly record struct FlowLimit(Int128 Memory, Int128 Threshold)
{
    /// <summary>
    /// The per-block memory with the given half-life in blocks, ⌊2^(−1/h)·10¹⁸⌋ computed in
    /// doubles: for setting parameters only, never for balances. Gyroscope's mainnet memory
    /// 0.999561094198769664 is a half-life of about 1579 blocks.
    /// </summary>
    public static Int128 MemoryForHalfLife(double halfLifeBlocks) =>
        halfLifeBlocks > 0 && double.IsFinite(halfLifeBlocks)
            ? (Int128)Math.Floor(Math.Pow(2, -1 / halfLifeBlocks) * 1e18)
            : throw new ArgumentOutOfRangeException(nameof(halfLifeBlocks), halfLifeBlocks, "half-life must be positive and finite");

    /// <summary>
    /// The raw-unit threshold for a USD limit at the calibration price, as Gyroscope's deploy
    /// script sets it: ⌊usd·10^(18+decimals) / priceAtCalibration⌋. It does not follow later
    /// price moves.
    /// </summary>
    public static Int128 ThresholdFromUsd(Int128 thresholdUsd, int decimals, Int128 priceAtCalibration) =>
        Backtest.Numerics.Fixed.MulDiv(thresholdUsd, Wad.Pow10(18 + decimals), priceAtCalibration, Backtest.Numerics.Rounding.Floor);
}

/// <summary>Parameters of the flow guard shared by all vaults.</summary>
/// <param name="SafetyBlocksAutomatic">Blocks a vault direction stays locked after its flow crosses the buffer (300 in Gyroscope's tests, about an hour).</param>
/// <param name="SafetyBlocksGuardianMax">Longest lock the oracle guardian may set (7200, about a day).</param>
/// <param name="ThresholdBuffer">Fraction of the threshold above which safety mode switches on (0.8, 18-decimal).</param>
public sealed record FlowGuardParameters(long SafetyBlocksAutomatic, long SafetyBlocksGuardianMax, Int128 ThresholdBuffer)
{
    /// <summary>Gyroscope's values: 300 automatic blocks, 7200 guardian blocks, buffer 0.8.</summary>
    public static FlowGuardParameters Gyroscope { get; } = new(300, 7200, 800_000_000_000_000_000);
}

/// <summary>Why a vault stopped an order's flow check.</summary>
public enum FlowBlock
{
    None,

    /// <summary>The direction is locked (error 65); no flow was computed.</summary>
    SafetyMode,

    /// <summary>The new flow would exceed the threshold (error 60).</summary>
    Threshold,
}

/// <summary>One vault's line of a flow check, in order position.</summary>
/// <param name="Vault">Vault index.</param>
/// <param name="DecayedFlow">The stored flow decayed to the current block (0 when blocked by safety mode).</param>
/// <param name="NewFlow">Decayed flow plus this order's amount.</param>
/// <param name="SafetyModeActivated">The new flow is above the buffer, so the lock is (re)set on persist.</param>
/// <param name="BlockedBy">Whether this vault stopped the check.</param>
public readonly record struct FlowCheckEntry(int Vault, Int128 DecayedFlow, Int128 NewFlow, bool SafetyModeActivated, FlowBlock BlockedBy);

/// <summary>
/// The result of checking an order's flows at one block. <see cref="Error"/> is null or 61
/// (allowed; 61 means safety mode switches on) or 60 / 65 (refused: the entries stop at the
/// vault that refused).
/// </summary>
public sealed record FlowCheckResult(FlowDirection Direction, long Block, ReserveErrorCode? Error, IReadOnlyList<FlowCheckEntry> Entries)
{
    /// <summary>Whether the flows let the operation through (61 does).</summary>
    public bool Allowed => Error is null or ReserveErrorCode.SafetyModeActivatedByOperation;
}

/// <summary>
/// Short-term flow limits per vault and direction (Gyroscope <c>VaultSafetyMode</c> with
/// <c>Flow.updateFlow</c>). A flow decays by the vault's memory each block, with no decay inside
/// a block; an order adds its gross amounts. Mint and redeem memories are separate. An amount
/// that would take the flow over the threshold is refused (60); a new flow above 80 % of the
/// threshold succeeds but locks that vault's direction for the automatic number of blocks (61),
/// during which non-zero amounts are refused (65). The lock end is inclusive.
/// </summary>
public sealed class VaultFlowGuard
{
    private readonly FlowLimit[] limits;
    private readonly DirectionalFlow[] inflows;
    private readonly DirectionalFlow[] outflows;

    public VaultFlowGuard(IEnumerable<FlowLimit> limits, FlowGuardParameters parameters)
    {
        this.limits = limits.ToArray();
        inflows = new DirectionalFlow[this.limits.Length];
        outflows = new DirectionalFlow[this.limits.Length];
        Parameters = parameters;
    }

    /// <summary>The guard's shared parameters.</summary>
    public FlowGuardParameters Parameters { get; }

    /// <summary>Number of vaults guarded.</summary>
    public int VaultCount => limits.Length;

    /// <summary>A vault's current flow limit.</summary>
    public FlowLimit Limit(int vault) => limits[vault];

    /// <summary>The stored flow memory of a vault in one direction (not decayed to any block).</summary>
    public DirectionalFlow Flow(int vault, FlowDirection direction) =>
        direction == FlowDirection.In ? inflows[vault] : outflows[vault];

    /// <summary>
    /// Governance changes a vault's memory and threshold (<c>updatePersistedVaultFlowParams</c>).
    /// The stored flow is kept: lowering the threshold below it can switch on safety mode at the
    /// next order that lists the vault, even with a zero amount.
    /// </summary>
    public void SetLimit(int vault, FlowLimit limit) => limits[vault] = limit;

    /// <summary>
    /// <paramref name="flow"/> decayed from <paramref name="lastSeenBlock"/> to <paramref name="block"/>:
    /// unchanged within a block or when zero, else ⌊flow · intPowDown(memory, Δblocks)⌋. A last
    /// seen block in the future reverts with INVALID_ARGUMENT (31).
    /// </summary>
    public static Int128 Decay(Int128 flow, long block, long lastSeenBlock, Int128 memory)
    {
        if (lastSeenBlock > block)
        {
            throw new ReserveArithmeticException(ReserveErrorCode.InvalidArgument, $"flow last seen at block {lastSeenBlock}, after the current block {block}");
        }

        return lastSeenBlock == block || flow == 0 ? flow : Wad.MulDown(flow, Wad.IntPowDown(memory, block - lastSeenBlock));
    }

    /// <summary>
    /// Checks an order (vault, gross amount) at <paramref name="block"/>, in order, stopping at
    /// the first vault that refuses. Every listed vault is decayed and, once persisted, stamped
    /// with the block, zero amounts included. Safety mode activation has no amount guard, as in
    /// Gyroscope: a listed vault whose decayed flow is still above the buffer re-locks.
    /// </summary>
    public FlowCheckResult Check(FlowDirection direction, long block, IReadOnlyList<(int Vault, Int128 Amount)> order)
    {
        var entries = new List<FlowCheckEntry>(order.Count);
        ReserveErrorCode? error = null;
        foreach (var (vault, amount) in order)
        {
            var state = Flow(vault, direction);
            if (amount > 0 && block <= state.LastSafetyBlock)
            {
                entries.Add(new FlowCheckEntry(vault, 0, 0, false, FlowBlock.SafetyMode));
                return new FlowCheckResult(direction, block, ReserveErrorCode.SafetyModeActive, entries);
            }

            var limit = limits[vault];
            Int128 decayed = Decay(state.ShortFlow, block, state.LastSeenBlock, limit.Memory);
            Int128 newFlow = decayed + amount;
            if (amount > 0 && newFlow > limit.Threshold)
            {
                entries.Add(new FlowCheckEntry(vault, decayed, newFlow, false, FlowBlock.Threshold));
                return new FlowCheckResult(direction, block, ReserveErrorCode.VaultFlowTooHigh, entries);
            }

            bool activate = newFlow > Wad.MulDown(Parameters.ThresholdBuffer, limit.Threshold);
            if (activate)
            {
                error = ReserveErrorCode.SafetyModeActivatedByOperation;
            }

            entries.Add(new FlowCheckEntry(vault, decayed, newFlow, activate, FlowBlock.None));
        }

        return new FlowCheckResult(direction, block, error, entries);
    }

    /// <summary>
    /// Stores an allowed check's flows: each listed vault's flow becomes its new flow, last seen
    /// the check's block, and an activated vault is locked through block + automatic blocks.
    /// </summary>
    public void Persist(FlowCheckResult check)
    {
        if (!check.Allowed)
        {
            throw new InvalidOperationException($"a refused flow check ({check.Error?.Wire()}) cannot be persisted");
        }

        var flows = check.Direction == FlowDirection.In ? inflows : outflows;
        foreach (var e in check.Entries)
        {
            long lastSafety = e.SafetyModeActivated ? check.Block + Parameters.SafetyBlocksAutomatic : flows[e.Vault].LastSafetyBlock;
            flows[e.Vault] = new DirectionalFlow(e.NewFlow, lastSafety, check.Block);
        }
    }

    /// <summary>
    /// The oracle guardian locks a vault's directions through block + <paramref name="blocks"/>
    /// (inclusive). More than the guardian maximum reverts with ORACLE_GUARDIAN_TIME_LIMIT (62).
    /// </summary>
    public void GuardianLock(long block, int vault, GuardianDirections directions, long blocks)
    {
        if (blocks > Parameters.SafetyBlocksGuardianMax || blocks < 0)
        {
            throw new ReserveGovernanceException(
                ReserveErrorCode.OracleGuardianTimeLimit,
                $"guardian lock of {blocks} blocks exceeds the limit of {Parameters.SafetyBlocksGuardianMax}");
        }

        if (directions != GuardianDirections.Out)
        {
            inflows[vault] = inflows[vault] with { LastSafetyBlock = block + blocks };
        }

        if (directions != GuardianDirections.In)
        {
            outflows[vault] = outflows[vault] with { LastSafetyBlock = block + blocks };
        }
    }
}
