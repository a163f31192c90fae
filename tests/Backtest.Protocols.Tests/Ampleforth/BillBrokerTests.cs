using System.Numerics;
using Backtest.Numerics;
using Backtest.Protocols.Ampleforth;
using Backtest.Protocols.Ampleforth.Balancers;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Spot;
using Backtest.Protocols.Ampleforth.Tokens;
using Backtest.Protocols.Conformance.Ampleforth;
using FsCheck;
using FsCheck.Fluent;

namespace Backtest.Protocols.Tests.Ampleforth;

/// <summary>
/// The BillBroker against hand-worked cases: reserves 10,000 USDC and 8,000 SPOT at $1.25
/// (AR = 1.0), fees usd→perp [1%, 10%], perp→usd [2%, 20%], protocol share 25%, soft bounds
/// [0.9, 1.1], hard [0.75, 1.25]. Expected curve fees were worked out separately from the
/// contract's formula (int256 truncation toward zero included).
/// </summary>
public class BillBrokerTests
{
    private const long Day = 86_400;
    private const long One = BillBroker.One;
    private const long Usdc = 1_000_000;

    private static long A(decimal units) => Fixed.FromDecimal(units);

    private sealed class StubPricing : IBillBrokerPricing
    {
        public Int128 Usd { get; set; } = One;

        public Int128 Perp { get; set; } = One * 5 / 4;

        public bool Valid { get; set; } = true;

        public PriceReading UsdPrice() => new(Usd, Valid);

        public PriceReading PerpPrice() => new(Perp, true);
    }

    private sealed record Fixture(SpotScenario S, TokenLedger<long> Usd, BillBroker Broker, int Trader);

    private static BillBrokerFees StandardFees(long share = One / 4) =>
        new(0, 0, new(One / 50, One / 5), new(One / 100, One / 10), share);

    private static Fixture Fresh(BillBrokerVersion version, IBillBrokerPricing? pricing = null, bool seed = true, SpotVersion spot = SpotVersion.V5)
    {
        SpotFeePolicy policy = spot == SpotVersion.V5 ? new PinnedFeePolicy(0) { ProtocolSharePerc = 0 } : new SubscriptionFeePolicy { PerpMintFeePercFlat = 0 };
        var s = new SpotScenario(new BondIssuerConfig(4 * Day, [250, 750], Day, 0), policy, spot);
        s.Perp.UpdateTolerableTrancheMaturity(Day, 4 * Day);
        s.SeedPerpReserve(4, A(40_000), A(10_000));
        var usd = new TokenLedger<long>(s.Chain, "USDC");
        usd.Mint(s.Deployer, 1_000_000 * Usdc);
        int trader = s.OtherUser;
        usd.Mint(trader, 100_000 * Usdc);
        s.Perp.Token.Transfer(s.Deployer, trader, A(10_000));
        var broker = new BillBroker(s.Chain, usd, 6, s.Perp, pricing ?? new StubPricing(), version);
        broker.UpdateFees(StandardFees());
        broker.UpdateARBounds(new(BillBroker.Fraction(9, 10), BillBroker.Fraction(11, 10)), new(BillBroker.Fraction(3, 4), BillBroker.Fraction(5, 4)));
        if (seed)
        {
            broker.Deposit(s.Deployer, 10_000 * Usdc, A(8_000));
        }

        return new Fixture(s, usd, broker, trader);
    }

    [Fact]
    public void TheFirstDepositMintsDollarValueAtTheInitialRateAndLocksMinimumLiquidity()
    {
        var f = Fresh(BillBrokerVersion.SingleSided, seed: false);
        Int128 minted = f.Broker.Deposit(f.S.Deployer, 1_000 * Usdc, A(1_000));
        Int128 expectedTotal = (Int128)2_000 * One * BillBroker.InitialRate;
        Assert.Equal(expectedTotal - BillBroker.MinimumLiquidity, minted);
        Assert.Equal(BillBroker.MinimumLiquidity, f.Broker.Lp.BalanceOf(f.Broker.Account));
        Assert.Equal(expectedTotal, f.Broker.Lp.TotalSupply);

        var launch = Fresh(BillBrokerVersion.Original, seed: false);
        Assert.Equal((Int128)2_000 * One, launch.Broker.Deposit(launch.S.Deployer, 1_000 * Usdc, A(1_000)));
        Assert.Equal(0, launch.Broker.Lp.BalanceOf(launch.Broker.Account));
        Assert.Equal(0, launch.Broker.Deposit(launch.S.Deployer, 1_000 * Usdc, 0));
    }

    [Fact]
    public void LaterDepositsFollowTheReserveRatio()
    {
        var f = Fresh(BillBrokerVersion.SingleSided);
        Int128 supply = f.Broker.Lp.TotalSupply;
        Int128 minted = f.Broker.Deposit(f.S.Deployer, 1_000 * Usdc, A(5_000));
        Assert.Equal(supply / 10, minted);
        Assert.Equal(11_000 * Usdc, f.Broker.UsdBalance);
        Assert.Equal(A(8_800), f.Broker.PerpBalance);

        var q = f.Broker.ComputeMintAmt(1_000 * Usdc, A(440));
        Assert.Equal(A(440), q.PerpAmtIn);
        Assert.Equal(550 * Usdc, q.UsdAmtIn);
        Assert.Equal(BalancerException.SlippageTooHigh, Assert.Throws<BalancerException>(() => f.Broker.Deposit(f.S.Deployer, 1_000 * Usdc, A(440), 600 * Usdc)).Rule);
    }

    [Fact]
    public void RedemptionsArePaidProRataLessTheBurnFee()
    {
        var f = Fresh(BillBrokerVersion.SingleSided);
        f.Broker.UpdateFees(StandardFees() with { BurnFeePerc = One / 100 });
        Int128 tenth = f.Broker.Lp.TotalSupply / 10;
        var (usdOut, perpOut) = f.Broker.Redeem(f.S.Deployer, tenth);
        Assert.Equal(990 * Usdc, usdOut);
        Assert.Equal(A(792), perpOut);
        Assert.Equal((0L, 0L), f.Broker.Redeem(f.S.Deployer, 0));
    }

    [Fact]
    public void ASwapInsideTheSoftBandPaysTheFlatFeeAndSplitsIt()
    {
        var f = Fresh(BillBrokerVersion.SingleSided);
        long perpsBefore = f.S.Perp.Token.BalanceOf(f.Trader);
        long outAmt = f.Broker.SwapUsdForPerps(f.Trader, 100 * Usdc);

        // fair 80 SPOT; AR 1.0 → 1.0202 stays below 1.1, so the flat 1%: 0.8 SPOT, a quarter to the owner.
        Assert.Equal(A(79.2m), outAmt);
        Assert.Equal(A(79.2m), f.S.Perp.Token.BalanceOf(f.Trader) - perpsBefore);
        Assert.Equal(A(0.2m), f.S.Perp.Token.BalanceOf(f.Broker.Owner));
        Assert.Equal(A(8_000) - A(79.4m), f.Broker.PerpBalance);
        Assert.Equal(10_100 * Usdc, f.Broker.UsdBalance);

        long usdOut = f.Broker.SwapPerpsForUsd(f.Trader, A(80));
        var quoteFair = 100 * Usdc;
        Assert.True(usdOut < quoteFair);
    }

    [Fact]
    public void ASellOfPerpsInsideTheBandPaysTheFlatPerpFee()
    {
        var f = Fresh(BillBrokerVersion.SingleSided);

        // fair $100; AR 1.0 → 0.980 stays above 0.9: 2% = $2, $0.50 to the owner.
        Assert.Equal(98 * Usdc, f.Broker.SwapPerpsForUsd(f.Trader, A(80)));
        Assert.Equal(Usdc / 2, f.Usd.BalanceOf(f.Broker.Owner));
    }

    [Fact]
    public void ASwapAcrossTheSoftBoundAveragesTheFeeCurve()
    {
        var f = Fresh(BillBrokerVersion.SingleSided);
        var s = f.Broker.ReserveState();
        Assert.Equal(One, f.Broker.AssetRatio(s));
        Assert.Equal(BigInteger.Parse("30166666666666666"), f.Broker.ComputeUsdToPerpSwapFeePerc(One, BigInteger.Parse("1222222222222222222")));

        // 1,000 USDC: fair 800 SPOT, AR 1.0 → 1.2222; fee = (1%·0.1 + 4.6667%·0.1222)/0.2222 = 3.0167%.
        var q = f.Broker.ComputeUsdToPerpSwapAmt(1_000 * Usdc, s);
        Assert.Equal(new BillBrokerSwap(775_866_666_667, 18_100_000_000, 6_033_333_333), q);

        // 1,000 SPOT the other way: fair $1,250, AR 1.0 → 0.7778; the left line averages 9.3333%
        // (its int256 average truncates toward zero), the whole move 6.0333%.
        Assert.Equal(new BillBrokerSwap(1_174_583_334, 56_562_500, 18_854_166), f.Broker.ComputePerpToUsdSwapAmt(A(1_000), s));
        Assert.Equal(1_174_583_334, f.Broker.SwapPerpsForUsd(f.Trader, A(1_000)));
    }

    [Fact]
    public void PastTheHardBoundTheFeeIsAllAndTheSwapReverts()
    {
        var f = Fresh(BillBrokerVersion.SingleSided);
        Assert.Equal(default, f.Broker.ComputeUsdToPerpSwapAmt(2_000 * Usdc, f.Broker.ReserveState()));
        Assert.Equal(BalancerException.UnacceptableSwap, Assert.Throws<BalancerException>(() => f.Broker.SwapUsdForPerps(f.Trader, 2_000 * Usdc)).Rule);
        Assert.Equal(BalancerException.UnacceptableSwap, Assert.Throws<BalancerException>(() => f.Broker.SwapPerpsForUsd(f.Trader, A(2_000))).Rule);
        Assert.Equal(BalancerException.UnacceptableSwap, Assert.Throws<BalancerException>(() => f.Broker.SwapUsdForPerps(f.Trader, 0)).Rule);
        Assert.Equal(BalancerException.UnexpectedARDelta, Assert.Throws<BalancerException>(() => f.Broker.ComputeUsdToPerpSwapFeePerc(One, One - 1)).Rule);
    }

    [Fact]
    public void TheProtocolShareIsRoundedDifferentlyByVersion()
    {
        long third = One / 3;
        var later = Fresh(BillBrokerVersion.SingleSided);
        later.Broker.UpdateFees(StandardFees(third));
        var launch = Fresh(BillBrokerVersion.Original);
        launch.Broker.UpdateFees(StandardFees(third));

        // Fee 0.8 SPOT = 800,000,000 units: the later code floors the protocol's third, the launch code floors the LPs' two thirds.
        Assert.Equal(new BillBrokerSwap(A(79.2m), 533_333_334, 266_666_666), later.Broker.ComputeUsdToPerpSwapAmt(100 * Usdc, later.Broker.ReserveState()));
        Assert.Equal(new BillBrokerSwap(A(79.2m), 533_333_333, 266_666_667), launch.Broker.ComputeUsdToPerpSwapAmt(100 * Usdc, launch.Broker.ReserveState()));
    }

    [Fact]
    public void FeesAndBoundsAreValidatedAsEachVersionDoes()
    {
        var f = Fresh(BillBrokerVersion.SingleSided);
        Assert.Equal(BalancerException.InvalidPerc, Assert.Throws<BalancerException>(() => f.Broker.UpdateFees(StandardFees() with { MintFeePerc = One + 1 })).Rule);
        Assert.Equal(BalancerException.InvalidPerc, Assert.Throws<BalancerException>(() => f.Broker.UpdateFees(StandardFees() with { UsdToPerpSwapFeePercs = new(One / 10, One / 100) })).Rule);

        var softAboveOne = new AssetRatioRange(BillBroker.Fraction(105, 100), BillBroker.Fraction(11, 10));
        var hard = new AssetRatioRange(BillBroker.Fraction(3, 4), BillBroker.Fraction(5, 4));
        f.Broker.UpdateARBounds(softAboveOne, hard);
        Assert.Equal(BalancerException.InvalidARBound, Assert.Throws<BalancerException>(() => f.Broker.UpdateARBounds(hard, softAboveOne)).Rule);
        var launch = Fresh(BillBrokerVersion.Original);
        Assert.Equal(BalancerException.InvalidARBound, Assert.Throws<BalancerException>(() => launch.Broker.UpdateARBounds(softAboveOne, hard)).Rule);
    }

    [Fact]
    public void AUsdcDepegOrAStaleRoundHaltsSwapsButNotTwoSidedDepositsOrRedemptions()
    {
        var f = Fresh(BillBrokerVersion.SingleSided, seed: false);
        var pricer = new SpotPricer(f.S.Chain, f.S.Perp);
        f.Broker.Pricing = pricer;
        f.Broker.Deposit(f.S.Deployer, 10_000 * Usdc, A(10_000));

        pricer.UsdcRound = new ChainlinkRound(98_500_000, 8, f.S.Chain.Now);
        Assert.Equal(BalancerException.UnreliablePrice, Assert.Throws<BalancerException>(() => f.Broker.SwapUsdForPerps(f.Trader, 100 * Usdc)).Rule);
        Assert.True(f.Broker.Deposit(f.S.Deployer, 100 * Usdc, A(100)) > 0);
        Assert.True(f.Broker.Redeem(f.S.Deployer, f.Broker.Lp.BalanceOf(f.S.Deployer) / 100).UsdAmtOut > 0);

        pricer.UsdcRound = new ChainlinkRound(99_000_000, 8, f.S.Chain.Now);
        Assert.False(pricer.UsdPrice().Valid);
        pricer.UsdcRound = new ChainlinkRound(99_000_001, 8, f.S.Chain.Now);
        Assert.True(f.Broker.SwapUsdForPerps(f.Trader, 100 * Usdc) > 0);

        f.S.Chain.Advance(SpotPricerBase.UsdcStalenessThresholdSec);
        Assert.True(pricer.UsdPrice().Valid);
        f.S.Chain.Advance(1);
        Assert.Equal(BalancerException.UnreliablePrice, Assert.Throws<BalancerException>(() => f.Broker.SwapPerpsForUsd(f.Trader, A(10))).Rule);

        pricer.UsdcRound = new ChainlinkRound(100_000_000, 8, f.S.Chain.Now + 10);
        Assert.False(pricer.UsdPrice().Valid);
    }

    [Fact]
    public void TheSpotPricerPricesAtTargetTimesTvlPerShareTimesBeta()
    {
        var f = Fresh(BillBrokerVersion.SingleSided, seed: false);
        var pricer = new SpotPricer(f.S.Chain, f.S.Perp) { AmplTarget = new PriceReading(One * 6 / 5, true) };
        long tvl = f.S.Perp.GetTVL();
        long supply = f.S.Perp.TotalSupply;
        Int128 fmv = (Int128)((BigInteger)(One * 6 / 5) * tvl / supply);
        Assert.Equal(new PriceReading(fmv, true), pricer.PerpPrice());
        pricer.SpotDiscountFactor = One * 9 / 10;
        Assert.Equal(fmv * 9 / 10, pricer.PerpPrice().Price);
        pricer.AmplTarget = new PriceReading(One, false);
        Assert.False(pricer.PerpPrice().Valid);
    }

    [Fact]
    public void TheAppraiserCallsSpotUnhealthyOnLowDRRawAmplOrImpairedSeniors()
    {
        var f = Fresh(BillBrokerVersion.Original, seed: false, spot: SpotVersion.V3);
        var appraiser = new SpotAppraiser(f.S.Chain, f.S.RequireVault);
        Assert.False(appraiser.IsSpotHealthy());
        Assert.False(appraiser.PerpPrice().Valid);

        appraiser.MinSpotDR = 0;
        Assert.True(appraiser.IsSpotHealthy());
        f.S.Ampl.Transfer(f.S.Deployer, f.S.Perp.Account, SpotAppraiser.AmplDustAmt - f.S.Ampl.BalanceOf(f.S.Perp.Account));
        Assert.True(appraiser.IsSpotHealthy());
        f.S.Ampl.Transfer(f.S.Deployer, f.S.Perp.Account, 1);
        Assert.False(appraiser.IsSpotHealthy());

        var healthy = Fresh(BillBrokerVersion.Original, seed: false, spot: SpotVersion.V3);
        var check = new SpotAppraiser(healthy.S.Chain, healthy.S.RequireVault) { MinSpotDR = 0 };
        check.MinSeniorCDR = BillBroker.One * 4;
        Assert.True(check.IsSpotHealthy());
        check.MinSeniorCDR = (BillBroker.One * 4) + 1;
        Assert.False(check.IsSpotHealthy());

        var future = new SpotAppraiser(healthy.S.Chain, healthy.S.RequireVault) { UsdcRound = new ChainlinkRound(100_000_000, 8, healthy.S.Chain.Now + 1) };
        Assert.Equal(BalancerException.ArithmeticUnderflow, Assert.Throws<BalancerException>(() => future.UsdPrice()).Rule);
    }

    [Fact]
    public void SingleSidedDepositsOnlyMoveTheRatioTowardOne()
    {
        var f = Fresh(BillBrokerVersion.SingleSided);
        Assert.Equal(0, f.Broker.DepositUsd(f.S.Deployer, 100 * Usdc, BillBroker.Uint256Max));
        Assert.Equal(0, f.Broker.DepositPerp(f.S.Deployer, A(100), 0));

        f.Broker.SwapPerpsForUsd(f.Trader, A(400));
        var s = f.Broker.ReserveState();
        Assert.True(f.Broker.AssetRatio(s) < One);
        Assert.Equal(0, f.Broker.DepositUsd(f.S.Deployer, 5_000 * Usdc, BillBroker.Uint256Max));

        Int128 supply = f.Broker.Lp.TotalSupply;
        BigInteger reserveValue = ((BigInteger)s.UsdBalance * One / Usdc) + ((BigInteger)s.PerpBalance * s.PerpPrice / Fixed.One);
        Int128 expected = (Int128)((BigInteger)100 * One * supply / reserveValue);
        Assert.Equal(expected, f.Broker.ComputeMintAmtWithUsd(100 * Usdc, s));
        Assert.Equal(BalancerException.SlippageTooHigh, Assert.Throws<BalancerException>(() => f.Broker.DepositUsd(f.S.Deployer, 100 * Usdc, 0)).Rule);
        Assert.Equal(expected, f.Broker.DepositUsd(f.S.Deployer, 100 * Usdc, BillBroker.Uint256Max));

        var over = Fresh(BillBrokerVersion.SingleSided);
        over.Broker.SwapUsdForPerps(over.Trader, 400 * Usdc);
        Assert.True(over.Broker.AssetRatio(over.Broker.ReserveState()) > One);
        Assert.Equal(0, over.Broker.DepositPerp(over.S.Deployer, A(2_000), 0));
        Assert.Equal(BalancerException.SlippageTooHigh, Assert.Throws<BalancerException>(() => over.Broker.DepositPerp(over.S.Deployer, A(100), BillBroker.Uint256Max)).Rule);
        Assert.True(over.Broker.DepositPerp(over.S.Deployer, A(100), One) > 0);
        Assert.True(over.Broker.AssetRatio(over.Broker.ReserveState()) >= One);

        var launch = Fresh(BillBrokerVersion.Original);
        Assert.Equal(BalancerException.UnsupportedInVersion, Assert.Throws<BalancerException>(() => launch.Broker.DepositUsd(launch.S.Deployer, Usdc, BillBroker.Uint256Max)).Rule);
    }

    [Fact]
    public void APausedBrokerRefusesAndARevertChangesNothing()
    {
        var f = Fresh(BillBrokerVersion.SingleSided);
        long usdBefore = f.Usd.BalanceOf(f.Trader);
        long brokerPerps = f.Broker.PerpBalance;
        Assert.Equal(BalancerException.SlippageTooHigh, Assert.Throws<BalancerException>(() => f.Broker.SwapUsdForPerps(f.Trader, 100 * Usdc, A(80))).Rule);
        Assert.Equal(usdBefore, f.Usd.BalanceOf(f.Trader));
        Assert.Equal(brokerPerps, f.Broker.PerpBalance);

        f.Broker.Pause();
        Assert.Equal(BalancerException.Paused, Assert.Throws<BalancerException>(() => f.Broker.SwapUsdForPerps(f.Trader, 100 * Usdc)).Rule);
        Assert.Equal(BalancerException.Paused, Assert.Throws<BalancerException>(() => f.Broker.Deposit(f.S.Deployer, Usdc, A(1))).Rule);
        f.Broker.Unpause();
        Assert.True(f.Broker.SwapUsdForPerps(f.Trader, 100 * Usdc) > 0);
    }

    public sealed record Trade(int Kind, int Size, bool Launch);

    private static readonly Arbitrary<Trade[]> Trades =
        Gen.ArrayOf(from kind in Gen.Choose(0, 4) from size in Gen.Choose(1, 1000) from launch in Gen.Elements(true, false) select new Trade(kind, size, launch))
            .Resize(30).ToArbitrary();

    /// <summary>
    /// Over random deposits, redemptions and swaps in both directions, no USD or SPOT is created
    /// or lost, a swap never pays more than the fair amount, and the pool's value per LP token
    /// never falls when only swaps happen (fees stay with the LPs).
    /// </summary>
    [Fact]
    public void TradesConserveTokensAndNeverOverpay() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(25), Prop.ForAll(Trades, RunTrades));

    private static bool RunTrades(Trade[] trades)
    {
        var f = Fresh(trades.Length > 0 && trades[0].Launch ? BillBrokerVersion.Original : BillBrokerVersion.SingleSided);
        var b = f.Broker;
        int[] accounts = [f.S.Deployer, f.Trader, b.Account, b.Owner];
        long usdTotal = accounts.Sum(a => f.Usd.BalanceOf(a));
        long perpTotal = accounts.Sum(a => f.S.Perp.Token.BalanceOf(a));
        foreach (var t in trades)
        {
            long Part(long amount) => amount * t.Size / 4000;
            var s = b.ReserveState();
            try
            {
                switch (t.Kind)
                {
                    case 0:
                    {
                        long usdIn = Part(f.Usd.BalanceOf(f.Trader));
                        Int128 before = PoolValue(b);
                        long got = b.SwapUsdForPerps(f.Trader, usdIn);
                        Assert.True(got <= usdIn * 4 / 5 * 1000);
                        Assert.True(PoolValue(b) >= before);
                        break;
                    }

                    case 1:
                    {
                        long perpIn = Part(f.S.Perp.Token.BalanceOf(f.Trader));
                        Int128 before = PoolValue(b);
                        long got = b.SwapPerpsForUsd(f.Trader, perpIn);
                        Assert.True(got <= perpIn * 5 / 4 / 1000);
                        Assert.True(PoolValue(b) >= before);
                        break;
                    }

                    case 2:
                        b.Deposit(f.S.Deployer, Part(1_000 * Usdc), Part(A(1_000)));
                        break;
                    case 3:
                        b.Redeem(f.S.Deployer, b.Lp.BalanceOf(f.S.Deployer) * t.Size / 4000);
                        break;
                    default:
                        if (b.AssetRatio(s) < One)
                        {
                            b.DepositUsd(f.S.Deployer, Part(100 * Usdc), BillBroker.Uint256Max);
                        }
                        else if (b.Version == BillBrokerVersion.SingleSided)
                        {
                            b.DepositPerp(f.S.Deployer, Part(A(100)), 0);
                        }

                        break;
                }
            }
            catch (ProtocolException)
            {
            }

            Assert.Equal(usdTotal, accounts.Sum(a => f.Usd.BalanceOf(a)));
            Assert.Equal(perpTotal, accounts.Sum(a => f.S.Perp.Token.BalanceOf(a)));
            Assert.True(b.UsdBalance >= 0 && b.PerpBalance >= 0);
        }

        return true;
    }

    /// <summary>The pool's value in dollars at 18 decimals at the stub prices ($1, $1.25).</summary>
    private static Int128 PoolValue(BillBroker b) => ((Int128)b.UsdBalance * 1_000_000_000_000) + ((Int128)b.PerpBalance * 1_250_000_000);
}
