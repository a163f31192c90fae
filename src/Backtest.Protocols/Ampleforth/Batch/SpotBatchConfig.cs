using Backtest.Numerics;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Policy;
using Backtest.Protocols.Ampleforth.Spot;

namespace Backtest.Protocols.Ampleforth.Batch;

/// <summary>
/// When each day's transactions happen. Day n (n ≥ 0) starts at <see cref="Origin"/> + n days,
/// 00:00 UTC. The AMPL rebase runs one second into the policy's rebase window; the keeper step
/// (bond issue, agent flows, recover, deploy, rebalance) at <see cref="KeeperOffsetSec"/> plus
/// <see cref="KeeperDriftSec"/> per day since the origin, so that each rebalance comes strictly
/// more than a day after the last, which the vault's <c>now &gt; last + 86,400</c> requires.
/// </summary>
public sealed record SpotSchedule(DateOnly Origin, long KeeperOffsetSec = SpotSchedule.DefaultKeeperOffsetSec, long KeeperDriftSec = 1)
{
    /// <summary>03:01 UTC: a minute after the mainnet issue window (Wednesday 03:00) opens, after the 02:00 rebase.</summary>
    public const long DefaultKeeperOffsetSec = 10_860;

    private const long Day = 86_400;

    /// <summary>1970-01-01 as a <see cref="DateOnly.DayNumber"/>.</summary>
    private const int UnixEpochDayNumber = 719_162;

    /// <summary>Unix seconds at 00:00 UTC of day <paramref name="day"/>.</summary>
    public long DayStart(int day) => (Origin.DayNumber - UnixEpochDayNumber + (long)day) * Day;

    /// <summary>The rebase time of a day: one second after the policy's window opens.</summary>
    public long RebaseTime(int day, PolicyParameters policy) => DayStart(day) + policy.RebaseWindowOffsetSec + 1;

    /// <summary>The keeper time of a day.</summary>
    public long KeeperTime(int day) => DayStart(day) + KeeperOffsetSec + (day * KeeperDriftSec);

    /// <summary>Checks that every day up to <paramref name="lastDay"/> keeps its rebase before its keeper step and inside its own day.</summary>
    public void Validate(PolicyParameters policy, int lastDay)
    {
        if (policy.MinRebaseTimeIntervalSec != Day)
        {
            throw new ArgumentException($"the daily schedule needs a daily policy; its interval is {policy.MinRebaseTimeIntervalSec} s", nameof(policy));
        }

        if (policy.RebaseWindowLengthSec < 2)
        {
            throw new ArgumentException($"the rebase window of {policy.RebaseWindowLengthSec} s has no room one second after it opens", nameof(policy));
        }

        if (KeeperDriftSec < 0 || KeeperOffsetSec <= policy.RebaseWindowOffsetSec + 1)
        {
            throw new ArgumentException($"the keeper step at {KeeperOffsetSec} s (+{KeeperDriftSec} s/day) must follow the rebase at {policy.RebaseWindowOffsetSec + 1} s", nameof(KeeperOffsetSec));
        }

        if (KeeperOffsetSec + (lastDay * KeeperDriftSec) >= Day)
        {
            throw new ArgumentException($"by day {lastDay} the keeper step drifts past the end of its day", nameof(KeeperDriftSec));
        }
    }
}

/// <summary>
/// How a system is seeded before its first day (all under zero fees, no rebalance and no
/// protocol share, then the configured fee policy takes over): the holder tranches
/// <see cref="PerpSeedAmpl"/> AMPL and mints perps with the seniors; deposits
/// <see cref="VaultDeposit"/> AMPL into the vault; then, on each of the first
/// <see cref="Weeks"/> bond-issue days, swaps <see cref="SwapPerWeek"/> AMPL for perps through
/// the vault (which tranches the AMPL it needs and keeps the juniors). The seed runs day by day
/// at a flat price (market = target), so the reserve spreads over as many bonds as mainnet's.
/// <see cref="AtDeviationRatioOne"/> picks amounts that put DR at 1.
/// </summary>
public sealed record SpotSeed(long InitialAmplSupply, long PerpSeedAmpl, long VaultDeposit, long SwapPerWeek, int Weeks)
{
    /// <summary>
    /// A seed whose perp ends with <paramref name="perpTvl"/> of value (a tenth from the holder's
    /// own mint, the rest swapped over <paramref name="weeks"/> weeks) and whose vault is worth
    /// the perp's value times the version's target ratio (v5: <c>TargetSystemRatio</c>; v3/v4:
    /// <c>TargetSubscriptionRatio</c>·(1000 − r)/r), so DR = 1 before the first rebase.
    /// </summary>
    public static SpotSeed AtDeviationRatioOne(SpotVersion version, SpotFeePolicy policy, int seniorRatio, long perpTvl, long initialAmplSupply = 50_000_000L * Fixed.One, int weeks = 4)
    {
        long fromMint = perpTvl / 10;
        long perpSeedAmpl = Math.Max(BondController.MinimumValidDebt, Fixed.MulDiv(fromMint, BondController.TrancheRatioGranularity, seniorRatio, Rounding.Ceiling));
        long minted = Fixed.MulDiv(perpSeedAmpl, seniorRatio, BondController.TrancheRatioGranularity, Rounding.Floor);
        long swapped = Math.Max(0, perpTvl - minted);
        long vault = version == SpotVersion.V5
            ? Fixed.MulDiv(perpTvl, ((DeviationFeePolicy)policy).TargetSystemRatio, SpotFeePolicy.One, Rounding.Floor)
            : Fixed.MulDiv(Fixed.MulDiv(perpTvl, ((SubscriptionFeePolicy)policy).TargetSubscriptionRatio, SpotFeePolicy.One, Rounding.Floor), BondController.TrancheRatioGranularity - seniorRatio, seniorRatio, Rounding.Floor);
        return new SpotSeed(initialAmplSupply, perpSeedAmpl, vault, swapped / weeks, weeks);
    }
}

/// <summary>The perp's keeper-set parameters; null leaves the version's <c>init()</c> value.</summary>
public sealed record SpotPerpSettings(
    long? MinTrancheMaturitySec = null,
    long? MaxTrancheMaturitySec = null,
    long MaxSupply = long.MaxValue,
    long MaxMintAmtPerTranche = long.MaxValue,
    long MaxDepositTrancheValuePerc = SpotFeePolicy.One);

/// <summary>The vault's keeper-set liquidity parameters (all 0 at <c>init()</c>).</summary>
public sealed record SpotVaultSettings(
    long MinDeploymentAmt = 0,
    long ReservedUnderlyingBal = 0,
    long ReservedUnderlyingPerc = 0,
    long ReservedSubscriptionPerc = 0);

/// <summary>
/// Everything that fixes a SPOT system's rules for the batch simulator and its reference, the
/// contract model driven day by day (<see cref="SpotSystem"/>): the SPOT version (v3, v4 or v5),
/// the AMPL policy, the bond issuer, the fee policy (copied at construction; later changes to
/// the object have no effect), the perp's and the vault's settings, the daily schedule and the seed.
/// </summary>
public sealed record SpotBatchConfig(
    SpotVersion Version,
    PolicyParameters Policy,
    BondIssuerConfig Issuer,
    SpotFeePolicy FeePolicy,
    SpotSchedule Schedule,
    SpotSeed Seed,
    SpotPerpSettings? Perp = null,
    SpotVaultSettings? Vault = null)
{
    /// <summary>The perp settings in force (the defaults when none were given).</summary>
    public SpotPerpSettings PerpSettings => Perp ?? new SpotPerpSettings();

    /// <summary>The vault settings in force (the defaults when none were given).</summary>
    public SpotVaultSettings VaultSettings => Vault ?? new SpotVaultSettings();

    /// <summary>
    /// The mainnet rules at <paramref name="origin"/>: the AMPL policy era in force then, 28-day
    /// 25/75 bonds issued weekly, the version's fee policy with its <c>init()</c> values, and a
    /// seed of <paramref name="perpTvl"/> at DR = 1.
    /// </summary>
    public static SpotBatchConfig Mainnet(SpotVersion version, DateOnly origin, long perpTvl)
    {
        var policy = SpotFeePolicy.ForVersion(version);
        var ratios = BondIssuerConfig.Ratios25x75;
        var era = AmplPolicyTimeline.Mainnet.At(new DateTimeOffset(origin.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        return new SpotBatchConfig(
            version,
            era.Parameters,
            BondIssuerConfig.Mainnet(ratios),
            policy,
            new SpotSchedule(origin),
            SpotSeed.AtDeviationRatioOne(version, policy, ratios[0], perpTvl));
    }
}
