namespace Backtest.IO.Parquet;

/// <summary>
/// One column's values as read: a typed array (null rows hold the type's default) plus a null
/// mask. Span accessors give the stored representation (INT64 for TIMESTAMP micros and DECIMAL
/// unscaled values, INT32 for DATE days); Get methods give .NET values.
/// </summary>
public sealed class ParquetColumnData
{
    private readonly long[]? _int64;
    private readonly int[]? _int32;
    private readonly double[]? _double;
    private readonly bool[]? _boolean;
    private readonly string?[]? _string;
    private readonly bool[]? _nulls;

    internal ParquetColumnData(ParquetColumn column, int count, Array values, bool[]? nulls)
    {
        Column = column;
        Count = count;
        _int64 = values as long[];
        _int32 = values as int[];
        _double = values as double[];
        _boolean = values as bool[];
        _string = values as string?[];
        _nulls = nulls;
        NullCount = nulls is null ? 0 : nulls.AsSpan(0, count).Count(true);
    }

    public ParquetColumn Column { get; }

    public int Count { get; }

    public int NullCount { get; }

    /// <summary>One flag per row, true where the value is null; empty when the column has no nulls.</summary>
    public ReadOnlySpan<bool> Nulls => NullCount == 0 ? default : _nulls.AsSpan(0, Count);

    /// <summary>INT64, TIMESTAMP (µs since the epoch, UTC) and DECIMAL (unscaled) values.</summary>
    public ReadOnlySpan<long> Int64Values => (_int64 ?? throw WrongType("Int64Values")).AsSpan(0, Count);

    /// <summary>INT32 and DATE (days since 1970-01-01) values.</summary>
    public ReadOnlySpan<int> Int32Values => (_int32 ?? throw WrongType("Int32Values")).AsSpan(0, Count);

    public ReadOnlySpan<double> DoubleValues => (_double ?? throw WrongType("DoubleValues")).AsSpan(0, Count);

    public ReadOnlySpan<bool> BooleanValues => (_boolean ?? throw WrongType("BooleanValues")).AsSpan(0, Count);

    public ReadOnlySpan<string?> StringValues => (_string ?? throw WrongType("StringValues")).AsSpan(0, Count);

    internal Array Values => (Array?)_int64 ?? (Array?)_int32 ?? (Array?)_double ?? (Array?)_boolean ?? _string!;

    public bool IsNull(int row) => _nulls is not null && _nulls[CheckRow(row)];

    public long GetInt64(int row) => Int64Values[NotNull(row)];

    public int GetInt32(int row) => Int32Values[NotNull(row)];

    public double GetDouble(int row) => DoubleValues[NotNull(row)];

    public bool GetBoolean(int row) => BooleanValues[NotNull(row)];

    public string GetString(int row) => StringValues[NotNull(row)]!;

    public DateOnly GetDate(int row) => ParquetValues.FromDays(Expect(ParquetType.Date).Int32Values[NotNull(row)]);

    public DateTime GetTimestamp(int row) => ParquetValues.FromMicros(Expect(ParquetType.Timestamp).Int64Values[NotNull(row)]);

    /// <summary>The exact decimal value of a DECIMAL column's row.</summary>
    public decimal GetDecimal(int row) => ParquetValues.ToDecimal(Expect(ParquetType.Decimal).Int64Values[NotNull(row)], Column.DecimalScale);

    /// <summary>
    /// The row's value boxed as its .NET type — long, int, double, bool, string, DateOnly (DATE),
    /// DateTime UTC (TIMESTAMP), decimal (DECIMAL) — or null.
    /// </summary>
    public object? GetValue(int row)
    {
        if (IsNull(row))
        {
            return null;
        }

        return Column.Type switch
        {
            ParquetType.Int64 => _int64![row],
            ParquetType.Int32 => _int32![row],
            ParquetType.Double => _double![row],
            ParquetType.Boolean => _boolean![row],
            ParquetType.String => _string![row],
            ParquetType.Date => GetDate(row),
            ParquetType.Timestamp => GetTimestamp(row),
            ParquetType.Decimal => GetDecimal(row),
            _ => throw new InvalidOperationException($"unknown column type {Column.Type}"),
        };
    }

    /// <summary>The value as exact, culture-independent text (see <see cref="ParquetValues"/>), or null.</summary>
    public string? FormatValue(int row)
    {
        if (IsNull(row))
        {
            return null;
        }

        return Column.Type switch
        {
            ParquetType.Int64 => _int64![row].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ParquetType.Int32 => _int32![row].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ParquetType.Double => ParquetValues.FormatDouble(_double![row]),
            ParquetType.Boolean => _boolean![row] ? "true" : "false",
            ParquetType.String => _string![row],
            ParquetType.Date => ParquetValues.FormatDate(_int32![row]),
            ParquetType.Timestamp => ParquetValues.FormatTimestamp(_int64![row]),
            ParquetType.Decimal => ParquetValues.FormatDecimal(_int64![row], Column.DecimalScale),
            _ => throw new InvalidOperationException($"unknown column type {Column.Type}"),
        };
    }

    /// <summary>Joins several parts of one column (one per row group) into one.</summary>
    internal static ParquetColumnData Concat(ParquetColumn column, IReadOnlyList<ParquetColumnData> parts)
    {
        long total = parts.Sum(p => (long)p.Count);
        if (total > Array.MaxLength)
        {
            throw new InvalidOperationException($"column '{column.Name}' has {total} rows, more than one array holds; read it by row group");
        }

        var first = parts.Count > 0 ? parts[0].Values : ColumnArrays.Create(column.Type, 0);
        var values = Array.CreateInstance(first.GetType().GetElementType()!, (int)total);
        bool[]? nulls = parts.Any(p => p.NullCount > 0) ? new bool[total] : null;
        int at = 0;
        foreach (var part in parts)
        {
            Array.Copy(part.Values, 0, values, at, part.Count);
            if (nulls is not null && part.NullCount > 0)
            {
                part.Nulls.CopyTo(nulls.AsSpan(at));
            }

            at += part.Count;
        }

        return new ParquetColumnData(column, (int)total, values, nulls);
    }

    private ParquetColumnData Expect(ParquetType type) =>
        Column.Type == type ? this : throw new InvalidOperationException($"column '{Column.Name}' is {Column.TypeName}, not {type.ToString().ToUpperInvariant()}");

    private int CheckRow(int row) =>
        (uint)row < (uint)Count ? row : throw new ArgumentOutOfRangeException(nameof(row), row, $"column '{Column.Name}' has {Count} rows");

    private int NotNull(int row) =>
        IsNull(row) ? throw new InvalidOperationException($"row {row} of column '{Column.Name}' is null") : row;

    private InvalidOperationException WrongType(string accessor) =>
        new($"column '{Column.Name}' is {Column.TypeName}; {accessor} is not its representation");
}

/// <summary>The array type that holds each column type's values.</summary>
internal static class ColumnArrays
{
    public static Array Create(ParquetType type, int count) => type switch
    {
        ParquetType.Int64 or ParquetType.Timestamp or ParquetType.Decimal => new long[count],
        ParquetType.Int32 or ParquetType.Date => new int[count],
        ParquetType.Double => new double[count],
        ParquetType.Boolean => new bool[count],
        ParquetType.String => new string?[count],
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}
