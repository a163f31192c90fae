using System.Numerics;
using Backtest.Numerics;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Policy;
using Backtest.Protocols.Ampleforth.Spot;
using Backtest.Protocols.Ampleforth.Tokens;
using Backtest.Protocols.Conformance.Ampleforth;

namespace Backtest.Protocols.Ampleforth.Batch;

/// <summary>
/// One SPOT system on the contract model, driven one day at a time by the schedule the batch
/// simulator follows: the specification the batch is tested against, and the state a batch
/// starts from. The holder is the AMPL token's owner and makes every agent flow; the collector
/// (the vault's owner) receives the protocol share.
/// </summary>
/// <remarks>
/// A day (<see cref="RunDay"/>): at the rebase time the policy rebases AMPL with the day's
/// oracle readings. At the keeper time, each as its own transaction: the issuer issues a bond if
/// due; the perp updates its state; the holder's flows run (<see cref="SpotLaneInput"/>); the
/// vault recovers each matured tranche and each immature senior above dust; the holder redeems
/// its matured tranches, bond by bond; the vault deploys; in v5 the vault rebalances. A refusal
/// undoes only its own transaction and is reported, never skipped silently.
/// </remarks>
public sealed class SpotSystem
{
    private SpotSystem(SpotBatchConfig config, SpotFeePolicy seedingPolicy)
    {
        Config = config;
        config.Schedule.Validate(config.Policy, 0);
        Chain = new Chain(config.Schedule.DayStart(0));
        Holder = Chain.CreateAccount("holder");
        Ampl = AmplToken.WithSupply(Chain, Holder, config.Seed.InitialAmplSupply);
        Policy = new MonetaryPolicy(config.Policy);
        Issuer = new BondIssuer(Chain, Ampl, config.Issuer);
        Perp = new PerpetualTranche(Chain, Ampl, Issuer, seedingPolicy, config.Version);
        Vault = new RolloverVault(Chain, Perp);
        var perp = config.PerpSettings;
        if (perp.MinTrancheMaturitySec is not null || perp.MaxTrancheMaturitySec is not null)
        {
            Perp.UpdateTolerableTrancheMaturity(perp.MinTrancheMaturitySec ?? Perp.MinTrancheMaturitySec, perp.MaxTrancheMaturitySec ?? Perp.MaxTrancheMaturitySec);
        }

        Perp.MaxSupply = perp.MaxSupply;
        Perp.MaxMintAmtPerTranche = perp.MaxMintAmtPerTranche;
        Perp.UpdateMaxDepositTrancheValuePerc(perp.MaxDepositTrancheValuePerc);
        var vault = config.VaultSettings;
        Vault.MinDeploymentAmt = vault.MinDeploymentAmt;
        Vault.ReservedUnderlyingBal = vault.ReservedUnderlyingBal;
        Vault.ReservedUnderlyingPerc = vault.ReservedUnderlyingPerc;
        Vault.ReservedSubscriptionPerc = vault.ReservedSubscriptionPerc;
    }

    public SpotBatchConfig Config { get; }

    public Chain Chain { get; }

    /// <summary>The AMPL owner and the maker of every agent flow.</summary>
    public int Holder { get; }

    /// <summary>The vault's owner, who receives the protocol share.</summary>
    public int Collector => Vault.Owner;

    public AmplToken Ampl { get; }

    public MonetaryPolicy Policy { get; }

    public BondIssuer Issuer { get; }

    public PerpetualTranche Perp { get; }

    public RolloverVault Vault { get; }

    /// <summary>The next day <see cref="RunDay"/> runs.</summary>
    public int Day { get; private set; }

    /// <summary>
    /// A system seeded as <see cref="SpotBatchConfig.Seed"/> describes, by running seed days at a
    /// flat price under zero fees; the configured fee policy is in force from the returned
    /// system's <see cref="Day"/> on.
    /// </summary>
    public static SpotSystem Seed(SpotBatchConfig config)
    {
        var seedingPolicy = SeedingPolicy(config.Version);
        var system = new SpotSystem(config, seedingPolicy);
        var seed = config.Seed;
        var flat = new SpotLaneInput((Int128)RebaseFunction.One, (Int128)RebaseFunction.One);
        int swaps = 0;
        while (swaps < seed.Weeks)
        {
            int issued = system.Issuer.IssuedBonds.Count;
            system.RunDayWith(flat, () =>
            {
                if (system.Day == 0)
                {
                    var bond = system.Perp.GetDepositBond();
                    long seniors = bond.Deposit(system.Holder, seed.PerpSeedAmpl)[0];
                    system.Perp.Deposit(system.Holder, bond.Senior, seniors);
                    system.Vault.Deposit(system.Holder, seed.VaultDeposit);
                }

                if (system.Issuer.IssuedBonds.Count > issued || system.Day == 0)
                {
                    system.Vault.SwapUnderlyingForPerps(system.Holder, seed.SwapPerWeek);
                    swaps++;
                }
            });
        }

        system.Perp.FeePolicy = config.FeePolicy;
        return system;
    }

    /// <summary>Runs day <see cref="Day"/> with one path's inputs and returns what happened.</summary>
    public SpotLaneDay RunDay(in SpotLaneInput input) => RunDayWith(input, null);

    private SpotLaneDay RunDayWith(in SpotLaneInput input, Action? seedStep)
    {
        var schedule = Config.Schedule;
        schedule.Validate(Policy.Parameters, Day);
        Chain.AdvanceTo(schedule.RebaseTime(Day, Policy.Parameters));
        var rebase = Rebase(input);

        Chain.AdvanceTo(schedule.KeeperTime(Day));
        Issuer.Issue();
        var updateState = Outcome(() => Perp.UpdateState());
        seedStep?.Invoke();

        var day = new SpotLaneDay
        {
            RebaseOutcome = rebase.Outcome,
            SupplyDelta = rebase.Delta,
            AmplSupply = Ampl.TotalSupply,
            UpdateStateOutcome = updateState,
            PerpRedeem = PerpRedeem(input.PerpRedeem),
            VaultRedeem = VaultRedeem(input.VaultRedeem),
            SwapPerpsForUnderlying = SwapPerpsForUnderlying(input.SwapPerpsForUnderlying),
            SwapUnderlyingForPerps = SwapUnderlyingForPerps(input.SwapUnderlyingForPerps),
            PerpMint = PerpMint(input.PerpMint),
            VaultDeposit = VaultDeposit(input.VaultDeposit),
            RecoverOutcome = Recover(),
            HolderMaturityOutcome = RedeemHolderMatured(),
        };

        long due = RolloverValue();
        day = day with
        {
            RolloverDueValue = due,
            DeployOutcome = Outcome(Vault.Deploy),
            RolloverLeftValue = RolloverValue(),
        };

        day = Config.Version == SpotVersion.V5 ? Rebalance(day) : day with { RebalanceOutcome = SpotOutcome.NotRequested };
        Day++;
        return EndOfDay(day);
    }

    private (SpotOutcome Outcome, long Delta) Rebase(in SpotLaneInput input)
    {
        long supplyBefore = Ampl.TotalSupply;
        var market = new OracleReading((BigInteger)input.MarketRate, input.MarketValid);
        var target = new OracleReading((BigInteger)input.TargetRate, input.TargetValid);
        var outcome = Outcome(() => Policy.Rebase(Chain.Now, Ampl, market, target));
        return (outcome, Ampl.TotalSupply - supplyBefore);
    }

    private SpotFlowResult PerpRedeem(long amount)
    {
        if (amount == 0)
        {
            return SpotFlowResult.NotRequested;
        }

        long fee = FeeOrZero(() =>
        {
            long supply = Perp.TotalSupply;
            var s = Vault.QuerySystemTvl();
            long post = Fixed.MulDiv(s.PerpTVL, supply - amount, supply, Rounding.Floor);
            return Perp.FeePolicy is SubscriptionFeePolicy v3
                ? v3.PerpBurnFeePerc(v3.ComputeDeviationRatio(post, s.VaultTVL, DepositRatio))
                : V5FeePerc(s.PerpTVL, s.VaultTVL, post, s.VaultTVL);
        });
        IReadOnlyList<TokenAmount> basket = [];
        var outcome = Outcome(() => basket = Perp.Redeem(Holder, amount));
        return Basket(outcome, fee, basket);
    }

    private SpotFlowResult VaultRedeem(Int128 notes)
    {
        if (notes == 0)
        {
            return SpotFlowResult.NotRequested;
        }

        long fee = FeeOrZero(() =>
        {
            if (Perp.FeePolicy is SubscriptionFeePolicy v3)
            {
                return v3.VaultBurnFeePerc();
            }

            var s = Vault.QuerySystemTvl();
            Int128 supply = Vault.Notes.TotalSupply;
            long post = Fixed.ToInt64(Fixed.MulDiv((Int128)s.VaultTVL, supply - notes, supply, Rounding.Floor), "vault TVL after redemption");
            return V5FeePerc(s.PerpTVL, s.VaultTVL, s.PerpTVL, post);
        });
        IReadOnlyList<TokenAmount> basket = [];
        var outcome = Outcome(() => basket = Vault.Redeem(Holder, notes));
        return Basket(outcome, fee, basket);
    }

    private SpotFlowResult SwapPerpsForUnderlying(long perps)
    {
        if (perps == 0)
        {
            return SpotFlowResult.NotRequested;
        }

        long fee = FeeOrZero(() =>
        {
            var s = Vault.QuerySystemTvl();
            long post = s.PerpTVL - Fixed.MulDiv(perps, s.PerpTVL, Perp.TotalSupply, Rounding.Floor);
            if (Perp.FeePolicy is SubscriptionFeePolicy v3)
            {
                var (perpFee, vaultFee) = v3.PerpToUnderlyingSwapFeePercs(v3.ComputeDeviationRatio(post, s.VaultTVL, DepositRatio));
                return (Int128)perpFee + vaultFee;
            }

            return V5FeePerc(s.PerpTVL, s.VaultTVL, post, s.VaultTVL);
        });
        long paid = 0;
        var outcome = Outcome(() => paid = Vault.SwapPerpsForUnderlying(Holder, perps));
        return Flow(outcome, fee, paid);
    }

    private SpotFlowResult SwapUnderlyingForPerps(long ampl)
    {
        if (ampl == 0)
        {
            return SpotFlowResult.NotRequested;
        }

        long fee = FeeOrZero(() =>
        {
            var s = Vault.QuerySystemTvl();
            long post = Fixed.Add(s.PerpTVL, ampl);
            if (Perp.FeePolicy is SubscriptionFeePolicy v3)
            {
                var (perpFee, vaultFee) = v3.UnderlyingToPerpSwapFeePercs(v3.ComputeDeviationRatio(post, s.VaultTVL, DepositRatio));
                return (Int128)perpFee + vaultFee;
            }

            return V5FeePerc(s.PerpTVL, s.VaultTVL, post, s.VaultTVL);
        });
        long perps = 0;
        var outcome = Outcome(() => perps = Vault.SwapUnderlyingForPerps(Holder, ampl));
        return Flow(outcome, fee, perps);
    }

    private SpotFlowResult PerpMint(long ampl)
    {
        if (ampl == 0)
        {
            return SpotFlowResult.NotRequested;
        }

        long fee = 0;
        long perps = 0;
        var outcome = Outcome(() => Chain.Atomic(() =>
        {
            var bond = Perp.GetDepositBond();
            long seniors = bond.Deposit(Holder, ampl)[0];
            fee = FeeOrZero(() =>
            {
                long valueIn = Perp.TrancheValue(bond.Senior, seniors, Rounding.Floor);
                var s = Vault.QuerySystemTvl();
                long post = Fixed.Add(s.PerpTVL, valueIn);
                return Perp.FeePolicy is SubscriptionFeePolicy v3
                    ? v3.PerpMintFeePerc(v3.ComputeDeviationRatio(post, s.VaultTVL, DepositRatio))
                    : V5FeePerc(s.PerpTVL, s.VaultTVL, post, s.VaultTVL);
            });
            perps = Perp.Deposit(Holder, bond.Senior, seniors);
        }));
        return Flow(outcome, fee, perps);
    }

    private SpotFlowResult VaultDeposit(long ampl)
    {
        if (ampl == 0)
        {
            return SpotFlowResult.NotRequested;
        }

        long fee = FeeOrZero(() =>
        {
            var s = Vault.QuerySystemTvl();
            long post = Fixed.Add(s.VaultTVL, ampl);
            return Perp.FeePolicy is SubscriptionFeePolicy v3
                ? v3.VaultMintFeePerc(v3.ComputeDeviationRatio(s.PerpTVL, post, DepositRatio))
                : V5FeePerc(s.PerpTVL, s.VaultTVL, s.PerpTVL, post);
        });
        Int128 notes = 0;
        var outcome = Outcome(() => notes = Vault.Deposit(Holder, ampl));
        return Flow(outcome, fee, notes);
    }

    /// <summary>Recovers each deployed tranche that <c>recover()</c> would redeem (matured, or an immature senior above dust), each as its own transaction.</summary>
    private SpotOutcome Recover()
    {
        long dust = Config.Version == SpotVersion.V5 ? RolloverVault.TrancheDustAmt : 0;
        var candidates = Vault.Deployed
            .Where(t => t.BalanceOf(Vault.Account) > 0 && (t.Bond.SecondsToMaturity <= 0 || (t.IsSenior && t.BalanceOf(Vault.Account) > dust)))
            .ToList();
        return EachOwnTransaction(candidates, t => Vault.Recover(new ReserveToken(t)));
    }

    /// <summary>The holder redeems both tranches of every matured bond it holds, one transaction per bond.</summary>
    private SpotOutcome RedeemHolderMatured()
    {
        var bonds = Issuer.IssuedBonds
            .Where(b => b.SecondsToMaturity <= 0 && b.Tranches.Any(t => t.BalanceOf(Holder) > 0))
            .ToList();
        return EachOwnTransaction(bonds, bond => Chain.Atomic(() =>
        {
            if (!bond.IsMature)
            {
                bond.Mature(Holder);
            }

            foreach (var tranche in bond.Tranches)
            {
                long balance = tranche.BalanceOf(Holder);
                if (balance > 0)
                {
                    bond.RedeemMature(Holder, tranche, balance);
                }
            }
        }));
    }

    private SpotLaneDay Rebalance(SpotLaneDay day)
    {
        long fees = Perp.Token.BalanceOf(Perp.Account);
        long collectorPerps = Perp.Token.BalanceOf(Collector);
        Int128 collectorNotes = Vault.Notes.BalanceOf(Collector);
        var (amount, perps) = PreviewRebalance();
        var outcome = Outcome(Vault.Rebalance);
        if (outcome != SpotOutcome.Ok)
        {
            return day with { RebalanceOutcome = outcome };
        }

        return day with
        {
            RebalanceOutcome = outcome,
            FeesClaimed = fees,
            RebalanceAmount = amount,
            RebalancePerps = perps,
            ProtocolPerps = Perp.Token.BalanceOf(Collector) - collectorPerps,
            ProtocolNotes = Vault.Notes.BalanceOf(Collector) - collectorNotes,
        };
    }

    /// <summary>
    /// The amount a rebalance moves and the perps it mints, read the way the vault reads them:
    /// after it claims the perp's fees and melds its perps (which can move both TVLs by rounding).
    /// Those steps run inside a transaction that is then undone, as an <c>eth_call</c> would; a
    /// refusal there is the rebalance's own, reported by it, so the preview is then (0, 0).
    /// </summary>
    private (long Amount, long Perps) PreviewRebalance()
    {
        (long, long) preview = (0, 0);
        try
        {
            Chain.Atomic(() =>
            {
                Perp.ClaimFees(Vault.Account, Vault.Account);
                Vault.RecoverPerps();
                var s = Vault.QuerySystemTvl();
                long amount = Fixed.ToInt64(((DeviationFeePolicy)Perp.FeePolicy).ComputeRebalanceAmount(s.PerpTVL, s.VaultTVL), "rebalance amount");
                long supply = Perp.TotalSupply;
                long perps = amount switch
                {
                    < 0 when -amount < s.PerpTVL => Fixed.MulDiv(-amount, supply, s.PerpTVL + amount, Rounding.Ceiling),
                    > 0 => Fixed.MulDiv(amount, supply, s.PerpTVL, Rounding.Floor),
                    _ => 0,
                };
                preview = (amount, perps);
                throw new PreviewUndone();
            });
        }
        catch (PreviewUndone)
        {
        }
        catch (Exception e) when (e is ProtocolException or FixedPointOverflowException or FixedPointDivideByZeroException)
        {
            return (0, 0);
        }

        return preview;
    }

    private SpotLaneDay EndOfDay(SpotLaneDay day)
    {
        long perpTvl = Perp.ReserveValue();
        long vaultTvl = Vault.GetTVL();
        return day with
        {
            PerpTvl = perpTvl,
            PerpSupply = Perp.TotalSupply,
            VaultTvl = vaultTvl,
            NoteSupply = Vault.Notes.TotalSupply,
            DeviationRatio = DeviationRatio(perpTvl, vaultTvl),
            PerpAmpl = Ampl.BalanceOf(Perp.Account),
            VaultAmpl = Ampl.BalanceOf(Vault.Account),
            SeniorCoverage = SeniorCoverage(),
        };
    }

    /// <summary>The fee policy's DR of two values (−1 when the perp is worth nothing).</summary>
    public Int128 DeviationRatio(long perpTvl, long vaultTvl)
    {
        if (perpTvl <= 0)
        {
            return -1;
        }

        return Perp.FeePolicy switch
        {
            DeviationFeePolicy v5 => v5.ComputeDeviationRatio(perpTvl, vaultTvl),
            SubscriptionFeePolicy v3 => Perp.DepositBond is { } bond ? v3.ComputeDeviationRatio(perpTvl, vaultTvl, bond.Senior.Ratio) : -1,
            _ => -1,
        };
    }

    private long SeniorCoverage()
    {
        long lowest = long.MaxValue;
        foreach (var tranche in Perp.ReserveTranches)
        {
            var bond = tranche.Bond;
            long collateral = bond.IsMature ? Ampl.BalanceOf(tranche.Account) : bond.CollateralBalance;
            lowest = Math.Min(lowest, Fixed.MulDiv(collateral, SpotFeePolicy.One, tranche.TotalSupply, Rounding.Floor));
        }

        return lowest;
    }

    /// <summary>The perp's AMPL plus its tranches at most the rollover window from maturity, at the reserve valuation.</summary>
    private long RolloverValue()
    {
        long value = Ampl.BalanceOf(Perp.Account);
        foreach (var tranche in Perp.ReserveTranches)
        {
            if (Perp.IsReadyForRollout(tranche))
            {
                value = Fixed.Add(value, Perp.TrancheValue(tranche, tranche.BalanceOf(Perp.Account), Rounding.Ceiling));
            }
        }

        return value;
    }

    private int DepositRatio => Perp.DepositBond!.Senior.Ratio;

    private Int128 V5FeePerc(long perpBefore, long vaultBefore, long perpAfter, long vaultAfter)
    {
        var policy = (DeviationFeePolicy)Perp.FeePolicy;
        return policy.ComputeFeePerc(policy.ComputeDeviationRatio(perpBefore, vaultBefore), policy.ComputeDeviationRatio(perpAfter, vaultAfter));
    }

    /// <summary>
    /// The fee percentage an operation is about to pay, computed from the same state and the same
    /// policy calls as the operation; any refusal there is the operation's own, reported by it, so
    /// the fee is then 0. Saturates at <see cref="long.MaxValue"/>.
    /// </summary>
    private static long FeeOrZero(Func<Int128> fee)
    {
        try
        {
            Int128 value = fee();
            return value > long.MaxValue ? long.MaxValue : (long)value;
        }
        catch (Exception e) when (e is ProtocolException or FixedPointOverflowException or FixedPointDivideByZeroException)
        {
            return 0;
        }
    }

    private static SpotFlowResult Flow(SpotOutcome outcome, long fee, Int128 amount) =>
        outcome == SpotOutcome.Ok ? new SpotFlowResult(outcome, fee, amount, 0) : new SpotFlowResult(outcome, 0, 0, 0);

    private SpotOutcome EachOwnTransaction<T>(IReadOnlyList<T> items, Action<T> transaction)
    {
        var outcome = items.Count == 0 ? SpotOutcome.NotRequested : SpotOutcome.Ok;
        foreach (var item in items)
        {
            var result = Outcome(() => transaction(item));
            if (outcome == SpotOutcome.Ok && result != SpotOutcome.Ok)
            {
                outcome = result;
            }
        }

        return outcome;
    }

    private static SpotFlowResult Basket(SpotOutcome outcome, long fee, IReadOnlyList<TokenAmount> basket)
    {
        if (outcome != SpotOutcome.Ok)
        {
            return new SpotFlowResult(outcome, 0, 0, 0);
        }

        long ampl = basket.Where(b => b.Token.IsUnderlying).Sum(b => b.Amount);
        long tranches = basket.Where(b => !b.Token.IsUnderlying).Sum(b => b.Amount);
        return new SpotFlowResult(outcome, fee, ampl, tranches);
    }

    private static SpotOutcome Outcome(Action transaction)
    {
        try
        {
            transaction();
            return SpotOutcome.Ok;
        }
        catch (Exception e) when (e is ProtocolException or FixedPointOverflowException or FixedPointDivideByZeroException)
        {
            return SpotOutcomes.FromException(e);
        }
    }

    private static SpotFeePolicy SeedingPolicy(SpotVersion version) => version switch
    {
        SpotVersion.V5 => new PinnedFeePolicy(0) { ProtocolSharePerc = 0 },
        SpotVersion.V3 or SpotVersion.V4 => new SubscriptionFeePolicy
        {
            DeviationRatioBoundLower = 0,
            DeviationRatioBoundUpper = long.MaxValue,
            VaultUnderlyingToPerpSwapFeePerc = 0,
            VaultPerpToUnderlyingSwapFeePerc = 0,
            RolloverFeeLower = -1,
            RolloverFeeUpper = 1,
        },
        _ => throw new ArgumentException($"the batch simulator models SPOT v3, v4 and v5, not {version}", nameof(version)),
    };

    /// <summary>Thrown to undo a preview transaction; never escapes this class.</summary>
    private sealed class PreviewUndone : Exception
    {
    }
}
