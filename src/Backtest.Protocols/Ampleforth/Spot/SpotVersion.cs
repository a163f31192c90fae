namespace Backtest.Protocols.Ampleforth.Spot;

/// <summary>The SPOT contract generations (spot-contracts tags), oldest first.</summary>
public enum SpotVersion
{
    /// <summary>v1.0.0 (Nov 2022): perp only, CDR pricing, BasicFeeStrategy, anyone may roll over.</summary>
    V1 = 1,

    /// <summary>v2.0.0 (May 2023): adds the rollover vault (deposit, redeem, deploy, recover; no fees, no swaps).</summary>
    V2 = 2,

    /// <summary>v3.0.0 (Apr 2024): subscription-ratio FeePolicy, sigmoid rollover fee, vault swaps, vault-only rollovers.</summary>
    V3 = 3,

    /// <summary>v4.x (Sep 2024): as v3 without the per-tranche mint cap.</summary>
    V4 = 4,

    /// <summary>v5.0.0 (Jul 2025): system-ratio DR fees, daily rebalance, protocol share, mint2/redeem2.</summary>
    V5 = 5,
}

/// <summary>One period of SPOT history: the contract version and the bond tranche ratios in force.</summary>
public sealed record SpotEra(DateTimeOffset From, SpotVersion Version, IReadOnlyList<int> TrancheRatios, string Source) : IDatedEra;

/// <summary>
/// Which SPOT version and bond ratios were in force on a date (shared/spec/ampleforth.md §0.1),
/// so history can be replayed with the rules of the time. Parameters are data; the v5 date is the
/// third-party block the spec cites (unverified on chain).
/// </summary>
public sealed class SpotTimeline(IReadOnlyList<SpotEra> eras) : EraTimeline<SpotEra>(eras)
{
    /// <summary>The mainnet history as the spec reconstructs it.</summary>
    public static SpotTimeline Mainnet { get; } = new(
    [
        new(Date(2022, 11, 15), SpotVersion.V1, [200, 800], "spot v1.0.0; bonds [200,800]"),
        new(Date(2023, 5, 24), SpotVersion.V2, [200, 800], "spot v2.0.0 e0116ac: rollover vault"),
        new(Date(2024, 1, 2), SpotVersion.V2, [250, 750], "tasks/mainnet.sh dbc5a94/2b5879b: issuer [250,750]"),
        new(Date(2024, 4, 22), SpotVersion.V3, [250, 750], "spot v3.0.0 be85d76; rollout allowed from 2024-04-22"),
        new(Date(2024, 9, 12), SpotVersion.V4, [250, 750], "spot v4.1.0 8c4f781"),
        new(Date(2025, 7, 2), SpotVersion.V5, [250, 750], "spot v5.0.0 5b29e35; live from block 22,825,563 (third-party, unverified)"),
    ]);

    /// <summary>The version in force at <paramref name="when"/>.</summary>
    public SpotVersion VersionAt(DateTimeOffset when) => At(when).Version;
}
