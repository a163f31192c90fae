namespace Backtest.IO.Parquet;

/// <summary>The column types the codec writes and reads, each a physical type plus an optional logical annotation.</summary>
public enum ParquetType
{
    /// <summary>INT32, no annotation. Values: <see cref="int"/>.</summary>
    Int32,

    /// <summary>INT64, no annotation. Values: <see cref="long"/>.</summary>
    Int64,

    /// <summary>DOUBLE (IEEE 754 binary64). Values: <see cref="double"/>, stored bit for bit.</summary>
    Double,

    /// <summary>BOOLEAN. Values: <see cref="bool"/>.</summary>
    Boolean,

    /// <summary>BYTE_ARRAY annotated STRING (ConvertedType UTF8). Values: <see cref="string"/>, stored as UTF-8.</summary>
    String,

    /// <summary>INT32 annotated DATE: days since 1970-01-01. Values: <see cref="int"/> day numbers.</summary>
    Date,

    /// <summary>
    /// INT64 annotated TIMESTAMP(isAdjustedToUTC = true, unit = MICROS) (ConvertedType
    /// TIMESTAMP_MICROS): microseconds since 1970-01-01T00:00:00Z. Values: <see cref="long"/>.
    /// </summary>
    Timestamp,

    /// <summary>
    /// INT64 annotated DECIMAL(precision 18, scale <see cref="ParquetColumn.DecimalScale"/>):
    /// the value is the stored integer × 10^−scale, exactly. Values: <see cref="long"/> unscaled
    /// integers, so a <c>Fixed</c> amount (nano-units) is a scale-9 decimal as it stands.
    /// </summary>
    Decimal,
}

/// <summary>
/// One column of a flat schema. Names are kept as given (the engine's convention is
/// snake_case; the codec does not enforce it). <paramref name="DecimalScale"/> is used only by
/// <see cref="ParquetType.Decimal"/> columns and must be 0..18.
/// </summary>
public sealed record ParquetColumn(string Name, ParquetType Type, bool Nullable = false, int DecimalScale = 0)
{
    /// <summary>Precision of every decimal column: 18 digits, the most an INT64 holds in full.</summary>
    public const int DecimalPrecision = 18;

    public static ParquetColumn Int32(string name, bool nullable = false) => new(name, ParquetType.Int32, nullable);

    public static ParquetColumn Int64(string name, bool nullable = false) => new(name, ParquetType.Int64, nullable);

    public static ParquetColumn Double(string name, bool nullable = false) => new(name, ParquetType.Double, nullable);

    public static ParquetColumn Boolean(string name, bool nullable = false) => new(name, ParquetType.Boolean, nullable);

    public static ParquetColumn String(string name, bool nullable = false) => new(name, ParquetType.String, nullable);

    public static ParquetColumn Date(string name, bool nullable = false) => new(name, ParquetType.Date, nullable);

    public static ParquetColumn Timestamp(string name, bool nullable = false) => new(name, ParquetType.Timestamp, nullable);

    /// <summary>A DECIMAL(18, <paramref name="scale"/>) column; <c>Fixed</c> amounts use scale 9.</summary>
    public static ParquetColumn Decimal(string name, int scale, bool nullable = false) => new(name, ParquetType.Decimal, nullable, scale);

    /// <summary>A readable description such as <c>amount DECIMAL(18,9) NULL</c>.</summary>
    public override string ToString() => $"{Name} {TypeName}{(Nullable ? " NULL" : string.Empty)}";

    /// <summary>The type as SQL-ish text: INT32, INT64, DOUBLE, BOOLEAN, STRING, DATE, TIMESTAMP, DECIMAL(18,s).</summary>
    public string TypeName => Type switch
    {
        ParquetType.Decimal => $"DECIMAL({DecimalPrecision},{DecimalScale})",
        _ => Type.ToString().ToUpperInvariant(),
    };
}

/// <summary>An ordered list of uniquely named columns: the schema of one Parquet file.</summary>
public sealed class ParquetSchema
{
    private readonly ParquetColumn[] _columns;
    private readonly Dictionary<string, int> _index;

    public ParquetSchema(params IEnumerable<ParquetColumn> columns)
    {
        _columns = [.. columns];
        if (_columns.Length == 0)
        {
            throw new ArgumentException("a Parquet schema needs at least one column", nameof(columns));
        }

        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < _columns.Length; i++)
        {
            var column = _columns[i] ?? throw new ArgumentNullException(nameof(columns), $"column {i} is null");
            if (string.IsNullOrEmpty(column.Name))
            {
                throw new ArgumentException($"column {i} has no name", nameof(columns));
            }

            if (!_index.TryAdd(column.Name, i))
            {
                throw new ArgumentException($"column name '{column.Name}' appears twice", nameof(columns));
            }

            if (column.Type == ParquetType.Decimal && column.DecimalScale is < 0 or > ParquetColumn.DecimalPrecision)
            {
                throw new ArgumentException($"column '{column.Name}': decimal scale {column.DecimalScale} is outside 0..18", nameof(columns));
            }

            if (column.Type != ParquetType.Decimal && column.DecimalScale != 0)
            {
                throw new ArgumentException($"column '{column.Name}': only DECIMAL columns have a scale", nameof(columns));
            }

            if (!Enum.IsDefined(column.Type))
            {
                throw new ArgumentException($"column '{column.Name}': unknown type {column.Type}", nameof(columns));
            }
        }
    }

    public IReadOnlyList<ParquetColumn> Columns => _columns;

    public int Count => _columns.Length;

    public ParquetColumn this[int index] => _columns[index];

    public ParquetColumn this[string name] => _columns[IndexOf(name)];

    /// <summary>The position of the named column; <see cref="KeyNotFoundException"/> if there is none.</summary>
    public int IndexOf(string name) =>
        _index.TryGetValue(name, out int i) ? i : throw new KeyNotFoundException($"no column '{name}' in the schema ({string.Join(", ", _columns.Select(c => c.Name))})");

    public bool Contains(string name) => _index.ContainsKey(name);

    public override string ToString() => string.Join(", ", _columns.Select(c => c.ToString()));
}
