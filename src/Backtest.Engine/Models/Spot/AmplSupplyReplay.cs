using System.Numerics;
using Backtest.Market.Data;
using Backtest.Numerics;
using Backtest.Protocols.Ampleforth;
using Backtest.Protocols.Ampleforth.Policy;
using Backtest.Protocols.Ampleforth.Tokens;

namespace Backtest.Engine.Models.Spot;

/// <summary>
/// The AMPL monetary policy over a price path, as the spot model runs it: each day at the era's
/// rebase window (+60 s) the policy of the era in force (<see cref="AmplPolicyTimeline.Mainnet"/>)
/// reads the previous day's close as the market rate and the day's target, both as 18-decimal
/// oracle values (<see cref="Fp18"/>, exact from 9 decimals). Used by <see cref="SpotWorld"/> and
/// by the replay checks against the recorded supply.
/// </summary>
public static class AmplSupplyReplay
{
    private static readonly long UnixEpochDay = new DateOnly(1970, 1, 1).DayNumber;

    /// <summary>What <see cref="RebaseDay"/> returns for a rebase skipped because the supply would leave the 64-bit range.</summary>
    public const long SupplyCapped = long.MinValue;

    /// <summary>An amount (9 decimals) as an 18-decimal oracle value, exactly.</summary>
    public static BigInteger Fp18(long amount) => (BigInteger)amount * 1_000_000_000;

    /// <summary>The target oracle's reading in an era: the target itself, or target × baseCpi for an index oracle (so index/base gives it back exactly).</summary>
    public static BigInteger TargetReading(PolicyParameters era, long target) =>
        era.TargetOracle == TargetOracleKind.TargetRate ? Fp18(target) : Fp18(target) * era.BaseCpi / RebaseFunction.One;

    /// <summary>Unix seconds of the rebase on <paramref name="day"/> under <paramref name="era"/>.</summary>
    public static long RebaseTime(DateOnly day, PolicyParameters era) => ((day.DayNumber - UnixEpochDay) * 86_400) + era.RebaseWindowOffsetSec + 60;

    /// <summary>
    /// Rebases <paramref name="token"/> for <paramref name="day"/>: sets the era's parameters,
    /// moves the chain to the rebase time and runs the policy; a rebase the policy refuses as too
    /// soon or outside its window (an era switch moving the window) changes nothing. Returns the
    /// supply change, or <see cref="SupplyCapped"/> when the new supply would pass the token's 64-bit range.
    /// </summary>
    public static long RebaseDay(Chain chain, MonetaryPolicy policy, AmplToken token, DateOnly day, long rate, long target)
    {
        var era = AmplPolicyTimeline.Mainnet.At(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)).Parameters;
        policy.Parameters = era;
        chain.AdvanceTo(Math.Max(chain.Now, RebaseTime(day, era)));
        long before = token.TotalSupply;
        try
        {
            policy.Rebase(chain.Now, token, new OracleReading(Fp18(rate)), new OracleReading(TargetReading(era, target)));
        }
        catch (MonetaryPolicyException e) when (e.Rule is MonetaryPolicyException.RebaseTooSoon or MonetaryPolicyException.NotInRebaseWindow)
        {
            // The day passes without a rebase, as it did on chain.
        }
        catch (FixedPointOverflowException)
        {
            // The token holds supply in 64-bit base units (at most 9.2·10⁹ AMPL). Exogenous Monte
            // Carlo prices do not answer an expansion, so a path can ask for more: the rebase is
            // skipped and reported (SupplyCapped), never wrapped.
            return SupplyCapped;
        }

        return token.TotalSupply - before;
    }

    /// <summary>
    /// One-day predictions against the record: for every recorded rebase whose previous epoch fell
    /// on the previous day, the policy's supply change from the recorded previous supply, the
    /// previous day's close and the day's target (predicted), and the recorded change.
    /// </summary>
    public static IReadOnlyList<(DateOnly Day, double Predicted, double Recorded)> OneDayChanges(IReadOnlyList<SupplyRebase> rebases, SpotMarketPath prices)
    {
        var result = new List<(DateOnly, double, double)>();
        for (int i = 1; i < rebases.Count; i++)
        {
            var day = DateOnly.FromDateTime(rebases[i].TimestampUtc);
            var previousDay = DateOnly.FromDateTime(rebases[i - 1].TimestampUtc);
            int step = day.DayNumber - prices.Days[0].DayNumber;
            if (previousDay != day.AddDays(-1) || step < 1 || step >= prices.Steps)
            {
                continue;
            }

            var era = AmplPolicyTimeline.Mainnet.At(new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)).Parameters;
            long previous = SpotHistory.Amount(rebases[i - 1].Supply);
            BigInteger rate = BigInteger.Min(Fp18(prices.AmplPrice[step - 1]), PolicyParameters.MaxRate);
            BigInteger delta = era.ComputeSupplyDelta(previous, rate, era.TargetRateFrom(TargetReading(era, prices.AmplTarget[step])));
            result.Add((day, Fixed.ToDouble((long)delta), Fixed.ToDouble(SpotHistory.Amount(rebases[i].Supply) - previous)));
        }

        return result;
    }

    /// <summary>The supply after each day's rebase, replaying the policy from <paramref name="initialSupply"/> over the path.</summary>
    public static long[] Replay(SpotMarketPath prices, long initialSupply)
    {
        var chain = new Chain(RebaseTime(prices.Days[0], AmplPolicyTimeline.Mainnet.At(new DateTimeOffset(prices.Days[0].ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)).Parameters) - 86_400);
        var token = AmplToken.WithSupply(chain, chain.CreateAccount("holders"), initialSupply);
        var policy = new MonetaryPolicy(AmplPolicyTimeline.Mainnet.Eras[0].Parameters);
        var supply = new long[prices.Steps];
        for (int t = 0; t < prices.Steps; t++)
        {
            RebaseDay(chain, policy, token, prices.Days[t], prices.OracleRate(t), prices.AmplTarget[t]);
            supply[t] = token.TotalSupply;
        }

        return supply;
    }
}
