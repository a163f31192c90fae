using System.Numerics;
using Backtest.Protocols.Ampleforth.Tokens;

namespace Backtest.Protocols.Ampleforth.Policy;

/// <summary>What the policy's second oracle reports.</summary>
public enum TargetOracleKind
{
    /// <summary>A CPI-style index; target = cpi·10¹⁸/baseCpi (until October 2023).</summary>
    IndexOverBase,

    /// <summary>The target rate itself (from ampleforth-contracts <c>a868c40</c>, October 2023).</summary>
    TargetRate,
}

/// <summary>What the policy does when an oracle reports invalid data.</summary>
public enum InvalidOracleRule
{
    /// <summary>The rebase reverts (every version before October 2024).</summary>
    Revert,

    /// <summary>The rebase goes ahead with a supply change of zero (from October 2024).</summary>
    ZeroSupplyDelta,
}

/// <summary>A market or target oracle reading: an 18-decimal value and its validity flag.</summary>
public readonly record struct OracleReading(BigInteger Value, bool Valid = true);

/// <summary>
/// The parameters of one version of UFragmentsPolicy. Rates and the threshold are 18-decimal
/// fixed point; times are seconds. The rebase happens once per
/// <see cref="MinRebaseTimeIntervalSec"/> inside [offset, offset + length) of each interval.
/// </summary>
public sealed record PolicyParameters(
    RebaseFunction Function,
    BigInteger DeviationThreshold,
    long MinRebaseTimeIntervalSec,
    long RebaseWindowOffsetSec,
    long RebaseWindowLengthSec,
    TargetOracleKind TargetOracle,
    InvalidOracleRule InvalidOracle,
    BigInteger BaseCpi)
{
    /// <summary>MAX_RATE: market rates above 10⁶ (18 decimals) are capped.</summary>
    public static readonly BigInteger MaxRate = BigInteger.Pow(10, 24);

    /// <summary>The policy's MAX_SUPPLY: int256 max / MAX_RATE.</summary>
    public static readonly BigInteger MaxSupply = ((BigInteger.One << 255) - 1) / MaxRate;

    /// <summary>
    /// The requested supply change for <paramref name="supply"/> at this exchange rate and
    /// target: 0 inside the deviation threshold (|rate − target| &lt; target·threshold/10¹⁸),
    /// otherwise the era's function, with expansions capped at <see cref="MaxSupply"/>.
    /// The rate is capped at <see cref="MaxRate"/> first, as the contract does.
    /// </summary>
    public BigInteger ComputeSupplyDelta(BigInteger supply, BigInteger rate, BigInteger targetRate)
    {
        if (rate > MaxRate)
        {
            rate = MaxRate;
        }

        BigInteger absoluteThreshold = targetRate * DeviationThreshold / RebaseFunction.One;
        if (BigInteger.Abs(rate - targetRate) < absoluteThreshold)
        {
            return 0;
        }

        BigInteger delta = Function.SupplyDelta(supply, rate, targetRate);
        if (delta.Sign > 0 && supply + delta > MaxSupply)
        {
            delta = MaxSupply - supply;
        }

        return delta;
    }

    /// <summary>The target rate from the second oracle's value under this era's rule.</summary>
    public BigInteger TargetRateFrom(BigInteger oracleValue) =>
        TargetOracle == TargetOracleKind.TargetRate ? oracleValue : Int256.Div(Int256.Mul(oracleValue, RebaseFunction.One), BaseCpi);
}

/// <summary>The outcome of one rebase: the epoch, the inputs as the policy saw them, and the supply change.</summary>
public readonly record struct RebaseOutcome(long Epoch, BigInteger ExchangeRate, BigInteger TargetRate, long RequestedSupplyDelta, long SupplyAfter);

/// <summary>
/// UFragmentsPolicy: the once-a-day supply adjustment of AMPL. Holds the epoch and the last
/// rebase time; the parameters can be swapped between eras with <see cref="Parameters"/>.
/// </summary>
public sealed class MonetaryPolicy
{
    public MonetaryPolicy(PolicyParameters parameters)
    {
        Parameters = parameters;
    }

    /// <summary>The parameters in force (governance setters replace them).</summary>
    public PolicyParameters Parameters { get; set; }

    /// <summary>The number of rebases so far.</summary>
    public long Epoch { get; private set; }

    /// <summary>The start of the window of the last rebase (the contract snaps to it).</summary>
    public long LastRebaseTimestampSec { get; private set; }

    /// <summary>Whether <paramref name="now"/> lies in the daily rebase window.</summary>
    public bool InRebaseWindow(long now)
    {
        long phase = now % Parameters.MinRebaseTimeIntervalSec;
        return phase >= Parameters.RebaseWindowOffsetSec && phase < Parameters.RebaseWindowOffsetSec + Parameters.RebaseWindowLengthSec;
    }

    /// <summary>
    /// Runs the rebase at <paramref name="now"/>: checks the window and the interval, snaps the
    /// timestamp to the window start, reads the oracles and applies the supply change to
    /// <paramref name="token"/>. Before October 2024 an invalid oracle reverts; after, it means no
    /// supply change.
    /// </summary>
    public RebaseOutcome Rebase(long now, AmplToken token, OracleReading market, OracleReading target)
    {
        var p = Parameters;
        if (!InRebaseWindow(now))
        {
            throw new MonetaryPolicyException(MonetaryPolicyException.NotInRebaseWindow, $"t={now} is outside [{p.RebaseWindowOffsetSec}, {p.RebaseWindowOffsetSec + p.RebaseWindowLengthSec}) of the day");
        }

        if (LastRebaseTimestampSec + p.MinRebaseTimeIntervalSec >= now)
        {
            throw new MonetaryPolicyException(MonetaryPolicyException.RebaseTooSoon, $"last rebase at {LastRebaseTimestampSec}, now {now}");
        }

        bool valid = market.Valid && target.Valid;
        if (!valid && p.InvalidOracle == InvalidOracleRule.Revert)
        {
            throw new MonetaryPolicyException(MonetaryPolicyException.InvalidOracleData, $"market valid={market.Valid}, target valid={target.Valid}");
        }

        BigInteger rate = BigInteger.Min(market.Value, PolicyParameters.MaxRate);
        BigInteger targetRate = valid ? p.TargetRateFrom(target.Value) : target.Value;
        BigInteger delta = valid ? p.ComputeSupplyDelta(token.TotalSupply, rate, targetRate) : BigInteger.Zero;
        if (delta > long.MaxValue || delta < long.MinValue)
        {
            throw new Backtest.Numerics.FixedPointOverflowException("MonetaryPolicy.Rebase", token.TotalSupply, delta);
        }

        // The token rebase is the only step that can still revert, so it runs before the policy's own state changes.
        long applied = (long)delta;
        long supplyAfter = token.Rebase(applied);
        LastRebaseTimestampSec = now - (now % p.MinRebaseTimeIntervalSec) + p.RebaseWindowOffsetSec;
        Epoch++;
        return new RebaseOutcome(Epoch, rate, targetRate, applied, supplyAfter);
    }
}
