using Backtest.Numerics;

namespace Backtest.Protocols.DeFindex;

/// <summary>
/// A strategy's fee report (HEAD <c>Report</c>): the balance at the last report, gains (or
/// carried losses) not yet charged, and fees locked but not yet distributed, in asset units.
/// </summary>
public readonly record struct StrategyReport(long PrevBalance, long GainsOrLosses, long LockedFee);

/// <summary>A strategy's position: what the vault holds in it, whether it is paused, and its fee report.</summary>
public readonly record struct StrategyPosition(int Asset, long Balance, bool Paused, StrategyReport Report)
{
    /// <summary>The balance net of locked fees: what belongs to the shareholders.</summary>
    public long Invested => Balance - Report.LockedFee;
}

/// <summary>One instruction of a manager's rebalance.</summary>
public abstract record RebalanceInstruction;

/// <summary>Withdraw <paramref name="Amount"/> from a strategy to idle funds (<c>withdraw_from_strategies</c>).</summary>
public sealed record Unwind(int Strategy, long Amount) : RebalanceInstruction;

/// <summary>Invest <paramref name="Amount"/> of idle funds in a strategy (<c>invest_in_strategies</c>).</summary>
public sealed record Invest(int Strategy, long Amount) : RebalanceInstruction;

/// <summary>
/// Swap idle funds (<c>internal_swap</c>): <paramref name="AmountIn"/> of one asset for
/// <paramref name="AmountOut"/> of another, the output being the router's quote supplied by the
/// market model; a quote under <paramref name="MinimumOut"/> fails.
/// </summary>
public sealed record Swap(int AssetIn, int AssetOut, long AmountIn, long AmountOut, long MinimumOut) : RebalanceInstruction;

/// <summary>What a deposit did.</summary>
/// <param name="Amounts">Asset amounts taken from the depositor.</param>
/// <param name="SharesMinted">Shares minted by the deposit (including locked minimum liquidity).</param>
/// <param name="UserShares">Shares credited to the depositor.</param>
/// <param name="EnforcedAsset">For a later multi-asset deposit, the asset whose desired amount set the ratio; null otherwise.</param>
/// <param name="ManagementFee">The management fee assessed with it, if any.</param>
public sealed record DepositResult(long[] Amounts, long SharesMinted, long UserShares, int? EnforcedAsset, ManagementFeeAssessment? ManagementFee);

/// <summary>What a withdrawal did.</summary>
/// <param name="AmountsOut">Per asset, what the withdrawer received.</param>
/// <param name="FromIdle">Per asset, the part taken from idle funds.</param>
/// <param name="Unwound">Per strategy, the amount liquidated for the withdrawal.</param>
/// <param name="LiquidationCost">Per asset, what liquidating cost the withdrawer.</param>
/// <param name="ManagementFee">The management fee assessed with it, if any.</param>
public sealed record WithdrawResult(long[] AmountsOut, long[] FromIdle, long[] Unwound, long[] LiquidationCost, ManagementFeeAssessment? ManagementFee);

/// <summary>A management fee assessment: the per-asset fee, the shares minted for it and their split.</summary>
public sealed record ManagementFeeAssessment(long[] AssetFees, long FeeShares, long VaultReceiverShares, long ProtocolShares, long Seconds);

/// <summary>A performance fee distribution from one strategy, paid in its asset.</summary>
public readonly record struct FeeDistribution(int Strategy, long Locked, long ToProtocol, long ToVaultReceiver);

/// <summary>
/// The DeFindex multi-asset vault: deposits at the current asset ratio minting dfToken shares,
/// pro-rata withdrawals served from idle funds and then by liquidating strategies, strategies
/// reporting their balances, the manager's rebalance (unwind, swap, invest), the emergency
/// manager's rescue (withdraw all and pause), a management or performance fee, and locked
/// minimum liquidity against first-depositor inflation. Amounts and shares are the token's
/// base units (7 decimals on Stellar) as <c>long</c>; every division floors except the
/// counter-asset amounts of a proportional deposit, which round up (in the vault's favour).
/// A refused operation throws <see cref="DeFindexException"/> and changes nothing.
/// </summary>
public sealed class DeFindexVault
{
    /// <summary>The account that holds the locked minimum-liquidity shares (the vault itself).</summary>
    public const int VaultAccount = -1;

    /// <summary>Seconds per year in the fee formulas (365 days).</summary>
    public const long SecondsPerYear = 31_536_000;

    private readonly long[] idle;
    private readonly StrategyPosition[] strategies;
    private readonly Dictionary<int, long> shares = [];
    private readonly long[] paidToVaultReceiver;
    private readonly long[] paidToProtocol;
    private readonly long[] liquidationCosts;
    private long? lastFeeAssessment;

    /// <summary>Creates an empty vault.</summary>
    public DeFindexVault(DeFindexVaultConfig config)
    {
        Validate(config);
        Config = config;
        idle = new long[config.AssetCount];
        strategies = [.. config.StrategyAssets.Select(a => new StrategyPosition(a, 0, false, default))];
        paidToVaultReceiver = new long[config.AssetCount];
        paidToProtocol = new long[config.AssetCount];
        liquidationCosts = new long[config.AssetCount];
    }

    public DeFindexVaultConfig Config { get; }

    /// <summary>
    /// A vault as a snapshot of chain state finds it: idle funds per asset, each strategy's
    /// balance (its fee report starting at that balance), the share register, and the time of
    /// the last management fee assessment (null: none yet).
    /// </summary>
    public static DeFindexVault FromSnapshot(
        DeFindexVaultConfig config,
        IReadOnlyList<long> idleFunds,
        IReadOnlyList<long> strategyBalances,
        IReadOnlyDictionary<int, long> shareholders,
        long? lastFeeAssessment)
    {
        var vault = new DeFindexVault(config);
        if (idleFunds.Count != config.AssetCount || strategyBalances.Count != config.StrategyAssets.Count)
        {
            throw new ArgumentException($"a snapshot needs {config.AssetCount} idle amounts and {config.StrategyAssets.Count} strategy balances");
        }

        for (int i = 0; i < idleFunds.Count; i++)
        {
            vault.idle[i] = NonNegative(idleFunds[i]);
        }

        for (int s = 0; s < strategyBalances.Count; s++)
        {
            long balance = NonNegative(strategyBalances[s]);
            vault.strategies[s] = vault.strategies[s] with { Balance = balance, Report = new StrategyReport(balance, 0, 0) };
        }

        foreach (var (account, held) in shareholders)
        {
            vault.Mint(account, NonNegative(held));
        }

        vault.lastFeeAssessment = lastFeeAssessment;
        return vault;
    }

    /// <summary>Shares in existence (dfToken total supply).</summary>
    public long TotalSupply { get; private set; }

    /// <summary>Idle funds of an asset: the vault's own token balance, donations included.</summary>
    public long Idle(int asset) => idle[asset];

    /// <summary>A strategy's position.</summary>
    public StrategyPosition Strategy(int strategy) => strategies[CheckStrategy(strategy)];

    /// <summary>Shares held by an account.</summary>
    public long SharesOf(int account) => shares.GetValueOrDefault(account);

    /// <summary>Every account with shares (the vault's locked shares under <see cref="VaultAccount"/>).</summary>
    public IReadOnlyDictionary<int, long> Shareholders => shares;

    /// <summary>Assets paid out of the vault as performance fees to the vault's fee receiver.</summary>
    public long PaidToVaultReceiver(int asset) => paidToVaultReceiver[asset];

    /// <summary>Assets paid out of the vault as performance fees to the protocol.</summary>
    public long PaidToProtocol(int asset) => paidToProtocol[asset];

    /// <summary>Assets lost to liquidation costs so far (withdrawals, unwinds and rescues).</summary>
    public long LiquidationCosts(int asset) => liquidationCosts[asset];

    /// <summary>
    /// Per asset, idle funds plus every strategy's balance net of its locked fees (paused
    /// strategies included): what the shares are backed by. Gains not yet locked count in full.
    /// </summary>
    public long[] TotalManagedFunds()
    {
        var totals = (long[])idle.Clone();
        foreach (var s in strategies)
        {
            if (s.Report.LockedFee > s.Balance)
            {
                throw new DeFindexException(DeFindexError.WrongLockedFees, $"locked fee {s.Report.LockedFee} exceeds the strategy balance {s.Balance}");
            }

            totals[s.Asset] = Fixed.Add(totals[s.Asset], s.Invested);
        }

        return totals;
    }

    /// <summary>⌊total_i · shares / supply⌋ per asset (<c>get_asset_amounts_per_shares</c>); zeros when there are no shares.</summary>
    public long[] AssetAmountsPerShares(long shareAmount)
    {
        var totals = TotalManagedFunds();
        return [.. totals.Select(t => TotalSupply == 0 ? 0 : Fixed.MulDiv(t, shareAmount, TotalSupply, Rounding.Floor))];
    }

    /// <summary>A direct token transfer into the vault (not a deposit): it raises idle funds and so the value of every share.</summary>
    public void Donate(int asset, long amount) => idle[asset] = Fixed.Add(idle[asset], NonNegative(amount));

    /// <summary>A strategy reports a new balance of the vault's position (yield or loss).</summary>
    public void SetStrategyBalance(int strategy, long balance)
    {
        CheckStrategy(strategy);
        strategies[strategy] = strategies[strategy] with { Balance = NonNegative(balance) };
    }

    /// <summary>
    /// Accrues a fixed-APR strategy (apps/contracts/strategies/fixed_apr) for
    /// <paramref name="seconds"/>: balance += ⌊balance · apr · seconds / (year · 10000)⌋.
    /// </summary>
    public void AccrueFixedApr(int strategy, int aprBps, long seconds)
    {
        var s = Strategy(strategy);
        long interest = Fixed.MulDiv(s.Balance, (long)aprBps * seconds, SecondsPerYear * DeFindexFeeModel.Bps, Rounding.Floor);
        SetStrategyBalance(strategy, Fixed.Add(s.Balance, interest));
    }

    /// <summary>
    /// Deposits up to <paramref name="desired"/> of each asset for <paramref name="account"/>.
    /// First deposit: the amounts as given fix the ratio and mint Σ amounts shares, of which the
    /// minimum liquidity is locked to the vault (the deposit must mint more than it). Later: one
    /// asset: ⌊supply·amount/total⌋ shares; several: the first asset i (in order, among assets
    /// the vault holds) whose desired amount, scaled to the others as ⌈total_j·desired_i/total_i⌉,
    /// fits every other desired and minimum amount sets the amounts, and mints
    /// ⌊supply·desired_i/total_i⌋ shares. With <paramref name="invest"/> the amounts go to the
    /// asset's strategies in proportion to their balances (paused strategies' slices stay idle).
    /// </summary>
    public DepositResult Deposit(int account, IReadOnlyList<long> desired, IReadOnlyList<long> minimum, bool invest, long now)
    {
        CheckAmounts(desired);
        CheckAmounts(minimum);
        return Transact(account, () =>
        {
            var before = AssessBefore(now);
            var totals = TotalManagedFunds();
            long supply = TotalSupply;
            long[] amounts;
            long minted;
            int? enforced = null;
            if (supply == 0)
            {
                amounts = [.. desired];
                minted = amounts.Aggregate(0L, Fixed.Add);
            }
            else if (Config.AssetCount == 1)
            {
                amounts = [desired[0]];
                minted = totals[0] == 0
                    ? throw new DeFindexException(DeFindexError.ArithmeticError, $"{supply} shares backed by nothing")
                    : Fixed.MulDiv(supply, desired[0], totals[0], Rounding.Floor);
            }
            else
            {
                (amounts, minted, enforced) = ProportionalAmounts(desired, minimum, totals, supply);
            }

            for (int i = 0; i < amounts.Length; i++)
            {
                if (amounts[i] < minimum[i])
                {
                    throw new DeFindexException(DeFindexError.NoOptimalAmounts, $"asset {i}: amount {amounts[i]} is under the minimum {minimum[i]}");
                }
            }

            if (minted <= 0)
            {
                throw new DeFindexException(DeFindexError.InsufficientAmount, $"the deposit would mint {minted} shares");
            }

            long locked = supply == 0 ? Config.MinimumLiquidity : 0;
            if (supply == 0 && locked > 0 && minted <= locked)
            {
                throw new DeFindexException(DeFindexError.InsufficientAmount, $"a first deposit must mint more than the {locked} locked shares, not {minted}");
            }

            Mint(VaultAccount, locked);
            Mint(account, minted - locked);
            for (int i = 0; i < amounts.Length; i++)
            {
                idle[i] = Fixed.Add(idle[i], amounts[i]);
                if (invest)
                {
                    AllocateToStrategies(i, amounts[i]);
                }
            }

            lastFeeAssessment ??= now;
            var after = AssessAfter(now);
            return new DepositResult(amounts, minted, minted - locked, enforced, before ?? after);
        });
    }

    /// <summary>
    /// Burns <paramref name="shareAmount"/> of <paramref name="account"/>'s shares for
    /// ⌊total_i·shares/supply⌋ of each asset, taken from idle funds first; a shortfall is
    /// liquidated from all the asset's strategies (paused ones too) in proportion to their
    /// balances, floored, with the last strategy supplying the remainder. Liquidation costs
    /// (<see cref="DeFindexVaultConfig.LiquidationCostBps"/>) come off what the withdrawer
    /// receives, and what is received must reach <paramref name="minimumOut"/>.
    /// </summary>
    public WithdrawResult Withdraw(int account, long shareAmount, IReadOnlyList<long> minimumOut, long now)
    {
        if (shareAmount <= 0)
        {
            throw new DeFindexException(DeFindexError.AmountNotAllowed, $"withdrawing {shareAmount} shares");
        }

        CheckAmounts(minimumOut);
        if (shareAmount > TotalSupply)
        {
            throw new DeFindexException(DeFindexError.AmountOverTotalSupply, $"{shareAmount} shares of {TotalSupply}");
        }

        if (SharesOf(account) < shareAmount)
        {
            throw new DeFindexException(DeFindexError.InsufficientBalance, $"account {account} holds {SharesOf(account)} shares, not {shareAmount}");
        }

        return Transact(account, () =>
        {
            var before = AssessBefore(now);
            var totals = TotalManagedFunds();
            int n = Config.AssetCount;
            var fromIdle = new long[n];
            var unwound = new long[strategies.Length];
            var cost = new long[n];
            var received = new long[n];
            for (int i = 0; i < n; i++)
            {
                long owed = Fixed.MulDiv(totals[i], shareAmount, TotalSupply, Rounding.Floor);
                fromIdle[i] = Math.Min(idle[i], owed);
                PlanUnwind(i, owed - fromIdle[i], unwound);
                cost[i] = LiquidationCost(owed - fromIdle[i]);
                received[i] = owed - cost[i];
                if (received[i] < minimumOut[i])
                {
                    throw new DeFindexException(DeFindexError.InsufficientOutputAmount, $"asset {i}: {received[i]} out is under the minimum {minimumOut[i]}");
                }
            }

            Burn(account, shareAmount);
            for (int i = 0; i < n; i++)
            {
                idle[i] -= fromIdle[i];
                liquidationCosts[i] = Fixed.Add(liquidationCosts[i], cost[i]);
            }

            for (int s = 0; s < strategies.Length; s++)
            {
                if (unwound[s] > 0)
                {
                    var p = strategies[s];
                    long remaining = p.Balance - unwound[s];
                    strategies[s] = p with { Balance = remaining, Report = p.Report with { PrevBalance = remaining } };
                }
            }

            var after = AssessAfter(now);
            return new WithdrawResult(received, fromIdle, unwound, cost, before ?? after);
        });
    }

    /// <summary>
    /// The manager (or rebalance manager) runs <paramref name="instructions"/> in order, all or
    /// nothing. Unwinding distributes the strategy's performance fees first and may not exceed its
    /// balance net of locked fees; investing needs idle funds and an active strategy; a swap needs
    /// idle funds and a quote at least its minimum.
    /// </summary>
    public void Rebalance(int caller, IReadOnlyList<RebalanceInstruction> instructions, long now)
    {
        Require(caller, "rebalance", DeFindexRole.Manager, DeFindexRole.RebalanceManager);
        if (instructions.Count == 0)
        {
            throw new DeFindexException(DeFindexError.NoInstructions, "an empty rebalance");
        }

        Transact(caller, () =>
        {
            foreach (var instruction in instructions)
            {
                Apply(instruction);
            }

            return CollectManagementFees(now);
        });
    }

    /// <summary>
    /// Emergency withdrawal (<c>rescue</c>) by the emergency manager or manager: distributes the
    /// strategy's locked fees, unwinds its whole balance to idle funds (less the liquidation
    /// cost), resets its report and pauses it.
    /// </summary>
    public long Rescue(int caller, int strategy)
    {
        Require(caller, "rescue a strategy", DeFindexRole.EmergencyManager, DeFindexRole.Manager);
        CheckStrategy(strategy);
        return Transact(caller, () =>
        {
            ReportAndLock(strategy);
            DistributeStrategyFees(strategy);
            var p = strategies[strategy];
            long received = Liquidate(p.Asset, p.Balance);
            idle[p.Asset] = Fixed.Add(idle[p.Asset], received);
            strategies[strategy] = p with { Balance = 0, Paused = true, Report = default };
            return received;
        });
    }

    /// <summary>Turns a strategy off (manager or emergency manager): it takes no new investment but still serves withdrawals.</summary>
    public void PauseStrategy(int caller, int strategy)
    {
        Require(caller, "pause a strategy", DeFindexRole.Manager, DeFindexRole.EmergencyManager);
        CheckStrategy(strategy);
        strategies[strategy] = strategies[strategy] with { Paused = true };
    }

    /// <summary>Restores a paused strategy (manager only).</summary>
    public void UnpauseStrategy(int caller, int strategy)
    {
        Require(caller, "restore a strategy", DeFindexRole.Manager);
        CheckStrategy(strategy);
        strategies[strategy] = strategies[strategy] with { Paused = false };
    }

    /// <summary>
    /// Performance fee: reports every strategy's balance and locks the fee on its net gains
    /// (<c>lock_fees</c>, manager only; deposits and withdrawals do this themselves).
    /// </summary>
    public void LockFees(int caller)
    {
        Require(caller, "lock fees", DeFindexRole.Manager);
        for (int s = 0; s < strategies.Length; s++)
        {
            ReportAndLock(s);
        }
    }

    /// <summary>
    /// Performance fee: gives back <paramref name="amount"/> of a strategy's locked fee to its
    /// shareholders (<c>release_fees</c>, manager only): locked −= amount, gains += amount.
    /// </summary>
    public void ReleaseFees(int caller, int strategy, long amount)
    {
        Require(caller, "release fees", DeFindexRole.Manager);
        CheckStrategy(strategy);
        if (amount <= 0)
        {
            throw new DeFindexException(DeFindexError.AmountNotAllowed, $"releasing {amount}");
        }

        var p = strategies[strategy];
        if (p.Report.LockedFee < amount)
        {
            throw new DeFindexException(DeFindexError.InsufficientFeesToRelease, $"releasing {amount} of {p.Report.LockedFee} locked");
        }

        strategies[strategy] = p with { Report = p.Report with { LockedFee = p.Report.LockedFee - amount, GainsOrLosses = p.Report.GainsOrLosses + amount } };
    }

    /// <summary>Performance fee: pays out every strategy's locked fee (<c>distribute_fees</c>, manager only).</summary>
    public IReadOnlyList<FeeDistribution> DistributeFees(int caller)
    {
        Require(caller, "distribute fees", DeFindexRole.Manager);
        var paid = new List<FeeDistribution>();
        for (int s = 0; s < strategies.Length; s++)
        {
            if (DistributeStrategyFees(s) is { } d)
            {
                paid.Add(d);
            }
        }

        return paid;
    }

    /// <summary>
    /// Management fee: charges ⌊total_i·rate·Δt/(year·10000)⌋ of each asset since the last
    /// assessment as ⌊fee_i·supply/total_i⌋ shares, minted at the least of the assets' counts,
    /// ⌊shares·vault share/10000⌋ to the vault's fee receiver and the rest to the protocol.
    /// Each assessment floors, so very frequent collection charges less (the clock still moves).
    /// Null under the performance fee model.
    /// </summary>
    public ManagementFeeAssessment? CollectManagementFees(long now)
    {
        if (Config.Fees is not ManagementFee fee)
        {
            return null;
        }

        if (lastFeeAssessment is not { } last || TotalSupply == 0)
        {
            lastFeeAssessment = now;
            return null;
        }

        long seconds = Math.Max(0, now - last);
        var totals = TotalManagedFunds();
        var assetFees = new long[totals.Length];
        long feeShares = long.MaxValue;
        for (int i = 0; i < totals.Length; i++)
        {
            assetFees[i] = Fixed.MulDiv(totals[i], (long)fee.RateBps * seconds, SecondsPerYear * DeFindexFeeModel.Bps, Rounding.Floor);
            if (totals[i] > 0)
            {
                feeShares = Math.Min(feeShares, Fixed.MulDiv(assetFees[i], TotalSupply, totals[i], Rounding.Floor));
            }
        }

        feeShares = feeShares == long.MaxValue ? 0 : feeShares;
        long toVault = Fixed.MulDiv(feeShares, fee.VaultReceiverShareBps, DeFindexFeeModel.Bps, Rounding.Floor);
        Mint(Config.Roles.VaultFeeReceiver, toVault);
        Mint(Config.Roles.ProtocolFeeReceiver, feeShares - toVault);
        lastFeeAssessment = now;
        return new ManagementFeeAssessment(assetFees, feeShares, toVault, feeShares - toVault, seconds);
    }

    private static void Validate(DeFindexVaultConfig config)
    {
        if (config.AssetCount <= 0 || config.StrategyAssets.Any(a => a < 0 || a >= config.AssetCount))
        {
            throw new ArgumentException($"a vault needs at least one asset and strategies on its assets ({config.AssetCount} assets, strategies on {string.Join(",", config.StrategyAssets)})");
        }

        if (config.MinimumLiquidity < 0 || config.LiquidationCostBps is < 0 or >= DeFindexFeeModel.Bps)
        {
            throw new ArgumentException($"minimum liquidity {config.MinimumLiquidity} and liquidation cost {config.LiquidationCostBps} bps must be non-negative (cost under 10000)");
        }

        bool tooHigh = config.Fees switch
        {
            ManagementFee m => m.RateBps is < 0 or > DeFindexFeeModel.MaxFeeBps || m.VaultReceiverShareBps is < 5_000 or > DeFindexFeeModel.Bps,
            PerformanceFee p => p.VaultFeeBps is < 0 or > DeFindexFeeModel.MaxFeeBps || p.ProtocolFeeBps is < 0 or > DeFindexFeeModel.MaxFeeBps,
            _ => true,
        };
        if (tooHigh)
        {
            throw new DeFindexException(DeFindexError.MaximumFeeExceeded, $"fee model {config.Fees} is outside the allowed ranges");
        }
    }

    private (long[] Amounts, long Shares, int? Enforced) ProportionalAmounts(IReadOnlyList<long> desired, IReadOnlyList<long> minimum, long[] totals, long supply)
    {
        int n = totals.Length;
        for (int i = 0; i < n; i++)
        {
            if (totals[i] == 0)
            {
                continue;
            }

            if (desired[i] == 0)
            {
                throw new DeFindexException(DeFindexError.InsufficientAmount, $"asset {i} is part of the ratio but 0 is desired");
            }

            var amounts = new long[n];
            bool fits = true;
            for (int j = 0; j < n && fits; j++)
            {
                amounts[j] = j == i ? desired[i] : Fixed.MulDiv(totals[j], desired[i], totals[i], Rounding.Ceiling);
                fits = j == i || totals[j] == 0 || (amounts[j] <= desired[j] && amounts[j] >= minimum[j]);
            }

            if (fits)
            {
                return (amounts, Fixed.MulDiv(supply, desired[i], totals[i], Rounding.Floor), i);
            }
        }

        throw new DeFindexException(DeFindexError.NoOptimalAmounts, $"no asset's desired amount fits the ratio {string.Join(":", totals)} within the desired {string.Join(",", desired)} and minimum {string.Join(",", minimum)}");
    }

    private void AllocateToStrategies(int asset, long amount)
    {
        var targets = Enumerable.Range(0, strategies.Length).Where(s => strategies[s].Asset == asset).ToArray();
        long invested = targets.Aggregate(0L, (sum, s) => Fixed.Add(sum, strategies[s].Invested));
        if (invested == 0 || amount == 0)
        {
            return;
        }

        long allocated = 0;
        for (int k = 0; k < targets.Length; k++)
        {
            int s = targets[k];
            long slice = k == targets.Length - 1 ? amount - allocated : Fixed.MulDiv(amount, strategies[s].Invested, invested, Rounding.Floor);
            allocated += slice;
            if (!strategies[s].Paused && slice > 0)
            {
                InvestIdle(s, slice);
            }
        }
    }

    private void InvestIdle(int strategy, long amount)
    {
        var p = strategies[strategy];
        if (p.Paused)
        {
            throw new DeFindexException(DeFindexError.StrategyPaused, $"strategy {strategy} is paused");
        }

        if (amount <= 0)
        {
            throw new DeFindexException(DeFindexError.AmountNotAllowed, $"investing {amount}");
        }

        if (idle[p.Asset] < amount)
        {
            throw new DeFindexException(DeFindexError.InsufficientManagedFunds, $"investing {amount} with {idle[p.Asset]} idle");
        }

        ReportAndLock(strategy);
        p = strategies[strategy];
        idle[p.Asset] -= amount;
        long balance = Fixed.Add(p.Balance, amount);
        strategies[strategy] = p with { Balance = balance, Report = p.Report with { PrevBalance = balance } };
    }

    private void Apply(RebalanceInstruction instruction)
    {
        switch (instruction)
        {
            case Unwind u:
                CheckStrategy(u.Strategy);
                if (u.Amount <= 0)
                {
                    throw new DeFindexException(DeFindexError.AmountNotAllowed, $"unwinding {u.Amount}");
                }

                ReportAndLock(u.Strategy);
                if (u.Amount > strategies[u.Strategy].Invested)
                {
                    throw new DeFindexException(DeFindexError.UnwindMoreThanAvailable, $"unwinding {u.Amount} of {strategies[u.Strategy].Invested}");
                }

                DistributeStrategyFees(u.Strategy);
                var p = strategies[u.Strategy];
                long remaining = p.Balance - u.Amount;
                idle[p.Asset] = Fixed.Add(idle[p.Asset], Liquidate(p.Asset, u.Amount));
                strategies[u.Strategy] = p with { Balance = remaining, Report = p.Report with { PrevBalance = remaining } };
                break;
            case Invest i:
                CheckStrategy(i.Strategy);
                InvestIdle(i.Strategy, i.Amount);
                break;
            case Swap s:
                if (s.AmountIn <= 0 || s.AmountOut < 0 || s.AssetIn == s.AssetOut)
                {
                    throw new DeFindexException(DeFindexError.AmountNotAllowed, $"swap {s}");
                }

                if (idle[s.AssetIn] < s.AmountIn)
                {
                    throw new DeFindexException(DeFindexError.InsufficientManagedFunds, $"swapping {s.AmountIn} with {idle[s.AssetIn]} idle");
                }

                if (s.AmountOut < s.MinimumOut)
                {
                    throw new DeFindexException(DeFindexError.InsufficientOutputAmount, $"swap quote {s.AmountOut} under the minimum {s.MinimumOut}");
                }

                idle[s.AssetIn] -= s.AmountIn;
                idle[s.AssetOut] = Fixed.Add(idle[s.AssetOut], s.AmountOut);
                break;
            default:
                throw new ArgumentException($"unknown instruction {instruction}", nameof(instruction));
        }
    }

    /// <summary>
    /// Performance fee report and lock for one strategy: gains since the last report are added
    /// (a first report only records the balance), and positive net gains are charged.
    /// </summary>
    private void ReportAndLock(int strategy)
    {
        if (Config.Fees is not PerformanceFee fee)
        {
            return;
        }

        var p = strategies[strategy];
        var r = p.Report;
        long prev = r.PrevBalance == 0 ? p.Balance : r.PrevBalance;
        long gains = r.GainsOrLosses + (p.Balance - prev);
        long locked = r.LockedFee;
        if (gains > 0)
        {
            locked = Fixed.Add(locked, Fixed.MulDiv(gains, fee.VaultFeeBps, DeFindexFeeModel.Bps, Rounding.Floor));
            gains = 0;
        }

        strategies[strategy] = p with { Report = new StrategyReport(p.Balance, gains, locked) };
    }

    private FeeDistribution? DistributeStrategyFees(int strategy)
    {
        if (Config.Fees is not PerformanceFee fee || strategies[strategy].Report.LockedFee == 0)
        {
            return null;
        }

        var p = strategies[strategy];
        long locked = p.Report.LockedFee;
        long toProtocol = Fixed.MulDiv(locked, fee.ProtocolFeeBps, DeFindexFeeModel.Bps, Rounding.Floor);
        paidToProtocol[p.Asset] = Fixed.Add(paidToProtocol[p.Asset], toProtocol);
        paidToVaultReceiver[p.Asset] = Fixed.Add(paidToVaultReceiver[p.Asset], locked - toProtocol);
        long remaining = p.Balance - locked;
        strategies[strategy] = p with { Balance = remaining, Report = p.Report with { PrevBalance = remaining, LockedFee = 0 } };
        return new FeeDistribution(strategy, locked, toProtocol, locked - toProtocol);
    }

    private ManagementFeeAssessment? AssessBefore(long now)
    {
        if (Config.Fees is PerformanceFee)
        {
            for (int s = 0; s < strategies.Length; s++)
            {
                ReportAndLock(s);
            }

            return null;
        }

        return Config.Fees is ManagementFee { Timing: ManagementFeeTiming.BeforeOperation } ? CollectManagementFees(now) : null;
    }

    private ManagementFeeAssessment? AssessAfter(long now) =>
        Config.Fees is ManagementFee { Timing: ManagementFeeTiming.AfterOperation } ? CollectManagementFees(now) : null;

    /// <summary>
    /// Runs an operation all or nothing, as a transaction: on any failure the vault's funds,
    /// strategies, supply, fee clock and the shares of the accounts it can touch (the caller,
    /// the vault, the fee receivers) are restored before the error propagates.
    /// </summary>
    private T Transact<T>(int account, Func<T> operation)
    {
        var savedIdle = (long[])idle.Clone();
        var savedStrategies = (StrategyPosition[])strategies.Clone();
        var savedVaultReceiver = (long[])paidToVaultReceiver.Clone();
        var savedProtocol = (long[])paidToProtocol.Clone();
        var savedCosts = (long[])liquidationCosts.Clone();
        long savedSupply = TotalSupply;
        long? savedLast = lastFeeAssessment;
        var savedShares = new[] { account, VaultAccount, Config.Roles.VaultFeeReceiver, Config.Roles.ProtocolFeeReceiver }
            .Distinct().Select(a => (Account: a, Shares: SharesOf(a))).ToArray();
        try
        {
            return operation();
        }
        catch
        {
            savedIdle.CopyTo(idle, 0);
            savedStrategies.CopyTo(strategies, 0);
            savedVaultReceiver.CopyTo(paidToVaultReceiver, 0);
            savedProtocol.CopyTo(paidToProtocol, 0);
            savedCosts.CopyTo(liquidationCosts, 0);
            TotalSupply = savedSupply;
            lastFeeAssessment = savedLast;
            foreach (var (a, held) in savedShares)
            {
                if (held == 0)
                {
                    shares.Remove(a);
                }
                else
                {
                    shares[a] = held;
                }
            }

            throw;
        }
    }

    private void PlanUnwind(int asset, long shortfall, long[] unwound)
    {
        if (shortfall == 0)
        {
            return;
        }

        var sources = Enumerable.Range(0, strategies.Length).Where(s => strategies[s].Asset == asset).ToArray();
        long invested = sources.Aggregate(0L, (sum, s) => Fixed.Add(sum, strategies[s].Invested));
        long gathered = 0;
        for (int k = 0; k < sources.Length; k++)
        {
            int s = sources[k];
            long take = k == sources.Length - 1 ? shortfall - gathered : Fixed.MulDiv(shortfall, strategies[s].Invested, invested, Rounding.Floor);
            if (take > strategies[s].Invested)
            {
                throw new DeFindexException(DeFindexError.StrategyWithdrawError, $"strategy {s} cannot supply {take} of its {strategies[s].Invested}");
            }

            unwound[s] = take;
            gathered += take;
        }
    }

    private long LiquidationCost(long unwound) =>
        Fixed.MulDiv(unwound, Config.LiquidationCostBps, DeFindexFeeModel.Bps, Rounding.Ceiling);

    /// <summary>What liquidating <paramref name="unwound"/> of an asset delivers, recording the cost.</summary>
    private long Liquidate(int asset, long unwound)
    {
        long cost = LiquidationCost(unwound);
        liquidationCosts[asset] = Fixed.Add(liquidationCosts[asset], cost);
        return unwound - cost;
    }

    private void Mint(int account, long amount)
    {
        if (amount == 0)
        {
            return;
        }

        shares[account] = Fixed.Add(SharesOf(account), amount);
        TotalSupply = Fixed.Add(TotalSupply, amount);
    }

    private void Burn(int account, long amount)
    {
        long left = SharesOf(account) - amount;
        if (left == 0)
        {
            shares.Remove(account);
        }
        else
        {
            shares[account] = left;
        }

        TotalSupply -= amount;
    }

    private void Require(int caller, string operation, params DeFindexRole[] allowed)
    {
        if (!allowed.Any(r => Config.Roles.Holder(r) == caller))
        {
            throw new DeFindexRoleException(caller, operation, allowed);
        }
    }

    private int CheckStrategy(int strategy) =>
        strategy >= 0 && strategy < strategies.Length ? strategy
        : throw new DeFindexException(DeFindexError.StrategyNotFound, $"strategy {strategy} of {strategies.Length}");

    private void CheckAmounts(IReadOnlyList<long> amounts)
    {
        if (amounts.Count != Config.AssetCount)
        {
            throw new DeFindexException(DeFindexError.WrongAmountsLength, $"{amounts.Count} amounts for {Config.AssetCount} assets");
        }

        foreach (var a in amounts)
        {
            NonNegative(a);
        }
    }

    private static long NonNegative(long amount) =>
        amount >= 0 ? amount : throw new DeFindexException(DeFindexError.AmountNotAllowed, $"negative amount {amount}");
}
