using System.Globalization;
using System.Numerics;

namespace Backtest.Protocols.Ampleforth.Policy;

/// <summary>
/// How the AMPL monetary policy turns the exchange rate and the target rate (both 18-decimal
/// fixed point) into a supply change. Each era of the policy contract is one subclass; the
/// arithmetic follows the contract of that era, including where it truncates.
/// </summary>
public abstract record RebaseFunction
{
    /// <summary>1.0 at the policy's 18 decimals.</summary>
    public static readonly BigInteger One = BigInteger.Pow(10, 18);

    /// <summary>
    /// The requested supply change for <paramref name="supply"/> base units when the rate is
    /// outside the deviation threshold (the caller checks the threshold): signed, truncated
    /// toward zero as the contract's int256 division does.
    /// </summary>
    public abstract BigInteger SupplyDelta(BigInteger supply, BigInteger rate, BigInteger targetRate);

    /// <summary>rate·10¹⁸/target truncated: the policy's normalized rate.</summary>
    public static BigInteger NormalizedRate(BigInteger rate, BigInteger targetRate) =>
        Int256.Div(Int256.Mul(rate, One), targetRate);

    /// <summary>An 18-decimal fixed-point value from its decimal text ("-0.077", "45").</summary>
    public static BigInteger Fp18(string value) =>
        (BigInteger)(decimal.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture) * 1_000_000_000m) * 1_000_000_000;
}

/// <summary>
/// The 2019–2021 linear rebase: Δ = supply·(rate − target)/target, then divided by the rebase lag
/// (30 at launch, 10 from 2019-10-31), each division truncating toward zero
/// (UFragmentsPolicy at ampleforth-contracts <c>4aefc98</c>).
/// </summary>
public sealed record LinearRebase(int Lag) : RebaseFunction
{
    public override BigInteger SupplyDelta(BigInteger supply, BigInteger rate, BigInteger targetRate)
    {
        BigInteger delta = Int256.Div(Int256.Mul(supply, rate - targetRate), targetRate);
        return Int256.Div(delta, Lag);
    }
}

/// <summary>
/// A single sigmoid over the normalized rate (AIP-5 from 2022: lower −0.10, upper +0.10, growth 3;
/// the September 2024 parameters: −0.077, +0.05, 45): Δ = supply·pct/10¹⁸ with
/// pct = <see cref="Sigmoid.Compute"/>(rate/target).
/// </summary>
public sealed record SigmoidRebase(BigInteger Lower, BigInteger Upper, BigInteger Growth) : RebaseFunction
{
    /// <summary>The rebase percentage (18 decimals) at a normalized rate.</summary>
    public BigInteger RebasePercentage(BigInteger normalizedRate) =>
        Sigmoid.Compute(normalizedRate, Lower, Upper, Growth, One);

    public override BigInteger SupplyDelta(BigInteger supply, BigInteger rate, BigInteger targetRate) =>
        Int256.Div(Int256.Mul(supply, RebasePercentage(NormalizedRate(rate, targetRate))), One);
}

/// <summary>
/// The 2025 two-curve rebase (ampleforth-contracts <c>0e7f9d1</c>): at or above target the
/// sigmoid runs between −<see cref="PositiveLimit"/> and +<see cref="PositiveLimit"/> with
/// <see cref="PositiveGrowth"/>; below target between <see cref="NegativeLimit"/> and
/// −<see cref="NegativeLimit"/> with <see cref="NegativeGrowth"/>. Defaults: +0.05 / −0.077, growth 45 on both sides.
/// </summary>
public sealed record DoubleSigmoidRebase(BigInteger NegativeLimit, BigInteger PositiveLimit, BigInteger NegativeGrowth, BigInteger PositiveGrowth)
    : RebaseFunction
{
    /// <summary>The rebase percentage (18 decimals) at a normalized rate.</summary>
    public BigInteger RebasePercentage(BigInteger normalizedRate) =>
        normalizedRate >= One
            ? Sigmoid.Compute(normalizedRate, -PositiveLimit, PositiveLimit, PositiveGrowth, One)
            : Sigmoid.Compute(normalizedRate, NegativeLimit, -NegativeLimit, NegativeGrowth, One);

    public override BigInteger SupplyDelta(BigInteger supply, BigInteger rate, BigInteger targetRate) =>
        Int256.Div(Int256.Mul(supply, RebasePercentage(NormalizedRate(rate, targetRate))), One);
}
