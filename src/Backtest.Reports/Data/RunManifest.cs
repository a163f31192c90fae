using System.Globalization;
using System.Text.Json;

namespace Backtest.Reports.Data;

/// <summary>A scenario of the run with its settings as written (values kept as text).</summary>
public sealed record ManifestScenario(string Name, string? Kind, IReadOnlyDictionary<string, string> Settings);

/// <summary>A parameter set: its name (e.g. "ps003") and every parameter's value as text.</summary>
public sealed record ManifestParameterSet(string Name, IReadOnlyDictionary<string, string> Values);

/// <summary>One run (scenario × parameter set): how many paths and steps it simulated.</summary>
public sealed record ManifestRun(string Scenario, string ParameterSet, long? Paths, int? Steps, string? PhiloxKey);

/// <summary>An input data file and its SHA-256.</summary>
public sealed record ManifestInput(string File, string? Sha256);

/// <summary>An output column as the manifest describes it.</summary>
public sealed record ManifestColumn(string Table, string Name, string? Kind, string? Description, string? Unit);

/// <summary>
/// What a run's <c>manifest.json</c> says (docs/architecture.md, "The run folder"; field names in
/// docs/reports.md). Every field is optional: a report of a folder written by an older or partial
/// writer shows "not recorded" where a field is missing rather than refusing the folder.
/// </summary>
public sealed record RunManifest
{
    public string? EngineVersion { get; init; }

    public string? GitCommit { get; init; }

    /// <summary>Whether the engine was built from a working tree with uncommitted changes.</summary>
    public bool? GitDirty { get; init; }

    public string? StudyName { get; init; }

    public string? StudyDescription { get; init; }

    public string? StudyFile { get; init; }

    public string? StudySha256 { get; init; }

    public string? StudyText { get; init; }

    public string? Model { get; init; }

    public ulong? Seed { get; init; }

    public long? Paths { get; init; }

    public int? Threads { get; init; }

    /// <summary>How many leading paths the series bands are computed over.</summary>
    public int? SeriesPaths { get; init; }

    public IReadOnlyList<ManifestScenario> Scenarios { get; init; } = [];

    public IReadOnlyList<ManifestParameterSet> ParameterSets { get; init; } = [];

    /// <summary>Names of the parameters the sweep varied.</summary>
    public IReadOnlyList<string> SweptParameters { get; init; } = [];

    public IReadOnlyList<ManifestRun> Runs { get; init; } = [];

    public IReadOnlyList<ManifestInput> Inputs { get; init; } = [];

    public DateTimeOffset? Started { get; init; }

    public DateTimeOffset? Finished { get; init; }

    public double? WallSeconds { get; init; }

    public double? PathDaysPerSecond { get; init; }

    public IReadOnlyDictionary<string, string> Machine { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<ManifestColumn> Columns { get; init; } = [];

    /// <summary>The run of a scenario and parameter set, if the manifest lists it.</summary>
    public ManifestRun? Run(string scenario, string parameterSet) =>
        Runs.FirstOrDefault(r => r.Scenario == scenario && r.ParameterSet == parameterSet);

    /// <summary>Parses manifest JSON; <paramref name="file"/> names the file in errors.</summary>
    public static RunManifest Parse(string json, string file = "manifest.json")
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new InputException($"not valid JSON: {e.Message}", file: file, line: (int?)e.LineNumber + 1);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InputException("the manifest must be a JSON object", file: file);
            }

            var reader = new Reader(file);
            var engine = reader.Object(root, "engine");
            var study = reader.Object(root, "study");
            return new RunManifest
            {
                EngineVersion = reader.String(engine, "version", "engine.version"),
                GitCommit = reader.String(engine, "git_commit", "engine.git_commit"),
                GitDirty = reader.Boolean(engine, "git_dirty", "engine.git_dirty"),
                StudyName = reader.String(study, "name", "study.name"),
                StudyDescription = reader.String(study, "description", "study.description"),
                StudyFile = reader.String(study, "file", "study.file"),
                StudySha256 = reader.String(study, "sha256", "study.sha256"),
                StudyText = reader.String(study, "text", "study.text"),
                Model = reader.String(study, "model", "study.model"),
                Seed = reader.UInt64(root, "seed"),
                Paths = reader.Int64(root, "paths"),
                Threads = (int?)reader.Int64(root, "threads"),
                SeriesPaths = (int?)reader.Int64(root, "series_paths"),
                Scenarios = reader.Array(root, "scenarios", (e, key) => new ManifestScenario(
                    reader.String(e, "name", $"{key}.name") ?? throw new InputException("a scenario needs a name", file: file, key: key),
                    reader.String(e, "kind", $"{key}.kind"),
                    reader.Map(e, "settings", $"{key}.settings"))),
                ParameterSets = reader.Array(root, "parameter_sets", (e, key) => new ManifestParameterSet(
                    reader.String(e, "name", $"{key}.name") ?? throw new InputException("a parameter set needs a name", file: file, key: key),
                    reader.Map(e, "values", $"{key}.values"))),
                SweptParameters = reader.Array(root, "swept_parameters", (e, key) => e.ValueKind == JsonValueKind.String ? e.GetString()! : throw new InputException("expected a parameter name", file: file, key: key)),
                Runs = reader.Array(root, "runs", (e, key) => new ManifestRun(
                    reader.String(e, "scenario", $"{key}.scenario") ?? throw new InputException("a run needs its scenario", file: file, key: key),
                    reader.String(e, "param_set", $"{key}.param_set") ?? throw new InputException("a run needs its param_set", file: file, key: key),
                    reader.Int64(e, "paths", $"{key}.paths"),
                    (int?)reader.Int64(e, "steps", $"{key}.steps"),
                    reader.String(e, "philox_key", $"{key}.philox_key"))),
                Inputs = reader.Array(root, "inputs", (e, key) => new ManifestInput(
                    reader.String(e, "file", $"{key}.file") ?? throw new InputException("an input needs its file", file: file, key: key),
                    reader.String(e, "sha256", $"{key}.sha256"))),
                Started = reader.Time(root, "started_utc", "started_utc"),
                Finished = reader.Time(root, "finished_utc", "finished_utc"),
                WallSeconds = reader.Double(root, "wall_seconds", "wall_seconds"),
                PathDaysPerSecond = reader.Double(root, "path_days_per_second", "path_days_per_second"),
                Machine = reader.Map(root, "machine", "machine"),
                Columns = reader.Columns(root),
            };
        }
    }

    /// <summary>Typed access to optional fields; a field of the wrong type is an error naming it.</summary>
    private sealed class Reader(string file)
    {
        public JsonElement? Object(JsonElement parent, string name) =>
            Get(parent, name, name) is { } e ? e.ValueKind == JsonValueKind.Object ? e : throw Wrong(name, "an object", e) : null;

        public string? String(JsonElement? parent, string name, string? key = null) =>
            Get(parent, name, key) is { } e ? e.ValueKind == JsonValueKind.String ? e.GetString() : throw Wrong(key ?? name, "a string", e) : null;

        public long? Int64(JsonElement? parent, string name, string? key = null) =>
            Get(parent, name, key) is { } e ? e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var v) ? v : throw Wrong(key ?? name, "an integer", e) : null;

        public ulong? UInt64(JsonElement? parent, string name) =>
            Get(parent, name, name) is { } e ? e.ValueKind == JsonValueKind.Number && e.TryGetUInt64(out var v) ? v : throw Wrong(name, "a non-negative integer", e) : null;

        public double? Double(JsonElement? parent, string name, string key) =>
            Get(parent, name, key) is { } e ? e.ValueKind == JsonValueKind.Number ? e.GetDouble() : throw Wrong(key, "a number", e) : null;

        public bool? Boolean(JsonElement? parent, string name, string key) =>
            Get(parent, name, key) is { } e ? e.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Wrong(key, "true or false", e),
            } : null;

        public DateTimeOffset? Time(JsonElement? parent, string name, string key) =>
            String(parent, name, key) is { } s
                ? DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : throw new InputException($"'{s}' is not an ISO 8601 time", file: file, key: key)
                : null;

        public IReadOnlyDictionary<string, string> Map(JsonElement? parent, string name, string key)
        {
            var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
            if (Get(parent, name, key) is not { } e)
            {
                return result;
            }

            if (e.ValueKind != JsonValueKind.Object)
            {
                throw Wrong(key, "an object", e);
            }

            foreach (var p in e.EnumerateObject())
            {
                result[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            }

            return result;
        }

        public IReadOnlyList<T> Array<T>(JsonElement? parent, string name, Func<JsonElement, string, T> item)
        {
            if (Get(parent, name, name) is not { } e)
            {
                return [];
            }

            if (e.ValueKind != JsonValueKind.Array)
            {
                throw Wrong(name, "an array", e);
            }

            return e.EnumerateArray().Select((x, i) => item(x, $"{name}[{i}]")).ToArray();
        }

        /// <summary>"columns": { "summary.parquet": [ {name, kind, description, unit}, … ], … }.</summary>
        public IReadOnlyList<ManifestColumn> Columns(JsonElement root)
        {
            var result = new List<ManifestColumn>();
            if (Object(root, "columns") is not { } columns)
            {
                return result;
            }

            foreach (var table in columns.EnumerateObject())
            {
                result.AddRange(Array(columns, table.Name, (e, key) => new ManifestColumn(
                    table.Name,
                    String(e, "name", $"columns.{key}.name") ?? throw new InputException("a column needs a name", file: file, key: $"columns.{key}"),
                    String(e, "kind", $"columns.{key}.kind"),
                    String(e, "description", $"columns.{key}.description"),
                    String(e, "unit", $"columns.{key}.unit"))));
            }

            return result;
        }

        private static JsonElement? Get(JsonElement? parent, string name, string? key) =>
            parent is { } p && p.TryGetProperty(name, out var e) && e.ValueKind != JsonValueKind.Null ? e : null;

        private InputException Wrong(string key, string expected, JsonElement actual) =>
            new($"expected {expected}, found {actual.ValueKind.ToString().ToLowerInvariant()}", file: file, key: key);
    }
}
