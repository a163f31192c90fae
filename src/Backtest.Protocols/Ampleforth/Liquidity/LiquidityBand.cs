using System.Numerics;
using Backtest.Numerics;
using Backtest.Protocols.Ampleforth.Spot;

namespace Backtest.Protocols.Ampleforth.Liquidity;

/// <summary>
/// A price band of SPOT-USDC liquidity: prices in USDC per SPOT (amounts, 9 decimals), an upper
/// price of 0 meaning the full range, and the share (8 decimals, <see cref="SpotFeePolicy.One"/>
/// = 100%) of the deployed SPOT and USDC it receives.
/// </summary>
public sealed record LiquidityBand(long LowerPrice, long UpperPrice, long SharePerc)
{
    /// <summary>Seed 000's bands: 20% full range, 20% in [1.15, 2.5], 60% in [1.15, 1.35] USDC per SPOT.</summary>
    public static IReadOnlyList<LiquidityBand> Seed000 { get; } =
    [
        new(0, 0, SpotFeePolicy.One / 5),
        new(Fixed.Parse("1.15"), Fixed.Parse("2.5"), SpotFeePolicy.One / 5),
        new(Fixed.Parse("1.15"), Fixed.Parse("1.35"), SpotFeePolicy.One * 3 / 5),
    ];

    public bool IsFullRange => UpperPrice == 0;

    /// <summary>The band's bounds as Q64.96 square-root prices of a SPOT(9 decimals)/USDC(6 decimals) pool; full range uses the pool's limits.</summary>
    public (BigInteger Lower, BigInteger Upper) SqrtBounds() => IsFullRange
        ? (SqrtPriceMath.MinSqrtRatio, SqrtPriceMath.MaxSqrtRatio)
        : (SpotUsdcPrice.ToSqrtPriceX96(LowerPrice), SpotUsdcPrice.ToSqrtPriceX96(UpperPrice));

    /// <summary>
    /// Puts <paramref name="spot"/> and <paramref name="usdc"/> into the pool for
    /// <paramref name="owner"/>, band by band: each band gets its share of both and takes the most
    /// liquidity that share allows at the current price (one unit less while the rounded-up
    /// amounts would exceed it). Returns the position ids created.
    /// </summary>
    public static List<int> Provide(ConcentratedPool pool, int owner, long spot, long usdc, IReadOnlyList<LiquidityBand> bands)
    {
        var ids = new List<int>();
        foreach (var band in bands)
        {
            var (lower, upper) = band.SqrtBounds();
            BigInteger s = (BigInteger)spot * band.SharePerc / SpotFeePolicy.One;
            BigInteger u = (BigInteger)usdc * band.SharePerc / SpotFeePolicy.One;
            BigInteger liquidity = SqrtPriceMath.LiquidityForAmounts(pool.SqrtPriceX96, lower, upper, s, u);
            while (liquidity.Sign > 0)
            {
                var (n0, n1) = SqrtPriceMath.AmountsForLiquidity(pool.SqrtPriceX96, lower, upper, liquidity, roundUp: true);
                if (n0 <= s && n1 <= u)
                {
                    break;
                }

                liquidity -= 1;
            }

            if (liquidity.Sign > 0)
            {
                ids.Add(pool.Mint(owner, lower, upper, liquidity).Id);
            }
        }

        return ids;
    }

    /// <summary>Checks that shares sum to 100% and every bounded band has 0 &lt; lower &lt; upper.</summary>
    public static void Validate(IReadOnlyList<LiquidityBand> bands)
    {
        if (bands.Count == 0 || bands.Sum(b => b.SharePerc) != SpotFeePolicy.One || bands.Any(b => b.SharePerc < 0))
        {
            throw new AmplUsdcVaultException(AmplUsdcVaultException.InvalidConfig, "band shares must be non-negative and sum to 100%");
        }

        foreach (var b in bands.Where(b => !b.IsFullRange))
        {
            if (b.LowerPrice <= 0 || b.LowerPrice >= b.UpperPrice)
            {
                throw new AmplUsdcVaultException(AmplUsdcVaultException.InvalidConfig, $"band [{Fixed.Format(b.LowerPrice)}, {Fixed.Format(b.UpperPrice)}] needs 0 < lower < upper");
            }
        }
    }
}

/// <summary>
/// Prices of a pool whose token0 is SPOT (9 decimals) and token1 USDC (6 decimals): a price p in
/// USDC per SPOT is a raw price of p·10⁶/10⁹ token1 base units per token0 base unit.
/// </summary>
public static class SpotUsdcPrice
{
    /// <summary>USDC base units per USDC.</summary>
    public const long UsdcUnit = 1_000_000;

    /// <summary>⌊√(p·10⁻³)·2⁹⁶⌋ for a price p (amount, USDC per SPOT).</summary>
    public static BigInteger ToSqrtPriceX96(long priceUsdcPerSpot) =>
        SqrtPriceMath.FromRawPrice(priceUsdcPerSpot, BigInteger.Pow(10, 12));

    /// <summary>The pool price in USDC per SPOT, as a double (reports and agents' signals only).</summary>
    public static double ToPrice(BigInteger sqrtPriceX96) => SqrtPriceMath.ToRawPrice(sqrtPriceX96) * 1_000;

    /// <summary>USDC base units as a 9-decimal amount (exact: ×1000).</summary>
    public static long UsdcToAmount(long usdcBaseUnits) => checked(usdcBaseUnits * 1_000);

    /// <summary>A 9-decimal USD amount as USDC base units, rounded down.</summary>
    public static long AmountToUsdc(long amount) => amount / 1_000;
}
