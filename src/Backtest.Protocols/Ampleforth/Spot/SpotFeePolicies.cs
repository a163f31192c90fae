using System.Numerics;
using Backtest.Numerics;
using Backtest.Protocols.Ampleforth.Policy;

namespace Backtest.Protocols.Ampleforth.Spot;

/// <summary>
/// The fee logic the SPOT perp and the rollover vault consult. One subclass per contract
/// generation: <see cref="BasicFeeStrategy"/> (v1/v2), <see cref="SubscriptionFeePolicy"/>
/// (v3/v4), <see cref="DeviationFeePolicy"/> (v5). Percentages are 8-decimal fixed point
/// (<see cref="One"/> = 100%); amounts are base units.
/// </summary>
public abstract class SpotFeePolicy
{
    /// <summary>1.0 (100%) at the fee policies' 8 decimals.</summary>
    public const long One = 100_000_000;

    /// <summary>The SPOT versions whose perp and vault call this kind of policy.</summary>
    public abstract IReadOnlyList<SpotVersion> Versions { get; }

    /// <summary>The default policy of a version, with its contract's <c>init()</c> values.</summary>
    public static SpotFeePolicy ForVersion(SpotVersion version) => version switch
    {
        SpotVersion.V1 or SpotVersion.V2 => new BasicFeeStrategy(),
        SpotVersion.V3 or SpotVersion.V4 => new SubscriptionFeePolicy(),
        SpotVersion.V5 => new DeviationFeePolicy(),
        _ => throw new ArgumentOutOfRangeException(nameof(version), version, "unknown SPOT version"),
    };

    internal static long RequirePerc(long perc, string name)
    {
        if (perc < 0 || perc > One)
        {
            throw new FeePolicyException(FeePolicyException.InvalidPerc, $"{name} = {perc} is outside [0, {One}]");
        }

        return perc;
    }
}

/// <summary>
/// v1/v2 <c>BasicFeeStrategy</c>: flat signed percentages of perp amounts, paid in perp tokens to
/// the perp's own fee reserve. A negative fee is a reward paid out of that reserve, capped at the
/// reserve's balance unless <see cref="AllowDebase"/> (then the shortfall is minted). The deploy
/// task initialised all three percentages to 0; mainnet values are not in the repository.
/// </summary>
public sealed class BasicFeeStrategy : SpotFeePolicy
{
    public override IReadOnlyList<SpotVersion> Versions { get; } = [SpotVersion.V1, SpotVersion.V2];

    /// <summary>Signed mint fee percentage (8 decimals).</summary>
    public long MintFeePerc { get; set; }

    /// <summary>Signed burn fee percentage (8 decimals).</summary>
    public long BurnFeePerc { get; set; }

    /// <summary>Signed rollover fee percentage (8 decimals) of the perp-denominated amount rolled.</summary>
    public long RolloverFeePerc { get; set; }

    /// <summary>Whether a negative fee may exceed the fee reserve (minting the difference).</summary>
    public bool AllowDebase { get; set; }

    /// <summary>
    /// The signed fee in perp tokens for <paramref name="amount"/> perps at <paramref name="perc"/>:
    /// |perc|·amount/100% rounded down, with the sign of perc; a reward is capped at
    /// <paramref name="reserveBalance"/> unless debasement is allowed.
    /// </summary>
    public long ComputeFeeAmount(long amount, long perc, long reserveBalance)
    {
        long absolute = Fixed.MulDiv(Math.Abs(perc), amount, One, Rounding.Floor);
        long fee = Math.Sign(perc) * absolute;
        if (fee >= 0 || AllowDebase)
        {
            return fee;
        }

        return -Math.Min(reserveBalance, absolute);
    }
}

/// <summary>
/// v3/v4 <c>FeePolicy</c> (spot-contracts v3.0.0 <c>be85d76</c> … v4.1.0 <c>8c4f781</c>): the
/// deviation ratio is the subscription ratio vaultTVL·r/(perpTVL·(1000 − r)) over
/// <see cref="TargetSubscriptionRatio"/>; flat mint/burn fees apply on the side that moves DR away
/// from 1; the rollover fee is a sigmoid of DR; vault swap fees are flat with kill-switches on the
/// post-swap DR. Defaults are the contract's <c>init()</c>; swap fees start at 100% (disabled).
/// </summary>
public sealed class SubscriptionFeePolicy : SpotFeePolicy
{
    /// <summary>An independent copy with the same settings (every field is a value).</summary>
    public SubscriptionFeePolicy Clone() => (SubscriptionFeePolicy)MemberwiseClone();

    public override IReadOnlyList<SpotVersion> Versions { get; } = [SpotVersion.V3, SpotVersion.V4];

    /// <summary>Target subscription ratio, default 1.33.</summary>
    public long TargetSubscriptionRatio { get; set; } = One * 133 / 100;

    /// <summary>Below this post-swap DR underlying→perp swaps cost 100%; default 0.75 (spec §4.2).</summary>
    public long DeviationRatioBoundLower { get; set; } = One * 75 / 100;

    /// <summary>Above this post-swap DR perp→underlying swaps cost 100%; default 2.0 (spec §4.2).</summary>
    public long DeviationRatioBoundUpper { get; set; } = 2 * One;

    public long PerpMintFeePercFlat { get; set; }

    public long PerpBurnFeePercFlat { get; set; }

    public long VaultMintFeePercFlat { get; set; }

    public long VaultBurnFeePercFlat { get; set; }

    /// <summary>The vault's share of the underlying→perp swap fee; default 100% (swaps disabled).</summary>
    public long VaultUnderlyingToPerpSwapFeePerc { get; set; } = One;

    /// <summary>The vault's share of the perp→underlying swap fee; default 100% (swaps disabled).</summary>
    public long VaultPerpToUnderlyingSwapFeePerc { get; set; } = One;

    /// <summary>A fixed fee in underlying base units the vault pays its owner on every deploy; default 0.</summary>
    public long VaultDeploymentFee { get; set; }

    /// <summary>Rollover sigmoid lower asymptote, default −1/(30·13) (≈ −3.3%/yr over 13 rollovers).</summary>
    public long RolloverFeeLower { get; set; } = -One / (30 * 13);

    /// <summary>Rollover sigmoid upper asymptote, default 1/(10·13) (≈ +10%/yr).</summary>
    public long RolloverFeeUpper { get; set; } = One / (10 * 13);

    /// <summary>Rollover sigmoid growth, default 5.</summary>
    public long RolloverFeeGrowth { get; set; } = 5 * One;

    /// <summary>DR = (vaultTVL·r).mulDiv(1, perpTVL·(1000 − r)).mulDiv(1, target), rounding down.</summary>
    public Int128 ComputeDeviationRatio(long perpTVL, long vaultTVL, long seniorTR)
    {
        if (perpTVL == 0 || seniorTR >= 1000)
        {
            throw new FeePolicyException(FeePolicyException.DivisionByZero, $"subscription DR with perpTVL {perpTVL}, senior ratio {seniorTR}");
        }

        Int128 sr = Fixed.MulDiv((Int128)vaultTVL * seniorTR, One, (Int128)perpTVL * (1000 - seniorTR), Rounding.Floor);
        return Fixed.MulDiv(sr, One, TargetSubscriptionRatio, Rounding.Floor);
    }

    /// <summary>The perp mint fee: flat when the post-mint DR is at most 1, else 0.</summary>
    public long PerpMintFeePerc(Int128 dr) => dr <= One ? PerpMintFeePercFlat : 0;

    /// <summary>The perp burn fee: flat when the post-burn DR is above 1, else 0.</summary>
    public long PerpBurnFeePerc(Int128 dr) => dr > One ? PerpBurnFeePercFlat : 0;

    /// <summary>The vault mint fee: flat when DR is above 1, else 0.</summary>
    public long VaultMintFeePerc(Int128 dr) => dr > One ? VaultMintFeePercFlat : 0;

    /// <summary>The vault burn fee: flat.</summary>
    public long VaultBurnFeePerc() => VaultBurnFeePercFlat;

    /// <summary>
    /// The signed rollover fee at DR: Sigmoid(dr; lower, upper, growth) at 8 decimals. Positive:
    /// the roller pays the perp (perp enriched); negative: the perp pays the roller.
    /// </summary>
    public long PerpRolloverFeePerc(Int128 dr) =>
        (long)Sigmoid.Compute((BigInteger)dr, RolloverFeeLower, RolloverFeeUpper, RolloverFeeGrowth, One);

    /// <summary>(perp share, vault share) of the underlying→perp swap fee at the post-swap DR.</summary>
    public (long Perp, long Vault) UnderlyingToPerpSwapFeePercs(Int128 dr) =>
        (PerpMintFeePerc(dr), dr < DeviationRatioBoundLower ? One : VaultUnderlyingToPerpSwapFeePerc);

    /// <summary>(perp share, vault share) of the perp→underlying swap fee at the post-swap DR.</summary>
    public (long Perp, long Vault) PerpToUnderlyingSwapFeePercs(Int128 dr) =>
        (PerpBurnFeePerc(dr), dr > DeviationRatioBoundUpper ? One : VaultPerpToUnderlyingSwapFeePerc);
}

/// <summary>
/// v5 <c>FeePolicy</c> (spot-contracts <c>5b29e35</c> and later): the deviation ratio is the
/// system ratio vaultTVL/perpTVL over <see cref="TargetSystemRatio"/>; every mint, burn and swap
/// pays the average of a piecewise-linear fee curve over the DR interval the operation moves
/// through; a daily rebalance moves value between perp and vault; the protocol takes a share.
/// Defaults are the contract's <c>init()</c> values (spec §4.1). Members are virtual so a test
/// double can pin a value, as the contract tests mock the policy.
/// </summary>
public class DeviationFeePolicy : SpotFeePolicy
{
    /// <summary>An independent copy with the same settings and fee lines (every field is a value); a subclass stays that subclass.</summary>
    public DeviationFeePolicy Clone() => (DeviationFeePolicy)MemberwiseClone();

    private FeeLine _down = new(One * 66 / 100, One / 4, One * 95 / 100, 0);
    private FeeLine _up = new(One * 105 / 100, 0, One * 150 / 100, One / 4);

    public override IReadOnlyList<SpotVersion> Versions { get; } = [SpotVersion.V5];

    /// <summary>Target vaultTVL/perpTVL, default 3.0.</summary>
    public long TargetSystemRatio { get; set; } = 3 * One;

    /// <summary>The fee line for operations that lower DR (perp mint, vault redeem, underlying→perp swap).</summary>
    public FeeLine FeeFnDRDown => _down;

    /// <summary>The fee line for operations that raise DR (perp redeem, vault deposit, perp→underlying swap).</summary>
    public FeeLine FeeFnDRUp => _up;

    /// <summary>DR band with no rebalance, default [0.95, 1.05].</summary>
    public PercRange EquilibriumDR { get; set; } = new(One * 95 / 100, One * 105 / 100);

    public long PerpDebasementLag { get; set; } = 30;

    public long PerpEnrichmentLag { get; set; } = 30;

    /// <summary>Daily debasement as a share of perp TVL, default [0.5%, 2.5%].</summary>
    public PercRange PerpDebasementPercLimits { get; set; } = new(One / 200, One / 40);

    /// <summary>Daily enrichment as a share of perp TVL, default [0.5%, 2.5%].</summary>
    public PercRange PerpEnrichmentPercLimits { get; set; } = new(One / 200, One / 40);

    /// <summary>Minimum seconds between vault rebalances, default 86,400.</summary>
    public long RebalanceFreqSec { get; set; } = 86_400;

    /// <summary>Share of perp and note supply minted to the protocol on every rebalance, default 1%.</summary>
    public long ProtocolSharePerc { get; set; } = One / 100;

    /// <summary>
    /// Replaces the fee lines. The down line must be non-increasing with x2 ≤ 1, the up line
    /// non-decreasing with x1 ≥ 1, x1 ≤ x2 on both, and every y at most 100%.
    /// </summary>
    public void UpdateFees(FeeLine down, FeeLine up)
    {
        bool valid = down.X1 <= down.X2 && up.X1 <= up.X2
            && down.X2 <= One && up.X1 >= One
            && down.Y1 >= down.Y2 && up.Y1 <= up.Y2;
        if (!valid)
        {
            throw new FeePolicyException(FeePolicyException.InvalidFees, $"down {down}, up {up}");
        }

        if (down.Y1 > One || down.Y2 > One || up.Y1 > One || up.Y2 > One)
        {
            throw new FeePolicyException(FeePolicyException.InvalidPerc, $"down {down}, up {up}");
        }

        _down = down;
        _up = up;
    }

    /// <summary>DR = vaultTVL.mulDiv(1, perpTVL).mulDiv(1, target) at 8 decimals, rounding down each step.</summary>
    public virtual Int128 ComputeDeviationRatio(Int128 perpTVL, Int128 vaultTVL)
    {
        if (perpTVL == 0)
        {
            throw new FeePolicyException(FeePolicyException.DivisionByZero, "deviation ratio with perp TVL 0");
        }

        return Fixed.MulDiv(Fixed.MulDiv(vaultTVL, One, perpTVL, Rounding.Floor), One, TargetSystemRatio, Rounding.Floor);
    }

    /// <summary>
    /// The fee for an operation that moves DR from <paramref name="drPre"/> to
    /// <paramref name="drPost"/>: when DR falls, the down line below its x2 and flat at its y2
    /// above, averaged over [drPost, drPre]; otherwise flat at the up line's y1 below its x1 and
    /// the up line above, averaged over [drPre, drPost]. Negative results revert (SafeCast).
    /// </summary>
    public virtual Int128 ComputeFeePerc(Int128 drPre, Int128 drPost)
    {
        BigInteger fee;
        if (drPre > drPost)
        {
            var flat = new FeeLine(One, _down.Y2, _down.X2, _down.Y2);
            fee = LineMath.PiecewiseAverageY(_down, flat, (BigInteger)drPost, (BigInteger)drPre, _down.X2);
        }
        else
        {
            var flat = new FeeLine(One, _up.Y1, _up.X1, _up.Y1);
            fee = LineMath.PiecewiseAverageY(flat, _up, (BigInteger)drPre, (BigInteger)drPost, _up.X1);
        }

        if (fee.Sign < 0)
        {
            throw new FeePolicyException(FeePolicyException.ValueOutOfRange, $"fee {fee} is negative (SafeCast)");
        }

        return (Int128)fee;
    }

    /// <summary>
    /// The underlying value to move into the perp on a rebalance (negative: out of the perp into
    /// the vault). Zero inside <see cref="EquilibriumDR"/>; otherwise the gap to
    /// (perpTVL + vaultTVL)/(1 + target) divided by the lag (integer division), clipped to the
    /// percentage limits of perp TVL and never past equilibrium.
    /// </summary>
    public virtual Int128 ComputeRebalanceAmount(Int128 perpTVL, Int128 vaultTVL)
    {
        Int128 dr = ComputeDeviationRatio(perpTVL, vaultTVL);
        if (dr >= EquilibriumDR.Lower && dr <= EquilibriumDR.Upper)
        {
            return 0;
        }

        Int128 reqPerpTVL = Fixed.MulDiv(perpTVL + vaultTVL, One, One + TargetSystemRatio, Rounding.Floor);
        Int128 req = reqPerpTVL - perpTVL;
        if (req < 0)
        {
            Int128 moved = Clip(
                Int128.Abs(req) / PerpDebasementLag,
                Fixed.MulDiv(perpTVL, PerpDebasementPercLimits.Lower, One, Rounding.Floor),
                Fixed.MulDiv(perpTVL, PerpDebasementPercLimits.Upper, One, Rounding.Floor));
            return Int128.Max(-moved, req);
        }

        if (req > 0)
        {
            Int128 moved = Clip(
                req / PerpEnrichmentLag,
                Fixed.MulDiv(perpTVL, PerpEnrichmentPercLimits.Lower, One, Rounding.Floor),
                Fixed.MulDiv(perpTVL, PerpEnrichmentPercLimits.Upper, One, Rounding.Floor));
            return Int128.Min(moved, req);
        }

        return 0;
    }

    private static Int128 Clip(Int128 value, Int128 lower, Int128 upper) => Int128.Min(Int128.Max(value, lower), upper);
}
