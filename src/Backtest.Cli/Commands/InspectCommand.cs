using System.Buffers;
using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Backtest.IO.Parquet;

namespace Backtest.Cli.Commands;

/// <summary>
/// <c>backtest inspect FILE.parquet [--json] [--rows N]</c>: prints a Parquet file's schema, row
/// groups (codec, encodings, statistics), key-value metadata and rows. The default is a table for
/// people; <c>--json</c> is the exact machine form that tools/duckdb-check compares with DuckDB.
/// </summary>
internal static class InspectCommand
{
    private const int DefaultTableRows = 20;

    public static Command Create(TextWriter stdout)
    {
        var file = new Argument<string>("FILE") { Description = "A Parquet file." };
        var json = new Option<bool>("--json") { Description = "Print JSON: every value exact (64-bit integers, decimals and timestamps as strings, dates as day numbers, doubles as round-trip strings)." };
        var rows = new Option<long?>("--rows") { Description = $"Print at most this many rows (default: {DefaultTableRows} for the table, all for --json)." };
        var command = new Command("inspect", "Show a Parquet file's schema, row groups, metadata and rows.") { file, json, rows };
        command.SetAction(parse =>
        {
            long? limit = parse.GetValue(rows);
            if (limit is < 0)
            {
                throw new InputException("--rows must be 0 or more", key: "--rows");
            }

            using var reader = ParquetReader.Open(parse.GetValue(file)!);
            if (parse.GetValue(json))
            {
                WriteJson(reader, limit ?? long.MaxValue, stdout);
            }
            else
            {
                WriteTable(reader, limit ?? DefaultTableRows, stdout);
            }

            return BacktestCli.Ok;
        });
        return command;
    }

    internal static void WriteTable(ParquetReader reader, long limit, TextWriter output)
    {
        output.WriteLine($"file        {reader.Path}");
        output.WriteLine($"rows        {reader.RowCount}");
        output.WriteLine($"row groups  {reader.RowGroups.Count}");
        output.WriteLine($"created by  {reader.CreatedBy ?? "(not recorded)"}");
        output.WriteLine();
        output.WriteLine("schema");
        foreach (var column in reader.Schema.Columns)
        {
            output.WriteLine($"  {column.Name,-24} {column.TypeName}{(column.Nullable ? " NULL" : string.Empty)}");
        }

        if (reader.Metadata.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("metadata");
            foreach (var (key, value) in reader.Metadata)
            {
                string shown = value is null ? "(null)" : value.Length > 120 ? $"{value[..117].ReplaceLineEndings(" ")}... ({value.Length} chars)" : value.ReplaceLineEndings(" ");
                output.WriteLine($"  {key} = {shown}");
            }
        }

        foreach (var group in reader.RowGroups)
        {
            output.WriteLine();
            output.WriteLine($"row group {group.Index}: {group.RowCount} rows, {group.CompressedBytes} bytes stored, {group.UncompressedBytes} uncompressed");
            foreach (var chunk in group.Columns)
            {
                var s = chunk.Statistics;
                string stats = s is null ? "no statistics" : $"nulls {Show(s.NullCount)}, min {ShowValue(s.Min)}, max {ShowValue(s.Max)}{(s.NanCount is > 0 ? $", NaN {s.NanCount}" : string.Empty)}";
                output.WriteLine($"  {chunk.Column,-24} {ParquetNames.Codec(chunk.Codec),-12} {string.Join(",", chunk.Encodings.Select(ParquetNames.Encoding)),-26} {chunk.CompressedBytes,10} B  {stats}");
            }
        }

        output.WriteLine();
        long shownRows = Math.Min(limit, reader.RowCount);
        output.WriteLine(shownRows < reader.RowCount ? $"rows (first {shownRows} of {reader.RowCount}; --rows N for more)" : "rows");
        if (shownRows == 0)
        {
            return;
        }

        var cells = new List<string[]> { reader.Schema.Columns.Select(c => c.Name).ToArray() };
        foreach (var row in reader.ReadRows().Take((int)Math.Min(shownRows, int.MaxValue)))
        {
            cells.Add([.. reader.Schema.Columns.Select((_, c) => row.Format(c))]);
        }

        var widths = Enumerable.Range(0, reader.Schema.Count).Select(c => Math.Min(40, cells.Max(r => r[c].Length))).ToArray();
        foreach (var line in cells)
        {
            output.WriteLine("  " + string.Join("  ", line.Select((cell, c) => Clip(cell, widths[c]).PadRight(widths[c]))).TrimEnd());
        }
    }

    internal static void WriteJson(ParquetReader reader, long limit, TextWriter output)
    {
        var buffer = new ArrayBufferWriter<byte>(1 << 16);
        using var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("file", reader.Path);
        json.WriteNumber("rows", reader.RowCount);
        json.WriteString("created_by", reader.CreatedBy);
        json.WriteStartArray("schema");
        foreach (var column in reader.Schema.Columns)
        {
            json.WriteStartObject();
            json.WriteString("name", column.Name);
            json.WriteString("type", column.TypeName);
            json.WriteBoolean("nullable", column.Nullable);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("metadata");
        foreach (var (key, value) in reader.Metadata)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
        json.WriteStartArray("row_groups");
        foreach (var group in reader.RowGroups)
        {
            json.WriteStartObject();
            json.WriteNumber("rows", group.RowCount);
            json.WriteStartArray("columns");
            foreach (var chunk in group.Columns)
            {
                json.WriteStartObject();
                json.WriteString("name", chunk.Column);
                json.WriteString("codec", ParquetNames.Codec(chunk.Codec));
                json.WriteStartArray("encodings");
                foreach (var encoding in chunk.Encodings)
                {
                    json.WriteStringValue(ParquetNames.Encoding(encoding));
                }

                json.WriteEndArray();
                json.WriteBoolean("dictionary_page", chunk.HasDictionaryPage);
                json.WriteNumber("compressed_bytes", chunk.CompressedBytes);
                if (chunk.Statistics is { } s)
                {
                    WriteOptionalNumber(json, "null_count", s.NullCount);
                    json.WritePropertyName("min");
                    WriteStatistic(json, s.Min);
                    json.WritePropertyName("max");
                    WriteStatistic(json, s.Max);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("data");
        for (int c = 0; c < reader.Schema.Count; c++)
        {
            json.WriteStartArray(reader.Schema[c].Name);
            long left = limit;
            for (int g = 0; g < reader.RowGroups.Count && left > 0; g++)
            {
                var column = reader.ReadColumn(g, c);
                for (int row = 0; row < column.Count && left > 0; row++, left--)
                {
                    WriteValue(json, column, row);
                }

                json.Flush();
                Drain(buffer, output);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
        Drain(buffer, output);
        output.WriteLine();
    }

    /// <summary>The exact JSON form of a value: see the --json option's description.</summary>
    private static void WriteValue(Utf8JsonWriter json, ParquetColumnData column, int row)
    {
        if (column.IsNull(row))
        {
            json.WriteNullValue();
            return;
        }

        switch (column.Column.Type)
        {
            case ParquetType.Int32:
            case ParquetType.Date:
                json.WriteNumberValue(column.Int32Values[row]);
                break;
            case ParquetType.Boolean:
                json.WriteBooleanValue(column.BooleanValues[row]);
                break;
            case ParquetType.Timestamp:
                json.WriteStringValue(column.Int64Values[row].ToString(CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteStringValue(column.FormatValue(row));
                break;
        }
    }

    private static void WriteStatistic(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null: json.WriteNullValue(); break;
            case int i: json.WriteNumberValue(i); break;
            case bool b: json.WriteBooleanValue(b); break;
            case DateOnly d: json.WriteNumberValue(ParquetValues.ToDays(d)); break;
            case DateTime t: json.WriteStringValue(ParquetValues.ToMicros(t).ToString(CultureInfo.InvariantCulture)); break;
            case double d: json.WriteStringValue(ParquetValues.FormatDouble(d)); break;
            case decimal m: json.WriteStringValue(m.ToString(CultureInfo.InvariantCulture)); break;
            case long l: json.WriteStringValue(l.ToString(CultureInfo.InvariantCulture)); break;
            default: json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    private static void WriteOptionalNumber(Utf8JsonWriter json, string name, long? value)
    {
        if (value is long v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void Drain(ArrayBufferWriter<byte> buffer, TextWriter output)
    {
        output.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        buffer.ResetWrittenCount();
    }

    private static string Show(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "?";

    private static string ShowValue(object? value) => value switch
    {
        null => "-",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => ParquetValues.FormatTimestamp(ParquetValues.ToMicros(t)),
        double d => ParquetValues.FormatDouble(d),
        bool b => b ? "true" : "false",
        string s => $"\"{Clip(s, 30)}\"",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "-",
    };

    private static string Clip(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
