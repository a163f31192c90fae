using System.Globalization;

namespace Backtest.Reports.Charts;

/// <summary>
/// Tick positions of an axis and the domain they span. For linear axes the ticks are
/// multiples of a 1-2-5 step and the domain is widened to the outer ticks ("nice" domain).
/// </summary>
public sealed record TickSet(double Min, double Max, double Step, IReadOnlyList<double> Values)
{
    public int Count => Values.Count;
}

/// <summary>Tick generation: 1-2-5 steps on linear axes, decades on log axes, calendar units on date axes.</summary>
public static class NiceTicks
{
    private static readonly int[] Mantissas = [1, 2, 5];

    /// <summary>
    /// The finest 1-2-5 step with at most <paramref name="maxCount"/> ticks (3 when the range
    /// straddles zero and fewer cannot cover it) covering
    /// [<paramref name="min"/>, <paramref name="max"/>]. Each tick is computed as an integer
    /// multiple of the step (never by repeated addition), so ticks print without drift. A
    /// degenerate range (min = max) is widened around its value first.
    /// </summary>
    public static TickSet Linear(double min, double max, int maxCount)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            throw new ArgumentException($"axis range must be finite, got [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]");
        }

        if (min > max)
        {
            (min, max) = (max, min);
        }

        (min, max) = Widen(min, max);
        maxCount = Math.Max(2, maxCount);
        double raw = (max - min) / (maxCount - 1);
        int exponent = (int)Math.Floor(Math.Log10(raw));
        (int M, int E, long First, long Last)? fewest = null;

        // Steps up to 100× the raw step: past the range's width a range that straddles zero keeps
        // 3 ticks (−step, 0, +step) whatever the step, so the search ends with the fewest found.
        for (int e = exponent; e <= exponent + 2; e++)
        {
            foreach (int m in Mantissas)
            {
                long first = (long)Math.Floor(min / Step(m, e) + 1e-9);
                long last = (long)Math.Ceiling(max / Step(m, e) - 1e-9);

                // The tolerance above keeps a value that is a multiple up to rounding from adding
                // a tick; when the multiple as printed still lies a hair inside the data, step out.
                if (Multiple(first * m, e) > min)
                {
                    first--;
                }

                if (Multiple(last * m, e) < max)
                {
                    last++;
                }
                if (fewest is null || last - first < fewest.Value.Last - fewest.Value.First)
                {
                    fewest = (m, e, first, last);
                }

                if (last - first + 1 <= maxCount)
                {
                    return Build(m, e, first, last);
                }
            }
        }

        return Build(fewest!.Value.M, fewest.Value.E, fewest.Value.First, fewest.Value.Last);

        static TickSet Build(int m, int e, long first, long last)
        {
            var values = new double[last - first + 1];
            for (long i = first; i <= last; i++)
            {
                values[i - first] = Multiple(i * m, e);
            }

            return new TickSet(values[0], values[^1], Step(m, e), values);
        }
    }

    /// <summary>
    /// Decade ticks (1, 10, 100 … or 10⁻⁴ … 1) spanning [min, max], both positive. When the
    /// range covers less than two decades the 2 and 5 multiples are added so an axis keeps at
    /// least three labelled ticks.
    /// </summary>
    public static TickSet Log(double min, double max)
    {
        if (!(min > 0) || !(max > 0) || !double.IsFinite(min) || !double.IsFinite(max))
        {
            throw new ArgumentException("a log axis needs a positive, finite range");
        }

        int low = (int)Math.Floor(Math.Log10(min) + 1e-9);
        int high = (int)Math.Ceiling(Math.Log10(max) - 1e-9);
        if (high == low)
        {
            high++;
        }

        var values = new List<double>();
        for (int e = low; e <= high; e++)
        {
            values.Add(Multiple(1, e));
            if (high - low < 2 && e < high)
            {
                values.Add(Multiple(2, e));
                values.Add(Multiple(5, e));
            }
        }

        return new TickSet(values[0], values[^1], 10, values);
    }

    /// <summary>
    /// Calendar ticks between two day numbers: the coarsest-but-fitting of days (1, 2, 7, 14),
    /// months (1, 2, 3, 6) and years (1, 2, 5, 10 …), aligned to calendar boundaries, at most
    /// <paramref name="maxCount"/> of them. The domain is the data range itself (not widened):
    /// dates at the edges are data, not round numbers. Labels say as much as the unit needs:
    /// "2020" for years, "Mar 2020" for months, "2020-03-15" for days.
    /// </summary>
    public static (TickSet Ticks, string[] Labels) Dates(int minDay, int maxDay, int maxCount)
    {
        if (minDay > maxDay)
        {
            (minDay, maxDay) = (maxDay, minDay);
        }

        if (minDay == maxDay)
        {
            minDay--;
            maxDay++;
        }

        maxCount = Math.Max(2, maxCount);
        var start = DateOnly.FromDayNumber(minDay);
        var end = DateOnly.FromDayNumber(maxDay);
        foreach (var (unit, size) in DateUnits())
        {
            var ticks = new List<DateOnly>();
            var t = AlignUp(start, unit, size);
            while (t <= end && ticks.Count <= maxCount)
            {
                ticks.Add(t);
                t = Advance(t, unit, size);
            }

            if (ticks.Count <= maxCount && ticks.Count >= Math.Min(2, maxCount))
            {
                string format = unit switch { 'y' => "yyyy", 'm' => "MMM yyyy", _ => "yyyy-MM-dd" };
                var labels = ticks.Select(d => d.ToString(format, CultureInfo.InvariantCulture)).ToArray();
                double step = unit switch { 'y' => 365.25 * size, 'm' => 30.44 * size, _ => size };
                return (new TickSet(minDay, maxDay, step, ticks.Select(d => (double)d.DayNumber).ToArray()), labels);
            }
        }

        var edges = new[] { start, end };
        return (new TickSet(minDay, maxDay, maxDay - minDay, edges.Select(d => (double)d.DayNumber).ToArray()),
            edges.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).ToArray());
    }

    internal static double Step(int mantissa, int exponent) => Multiple(mantissa, exponent);

    /// <summary>k · 10^e computed so that decimal steps are the nearest double (3 · 10⁻¹ is 0.3, not 0.30000000000000004).</summary>
    internal static double Multiple(long k, int exponent) =>
        exponent >= 0 ? k * Math.Pow(10, exponent) : k / Math.Pow(10, -exponent);

    /// <summary>A zero-width range becomes a symmetric one around its value (10% of it, or ±1 at zero).</summary>
    internal static (double Min, double Max) Widen(double min, double max)
    {
        if (max > min)
        {
            return (min, max);
        }

        double half = min == 0 ? 1 : Math.Abs(min) * 0.1;
        return (min - half, max + half);
    }

    private static IEnumerable<(char Unit, int Size)> DateUnits()
    {
        foreach (int d in new[] { 1, 2, 7, 14 })
        {
            yield return ('d', d);
        }

        foreach (int m in new[] { 1, 2, 3, 6 })
        {
            yield return ('m', m);
        }

        for (int e = 0; e < 4; e++)
        {
            foreach (int m in Mantissas)
            {
                yield return ('y', (int)Multiple(m, e));
            }
        }
    }

    private static DateOnly AlignUp(DateOnly d, char unit, int size)
    {
        switch (unit)
        {
            case 'y':
                int year = d.Month == 1 && d.Day == 1 ? d.Year : d.Year + 1;
                year = (int)(Math.Ceiling(year / (double)size) * size);
                return new DateOnly(year, 1, 1);
            case 'm':
                var first = d.Day == 1 ? d : new DateOnly(d.Year, d.Month, 1).AddMonths(1);
                while ((first.Month - 1) % size != 0)
                {
                    first = first.AddMonths(1);
                }

                return first;
            default:
                if (size == 7 || size == 14)
                {
                    // Mondays, so weekly ticks fall on the same weekday whatever the start.
                    while (d.DayOfWeek != DayOfWeek.Monday)
                    {
                        d = d.AddDays(1);
                    }
                }

                return d;
        }
    }

    private static DateOnly Advance(DateOnly d, char unit, int size) => unit switch
    {
        'y' => d.AddYears(size),
        'm' => d.AddMonths(size),
        _ => d.AddDays(size),
    };
}
