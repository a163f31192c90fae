using System.Numerics;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Spot;

namespace Backtest.Protocols.Ampleforth.Batch;

/// <summary>
/// The rules a batch runs, read once from the system it starts from (the perp's tolerances and
/// caps, the vault's liquidity settings, the fee policy's parameters, the issuer's schedule),
/// so later changes to those objects do not reach a running batch.
/// </summary>
internal sealed class SpotParameters
{
    public SpotParameters(SpotSystem system)
    {
        var perp = system.Perp;
        var vault = system.Vault;
        Version = perp.Version;
        IsV5 = Version == SpotVersion.V5;
        MinTrancheMaturitySec = perp.MinTrancheMaturitySec;
        MaxTrancheMaturitySec = perp.MaxTrancheMaturitySec;
        MaxSupply = perp.MaxSupply;
        MaxDepositTrancheValuePerc = perp.MaxDepositTrancheValuePerc;
        MinDeploymentAmt = vault.MinDeploymentAmt;
        ReservedUnderlyingBal = vault.ReservedUnderlyingBal;
        ReservedUnderlyingPerc = vault.ReservedUnderlyingPerc;
        ReservedSubscriptionPerc = vault.ReservedSubscriptionPerc;
        Dust = IsV5 ? RolloverVault.TrancheDustAmt : 0;
        Issuer = system.Issuer.Config;
        Policy = new SupplyDeltaKernel(system.Policy.Parameters);
        switch (perp.FeePolicy)
        {
            case DeviationFeePolicy v5:
                V5 = v5.Clone();
                break;
            case SubscriptionFeePolicy v3:
                V3 = v3.Clone();
                RolloverFee = new SigmoidTable(V3.RolloverFeeLower, V3.RolloverFeeUpper, V3.RolloverFeeGrowth, SpotFeePolicy.One);
                break;
        }
    }

    public SpotVersion Version { get; }

    public bool IsV5 { get; }

    public long MinTrancheMaturitySec { get; }

    public long MaxTrancheMaturitySec { get; }

    public long MaxSupply { get; }

    public long MaxDepositTrancheValuePerc { get; }

    public long MinDeploymentAmt { get; }

    public long ReservedUnderlyingBal { get; }

    public long ReservedUnderlyingPerc { get; }

    public long ReservedSubscriptionPerc { get; }

    /// <summary>Tranche balances at or below this are ignored by the vault (v5 only).</summary>
    public long Dust { get; }

    public BondIssuerConfig Issuer { get; }

    public SupplyDeltaKernel Policy { get; set; }

    /// <summary>The v5 fee policy (a private copy); null for v3/v4.</summary>
    public DeviationFeePolicy? V5 { get; }

    /// <summary>The v3/v4 fee policy (a private copy); null for v5.</summary>
    public SubscriptionFeePolicy? V3 { get; }

    /// <summary>The v3/v4 rollover fee sigmoid at 8 decimals.</summary>
    public SigmoidTable? RolloverFee { get; }

    /// <summary>A bond's seconds to maturity at <paramref name="now"/> (0 at or past maturity), as <see cref="BondController.SecondsToMaturity"/>.</summary>
    public static long SecondsToMaturity(long maturity, long now) => maturity > now ? maturity - now : 0;

    /// <summary>BigInteger of an Int128 (for the policies' slow paths).</summary>
    public static BigInteger Big(Int128 value) => value;
}
