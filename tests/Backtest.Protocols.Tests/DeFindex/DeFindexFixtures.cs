using Backtest.Protocols.DeFindex;

namespace Backtest.Protocols.Tests.DeFindex;

internal static class DeFindexFixtures
{
    public const long Usdc = 10_000_000;
    public const int Alice = 1, Bob = 2, Carol = 3;
    public static readonly DeFindexRoles Roles = new(Manager: 10, EmergencyManager: 11, RebalanceManager: 12, VaultFeeReceiver: 13, ProtocolFeeReceiver: 14);

    /// <summary>One asset with the given number of strategies.</summary>
    public static DeFindexVaultConfig SingleAsset(int strategies, DeFindexFeeModel fees) =>
        new(1, [.. Enumerable.Repeat(0, strategies)], Roles, fees);

    public static long[] Zeros(int n) => new long[n];
}
