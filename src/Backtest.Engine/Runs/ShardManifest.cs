using System.Globalization;
using System.Text.Json;

namespace Backtest.Engine.Runs;

/// <summary>
/// A shard's manifest (<c>shards/shard=I.json</c>): what <c>manifest.json</c> records for a whole
/// run (engine, study as written, seed, scenarios, parameter sets, inputs, machine, columns) plus
/// the shard (index, count, block size, slice definition), each run's blocks and the paths this
/// shard simulated, and the row counts of its two files. Written last, by rename: a shard whose
/// manifest exists is complete.
/// </summary>
public static class ShardManifest
{
    /// <summary>The <c>kind</c> that tells a shard manifest from a run folder's.</summary>
    public const string Kind = "shard";

    /// <summary>The slice in words, recorded in every shard manifest and merged manifest.</summary>
    public const string SliceDefinition =
        "each run's paths are cut into blocks of block_paths (the last one shorter); blocks are numbered globally in run order, " +
        "and shard I of N simulates the blocks whose number g has g mod N = I";

    public static string Build(RunResult result, IReadOnlyList<InputFile> inputs, long pathRows, long seriesRows) => Manifest.Write(json =>
    {
        var plan = result.Plan;
        var shard = plan.Shard ?? throw new ArgumentException("the plan is not a shard's", nameof(result));
        var slice = plan.Slice!;
        json.WriteNumber("manifest_version", Manifest.SchemaVersion);
        json.WriteString("kind", Kind);
        json.WriteStartObject("shard");
        json.WriteNumber("index", shard.Index);
        json.WriteNumber("count", shard.Count);
        json.WriteNumber("block_paths", ShardSlice.BlockPaths);
        json.WriteString("slice", SliceDefinition);
        json.WriteEndObject();
        Manifest.WriteStudy(json, plan);

        json.WriteStartArray("runs");
        for (int i = 0; i < plan.Runs.Count; i++)
        {
            var run = plan.Runs[i];
            json.WriteStartObject();
            Manifest.WriteRun(json, run, plan.Study.Seed);
            json.WriteNumber("first_block", slice.FirstBlock(i));
            json.WriteNumber("blocks", slice.Blocks(i));
            json.WriteNumber("simulated_paths", run.SimulatedPaths);
            json.WriteNumber("wall_seconds", Math.Round(result.Timings[i].Wall.TotalSeconds, 3));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        Manifest.WriteInputs(json, inputs);
        Manifest.WriteTiming(json, result.Started, result.Finished, plan.SimulatedPathDays, result.PathDaysPerSecond);
        Manifest.WriteMachine(json, EngineInfo.Machine());

        json.WriteStartObject("files");
        WriteFile(json, "paths", ShardFolder.PathsPart(shard.Index), pathRows);
        WriteFile(json, "series", ShardFolder.SeriesPart(shard.Index), seriesRows);
        json.WriteEndObject();

        json.WriteStartObject("columns");
        var first = plan.Runs[0].Simulation;
        Manifest.WriteColumns(json, "paths", first.PathColumns);
        Manifest.WriteColumns(json, "series", first.SeriesVariables);
        json.WriteEndObject();
    });

    /// <summary>Reads a shard manifest; anything missing or mistyped is an <see cref="InputException"/> naming the file and key.</summary>
    public static ShardRecord Read(string file)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(file));
        }
        catch (JsonException e)
        {
            throw new InputException($"not valid JSON: {e.Message}", file: file, line: (int?)e.LineNumber + 1);
        }

        using (document)
        {
            var json = new Fields(document.RootElement, file);
            if (json.String("kind") != Kind)
            {
                throw new InputException($"not a shard manifest (kind is not \"{Kind}\")", file: file, key: "kind");
            }

            var engine = json.Object("engine");
            var study = json.Object("study");
            var shard = json.Object("shard");
            var files = json.Object("files");
            var paths = files.Object("paths");
            var series = files.Object("series");
            var identity = new ShardIdentity(
                engine.String("version"),
                engine.String("git_commit"),
                engine.Boolean("git_dirty"),
                study.String("sha256"),
                json.UInt64("seed"),
                json.Integer("paths", 1, long.MaxValue),
                (int)json.Integer("series_paths", 0, int.MaxValue),
                (int)shard.Integer("count", 1, ShardSpec.MaxCount),
                (int)shard.Integer("block_paths", 1, int.MaxValue),
                [.. json.Array("inputs").Select(i => new InputFile(i.String("file"), i.String("sha256")))]);
            int count = identity.Count;
            return new ShardRecord(
                file,
                (int)shard.Integer("index", 0, count - 1),
                identity,
                study.String("name"),
                study.String("file"),
                study.String("text"),
                [.. json.Array("runs").Select(r => new ShardRunRecord(
                    r.String("scenario"),
                    r.String("param_set"),
                    r.Integer("paths", 1, int.MaxValue),
                    (int)r.Integer("steps", 0, int.MaxValue),
                    r.Integer("simulated_paths", 0, int.MaxValue),
                    r.Double("wall_seconds")))],
                json.Time("started_utc"),
                json.Time("finished_utc"),
                json.Double("wall_seconds"),
                json.Integer("path_days", 0, long.MaxValue),
                json.Object("machine").Strings(),
                paths.String("file"),
                paths.Integer("rows", 0, long.MaxValue),
                series.String("file"),
                series.Integer("rows", 0, long.MaxValue));
        }
    }

    private static void WriteFile(Utf8JsonWriter json, string name, string file, long rows)
    {
        json.WriteStartObject(name);
        json.WriteString("file", file);
        json.WriteNumber("rows", rows);
        json.WriteEndObject();
    }

    /// <summary>Typed access to a JSON object whose errors name the manifest and the key path.</summary>
    private readonly struct Fields(JsonElement element, string file, string path = "")
    {
        public Fields Object(string key)
        {
            var at = Get(key, JsonValueKind.Object, out var value);
            return new Fields(value, file, at);
        }

        public IEnumerable<Fields> Array(string key)
        {
            var at = Get(key, JsonValueKind.Array, out var value);
            var items = new List<Fields>();
            foreach (var item in value.EnumerateArray())
            {
                items.Add(new Fields(item, file, $"{at}[{items.Count}]"));
            }

            return items;
        }

        public string String(string key)
        {
            Get(key, JsonValueKind.String, out var value);
            return value.GetString()!;
        }

        public bool Boolean(string key)
        {
            var at = Get(key, null, out var value);
            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new InputException("expected true or false", file: file, key: at),
            };
        }

        public long Integer(string key, long min, long max)
        {
            var at = Get(key, JsonValueKind.Number, out var value);
            return value.TryGetInt64(out long integer) && integer >= min && integer <= max
                ? integer
                : throw new InputException($"expected an integer from {min} to {max}", file: file, key: at);
        }

        public ulong UInt64(string key)
        {
            var at = Get(key, JsonValueKind.Number, out var value);
            return value.TryGetUInt64(out ulong integer) ? integer : throw new InputException("expected an unsigned 64-bit integer", file: file, key: at);
        }

        public double Double(string key)
        {
            Get(key, JsonValueKind.Number, out var value);
            return value.GetDouble();
        }

        public DateTimeOffset Time(string key)
        {
            var text = String(key);
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
                ? time
                : throw new InputException($"expected a UTC time, not \"{text}\"", file: file, key: Key(key));
        }

        public IReadOnlyDictionary<string, string> Strings() =>
            element.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString(), StringComparer.Ordinal);

        private string Key(string key) => path.Length == 0 ? key : $"{path}.{key}";

        private string Get(string key, JsonValueKind? kind, out JsonElement value)
        {
            var at = Key(key);
            if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(key, out value))
            {
                throw new InputException("missing", file: file, key: at);
            }

            if (kind is { } expected && value.ValueKind != expected)
            {
                throw new InputException($"expected a JSON {expected.ToString().ToLowerInvariant()}", file: file, key: at);
            }

            return at;
        }
    }
}

/// <summary>
/// What shards must share to be merged: the same engine build, the same study text and
/// resolved seed and path count, the same shard count and block size, and the same input data.
/// </summary>
public sealed record ShardIdentity(
    string EngineVersion,
    string EngineCommit,
    bool EngineDirty,
    string StudySha256,
    ulong Seed,
    long Paths,
    int SeriesPaths,
    int Count,
    int BlockPaths,
    IReadOnlyList<InputFile> Inputs)
{
    /// <summary>The identity of a shard plan about to run.</summary>
    public static ShardIdentity Of(RunPlan plan, IReadOnlyList<InputFile> inputs) => new(
        EngineInfo.Version,
        EngineInfo.GitCommit,
        EngineInfo.GitDirty,
        Manifest.StudySha256(plan.Study),
        plan.Study.Seed,
        plan.Study.Paths,
        plan.Study.SeriesPaths,
        plan.Shard?.Count ?? throw new ArgumentException("the plan is not a shard's", nameof(plan)),
        ShardSlice.BlockPaths,
        inputs);

    /// <summary>
    /// The first way <paramref name="other"/> differs from this, as "what: this value vs other value",
    /// or null when they match. <paramref name="withInputs"/> false skips the input data (a shard that
    /// has not run yet may not know every file its model reads).
    /// </summary>
    public string? Difference(ShardIdentity other, bool withInputs = true)
    {
        var mine = Fields(this);
        var theirs = Fields(other);
        for (int i = 0; i < mine.Count; i++)
        {
            if (mine[i].Value != theirs[i].Value)
            {
                return $"{mine[i].What}: {mine[i].Value} vs {theirs[i].Value}";
            }
        }

        return withInputs ? InputDifference(Inputs, other.Inputs) : null;
    }

    /// <summary>The first input file that one side lacks or has with other bytes.</summary>
    public static string? InputDifference(IReadOnlyList<InputFile> mine, IReadOnlyList<InputFile> theirs)
    {
        var other = theirs.ToDictionary(i => i.Name, i => i.Sha256, StringComparer.Ordinal);
        foreach (var input in mine)
        {
            if (!other.TryGetValue(input.Name, out var sha))
            {
                return $"input data: {input.Name} is used by one and not the other";
            }

            if (sha != input.Sha256)
            {
                return $"input data: {input.Name} sha256 {input.Sha256} vs {sha}";
            }
        }

        var missing = theirs.FirstOrDefault(i => mine.All(m => m.Name != i.Name));
        return missing is null ? null : $"input data: {missing.Name} is used by one and not the other";
    }

    private static List<(string What, string Value)> Fields(ShardIdentity id) =>
    [
        ("engine version", id.EngineVersion),
        ("engine commit", id.EngineCommit + (id.EngineDirty ? " (modified)" : string.Empty)),
        ("study (SHA-256 of its text)", id.StudySha256),
        ("seed", id.Seed.ToString(CultureInfo.InvariantCulture)),
        ("paths", id.Paths.ToString(CultureInfo.InvariantCulture)),
        ("series_paths", id.SeriesPaths.ToString(CultureInfo.InvariantCulture)),
        ("shard count", id.Count.ToString(CultureInfo.InvariantCulture)),
        ("block size", id.BlockPaths.ToString(CultureInfo.InvariantCulture)),
    ];
}

/// <summary>A shard manifest as read back.</summary>
public sealed record ShardRecord(
    string File,
    int Index,
    ShardIdentity Identity,
    string StudyName,
    string StudyFile,
    string StudyText,
    IReadOnlyList<ShardRunRecord> Runs,
    DateTimeOffset Started,
    DateTimeOffset Finished,
    double WallSeconds,
    long PathDays,
    IReadOnlyDictionary<string, string> Machine,
    string PathsFile,
    long PathRows,
    string SeriesFile,
    long SeriesRows)
{
    public int Count => Identity.Count;

    public int BlockPaths => Identity.BlockPaths;
}

/// <summary>One run as a shard manifest records it.</summary>
public sealed record ShardRunRecord(string Scenario, string ParameterSet, long Paths, int Steps, long SimulatedPaths, double WallSeconds);
