using System.Numerics;
using Backtest.Numerics;
using Backtest.Protocols;
using Backtest.Protocols.Ampleforth;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Liquidity;
using Backtest.Protocols.Ampleforth.Policy;
using Backtest.Protocols.Ampleforth.Spot;
using Backtest.Protocols.Ampleforth.Tokens;

namespace Backtest.Engine.Models.Spot;

/// <summary>What the keepers' part of a day did.</summary>
public readonly record struct KeeperDay(long SupplyDelta, double RebasePercent, long RebalanceAmount, bool RolloverDue, bool Unrollable, bool SupplyCapped);

/// <summary>The value one exit received, in AMPL at the day's market price, and the part of it the contracts kept as fees.</summary>
public readonly record struct ExitFill(long Units, long ValueAmpl, long FairValueAmpl, long FeeAmpl);

/// <summary>
/// One path's SPOT system built from the contract models: AMPL and its monetary policy, the bond
/// issuer, the perp and the rollover vault of the chosen generation, the SPOT-USDC pool and (v5)
/// seed 000's AMPL-USDC vault, seeded at DR = 1. It runs the keepers' daily schedule and the
/// public operations agents use; every operation is a contract transaction, so a revert leaves
/// the state as it was and is reported to the caller as a <see cref="ProtocolException"/>.
/// </summary>
/// <remarks>
/// Seeding (at 00:00 UTC of the first day): a seeder tranches initial_perp_tvl/r AMPL in the first
/// deposit bond and mints SPOT with the seniors (the juniors stay with the seeder, an outside
/// junior holder); then deposits target_system_ratio × that in the vault. The SPOT goes to the SPOT
/// holders' account and the notes to the note holders'. A v5 perp cannot be minted while empty
/// (its fee policy divides by the perp's TVL), so seeding runs under a zero-fee policy and the
/// configured one takes over after, as mainnet migrated v5 over an existing system. The vault
/// holds AMPL until the first rollover window (the seed bond's last week), then rolls as usual.
/// </remarks>
public sealed class SpotWorld
{
    /// <summary>Bond issue window offset of the mainnet issuer: Wednesday 03:00 UTC.</summary>
    public const long IssueWindowOffsetSec = 529_200;

    private const long Day = 86_400;
    private static readonly long UnixEpochDay = new DateOnly(1970, 1, 1).DayNumber;

    private readonly SpotSettings settings;
    private readonly SpotMarketPath market;
    private readonly List<Tranche> heldByHolders = [];

    public SpotWorld(SpotSettings settings, SpotGeneration generation, SpotMarketPath market)
    {
        this.settings = settings;
        this.market = market;
        Generation = generation;
        Chain = new Chain(Midnight(0));
        Market = Chain.CreateAccount("AMPL market");
        Seeder = Chain.CreateAccount("seeder (outside junior holder)");
        SpotHolders = Chain.CreateAccount("SPOT holders");
        NoteHolders = Chain.CreateAccount("vault-note holders");
        Arbitrageur = Chain.CreateAccount("arbitrageur");
        Ampl = AmplToken.WithSupply(Chain, Market, market.InitialSupply);
        Policy = new MonetaryPolicy(AmplPolicyTimeline.Mainnet.At(Instant(0)).Parameters);
        Issuer = new BondIssuer(Chain, Ampl, new BondIssuerConfig(settings.BondDurationSec, settings.TrancheRatios, settings.BondIntervalSec, IssueWindowOffsetSec));
        var version = generation switch { SpotGeneration.V2 => SpotVersion.V2, SpotGeneration.V4 => SpotVersion.V4, _ => SpotVersion.V5 };
        Perp = new PerpetualTranche(Chain, Ampl, Issuer, generation == SpotGeneration.V5 ? new SeedingFeePolicy() : SpotFeePolicy.ForVersion(version), version);
        Perp.UpdateTolerableTrancheMaturity(settings.MinTrancheMaturitySec, settings.MaxTrancheMaturitySec);
        Vault = new RolloverVault(Chain, Perp)
        {
            ReservedUnderlyingBal = settings.VaultReservedAmpl,
            ReservedUnderlyingPerc = generation == SpotGeneration.V5 ? settings.VaultReservedPerc : 0,
        };
        Usdc = new TokenLedger<long>(Chain, "USDC");
        Seed();
        Perp.FeePolicy = ConfiguredPolicy(generation);
        // The pool opens at SPOT's NAV at AMPL's market price: what redeeming and selling the basket fetches.
        long nav = Fixed.MulDiv(market.AmplPrice[0], Perp.GetTVL(), Perp.TotalSupply, Rounding.Floor);
        Pool = new ConcentratedPool(Chain, Perp.Token, Usdc, settings.PoolFeePips, SpotUsdcPrice.ToSqrtPriceX96(Fixed.Div(nav, market.UsdcPrice[0], Rounding.Floor)));
        SeedLiquidity();
        InitialNavAmpl = NavAmpl;
        InitialNoteNavAmpl = NoteNavAmpl;
    }

    public SpotGeneration Generation { get; }

    public Chain Chain { get; }

    public AmplToken Ampl { get; }

    public MonetaryPolicy Policy { get; }

    public BondIssuer Issuer { get; }

    public PerpetualTranche Perp { get; }

    public RolloverVault Vault { get; }

    public TokenLedger<long> Usdc { get; }

    public ConcentratedPool Pool { get; }

    /// <summary>Seed 000's AMPL-USDC vault (v5 with usdc_vault on), else null and a passive LP holds the bands.</summary>
    public AmplUsdcVault? UsdcVault { get; private set; }

    public int Market { get; }

    public int Seeder { get; }

    public int SpotHolders { get; }

    public int NoteHolders { get; }

    public int Arbitrageur { get; }

    /// <summary>AMPL per SPOT at seeding.</summary>
    public double InitialNavAmpl { get; }

    /// <summary>AMPL per note (×10⁶) at seeding.</summary>
    public double InitialNoteNavAmpl { get; }

    /// <summary>The day being simulated.</summary>
    public int Step { get; private set; }

    public long AmplPrice => market.AmplPrice[Step];

    public long AmplTarget => market.AmplTarget[Step];

    public long UsdcPrice => market.UsdcPrice[Step];

    /// <summary>SPOT's NAV in AMPL per SPOT (perp TVL ÷ supply).</summary>
    public double NavAmpl => Perp.TotalSupply == 0 ? double.NaN : (double)Perp.GetTVL() / Perp.TotalSupply;

    /// <summary>A note's NAV in AMPL per 10⁶ notes (the initial rate).</summary>
    public double NoteNavAmpl => Vault.Notes.TotalSupply == 0 ? double.NaN : (double)Vault.GetTVL() * RolloverVault.InitialRate / (double)Vault.Notes.TotalSupply;

    /// <summary>SPOT's price on the pool in USD (USDC per SPOT × USDC's price).</summary>
    public double PoolPriceUsd => SpotUsdcPrice.ToPrice(Pool.SqrtPriceX96) * Fixed.ToDouble(UsdcPrice);

    /// <summary>SPOT's NAV in USD at AMPL's market price.</summary>
    public double NavUsd => NavAmpl * Fixed.ToDouble(AmplPrice);

    /// <summary>
    /// What one SPOT is worth leaving through the contracts now, in USD at AMPL's market price:
    /// the better of the perp's redemption (basket valued as in <see cref="BasketValue"/>) and,
    /// from v3, the vault's SPOT→AMPL swap, each after the fee the fee policy charges at the
    /// current DR. While the system is over-subscribed the v5 DR-raising fee makes this less than
    /// <see cref="NavUsd"/>, and no arbitrage can close a pool discount inside that fee. NaN when
    /// every contract route refuses (a fee of 100% or more reverts, spec §4.1): then the pool is
    /// the only exit and there is no contract value to be at a discount to. A quote: no state changes.
    /// </summary>
    public double ExitValueUsd()
    {
        long unit = Math.Min(Fixed.One, Perp.Token.BalanceOf(SpotHolders));
        long redeem = unit <= 0 ? -1 : TryQuote(() => BasketValue(Perp.ComputeRedemptionAmts(SpotHolders, unit)));
        long swap = unit <= 0 || Generation == SpotGeneration.V2 ? -1 : TryQuote(() => Vault.ComputePerpToUnderlyingSwapAmt(unit).UnderlyingAmtOut);
        long best = Math.Max(redeem, swap);
        return best <= 0 ? double.NaN : (double)best / unit * Fixed.ToDouble(AmplPrice);
    }

    /// <summary>
    /// What one SPOT costs minted through the vault's AMPL→SPOT swap now (v3+), in USD at AMPL's
    /// market price, after the fee the fee policy charges at the current DR; v2 (no vault swap)
    /// and a refused swap give NaN (no contract entry to compare with). A quote: no state changes.
    /// </summary>
    public double EntryCostUsd()
    {
        if (Generation == SpotGeneration.V2)
        {
            return double.NaN;
        }

        long spot = TryQuote(() => Vault.ComputeUnderlyingToPerpSwapAmt(Fixed.One).PerpAmtOut);
        return spot <= 0 ? double.NaN : Fixed.ToDouble(AmplPrice) / Fixed.ToDouble(spot);
    }

    /// <summary>The deviation ratio: the generation's own (v5 system ratio, v3/v4 subscription ratio), v2 the v5 definition with target_system_ratio.</summary>
    public double DeviationRatio()
    {
        if (Perp.GetTVL() == 0)
        {
            return double.NaN;
        }

        if (Generation == SpotGeneration.V2)
        {
            return (double)Vault.GetTVL() / Perp.GetTVL() / ((double)settings.TargetSystemRatio / SpotFeePolicy.One);
        }

        return (double)Vault.DeviationRatio() / SpotFeePolicy.One;
    }

    /// <summary>The lowest collateral C ÷ senior supply of any live bond with seniors (below 1: its senior is impaired); NaN with none.</summary>
    public double SeniorCdrMin()
    {
        double min = double.NaN;
        foreach (var bond in Issuer.IssuedBonds)
        {
            if (bond.IsMature || bond.SecondsToMaturity <= 0 || bond.Senior.TotalSupply == 0)
            {
                continue;
            }

            double cover = (double)bond.CollateralBalance / bond.Senior.TotalSupply;
            min = double.IsNaN(min) ? cover : Math.Min(min, cover);
        }

        return min;
    }

    /// <summary>AMPL the perp's seniors are short of par (Σ over reserve seniors of balance − claim value), 0 while all are covered.</summary>
    public long SeniorShortfall()
    {
        long shortfall = 0;
        foreach (var tranche in Perp.ReserveTranches)
        {
            long balance = tranche.BalanceOf(Perp.Account);
            long value = Perp.TrancheValue(tranche, balance, Rounding.Floor);
            shortfall = Fixed.Add(shortfall, Math.Max(0, balance - value));
        }

        return shortfall;
    }

    /// <summary>
    /// The start of day <paramref name="step"/>: the AMPL rebase of the era in force (rate = the
    /// previous day's close, target = the day's target), then the keepers: the perp's state
    /// update (issuing the weekly bond when due), the v5 daily rebalance, recover and deploy
    /// (noting whether anything up for rollover was left unrolled), and the AMPL-USDC vault's rebalance.
    /// </summary>
    public KeeperDay BeginDay(int step)
    {
        Step = step;
        long supplyBefore = Ampl.TotalSupply;
        bool capped = AmplSupplyReplay.RebaseDay(Chain, Policy, Ampl, market.Days[step], market.OracleRate(step), AmplTarget) == AmplSupplyReplay.SupplyCapped;
        long delta = Ampl.TotalSupply - supplyBefore;
        Chain.Advance(120);
        Perp.UpdateState();
        long rebalance = 0;
        if (Generation == SpotGeneration.V5)
        {
            var s = Vault.QuerySystemTvl();
            var policy = (DeviationFeePolicy)Perp.FeePolicy;
            long rebalanceDue = Vault.LastRebalanceTimestampSec + policy.RebalanceFreqSec;
            if (Chain.Now == rebalanceDue)
            {
                // The contract wants strictly more than one interval; a keeper's next block is a second later.
                Chain.Advance(1);
            }

            try
            {
                Int128 amount = policy.ComputeRebalanceAmount(s.PerpTVL, s.VaultTVL);
                Vault.Rebalance();
                rebalance = (long)amount;
            }
            catch (ProtocolException)
            {
                // Too recent (the first day) or a revert the keeper cannot fix: the day passes without a rebalance.
            }
        }

        bool due = UpForRollover();
        try
        {
            Vault.Recover();
            Vault.Deploy();
        }
        catch (ProtocolException)
        {
            // Nothing usable, nothing to roll, or a bond refusing a deposit too small to open it:
            // the keeper's transaction reverts and, if a rollover was due, the day counts as unrollable.
        }

        bool unrollable = due && UpForRollover();
        if (UsdcVault is not null)
        {
            try
            {
                UsdcVault.Rebalance(AmplTarget);
            }
            catch (ProtocolException)
            {
                // Not yet due, or a revert (e.g. a redeem2 the vault cannot pay): retried on its next day.
            }
        }

        return new KeeperDay(delta, supplyBefore == 0 ? 0 : 100.0 * delta / supplyBefore, rebalance, due, unrollable, capped);
    }

    /// <summary>The AMPL value of a basket: AMPL plus each tranche at its collateral claim (rounded down).</summary>
    public long BasketValue(IEnumerable<TokenAmount> basket)
    {
        long value = 0;
        foreach (var (token, amount) in basket)
        {
            if (amount <= 0)
            {
                continue;
            }

            if (token.IsUnderlying)
            {
                value = Fixed.Add(value, amount);
                continue;
            }

            var (claim, supply) = TrancheMath.Collateralization(token.Tranche!);
            value = Fixed.Add(value, supply > 0 ? Fixed.MulDiv(claim, amount, supply, Rounding.Floor) : 0);
        }

        return value;
    }

    /// <summary>USDC base units in AMPL at the day's USDC and AMPL prices (rounded down).</summary>
    public long UsdcInAmpl(long usdc) =>
        Fixed.MulDiv(Fixed.Mul(SpotUsdcPrice.UsdcToAmount(usdc), UsdcPrice, Rounding.Floor), Fixed.One, AmplPrice, Rounding.Floor);

    /// <summary>SPOT's fair value in AMPL (perp TVL × amount ÷ supply, rounded down).</summary>
    public long SpotFairAmpl(long amount) => Fixed.MulDiv(Perp.GetTVL(), amount, Perp.TotalSupply, Rounding.Floor);

    /// <summary>
    /// A SPOT holder's exit of <paramref name="amount"/> by <paramref name="route"/> (the best
    /// quote first, falling back to the next when a route reverts). Throws the last
    /// <see cref="ProtocolException"/> if every route refuses.
    /// </summary>
    public ExitFill ExitSpot(int holder, long amount, SpotExitRoute route)
    {
        long fair = SpotFairAmpl(amount);
        var quotes = new List<(string Route, long Value)>();
        if (route is SpotExitRoute.Best or SpotExitRoute.Pool)
        {
            quotes.Add(("pool", TryQuote(() => UsdcInAmpl(Pool.Quote(true, amount).AmountOut))));
        }

        if (route is SpotExitRoute.Best && Generation != SpotGeneration.V2)
        {
            quotes.Add(("swap", TryQuote(() => Vault.ComputePerpToUnderlyingSwapAmt(amount).UnderlyingAmtOut)));
        }

        if (route is SpotExitRoute.Best or SpotExitRoute.Redeem)
        {
            quotes.Add(("redeem", TryQuote(() => BasketValue(Perp.ComputeRedemptionAmts(holder, amount)))));
        }

        ProtocolException? last = null;
        foreach (var (name, _) in quotes.OrderByDescending(q => q.Value))
        {
            try
            {
                long value = name switch
                {
                    "pool" => UsdcInAmpl(Pool.Swap(holder, true, amount).AmountOut),
                    "swap" => Vault.SwapPerpsForUnderlying(holder, amount),
                    _ => RedeemSpot(holder, amount),
                };
                long fee = name == "pool" ? 0 : Math.Max(0, fair - value);
                return new ExitFill(amount, value, fair, fee);
            }
            catch (ProtocolException e)
            {
                last = e;
            }
        }

        throw last ?? new PerpException(PerpException.UnacceptableRedemption, "no exit route");
    }

    /// <summary>A note holder's redemption into the vault's basket, valued in AMPL, with the fair value (TVL share) it was worth.</summary>
    public ExitFill ExitNotes(int holder, Int128 notes)
    {
        long fair = Fixed.ToInt64(Fixed.MulDiv((Int128)Vault.GetTVL(), notes, Vault.Notes.TotalSupply, Rounding.Floor), "note value");
        var basket = Vault.Redeem(holder, notes);
        Track(basket);
        long value = BasketValue(basket);
        return new ExitFill(Fixed.ToInt64(notes / RolloverVault.InitialRate, "notes"), value, fair, Math.Max(0, fair - value));
    }

    /// <summary>
    /// One arbitrage: when the pool price is more than the threshold above the contracts' entry
    /// cost (<see cref="EntryCostUsd"/>) or below their exit value (<see cref="ExitValueUsd"/>),
    /// trade through the pool and the contracts until the pool price is back at half the threshold (sized by
    /// bisection on pool quotes), only if the previewed trade is profitable at the day's AMPL and
    /// USDC prices. Returns the AMPL value of fees the SPOT contracts charged (0 if nothing traded).
    /// </summary>
    public long Arbitrage(double threshold)
    {
        // The round trips pay what the contracts charge at the current DR, so the pool is pulled
        // to the contracts' exit value from below and their entry cost from above, not to fair
        // NAV: inside that band (the fee band) no trade pays.
        double price = PoolPriceUsd;
        double exit = ExitValueUsd();
        double entry = EntryCostUsd();
        try
        {
            if (price > entry * (1 + threshold))
            {
                return SellSpotIntoPool(entry * (1 + (threshold / 2)));
            }

            return price < exit * (1 - threshold) ? BuySpotFromPool(exit * (1 - (threshold / 2))) : 0;
        }
        catch (ProtocolException)
        {
            return 0;
        }
    }

    /// <summary>Invariants of a day (AmpleforthInvariants.CheckSystem plus bond debts of every issued bond).</summary>
    public IReadOnlyList<InvariantResult> CheckInvariants() => AmpleforthInvariants.CheckSystem(Vault, Issuer.IssuedBonds);

    private long SellSpotIntoPool(double targetUsd)
    {
        BigInteger limit = SqrtOf(targetUsd);
        long supply = Perp.TotalSupply;
        long spot = Bisect(q => Pool.Quote(true, q).SqrtPriceAfter > limit, Math.Max(1, supply / 4));
        if (spot <= 0)
        {
            return 0;
        }

        long amplIn = Fixed.MulDiv(spot, Perp.GetTVL(), supply, Rounding.Ceiling);
        long fair = amplIn;
        long spotOut = Generation == SpotGeneration.V2 ? 0 : TryQuote(() => Vault.ComputeUnderlyingToPerpSwapAmt(amplIn).PerpAmtOut);
        if (spotOut <= 0 || UsdcInAmpl(Pool.Quote(true, spotOut).AmountOut) <= amplIn)
        {
            return 0;
        }

        Ampl.Transfer(Market, Arbitrageur, amplIn);
        long got = Vault.SwapUnderlyingForPerps(Arbitrageur, amplIn);
        var sold = Pool.Swap(Arbitrageur, true, got);
        Usdc.Burn(Arbitrageur, sold.AmountOut);
        return Math.Max(0, fair - SpotFairAmpl(got));
    }

    private long BuySpotFromPool(double targetUsd)
    {
        BigInteger limit = SqrtOf(targetUsd);
        long usdc = Bisect(u => Pool.Quote(false, u).SqrtPriceAfter < limit, Math.Max(1, Usdc.BalanceOf(Pool.Account)));
        if (usdc <= 0)
        {
            return 0;
        }

        var quote = Pool.Quote(false, usdc);
        long spot = quote.AmountOut;
        long value = Generation == SpotGeneration.V2
            ? TryQuote(() => BasketValue(Perp.ComputeRedemptionAmts(Arbitrageur, spot)))
            : Math.Max(TryQuote(() => Vault.ComputePerpToUnderlyingSwapAmt(spot).UnderlyingAmtOut), TryQuote(() => BasketValue(Perp.ComputeRedemptionAmts(Arbitrageur, spot))));
        if (value <= UsdcInAmpl(usdc))
        {
            return 0;
        }

        Usdc.Mint(Arbitrageur, usdc);
        long bought = Pool.Swap(Arbitrageur, false, usdc).AmountOut;
        var fill = ExitSpot(Arbitrageur, bought, Generation == SpotGeneration.V2 ? SpotExitRoute.Redeem : SpotExitRoute.Best);
        long ampl = Ampl.BalanceOf(Arbitrageur);
        Ampl.Transfer(Arbitrageur, Market, ampl);
        return fill.FeeAmpl;
    }

    /// <summary>The largest amount in [0, max] for which <paramref name="withinTarget"/> still holds (the price has not passed the target), by bisection.</summary>
    private static long Bisect(Func<long, bool> withinTarget, long max)
    {
        long lo = 0, hi = max;
        if (Safe(() => withinTarget(hi)))
        {
            return hi;
        }

        for (int i = 0; i < 40 && hi - lo > 1; i++)
        {
            long mid = lo + ((hi - lo) / 2);
            if (Safe(() => withinTarget(mid)))
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    private static bool Safe(Func<bool> test)
    {
        try
        {
            return test();
        }
        catch (ProtocolException)
        {
            return false;
        }
    }

    private BigInteger SqrtOf(double priceUsd) =>
        SpotUsdcPrice.ToSqrtPriceX96(Math.Max(1, Fixed.FromDouble(priceUsd / Fixed.ToDouble(UsdcPrice))));

    private long RedeemSpot(int holder, long amount)
    {
        var basket = Perp.Redeem(holder, amount);
        Track(basket);
        return BasketValue(basket);
    }

    private void Track(IEnumerable<TokenAmount> basket)
    {
        foreach (var (token, amount) in basket)
        {
            if (!token.IsUnderlying && amount > 0 && !heldByHolders.Contains(token.Tranche!))
            {
                heldByHolders.Add(token.Tranche!);
            }
        }
    }

    private static long TryQuote(Func<long> quote)
    {
        try
        {
            return quote();
        }
        catch (ProtocolException)
        {
            return -1;
        }
    }

    private bool UpForRollover()
    {
        foreach (var token in Perp.GetReserveTokensUpForRollover())
        {
            long balance = Perp.ReserveBalance(token);
            if (token.IsUnderlying ? balance > Fixed.One : balance > 0)
            {
                return true;
            }
        }

        return false;
    }

    private void Seed()
    {
        var bond = Perp.GetDepositBond();
        int ratio = bond.Senior.Ratio;
        long perpTvl = settings.InitialPerpTvl;
        long tranched = Fixed.MulDiv(perpTvl, BondController.TrancheRatioGranularity, ratio, Rounding.Ceiling);
        Ampl.Transfer(Market, Seeder, tranched);
        long seniors = bond.Deposit(Seeder, tranched)[0];
        long spot = Perp.Deposit(Seeder, bond.Senior, seniors);
        Perp.Token.Transfer(Seeder, SpotHolders, spot);
        long vaultTvl = Fixed.MulDiv(Perp.GetTVL(), settings.TargetSystemRatio, SpotFeePolicy.One, Rounding.Floor);
        Ampl.Transfer(Market, Seeder, vaultTvl);
        Int128 notes = Vault.Deposit(Seeder, vaultTvl);
        Vault.Notes.Transfer(Seeder, NoteHolders, notes);
    }

    private void SeedLiquidity()
    {
        long usdc = settings.UsdcVaultUsdc;
        long ampl = settings.UsdcVaultAmpl;
        if (usdc <= 0 && ampl <= 0)
        {
            return;
        }

        if (Generation == SpotGeneration.V5 && settings.UsdcVault)
        {
            UsdcVault = new AmplUsdcVault(Chain, Vault, Pool, new AmplUsdcVaultConfig(LiquidityBand.Seed000, settings.LpRebalanceSec, SpotFeePolicy.One, settings.LpUnderSubscribedPull));
            Ampl.Transfer(Market, Seeder, ampl);
            Usdc.Mint(Seeder, usdc);
            UsdcVault.Deposit(Seeder, ampl, usdc, AmplTarget, usdcPriceValid: true);
            UsdcVault.Deploy(AmplTarget);
            return;
        }

        // A passive LP in the same bands: SPOT minted from seniors (juniors kept), USDC alongside.
        int lp = Chain.CreateAccount("passive SPOT-USDC LP");
        var bond = Perp.GetDepositBond();
        long perpShare = Fixed.MulDiv(ampl, SpotFeePolicy.One, SpotFeePolicy.One + settings.TargetSystemRatio, Rounding.Floor);
        long tranched = Fixed.MulDiv(perpShare, BondController.TrancheRatioGranularity, bond.Senior.Ratio, Rounding.Ceiling);
        Ampl.Transfer(Market, lp, tranched);
        long seniors = bond.Deposit(lp, tranched)[0];
        long spot = Perp.Deposit(lp, bond.Senior, seniors);
        Usdc.Mint(lp, usdc);
        LiquidityBand.Provide(Pool, lp, spot, usdc, LiquidityBand.Seed000);
    }

    private SpotFeePolicy ConfiguredPolicy(SpotGeneration generation)
    {
        switch (generation)
        {
            case SpotGeneration.V5:
                var v5 = new DeviationFeePolicy
                {
                    TargetSystemRatio = settings.TargetSystemRatio,
                    EquilibriumDR = settings.EquilibriumDR,
                    PerpDebasementLag = settings.DebasementLag,
                    PerpEnrichmentLag = settings.EnrichmentLag,
                    PerpDebasementPercLimits = settings.DebasementLimits,
                    PerpEnrichmentPercLimits = settings.EnrichmentLimits,
                    ProtocolSharePerc = settings.ProtocolShare,
                };
                v5.UpdateFees(settings.FeeDown, settings.FeeUp);
                return v5;
            case SpotGeneration.V4:
                // The system-ratio target as the v3/v4 subscription ratio: SR = vaultTVL·r/(perpTVL·(1000 − r)).
                int r = settings.TrancheRatios[0];
                return new SubscriptionFeePolicy { TargetSubscriptionRatio = Fixed.MulDiv(settings.TargetSystemRatio, r, 1000 - r, Rounding.Floor) };
            default:
                return new BasicFeeStrategy();
        }
    }

    private long Midnight(int step) => (market.Days[step].DayNumber - UnixEpochDay) * Day;

    private DateTimeOffset Instant(int step) => new(market.Days[step].ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    /// <summary>A zero-fee v5 policy for seeding: defines DR as 1 while the perp is empty, where the real policy divides by zero.</summary>
    private sealed class SeedingFeePolicy : DeviationFeePolicy
    {
        public override Int128 ComputeDeviationRatio(Int128 perpTVL, Int128 vaultTVL) => perpTVL == 0 ? One : base.ComputeDeviationRatio(perpTVL, vaultTVL);

        public override Int128 ComputeFeePerc(Int128 drPre, Int128 drPost) => 0;
    }
}
