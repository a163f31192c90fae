namespace Backtest.IO.Parquet.Format;

/// <summary>
/// Maps the codec's column types to Parquet schema elements and back. The writer sets both the
/// LogicalType and the legacy ConvertedType wherever parquet.thrift defines the pairing, so old
/// readers see the same types (LogicalTypes.md, "backward compatibility").
/// </summary>
internal static class SchemaMapping
{
    public const int Required = 0;
    public const int Optional = 1;
    public const int Repeated = 2;

    public static PhysicalType Physical(ParquetType type) => type switch
    {
        ParquetType.Int32 or ParquetType.Date => PhysicalType.Int32,
        ParquetType.Int64 or ParquetType.Timestamp or ParquetType.Decimal => PhysicalType.Int64,
        ParquetType.Double => PhysicalType.Double,
        ParquetType.Boolean => PhysicalType.Boolean,
        ParquetType.String => PhysicalType.ByteArray,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static List<SchemaElementModel> ToElements(ParquetSchema schema)
    {
        var elements = new List<SchemaElementModel>(schema.Count + 1)
        {
            new() { Name = "schema", NumChildren = schema.Count },
        };
        foreach (var column in schema.Columns)
        {
            var e = new SchemaElementModel
            {
                Name = column.Name,
                Type = (int)Physical(column.Type),
                Repetition = column.Nullable ? Optional : Required,
            };
            switch (column.Type)
            {
                case ParquetType.String:
                    e.ConvertedType = ConvertedTypes.Utf8;
                    e.Logical = new LogicalTypeModel { Kind = LogicalKinds.String };
                    break;
                case ParquetType.Date:
                    e.ConvertedType = ConvertedTypes.Date;
                    e.Logical = new LogicalTypeModel { Kind = LogicalKinds.Date };
                    break;
                case ParquetType.Timestamp:
                    e.ConvertedType = ConvertedTypes.TimestampMicros;
                    e.Logical = new LogicalTypeModel { Kind = LogicalKinds.Timestamp, IsAdjustedToUtc = true, TimeUnit = 2 };
                    break;
                case ParquetType.Decimal:
                    e.ConvertedType = ConvertedTypes.Decimal;
                    e.Scale = column.DecimalScale;
                    e.Precision = ParquetColumn.DecimalPrecision;
                    e.Logical = new LogicalTypeModel { Kind = LogicalKinds.Decimal, Scale = column.DecimalScale, Precision = ParquetColumn.DecimalPrecision };
                    break;
            }

            elements.Add(e);
        }

        return elements;
    }

    /// <summary>
    /// Reads a flat schema: a root group whose children are all leaves. Returns the reason a
    /// schema is not supported, or null with <paramref name="schema"/> set.
    /// </summary>
    public static string? TryFromElements(List<SchemaElementModel> elements, out ParquetSchema? schema, out string? column)
    {
        schema = null;
        column = null;
        if (elements.Count < 2)
        {
            return elements.Count == 0 ? "the schema is empty" : "the schema has no columns";
        }

        var root = elements[0];
        if (root.NumChildren != elements.Count - 1)
        {
            return "nested schemas (groups, lists, maps) are not supported: the root's children are not all leaf columns";
        }

        var columns = new List<ParquetColumn>(elements.Count - 1);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 1; i < elements.Count; i++)
        {
            var e = elements[i];
            column = e.Name;
            if (e.NumChildren is > 0 || e.Type is null)
            {
                return "nested schemas (groups, lists, maps) are not supported";
            }

            if (e.Repetition is not (Required or Optional))
            {
                return e.Repetition == Repeated ? "repeated fields are not supported" : $"unknown repetition type {e.Repetition?.ToString() ?? "(none)"}";
            }

            if (!names.Add(e.Name) || e.Name.Length == 0)
            {
                return "column name is empty or appears twice";
            }

            var (type, scale, reason) = Classify(e);
            if (reason is not null)
            {
                return reason;
            }

            columns.Add(new ParquetColumn(e.Name, type, e.Repetition == Optional, scale));
        }

        column = null;
        schema = new ParquetSchema(columns);
        return null;
    }

    private static (ParquetType Type, int Scale, string? Reason) Classify(SchemaElementModel e)
    {
        var physical = (PhysicalType)e.Type!.Value;
        var logical = e.Logical;
        int? converted = e.ConvertedType;
        string physicalName = Enum.IsDefined(physical) ? PhysicalName(physical) : $"physical type {e.Type}";

        bool isDecimal = logical?.Kind == LogicalKinds.Decimal || (logical is null && converted == ConvertedTypes.Decimal);
        if (isDecimal)
        {
            int scale = logical?.Kind == LogicalKinds.Decimal ? logical.Scale : e.Scale ?? 0;
            int precision = logical?.Kind == LogicalKinds.Decimal ? logical.Precision : e.Precision ?? 0;
            if (physical is not (PhysicalType.Int64 or PhysicalType.Int32))
            {
                return (default, 0, $"unsupported type DECIMAL on {physicalName} (only INT32 and INT64 decimals are read)");
            }

            if (precision is < 1 or > ParquetColumn.DecimalPrecision || scale < 0 || scale > precision)
            {
                return (default, 0, $"unsupported DECIMAL({precision},{scale})");
            }

            return (ParquetType.Decimal, scale, null);
        }

        switch (physical)
        {
            case PhysicalType.Boolean when logical is null && converted is null:
                return (ParquetType.Boolean, 0, null);
            case PhysicalType.Double when logical is null && converted is null:
                return (ParquetType.Double, 0, null);
            case PhysicalType.Int32:
                if (logical?.Kind == LogicalKinds.Date || (logical is null && converted == ConvertedTypes.Date))
                {
                    return (ParquetType.Date, 0, null);
                }

                if ((logical is null && converted is null or ConvertedTypes.Int32) ||
                    (logical is { Kind: LogicalKinds.Integer, BitWidth: 32, IsSigned: true }))
                {
                    return (ParquetType.Int32, 0, null);
                }

                break;
            case PhysicalType.Int64:
                if (logical is { Kind: LogicalKinds.Timestamp } ts)
                {
                    if (ts.IsAdjustedToUtc && ts.TimeUnit == 2)
                    {
                        return (ParquetType.Timestamp, 0, null);
                    }

                    string unit = ts.TimeUnit switch { 1 => "MILLIS", 2 => "MICROS", 3 => "NANOS", _ => "unknown unit" };
                    return (default, 0, $"unsupported type TIMESTAMP({unit}, isAdjustedToUTC={ts.IsAdjustedToUtc.ToString().ToLowerInvariant()}) (only UTC microseconds are read)");
                }

                if (logical is null && converted == ConvertedTypes.TimestampMicros)
                {
                    return (ParquetType.Timestamp, 0, null);
                }

                if ((logical is null && converted is null or ConvertedTypes.Int64) ||
                    (logical is { Kind: LogicalKinds.Integer, BitWidth: 64, IsSigned: true }))
                {
                    return (ParquetType.Int64, 0, null);
                }

                break;
            case PhysicalType.ByteArray:
                if (logical?.Kind is LogicalKinds.String or LogicalKinds.Enum or LogicalKinds.Json ||
                    (logical is null && converted is ConvertedTypes.Utf8 or ConvertedTypes.Enum or ConvertedTypes.Json))
                {
                    return (ParquetType.String, 0, null);
                }

                if (logical is null && converted is null)
                {
                    return (default, 0, "unsupported type BYTE_ARRAY without a STRING annotation (binary columns are not read)");
                }

                break;
        }

        string annotation = logical is not null ? $" with logical type {LogicalName(logical.Kind)}" : converted is not null ? $" with converted type {converted}" : string.Empty;
        return (default, 0, $"unsupported type {physicalName}{annotation}");
    }

    public static string PhysicalName(PhysicalType type) => type switch
    {
        PhysicalType.Boolean => "BOOLEAN",
        PhysicalType.Int32 => "INT32",
        PhysicalType.Int64 => "INT64",
        PhysicalType.Int96 => "INT96",
        PhysicalType.Float => "FLOAT",
        PhysicalType.Double => "DOUBLE",
        PhysicalType.ByteArray => "BYTE_ARRAY",
        PhysicalType.FixedLenByteArray => "FIXED_LEN_BYTE_ARRAY",
        _ => $"physical type {(int)type}",
    };

    private static string LogicalName(short kind) => kind switch
    {
        1 => "STRING",
        2 => "MAP",
        3 => "LIST",
        4 => "ENUM",
        5 => "DECIMAL",
        6 => "DATE",
        7 => "TIME",
        8 => "TIMESTAMP",
        10 => "INTEGER",
        11 => "UNKNOWN",
        12 => "JSON",
        13 => "BSON",
        14 => "UUID",
        15 => "FLOAT16",
        16 => "VARIANT",
        17 => "GEOMETRY",
        18 => "GEOGRAPHY",
        19 => "VECTOR",
        _ => $"#{kind}",
    };
}
