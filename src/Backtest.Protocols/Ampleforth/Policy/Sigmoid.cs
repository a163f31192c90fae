using System.Numerics;

namespace Backtest.Protocols.Ampleforth.Policy;

/// <summary>
/// The generalized sigmoid and the limited-precision 2^x the Ampleforth contracts share
/// (ampleforth-contracts <c>lib/SafeMathInt.sol</c> <c>twoPower</c> and
/// <c>UFragmentsPolicy.computeRebasePercentage</c>; spot-contracts <c>_utils/Sigmoid.sol</c>).
/// All values are signed fixed-point integers with the same scale <c>one</c> (10¹⁸ in the
/// monetary policy, 10⁸ in the SPOT fee policy). Division truncates toward zero as Solidity's
/// signed division does; every intermediate is checked against the int256 range.
/// </summary>
public static class Sigmoid
{
    /// <summary>2^(1/2^i) for i = 1..5 at 18 decimals, the contracts' precomputed constants.</summary>
    private static readonly BigInteger[] FractionalRoots =
    [
        BigInteger.Parse("1414213562373095049", System.Globalization.CultureInfo.InvariantCulture),
        BigInteger.Parse("1189207115002721067", System.Globalization.CultureInfo.InvariantCulture),
        BigInteger.Parse("1090507732665257659", System.Globalization.CultureInfo.InvariantCulture),
        BigInteger.Parse("1044273782427413840", System.Globalization.CultureInfo.InvariantCulture),
        BigInteger.Parse("1021897148654116678", System.Globalization.CultureInfo.InvariantCulture),
    ];

    private static readonly BigInteger RootScale = BigInteger.Pow(10, 18);

    /// <summary>
    /// 2^(exp/one) at scale <paramref name="one"/>: the integer part is exact, the fractional part
    /// uses only its first five binary digits (each multiplication truncated), and a negative
    /// exponent is the truncated reciprocal one²/2^|exp|, which is 0 below 2^-log2(one).
    /// Reverts when the whole part exceeds 100.
    /// </summary>
    public static BigInteger TwoPower(BigInteger exp, BigInteger one)
    {
        bool reciprocal = exp.Sign < 0;
        exp = BigInteger.Abs(exp);
        BigInteger whole = Int256.Div(exp, one);
        if (whole > 100)
        {
            throw new ContractMathException(ContractMathException.ExponentTooLarge, $"2^({exp}/{one}) has a whole part above 100");
        }

        BigInteger result = Int256.Mul(BigInteger.One << (int)whole, one);
        BigInteger remaining = exp - (whole * one);
        BigInteger current = one / 2;
        foreach (var root in FractionalRoots)
        {
            if (remaining >= current)
            {
                remaining -= current;
                result = Int256.Div(Int256.Mul(result, root), RootScale);
            }

            current /= 2;
        }

        return reciprocal ? Int256.Div(Int256.Mul(one, one), result) : result;
    }

    /// <summary>
    /// y = (upper − lower) / (1 − (upper/lower) / 2^(growth·(x − 1))) + lower, in fixed point at
    /// scale <paramref name="one"/>, with the exponent capped at ±100 and y = lower when the power
    /// truncates to zero. y(1) is 0 for asymmetric asymptotes only up to truncation.
    /// </summary>
    public static BigInteger Compute(BigInteger x, BigInteger lower, BigInteger upper, BigInteger growth, BigInteger one)
    {
        BigInteger delta = x - one;
        BigInteger exponent = Int256.Div(Int256.Mul(growth, delta), one);
        BigInteger cap = one * 100;
        if (exponent > cap)
        {
            exponent = cap;
        }

        if (exponent < -cap)
        {
            exponent = -cap;
        }

        BigInteger pow = TwoPower(exponent, one);
        if (pow.Sign <= 0)
        {
            return lower;
        }

        BigInteger numerator = upper - lower;
        BigInteger intermediate = Int256.Div(Int256.Mul(upper, one), lower);
        intermediate = Int256.Div(Int256.Mul(intermediate, one), pow);
        BigInteger denominator = one - intermediate;
        return Int256.Div(Int256.Mul(numerator, one), denominator) + lower;
    }
}

/// <summary>Checked int256 arithmetic with Solidity's semantics (truncating division, revert on overflow or /0).</summary>
internal static class Int256
{
    private static readonly BigInteger Max = (BigInteger.One << 255) - 1;
    private static readonly BigInteger Min = -(BigInteger.One << 255);

    public static BigInteger Mul(BigInteger a, BigInteger b) => Check(a * b, "mul", a, b);

    public static BigInteger Div(BigInteger a, BigInteger b)
    {
        if (b.IsZero)
        {
            throw new ContractMathException(ContractMathException.DivisionByZero, $"{a} / 0");
        }

        return Check(BigInteger.Divide(a, b), "div", a, b);
    }

    public static BigInteger Check(BigInteger value, string op, BigInteger a, BigInteger b)
    {
        if (value > Max || value < Min)
        {
            throw new ContractMathException(ContractMathException.Int256Overflow, $"{op}({a}, {b}) leaves int256");
        }

        return value;
    }
}
