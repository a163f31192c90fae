using System.Globalization;
using System.Text;
using System.Text.Json;
using Backtest.Engine.Runs;
using Backtest.IO.Parquet;
using Backtest.Market.Data;

namespace Backtest.Engine.Catalog;

/// <summary>A parameter's value in one parameter set of a run, as the manifest writes it.</summary>
public sealed record RunParameter(string ParameterSet, string Name, string Value, bool Swept);

/// <summary>
/// A headline metric: one numeric summary column at one summary row of a (scenario, parameter
/// set). <see cref="Row"/> counts rows within the pair (models may write several, e.g. one per
/// tier) and <see cref="Label"/> names the row by its text columns ("tier=senior"), empty when
/// it has none. Amounts (DECIMAL) are converted to doubles here, for display and comparison only.
/// </summary>
public sealed record RunMetric(string Scenario, string ParameterSet, int Row, string Label, string Name, double Value)
{
    /// <summary>The key a metric is matched by when two runs are compared.</summary>
    public string Key => $"{Scenario}/{ParameterSet}{(Label.Length == 0 ? (Row == 0 ? string.Empty : $"#{Row}") : $" {Label}")} {Name}";
}

/// <summary>
/// What the run catalogue keeps of a run: identity (study, hashes, commit), timing, where the
/// folder is, its parameters and headline metrics. Built from a run folder
/// (<see cref="FromFolder"/>) — the folder is the record, the catalogue an index of folders — or
/// read back from the catalogue (<see cref="Id"/> set).
/// </summary>
public sealed record RunRecord(
    string Study,
    string Model,
    string StudyFile,
    string StudySha256,
    string ParametersSha256,
    string GitCommit,
    bool GitDirty,
    string EngineVersion,
    DateTimeOffset Started,
    DateTimeOffset Finished,
    double WallSeconds,
    long PathDays,
    double PathDaysPerSecond,
    ulong Seed,
    long Paths,
    string Folder,
    IReadOnlyList<RunParameter> Parameters,
    IReadOnlyList<RunMetric> Metrics)
{
    /// <summary>The catalogue id, or null for a record read from a folder and not (yet) catalogued.</summary>
    public long? Id { get; init; }

    /// <summary>
    /// Reads <c>manifest.json</c> and <c>summary.parquet</c> of a run folder. Missing or malformed
    /// files are bad input naming the file.
    /// </summary>
    public static RunRecord FromFolder(string folder)
    {
        var full = Path.GetFullPath(folder);
        var manifestPath = Path.Combine(full, "manifest.json");
        if (!File.Exists(manifestPath))
        {
            throw new InputException("not a run folder (no manifest.json)", file: full);
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(manifestPath));
            var root = document.RootElement;
            var engine = root.GetProperty("engine");
            var study = root.GetProperty("study");
            var swept = root.GetProperty("swept_parameters").EnumerateArray().Select(e => e.GetString()!).ToHashSet(StringComparer.Ordinal);
            var parameters = new List<RunParameter>();
            foreach (var set in root.GetProperty("parameter_sets").EnumerateArray())
            {
                var setName = set.GetProperty("name").GetString()!;
                foreach (var value in set.GetProperty("values").EnumerateObject())
                {
                    parameters.Add(new RunParameter(setName, value.Name, value.Value.GetString()!, swept.Contains(value.Name)));
                }
            }

            var summaryPath = Path.Combine(full, "summary.parquet");
            var metrics = File.Exists(summaryPath) ? ReadMetrics(summaryPath, swept) : [];
            return new RunRecord(
                study.GetProperty("name").GetString()!,
                study.GetProperty("model").GetString()!,
                study.GetProperty("file").GetString()!,
                study.GetProperty("sha256").GetString()!,
                ParametersHash(parameters),
                engine.GetProperty("git_commit").GetString()!,
                engine.GetProperty("git_dirty").GetBoolean(),
                engine.GetProperty("version").GetString()!,
                Timestamp(root.GetProperty("started_utc")),
                Timestamp(root.GetProperty("finished_utc")),
                root.GetProperty("wall_seconds").GetDouble(),
                root.GetProperty("path_days").GetInt64(),
                root.GetProperty("path_days_per_second").GetDouble(),
                root.GetProperty("seed").GetUInt64(),
                root.GetProperty("paths").GetInt64(),
                full,
                parameters,
                metrics);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InputException($"manifest.json is not a run manifest this engine reads: {e.Message}", file: manifestPath, inner: e);
        }
    }

    /// <summary>
    /// SHA-256 of every parameter set's values: lines "set<c>\t</c>name<c>\t</c>value" in manifest
    /// order, UTF-8, newline-terminated. Equal hashes mean the same resolved grid.
    /// </summary>
    public static string ParametersHash(IEnumerable<RunParameter> parameters)
    {
        var text = new StringBuilder();
        foreach (var p in parameters)
        {
            text.Append(p.ParameterSet).Append('\t').Append(p.Name).Append('\t').Append(p.Value).Append('\n');
        }

        return DataFiles.Sha256(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static DateTimeOffset Timestamp(JsonElement element) =>
        DateTimeOffset.Parse(element.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>The numeric columns of summary.parquet after the identity and swept-parameter columns, row by row; undefined (NaN) values are left out.</summary>
    private static List<RunMetric> ReadMetrics(string summaryPath, IReadOnlySet<string> swept)
    {
        using var reader = ParquetReader.Open(summaryPath);
        var identity = RunFolderWriter.Identity.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var columns = reader.Schema.Columns.Where(c => !identity.Contains(c.Name) && !swept.Contains(c.Name)).ToList();
        var scenario = reader.ReadColumn("scenario");
        var set = reader.ReadColumn("param_set");
        var data = columns.ToDictionary(c => c.Name, c => reader.ReadColumn(c.Name), StringComparer.Ordinal);
        var labels = columns.Where(c => c.Type == ParquetType.String).ToList();
        var metrics = new List<RunMetric>();
        var rowInPair = new Dictionary<(string, string), int>();
        for (int r = 0; r < reader.RowCount; r++)
        {
            var pair = (scenario.GetString(r), set.GetString(r));
            int row = rowInPair.GetValueOrDefault(pair);
            rowInPair[pair] = row + 1;
            var label = string.Join(", ", labels.Where(l => !data[l.Name].IsNull(r)).Select(l => $"{l.Name}={data[l.Name].GetString(r)}"));
            foreach (var column in columns)
            {
                var values = data[column.Name];
                if (values.IsNull(r))
                {
                    continue;
                }

                double? value = column.Type switch
                {
                    ParquetType.Int32 => values.GetInt32(r),
                    ParquetType.Int64 => values.GetInt64(r),
                    ParquetType.Double => values.GetDouble(r),
                    ParquetType.Decimal => (double)values.GetDecimal(r),
                    _ => null,
                };
                // NaN marks a statistic undefined for the run (e.g. an interval of one path); the
                // catalogue stores defined values only, as SQLite has no NaN.
                if (value is { } v && !double.IsNaN(v))
                {
                    metrics.Add(new RunMetric(pair.Item1, pair.Item2, row, label, column.Name, v));
                }
            }
        }

        return metrics;
    }
}
