using System.Numerics;
using Backtest.Protocols.Ampleforth.Tokens;

namespace Backtest.Protocols.Ampleforth.Liquidity;

/// <summary>A liquidity position: a price range in Q64.96 square roots, its liquidity and the fees owed to it.</summary>
public sealed record PoolPosition(int Id, int Owner, BigInteger SqrtLower, BigInteger SqrtUpper, BigInteger Liquidity, long FeesOwed0, long FeesOwed1);

/// <summary>What a swap exchanged: input used (fee included), output paid, the fee kept for liquidity providers, and the price after.</summary>
public readonly record struct SwapResult(long AmountIn, long AmountOut, long Fee, BigInteger SqrtPriceAfter);

/// <summary>
/// A concentrated-liquidity pool in the Uniswap v3 form (v3-core <c>UniswapV3Pool</c>, restated):
/// token0 and token1 are plain ledgers (here SPOT and USDC), the price is √(token1/token0)·2⁹⁶ in
/// raw base units, positions hold liquidity over [lower, upper) and earn the swap fee in
/// proportion to their liquidity while the price is inside their range. Exact-input swaps walk
/// the ranges step by step with <see cref="SqrtPriceMath.ComputeSwapStep"/>. Position bounds are
/// arbitrary square-root prices rather than ticks (no tick spacing), and fees are credited to the
/// positions in range at each step as ⌊L_i·⌊fee·2¹²⁸/L⌋/2¹²⁸⌋, which is Uniswap's fee-growth
/// accounting for positions in range over the whole step; the rounding dust stays in the pool.
/// Every operation is a transaction on the <see cref="Chain"/> (a revert leaves no trace).
/// </summary>
public sealed class ConcentratedPool
{
    private readonly Chain _chain;
    private readonly List<PoolPosition> _positions = [];
    private readonly Journaled<BigInteger> _sqrtPrice;
    private readonly Journaled<int> _nextId;

    public ConcentratedPool(Chain chain, TokenLedger<long> token0, TokenLedger<long> token1, int feePips, BigInteger initialSqrtPriceX96)
    {
        if (feePips < 0 || feePips >= SqrtPriceMath.FeeDenominator)
        {
            throw new PoolException(PoolException.InvalidRange, $"fee {feePips} pips is outside [0, 10⁶)");
        }

        if (initialSqrtPriceX96 < SqrtPriceMath.MinSqrtRatio || initialSqrtPriceX96 >= SqrtPriceMath.MaxSqrtRatio)
        {
            throw new PoolException(PoolException.InvalidRange, $"initial price {initialSqrtPriceX96} is outside the pool's range");
        }

        _chain = chain;
        Token0 = token0;
        Token1 = token1;
        FeePips = feePips;
        Account = chain.CreateAccount($"pool {token0.Name}/{token1.Name}");
        _sqrtPrice = new Journaled<BigInteger>(chain, initialSqrtPriceX96);
        _nextId = new Journaled<int>(chain, 0);
    }

    public TokenLedger<long> Token0 { get; }

    public TokenLedger<long> Token1 { get; }

    /// <summary>The swap fee in pips (10⁶ = 100%).</summary>
    public int FeePips { get; }

    /// <summary>The pool's account: it holds the liquidity and the fees owed.</summary>
    public int Account { get; }

    /// <summary>The current price, √(token1/token0)·2⁹⁶.</summary>
    public BigInteger SqrtPriceX96 => _sqrtPrice.Value;

    public IReadOnlyList<PoolPosition> Positions => _positions;

    /// <summary>The liquidity in range just above (moving up) or just below (moving down) the current price.</summary>
    public BigInteger ActiveLiquidity(bool movingDown)
    {
        BigInteger p = SqrtPriceX96;
        BigInteger sum = BigInteger.Zero;
        foreach (var pos in _positions)
        {
            bool inRange = movingDown ? pos.SqrtLower < p && p <= pos.SqrtUpper : pos.SqrtLower <= p && p < pos.SqrtUpper;
            if (inRange)
            {
                sum += pos.Liquidity;
            }
        }

        return sum;
    }

    /// <summary>
    /// Adds liquidity over [sqrtLower, sqrtUpper) for <paramref name="owner"/>, who pays the
    /// amounts the range needs at the current price, rounded up. Returns the position id and the amounts paid.
    /// </summary>
    public (int Id, long Amount0, long Amount1) Mint(int owner, BigInteger sqrtLower, BigInteger sqrtUpper, BigInteger liquidity) =>
        _chain.Atomic(() => MintCore(owner, sqrtLower, sqrtUpper, liquidity));

    private (int Id, long Amount0, long Amount1) MintCore(int owner, BigInteger sqrtLower, BigInteger sqrtUpper, BigInteger liquidity)
    {
        if (sqrtLower >= sqrtUpper || sqrtLower < SqrtPriceMath.MinSqrtRatio || sqrtUpper > SqrtPriceMath.MaxSqrtRatio)
        {
            throw new PoolException(PoolException.InvalidRange, $"[{sqrtLower}, {sqrtUpper}) is not a valid range");
        }

        if (liquidity.Sign <= 0)
        {
            throw new PoolException(PoolException.ZeroLiquidity, $"mint of liquidity {liquidity}");
        }

        var (a0, a1) = SqrtPriceMath.AmountsForLiquidity(SqrtPriceX96, sqrtLower, sqrtUpper, liquidity, roundUp: true);
        long amount0 = ToAmount(a0, "mint token0");
        long amount1 = ToAmount(a1, "mint token1");
        Token0.Transfer(owner, Account, amount0);
        Token1.Transfer(owner, Account, amount1);
        int id = _nextId.Value;
        _nextId.Set(id + 1);
        _chain.RecordList(_positions);
        _positions.Add(new PoolPosition(id, owner, sqrtLower, sqrtUpper, liquidity, 0, 0));
        return (id, amount0, amount1);
    }

    /// <summary>
    /// Removes <paramref name="liquidity"/> from a position and pays its owner the amounts it held
    /// (rounded down) plus all fees owed; a position left with no liquidity is deleted. Returns
    /// the total paid of each token (principal and fees).
    /// </summary>
    public (long Amount0, long Amount1) Burn(int owner, int positionId, BigInteger liquidity) =>
        _chain.Atomic(() => BurnCore(owner, positionId, liquidity));

    private (long Amount0, long Amount1) BurnCore(int owner, int positionId, BigInteger liquidity)
    {
        int index = _positions.FindIndex(p => p.Id == positionId);
        if (index < 0 || _positions[index].Owner != owner)
        {
            throw new PoolException(PoolException.UnknownPosition, $"position {positionId} of #{owner}");
        }

        var pos = _positions[index];
        if (liquidity.Sign < 0 || liquidity > pos.Liquidity)
        {
            throw new PoolException(PoolException.InsufficientLiquidity, $"burn {liquidity} of {pos.Liquidity}");
        }

        var (a0, a1) = SqrtPriceMath.AmountsForLiquidity(SqrtPriceX96, pos.SqrtLower, pos.SqrtUpper, liquidity, roundUp: false);
        long amount0 = checked(ToAmount(a0, "burn token0") + pos.FeesOwed0);
        long amount1 = checked(ToAmount(a1, "burn token1") + pos.FeesOwed1);
        _chain.RecordList(_positions);
        BigInteger remaining = pos.Liquidity - liquidity;
        if (remaining.IsZero)
        {
            _positions.RemoveAt(index);
        }
        else
        {
            _positions[index] = pos with { Liquidity = remaining, FeesOwed0 = 0, FeesOwed1 = 0 };
        }

        Token0.Transfer(Account, owner, amount0);
        Token1.Transfer(Account, owner, amount1);
        return (amount0, amount1);
    }

    /// <summary>What <see cref="Swap"/> would pay now, without changing anything.</summary>
    public SwapResult Quote(bool zeroForOne, long amountIn, BigInteger? sqrtPriceLimit = null)
    {
        var (result, _, _) = Walk(zeroForOne, amountIn, sqrtPriceLimit ?? DefaultLimit(zeroForOne));
        return result;
    }

    /// <summary>
    /// Sells exactly <paramref name="amountIn"/> of token0 (<paramref name="zeroForOne"/>) or token1
    /// for the other, walking down or up the ranges until the input is used or the price limit
    /// is reached (the unused input stays with the caller). Reverts with nothing to pay out.
    /// </summary>
    public SwapResult Swap(int caller, bool zeroForOne, long amountIn, BigInteger? sqrtPriceLimit = null) =>
        _chain.Atomic(() => SwapCore(caller, zeroForOne, amountIn, sqrtPriceLimit ?? DefaultLimit(zeroForOne)));

    private SwapResult SwapCore(int caller, bool zeroForOne, long amountIn, BigInteger limit)
    {
        if (amountIn <= 0)
        {
            throw new PoolException(PoolException.ZeroAmount, $"swap of {amountIn}");
        }

        var (result, price, fees) = Walk(zeroForOne, amountIn, limit);
        if (result.AmountOut <= 0)
        {
            throw new PoolException(PoolException.InsufficientLiquidity, $"{amountIn} in buys nothing (price {SqrtPriceX96}, limit {limit})");
        }

        var (tokenIn, tokenOut) = zeroForOne ? (Token0, Token1) : (Token1, Token0);
        tokenIn.Transfer(caller, Account, result.AmountIn);
        tokenOut.Transfer(Account, caller, result.AmountOut);
        _sqrtPrice.Set(price);
        if (fees.Count > 0)
        {
            _chain.RecordList(_positions);
            for (int i = 0; i < _positions.Count; i++)
            {
                if (fees.TryGetValue(_positions[i].Id, out long fee))
                {
                    _positions[i] = zeroForOne
                        ? _positions[i] with { FeesOwed0 = checked(_positions[i].FeesOwed0 + fee) }
                        : _positions[i] with { FeesOwed1 = checked(_positions[i].FeesOwed1 + fee) };
                }
            }
        }

        return result;
    }

    private (SwapResult Result, BigInteger Price, Dictionary<int, long> Fees) Walk(bool zeroForOne, long amountIn, BigInteger limit)
    {
        BigInteger price = SqrtPriceX96;
        if (zeroForOne ? limit >= price || limit < SqrtPriceMath.MinSqrtRatio : limit <= price || limit > SqrtPriceMath.MaxSqrtRatio)
        {
            throw new PoolException(PoolException.PriceLimit, $"limit {limit} against price {price}");
        }

        BigInteger remaining = amountIn;
        BigInteger used = 0, paid = 0, feeTotal = 0;
        var fees = new Dictionary<int, long>();
        while (remaining.Sign > 0 && price != limit)
        {
            BigInteger target = limit;
            BigInteger liquidity = BigInteger.Zero;
            foreach (var pos in _positions)
            {
                if (zeroForOne)
                {
                    if (pos.SqrtLower < price && pos.SqrtLower > target)
                    {
                        target = pos.SqrtLower;
                    }

                    if (pos.SqrtUpper < price && pos.SqrtUpper > target)
                    {
                        target = pos.SqrtUpper;
                    }
                }
                else
                {
                    if (pos.SqrtLower > price && pos.SqrtLower < target)
                    {
                        target = pos.SqrtLower;
                    }

                    if (pos.SqrtUpper > price && pos.SqrtUpper < target)
                    {
                        target = pos.SqrtUpper;
                    }
                }
            }

            foreach (var pos in _positions)
            {
                if (zeroForOne ? pos.SqrtLower < price && price <= pos.SqrtUpper : pos.SqrtLower <= price && price < pos.SqrtUpper)
                {
                    liquidity += pos.Liquidity;
                }
            }

            if (liquidity.IsZero)
            {
                price = target;
                continue;
            }

            var (next, stepIn, stepOut, stepFee) = SqrtPriceMath.ComputeSwapStep(price, target, liquidity, remaining, FeePips);
            remaining -= stepIn + stepFee;
            used += stepIn + stepFee;
            paid += stepOut;
            feeTotal += stepFee;
            if (stepFee.Sign > 0)
            {
                BigInteger growth = (stepFee << 128) / liquidity;
                foreach (var pos in _positions)
                {
                    if (zeroForOne ? pos.SqrtLower < price && price <= pos.SqrtUpper : pos.SqrtLower <= price && price < pos.SqrtUpper)
                    {
                        long share = (long)(pos.Liquidity * growth >> 128);
                        fees[pos.Id] = checked(fees.GetValueOrDefault(pos.Id) + share);
                    }
                }
            }

            price = next;
        }

        return (new SwapResult(ToAmount(used, "swap input"), ToAmount(paid, "swap output"), ToAmount(feeTotal, "swap fee"), price), price, fees);
    }

    private static BigInteger DefaultLimit(bool zeroForOne) => zeroForOne ? SqrtPriceMath.MinSqrtRatio + 1 : SqrtPriceMath.MaxSqrtRatio - 1;

    private static long ToAmount(BigInteger value, string what) =>
        value >= 0 && value <= long.MaxValue ? (long)value : throw new PoolException(PoolException.AmountOverflow, $"{what} {value} is outside the 64-bit amount range");
}
