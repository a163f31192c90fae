using System.Numerics;
using Backtest.Numerics;

namespace Backtest.Market.Data;

/// <summary>
/// AMPL's daily target price in USD, rebuilt from the US PCE price index (spec §5.3: the policy's
/// "CPI" oracle reported PCE, and until October 2023 the target was cpi / baseCpi):
/// <code>P_target(d) = PCEPI(MonthInEffect(d)) / PCEPI(BaseMonth)</code>
/// <para>
/// <b>Days from months.</b> A step function on publication: the value of month M holds from the
/// first day of month M + 2 to the end of that month. The BEA publishes month M's PCE in the last
/// days of month M + 1, and an oracle can only report a published number, so interpolating
/// between months, or dating a value at the start of its own month, would use figures before
/// they existed. Starting on the first of M + 2 is at most about a week later than the real
/// release, for an index that moves a few tenths of a percent a month at most.
/// </para>
/// <para>
/// <b>Base.</b> <see cref="BaseMonth"/> is April 2019, the latest month published when AMPL
/// launched on 2019-06-14 (May's figure came out on 2019-06-28). With the mapping above, the
/// target is exactly 1 on every day of June 2019, matching the launch anchor of spec §5.3.
/// The mainnet baseCpi is not public in any source found, so the anchor is by construction,
/// not calibrated against on-chain targets.
/// </para>
/// <para>
/// <b>Limits.</b> FRED serves the latest vintage: revised values and a 2017 = 100 base, while
/// the oracle reported the figures of its day (2012 = 100); ratios cancel the base but not the
/// revisions. From October 2023 the oracle reports the target itself. Values are amounts
/// (<see cref="Fixed"/>, 9 decimals) rounded with <see cref="TargetRounding"/>.
/// </para>
/// </summary>
public static class AmplTargetRate
{
    /// <summary>The month whose PCEPI is the unit: April 2019, named by its first day.</summary>
    public static DateOnly BaseMonth { get; } = new(2019, 4, 1);

    /// <summary>Months from an index month to the first month in which its value applies.</summary>
    public const int PublicationLagMonths = 2;

    /// <summary>
    /// Rounding of the ratio to 9 decimals: down, as the policy's unsigned division
    /// <c>cpi · 10¹⁸ / baseCpi</c> rounds.
    /// </summary>
    public const Rounding TargetRounding = Rounding.Floor;

    /// <summary>The index month (its first day) whose value sets the target on <paramref name="day"/>.</summary>
    public static DateOnly MonthInEffect(DateOnly day) => MonthlyAxis.MonthContaining(day).AddMonths(-PublicationLagMonths);

    /// <summary>
    /// The target on every day of <paramref name="days"/>, as amounts; a day whose month in effect
    /// is off <paramref name="pcepi"/> or a gap there is a gap. Throws
    /// <see cref="ArgumentException"/> if <paramref name="pcepi"/> has no value for
    /// <see cref="BaseMonth"/>.
    /// </summary>
    public static DailySeries<long> Daily(MonthlySeries<decimal> pcepi, DailyAxis days)
    {
        if (!pcepi.TryGetValue(BaseMonth, out var baseIndex))
        {
            throw new ArgumentException($"the PCEPI series ({pcepi.Axis}) has no value for the base month {BaseMonth:yyyy-MM}", nameof(pcepi));
        }

        var targets = new long?[days.Length];
        for (int step = 0; step < targets.Length; step++)
        {
            targets[step] = pcepi.TryGetValue(MonthInEffect(days.DateOf(step)), out var index) ? Ratio(index, baseIndex) : null;
        }

        return new DailySeries<long>(days, targets);
    }

    /// <summary>index / baseIndex as an amount, rounded with <see cref="TargetRounding"/>, from the exact decimals.</summary>
    internal static long Ratio(decimal index, decimal baseIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(index);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(baseIndex);

        // index = m / 10^s exactly, so the quotient is m_i · 10^s_b / (m_b · 10^s_i); positive, so floor is truncation.
        var (indexMantissa, indexScale) = Exact(index);
        var (baseMantissa, baseScale) = Exact(baseIndex);
        var quotient = indexMantissa * BigInteger.Pow(10, baseScale) * Fixed.One / (baseMantissa * BigInteger.Pow(10, indexScale));
        return quotient <= long.MaxValue
            ? (long)quotient
            : throw new FixedPointOverflowException("AmplTargetRate.Ratio", index, baseIndex);
    }

    private static (BigInteger Mantissa, int Scale) Exact(decimal value)
    {
        int[] bits = decimal.GetBits(value);
        var mantissa = ((BigInteger)(uint)bits[2] << 64) | ((BigInteger)(uint)bits[1] << 32) | (uint)bits[0];
        return (mantissa, value.Scale);
    }
}
