using Backtest.Numerics;

namespace Backtest.Protocols.Waterfall.Wf6;

/// <summary>
/// The WF6 day step written as the workload states it, one path at a time: the specification
/// every faster implementation must reproduce bit for bit. Each day t = 1 … Days:
/// <list type="number">
/// <item>U = <see cref="Utilization.FromCapital"/>(coverage, total capital at the start of the day).</item>
/// <item>Premium P (<see cref="Wf6Terms.DailyPremium"/>) paid senior first: due = floor(capital ·
/// rate(U) / 2^42) with rate the tranche's daily <see cref="RateTable"/>; paid = min(due, what is
/// left); the rest goes to the protocol reserve.</item>
/// <item>The day's loss L (from the loss days) is checked against the breaker:
/// L · 10⁴ &gt; total at the start of the day · breaker bps records the first such day.</item>
/// <item>L taken junior first, each tranche losing min(capital, what is left); the rest is shortfall.</item>
/// </list>
/// </summary>
public static class Wf6Reference
{
    /// <summary>Runs path <paramref name="lane"/> of <paramref name="losses"/> and writes its outputs at that index.</summary>
    public static void RunPath(Wf6Terms terms, IReadOnlyList<RateTable> dailyRates, Wf6LossDays losses, int lane, Wf6Outputs outputs)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(outputs);
        const int n = Tranches.Count;
        Span<long> capital = stackalloc long[n];
        Span<long> premiums = stackalloc long[n];
        Span<int> wiped = stackalloc int[n];
        for (int i = 0; i < n; i++)
        {
            capital[i] = terms.InitialCapital[i];
            wiped[i] = -1;
        }

        premiums.Clear();
        long premium = terms.DailyPremium;
        long minTotal = Sum(capital);
        long shortfall = 0;
        int breaker = -1;
        int next = losses.Offsets[lane], end = losses.Offsets[lane + 1];
        for (int day = 1; day <= terms.Days; day++)
        {
            long total = Sum(capital);
            long u = Utilization.FromCapital(terms.CoverageSold, total);
            long left = premium;
            for (int i = 0; i < n; i++)
            {
                long due = (long)(((Int128)capital[i] * dailyRates[i].Evaluate(u)) >> RateTable.FractionBits);
                long paid = Math.Min(due, left);
                capital[i] = Fixed.Add(capital[i], paid);
                premiums[i] += paid;
                left -= paid;
            }

            if (next < end && losses.Days[next] == day)
            {
                long loss = losses.Amounts[next++];
                if (loss <= 0 || (next < end && losses.Days[next] <= day))
                {
                    throw new ArgumentException($"path {lane}: loss days must increase and losses be positive (day {day}, loss {loss})");
                }

                if (breaker < 0 && (Int128)loss * 10_000 > (Int128)total * terms.BreakerBps)
                {
                    breaker = day;
                }

                for (int i = n - 1; i >= 0 && loss > 0; i--)
                {
                    long take = Math.Min(capital[i], loss);
                    capital[i] -= take;
                    loss -= take;
                }

                shortfall = Fixed.Add(shortfall, loss);
            }

            for (int i = 0; i < n; i++)
            {
                if (capital[i] == 0 && wiped[i] < 0)
                {
                    wiped[i] = day;
                }
            }

            minTotal = Math.Min(minTotal, Sum(capital));
        }

        if (next != end)
        {
            throw new ArgumentException($"path {lane}: a loss day lies outside 1..{terms.Days}");
        }

        for (int i = 0; i < n; i++)
        {
            outputs.FinalCapitalOf(i)[lane] = capital[i];
            outputs.PremiumsOf(i)[lane] = premiums[i];
            outputs.WipedDayOf(i)[lane] = wiped[i];
        }

        outputs.BreakerDay[lane] = breaker;
        outputs.Shortfall[lane] = shortfall;
        outputs.MinTotalCapital[lane] = minTotal;
    }

    private static long Sum(ReadOnlySpan<long> values)
    {
        long s = 0;
        foreach (long v in values)
        {
            s = Fixed.Add(s, v);
        }

        return s;
    }
}
