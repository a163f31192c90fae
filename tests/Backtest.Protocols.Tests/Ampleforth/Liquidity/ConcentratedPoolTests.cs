using System.Numerics;
using Backtest.Numerics;
using Backtest.Protocols.Ampleforth;
using Backtest.Protocols.Ampleforth.Liquidity;
using Backtest.Protocols.Ampleforth.Tokens;

namespace Backtest.Protocols.Tests.Ampleforth.Liquidity;

public class ConcentratedPoolTests
{
    private static readonly BigInteger Q96 = BigInteger.One << 96;

    private static (Chain Chain, ConcentratedPool Pool, TokenLedger<long> Spot, TokenLedger<long> Usdc, int Lp, int Trader) NewPool(string price = "1.2", int feePips = 3000)
    {
        var chain = new Chain(1_700_000_000);
        var spot = new TokenLedger<long>(chain, "SPOT");
        var usdc = new TokenLedger<long>(chain, "USDC");
        int lp = chain.CreateAccount("lp");
        int trader = chain.CreateAccount("trader");
        spot.Mint(lp, Fixed.Parse("1000000"));
        usdc.Mint(lp, 1_000_000 * SpotUsdcPrice.UsdcUnit);
        spot.Mint(trader, Fixed.Parse("100000"));
        usdc.Mint(trader, 100_000 * SpotUsdcPrice.UsdcUnit);
        var pool = new ConcentratedPool(chain, spot, usdc, feePips, SpotUsdcPrice.ToSqrtPriceX96(Fixed.Parse(price)));
        return (chain, pool, spot, usdc, lp, trader);
    }

    [Fact]
    public void SqrtPriceOfABandEdgeIsTheFlooredRoot()
    {
        var root = SpotUsdcPrice.ToSqrtPriceX96(Fixed.Parse("1.15"));
        var squared = (BigInteger)Fixed.Parse("1.15") * (BigInteger.One << 192) / BigInteger.Pow(10, 12);
        Assert.True(root * root <= squared && (root + 1) * (root + 1) > squared);
        Assert.Equal(1.15, SpotUsdcPrice.ToPrice(root), 9);
    }

    [Fact]
    public void ASaleWithinOneRangeMatchesTheClosedForm()
    {
        var (_, pool, spot, usdc, lp, trader) = NewPool();
        BigInteger liquidity = BigInteger.Pow(10, 13);
        pool.Mint(lp, SqrtPriceMath.MinSqrtRatio, SqrtPriceMath.MaxSqrtRatio, liquidity);
        BigInteger p = pool.SqrtPriceX96;
        long amountIn = Fixed.Parse("100");
        long usdcBefore = usdc.BalanceOf(trader);

        var result = pool.Swap(trader, zeroForOne: true, amountIn);

        BigInteger lessFee = (BigInteger)amountIn * (1_000_000 - 3000) / 1_000_000;
        BigInteger num = liquidity << 96;
        BigInteger expectedPrice = ((num * p) + (num + (lessFee * p)) - 1) / (num + (lessFee * p));
        BigInteger expectedOut = liquidity * (p - expectedPrice) / Q96;
        Assert.Equal(expectedPrice, pool.SqrtPriceX96);
        Assert.Equal((long)expectedOut, result.AmountOut);
        Assert.Equal(amountIn, result.AmountIn);
        Assert.Equal(result.AmountOut, usdc.BalanceOf(trader) - usdcBefore);
        Assert.True(result.Fee >= amountIn * 3000 / 1_000_000);
    }

    [Fact]
    public void ARoundTripNeverProfitsTheTrader()
    {
        foreach (string size in new[] { "1", "250", "5000", "60000" })
        {
            var (_, pool, spot, usdc, lp, trader) = NewPool();
            foreach (var band in LiquidityBand.Seed000)
            {
                var (lower, upper) = band.SqrtBounds();
                pool.Mint(lp, lower, upper, BigInteger.Pow(10, 13));
            }

            long spotBefore = spot.BalanceOf(trader);
            var sold = pool.Swap(trader, true, Fixed.Parse(size));
            pool.Swap(trader, false, sold.AmountOut);
            Assert.True(spot.BalanceOf(trader) < spotBefore, $"size {size}: {spot.BalanceOf(trader)} vs {spotBefore}");
        }
    }

    [Fact]
    public void SwapsCrossBandsAndPayFeesOnlyToPositionsInRange()
    {
        var (_, pool, _, _, lp, trader) = NewPool("1.2", feePips: 10_000);
        var (wideLower, wideUpper) = LiquidityBand.Seed000[1].SqrtBounds();
        var (narrowLower, narrowUpper) = LiquidityBand.Seed000[2].SqrtBounds();
        var above = pool.Mint(lp, SpotUsdcPrice.ToSqrtPriceX96(Fixed.Parse("1.5")), SpotUsdcPrice.ToSqrtPriceX96(Fixed.Parse("2")), BigInteger.Pow(10, 13));
        var narrow = pool.Mint(lp, narrowLower, narrowUpper, BigInteger.Pow(10, 13));
        var wide = pool.Mint(lp, wideLower, wideUpper, BigInteger.Pow(10, 12));
        Assert.Equal(0, above.Amount1);

        // Selling SPOT pushes the price down through 1.15, below which no liquidity is left.
        var result = pool.Swap(trader, true, Fixed.Parse("50000"));
        Assert.True(pool.SqrtPriceX96 < narrowLower);
        Assert.True(result.AmountIn < Fixed.Parse("50000"), "the unfilled input stays with the trader");
        var positions = pool.Positions.ToDictionary(p => p.Id);
        Assert.Equal(0, positions[above.Id].FeesOwed0);
        Assert.True(positions[narrow.Id].FeesOwed0 > 9 * positions[wide.Id].FeesOwed0, "fees follow liquidity (10:1)");
        Assert.True(positions[narrow.Id].FeesOwed0 + positions[wide.Id].FeesOwed0 <= result.Fee);

        // Below both bands the positions hold SPOT only; burning returns it with the fees.
        var (spotBack, usdcBack) = pool.Burn(lp, narrow.Id, BigInteger.Pow(10, 13));
        Assert.Equal(0, usdcBack);
        Assert.True(spotBack > narrow.Amount0);
    }

    [Fact]
    public void RefusalsAreTypedAndLeaveNoTrace()
    {
        var (_, pool, spot, _, lp, trader) = NewPool();
        Assert.Equal(PoolException.ZeroAmount, Assert.Throws<PoolException>(() => pool.Swap(trader, true, 0)).Rule);
        Assert.Equal(PoolException.InvalidRange, Assert.Throws<PoolException>(() => pool.Mint(lp, 10, 5, 1)).Rule);
        Assert.Equal(PoolException.InsufficientLiquidity, Assert.Throws<PoolException>(() => pool.Swap(trader, true, Fixed.Parse("10"))).Rule);
        var minted = pool.Mint(lp, SqrtPriceMath.MinSqrtRatio, SqrtPriceMath.MaxSqrtRatio, BigInteger.Pow(10, 13));
        Assert.Equal(PoolException.UnknownPosition, Assert.Throws<PoolException>(() => pool.Burn(trader, minted.Id, 1)).Rule);
        var price = pool.SqrtPriceX96;
        long balance = spot.BalanceOf(trader);
        Assert.ThrowsAny<ProtocolException>(() => pool.Swap(trader, true, balance + 1));
        Assert.Equal(price, pool.SqrtPriceX96);
        Assert.Equal(balance, spot.BalanceOf(trader));
    }
}
