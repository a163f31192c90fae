using System.Numerics;
using Backtest.Protocols.Ampleforth.Policy;

namespace Backtest.Protocols.Ampleforth.Batch;

/// <summary>
/// The supply change <see cref="MonetaryPolicy.Rebase"/> asks of the token, in 128-bit integers:
/// the target by the era's oracle rule, the deviation threshold, then the era's function with
/// the contract's truncations (the sigmoids through <see cref="SigmoidTable"/>). Inputs outside
/// the ranges where every intermediate provably fits (market rate below 2⁶⁴, target and
/// threshold products below 2¹²⁶) take <see cref="PolicyParameters"/>' own arithmetic, so every
/// input gives the policy's answer.
/// </summary>
internal sealed class SupplyDeltaKernel
{
    private static readonly Int128 One = (Int128)RebaseFunction.One;
    private static readonly Int128 MaxRate = (Int128)PolicyParameters.MaxRate;
    private static readonly Int128 FastLimit = (Int128)1 << 64;

    private readonly PolicyParameters _policy;
    private readonly SigmoidTable? _single;
    private readonly SigmoidTable? _above;
    private readonly SigmoidTable? _below;
    private readonly int _lag;
    private readonly bool _fast;
    private readonly Int128 _threshold;
    private readonly Int128 _baseCpi;

    public SupplyDeltaKernel(PolicyParameters policy)
    {
        _policy = policy;
        switch (policy.Function)
        {
            case LinearRebase linear when linear.Lag > 0:
                _lag = linear.Lag;
                _fast = true;
                break;
            case SigmoidRebase s:
                _single = new SigmoidTable(s.Lower, s.Upper, s.Growth, RebaseFunction.One);
                _fast = _single.IsTabulated;
                break;
            case DoubleSigmoidRebase d:
                _above = new SigmoidTable(-d.PositiveLimit, d.PositiveLimit, d.PositiveGrowth, RebaseFunction.One);
                _below = new SigmoidTable(d.NegativeLimit, -d.NegativeLimit, d.NegativeGrowth, RebaseFunction.One);
                _fast = _above.IsTabulated && _below.IsTabulated;
                break;
        }

        bool thresholdFits = policy.DeviationThreshold.Sign >= 0 && policy.DeviationThreshold < BigInteger.One << 62;
        bool cpiFits = policy.TargetOracle == TargetOracleKind.TargetRate || (policy.BaseCpi.Sign > 0 && policy.BaseCpi < BigInteger.One << 100);
        _fast &= thresholdFits && cpiFits;
        _threshold = thresholdFits ? (Int128)policy.DeviationThreshold : 0;
        _baseCpi = cpiFits && policy.TargetOracle == TargetOracleKind.IndexOverBase ? (Int128)policy.BaseCpi : 1;
    }

    public PolicyParameters Policy => _policy;

    /// <summary>
    /// The supply change for <paramref name="supply"/> at these readings (before the token's own
    /// rules), or the policy's revert: invalid readings revert or mean no change by the era's
    /// rule; a change outside 64 bits is <see cref="SpotOutcome.Overflow"/>.
    /// </summary>
    public SpotOutcome SupplyDelta(long supply, Int128 market, bool marketValid, Int128 target, bool targetValid, out long delta)
    {
        delta = 0;
        bool valid = marketValid && targetValid;
        if (!valid)
        {
            return _policy.InvalidOracle == InvalidOracleRule.Revert ? SpotOutcome.PolicyInvalidOracleData : SpotOutcome.Ok;
        }

        Int128 rate = Int128.Min(market, MaxRate);
        if (_fast && rate >= 0 && rate < FastLimit && target > 0 && target < FastLimit)
        {
            Int128 targetRate = _policy.TargetOracle == TargetOracleKind.TargetRate ? target : target * One / _baseCpi;
            if (targetRate > 0 && targetRate < FastLimit)
            {
                return Fast(supply, rate, targetRate, out delta);
            }
        }

        return Slow(supply, rate, target, out delta);
    }

    private SpotOutcome Fast(long supply, Int128 rate, Int128 targetRate, out long delta)
    {
        delta = 0;
        Int128 absoluteThreshold = targetRate * _threshold / One;
        if (Int128.Abs(rate - targetRate) < absoluteThreshold)
        {
            return SpotOutcome.Ok;
        }

        Int128 change;
        if (_lag > 0)
        {
            change = supply * (rate - targetRate) / targetRate / _lag;
        }
        else
        {
            Int128 x = rate * One / targetRate;
            var table = _single ?? (x >= One ? _above! : _below!);
            var outcome = table.Compute(x, out Int128 percentage);
            if (outcome != SpotOutcome.Ok)
            {
                return outcome;
            }

            if (Int128.Abs(percentage) >= FastLimit)
            {
                return Slow(supply, rate, targetRate, out delta, targetIsRate: true);
            }

            change = supply * percentage / One;
        }

        if (change > long.MaxValue || change < long.MinValue)
        {
            return SpotOutcome.Overflow;
        }

        delta = (long)change;
        return SpotOutcome.Ok;
    }

    private SpotOutcome Slow(long supply, Int128 rate, Int128 target, out long delta, bool targetIsRate = false)
    {
        delta = 0;
        try
        {
            BigInteger targetRate = targetIsRate ? (BigInteger)target : _policy.TargetRateFrom((BigInteger)target);
            BigInteger change = _policy.ComputeSupplyDelta(supply, (BigInteger)rate, targetRate);
            if (change > long.MaxValue || change < long.MinValue)
            {
                return SpotOutcome.Overflow;
            }

            delta = (long)change;
            return SpotOutcome.Ok;
        }
        catch (ContractMathException e)
        {
            return SpotOutcomes.FromException(e);
        }
    }
}
