namespace Backtest.Protocols.DeFindex;

/// <summary>The vault's roles (<c>RolesDataKey</c>), plus the protocol's fee receiver.</summary>
public enum DeFindexRole
{
    EmergencyManager,
    VaultFeeReceiver,
    Manager,
    RebalanceManager,
    ProtocolFeeReceiver,
}

/// <summary>Which account holds each role. Accounts are plain integers; <see cref="DeFindexVault.VaultAccount"/> is reserved.</summary>
public sealed record DeFindexRoles(int Manager, int EmergencyManager, int RebalanceManager, int VaultFeeReceiver, int ProtocolFeeReceiver)
{
    /// <summary>The account holding <paramref name="role"/>.</summary>
    public int Holder(DeFindexRole role) => role switch
    {
        DeFindexRole.Manager => Manager,
        DeFindexRole.EmergencyManager => EmergencyManager,
        DeFindexRole.RebalanceManager => RebalanceManager,
        DeFindexRole.VaultFeeReceiver => VaultFeeReceiver,
        DeFindexRole.ProtocolFeeReceiver => ProtocolFeeReceiver,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "unknown role"),
    };
}

/// <summary>When the historical management fee is assessed relative to the deposit or withdrawal that triggers it.</summary>
public enum ManagementFeeTiming
{
    /// <summary>On the state before the operation, so a new depositor is not charged for time before they joined (the default).</summary>
    BeforeOperation,

    /// <summary>After the operation, as commit e505260 did: a deposit is charged for the elapsed period before it arrived.</summary>
    AfterOperation,
}

/// <summary>How the vault charges for management.</summary>
public abstract record DeFindexFeeModel
{
    /// <summary>Largest fee in basis points the contract accepts (9000, <c>MaximumFeeExceeded</c> above).</summary>
    public const int MaxFeeBps = 9_000;

    /// <summary>Basis points in one.</summary>
    public const int Bps = 10_000;

    /// <summary>No fee at all.</summary>
    public static DeFindexFeeModel None { get; } = new ManagementFee(0);
}

/// <summary>
/// The management fee of the seed's whitepaper and commit e505260 (Oct 2024): an APR on assets
/// under management, minted as new shares whenever users deposit or withdraw or the manager
/// rebalances, and split between the vault's fee receiver and the protocol.
/// </summary>
/// <param name="RateBps">Annual rate in basis points (the whitepaper suggests 100–200).</param>
/// <param name="VaultReceiverShareBps">Share of the minted fee to the vault's fee receiver; the rest, X (0–50 %, default 50 %), goes to the protocol.</param>
/// <param name="Timing">Before (default) or after the triggering operation.</param>
public sealed record ManagementFee(int RateBps, int VaultReceiverShareBps = 5_000, ManagementFeeTiming Timing = ManagementFeeTiming.BeforeOperation) : DeFindexFeeModel;

/// <summary>
/// The performance fee of DeFindex HEAD (PR #306 onward): each strategy's reported gains are
/// charged <paramref name="VaultFeeBps"/> when fees are locked, losses carry forward against
/// later gains, and distributed fees are paid in assets, <paramref name="ProtocolFeeBps"/> of
/// them to the protocol and the rest to the vault's fee receiver.
/// </summary>
public sealed record PerformanceFee(int VaultFeeBps, int ProtocolFeeBps) : DeFindexFeeModel;

/// <summary>A vault's configuration.</summary>
/// <param name="AssetCount">Number of underlying assets.</param>
/// <param name="StrategyAssets">For each strategy (by index), the asset it invests.</param>
/// <param name="Roles">Role holders.</param>
/// <param name="Fees">Fee model.</param>
public sealed record DeFindexVaultConfig(int AssetCount, IReadOnlyList<int> StrategyAssets, DeFindexRoles Roles, DeFindexFeeModel Fees)
{
    /// <summary>Shares locked to the vault on the first deposit against first-depositor inflation (HEAD: 1000; 0 switches the protection off).</summary>
    public long MinimumLiquidity { get; init; } = 1_000;

    /// <summary>Cost of liquidating strategy positions, in basis points of the unwound amount; borne by whoever receives the unwound funds (0: the contract's lossless unwind).</summary>
    public int LiquidationCostBps { get; init; }
}
