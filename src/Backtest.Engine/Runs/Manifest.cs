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

    public static string Build(RunResult result, DataAccess data)
    {
        var plan = result.Plan;
        var study = plan.Study;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("manifest_version", SchemaVersion);

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
            json.WriteString("sha256", DataFiles.Sha256(Encoding.UTF8.GetBytes(study.SourceText)));
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

            json.WriteStartArray("runs");
            for (int i = 0; i < plan.Runs.Count; i++)
            {
                var run = plan.Runs[i];
                json.WriteStartObject();
                json.WriteString("scenario", run.Scenario.Name);
                json.WriteString("param_set", run.ParameterSet.Name);
                json.WriteNumber("scenario_index", run.Scenario.Index);
                json.WriteNumber("param_set_index", run.ParameterSet.Index);

                // The run's Philox key, from (seed, scenario, parameter set): enough to re-draw any of its paths alone.
                var stream = RandomStream.Create(study.Seed, run.Scenario.Index, run.ParameterSet.Index);
                json.WriteString("philox_key", $"{stream.Key0:x8}{stream.Key1:x8}");
                json.WriteNumber("paths", run.Simulation.Paths);
                json.WriteNumber("steps", run.Simulation.Steps);
                if (run.Simulation.StepDates is { Count: > 0 } dates)
                {
                    json.WriteString("first_date", dates[0].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                    json.WriteString("last_date", dates[^1].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                }

                json.WriteNumber("wall_seconds", Math.Round(result.Timings[i].Wall.TotalSeconds, 3));
                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteStartArray("inputs");
            foreach (var (name, path) in data.Used)
            {
                json.WriteStartObject();
                // The file as the repository names it (docs/reports.md), whatever folder it was read from.
                json.WriteString("file", $"data/{name}");
                json.WriteString("sha256", DataFiles.Sha256(path));
                json.WriteEndObject();
            }

            json.WriteEndArray();

            json.WriteString("started_utc", result.Started.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            json.WriteString("finished_utc", result.Finished.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            json.WriteNumber("wall_seconds", Math.Round(result.Wall.TotalSeconds, 3));
            json.WriteNumber("path_days", plan.TotalPathDays);
            json.WriteNumber("path_days_per_second", Math.Round(result.PathDaysPerSecond));

            json.WriteStartObject("machine");
            foreach (var (key, value) in EngineInfo.Machine())
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();

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

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteValues(Utf8JsonWriter json, string name, IEnumerable<KeyValuePair<string, string>> values)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in values)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
    }

    private static void WriteColumns(Utf8JsonWriter json, string name, IEnumerable<ColumnSpec> columns)
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
