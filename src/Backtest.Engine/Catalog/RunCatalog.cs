using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Backtest.Engine.Catalog;

/// <summary>A catalogued run as listed: identity, timing and where its folder is.</summary>
public sealed record CatalogEntry(long Id, string Study, string Model, DateTimeOffset Started, double WallSeconds, double PathDaysPerSecond, string GitCommit, bool GitDirty, string Folder)
{
    /// <summary>Whether the folder still holds this run (see <see cref="RunCatalog.StateOf"/>).</summary>
    public FolderState FolderState => RunCatalog.StateOf(Folder, Started);
}

/// <summary>Whether a catalogued run's folder still holds that run.</summary>
public enum FolderState
{
    /// <summary>The folder's manifest has the catalogued start time: it is this run.</summary>
    Present,

    /// <summary>The folder holds a later run of the same output path (runs replace their folder).</summary>
    Replaced,

    /// <summary>No run folder there any more.</summary>
    Missing,
}

/// <summary>
/// An earlier run of a study for a report's history: when, which commit, where, whether the
/// folder still holds it, and the value of the headline metric asked for (null where that run
/// had no such metric).
/// </summary>
public sealed record EarlierRun(long Id, DateTimeOffset Started, string GitCommit, bool GitDirty, string Folder, FolderState FolderState, double? Headline)
{
    /// <summary>Paths per Monte Carlo run.</summary>
    public long Paths { get; init; }

    /// <summary>The run's path-days per second of wall time.</summary>
    public double PathDaysPerSecond { get; init; }
}

/// <summary>
/// The run catalogue: a SQLite database (<c>runs/catalog.db</c> by default) indexing every run
/// folder <c>backtest run</c> wrote and every <c>backtest bench</c> session, so runs can be listed
/// and compared and reports can show a study's history. Each write is one immediate transaction
/// in WAL mode with a 30-second busy wait, so concurrent writers (parallel runs, CI jobs on one
/// machine) queue rather than fail or corrupt the file. The run folder stays the record: a
/// catalogue can be rebuilt from folders (<c>backtest runs add</c>).
/// </summary>
public sealed class RunCatalog : IDisposable
{
    /// <summary>Where the catalogue is when neither <c>--catalog</c> nor <see cref="EnvironmentVariable"/> says.</summary>
    public const string DefaultPath = "runs/catalog.db";

    /// <summary>Environment variable naming the catalogue file.</summary>
    public const string EnvironmentVariable = "BACKTEST_CATALOG";

    /// <summary>The schema version this engine writes (SQLite's user_version).</summary>
    public const int SchemaVersion = 1;

    private const string TimeFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";

    private readonly SqliteConnection connection;

    private RunCatalog(SqliteConnection connection, string path)
    {
        this.connection = connection;
        Path = path;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The catalogue path: the given one, else <c>$BACKTEST_CATALOG</c>, else <see cref="DefaultPath"/>.</summary>
    public static string Locate(string? given) =>
        given ?? (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : DefaultPath);

    /// <summary>Opens the catalogue, creating the file and its folder if needed; problems are bad input naming the file.</summary>
    public static RunCatalog Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            throw new InputException("the run catalogue path is a folder; name a database file", file: full);
        }

        SqliteConnection? connection = null;
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = full,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
                DefaultTimeout = 30,
            }.ToString());
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout = 30000; PRAGMA foreign_keys = ON;");
            if (Scalar<string>(connection, "PRAGMA journal_mode") != "wal")
            {
                Execute(connection, "PRAGMA journal_mode = WAL;");
            }

            var catalog = new RunCatalog(connection, full);
            catalog.EnsureSchema();
            return catalog;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            connection?.Dispose();
            throw new InputException($"cannot open the run catalogue: {FirstLine(e.Message)}", file: full, inner: e);
        }
        catch
        {
            connection?.Dispose();
            throw;
        }
    }

    private void EnsureSchema()
    {
        using var transaction = connection.BeginTransaction();
        long version = Scalar<long>(connection, "PRAGMA user_version", transaction);
        if (version > SchemaVersion)
        {
            throw new InputException($"the run catalogue has schema version {version}; this engine knows up to {SchemaVersion}", file: Path);
        }

        if (version < SchemaVersion)
        {
            Execute(connection, """
                CREATE TABLE runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    study TEXT NOT NULL,
                    model TEXT NOT NULL,
                    study_file TEXT NOT NULL,
                    study_sha256 TEXT NOT NULL,
                    parameters_sha256 TEXT NOT NULL,
                    git_commit TEXT NOT NULL,
                    git_dirty INTEGER NOT NULL,
                    engine_version TEXT NOT NULL,
                    started_utc TEXT NOT NULL,
                    finished_utc TEXT NOT NULL,
                    wall_seconds REAL NOT NULL,
                    path_days INTEGER NOT NULL,
                    path_days_per_second REAL NOT NULL,
                    seed TEXT NOT NULL,
                    paths INTEGER NOT NULL,
                    folder TEXT NOT NULL,
                    recorded_utc TEXT NOT NULL);
                CREATE INDEX runs_by_study ON runs (study, started_utc);
                CREATE INDEX runs_by_folder ON runs (folder);
                CREATE TABLE run_parameters (
                    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                    ordinal INTEGER NOT NULL,
                    param_set TEXT NOT NULL,
                    name TEXT NOT NULL,
                    value TEXT NOT NULL,
                    swept INTEGER NOT NULL,
                    PRIMARY KEY (run_id, ordinal));
                CREATE TABLE run_metrics (
                    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
                    ordinal INTEGER NOT NULL,
                    scenario TEXT NOT NULL,
                    param_set TEXT NOT NULL,
                    row INTEGER NOT NULL,
                    label TEXT NOT NULL,
                    name TEXT NOT NULL,
                    value REAL NOT NULL,
                    PRIMARY KEY (run_id, ordinal));
                CREATE INDEX run_metrics_by_name ON run_metrics (name, run_id);
                CREATE TABLE bench_sessions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    started_utc TEXT NOT NULL,
                    finished_utc TEXT NOT NULL,
                    git_commit TEXT NOT NULL,
                    git_dirty INTEGER NOT NULL,
                    baseline_ref TEXT,
                    baseline_commit TEXT,
                    rounds INTEGER NOT NULL,
                    machine TEXT NOT NULL,
                    output_folder TEXT NOT NULL,
                    passed INTEGER NOT NULL);
                CREATE TABLE bench_results (
                    session_id INTEGER NOT NULL REFERENCES bench_sessions (id) ON DELETE CASCADE,
                    benchmark TEXT NOT NULL,
                    tracked INTEGER NOT NULL,
                    unit TEXT NOT NULL,
                    verdict TEXT NOT NULL,
                    operations_per_invoke INTEGER,
                    current_median_ns_per_op REAL,
                    current_q1_ns_per_op REAL,
                    current_q3_ns_per_op REAL,
                    current_mad_ns_per_op REAL,
                    current_median_cpu_ns_per_op REAL,
                    current_iterations INTEGER,
                    current_invokes_per_iteration INTEGER,
                    current_throughput REAL,
                    current_cpu_throughput REAL,
                    baseline_median_ns_per_op REAL,
                    baseline_q1_ns_per_op REAL,
                    baseline_q3_ns_per_op REAL,
                    baseline_mad_ns_per_op REAL,
                    baseline_median_cpu_ns_per_op REAL,
                    baseline_iterations INTEGER,
                    baseline_invokes_per_iteration INTEGER,
                    baseline_throughput REAL,
                    baseline_cpu_throughput REAL,
                    cpu_ratio REAL,
                    cpu_ratio_lower REAL,
                    cpu_ratio_upper REAL,
                    wall_ratio REAL,
                    error TEXT,
                    PRIMARY KEY (session_id, benchmark));
                CREATE INDEX bench_results_by_benchmark ON bench_results (benchmark, session_id);
                """, transaction);
            Execute(connection, $"PRAGMA user_version = {SchemaVersion}", transaction);
        }

        transaction.Commit();
    }

    /// <summary>Records a run; returns its id.</summary>
    public long RecordRun(RunRecord run)
    {
        using var transaction = connection.BeginTransaction();
        long id = Insert(transaction, """
            INSERT INTO runs (study, model, study_file, study_sha256, parameters_sha256, git_commit, git_dirty, engine_version,
                started_utc, finished_utc, wall_seconds, path_days, path_days_per_second, seed, paths, folder, recorded_utc)
            VALUES ($study, $model, $file, $studySha, $paramSha, $commit, $dirty, $version, $started, $finished, $wall, $pathDays, $rate, $seed, $paths, $folder, $recorded);
            SELECT last_insert_rowid();
            """,
            ("$study", run.Study), ("$model", run.Model), ("$file", run.StudyFile), ("$studySha", run.StudySha256), ("$paramSha", run.ParametersSha256),
            ("$commit", run.GitCommit), ("$dirty", run.GitDirty), ("$version", run.EngineVersion), ("$started", Time(run.Started)), ("$finished", Time(run.Finished)),
            ("$wall", run.WallSeconds), ("$pathDays", run.PathDays), ("$rate", run.PathDaysPerSecond), ("$seed", run.Seed.ToString(CultureInfo.InvariantCulture)),
            ("$paths", run.Paths), ("$folder", run.Folder), ("$recorded", Time(DateTimeOffset.UtcNow)));

        using (var parameter = Command(transaction, "INSERT INTO run_parameters VALUES ($id, $ordinal, $set, $name, $value, $swept)", "$id", "$ordinal", "$set", "$name", "$value", "$swept"))
        {
            for (int i = 0; i < run.Parameters.Count; i++)
            {
                var p = run.Parameters[i];
                Run(parameter, id, i, p.ParameterSet, p.Name, p.Value, p.Swept);
            }
        }

        using (var metric = Command(transaction, "INSERT INTO run_metrics VALUES ($id, $ordinal, $scenario, $set, $row, $label, $name, $value)", "$id", "$ordinal", "$scenario", "$set", "$row", "$label", "$name", "$value"))
        {
            for (int i = 0; i < run.Metrics.Count; i++)
            {
                var m = run.Metrics[i];
                Run(metric, id, i, m.Scenario, m.ParameterSet, m.Row, m.Label, m.Name, m.Value);
            }
        }

        transaction.Commit();
        return id;
    }

    /// <summary>Catalogued runs, newest first, optionally of one study.</summary>
    public IReadOnlyList<CatalogEntry> ListRuns(string? study = null, int limit = 20)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, study, model, started_utc, wall_seconds, path_days_per_second, git_commit, git_dirty, folder FROM runs
            WHERE $study IS NULL OR study = $study ORDER BY started_utc DESC, id DESC LIMIT $limit
            """;
        command.Parameters.AddWithValue("$study", (object?)study ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var entries = new List<CatalogEntry>();
        while (reader.Read())
        {
            entries.Add(new CatalogEntry(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), ParseTime(reader.GetString(3)), reader.GetDouble(4),
                reader.GetDouble(5), reader.GetString(6), reader.GetInt64(7) != 0, reader.GetString(8)));
        }

        return entries;
    }

    /// <summary>A catalogued run with its parameters and metrics, or null if there is no such id.</summary>
    public RunRecord? GetRun(long id)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT study, model, study_file, study_sha256, parameters_sha256, git_commit, git_dirty, engine_version, started_utc, finished_utc,
                wall_seconds, path_days, path_days_per_second, seed, paths, folder FROM runs WHERE id = $id
            """;
        command.Parameters.AddWithValue("$id", id);
        RunRecord run;
        using (var reader = command.ExecuteReader())
        {
            if (!reader.Read())
            {
                return null;
            }

            run = new RunRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.GetInt64(6) != 0, reader.GetString(7), ParseTime(reader.GetString(8)), ParseTime(reader.GetString(9)), reader.GetDouble(10),
                reader.GetInt64(11), reader.GetDouble(12), ulong.Parse(reader.GetString(13), CultureInfo.InvariantCulture), reader.GetInt64(14), reader.GetString(15), [], [])
            { Id = id };
        }

        var parameters = Rows(
            "SELECT param_set, name, value, swept FROM run_parameters WHERE run_id = $id ORDER BY ordinal", id,
            r => new RunParameter(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3) != 0));
        var metrics = Rows(
            "SELECT scenario, param_set, row, label, name, value FROM run_metrics WHERE run_id = $id ORDER BY ordinal", id,
            r => new RunMetric(r.GetString(0), r.GetString(1), (int)r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetDouble(5)));
        return run with { Parameters = parameters, Metrics = metrics };
    }

    /// <summary>The latest catalogued run written to a folder, or null.</summary>
    public long? FindRunByFolder(string folder)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM runs WHERE folder = $folder ORDER BY started_utc DESC, id DESC LIMIT 1";
        command.Parameters.AddWithValue("$folder", System.IO.Path.GetFullPath(folder));
        return command.ExecuteScalar() is long id ? id : null;
    }

    /// <summary>
    /// Runs of a study that started before <paramref name="before"/>, newest first, for a report's
    /// history. <see cref="EarlierRun.Headline"/> is <paramref name="metric"/> at the first summary
    /// row of (<paramref name="scenario"/>, <paramref name="parameterSet"/>), or of the run's first
    /// metric row holding it when those are null; always null when <paramref name="metric"/> is.
    /// </summary>
    public IReadOnlyList<EarlierRun> EarlierRuns(string study, DateTimeOffset before, string? metric, string? scenario = null, string? parameterSet = null, int limit = 10)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT r.id, r.started_utc, r.git_commit, r.git_dirty, r.folder,
                (SELECT m.value FROM run_metrics m WHERE m.run_id = r.id AND m.name = $metric
                    AND ($scenario IS NULL OR m.scenario = $scenario) AND ($set IS NULL OR m.param_set = $set)
                    ORDER BY m.ordinal LIMIT 1),
                r.paths, r.path_days_per_second
            FROM runs r WHERE r.study = $study AND r.started_utc < $before ORDER BY r.started_utc DESC, r.id DESC LIMIT $limit
            """;
        command.Parameters.AddWithValue("$study", study);
        command.Parameters.AddWithValue("$before", Time(before));
        command.Parameters.AddWithValue("$metric", (object?)metric ?? DBNull.Value);
        command.Parameters.AddWithValue("$scenario", (object?)scenario ?? DBNull.Value);
        command.Parameters.AddWithValue("$set", (object?)parameterSet ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var runs = new List<EarlierRun>();
        while (reader.Read())
        {
            var started = ParseTime(reader.GetString(1));
            var folder = reader.GetString(4);
            runs.Add(new EarlierRun(reader.GetInt64(0), started, reader.GetString(2), reader.GetInt64(3) != 0, folder, StateOf(folder, started),
                reader.IsDBNull(5) ? null : reader.GetDouble(5))
            {
                Paths = reader.GetInt64(6),
                PathDaysPerSecond = reader.GetDouble(7),
            });
        }

        return runs;
    }

    /// <summary>Records a bench session and its results; returns the session id.</summary>
    public long RecordBench(BenchSessionRecord session)
    {
        using var transaction = connection.BeginTransaction();
        long id = Insert(transaction, """
            INSERT INTO bench_sessions (started_utc, finished_utc, git_commit, git_dirty, baseline_ref, baseline_commit, rounds, machine, output_folder, passed)
            VALUES ($started, $finished, $commit, $dirty, $ref, $baseline, $rounds, $machine, $out, $passed);
            SELECT last_insert_rowid();
            """,
            ("$started", Time(session.Started)), ("$finished", Time(session.Finished)), ("$commit", session.GitCommit), ("$dirty", session.GitDirty),
            ("$ref", session.BaselineRef), ("$baseline", session.BaselineCommit), ("$rounds", session.Rounds), ("$machine", session.Machine),
            ("$out", session.OutputFolder), ("$passed", session.Passed));
        string[] names =
        [
            "$id", "$benchmark", "$tracked", "$unit", "$verdict", "$ops",
            "$cMedian", "$cQ1", "$cQ3", "$cMad", "$cCpu", "$cIterations", "$cInvokes", "$cThroughput", "$cCpuThroughput",
            "$bMedian", "$bQ1", "$bQ3", "$bMad", "$bCpu", "$bIterations", "$bInvokes", "$bThroughput", "$bCpuThroughput",
            "$cpuRatio", "$lower", "$upper", "$wallRatio", "$error",
        ];
        using var insert = Command(transaction, $"INSERT INTO bench_results VALUES ({string.Join(", ", names)})", names);
        foreach (var r in session.Results)
        {
            var c = r.Current;
            var b = r.Baseline;
            Run(insert, id, r.Benchmark, r.Tracked, r.Unit, r.Verdict, (c ?? b)?.OperationsPerInvoke,
                c?.MedianNsPerOperation, c?.LowerQuartileNsPerOperation, c?.UpperQuartileNsPerOperation, c?.MadNsPerOperation, c?.MedianCpuNsPerOperation,
                c?.Iterations, c?.InvokesPerIteration, c?.Throughput, c?.CpuThroughput,
                b?.MedianNsPerOperation, b?.LowerQuartileNsPerOperation, b?.UpperQuartileNsPerOperation, b?.MadNsPerOperation, b?.MedianCpuNsPerOperation,
                b?.Iterations, b?.InvokesPerIteration, b?.Throughput, b?.CpuThroughput,
                r.CpuRatio, r.CpuRatioLower, r.CpuRatioUpper, r.WallRatio, r.Error);
        }

        transaction.Commit();
        return id;
    }

    /// <summary>Benchmark results, newest session first, optionally of the benchmarks whose id contains <paramref name="benchmark"/>.</summary>
    public IReadOnlyList<BenchHistoryEntry> BenchHistory(string? benchmark = null, int limit = 50)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT s.id, s.started_utc, s.git_commit, s.git_dirty, r.benchmark, r.unit, r.current_throughput, r.current_cpu_throughput, r.cpu_ratio, r.verdict
            FROM bench_results r JOIN bench_sessions s ON s.id = r.session_id
            WHERE $benchmark IS NULL OR instr(lower(r.benchmark), lower($benchmark)) > 0
            ORDER BY s.started_utc DESC, s.id DESC, r.benchmark LIMIT $limit
            """;
        command.Parameters.AddWithValue("$benchmark", (object?)benchmark ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", limit);
        using var reader = command.ExecuteReader();
        var entries = new List<BenchHistoryEntry>();
        while (reader.Read())
        {
            entries.Add(new BenchHistoryEntry(reader.GetInt64(0), ParseTime(reader.GetString(1)), reader.GetString(2), reader.GetInt64(3) != 0, reader.GetString(4),
                reader.GetString(5), Nullable(reader, 6), Nullable(reader, 7), Nullable(reader, 8), reader.GetString(9)));
        }

        return entries;
    }

    /// <summary>Whether <paramref name="folder"/> still holds the run that started at <paramref name="started"/>.</summary>
    public static FolderState StateOf(string folder, DateTimeOffset started)
    {
        var manifest = System.IO.Path.Combine(folder, "manifest.json");
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(manifest));
            return document.RootElement.TryGetProperty("started_utc", out var value) && value.GetString() == Time(started)
                ? FolderState.Present
                : FolderState.Replaced;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return File.Exists(manifest) ? FolderState.Replaced : FolderState.Missing;
        }
    }

    public void Dispose() => connection.Dispose();

    private static double? Nullable(SqliteDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetDouble(column);

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.ParseExact(text, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static string FirstLine(string text) => text.Split('\n')[0].Trim();

    private static void Execute(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static T Scalar<T>(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return (T)command.ExecuteScalar()!;
    }

    private long Insert(SqliteTransaction transaction, string sql, params (string Name, object? Value)[] values)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in values)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return (long)command.ExecuteScalar()!;
    }

    private SqliteCommand Command(SqliteTransaction transaction, string sql, params string[] names)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static void Run(SqliteCommand command, params object?[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        command.ExecuteNonQuery();
    }

    private List<T> Rows<T>(string sql, long id, Func<SqliteDataReader, T> read)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
