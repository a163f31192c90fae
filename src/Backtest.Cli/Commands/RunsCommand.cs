using System.CommandLine;
using System.Globalization;
using Backtest.Cli.Bench;
using Backtest.Engine.Catalog;

namespace Backtest.Cli.Commands;

/// <summary>
/// <c>backtest runs list | compare | add | bench</c>: the run catalogue (runs/catalog.db by
/// default) — catalogued runs newest first, two runs side by side, cataloguing existing run
/// folders, and the history of benchmark sessions.
/// </summary>
internal static class RunsCommand
{
    public static Command Create(TextWriter stdout)
    {
        var command = new Command("runs", "List, compare and add runs in the run catalogue; show benchmark history.");
        command.Add(List(stdout));
        command.Add(Compare(stdout));
        command.Add(Add(stdout));
        command.Add(Bench(stdout));
        return command;
    }

    private static Option<string?> CatalogOption() =>
        new("--catalog") { Description = $"Run catalogue (SQLite). Default: ${RunCatalog.EnvironmentVariable} or {RunCatalog.DefaultPath}." };

    private static Option<int> LimitOption(int byDefault) =>
        new("--limit") { Description = $"Show at most this many rows (default {byDefault}).", DefaultValueFactory = _ => byDefault };

    private static int Limit(ParseResult parse, Option<int> limit) =>
        parse.GetValue(limit) is var n and >= 1 ? n : throw new InputException("must be at least 1", key: "--limit");

    private static RunCatalog OpenExisting(string? option)
    {
        var path = RunCatalog.Locate(option);
        if (!File.Exists(path))
        {
            throw new InputException("no run catalogue here yet (backtest run and backtest bench create it)", file: Path.GetFullPath(path));
        }

        return RunCatalog.Open(path);
    }

    private static Command List(TextWriter stdout)
    {
        var study = new Option<string?>("--study") { Description = "Only runs of this study." };
        var limit = LimitOption(20);
        var catalog = CatalogOption();
        var command = new Command("list", "Catalogued runs, newest first.") { study, limit, catalog };
        command.SetAction(parse =>
        {
            int n = Limit(parse, limit);
            using var opened = OpenExisting(parse.GetValue(catalog));
            var runs = opened.ListRuns(parse.GetValue(study), n);
            var table = new ConsoleTable(("id", true), ("study", false), ("started (UTC)", false), ("wall s", true), ("path-days/s", true), ("commit", false), ("folder", false));
            foreach (var run in runs)
            {
                table.Add(run.Id.ToString(CultureInfo.InvariantCulture), run.Study, Time(run.Started), Number(run.WallSeconds, "F1"), Number(run.PathDaysPerSecond, "N0"),
                    Commit(run.GitCommit, run.GitDirty), Folder(run.Folder, run.FolderState));
            }

            if (table.RowCount == 0)
            {
                stdout.WriteLine(parse.GetValue(study) is { } name ? $"no catalogued runs of study {name}" : "no catalogued runs");
            }
            else
            {
                table.Write(stdout);
            }

            return BacktestCli.Ok;
        });
        return command;
    }

    private static Command Compare(TextWriter stdout)
    {
        var first = new Argument<string>("A") { Description = "A catalogue id or a run folder." };
        var second = new Argument<string>("B") { Description = "A catalogue id or a run folder." };
        var catalog = CatalogOption();
        var command = new Command("compare", "Two runs side by side: identity, parameters and headline metrics, with differences.") { first, second, catalog };
        command.SetAction(parse =>
        {
            var a = Resolve(parse.GetValue(first)!, parse.GetValue(catalog));
            var b = Resolve(parse.GetValue(second)!, parse.GetValue(catalog));
            PrintComparison(stdout, a, b);
            return BacktestCli.Ok;
        });
        return command;
    }

    private static Command Add(TextWriter stdout)
    {
        var folders = new Argument<string[]>("FOLDER") { Description = "Run folders to catalogue.", Arity = ArgumentArity.OneOrMore };
        var catalog = CatalogOption();
        var command = new Command("add", "Catalogue existing run folders (e.g. after a catalogue could not be updated).") { folders, catalog };
        command.SetAction(parse =>
        {
            var records = parse.GetValue(folders)!.Select(RunRecord.FromFolder).ToList();
            using var opened = RunCatalog.Open(RunCatalog.Locate(parse.GetValue(catalog)));
            foreach (var record in records)
            {
                if (opened.FindRunByFolder(record.Folder) is { } known && opened.GetRun(known)!.Started == record.Started)
                {
                    stdout.WriteLine($"{record.Folder}: already catalogued as run {known}");
                    continue;
                }

                stdout.WriteLine($"{record.Folder}: catalogued as run {opened.RecordRun(record)}");
            }

            return BacktestCli.Ok;
        });
        return command;
    }

    private static Command Bench(TextWriter stdout)
    {
        var benchmark = new Option<string?>("--benchmark") { Description = "Only benchmarks whose id contains this text (case-insensitive)." };
        var limit = LimitOption(50);
        var catalog = CatalogOption();
        var command = new Command("bench", "Benchmark results of past backtest bench sessions, newest first.") { benchmark, limit, catalog };
        command.SetAction(parse =>
        {
            int n = Limit(parse, limit);
            using var opened = OpenExisting(parse.GetValue(catalog));
            var table = new ConsoleTable(("session", true), ("started (UTC)", false), ("commit", false), ("benchmark", false), ("throughput", true), ("per CPU-s", true), ("CPU ratio", true), ("verdict", false));
            foreach (var e in opened.BenchHistory(parse.GetValue(benchmark), n))
            {
                table.Add(e.SessionId.ToString(CultureInfo.InvariantCulture), Time(e.Started), Commit(e.GitCommit, e.GitDirty), e.Benchmark,
                    e.Throughput is { } t ? BenchmarkCase.FormatThroughput(t, e.Unit) : "-", e.CpuThroughput is { } c ? BenchmarkCase.FormatThroughput(c, e.Unit) : "-",
                    e.CpuRatio is { } r ? Number(r, "F3") : "-", e.Verdict);
            }

            if (table.RowCount == 0)
            {
                stdout.WriteLine("no catalogued benchmark results");
            }
            else
            {
                table.Write(stdout);
            }

            return BacktestCli.Ok;
        });
        return command;
    }

    /// <summary>A catalogue id (digits, and no folder of that name) or a run folder.</summary>
    private static RunRecord Resolve(string reference, string? catalogOption)
    {
        if (!Directory.Exists(reference) && long.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out long id))
        {
            using var catalog = OpenExisting(catalogOption);
            return catalog.GetRun(id) ?? throw new InputException($"no run {id} in the run catalogue", file: catalog.Path);
        }

        if (!Directory.Exists(reference))
        {
            throw new InputException("neither a catalogue id nor a run folder", file: reference);
        }

        return RunRecord.FromFolder(reference);
    }

    internal static void PrintComparison(TextWriter output, RunRecord a, RunRecord b)
    {
        output.WriteLine($"A: {Describe(a)}");
        output.WriteLine($"B: {Describe(b)}");
        output.WriteLine();

        var identity = new ConsoleTable(("", false), ("A", false), ("B", false), ("", false));
        void Row(string name, string x, string y) => identity.Add(name, x, y, x == y ? string.Empty : "differs");
        Row("study", a.Study, b.Study);
        Row("model", a.Model, b.Model);
        Row("study sha256", a.StudySha256[..16], b.StudySha256[..16]);
        Row("parameters sha256", a.ParametersSha256[..16], b.ParametersSha256[..16]);
        Row("commit", Commit(a.GitCommit, a.GitDirty), Commit(b.GitCommit, b.GitDirty));
        Row("engine", a.EngineVersion, b.EngineVersion);
        Row("seed", a.Seed.ToString(CultureInfo.InvariantCulture), b.Seed.ToString(CultureInfo.InvariantCulture));
        Row("paths", a.Paths.ToString(CultureInfo.InvariantCulture), b.Paths.ToString(CultureInfo.InvariantCulture));
        identity.Add("wall s", Number(a.WallSeconds, "F1"), Number(b.WallSeconds, "F1"), Ratio(b.WallSeconds, a.WallSeconds));
        identity.Add("path-days/s", Number(a.PathDaysPerSecond, "N0"), Number(b.PathDaysPerSecond, "N0"), Ratio(b.PathDaysPerSecond, a.PathDaysPerSecond));
        identity.Write(output);

        output.WriteLine();
        output.WriteLine("parameters");
        var parameters = new ConsoleTable(("param_set", false), ("parameter", false), ("A", false), ("B", false), ("", false));
        var pa = a.Parameters.ToDictionary(p => (p.ParameterSet, p.Name), p => p.Value);
        var pb = b.Parameters.ToDictionary(p => (p.ParameterSet, p.Name), p => p.Value);
        foreach (var key in a.Parameters.Select(p => (p.ParameterSet, p.Name)).Concat(b.Parameters.Select(p => (p.ParameterSet, p.Name))).Distinct())
        {
            var x = pa.GetValueOrDefault(key, "-");
            var y = pb.GetValueOrDefault(key, "-");
            parameters.Add(key.ParameterSet, key.Name, x, y, x == y ? string.Empty : "differs");
        }

        parameters.Write(output);

        output.WriteLine();
        output.WriteLine("headline metrics (summary columns per scenario and parameter set)");
        var metrics = new ConsoleTable(("scenario/param_set", false), ("metric", false), ("A", true), ("B", true), ("B − A", true), ("B / A − 1", true));
        var ma = a.Metrics.ToDictionary(m => m.Key, m => m.Value);
        var mb = b.Metrics.ToDictionary(m => m.Key, m => m.Value);
        foreach (var metric in a.Metrics.Concat(b.Metrics).DistinctBy(m => m.Key))
        {
            double? x = ma.TryGetValue(metric.Key, out var va) ? va : null;
            double? y = mb.TryGetValue(metric.Key, out var vb) ? vb : null;
            var where = $"{metric.Scenario}/{metric.ParameterSet}{(metric.Label.Length > 0 ? " " + metric.Label : metric.Row > 0 ? $" #{metric.Row}" : string.Empty)}";
            metrics.Add(where, metric.Name, Value(x), Value(y),
                x is { } p && y is { } q ? Value(q - p) : "-",
                x is { } r && y is { } s && r != 0 ? (s / r - 1).ToString("+0.00%;-0.00%;0.00%", CultureInfo.InvariantCulture) : "-");
        }

        metrics.Write(output);
    }

    private static string Describe(RunRecord run) =>
        $"{(run.Id is { } id ? $"run {id}" : "folder")} — {run.Study}, started {Time(run.Started)}, commit {Commit(run.GitCommit, run.GitDirty)}, {run.Folder}";

    private static string Value(double? value) => value is { } v ? v.ToString("G6", CultureInfo.InvariantCulture) : "-";

    private static string Ratio(double x, double y) => y == 0 ? string.Empty : $"B/A {(x / y).ToString("F2", CultureInfo.InvariantCulture)}";

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Commit(string commit, bool dirty) => (commit.Length > 12 ? commit[..12] : commit) + (dirty ? "+dirty" : string.Empty);

    private static string Folder(string folder, FolderState state)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), folder);
        var shown = relative.StartsWith("..", StringComparison.Ordinal) ? folder : relative;
        return state switch
        {
            FolderState.Present => shown,
            FolderState.Replaced => $"{shown} (replaced by a later run)",
            _ => $"{shown} (gone)",
        };
    }
}
