using System.Numerics;
using Backtest.Protocols.Ampleforth.Spot;

namespace Backtest.Protocols.Ampleforth.Balancers;

/// <summary>A price at 18 decimals and whether the oracle vouches for it.</summary>
public readonly record struct PriceReading(Int128 Price, bool Valid);

/// <summary>A Chainlink round: the answer at <paramref name="Decimals"/> decimals and when it was written.</summary>
public readonly record struct ChainlinkRound(long Answer, int Decimals, long UpdatedAt);

/// <summary>The two prices the BillBroker reads: the USD token's and the perp's, both in dollars at 18 decimals.</summary>
public interface IBillBrokerPricing
{
    /// <summary>The USD token's price.</summary>
    PriceReading UsdPrice();

    /// <summary>The perp price the broker trades at (after any discount factor).</summary>
    PriceReading PerpPrice();
}

/// <summary>
/// The oracle inputs both SPOT pricers share: the Chainlink USDC/USD round and the AMPL target
/// price (the Ampleforth CPI oracle's reading, 18 decimals), set by the caller as history unfolds.
/// </summary>
public abstract class SpotPricerBase(Chain chain, PerpetualTranche perp) : IBillBrokerPricing
{
    /// <summary>1.0 at 18 decimals.</summary>
    public static readonly Int128 One = (Int128)1_000_000_000_000_000_000L;

    /// <summary>The USDC price is reliable only strictly above $0.99 ...</summary>
    public static readonly Int128 UsdcLowerBound = One * 99 / 100;

    /// <summary>... strictly below $1.01 ...</summary>
    public static readonly Int128 UsdcUpperBound = One * 101 / 100;

    /// <summary>... and when the round is at most 48 hours old.</summary>
    public const long UsdcStalenessThresholdSec = 48 * 3600;

    protected Chain Chain { get; } = chain;

    public PerpetualTranche Perp { get; } = perp;

    /// <summary>The latest Chainlink USDC/USD round (default: $1.00 at 8 decimals, written at creation).</summary>
    public ChainlinkRound UsdcRound { get; set; } = new(100_000_000, 8, chain.Now);

    /// <summary>The AMPL target price from the CPI oracle (default $1.00, valid).</summary>
    public PriceReading AmplTarget { get; set; } = new(One, true);

    /// <summary>
    /// $1 whenever the round is fresh (age ≤ 48 h) and its price lies strictly between $0.99 and
    /// $1.01; otherwise the same $1 marked invalid, which halts the broker.
    /// </summary>
    public PriceReading UsdPrice()
    {
        var (price, fresh) = ReadChainlink(UsdcRound, UsdcStalenessThresholdSec);
        return new PriceReading(One, fresh && price < UsdcUpperBound && price > UsdcLowerBound);
    }

    public abstract PriceReading PerpPrice();

    /// <summary>SPOT's fair value in dollars: target · perpTVL / perpSupply (rounded down), valid with the target.</summary>
    public PriceReading PerpFmvUsdPrice()
    {
        long supply = Perp.TotalSupply;
        if (supply <= 0)
        {
            throw new BalancerException("spotPricer", BalancerException.DivisionByZero, "perp total supply is zero");
        }

        BigInteger p = (BigInteger)AmplTarget.Price * Perp.GetTVL() / supply;
        return new PriceReading(checked((Int128)p), AmplTarget.Valid);
    }

    /// <summary>
    /// The round's answer normalised to 18 decimals and whether it is fresh. A round stamped in
    /// the future makes <c>block.timestamp − updatedAt</c> underflow: 0.8 pricers revert, the 0.7
    /// SpotPricer wraps to a huge age and reports it stale (<see cref="WrapsOnFutureRound"/>).
    /// </summary>
    protected (Int128 Price, bool Fresh) ReadChainlink(ChainlinkRound round, long stalenessSec)
    {
        Int128 price = (Int128)(round.Answer * (BigInteger)One / BigInteger.Pow(10, round.Decimals));
        if (round.UpdatedAt > Chain.Now)
        {
            if (!WrapsOnFutureRound)
            {
                throw new BalancerException("spotPricer", BalancerException.ArithmeticUnderflow, $"updatedAt {round.UpdatedAt} is after now {Chain.Now}");
            }

            return (price, false);
        }

        return (price, Chain.Now - round.UpdatedAt <= stalenessSec);
    }

    protected abstract bool WrapsOnFutureRound { get; }
}

/// <summary>
/// The original pricing strategy (spot-vaults <c>_strategies/SpotAppraiser.sol</c>): SPOT is priced at
/// its fair value and is valid only while SPOT is healthy — DR at least <see cref="MinSpotDR"/>,
/// no reserve bond mature, every reserve senior's CDR (bond AMPL ÷ senior supply) at least
/// <see cref="MinSeniorCDR"/>, and no more than 25,000 raw AMPL in the perp.
/// </summary>
public sealed class SpotAppraiser(Chain chain, RolloverVault vault) : SpotPricerBase(chain, vault.Perp)
{
    /// <summary>Raw AMPL in the perp above this makes SPOT unhealthy (25,000 AMPL).</summary>
    public const long AmplDustAmt = 25_000L * 1_000_000_000L;

    public RolloverVault Vault { get; } = vault;

    /// <summary>Minimum SPOT DR at 18 decimals, default 0.8.</summary>
    public Int128 MinSpotDR { get; set; } = One * 8 / 10;

    /// <summary>Minimum reserve senior CDR at 18 decimals, default 1.1.</summary>
    public Int128 MinSeniorCDR { get; set; } = One * 11 / 10;

    protected override bool WrapsOnFutureRound => false;

    public override PriceReading PerpPrice()
    {
        var fmv = PerpFmvUsdPrice();
        return fmv with { Valid = fmv.Valid && IsSpotHealthy() };
    }

    /// <summary>The health test above; the DR is the vault's (8 decimals, rescaled to 18).</summary>
    public bool IsSpotHealthy()
    {
        Int128 dr = Vault.DeviationRatio() * (One / SpotFeePolicy.One);
        if (dr < MinSpotDR)
        {
            return false;
        }

        foreach (var tranche in Perp.ReserveTranches)
        {
            var bond = tranche.Bond;
            if (bond.IsMature)
            {
                return false;
            }

            if (tranche.TotalSupply <= 0)
            {
                throw new BalancerException("spotPricer", BalancerException.DivisionByZero, $"{tranche} has no supply");
            }

            Int128 seniorCDR = (Int128)((BigInteger)bond.CollateralBalance * (BigInteger)One / tranche.TotalSupply);
            if (seniorCDR < MinSeniorCDR)
            {
                return false;
            }
        }

        return Perp.Underlying.BalanceOf(Perp.Account) <= AmplDustAmt;
    }
}

/// <summary>
/// The later pricer (spot-vaults <c>_strategies/SpotPricer.sol</c>): SPOT at its fair value times
/// the owner-set discount factor ("beta"), valid with the AMPL target. The contract's factor starts
/// at 0 (which would make the broker divide by zero); the model starts it at 1.0.
/// </summary>
public sealed class SpotPricer(Chain chain, PerpetualTranche perp) : SpotPricerBase(chain, perp)
{
    /// <summary>The discount factor at 18 decimals (default 1.0; the mainnet value is not in the repository).</summary>
    public Int128 SpotDiscountFactor { get; set; } = One;

    protected override bool WrapsOnFutureRound => true;

    /// <summary>fmv · beta / 1.0 (rounded down), as the broker computes it from the two readings.</summary>
    public override PriceReading PerpPrice()
    {
        var fmv = PerpFmvUsdPrice();
        return new PriceReading((Int128)((BigInteger)fmv.Price * SpotDiscountFactor / One), fmv.Valid);
    }
}
