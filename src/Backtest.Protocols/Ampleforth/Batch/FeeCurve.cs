using System.Numerics;
using Backtest.Protocols.Ampleforth.Spot;

namespace Backtest.Protocols.Ampleforth.Batch;

/// <summary>
/// The v5 fee policy's curve averages (<see cref="DeviationFeePolicy.ComputeFeePerc"/>,
/// <see cref="LineMath.PiecewiseAverageY"/>) and rebalance amount
/// (<see cref="DeviationFeePolicy.ComputeRebalanceAmount"/>) in checked 128-bit integers with
/// the contracts' truncating divisions; a product that leaves 128 bits (only for absurd
/// deviation ratios) falls back to the policy's own arbitrary-precision arithmetic.
/// </summary>
internal static class FeeCurve
{
    private const long One = SpotFeePolicy.One;

    public static SpotOutcome Fee(DeviationFeePolicy policy, Int128 drPre, Int128 drPost, out Int128 fee)
    {
        fee = 0;
        try
        {
            Int128 value;
            if (drPre > drPost)
            {
                var down = policy.FeeFnDRDown;
                var flat = new FeeLine(One, down.Y2, down.X2, down.Y2);
                value = Piecewise(down, flat, drPost, drPre, down.X2);
            }
            else
            {
                var up = policy.FeeFnDRUp;
                var flat = new FeeLine(One, up.Y1, up.X1, up.Y1);
                value = Piecewise(flat, up, drPre, drPost, up.X1);
            }

            if (value < 0)
            {
                return SpotOutcome.FeePolicyValueOutOfRange;
            }

            fee = value;
            return SpotOutcome.Ok;
        }
        catch (OverflowException)
        {
            return Slow(() => policy.ComputeFeePerc(drPre, drPost), out fee);
        }
        catch (DivideByZeroException)
        {
            return SpotOutcome.MathDivisionByZero;
        }
    }

    /// <summary>The rebalance amount (value into the perp; negative: out of it).</summary>
    public static SpotOutcome RebalanceAmount(DeviationFeePolicy policy, long perpTvl, long vaultTvl, Int128 dr, out Int128 amount)
    {
        amount = 0;
        if (dr >= policy.EquilibriumDR.Lower && dr <= policy.EquilibriumDR.Upper)
        {
            return SpotOutcome.Ok;
        }

        Int128 required = (((Int128)perpTvl + vaultTvl) * One / (One + policy.TargetSystemRatio)) - perpTvl;
        if (required < 0)
        {
            var limits = policy.PerpDebasementPercLimits;
            Int128 moved = Clip(-required / policy.PerpDebasementLag, (Int128)perpTvl * limits.Lower / One, (Int128)perpTvl * limits.Upper / One);
            amount = Int128.Max(-moved, required);
        }
        else if (required > 0)
        {
            var limits = policy.PerpEnrichmentPercLimits;
            Int128 moved = Clip(required / policy.PerpEnrichmentLag, (Int128)perpTvl * limits.Lower / One, (Int128)perpTvl * limits.Upper / One);
            amount = Int128.Min(moved, required);
        }

        return SpotOutcome.Ok;
    }

    private static Int128 Clip(Int128 value, Int128 lower, Int128 upper) => Int128.Min(Int128.Max(value, lower), upper);

    private static Int128 Piecewise(FeeLine below, FeeLine above, Int128 lower, Int128 upper, Int128 breakpoint)
    {
        if (upper <= breakpoint)
        {
            return Average(below, lower, upper);
        }

        if (lower >= breakpoint)
        {
            return Average(above, lower, upper);
        }

        Int128 firstLength = breakpoint - lower;
        Int128 secondLength = upper - breakpoint;
        Int128 first = Average(below, lower, breakpoint);
        Int128 second = Average(above, breakpoint, upper);
        return checked((first * firstLength) + (second * secondLength)) / (upper - lower);
    }

    private static Int128 Average(FeeLine line, Int128 lower, Int128 upper)
    {
        if (line.Y1 == line.Y2)
        {
            return line.Y2;
        }

        Int128 deltaY = (Int128)line.Y2 - line.Y1;
        Int128 deltaX = (Int128)line.X2 - line.X1;
        Int128 c = line.Y2 - ((Int128)line.X2 * deltaY / deltaX);
        return checked(checked(checked(lower + upper) * deltaY) / (2 * deltaX)) + c;
    }

    private static SpotOutcome Slow(Func<Int128> compute, out Int128 value)
    {
        value = 0;
        try
        {
            value = compute();
            return SpotOutcome.Ok;
        }
        catch (ProtocolException e)
        {
            return SpotOutcomes.FromException(e);
        }
        catch (OverflowException)
        {
            // The policy's result left 128 bits: the fee cannot be charged in 64-bit amounts.
            return SpotOutcome.Overflow;
        }
    }

    /// <summary>Exposed for the tests' comparison with <see cref="LineMath"/>.</summary>
    internal static BigInteger Reference(DeviationFeePolicy policy, Int128 drPre, Int128 drPost) => policy.ComputeFeePerc(drPre, drPost);
}
