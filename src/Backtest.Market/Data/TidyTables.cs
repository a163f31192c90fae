using System.Globalization;
using Backtest.IO;

namespace Backtest.Market.Data;

/// <summary>How the first column of a regular tidy file is read, stepped and shown.</summary>
/// <param name="Unit">The period a row stands for, for messages ("day").</param>
/// <param name="Parse">Reads the key from column 0 of the current row.</param>
/// <param name="Next">The key one period later, or null past the last representable one.</param>
/// <param name="DateOf">The calendar date a key falls on, for coverage checks.</param>
/// <param name="Format">The key as the file writes it.</param>
internal sealed record RowKey<TKey>(string Unit, Func<TidyReader, TKey> Parse, Func<TKey, TKey?> Next, Func<TKey, DateOnly> DateOf, Func<TKey, string> Format)
    where TKey : struct, IComparable<TKey>;

/// <summary>
/// Reading of the tidy files whose rows are consecutive periods (days, months, intraday bars):
/// one row per period, keys ascending without duplicates or skipped periods, a gap as a row
/// whose values are all empty, and the required coverage.
/// </summary>
internal static class TidyTables
{
    public static RowKey<DateOnly> Days { get; } = new(
        "day", r => r.Date(0), d => d < DateOnly.MaxValue ? d.AddDays(1) : null, d => d, DailyAxis.Format);

    public static RowKey<DateOnly> Months { get; } = new(
        "month", r => r.Month(0), m => m.Year < DateOnly.MaxValue.Year || m.Month < 12 ? m.AddMonths(1) : null, m => m, DailyAxis.Format);

    public static RowKey<DateTime> Instants(TimeSpan interval) => new(
        string.Create(CultureInfo.InvariantCulture, $"{interval.TotalMinutes}-minute interval"),
        r => r.Timestamp(0),
        t => DateTime.MaxValue.Ticks - t.Ticks >= interval.Ticks ? t.Add(interval) : null,
        DateOnly.FromDateTime,
        FormatInstant);

    public static string FormatInstant(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Reads every row: the first key and one value (null for a gap) per period.</summary>
    public static (TKey First, T?[] Values) ReadRegular<TKey, T>(TidyReader reader, RowKey<TKey> key, Coverage mustCover, Func<TidyReader, T> parseValues)
        where TKey : struct, IComparable<TKey>
        where T : struct
    {
        var values = new List<T?>();
        TKey first = default, previous = default;
        int firstLine = 0, lastLine = 0;
        while (reader.Read())
        {
            var current = key.Parse(reader);
            if (values.Count == 0)
            {
                first = current;
                firstLine = reader.Line;
            }
            else
            {
                CheckFollows(reader, key, previous, current);
            }

            values.Add(reader.IsGap(firstValueColumn: 1) ? null : parseValues(reader));
            previous = current;
            lastLine = reader.Line;
        }

        RequireRows(reader, values.Count);
        RequireCoverage(reader, mustCover, key.DateOf(first), firstLine, key.DateOf(previous), lastLine);
        return (first, values.ToArray());
    }

    /// <summary>An error unless the input had at least one row after the header.</summary>
    public static void RequireRows(TidyReader reader, int rows)
    {
        if (rows == 0)
        {
            throw reader.Error(0, "no data rows after the header");
        }
    }

    /// <summary>
    /// An error unless the rows span <paramref name="mustCover"/>. Called after the last row was
    /// read, with the first row's line and the last row's line.
    /// </summary>
    public static void RequireCoverage(TidyReader reader, Coverage mustCover, DateOnly first, int firstLine, DateOnly last, int lastLine)
    {
        if (first > mustCover.First)
        {
            throw new DataFileException(reader.File, firstLine, reader.ColumnName(0),
                $"the file starts on {DailyAxis.Format(first)}, after {DailyAxis.Format(mustCover.First)}, the first date it must cover");
        }

        if (last < mustCover.Last)
        {
            throw new DataFileException(reader.File, lastLine, reader.ColumnName(0),
                $"the file ends on {DailyAxis.Format(last)}, before {DailyAxis.Format(mustCover.Last)}, the last date it must cover");
        }
    }

    private static void CheckFollows<TKey>(TidyReader reader, RowKey<TKey> key, TKey previous, TKey current)
        where TKey : struct, IComparable<TKey>
    {
        if (current.CompareTo(previous) <= 0)
        {
            throw reader.Error(0, $"{key.Format(current)} is not after the previous row's {key.Format(previous)} (rows must ascend without duplicates)");
        }

        var expected = key.Next(previous);
        if (expected is null || current.CompareTo(expected.Value) < 0)
        {
            throw reader.Error(0, $"{key.Format(current)} is not one {key.Unit} after the previous row's {key.Format(previous)}");
        }

        if (current.CompareTo(expected.Value) > 0)
        {
            throw reader.Error(0, $"{key.Format(current)} skips {key.Format(expected.Value)} (every {key.Unit} needs a row; a gap is a row with its values left empty)");
        }
    }
}
