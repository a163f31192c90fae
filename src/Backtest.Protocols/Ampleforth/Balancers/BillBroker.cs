using System.Numerics;
using Backtest.Protocols.Ampleforth.Policy;
using Backtest.Protocols.Ampleforth.Spot;
using Backtest.Protocols.Ampleforth.Tokens;

namespace Backtest.Protocols.Ampleforth.Balancers;

/// <summary>The BillBroker contract generations (spot-vaults <c>BillBroker.sol</c>).</summary>
public enum BillBrokerVersion
{
    /// <summary>
    /// The original code (the deploy task still passes a "pricing strategy"): a pricing strategy (<see cref="SpotAppraiser"/>) gives the perp price,
    /// two-sided deposits only, no locked minimum liquidity, the LP share of a swap fee is rounded
    /// down and the protocol takes the remainder, AR bounds default to soft [0.9, 1.1] and hard
    /// [0.75, 1.25].
    /// </summary>
    Original = 1,

    /// <summary>
    /// The later code (commit <c>c31d322</c>): perp price = fair value × beta
    /// (<see cref="SpotPricer"/>), single-sided deposits that move the asset ratio toward 1,
    /// first mint at 10⁶ LP per dollar with 10²² LP locked, the protocol share rounded down and
    /// the LPs taking the remainder, AR bounds default to [0, 2²⁵⁶ − 1].
    /// </summary>
    SingleSided = 2,
}

/// <summary>A fee range at 18 decimals: the flat fee (Lower) and the fee at the hard bound (Upper).</summary>
public readonly record struct BillBrokerFeeRange(long Lower, long Upper);

/// <summary>The BillBroker's fees, all at 18 decimals.</summary>
public sealed record BillBrokerFees(
    long MintFeePerc,
    long BurnFeePerc,
    BillBrokerFeeRange PerpToUsdSwapFeePercs,
    BillBrokerFeeRange UsdToPerpSwapFeePercs,
    long ProtocolSwapSharePerc)
{
    /// <summary>The contract's initial fees: no mint or burn fee, 100% swap fees (swaps off until the owner sets them).</summary>
    public static BillBrokerFees ContractDefault { get; } =
        new(0, 0, new(BillBroker.One, BillBroker.One), new(BillBroker.One, BillBroker.One), 0);
}

/// <summary>An asset-ratio range at 18 decimals (uint256 values; the upper end may be 2²⁵⁶ − 1).</summary>
public readonly record struct AssetRatioRange(BigInteger Lower, BigInteger Upper);

/// <summary>The broker's balances and the two prices, read once per operation.</summary>
public readonly record struct BillBrokerReserveState(long UsdBalance, long PerpBalance, Int128 UsdPrice, Int128 PerpPrice);

/// <summary>A two-sided deposit quote: LP tokens (before any minimum-liquidity lock) and the amounts taken.</summary>
public readonly record struct BillBrokerMint(Int128 LpAmt, long UsdAmtIn, long PerpAmtIn, bool IsFirstMint);

/// <summary>A swap quote: the amount paid out (net of fees) and the fee split, in the token paid out.</summary>
public readonly record struct BillBrokerSwap(long AmountOut, long LpFee, long ProtocolFee);

/// <summary>
/// The USDC/SPOT BillBroker (spot-vaults <c>BillBroker.sol</c>): an LP pool that swaps SPOT and a
/// USD token at oracle prices. The asset ratio AR = USD value ÷ perp value; a swap's fee is the
/// average height of a fee curve over [AR before, AR after] — flat inside the soft bound, linear
/// from the soft to the hard bound, 100% (the swap reverts) past the hard bound. Prices come from
/// <see cref="IBillBrokerPricing"/>; an invalid price (USDC outside (0.99, 1.01), a stale round,
/// an unhealthy SPOT for the appraiser) reverts every price-reading operation with
/// <c>UnreliablePrice</c>. Every integer operation is the contract's, in its order and rounding.
/// </summary>
public sealed class BillBroker
{
    public const long One = 1_000_000_000_000_000_000L;

    /// <summary>LP tokens per dollar on the first single-sided-version mint.</summary>
    public const long InitialRate = 1_000_000;

    /// <summary>LP tokens locked in the broker on the first single-sided-version mint.</summary>
    public static readonly Int128 MinimumLiquidity = (Int128)10_000 * One;

    public static readonly BigInteger Uint256Max = (BigInteger.One << 256) - 1;

    private static readonly BigInteger Int256Max = (BigInteger.One << 255) - 1;

    private readonly Chain _chain;

    public BillBroker(Chain chain, TokenLedger<long> usd, int usdDecimals, PerpetualTranche perp, IBillBrokerPricing pricing, BillBrokerVersion version)
    {
        _chain = chain;
        Usd = usd;
        Perp = perp;
        Pricing = pricing;
        Version = version;
        UsdUnitAmt = (long)BigInteger.Pow(10, usdDecimals);
        PerpUnitAmt = 1_000_000_000;
        Account = chain.CreateAccount("billBroker");
        Owner = chain.CreateAccount("billBrokerOwner");
        Lp = new TokenLedger<Int128>(chain, "BB-USDC-SPOT");
        Fees = BillBrokerFees.ContractDefault;
        (ArSoftBound, ArHardBound) = version == BillBrokerVersion.Original
            ? (new AssetRatioRange(Fraction(9, 10), Fraction(11, 10)), new AssetRatioRange(Fraction(3, 4), Fraction(5, 4)))
            : (new AssetRatioRange(0, Uint256Max), new AssetRatioRange(0, Uint256Max));
    }

    public BillBrokerVersion Version { get; }

    /// <summary>n/d at 18 decimals, for asset ratios.</summary>
    public static BigInteger Fraction(long n, long d) => (BigInteger)One * n / d;

    public TokenLedger<long> Usd { get; }

    public PerpetualTranche Perp { get; }

    public IBillBrokerPricing Pricing { get; set; }

    public long UsdUnitAmt { get; }

    public long PerpUnitAmt { get; }

    /// <summary>The broker's own account (holds the reserves and the locked minimum liquidity).</summary>
    public int Account { get; }

    /// <summary>The owner, who collects the protocol's share of swap fees.</summary>
    public int Owner { get; }

    /// <summary>The LP token (18 decimals).</summary>
    public TokenLedger<Int128> Lp { get; }

    public BillBrokerFees Fees { get; private set; }

    public AssetRatioRange ArSoftBound { get; private set; }

    public AssetRatioRange ArHardBound { get; private set; }

    public bool Paused { get; private set; }

    public long UsdBalance => Usd.BalanceOf(Account);

    public long PerpBalance => Perp.Token.BalanceOf(Account);

    public void Pause() => Paused = true;

    public void Unpause() => Paused = false;

    /// <summary>Sets the fees; reverts (InvalidPerc) when a mint, burn or protocol share exceeds 100% or a range is inverted.</summary>
    public void UpdateFees(BillBrokerFees fees)
    {
        if (fees.MintFeePerc > One || fees.BurnFeePerc > One || fees.ProtocolSwapSharePerc > One
            || fees.MintFeePerc < 0 || fees.BurnFeePerc < 0 || fees.ProtocolSwapSharePerc < 0
            || fees.PerpToUsdSwapFeePercs.Lower > fees.PerpToUsdSwapFeePercs.Upper
            || fees.UsdToPerpSwapFeePercs.Lower > fees.UsdToPerpSwapFeePercs.Upper
            || fees.PerpToUsdSwapFeePercs.Lower < 0 || fees.UsdToPerpSwapFeePercs.Lower < 0)
        {
            throw Revert(BalancerException.InvalidPerc, $"{fees}");
        }

        Fees = fees;
    }

    /// <summary>
    /// Sets the AR bounds. Single-sided version: hard.lower ≤ soft.lower ≤ soft.upper ≤ hard.upper. Original: each
    /// range must contain 1.0. Otherwise reverts (InvalidARBound).
    /// </summary>
    public void UpdateARBounds(AssetRatioRange soft, AssetRatioRange hard)
    {
        bool valid = Version == BillBrokerVersion.Original
            ? soft.Lower <= One && soft.Upper >= One && hard.Lower <= One && hard.Upper >= One
            : hard.Lower <= soft.Lower && soft.Lower <= soft.Upper && soft.Upper <= hard.Upper;
        if (!valid || soft.Lower.Sign < 0 || hard.Lower.Sign < 0 || soft.Upper > Uint256Max || hard.Upper > Uint256Max)
        {
            throw Revert(BalancerException.InvalidARBound, $"soft {soft}, hard {hard}");
        }

        (ArSoftBound, ArHardBound) = (soft, hard);
    }

    // ------------------------------------------------------------------ prices and ratio

    /// <summary>The balances and prices; reverts (UnreliablePrice) when either price is invalid.</summary>
    public BillBrokerReserveState ReserveState() =>
        new(UsdBalance, PerpBalance, ReadPrice(Pricing.UsdPrice(), "usd"), ReadPrice(Pricing.PerpPrice(), "perp"));

    /// <summary>
    /// AR = (usd·usdPrice/usdUnit)·1.0/(perp·perpPrice/perpUnit), each step rounded down. With no
    /// perps the single-sided code returns 2²⁵⁶ − 1; the original code divides by zero.
    /// </summary>
    public BigInteger AssetRatio(BillBrokerReserveState s)
    {
        if (s.PerpBalance <= 0 && Version == BillBrokerVersion.SingleSided)
        {
            return Uint256Max;
        }

        BigInteger usdValue = MulDiv(s.UsdBalance, s.UsdPrice, UsdUnitAmt);
        BigInteger perpValue = MulDiv(s.PerpBalance, s.PerpPrice, PerpUnitAmt);
        return MulDiv(usdValue, One, perpValue);
    }

    // ------------------------------------------------------------------ quotes

    /// <summary>The LP tokens a two-sided deposit of at most the given amounts mints, and the amounts it takes.</summary>
    public BillBrokerMint ComputeMintAmt(long usdAmtMax, long perpAmtMax)
    {
        Int128 supply = Lp.TotalSupply;
        bool first = supply <= 0;
        if (Version == BillBrokerVersion.Original ? usdAmtMax <= 0 || perpAmtMax <= 0 : usdAmtMax <= 0 && perpAmtMax <= 0)
        {
            return new BillBrokerMint(0, 0, 0, first);
        }

        long usdIn;
        long perpIn;
        BigInteger mint;
        if (first)
        {
            (usdIn, perpIn) = (usdAmtMax, perpAmtMax);
            mint = MulDiv(One, usdIn, UsdUnitAmt) + MulDiv(One, perpIn, PerpUnitAmt);
            if (Version == BillBrokerVersion.SingleSided)
            {
                mint *= InitialRate;
            }
        }
        else
        {
            long usdBal = UsdBalance;
            long perpBal = PerpBalance;
            if (Version == BillBrokerVersion.SingleSided && usdBal == 0)
            {
                (usdIn, perpIn) = (0, perpAmtMax);
                mint = MulDiv(supply, perpIn, perpBal);
            }
            else if (Version == BillBrokerVersion.SingleSided && perpBal == 0)
            {
                (usdIn, perpIn) = (usdAmtMax, 0);
                mint = MulDiv(supply, usdIn, usdBal);
            }
            else
            {
                usdIn = usdAmtMax;
                perpIn = ToAmount(MulDiv(perpBal, usdIn, usdBal));
                mint = MulDiv(supply, usdIn, usdBal);
                if (perpIn > perpAmtMax)
                {
                    perpIn = perpAmtMax;
                    usdIn = ToAmount(MulDiv(usdBal, perpIn, perpBal));
                    mint = Version == BillBrokerVersion.SingleSided
                        ? MulDiv(supply, usdIn, usdBal)
                        : MulDiv(supply, perpIn, perpBal);
                }
            }
        }

        mint = MulDiv(mint, One - Fees.MintFeePerc, One);
        return new BillBrokerMint(ToLp(mint), usdIn, perpIn, first);
    }

    /// <summary>LP tokens for a single-sided USD deposit: value in · supply / reserve value · (1 − mint fee), or 0 with no reserve value.</summary>
    public Int128 ComputeMintAmtWithUsd(long usdAmtIn, BillBrokerReserveState s) =>
        MintByValue(MulDiv(s.UsdPrice, usdAmtIn, UsdUnitAmt), usdAmtIn, s);

    /// <summary>LP tokens for a single-sided perp deposit, as <see cref="ComputeMintAmtWithUsd"/>.</summary>
    public Int128 ComputeMintAmtWithPerp(long perpAmtIn, BillBrokerReserveState s) =>
        MintByValue(MulDiv(s.PerpPrice, perpAmtIn, PerpUnitAmt), perpAmtIn, s);

    /// <summary>Pro-rata USD and perps for burning <paramref name="burnAmt"/> LP, less the burn fee (rounded down).</summary>
    public (long UsdAmtOut, long PerpAmtOut) ComputeRedemptionAmts(Int128 burnAmt)
    {
        if (burnAmt <= 0)
        {
            return (0, 0);
        }

        Int128 supply = Lp.TotalSupply;
        long usdOut = ToAmount(MulDiv(MulDiv(UsdBalance, burnAmt, supply), One - Fees.BurnFeePerc, One));
        long perpOut = ToAmount(MulDiv(MulDiv(PerpBalance, burnAmt, supply), One - Fees.BurnFeePerc, One));
        return (usdOut, perpOut);
    }

    /// <summary>
    /// USD out for <paramref name="perpAmtIn"/> perps: the fair amount perpIn·perpPrice/usdPrice
    /// (then ·usdUnit/perpUnit, each rounded down), less the fee averaged over the AR move. A fee
    /// of 100% quotes zero.
    /// </summary>
    public BillBrokerSwap ComputePerpToUsdSwapAmt(long perpAmtIn, BillBrokerReserveState s)
    {
        long fair = ToAmount(MulDiv(MulDiv(perpAmtIn, s.PerpPrice, s.UsdPrice), UsdUnitAmt, PerpUnitAmt));
        BigInteger feePerc = ComputePerpToUsdSwapFeePerc(
            AssetRatio(s),
            AssetRatio(s with { UsdBalance = Sub(s.UsdBalance, fair), PerpBalance = checked(s.PerpBalance + perpAmtIn) }));
        return SplitFee(fair, feePerc);
    }

    /// <summary>Perps out for <paramref name="usdAmtIn"/> USD, as <see cref="ComputePerpToUsdSwapAmt"/> the other way.</summary>
    public BillBrokerSwap ComputeUsdToPerpSwapAmt(long usdAmtIn, BillBrokerReserveState s)
    {
        long fair = ToAmount(MulDiv(MulDiv(usdAmtIn, s.UsdPrice, s.PerpPrice), PerpUnitAmt, UsdUnitAmt));
        BigInteger feePerc = ComputeUsdToPerpSwapFeePerc(
            AssetRatio(s),
            AssetRatio(s with { UsdBalance = checked(s.UsdBalance + usdAmtIn), PerpBalance = Sub(s.PerpBalance, fair) }));
        return SplitFee(fair, feePerc);
    }

    /// <summary>
    /// The fee for selling perps (AR falls from <paramref name="arPre"/> to <paramref name="arPost"/>):
    /// 100% below the hard lower bound, else the average over [arPost, arPre] of a line from
    /// (hard.lower, fee.upper) to (soft.lower, fee.lower) left of soft.lower and the flat fee.lower
    /// right of it. Reverts (UnexpectedARDelta) when AR rises.
    /// </summary>
    public BigInteger ComputePerpToUsdSwapFeePerc(BigInteger arPre, BigInteger arPost)
    {
        if (arPost > arPre)
        {
            throw Revert(BalancerException.UnexpectedARDelta, $"perp→usd AR {arPre} → {arPost}");
        }

        if (arPost < ArHardBound.Lower)
        {
            return One;
        }

        var fees = Fees.PerpToUsdSwapFeePercs;
        return ComputeFeePerc(
            new ArLine(ArHardBound.Lower, fees.Upper, ArSoftBound.Lower, fees.Lower),
            new ArLine(0, fees.Lower, One, fees.Lower),
            arPost,
            arPre,
            ArSoftBound.Lower);
    }

    /// <summary>The fee for buying perps (AR rises), mirrored at the upper bounds.</summary>
    public BigInteger ComputeUsdToPerpSwapFeePerc(BigInteger arPre, BigInteger arPost)
    {
        if (arPost < arPre)
        {
            throw Revert(BalancerException.UnexpectedARDelta, $"usd→perp AR {arPre} → {arPost}");
        }

        if (arPost > ArHardBound.Upper)
        {
            return One;
        }

        var fees = Fees.UsdToPerpSwapFeePercs;
        return ComputeFeePerc(
            new ArLine(0, fees.Lower, One, fees.Lower),
            new ArLine(ArSoftBound.Upper, fees.Lower, ArHardBound.Upper, fees.Upper),
            arPre,
            arPost,
            ArSoftBound.Upper);
    }

    // ------------------------------------------------------------------ operations

    /// <summary>
    /// Two-sided deposit: takes the quoted amounts, reverts (SlippageTooHigh) below the minimums,
    /// returns 0 without effect when nothing would be minted. The single-sided version's first mint locks
    /// <see cref="MinimumLiquidity"/> in the broker.
    /// </summary>
    public Int128 Deposit(int caller, long usdAmtMax, long perpAmtMax, long usdAmtMin = 0, long perpAmtMin = 0) =>
        _chain.Atomic(() =>
        {
            RequireNotPaused();
            var q = ComputeMintAmt(usdAmtMax, perpAmtMax);
            if (q.LpAmt <= 0)
            {
                return (Int128)0;
            }

            if (q.UsdAmtIn < usdAmtMin || q.PerpAmtIn < perpAmtMin)
            {
                throw Revert(BalancerException.SlippageTooHigh, $"deposit takes {q.UsdAmtIn} usd / {q.PerpAmtIn} perp, minimums {usdAmtMin} / {perpAmtMin}");
            }

            Usd.Transfer(caller, Account, q.UsdAmtIn);
            Perp.Token.Transfer(caller, Account, q.PerpAmtIn);
            Int128 mint = q.LpAmt;
            if (q.IsFirstMint && Version == BillBrokerVersion.SingleSided)
            {
                Lp.Mint(Account, MinimumLiquidity);
                if (mint < MinimumLiquidity)
                {
                    throw Revert(BalancerException.ArithmeticUnderflow, $"first mint {mint} < minimum liquidity {MinimumLiquidity}");
                }

                mint -= MinimumLiquidity;
            }

            Lp.Mint(caller, mint);
            return mint;
        });

    /// <summary>
    /// Single-sided USD deposit (single-sided version): only while the pool is short of USD (AR &lt; 1) and the
    /// deposit leaves AR ≤ 1, otherwise 0 without effect; reverts (SlippageTooHigh) when AR after
    /// exceeds <paramref name="postOpAssetRatioMax"/>.
    /// </summary>
    public Int128 DepositUsd(int caller, long usdAmtIn, BigInteger postOpAssetRatioMax) =>
        _chain.Atomic(() => DepositOneSide(caller, usdAmtIn, isUsd: true, postOpAssetRatioMax));

    /// <summary>Single-sided perp deposit (single-sided version): only while AR &gt; 1 and leaving AR ≥ 1; the mirror of <see cref="DepositUsd"/>.</summary>
    public Int128 DepositPerp(int caller, long perpAmtIn, BigInteger postOpAssetRatioMin) =>
        _chain.Atomic(() => DepositOneSide(caller, perpAmtIn, isUsd: false, postOpAssetRatioMin));

    /// <summary>
    /// Burns LP for the pro-rata reserves less the burn fee. Returns (0, 0) without effect for a
    /// zero burn (original) or when both amounts round to zero (single-sided).
    /// </summary>
    public (long UsdAmtOut, long PerpAmtOut) Redeem(int caller, Int128 burnAmt) =>
        _chain.Atomic(() =>
        {
            RequireNotPaused();
            if (burnAmt <= 0)
            {
                return (0L, 0L);
            }

            var (usdOut, perpOut) = ComputeRedemptionAmts(burnAmt);
            if (Version == BillBrokerVersion.SingleSided && usdOut == 0 && perpOut == 0)
            {
                return (0L, 0L);
            }

            Lp.Burn(caller, burnAmt);
            Usd.Transfer(Account, caller, usdOut);
            Perp.Token.Transfer(Account, caller, perpOut);
            return (usdOut, perpOut);
        });

    /// <summary>
    /// Sells USD for perps. Reverts UnacceptableSwap when nothing goes in or out (including a 100%
    /// fee past the hard bound), SlippageTooHigh below <paramref name="perpAmtMin"/>. The protocol
    /// share of the fee goes to <see cref="Owner"/>; the LP share stays in the pool.
    /// </summary>
    public long SwapUsdForPerps(int caller, long usdAmtIn, long perpAmtMin = 0) =>
        _chain.Atomic(() =>
        {
            RequireNotPaused();
            var q = ComputeUsdToPerpSwapAmt(usdAmtIn, ReserveState());
            CheckSwap(usdAmtIn, q, perpAmtMin);
            Usd.Transfer(caller, Account, usdAmtIn);
            if (q.ProtocolFee > 0)
            {
                Perp.Token.Transfer(Account, Owner, q.ProtocolFee);
            }

            Perp.Token.Transfer(Account, caller, q.AmountOut);
            return q.AmountOut;
        });

    /// <summary>Sells perps for USD; the mirror of <see cref="SwapUsdForPerps"/>.</summary>
    public long SwapPerpsForUsd(int caller, long perpAmtIn, long usdAmtMin = 0) =>
        _chain.Atomic(() =>
        {
            RequireNotPaused();
            var q = ComputePerpToUsdSwapAmt(perpAmtIn, ReserveState());
            CheckSwap(perpAmtIn, q, usdAmtMin);
            Perp.Token.Transfer(caller, Account, perpAmtIn);
            if (q.ProtocolFee > 0)
            {
                Usd.Transfer(Account, Owner, q.ProtocolFee);
            }

            Usd.Transfer(Account, caller, q.AmountOut);
            return q.AmountOut;
        });

    // ------------------------------------------------------------------ internals

    private readonly record struct ArLine(BigInteger X1, BigInteger Y1, BigInteger X2, BigInteger Y2);

    /// <summary>
    /// The fee over [arL, arU] on the curve that is <paramref name="fn1"/> up to the cutoff and
    /// <paramref name="fn2"/> after it: one line's average, or the two averages weighted by the
    /// lengths on each side (each product rounded down). The single-sided version caps it at 100%.
    /// </summary>
    private BigInteger ComputeFeePerc(ArLine fn1, ArLine fn2, BigInteger arL, BigInteger arU, BigInteger cutoff)
    {
        BigInteger fee;
        if (arU <= cutoff)
        {
            fee = AverageY(fn1, arL, arU);
        }
        else if (arL >= cutoff)
        {
            fee = AverageY(fn2, arL, arU);
        }
        else
        {
            fee = CheckUint(MulDiv(AverageY(fn1, arL, cutoff), cutoff - arL, arU - arL)
                + MulDiv(AverageY(fn2, cutoff, arU), arU - cutoff, arU - arL));
        }

        return Version == BillBrokerVersion.SingleSided ? BigInteger.Min(fee, One) : fee;
    }

    /// <summary>
    /// |((xL + xU)·Δy)/(2·Δx) + c| with c = y2 − x2·Δy/Δx, in int256 truncating toward zero
    /// (spot-vaults <c>LineHelpers.avgY</c>). The later library returns y1 for a flat line first;
    /// the original broker's <c>_auc</c> computes it through the same formula (so a vertical flat
    /// segment divides by zero).
    /// </summary>
    private BigInteger AverageY(ArLine fn, BigInteger xL, BigInteger xU)
    {
        if (Version == BillBrokerVersion.SingleSided && fn.Y1 == fn.Y2)
        {
            return fn.Y1;
        }

        BigInteger deltaY = ToInt256(fn.Y2) - ToInt256(fn.Y1);
        BigInteger deltaX = ToInt256(fn.X2) - ToInt256(fn.X1);
        BigInteger c = Int256.Check(ToInt256(fn.Y2) - Int256.Div(Int256.Mul(ToInt256(fn.X2), deltaY), deltaX), "sub", fn.Y2, fn.X2);
        BigInteger sum = ToInt256(CheckUint(xL + xU));
        BigInteger avg = Int256.Check(Int256.Div(Int256.Mul(sum, deltaY), Int256.Mul(2, deltaX)) + c, "add", sum, c);
        return BigInteger.Abs(avg);
    }

    /// <summary>
    /// USD in raises AR and perps in lower it, so each side is accepted only from the short side
    /// of 1.0 and without crossing it; <paramref name="postOpBound"/> is a maximum for USD and a
    /// minimum for perps.
    /// </summary>
    private Int128 DepositOneSide(int caller, long amountIn, bool isUsd, BigInteger postOpBound)
    {
        RequireNotPaused();
        RequireSingleSided();
        var s = ReserveState();
        BigInteger pre = AssetRatio(s);
        BigInteger post = AssetRatio(isUsd
            ? s with { UsdBalance = checked(s.UsdBalance + amountIn) }
            : s with { PerpBalance = checked(s.PerpBalance + amountIn) });
        bool towardOne = isUsd ? pre < One && post <= One : pre > One && post >= One;
        if (!towardOne)
        {
            return 0;
        }

        Int128 mint = isUsd ? ComputeMintAmtWithUsd(amountIn, s) : ComputeMintAmtWithPerp(amountIn, s);
        if (mint <= 0)
        {
            return 0;
        }

        if (isUsd ? post > postOpBound : post < postOpBound)
        {
            throw Revert(BalancerException.SlippageTooHigh, $"AR after {post} is beyond {postOpBound}");
        }

        (isUsd ? Usd : Perp.Token).Transfer(caller, Account, amountIn);
        Lp.Mint(caller, mint);
        return mint;
    }

    private BillBrokerSwap SplitFee(long fair, BigInteger feePerc)
    {
        if (feePerc >= One)
        {
            return default;
        }

        long totalFee = ToAmount(MulDiv(fair, feePerc, One));
        long protocolFee;
        long lpFee;
        if (Version == BillBrokerVersion.SingleSided)
        {
            protocolFee = ToAmount(MulDiv(totalFee, Fees.ProtocolSwapSharePerc, One));
            lpFee = totalFee - protocolFee;
        }
        else
        {
            lpFee = ToAmount(MulDiv(totalFee, One - Fees.ProtocolSwapSharePerc, One));
            protocolFee = totalFee - lpFee;
        }

        return new BillBrokerSwap(fair - totalFee, lpFee, protocolFee);
    }

    private Int128 MintByValue(BigInteger valueIn, long amountIn, BillBrokerReserveState s)
    {
        if (amountIn <= 0)
        {
            return 0;
        }

        BigInteger reserveValue = MulDiv(s.UsdPrice, s.UsdBalance, UsdUnitAmt) + MulDiv(s.PerpPrice, s.PerpBalance, PerpUnitAmt);
        if (reserveValue <= 0)
        {
            return 0;
        }

        return ToLp(MulDiv(MulDiv(valueIn, Lp.TotalSupply, reserveValue), One - Fees.MintFeePerc, One));
    }

    private void CheckSwap(long amountIn, BillBrokerSwap q, long amountOutMin)
    {
        if (amountIn <= 0 || q.AmountOut <= 0)
        {
            throw Revert(BalancerException.UnacceptableSwap, $"in {amountIn}, out {q.AmountOut}");
        }

        if (q.AmountOut < amountOutMin)
        {
            throw Revert(BalancerException.SlippageTooHigh, $"out {q.AmountOut} < minimum {amountOutMin}");
        }
    }

    private static Int128 ReadPrice(PriceReading reading, string asset)
    {
        if (!reading.Valid)
        {
            throw Revert(BalancerException.UnreliablePrice, $"{asset} price {reading.Price} is not valid");
        }

        return reading.Price;
    }

    private void RequireNotPaused()
    {
        if (Paused)
        {
            throw Revert(BalancerException.Paused, "the bill broker is paused");
        }
    }

    private void RequireSingleSided()
    {
        if (Version != BillBrokerVersion.SingleSided)
        {
            throw Revert(BalancerException.UnsupportedInVersion, $"{Version} has no single-sided deposits");
        }
    }

    /// <summary>⌊a·b/c⌋ for uint256 operands (OpenZeppelin <c>mulDiv</c>): reverts on c = 0 or a result past 2²⁵⁶ − 1.</summary>
    private static BigInteger MulDiv(BigInteger a, BigInteger b, BigInteger c)
    {
        if (c.IsZero)
        {
            throw Revert(BalancerException.DivisionByZero, $"{a} * {b} / 0");
        }

        return CheckUint(a * b / c);
    }

    private static BigInteger CheckUint(BigInteger value)
    {
        if (value.Sign < 0)
        {
            throw Revert(BalancerException.ArithmeticUnderflow, $"{value} < 0");
        }

        if (value > Uint256Max)
        {
            throw Revert(BalancerException.ArithmeticOverflow, $"{value} exceeds uint256");
        }

        return value;
    }

    private static long Sub(long a, long b) =>
        a >= b ? a - b : throw Revert(BalancerException.ArithmeticUnderflow, $"{a} - {b}");

    private static BigInteger ToInt256(BigInteger value) =>
        value <= Int256Max ? value : throw new ContractMathException(ContractMathException.SafeCastOverflow, $"{value} does not fit int256");

    private static long ToAmount(BigInteger value) =>
        value <= long.MaxValue ? (long)value : throw Revert(BalancerException.ArithmeticOverflow, $"{value} exceeds the token amount range");

    private static Int128 ToLp(BigInteger value) =>
        value <= (BigInteger)Int128.MaxValue ? (Int128)value : throw Revert(BalancerException.ArithmeticOverflow, $"{value} exceeds the LP amount range");

    private static BalancerException Revert(string rule, string detail) => new("billBroker", rule, detail);
}
