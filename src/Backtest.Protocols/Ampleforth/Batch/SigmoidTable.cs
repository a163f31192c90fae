using System.Numerics;
using Backtest.Protocols.Ampleforth.Policy;

namespace Backtest.Protocols.Ampleforth.Batch;

/// <summary>
/// <see cref="Sigmoid.Compute"/> for one (lower, upper, growth, one), tabulated. The contracts'
/// <c>twoPower</c> reads only the exponent's sign, its whole part (at most 100 after the cap)
/// and its first five fractional bits, and the sigmoid's result depends on x only through that
/// power, so it takes at most 2 × 101 × 32 values: each is computed once with the contracts'
/// own functions and looked up by the exponent's key.
/// </summary>
internal sealed class SigmoidTable
{
    private const int FractionSteps = 32;
    private const int WholeSteps = 101;

    private readonly BigInteger _one;
    private readonly Int128 _oneValue;
    private readonly Int128 _step;
    private readonly Int128 _cap;
    private readonly Int128 _growth;
    private readonly Int128 _growthBound;
    private readonly Int128[] _values;
    private readonly byte[] _faults;

    public SigmoidTable(BigInteger lower, BigInteger upper, BigInteger growth, BigInteger one)
    {
        Lower = lower;
        Upper = upper;
        Growth = growth;
        _one = one;
        _oneValue = (Int128)one;
        _step = (Int128)(one / FractionSteps);
        _cap = (Int128)(one * 100);
        bool fast = one % FractionSteps == 0 && BigInteger.Abs(growth) < BigInteger.One << 100 && one.Sign > 0 && one < BigInteger.One << 62;
        _growth = fast ? (Int128)growth : 0;
        _growthBound = fast && !growth.IsZero ? (Int128)((BigInteger.One << 125) / BigInteger.Abs(growth)) : Int128.MaxValue;
        IsTabulated = fast;
        _values = new Int128[2 * WholeSteps * FractionSteps];
        _faults = new byte[_values.Length];
        if (fast)
        {
            for (int key = 0; key < _values.Length; key++)
            {
                Fill(key);
            }
        }
    }

    public BigInteger Lower { get; }

    public BigInteger Upper { get; }

    public BigInteger Growth { get; }

    /// <summary>Whether the table applies (the fraction steps are exact at this scale and the growth fits); otherwise every call takes the contracts' own path.</summary>
    public bool IsTabulated { get; }

    /// <summary>
    /// Sigmoid(x) exactly as <see cref="Sigmoid.Compute"/> gives it, or the outcome of its revert.
    /// Values of x whose exponent product would leave 125 bits take the contracts' own path.
    /// </summary>
    public SpotOutcome Compute(Int128 x, out Int128 value)
    {
        Int128 delta = x - _oneValue;
        if (!IsTabulated || Int128.Abs(delta) >= _growthBound)
        {
            return Slow(x, out value);
        }

        Int128 exponent = _growth * delta / _oneValue;
        exponent = Int128.Clamp(exponent, -_cap, _cap);
        int key = Key(exponent);
        value = _values[key];
        return (SpotOutcome)_faults[key];
    }

    private int Key(Int128 exponent)
    {
        bool negative = exponent < 0;
        Int128 magnitude = Int128.Abs(exponent);
        Int128 whole = magnitude / _oneValue;
        Int128 fraction = (magnitude - (whole * _oneValue)) / _step;
        return ((negative ? WholeSteps : 0) + (int)whole) * FractionSteps + (int)fraction;
    }

    private void Fill(int key)
    {
        int fraction = key % FractionSteps;
        int whole = key / FractionSteps % WholeSteps;
        bool negative = key >= WholeSteps * FractionSteps;
        BigInteger exponent = (whole * _one) + (fraction * (_one / FractionSteps));
        if (exponent > _one * 100)
        {
            // Beyond the cap: never looked up.
            return;
        }

        try
        {
            BigInteger pow = Sigmoid.TwoPower(negative ? -exponent : exponent, _one);
            BigInteger result = pow.Sign <= 0 ? Lower : Tail(pow);
            if (result > (BigInteger)Int128.MaxValue || result < (BigInteger)Int128.MinValue)
            {
                _faults[key] = (byte)SpotOutcome.Overflow;
                return;
            }

            _values[key] = (Int128)result;
        }
        catch (ContractMathException e)
        {
            _faults[key] = (byte)SpotOutcomes.FromException(e);
        }
    }

    /// <summary>The sigmoid once the power is known: (u − l)/(1 − (u/l)/pow) + l with the contracts' truncations.</summary>
    private BigInteger Tail(BigInteger pow)
    {
        BigInteger numerator = Upper - Lower;
        BigInteger intermediate = Int256.Div(Int256.Mul(Upper, _one), Lower);
        intermediate = Int256.Div(Int256.Mul(intermediate, _one), pow);
        BigInteger denominator = _one - intermediate;
        return Int256.Div(Int256.Mul(numerator, _one), denominator) + Lower;
    }

    private SpotOutcome Slow(Int128 x, out Int128 value)
    {
        value = 0;
        try
        {
            BigInteger result = Sigmoid.Compute((BigInteger)x, Lower, Upper, Growth, _one);
            if (result > (BigInteger)Int128.MaxValue || result < (BigInteger)Int128.MinValue)
            {
                return SpotOutcome.Overflow;
            }

            value = (Int128)result;
            return SpotOutcome.Ok;
        }
        catch (ContractMathException e)
        {
            return SpotOutcomes.FromException(e);
        }
    }
}
