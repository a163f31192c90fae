using System.Numerics;

namespace Backtest.Protocols.Ampleforth.Liquidity;

/// <summary>
/// Concentrated-liquidity arithmetic in the Uniswap v3 form (v3-core <c>SqrtPriceMath</c>,
/// <c>SwapMath</c>; periphery <c>LiquidityAmounts</c>), restated: prices are square roots of
/// token1-per-token0 in raw base units, held as Q64.96 fixed point (√p·2⁹⁶), liquidity L is
/// √(x·y) of a range. Every quotient names its rounding: amounts a trader pays round up, amounts
/// paid out round down, and a price moved by an exact input rounds so the pool never gives more
/// than the input buys. Arithmetic is exact on <see cref="BigInteger"/> (the contracts' 256-bit
/// intermediates cannot overflow here, so no path of theirs that reverts on overflow is reachable).
/// </summary>
public static class SqrtPriceMath
{
    /// <summary>2⁹⁶, the Q64.96 unit.</summary>
    public static readonly BigInteger Q96 = BigInteger.One << 96;

    /// <summary>2¹²⁸, the unit of fee growth per unit of liquidity.</summary>
    public static readonly BigInteger Q128 = BigInteger.One << 128;

    /// <summary>TickMath.MIN_SQRT_RATIO, the lowest price a full-range position reaches.</summary>
    public static readonly BigInteger MinSqrtRatio = 4_295_128_739;

    /// <summary>TickMath.MAX_SQRT_RATIO, the highest.</summary>
    public static readonly BigInteger MaxSqrtRatio = BigInteger.Parse("1461446703485210103287273052203988822378723970342", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Fee units: fees are in hundredths of a basis point (pips), 10⁶ = 100%.</summary>
    public const int FeeDenominator = 1_000_000;

    /// <summary>
    /// √(numerator/denominator)·2⁹⁶ rounded down: the Q64.96 square-root price of a raw price
    /// numerator/denominator (token1 base units per token0 base unit).
    /// </summary>
    public static BigInteger FromRawPrice(BigInteger numerator, BigInteger denominator)
    {
        if (numerator.Sign <= 0 || denominator.Sign <= 0)
        {
            throw new PoolException(PoolException.InvalidRange, $"price {numerator}/{denominator} is not positive");
        }

        return IntegerSqrt((numerator << 192) / denominator);
    }

    /// <summary>The raw price (token1 per token0 base unit) of a Q64.96 square root, as a double, for reports only.</summary>
    public static double ToRawPrice(BigInteger sqrtPriceX96)
    {
        double s = (double)sqrtPriceX96 / (double)Q96;
        return s * s;
    }

    /// <summary>
    /// Token0 between two prices for liquidity L: L·2⁹⁶·(b − a)/(b·a), rounded up (an amount
    /// owed to the pool) or down (an amount paid out), divided in two steps as the contract does.
    /// </summary>
    public static BigInteger Amount0Delta(BigInteger sqrtA, BigInteger sqrtB, BigInteger liquidity, bool roundUp)
    {
        if (sqrtA > sqrtB)
        {
            (sqrtA, sqrtB) = (sqrtB, sqrtA);
        }

        RequirePositive(sqrtA);
        BigInteger numerator1 = liquidity << 96;
        BigInteger numerator2 = sqrtB - sqrtA;
        return roundUp
            ? DivUp(DivUp(numerator1 * numerator2, sqrtB), sqrtA)
            : numerator1 * numerator2 / sqrtB / sqrtA;
    }

    /// <summary>Token1 between two prices for liquidity L: L·(b − a)/2⁹⁶, rounded up or down.</summary>
    public static BigInteger Amount1Delta(BigInteger sqrtA, BigInteger sqrtB, BigInteger liquidity, bool roundUp)
    {
        if (sqrtA > sqrtB)
        {
            (sqrtA, sqrtB) = (sqrtB, sqrtA);
        }

        BigInteger product = liquidity * (sqrtB - sqrtA);
        return roundUp ? DivUp(product, Q96) : product / Q96;
    }

    /// <summary>
    /// The price after an exact input: token0 in lowers it to ⌈L·2⁹⁶·√P/(L·2⁹⁶ + in·√P)⌉ (rounded
    /// up, so the price moves no further than the input pays for); token1 in raises it by
    /// ⌊in·2⁹⁶/L⌋ (rounded down).
    /// </summary>
    public static BigInteger NextSqrtPriceFromInput(BigInteger sqrtPrice, BigInteger liquidity, BigInteger amountIn, bool zeroForOne)
    {
        RequirePositive(sqrtPrice);
        if (liquidity.Sign <= 0)
        {
            throw new PoolException(PoolException.ZeroLiquidity, "a price move needs liquidity in range");
        }

        if (amountIn.IsZero)
        {
            return sqrtPrice;
        }

        if (zeroForOne)
        {
            BigInteger numerator1 = liquidity << 96;
            return DivUp(numerator1 * sqrtPrice, numerator1 + (amountIn * sqrtPrice));
        }

        return sqrtPrice + ((amountIn << 96) / liquidity);
    }

    /// <summary>
    /// One swap step within a range of constant liquidity (SwapMath.computeSwapStep, exact input):
    /// the price reached, the input used, the output and the fee, with the fee taken off the input
    /// first (⌊in·(10⁶ − fee)/10⁶⌋) and, when the step stops at the target, charged as
    /// ⌈in·fee/(10⁶ − fee)⌉; when it stops short the whole remainder not swapped is the fee.
    /// </summary>
    public static (BigInteger SqrtPriceNext, BigInteger AmountIn, BigInteger AmountOut, BigInteger FeeAmount) ComputeSwapStep(
        BigInteger sqrtCurrent, BigInteger sqrtTarget, BigInteger liquidity, BigInteger amountRemaining, int feePips)
    {
        bool zeroForOne = sqrtCurrent >= sqrtTarget;
        BigInteger lessFee = amountRemaining * (FeeDenominator - feePips) / FeeDenominator;
        BigInteger amountIn = zeroForOne
            ? Amount0Delta(sqrtTarget, sqrtCurrent, liquidity, roundUp: true)
            : Amount1Delta(sqrtCurrent, sqrtTarget, liquidity, roundUp: true);
        BigInteger next = lessFee >= amountIn ? sqrtTarget : NextSqrtPriceFromInput(sqrtCurrent, liquidity, lessFee, zeroForOne);
        bool reached = next == sqrtTarget;
        BigInteger amountOut;
        if (zeroForOne)
        {
            amountIn = reached ? amountIn : Amount0Delta(next, sqrtCurrent, liquidity, roundUp: true);
            amountOut = Amount1Delta(next, sqrtCurrent, liquidity, roundUp: false);
        }
        else
        {
            amountIn = reached ? amountIn : Amount1Delta(sqrtCurrent, next, liquidity, roundUp: true);
            amountOut = Amount0Delta(sqrtCurrent, next, liquidity, roundUp: false);
        }

        BigInteger fee = reached ? DivUp(amountIn * feePips, FeeDenominator - feePips) : amountRemaining - amountIn;
        return (next, amountIn, amountOut, fee);
    }

    /// <summary>
    /// LiquidityAmounts.getLiquidityForAmounts: the most liquidity a range [a, b] can hold at price
    /// P with at most amount0 and amount1 (below the range only token0 counts, above only token1,
    /// inside the smaller of the two), each quotient rounded down.
    /// </summary>
    public static BigInteger LiquidityForAmounts(BigInteger sqrtPrice, BigInteger sqrtA, BigInteger sqrtB, BigInteger amount0, BigInteger amount1)
    {
        if (sqrtA > sqrtB)
        {
            (sqrtA, sqrtB) = (sqrtB, sqrtA);
        }

        if (sqrtPrice <= sqrtA)
        {
            return LiquidityForAmount0(sqrtA, sqrtB, amount0);
        }

        if (sqrtPrice < sqrtB)
        {
            return BigInteger.Min(LiquidityForAmount0(sqrtPrice, sqrtB, amount0), LiquidityForAmount1(sqrtA, sqrtPrice, amount1));
        }

        return LiquidityForAmount1(sqrtA, sqrtB, amount1);
    }

    /// <summary>(token0, token1) a range holds at price P for liquidity L, rounded as <paramref name="roundUp"/> says.</summary>
    public static (BigInteger Amount0, BigInteger Amount1) AmountsForLiquidity(BigInteger sqrtPrice, BigInteger sqrtA, BigInteger sqrtB, BigInteger liquidity, bool roundUp)
    {
        if (sqrtPrice <= sqrtA)
        {
            return (Amount0Delta(sqrtA, sqrtB, liquidity, roundUp), BigInteger.Zero);
        }

        if (sqrtPrice < sqrtB)
        {
            return (Amount0Delta(sqrtPrice, sqrtB, liquidity, roundUp), Amount1Delta(sqrtA, sqrtPrice, liquidity, roundUp));
        }

        return (BigInteger.Zero, Amount1Delta(sqrtA, sqrtB, liquidity, roundUp));
    }

    /// <summary>⌊√n⌋ by Newton's method on integers.</summary>
    public static BigInteger IntegerSqrt(BigInteger n)
    {
        if (n.Sign < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), "square root of a negative number");
        }

        if (n < 2)
        {
            return n;
        }

        BigInteger x = BigInteger.One << (int)((n.GetBitLength() + 1) / 2);
        while (true)
        {
            BigInteger y = (x + (n / x)) >> 1;
            if (y >= x)
            {
                return x;
            }

            x = y;
        }
    }

    private static BigInteger LiquidityForAmount0(BigInteger sqrtA, BigInteger sqrtB, BigInteger amount0) =>
        amount0 * (sqrtA * sqrtB / Q96) / (sqrtB - sqrtA);

    private static BigInteger LiquidityForAmount1(BigInteger sqrtA, BigInteger sqrtB, BigInteger amount1) =>
        (amount1 << 96) / (sqrtB - sqrtA);

    private static BigInteger DivUp(BigInteger a, BigInteger b) => BigInteger.DivRem(a, b, out var r) + (r.Sign > 0 ? 1 : 0);

    private static void RequirePositive(BigInteger sqrtPrice)
    {
        if (sqrtPrice.Sign <= 0)
        {
            throw new PoolException(PoolException.InvalidRange, "square-root price must be positive");
        }
    }
}
