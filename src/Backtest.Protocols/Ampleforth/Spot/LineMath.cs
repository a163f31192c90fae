using System.Numerics;
using Backtest.Protocols.Ampleforth.Policy;

namespace Backtest.Protocols.Ampleforth.Spot;

/// <summary>A line through (X1, Y1) and (X2, Y2) in the fee policy's 8-decimal fixed point.</summary>
public readonly record struct FeeLine(long X1, long Y1, long X2, long Y2);

/// <summary>A closed range [Lower, Upper] in 8-decimal fixed point.</summary>
public readonly record struct PercRange(long Lower, long Upper);

/// <summary>
/// Averages of piecewise-linear functions over an interval (spot-contracts
/// <c>_utils/LineHelpers.sol</c>). Lines are extrapolated, never clamped. Every division is
/// int256 division truncating toward zero, in the contract's order of operations.
/// </summary>
public static class LineMath
{
    /// <summary>
    /// The average of <paramref name="fn"/> over [xL, xU]: m·(xL + xU)/2 + c with
    /// c = y2 − x2·Δy/Δx, computed as ((xL + xU)·Δy)/(2·Δx) + c. A horizontal line gives y2.
    /// </summary>
    public static BigInteger AverageY(FeeLine fn, BigInteger xL, BigInteger xU)
    {
        if (fn.Y1 == fn.Y2)
        {
            return fn.Y2;
        }

        BigInteger deltaY = (BigInteger)fn.Y2 - fn.Y1;
        BigInteger deltaX = (BigInteger)fn.X2 - fn.X1;
        BigInteger c = fn.Y2 - Int256.Div(Int256.Mul(fn.X2, deltaY), deltaX);
        return Int256.Div(Int256.Mul(xL + xU, deltaY), 2 * deltaX) + c;
    }

    /// <summary>
    /// The average over [lower, upper] of the function that is <paramref name="below"/> left of
    /// <paramref name="breakpoint"/> and <paramref name="above"/> from it on; an interval that
    /// spans the breakpoint gives the length-weighted mean of the two averages (one truncating
    /// division). Reverts (InvalidRange) when lower &gt; upper.
    /// </summary>
    public static BigInteger PiecewiseAverageY(FeeLine below, FeeLine above, BigInteger lower, BigInteger upper, BigInteger breakpoint)
    {
        if (lower > upper)
        {
            throw new FeePolicyException(FeePolicyException.InvalidRange, $"[{lower}, {upper}]");
        }

        if (upper <= breakpoint)
        {
            return AverageY(below, lower, upper);
        }

        if (lower >= breakpoint)
        {
            return AverageY(above, lower, upper);
        }

        BigInteger len1 = breakpoint - lower;
        BigInteger len2 = upper - breakpoint;
        BigInteger avg1 = AverageY(below, lower, breakpoint);
        BigInteger avg2 = AverageY(above, breakpoint, upper);
        return Int256.Div(Int256.Mul(avg1, len1) + Int256.Mul(avg2, len2), upper - lower);
    }
}
