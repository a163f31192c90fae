using Backtest.IO.Parquet;
using Backtest.IO.Tables;

namespace Backtest.Reports.Data;

/// <summary>
/// Reads a run folder (docs/architecture.md, "The run folder") into the report's input:
/// <c>manifest.json</c>, <c>summary.parquet</c> (required), <c>paths.parquet</c> and
/// <c>series.parquet</c> (optional). Column kinds, descriptions and units come from each file's
/// <c>backtest.columns</c> metadata; a column it does not describe gets its kind from the
/// Parquet type and no description.
/// </summary>
public static class RunFolder
{
    public static RunData Load(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new InputException("run folder not found", file: directory);
        }

        var manifestPath = Path.Combine(directory, "manifest.json");
        if (!File.Exists(manifestPath))
        {
            throw new InputException("not a run folder: manifest.json is missing", file: directory);
        }

        var manifest = RunManifest.Parse(File.ReadAllText(manifestPath), manifestPath);
        var summaryPath = Path.Combine(directory, "summary.parquet");
        if (!File.Exists(summaryPath))
        {
            throw new InputException("not a complete run folder: summary.parquet is missing", file: directory);
        }

        return new RunData(manifest, ReadTable(summaryPath), ReadOptional(Path.Combine(directory, "paths.parquet")), ReadOptional(Path.Combine(directory, "series.parquet")));
    }

    /// <summary>Every column of a Parquet file written by the engine, typed and described.</summary>
    public static DataTable ReadTable(string path)
    {
        using var reader = ParquetReader.Open(path);
        var described = reader.Metadata.TryGetValue(ColumnDescriptions.MetadataKey, out var json) && json is not null
            ? ColumnDescriptions.Parse(json, path)
            : new Dictionary<string, ColumnSpec>();
        var columns = new List<DataColumn>();
        foreach (var column in reader.Schema.Columns)
        {
            var data = reader.ReadColumn(column.Name);
            var spec = described.GetValueOrDefault(column.Name);
            var kind = spec?.Kind ?? KindOf(column, path);
            var nulls = data.NullCount == 0 ? null : data.Nulls.ToArray();
            Array values = kind switch
            {
                ColumnKind.Int32 => data.Int32Values.ToArray(),
                ColumnKind.Date => ToDayNumbers(data.Int32Values),
                ColumnKind.Int64 or ColumnKind.Amount => data.Int64Values.ToArray(),
                ColumnKind.Double => data.DoubleValues.ToArray(),
                ColumnKind.Boolean => data.BooleanValues.ToArray(),
                _ => data.StringValues.ToArray(),
            };
            var loaded = DataColumn.FromArray(column.Name, kind, spec?.Description ?? string.Empty, spec?.Unit, values, nulls);
            columns.Add(spec is { IsLoss: true } ? loaded.AsLoss() : loaded);
        }

        return new DataTable(Path.GetFileName(path), columns);
    }

    private static DataTable? ReadOptional(string path) => File.Exists(path) ? ReadTable(path) : null;

    private static ColumnKind KindOf(ParquetColumn column, string path) => column.Type switch
    {
        ParquetType.Int32 => ColumnKind.Int32,
        ParquetType.Int64 or ParquetType.Timestamp => ColumnKind.Int64,
        ParquetType.Decimal when column.DecimalScale == Numerics.Fixed.Decimals => ColumnKind.Amount,
        ParquetType.Decimal => throw new InputException($"DECIMAL(18,{column.DecimalScale}) is not an engine amount (scale {Numerics.Fixed.Decimals})", file: path, key: column.Name),
        ParquetType.Double => ColumnKind.Double,
        ParquetType.Boolean => ColumnKind.Boolean,
        ParquetType.Date => ColumnKind.Date,
        _ => ColumnKind.Text,
    };

    /// <summary>Parquet DATE (days since 1970-01-01) to <see cref="DateOnly.DayNumber"/>, the report's date convention.</summary>
    private static int[] ToDayNumbers(ReadOnlySpan<int> epochDays)
    {
        int epoch = new DateOnly(1970, 1, 1).DayNumber;
        var result = new int[epochDays.Length];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = epochDays[i] + epoch;
        }

        return result;
    }
}
