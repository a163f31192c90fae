using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Reflection;
using System.Runtime.CompilerServices;
using Backtest.IO.Parquet;
using Backtest.IO.Tables;
using Backtest.Numerics;
using Backtest.Reports.Charts;
using ReportTable = Backtest.Reports.Data.DataTable;

namespace Backtest.Cli.Notebooks;

/// <summary>
/// How a value appears in the notebook, as representations keyed by MIME type:
/// <list type="bullet">
/// <item>a chart (<see cref="Chart"/>) or a string holding an SVG document: <c>image/svg+xml</c>, with its title as <c>text/plain</c>;</item>
/// <item>tables — a Parquet table or file, a schema, a report table, a column table, a dictionary, a sequence of records, anonymous objects or tuples — as fixed-width text, the first <see cref="MaxRows"/> rows;</item>
/// <item>a sequence of plain values as a one-column table;</item>
/// <item>anything else as invariant-culture text (numbers round-trip, dates in ISO 8601).</item>
/// </list>
/// Null shows nothing. Every representation is a pure function of the value.
/// </summary>
internal static class DisplayFormatter
{
    public const int MaxRows = 20;

    public const string PlainText = "text/plain";

    public const string Svg = "image/svg+xml";

    /// <summary>The MIME bundle of <paramref name="value"/>, or null to show nothing; <paramref name="chartId"/> gives an SVG id prefix when a chart is drawn.</summary>
    public static IReadOnlyDictionary<string, string>? Format(object? value, Func<string> chartId) => value switch
    {
        null => null,
        Chart chart => Bundle((Svg, chart.ToSvg(chartId())), (PlainText, chart.Title)),
        string text when IsSvgDocument(text) => Bundle((Svg, text), (PlainText, "SVG image")),
        string text => Bundle((PlainText, text)),
        _ => Bundle((PlainText, Text(value))),
    };

    /// <summary>The plain-text representation (tables as text, values as invariant text).</summary>
    public static string Text(object value) => value switch
    {
        ParquetTable table => ParquetTableText(table),
        ParquetReader reader => ParquetFileText(reader),
        ParquetSchema schema => SchemaText(schema),
        ReportTable table => ReportTableText(table),
        ColumnTable table => ColumnTableText(table),
        IDictionary dictionary => DictionaryText(dictionary),
        string text => text,
        IEnumerable sequence => SequenceText(sequence),
        _ => Scalar(value),
    };

    /// <summary>Whether the text is an SVG document (what <see cref="Chart.ToSvg"/> returns, or one read from a file).</summary>
    public static bool IsSvgDocument(string text)
    {
        var trimmed = text.AsSpan().Trim();
        if (trimmed.StartsWith("<?xml", StringComparison.Ordinal))
        {
            int end = trimmed.IndexOf("?>", StringComparison.Ordinal);
            trimmed = end < 0 ? [] : trimmed[(end + 2)..].TrimStart();
        }

        return trimmed.StartsWith("<svg", StringComparison.Ordinal) && trimmed.EndsWith("</svg>", StringComparison.Ordinal);
    }

    /// <summary>One value as text: invariant culture, doubles round-trip, dates ISO 8601, booleans lower case.</summary>
    public static string Scalar(object? value) => value switch
    {
        null => "null",
        string text => text,
        bool flag => flag ? "true" : "false",
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        float number => number.ToString("R", CultureInfo.InvariantCulture),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime time => time.ToString(time.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateTimeOffset time => time.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable sequence => Inline(sequence),
        _ => value.ToString() ?? string.Empty,
    };

    private static Dictionary<string, string> Bundle(params (string Mime, string Content)[] parts) =>
        parts.ToDictionary(p => p.Mime, p => p.Content, StringComparer.Ordinal);

    private static string ParquetTableText(ParquetTable table)
    {
        var text = new TextTable(
            [.. table.Schema.Columns.Select(c => c.Name)],
            [.. table.Schema.Columns.Select(c => IsNumeric(c.Type))]);
        foreach (var row in table.Rows.Take(MaxRows))
        {
            text.Add([.. Enumerable.Range(0, table.Schema.Count).Select(row.Format)]);
        }

        return text.Render(table.RowCount);
    }

    private static string ParquetFileText(ParquetReader reader) =>
        $"{Path.GetFileName(reader.Path)}: {reader.RowCount.ToString("N0", CultureInfo.InvariantCulture)} rows in {reader.RowGroups.Count} row group(s)\n{SchemaText(reader.Schema)}";

    private static string SchemaText(ParquetSchema schema)
    {
        var text = new TextTable(["column", "type", "nullable"], [false, false, false]);
        foreach (var column in schema.Columns)
        {
            text.Add([column.Name, column.TypeName, column.Nullable ? "yes" : "no"]);
        }

        return text.Render(schema.Count);
    }

    private static string ReportTableText(ReportTable table)
    {
        var text = new TextTable([.. table.Columns.Select(c => c.Name)], [.. table.Columns.Select(c => c.IsNumeric)]);
        for (int row = 0; row < Math.Min(MaxRows, table.RowCount); row++)
        {
            text.Add([.. table.Columns.Select(c => c.Text(row))]);
        }

        return text.Render(table.RowCount);
    }

    private static string ColumnTableText(ColumnTable table)
    {
        var text = new TextTable(
            [.. table.Columns.Select(c => c.Name)],
            [.. table.Columns.Select(c => c.Kind is ColumnKind.Int32 or ColumnKind.Int64 or ColumnKind.Amount or ColumnKind.Double)]);
        for (int row = 0; row < Math.Min(MaxRows, table.RowCount); row++)
        {
            text.Add([.. Enumerable.Range(0, table.Columns.Count).Select(c => ColumnCell(table, c, row))]);
        }

        return text.Render(table.RowCount);
    }

    private static string ColumnCell(ColumnTable table, int column, int row)
    {
        if (table.Nulls(column) is { } nulls && nulls[row])
        {
            return "null";
        }

        return table.Columns[column].Kind switch
        {
            ColumnKind.Amount => Fixed.Format(table.Int64(column)[row]),
            ColumnKind.Date => ParquetValues.FormatDate(table.Int32(column)[row]),
            _ => Scalar(table.Raw(column).GetValue(row)),
        };
    }

    private static string DictionaryText(IDictionary dictionary)
    {
        var entries = new List<DictionaryEntry>(MaxRows);
        var enumerator = dictionary.GetEnumerator();
        while (entries.Count < MaxRows && enumerator.MoveNext())
        {
            entries.Add(enumerator.Entry);
        }

        var text = new TextTable(["key", "value"], [false, entries.Count > 0 && entries.All(e => IsNumber(e.Value))]);
        foreach (var entry in entries)
        {
            text.Add([Scalar(entry.Key), Scalar(entry.Value)]);
        }

        return text.Render(dictionary.Count);
    }

    /// <summary>A sequence as a table: one column per member when its items are records, anonymous objects or tuples, else one column of values.</summary>
    private static string SequenceText(IEnumerable sequence)
    {
        long? total = sequence is ICollection collection ? collection.Count : null;
        var items = new List<object?>(MaxRows);
        bool more = false;
        foreach (var item in sequence)
        {
            if (items.Count == MaxRows)
            {
                more = true;
                break;
            }

            items.Add(item);
        }

        total ??= more ? null : items.Count;
        var types = items.Where(i => i is not null).Select(i => i!.GetType()).Distinct().ToList();
        if (types.Count == 1 && IsRowType(types[0]))
        {
            var members = RowMembers(types[0]);
            var table = new TextTable([.. members.Select(m => m.Name)], [.. members.Select(m => IsNumericType(m.Type))]);
            foreach (var item in items)
            {
                table.Add([.. members.Select(m => item is null ? "null" : Scalar(m.Read(item)))]);
            }

            return table.Render(total);
        }

        var values = new TextTable(["value"], [items.Count > 0 && items.All(IsNumber)]);
        foreach (var item in items)
        {
            values.Add([Scalar(item)]);
        }

        return values.Render(total);
    }

    /// <summary>A short sequence inside a table cell: the first five items in brackets.</summary>
    private static string Inline(IEnumerable sequence)
    {
        var items = sequence.Cast<object?>().Take(6).Select(Scalar).ToList();
        return "[" + string.Join(", ", items.Take(5)) + (items.Count > 5 ? ", …" : string.Empty) + "]";
    }

    private static bool IsNumeric(ParquetType type) => type is ParquetType.Int32 or ParquetType.Int64 or ParquetType.Double or ParquetType.Decimal;

    private static bool IsNumber(object? value) => value is not null && IsNumericType(value.GetType());

    private static bool IsNumericType(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(byte) || type == typeof(sbyte)
            || type == typeof(uint) || type == typeof(ulong) || type == typeof(ushort) || type == typeof(double) || type == typeof(float)
            || type == typeof(decimal) || type == typeof(Int128) || type == typeof(UInt128) || type == typeof(BigInteger) || type == typeof(Half);
    }

    private static bool IsScalarType(Type type) =>
        IsNumericType(type) || type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(DateOnly) || type == typeof(DateTime)
        || type == typeof(DateTimeOffset) || type == typeof(TimeOnly) || type == typeof(TimeSpan) || type == typeof(Guid);

    /// <summary>Items shown member by member: anonymous objects, records, value tuples, and types that do not say how to print themselves.</summary>
    private static bool IsRowType(Type type)
    {
        if (IsScalarType(type) || typeof(IEnumerable).IsAssignableFrom(type))
        {
            return false;
        }

        bool anonymous = type.IsDefined(typeof(CompilerGeneratedAttribute), false) && type.Name.Contains("AnonymousType", StringComparison.Ordinal);
        bool record = type.GetMethod("<Clone>$") is not null || type.GetMethod("PrintMembers", BindingFlags.Instance | BindingFlags.NonPublic) is not null;
        bool tuple = type.IsGenericType && type.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal);
        var printer = type.GetMethod(nameof(ToString), Type.EmptyTypes)!.DeclaringType;
        bool printsItself = printer != typeof(object) && printer != typeof(ValueType);
        return anonymous || record || tuple || !printsItself;
    }

    private static List<RowMember> RowMembers(Type type)
    {
        if (type.IsGenericType && type.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal))
        {
            return [.. type.GetFields(BindingFlags.Instance | BindingFlags.Public).Select(f => new RowMember(f.Name, f.FieldType, f.GetValue))];
        }

        return
        [
            .. type.GetProperties(BindingFlags.Instance | BindingFlags.Public)
                .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
                .Select(p => new RowMember(p.Name, p.PropertyType, p.GetValue)),
        ];
    }

    private sealed record RowMember(string Name, Type Type, Func<object, object?> Read);
}
