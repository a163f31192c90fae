using System.Globalization;
using System.Text;
using System.Text.Json;
using Backtest.Engine.Models;
using Backtest.IO.Tables;
using Backtest.Market.Data;
using Backtest.Numerics.Random;

namespace Backtest.Engine.Runs;

/// <summary>
/// <c>manifest.json</c>: how a run folder was made — engine and commit, the study as written and
/// as resolved, seeds, scenarios, parameter sets, runs, input data hashes, timing, machine and
/// the meaning of every output column. Keys are snake_case and written in a fixed order.
/// </summary>
public static class Manifest
{
    public const int SchemaVersion = 1;

    /// <summary>The manifest of a run folder: a whole run's, or a merge of shards (with a <c>shards</c> section).</summary>
    public static string Build(RunResult result, IReadOnlyList<InputFile> inputs) => Write(json =>
    {
        var plan = result.Plan;
        json.WriteNumber("manifest_version", SchemaVersion);
        WriteStudy(json, plan);
        json.WriteStartArray("runs");
        for (int i = 0; i < plan.Runs.Count; i++)
        {
            json.WriteStartObject();
            WriteRun(json, plan.Runs[i], plan.Study.Seed);
            json.WriteNumber("wall_seconds", Math.Round(result.Timings[i].Wall.TotalSeconds, 3));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        WriteInputs(json, inputs);
        WriteTiming(json, result.Started, result.Finished, plan.TotalPathDays, result.PathDaysPerSecond);
        WriteMachine(json, EngineInfo.Machine());
        if (result.Shards.Count > 0)
        {
            WriteShards(json, result.Shards);
        }

        json.WriteStartObject("files");
        json.WriteString("paths", "paths.parquet");
        json.WriteString("summary", "summary.parquet");
        json.WriteString("series", "series.parquet");
        json.WriteString("report", "report/index.html");
        json.WriteEndObject();

        json.WriteStartObject("columns");
        var first = plan.Runs[0].Simulation;
        WriteColumns(json, "paths", first.PathColumns);
        WriteColumns(json, "series", first.SeriesVariables);
        json.WriteEndObject();
    });

    /// <summary>
    /// The input data files a run read, with their SHA-256, each named as the repository names it
    /// (<c>data/FILE</c>, docs/reports.md) whatever folder it was read from.
    /// </summary>
    public static IReadOnlyList<InputFile> Inputs(DataAccess data) =>
        [.. data.Used.Select(kv => new InputFile($"data/{kv.Key}", DataFiles.Sha256(kv.Value)))];

    /// <summary>Indented JSON from a writer callback, as one object.</summary>
    internal static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps the study text readable (quotes and apostrophes as they are); the manifest is a file, never embedded in HTML.
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Engine, study, seed, paths, threads, series paths, scenarios, swept parameters and parameter sets.</summary>
    internal static void WriteStudy(Utf8JsonWriter json, RunPlan plan)
    {
        var study = plan.Study;
        json.WriteStartObject("engine");
        json.WriteString("name", "backtest");
        json.WriteString("version", EngineInfo.Version);
        json.WriteString("git_commit", EngineInfo.GitCommit);
        json.WriteBoolean("git_dirty", EngineInfo.GitDirty);
        json.WriteEndObject();

        json.WriteStartObject("study");
        json.WriteString("name", study.Name);
        json.WriteString("description", study.Description);
        json.WriteString("file", study.File);
        json.WriteString("sha256", StudySha256(study));
        json.WriteString("model", study.Model.Name);
        json.WriteString("text", study.SourceText);
        json.WriteEndObject();

        json.WriteNumber("seed", study.Seed);
        json.WriteNumber("paths", study.Paths);
        json.WriteNumber("threads", Scheduling.BatchScheduler.ResolveThreads(study.Threads));
        json.WriteNumber("series_paths", study.SeriesPaths);

        json.WriteStartArray("scenarios");
        foreach (var scenario in study.Scenarios)
        {
            json.WriteStartObject();
            json.WriteNumber("index", scenario.Index);
            json.WriteString("name", scenario.Name);
            json.WriteString("kind", scenario.Kind.Name);
            WriteValues(json, "settings", scenario.Settings.Formatted());
            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("swept_parameters");
        foreach (var name in study.SweptParameters)
        {
            json.WriteStringValue(name);
        }

        json.WriteEndArray();

        json.WriteStartArray("parameter_sets");
        foreach (var set in study.ParameterSets)
        {
            json.WriteStartObject();
            json.WriteNumber("index", set.Index);
            json.WriteString("name", set.Name);
            WriteValues(json, "values", set.Values.Formatted());
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>The SHA-256 of the study's text as written (UTF-8).</summary>
    public static string StudySha256(Studies.Study study) => DataFiles.Sha256(Encoding.UTF8.GetBytes(study.SourceText));

    /// <summary>A run's identity and size (inside its object).</summary>
    internal static void WriteRun(Utf8JsonWriter json, PlannedRun run, ulong seed)
    {
        json.WriteString("scenario", run.Scenario.Name);
        json.WriteString("param_set", run.ParameterSet.Name);
        json.WriteNumber("scenario_index", run.Scenario.Index);
        json.WriteNumber("param_set_index", run.ParameterSet.Index);

        // The run's Philox key, from (seed, scenario, parameter set): enough to re-draw any of its paths alone.
        var stream = RandomStream.Create(seed, run.Scenario.Index, run.ParameterSet.Index);
        json.WriteString("philox_key", $"{stream.Key0:x8}{stream.Key1:x8}");
        json.WriteNumber("paths", run.Simulation.Paths);
        json.WriteNumber("steps", run.Simulation.Steps);
        if (run.Simulation.StepDates is { Count: > 0 } dates)
        {
            json.WriteString("first_date", dates[0].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            json.WriteString("last_date", dates[^1].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }
    }

    internal static void WriteInputs(Utf8JsonWriter json, IReadOnlyList<InputFile> inputs)
    {
        json.WriteStartArray("inputs");
        foreach (var input in inputs)
        {
            json.WriteStartObject();
            json.WriteString("file", input.Name);
            json.WriteString("sha256", input.Sha256);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    internal static void WriteTiming(Utf8JsonWriter json, DateTimeOffset started, DateTimeOffset finished, long pathDays, double pathDaysPerSecond)
    {
        json.WriteString("started_utc", Timestamp(started));
        json.WriteString("finished_utc", Timestamp(finished));
        json.WriteNumber("wall_seconds", Math.Round((finished - started).TotalSeconds, 3));
        json.WriteNumber("path_days", pathDays);
        json.WriteNumber("path_days_per_second", Math.Round(pathDaysPerSecond));
    }

    internal static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    internal static void WriteMachine(Utf8JsonWriter json, IReadOnlyDictionary<string, string> machine) => WriteValues(json, "machine", machine);

    /// <summary>The shards a merged run folder came from: their count, block size and where and when each ran.</summary>
    private static void WriteShards(Utf8JsonWriter json, IReadOnlyList<ShardRecord> shards)
    {
        json.WriteStartObject("shards");
        json.WriteNumber("count", shards.Count);
        json.WriteNumber("block_paths", shards[0].BlockPaths);
        json.WriteString("slice", ShardManifest.SliceDefinition);
        json.WriteStartArray("list");
        foreach (var shard in shards)
        {
            json.WriteStartObject();
            json.WriteNumber("index", shard.Index);
            json.WriteString("started_utc", Timestamp(shard.Started));
            json.WriteString("finished_utc", Timestamp(shard.Finished));
            json.WriteNumber("wall_seconds", shard.WallSeconds);
            json.WriteNumber("path_days", shard.PathDays);
            WriteMachine(json, shard.Machine);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    internal static void WriteValues(Utf8JsonWriter json, string name, IEnumerable<KeyValuePair<string, string>> values)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in values)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
    }

    internal static void WriteColumns(Utf8JsonWriter json, string name, IEnumerable<ColumnSpec> columns)
    {
        json.WriteStartArray(name);
        foreach (var c in columns)
        {
            json.WriteStartObject();
            json.WriteString("name", c.Name);
            json.WriteString("kind", c.Kind.ToString());
            json.WriteString("description", c.Description);
            if (c.Unit is not null)
            {
                json.WriteString("unit", c.Unit);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}

/// <summary>An input data file a run read: its name in the data folder and the SHA-256 of its bytes.</summary>
public sealed record InputFile(string Name, string Sha256);
