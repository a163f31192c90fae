using Backtest.Numerics;

namespace Backtest.Protocols.Waterfall;

/// <summary>Why the vault is paused; several causes can hold at once.</summary>
[Flags]
public enum PauseCause
{
    None = 0,

    /// <summary>The admin paused it.</summary>
    Admin = 1,

    /// <summary>One loss took more than the single-loss share of some tranche's capital.</summary>
    SingleLossBreaker = 2,

    /// <summary>Losses within the rolling window exceeded the window share of capital.</summary>
    WindowLossBreaker = 4,

    /// <summary>After a loss, total capital fell below the coverage sold.</summary>
    Undercollateralized = 8,
}

/// <summary>Who may do what.</summary>
public sealed record WaterfallRoles(string Admin, string ClaimsProcessor, string PolicyFactory);

/// <summary>One lot of tranche tokens, minted by one deposit, redeemable from <paramref name="UnlocksAt"/> on.</summary>
public readonly record struct TokenLot(string Account, Tranche Tranche, long Tokens, long UnlocksAt);

/// <summary>What one premium distribution did: amounts per tranche senior first.</summary>
public sealed record PremiumDistribution(long Premium, long Utilization, long ElapsedSeconds, IReadOnlyList<long> Paid, long ToReserve);

/// <summary>What one loss did: amounts absorbed per tranche senior first, the unabsorbed shortfall, the breakers it tripped.</summary>
public sealed record LossAbsorption(long Loss, IReadOnlyList<long> Absorbed, long Shortfall, PauseCause Tripped);

/// <summary>
/// Seed 003's six-tier vault, as the seed specifies it rather than as the reference contracts
/// implement it (docs/models/waterfall.md lists the differences). A tranche's capital includes
/// the premiums paid to it; its tokens are claims on that capital at NAV = capital / supply.
/// <list type="bullet">
/// <item>Premiums are paid senior first: each tranche is due capital · APY(U) · Δt / year, with U
/// taken once before the distribution and Δt the time since the last distribution; what no
/// tranche is due goes to the protocol reserve.</item>
/// <item>Losses are taken junior first, each tranche losing min(capital, what is left); what no
/// tranche can absorb is shortfall. With capital in the seed's allocation this is exactly the
/// loss ranges 0–10/10–22/22–37/37–55/55–75/75–100%.</item>
/// <item>Breakers pause (never reject a loss): a single loss taking more than 20% of some
/// tranche's capital; losses over the rolling 24 h above 10% of the capital they were taken
/// from (capital now plus what the window's losses took); capital below coverage sold.</item>
/// </list>
/// All amounts are <see cref="Fixed"/> nano-units; token amounts too (1 token = 1 at NAV 1).
/// Every division rounds down, in the vault's favour. Time is in seconds and must not go back.
/// </summary>
public sealed class WaterfallVault
{
    private readonly RateTable[] _apy;
    private readonly long[] _capital = new long[Tranches.Count];
    private readonly long[] _supply = new long[Tranches.Count];
    private readonly long[] _premiumsPaid = new long[Tranches.Count];
    private readonly long[] _lossesAbsorbed = new long[Tranches.Count];
    private readonly Dictionary<(string Account, Tranche Tranche), List<TokenLot>> _lots = [];
    private readonly Queue<(long Time, long Claimed, long Absorbed)> _window = new();
    private long _clock;
    private long _lastAccrual;

    public WaterfallVault(WaterfallConfig config, WaterfallRoles roles, long createdAt)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(roles);
        config.Validate();
        Config = config;
        Roles = roles;
        _apy = config.Tranches.Select(t => RateTable.For(t.Curve, 1)).ToArray();
        _clock = createdAt;
        _lastAccrual = createdAt;
    }

    public WaterfallConfig Config { get; }

    public WaterfallRoles Roles { get; }

    /// <summary>total_capital as stored (invariant 1 checks it against the tranches).</summary>
    public long TotalCapital { get; private set; }

    /// <summary>Outstanding coverage obligations.</summary>
    public long CoverageSold { get; private set; }

    /// <summary>All premiums the policy factory has paid in.</summary>
    public long PremiumsCollected { get; private set; }

    /// <summary>Premiums paid to tranches (Σ over tranches).</summary>
    public long PremiumsDistributed { get; private set; }

    /// <summary>Premiums no tranche was due, kept outside the tranches.</summary>
    public long ProtocolReserve { get; private set; }

    /// <summary>All deposits.</summary>
    public long TotalDeposited { get; private set; }

    /// <summary>All withdrawal payouts.</summary>
    public long TotalWithdrawn { get; private set; }

    /// <summary>Losses claimed (absorbed plus shortfall).</summary>
    public long LossesClaimed { get; private set; }

    /// <summary>Loss no tranche could absorb (insolvency), accumulated.</summary>
    public long Shortfall { get; private set; }

    public bool Paused => PauseCauses != PauseCause.None;

    public PauseCause PauseCauses { get; private set; }

    /// <summary>The time of the latest operation.</summary>
    public long Clock => _clock;

    /// <summary>U = min(1, coverage / capital) in 2^−32 units.</summary>
    public long Utilization => Waterfall.Utilization.FromCapital(CoverageSold, TotalCapital);

    public long CapitalOf(Tranche tranche) => _capital[IndexOf(tranche)];

    public long SupplyOf(Tranche tranche) => _supply[IndexOf(tranche)];

    /// <summary>Premiums paid to the tranche so far.</summary>
    public long PremiumsPaidTo(Tranche tranche) => _premiumsPaid[IndexOf(tranche)];

    /// <summary>Loss the tranche has absorbed so far.</summary>
    public long LossesAbsorbedBy(Tranche tranche) => _lossesAbsorbed[IndexOf(tranche)];

    /// <summary>The tranche's APY at the current utilization, in 2^−42 per year.</summary>
    public long CurrentApy(Tranche tranche) => _apy[IndexOf(tranche)].Evaluate(Utilization);

    /// <summary>The APY table of a tranche (per year).</summary>
    public RateTable ApyTable(Tranche tranche) => _apy[IndexOf(tranche)];

    /// <summary>Every outstanding token lot.</summary>
    public IEnumerable<TokenLot> Lots => _lots.Values.SelectMany(l => l);

    /// <summary>Tokens an account holds in a tranche, locked or not.</summary>
    public long BalanceOf(string account, Tranche tranche) =>
        _lots.TryGetValue((account, tranche), out var lots) ? lots.Sum(l => l.Tokens) : 0;

    /// <summary>Tokens an account could redeem at <paramref name="now"/>.</summary>
    public long UnlockedBalanceOf(string account, Tranche tranche, long now) =>
        _lots.TryGetValue((account, tranche), out var lots) ? lots.Where(l => l.UnlocksAt <= now).Sum(l => l.Tokens) : 0;

    /// <summary>
    /// Deposits <paramref name="amount"/> into a tranche and mints tokens at NAV:
    /// amount · supply / capital rounded down (1:1 into an empty tranche). The tokens form a lot
    /// locked for the tranche's lock-up.
    /// </summary>
    /// <returns>Tokens minted.</returns>
    public long Deposit(string account, Tranche tranche, long amount, long now)
    {
        Observe(now);
        RefuseWhilePaused("deposit");
        int i = IndexOf(tranche);
        if (amount < Config.MinimumDeposit)
        {
            throw new DepositBelowMinimumException(amount, Config.MinimumDeposit);
        }

        if (_supply[i] > 0 && _capital[i] == 0)
        {
            throw new TrancheWipedOutException(tranche, _supply[i]);
        }

        long tokens = _supply[i] == 0 ? amount : Fixed.MulDiv(amount, _supply[i], _capital[i], Rounding.Floor);
        if (tokens == 0)
        {
            throw new InvalidAmountException($"a deposit of {Fixed.Format(amount)} mints no {Tranches.Name(tranche)} tokens at the current NAV");
        }

        _capital[i] = Fixed.Add(_capital[i], amount);
        _supply[i] = Fixed.Add(_supply[i], tokens);
        TotalCapital = Fixed.Add(TotalCapital, amount);
        TotalDeposited = Fixed.Add(TotalDeposited, amount);
        var key = (account, tranche);
        if (!_lots.TryGetValue(key, out var lots))
        {
            _lots[key] = lots = [];
        }

        lots.Add(new TokenLot(account, tranche, tokens, Fixed.Add(now, Config.Tranches[i].LockSeconds)));
        _clock = now;
        return tokens;
    }

    /// <summary>
    /// Burns unlocked tokens (oldest lots first) and pays tokens · capital / supply, rounded
    /// down. Refused (<see cref="WithdrawRefusal"/>) while paused, for tokens not held or still
    /// locked, or if it would leave capital below the coverage sold.
    /// </summary>
    /// <returns>The payout.</returns>
    public long Withdraw(string account, Tranche tranche, long tokens, long now)
    {
        var refusal = WithdrawRefusal(account, tranche, tokens, now);
        if (refusal is not null)
        {
            throw refusal;
        }

        int i = IndexOf(tranche);
        var lots = _lots[(account, tranche)];
        long payout = Fixed.MulDiv(tokens, _capital[i], _supply[i], Rounding.Floor);
        BurnUnlocked(lots, tokens, now);
        if (lots.Count == 0)
        {
            _lots.Remove((account, tranche));
        }

        _capital[i] -= payout;
        _supply[i] -= tokens;
        TotalCapital -= payout;
        TotalWithdrawn = Fixed.Add(TotalWithdrawn, payout);
        _clock = now;
        return payout;
    }

    /// <summary>
    /// The refusal <see cref="Withdraw"/> would raise for these arguments now, unthrown, or null if
    /// it would pay; changes nothing. Lets a caller that retries refused withdrawals every day ask
    /// without the cost of an exception each time.
    /// </summary>
    public WaterfallException? WithdrawRefusal(string account, Tranche tranche, long tokens, long now)
    {
        Observe(now);
        if (Paused)
        {
            return new VaultPausedException("withdraw", PauseCauses);
        }

        if (!Tranches.IsValid(tranche))
        {
            return new InvalidTrancheException((int)tranche);
        }

        if (tokens <= 0)
        {
            return new InvalidAmountException($"cannot redeem {tokens} tokens");
        }

        int i = Tranches.Index(tranche);
        var lots = _lots.GetValueOrDefault((account, tranche)) ?? [];
        long held = lots.Sum(l => l.Tokens);
        if (held < tokens)
        {
            return new InsufficientBalanceException(account, tranche, tokens, held);
        }

        long unlocked = lots.Where(l => l.UnlocksAt <= now).Sum(l => l.Tokens);
        if (unlocked < tokens)
        {
            return new LockupActiveException(account, tranche, tokens, unlocked, TimeUnlocking(lots, tokens));
        }

        long payout = Fixed.MulDiv(tokens, _capital[i], _supply[i], Rounding.Floor);
        return TotalCapital - payout < CoverageSold ? new InsufficientCollateralException("withdraw", TotalCapital - payout, CoverageSold) : null;
    }

    /// <summary>
    /// Takes in a premium and pays it senior first. Each tranche is due
    /// capital · APY(U) · Δt / year rounded down (APY from its curve at the U before the
    /// distribution, Δt the seconds since the previous distribution or since creation) and gets
    /// min(due, what is left); the rest goes to the protocol reserve. Allowed while paused.
    /// </summary>
    public PremiumDistribution DistributePremiums(string caller, long amount, long now)
    {
        Require(caller, WaterfallRole.PolicyFactory, "distribute_premiums");
        if (amount <= 0)
        {
            throw new InvalidAmountException($"premium must be positive, got {Fixed.Format(amount)}");
        }

        Observe(now);
        long elapsed = now - _lastAccrual;
        long u = Utilization;
        long remaining = amount;
        var paid = new long[Tranches.Count];
        var capitalAfter = (long[])_capital.Clone();
        var premiumsAfter = (long[])_premiumsPaid.Clone();
        for (int i = 0; i < Tranches.Count && remaining > 0; i++)
        {
            long due = Due(_capital[i], _apy[i].Evaluate(u), elapsed);
            paid[i] = Math.Min(due, remaining);
            remaining -= paid[i];
            capitalAfter[i] = Fixed.Add(capitalAfter[i], paid[i]);
            premiumsAfter[i] = Fixed.Add(premiumsAfter[i], paid[i]);
        }

        long totalAfter = Fixed.Add(TotalCapital, amount - remaining);
        long collectedAfter = Fixed.Add(PremiumsCollected, amount);
        long distributedAfter = Fixed.Add(PremiumsDistributed, amount - remaining);
        long reserveAfter = Fixed.Add(ProtocolReserve, remaining);

        capitalAfter.CopyTo(_capital, 0);
        premiumsAfter.CopyTo(_premiumsPaid, 0);
        TotalCapital = totalAfter;
        PremiumsCollected = collectedAfter;
        PremiumsDistributed = distributedAfter;
        ProtocolReserve = reserveAfter;
        _lastAccrual = now;
        _clock = now;
        return new PremiumDistribution(amount, u, elapsed, paid, remaining);
    }

    /// <summary>
    /// Takes a claim junior first (SURE-EQT first); what no tranche can absorb adds to
    /// <see cref="Shortfall"/>. Never refused for its size: a breaker pauses the vault instead.
    /// </summary>
    public LossAbsorption AbsorbLoss(string caller, long amount, long now)
    {
        Require(caller, WaterfallRole.ClaimsProcessor, "absorb_loss");
        if (amount <= 0)
        {
            throw new InvalidAmountException($"loss must be positive, got {Fixed.Format(amount)}");
        }

        Observe(now);
        long claimedAfter = Fixed.Add(LossesClaimed, amount);
        _clock = now;
        var absorbed = new long[Tranches.Count];
        long remaining = amount;
        var tripped = PauseCause.None;
        for (int i = Tranches.Count - 1; i >= 0 && remaining > 0; i--)
        {
            long take = Math.Min(_capital[i], remaining);
            if ((Int128)take * 10_000 > (Int128)_capital[i] * Config.SingleLossBreakerBps)
            {
                tripped |= PauseCause.SingleLossBreaker;
            }

            absorbed[i] = take;
            _capital[i] -= take;
            _lossesAbsorbed[i] += take;
            remaining -= take;
        }

        TotalCapital -= amount - remaining;
        Shortfall += remaining;
        LossesClaimed = claimedAfter;

        _window.Enqueue((now, amount, amount - remaining));
        while (_window.Peek().Time <= now - Config.LossWindowSeconds)
        {
            _window.Dequeue();
        }

        if (WindowLossTripped())
        {
            tripped |= PauseCause.WindowLossBreaker;
        }

        if (TotalCapital < CoverageSold)
        {
            tripped |= PauseCause.Undercollateralized;
        }

        PauseCauses |= tripped;
        return new LossAbsorption(amount, absorbed, remaining, tripped);
    }

    /// <summary>Losses claimed within the rolling window ending at the latest loss.</summary>
    public long WindowLosses => _window.Sum(w => w.Claimed);

    /// <summary>
    /// Records coverage sold by the policy factory; refused while paused or if capital would not
    /// cover it (invariant 4).
    /// </summary>
    public void SellCoverage(string caller, long amount, long now)
    {
        Require(caller, WaterfallRole.PolicyFactory, "sell_coverage");
        if (amount <= 0)
        {
            throw new InvalidAmountException($"coverage must be positive, got {Fixed.Format(amount)}");
        }

        Observe(now);
        RefuseWhilePaused("sell_coverage");
        long after = Fixed.Add(CoverageSold, amount);
        if (TotalCapital < after)
        {
            throw new InsufficientCollateralException("sell_coverage", TotalCapital, after);
        }

        CoverageSold = after;
        _clock = now;
    }

    /// <summary>Releases coverage whose policies expired (allowed while paused).</summary>
    public void ExpireCoverage(string caller, long amount, long now)
    {
        Require(caller, WaterfallRole.PolicyFactory, "expire_coverage");
        if (amount <= 0 || amount > CoverageSold)
        {
            throw new InvalidAmountException($"can release between 0 and {Fixed.Format(CoverageSold)} of coverage, got {Fixed.Format(amount)}");
        }

        Observe(now);
        CoverageSold -= amount;
        _clock = now;
    }

    /// <summary>Admin pause.</summary>
    public void Pause(string caller)
    {
        Require(caller, WaterfallRole.Admin, "pause");
        PauseCauses |= PauseCause.Admin;
    }

    /// <summary>Admin unpause, clearing every cause; refused while capital is below the coverage sold.</summary>
    public void Unpause(string caller)
    {
        Require(caller, WaterfallRole.Admin, "unpause");
        if (TotalCapital < CoverageSold)
        {
            throw new InsufficientCollateralException("unpause", TotalCapital, CoverageSold);
        }

        PauseCauses = PauseCause.None;
    }

    /// <summary>capital · rate · Δt / (year · 2^42), rounded down; exact whatever the sizes.</summary>
    private static long Due(long capital, long annualRate, long elapsed) =>
        Fixed.ToInt64(
            Fixed.MulDiv((Int128)capital * annualRate, elapsed, (Int128)WaterfallConfig.SecondsPerYear << RateTable.FractionBits, Rounding.Floor),
            "premium due");

    private static int IndexOf(Tranche tranche) =>
        Tranches.IsValid(tranche) ? Tranches.Index(tranche) : throw new InvalidTrancheException((int)tranche);

    private static long TimeUnlocking(List<TokenLot> lots, long tokens)
    {
        long sum = 0;
        foreach (var lot in lots.OrderBy(l => l.UnlocksAt))
        {
            sum += lot.Tokens;
            if (sum >= tokens)
            {
                return lot.UnlocksAt;
            }
        }

        throw new InvalidOperationException("lots hold fewer tokens than were checked");
    }

    /// <summary>Burns from the unlocked lots, oldest first; a partly burnt lot keeps the rest.</summary>
    private static void BurnUnlocked(List<TokenLot> lots, long tokens, long now)
    {
        for (int k = 0; k < lots.Count && tokens > 0;)
        {
            var lot = lots[k];
            if (lot.UnlocksAt > now)
            {
                k++;
                continue;
            }

            long burn = Math.Min(lot.Tokens, tokens);
            tokens -= burn;
            if (burn == lot.Tokens)
            {
                lots.RemoveAt(k);
            }
            else
            {
                lots[k] = lot with { Tokens = lot.Tokens - burn };
                k++;
            }
        }
    }

    /// <summary>Σ claimed in the window · 10⁴ &gt; (capital now + Σ absorbed in the window) · threshold.</summary>
    private bool WindowLossTripped()
    {
        Int128 claimed = 0, absorbed = 0;
        foreach (var w in _window)
        {
            claimed += w.Claimed;
            absorbed += w.Absorbed;
        }

        return claimed * 10_000 > (TotalCapital + absorbed) * Config.WindowLossBreakerBps;
    }

    private void Require(string caller, WaterfallRole role, string operation)
    {
        string holder = role switch
        {
            WaterfallRole.Admin => Roles.Admin,
            WaterfallRole.ClaimsProcessor => Roles.ClaimsProcessor,
            _ => Roles.PolicyFactory,
        };
        if (!string.Equals(caller, holder, StringComparison.Ordinal))
        {
            throw new UnauthorizedCallerException(caller, role, operation);
        }
    }

    private void RefuseWhilePaused(string operation)
    {
        if (Paused)
        {
            throw new VaultPausedException(operation, PauseCauses);
        }
    }

    /// <summary>Refuses a time before the latest operation's; a refused operation leaves the clock as it was.</summary>
    private void Observe(long now)
    {
        if (now < _clock)
        {
            throw new InputException($"time went back from {_clock} to {now}", key: "now");
        }
    }
}
