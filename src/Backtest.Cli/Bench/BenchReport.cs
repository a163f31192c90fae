using System.Globalization;
using System.Text.Json;
using Backtest.Engine.Catalog;
using Backtest.Engine.Runs;
using Backtest.IO.Parquet;

namespace Backtest.Cli.Bench;

/// <summary>A finished bench session: the builds, the settings and every benchmark's result.</summary>
internal sealed record BenchOutcome(
    DateTimeOffset Started,
    DateTimeOffset Finished,
    BenchSide Current,
    BenchSide? Baseline,
    string? BaselineRef,
    int Rounds,
    IReadOnlyList<BenchResult> Results)
{
    public bool Passed => !Results.Any(r => RegressionRule.Fails(r.Verdict));

    /// <summary>The results in the catalogue's form.</summary>
    public IReadOnlyList<BenchEntry> Entries() =>
        Results.Select(r => new BenchEntry(r.Id, r.Tracked, r.Unit, RegressionRule.Name(r.Verdict), Figures(r.Current), Figures(r.Baseline),
            r.CpuRatio?.Median, r.CpuRatio?.Lower, r.CpuRatio?.Upper, r.WallRatio?.Median, r.Error)).ToList();

    public BenchSessionRecord Record(string outputFolder) =>
        new(Started, Finished, Current.Commit, Current.Dirty, BaselineRef, Baseline?.Commit, Rounds, JsonSerializer.Serialize(EngineInfo.Machine()), outputFolder, Passed, Entries());

    private static BenchFigures? Figures(SideFigures? f)
    {
        if (f is null)
        {
            return null;
        }

        var wall = f.WallPerOperation;
        return new BenchFigures(wall.Median, wall.LowerQuartile, wall.UpperQuartile, wall.MedianAbsoluteDeviation, f.CpuPerOperation.Median,
            f.Iterations.Count, f.InvokesPerIteration, f.Case.OperationsPerInvoke, f.Throughput, f.CpuThroughput);
    }
}

/// <summary>Writes a bench session as a table for people, <c>bench.json</c> and <c>bench.parquet</c>.</summary>
internal static class BenchReport
{
    public const string JsonFile = "bench.json";
    public const string ParquetFile = "bench.parquet";

    public static void PrintTable(TextWriter output, BenchOutcome outcome)
    {
        bool paired = outcome.Baseline is not null;
        var table = paired
            ? new ConsoleTable(("benchmark", false), ("baseline per CPU-s", true), ("current per CPU-s", true), ("CPU ratio", true), ("95% interval", true), ("wall ratio", true), ("verdict", false))
            : new ConsoleTable(("benchmark", false), ("throughput", true), ("per CPU-second", true), ("ns/op median", true), ("quartiles", true), ("MAD", true), ("iterations", true));
        foreach (var r in outcome.Results)
        {
            string Throughput(SideFigures? f) => f is null ? "-" : BenchmarkCase.FormatThroughput(f.Throughput, r.Unit);
            string PerCpu(SideFigures? f) => f is null ? "-" : BenchmarkCase.FormatThroughput(f.CpuThroughput, r.Unit);
            var name = r.Tracked ? r.Id : r.Id + " (untracked)";
            if (paired)
            {
                table.Add(name, PerCpu(r.Baseline), PerCpu(r.Current),
                    r.CpuRatio is { } x ? Number(x.Median, "F3") : "-",
                    r.CpuRatio is { } y ? $"[{Number(y.Lower, "F3")}, {Number(y.Upper, "F3")}]" : "-",
                    r.WallRatio is { } z ? Number(z.Median, "F3") : "-",
                    RegressionRule.Text(r.Verdict));
            }
            else
            {
                var ns = r.Current?.WallPerOperation;
                table.Add(name, Throughput(r.Current), PerCpu(r.Current), ns is null ? "-" : Number(ns.Median, "G4"),
                    ns is null ? "-" : $"{Number(ns.LowerQuartile, "G4")} – {Number(ns.UpperQuartile, "G4")}",
                    ns is null ? "-" : Number(ns.MedianAbsoluteDeviation, "G3"),
                    r.Current is null ? RegressionRule.Text(r.Verdict) : $"{ns!.Count} × {r.Current.InvokesPerIteration}");
            }
        }

        table.Write(output);
    }

    public static void WriteJson(string path, BenchOutcome outcome)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("started_utc", Time(outcome.Started));
        json.WriteString("finished_utc", Time(outcome.Finished));
        json.WriteNumber("rounds", outcome.Rounds);
        Side(json, "current", outcome.Current);
        if (outcome.Baseline is { } baseline)
        {
            Side(json, "baseline", baseline);
            json.WriteString("baseline_ref", outcome.BaselineRef);
            json.WriteString("rule", RegressionRule.Statement(outcome.Rounds));
            json.WriteBoolean("passed", outcome.Passed);
        }

        json.WriteStartObject("machine");
        foreach (var (key, value) in EngineInfo.Machine())
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
        json.WriteStartArray("benchmarks");
        foreach (var (result, entry) in outcome.Results.Zip(outcome.Entries()))
        {
            json.WriteStartObject();
            json.WriteString("name", result.Id);
            json.WriteBoolean("tracked", result.Tracked);
            json.WriteString("unit", result.Unit + "/s");
            json.WriteString("verdict", entry.Verdict);
            if (result.Error is not null)
            {
                json.WriteString("error", result.Error);
            }

            Figures(json, "current", result.Current);
            Figures(json, "baseline", result.Baseline);
            Ratio(json, "cpu_ratio", result.CpuRatio);
            Ratio(json, "wall_ratio", result.WallRatio);

            json.WriteNumber("wall_seconds", Math.Round(result.Wall.TotalSeconds, 3));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>One row per (benchmark, build): the figures flat, with the session's commit and machine on every row.</summary>
    public static void WriteParquet(string path, BenchOutcome outcome)
    {
        var rows = new List<(BenchEntry Entry, string Side, string Commit, bool Dirty, BenchFigures? Figures)>();
        foreach (var entry in outcome.Entries())
        {
            if (entry.Current is not null || entry.Baseline is null)
            {
                rows.Add((entry, "current", outcome.Current.Commit, outcome.Current.Dirty, entry.Current));
            }

            if (entry.Baseline is not null)
            {
                rows.Add((entry, "baseline", outcome.Baseline!.Commit, outcome.Baseline.Dirty, entry.Baseline));
            }
        }

        var schema = new ParquetSchema(
            ParquetColumn.String("benchmark"),
            ParquetColumn.String("side"),
            ParquetColumn.Boolean("tracked"),
            ParquetColumn.String("unit"),
            ParquetColumn.Double("throughput_per_s", nullable: true),
            ParquetColumn.Double("median_ns_per_op", nullable: true),
            ParquetColumn.Double("q1_ns_per_op", nullable: true),
            ParquetColumn.Double("q3_ns_per_op", nullable: true),
            ParquetColumn.Double("mad_ns_per_op", nullable: true),
            ParquetColumn.Double("median_cpu_ns_per_op", nullable: true),
            ParquetColumn.Double("throughput_per_cpu_s", nullable: true),
            ParquetColumn.Int64("iterations", nullable: true),
            ParquetColumn.Int64("invokes_per_iteration", nullable: true),
            ParquetColumn.Int64("ops_per_invoke", nullable: true),
            ParquetColumn.Double("cpu_ratio", nullable: true),
            ParquetColumn.Double("cpu_ratio_lower", nullable: true),
            ParquetColumn.Double("cpu_ratio_upper", nullable: true),
            ParquetColumn.Double("wall_ratio", nullable: true),
            ParquetColumn.String("verdict"),
            ParquetColumn.String("git_commit"),
            ParquetColumn.Boolean("git_dirty"),
            ParquetColumn.String("started_utc"),
            ParquetColumn.String("cpu"));
        using var writer = ParquetWriter.Create(path, schema);
        int column = 0;
        void Strings(Func<int, string> value) => writer.Append(column++, rows.Select((_, i) => (string?)value(i)).ToArray());
        void Booleans(Func<int, bool> value) => writer.Append(column++, rows.Select((_, i) => value(i)).ToArray());
        void Doubles(Func<int, double?> value)
        {
            var values = rows.Select((_, i) => value(i)).ToArray();
            writer.Append(column++, values.Select(v => v ?? 0).ToArray(), values.Select(v => v is null).ToArray());
        }

        void Longs(Func<int, long?> value)
        {
            var values = rows.Select((_, i) => value(i)).ToArray();
            writer.Append(column++, values.Select(v => v ?? 0).ToArray(), values.Select(v => v is null).ToArray());
        }

        var cpu = EngineInfo.Machine()["cpu"];
        Strings(i => rows[i].Entry.Benchmark);
        Strings(i => rows[i].Side);
        Booleans(i => rows[i].Entry.Tracked);
        Strings(i => rows[i].Entry.Unit + "/s");
        Doubles(i => rows[i].Figures?.Throughput);
        Doubles(i => rows[i].Figures?.MedianNsPerOperation);
        Doubles(i => rows[i].Figures?.LowerQuartileNsPerOperation);
        Doubles(i => rows[i].Figures?.UpperQuartileNsPerOperation);
        Doubles(i => rows[i].Figures?.MadNsPerOperation);
        Doubles(i => rows[i].Figures?.MedianCpuNsPerOperation);
        Doubles(i => rows[i].Figures?.CpuThroughput);
        Longs(i => rows[i].Figures?.Iterations);
        Longs(i => rows[i].Figures?.InvokesPerIteration);
        Longs(i => rows[i].Figures?.OperationsPerInvoke);
        Doubles(i => rows[i].Entry.CpuRatio);
        Doubles(i => rows[i].Entry.CpuRatioLower);
        Doubles(i => rows[i].Entry.CpuRatioUpper);
        Doubles(i => rows[i].Entry.WallRatio);
        Strings(i => rows[i].Entry.Verdict);
        Strings(i => rows[i].Commit);
        Booleans(i => rows[i].Dirty);
        Strings(_ => Time(outcome.Started));
        Strings(_ => cpu);
        writer.EndBatch();
        writer.Close();
    }

    private static void Side(Utf8JsonWriter json, string name, BenchSide side)
    {
        json.WriteStartObject(name);
        json.WriteString("git_commit", side.Commit);
        json.WriteBoolean("git_dirty", side.Dirty);
        json.WriteString("assembly", side.Assembly);
        json.WriteEndObject();
    }

    private static void Ratio(Utf8JsonWriter json, string name, RatioEstimate? ratio)
    {
        if (ratio is null)
        {
            return;
        }

        json.WriteStartObject(name);
        json.WriteNumber("median", ratio.Median);
        json.WriteNumber("lower", ratio.Lower);
        json.WriteNumber("upper", ratio.Upper);
        json.WriteNumber("coverage", ratio.Coverage);
        Numbers(json, "rounds", ratio.Rounds);
        json.WriteEndObject();
    }

    private static void Figures(Utf8JsonWriter json, string name, SideFigures? figures)
    {
        if (figures is null)
        {
            return;
        }

        var wall = figures.WallPerOperation;
        var cpu = figures.CpuPerOperation;
        json.WriteStartObject(name);
        json.WriteNumber("throughput_per_s", figures.Throughput);
        json.WriteNumber("throughput_per_cpu_s", figures.CpuThroughput);
        json.WriteNumber("median_ns_per_op", wall.Median);
        json.WriteNumber("q1_ns_per_op", wall.LowerQuartile);
        json.WriteNumber("q3_ns_per_op", wall.UpperQuartile);
        json.WriteNumber("mad_ns_per_op", wall.MedianAbsoluteDeviation);
        json.WriteNumber("median_cpu_ns_per_op", cpu.Median);
        json.WriteNumber("q1_cpu_ns_per_op", cpu.LowerQuartile);
        json.WriteNumber("q3_cpu_ns_per_op", cpu.UpperQuartile);
        json.WriteNumber("iterations", wall.Count);
        json.WriteNumber("invokes_per_iteration", figures.InvokesPerIteration);
        json.WriteNumber("ops_per_invoke", figures.Case.OperationsPerInvoke);
        json.WriteNumber("units_per_op", figures.Case.UnitsPerOperation);
        Numbers(json, "round_throughputs", figures.RoundWall);
        Numbers(json, "round_cpu_throughputs", figures.RoundCpu);
        json.WriteEndObject();
    }

    private static void Numbers(Utf8JsonWriter json, string name, IEnumerable<double> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteNumberValue(value);
        }

        json.WriteEndArray();
    }

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
