namespace Backtest.Protocols.Saffron;

/// <summary>Parameters of a Saffron pool epoch.</summary>
public sealed record SaffronPoolOptions
{
    /// <summary>A's interest multiplier m (pairing A = AA/m): 10 in the note and v1, 3 in v0.</summary>
    public int TrancheAMultiplier { get; init; } = 10;

    /// <summary>Start of epoch 0, unix seconds (v1: 1604239200, 2020-11-01 14:00 UTC).</summary>
    public long EpochStart { get; init; } = 1_604_239_200;

    /// <summary>Epoch length in seconds (v1: 14 days = 1,209,600 s).</summary>
    public long EpochDuration { get; init; } = 1_209_600;

    /// <summary>The epoch this pool takes deposits in (v1: epoch 1 only).</summary>
    public int Epoch { get; init; } = 1;

    /// <summary>Whether AA deposits are accepted (the note's three-tranche model); v1 refuses them.</summary>
    public bool AcceptsAA { get; init; } = true;

    /// <summary>How epoch interest is divided.</summary>
    public InterestSplitRule InterestSplit { get; init; } = InterestSplitRule.Exact;

    /// <summary>How consumed S capital splits between utilized and unutilized.</summary>
    public ConsumptionSplit ConsumptionSplit { get; init; } = ConsumptionSplit.Contract;

    /// <summary>An A deposit locks ⌊deposit/ratio⌋ SFI, returned on removal (v1: 1000, v1.2: 500).</summary>
    public int SfiRatio { get; init; } = 1000;

    /// <summary>SFI reward multipliers per 100000 (v1: S 95000, AA 0, A 5000).</summary>
    public TrancheAmounts SfiMultipliers { get; init; } = new(95_000, 0, 5_000);

    /// <summary>The 2020-11-10 note's model: three tranches, one rounding per interest share.</summary>
    public static SaffronPoolOptions NoteModel { get; } = new();

    /// <summary>The deployed v1 pool (epoch 1): S and A only, the contract's truncated interest ratio.</summary>
    public static SaffronPoolOptions ContractV1 { get; } = new() { AcceptsAA = false, InterestSplit = InterestSplitRule.ContractV1 };
}

/// <summary>
/// An LP's holding in one tranche: principal tokens (1:1 with the deposit), dsec tokens
/// (deposit × seconds left in the epoch) and, for A, the SFI it locked.
/// </summary>
public readonly record struct SaffronPosition(SaffronTranche Tranche, Int128 Principal, Int128 Dsec, Int128 SfiLocked);

/// <summary>What removing a position pays back after the wind-down.</summary>
public readonly record struct SaffronRedemption(Int128 Principal, Int128 Interest, Int128 Sfi, Int128 SfiUnlocked);

/// <summary>
/// One epoch of a Saffron pool: deposits into S, AA and A balanced by S's free capital, the
/// dsec each earns, the strategy deploying capital, the epoch-end wind-down that divides the
/// interest and SFI, and removals paying principal 1:1 plus the position's share. Amounts are
/// raw units (e.g. DAI wei). There is no principal loss waterfall: as in v1, tranching applies
/// to interest only.
/// </summary>
public sealed class SaffronPool(SaffronPoolOptions options)
{
    private TrancheClaims[]? claims;

    public SaffronPoolOptions Options { get; } = options;

    /// <summary>Capital and S's virtual balances.</summary>
    public SaffronBalances Balances { get; private set; }

    /// <summary>Deposit-seconds per tranche.</summary>
    public TrancheAmounts Dsec { get; private set; }

    /// <summary>Principal outstanding per tranche (deposits not yet removed).</summary>
    public TrancheAmounts Principal { get; private set; }

    /// <summary>S's virtual dsec: S capital consumed for A deposits × seconds left (S's share of the AA side of a pair).</summary>
    public Int128 VirtualDsecAA { get; private set; }

    /// <summary>S's virtual dsec: S capital consumed for AA deposits × seconds left.</summary>
    public Int128 VirtualDsecA { get; private set; }

    /// <summary>SFI locked by A deposits and not yet returned.</summary>
    public Int128 SfiLocked { get; private set; }

    /// <summary>Whether governance shut the pool down (no more deposits).</summary>
    public bool IsShutDown { get; private set; }

    /// <summary>Interest per tranche set at wind-down (zero before).</summary>
    public TrancheAmounts Interest { get; private set; }

    /// <summary>SFI rewards per tranche set at wind-down (zero before).</summary>
    public TrancheAmounts SfiRewards { get; private set; }

    /// <summary>Whether the epoch was wound down.</summary>
    public bool IsWoundDown => claims is not null;

    /// <summary>⌊(t − start)/duration⌋ (<c>get_current_epoch</c>).</summary>
    public long CurrentEpoch(long timestamp) => (timestamp - Options.EpochStart) / Options.EpochDuration;

    /// <summary>Seconds from <paramref name="timestamp"/> to the end of the pool's epoch (<c>get_seconds_until_epoch_end</c>).</summary>
    public long SecondsUntilEpochEnd(long timestamp) => SecondsUntilEpochEnd(Options.Epoch, timestamp);

    /// <summary>Seconds from <paramref name="timestamp"/> to the end of <paramref name="epoch"/>: start + (epoch + 1)·duration − t.</summary>
    public long SecondsUntilEpochEnd(long epoch, long timestamp) => Options.EpochStart + ((epoch + 1) * Options.EpochDuration) - timestamp;

    /// <summary>Refuses deposits the way v1's <c>add_liquidity</c> does (shut down, AA, zero, wrong epoch).</summary>
    public void EnsureCanAdd(SaffronTranche tranche, Int128 amount, long timestamp)
    {
        if (IsShutDown)
        {
            throw new SaffronException(SaffronException.PoolShutdown, "the pool is shut down");
        }

        if (tranche == SaffronTranche.AA && !Options.AcceptsAA)
        {
            throw new SaffronException(SaffronException.NoAATranche, $"AA deposit of {amount}");
        }

        if (amount <= 0)
        {
            throw new SaffronException(SaffronException.ZeroAmount, $"amount {amount}");
        }

        if (timestamp < Options.EpochStart || CurrentEpoch(timestamp) != Options.Epoch)
        {
            throw new SaffronException(SaffronException.WrongEpoch(Options.Epoch), $"time {timestamp} is in epoch {CurrentEpoch(timestamp)}, the pool takes epoch {Options.Epoch}");
        }
    }

    /// <summary>
    /// Deposits <paramref name="amount"/> into <paramref name="tranche"/> at <paramref name="timestamp"/>.
    /// The accepted part earns dsec = deposit × seconds left in the epoch; the paired S capital
    /// earns S virtual dsec likewise; the remainder (change) is returned. An A deposit locks
    /// ⌊deposit/SFI ratio⌋ SFI. A deposit with no capacity succeeds with 0 accepted, as in v1.
    /// </summary>
    public (SaffronPosition Position, BalancingResult Result) AddLiquidity(SaffronTranche tranche, Int128 amount, long timestamp)
    {
        EnsureCanAdd(tranche, amount, timestamp);
        var (after, result) = SaffronBalancing.AddLiquidity(Balances, tranche, amount, Options.TrancheAMultiplier, Options.ConsumptionSplit);
        long seconds = SecondsUntilEpochEnd(timestamp);
        Int128 dsec = result.Deposit * seconds;
        Int128 sfi = tranche == SaffronTranche.A ? result.Deposit / Options.SfiRatio : 0;
        Balances = after;
        Dsec = Dsec.With(tranche, Dsec[tranche] + dsec);
        Principal = Principal.With(tranche, Principal[tranche] + result.Deposit);
        SfiLocked += sfi;
        if (tranche == SaffronTranche.A)
        {
            VirtualDsecAA += result.Consumed * seconds;
        }
        else if (tranche == SaffronTranche.AA)
        {
            VirtualDsecA += result.Consumed * seconds;
        }

        return (new SaffronPosition(tranche, result.Deposit, dsec, sfi), result);
    }

    /// <summary>The strategy deploys all unutilized capital (<c>hourly_strategy</c>).</summary>
    public void DeployCapital() => Balances = SaffronBalancing.DeployAll(Balances);

    /// <summary>Governance stops deposits.</summary>
    public void ShutDown() => IsShutDown = true;

    /// <summary>
    /// Ends the epoch (<c>wind_down_epoch</c>) once it is over: divides the interest the lending
    /// platform paid, <paramref name="epochInterest"/>, and the SFI reward, <paramref name="sfiAmount"/>,
    /// among the tranches, and opens redemptions.
    /// </summary>
    public TrancheAmounts WindDown(long timestamp, Int128 epochInterest, Int128 sfiAmount)
    {
        if (IsWoundDown)
        {
            throw new SaffronException(SaffronException.AlreadyWoundDown, $"epoch {Options.Epoch}");
        }

        if (SecondsUntilEpochEnd(timestamp) > 0)
        {
            throw new SaffronException(SaffronException.EpochNotOver, $"{SecondsUntilEpochEnd(timestamp)} s of epoch {Options.Epoch} left");
        }

        Interest = SaffronInterest.Split(epochInterest, Dsec, Options.TrancheAMultiplier, Options.InterestSplit);
        SfiRewards = SaffronInterest.SplitSfi(sfiAmount, Options.SfiMultipliers);
        claims = [.. Enum.GetValues<SaffronTranche>().Select(t => new TrancheClaims(Dsec[t], Interest[t], SfiRewards[t]))];
        return Interest;
    }

    /// <summary>
    /// Removes a position after the wind-down: principal 1:1, its dsec's share of the tranche's
    /// remaining interest and SFI, and for A the SFI it locked.
    /// </summary>
    public SaffronRedemption RemoveLiquidity(SaffronPosition position)
    {
        CheckRemoval(position);
        var payout = claims![(int)position.Tranche].Redeem(position.Dsec);
        Principal = Principal.With(position.Tranche, Principal[position.Tranche] - position.Principal);
        SfiLocked -= position.SfiLocked;
        return new SaffronRedemption(position.Principal, payout.Interest, payout.Sfi, position.SfiLocked);
    }

    /// <summary>
    /// What <see cref="RemoveLiquidity"/> of <paramref name="position"/> would pay now, changing
    /// nothing (the payout the adapter must then deliver); refused for the same reasons.
    /// </summary>
    public SaffronRedemption PreviewRemoval(SaffronPosition position)
    {
        CheckRemoval(position);
        var payout = claims![(int)position.Tranche].Preview(position.Dsec);
        return new SaffronRedemption(position.Principal, payout.Interest, payout.Sfi, position.SfiLocked);
    }

    private void CheckRemoval(SaffronPosition position)
    {
        if (claims is null)
        {
            throw new SaffronException(SaffronException.NotWoundDown, $"epoch {Options.Epoch} is still running");
        }

        if (position.Principal > Principal[position.Tranche] || position.SfiLocked > SfiLocked)
        {
            throw new SaffronException(SaffronException.InsufficientTokens, $"position {position} exceeds what the tranche holds");
        }
    }
}
