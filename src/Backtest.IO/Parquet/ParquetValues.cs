using System.Globalization;

namespace Backtest.IO.Parquet;

/// <summary>
/// Conversions between the codec's stored integers and .NET values: DATE is days since
/// 1970-01-01, TIMESTAMP is microseconds since 1970-01-01T00:00:00Z, DECIMAL(18, s) is an
/// unscaled integer × 10^−s. All exact; formatting is culture-independent.
/// </summary>
public static class ParquetValues
{
    private const int UnixEpochDayNumber = 719_162;
    private const long TicksPerMicrosecond = 10;

    /// <summary>Days since 1970-01-01 of a date.</summary>
    public static int ToDays(DateOnly date) => date.DayNumber - UnixEpochDayNumber;

    /// <summary>The date <paramref name="days"/> days after 1970-01-01; throws if outside 0001-01-01..9999-12-31.</summary>
    public static DateOnly FromDays(int days) => DateOnly.FromDayNumber(checked(days + UnixEpochDayNumber));

    /// <summary>
    /// Microseconds since the Unix epoch of a UTC instant; sub-microsecond ticks are truncated
    /// toward negative infinity. <see cref="DateTimeKind.Local"/> values are converted to UTC first.
    /// </summary>
    public static long ToMicros(DateTime instant)
    {
        var utc = instant.Kind == DateTimeKind.Local ? instant.ToUniversalTime() : instant;
        return Math.DivRem(utc.Ticks - DateTime.UnixEpoch.Ticks, TicksPerMicrosecond, out long rem) - (rem < 0 ? 1 : 0);
    }

    /// <summary>The UTC instant <paramref name="micros"/> µs after the Unix epoch; throws if outside DateTime's range.</summary>
    public static DateTime FromMicros(long micros) => new(checked(DateTime.UnixEpoch.Ticks + (micros * TicksPerMicrosecond)), DateTimeKind.Utc);

    /// <summary>The exact <see cref="decimal"/> of an unscaled DECIMAL value (every 18-digit decimal fits).</summary>
    public static decimal ToDecimal(long unscaled, int scale)
    {
        ulong magnitude = unscaled < 0 ? (ulong)(-(unscaled + 1)) + 1 : (ulong)unscaled;
        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, unscaled < 0, (byte)scale);
    }

    /// <summary>Exact decimal text: <c>-12.345000000</c> for −12345000000 at scale 9; always <paramref name="scale"/> fraction digits.</summary>
    public static string FormatDecimal(long unscaled, int scale)
    {
        ulong magnitude = unscaled < 0 ? (ulong)(-(unscaled + 1)) + 1 : (ulong)unscaled;
        string digits = magnitude.ToString(CultureInfo.InvariantCulture).PadLeft(scale + 1, '0');
        string sign = unscaled < 0 ? "-" : string.Empty;
        return scale == 0 ? sign + digits : $"{sign}{digits[..^scale]}.{digits[^scale..]}";
    }

    /// <summary>ISO 8601 date, or <c>days:N</c> when outside 0001..9999.</summary>
    public static string FormatDate(int days)
    {
        long dayNumber = (long)days + UnixEpochDayNumber;
        return dayNumber is >= 0 and <= 3_652_058
            ? DateOnly.FromDayNumber((int)dayNumber).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : $"days:{days.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>ISO 8601 UTC timestamp with microseconds (<c>2024-01-02T03:04:05.000006Z</c>), or <c>micros:N</c> when outside DateTime's range.</summary>
    public static string FormatTimestamp(long micros)
    {
        const long minMicros = -62_135_596_800_000_000L, maxMicros = 253_402_300_799_999_999L;
        return micros is >= minMicros and <= maxMicros
            ? FromMicros(micros).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)
            : $"micros:{micros.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary>The shortest text that parses back to the same double ("R"), with NaN and ±Infinity spelled out.</summary>
    public static string FormatDouble(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
