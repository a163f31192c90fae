using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Backtest.Cli.Bench;
using Backtest.Engine.Catalog;

namespace Backtest.Cli.Commands;

/// <summary>
/// <c>backtest bench</c>: measures the tracked benchmarks (or those a filter names) with the quick
/// harness, optionally against a baseline revision built in a temporary worktree, and writes
/// <c>bench.json</c> and <c>bench.parquet</c>. Exit 1 when a benchmark regressed or could not run.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var filter = new Option<string[]>("--filter")
        {
            Description = "Benchmarks to run: glob patterns over ids like 'FixedKernelsBenchmarks.MulDiv(Tier=Scalar)' (repeatable). Default: the tracked set.",
            AllowMultipleArgumentsPerToken = true,
        };
        var list = new Option<bool>("--list") { Description = "List the benchmarks of the current build (tracked ones marked) and exit." };
        var baseline = new Option<string?>("--baseline") { Description = "A git revision to compare with: built in a temporary worktree and measured in alternation with the current build." };
        var output = new Option<string?>("--out") { Description = "Folder for bench.json and bench.parquet. Default: runs/bench/<UTC timestamp>/." };
        var rounds = new Option<int>("--rounds") { Description = $"Timed rounds per build (at least {RatioEstimate.MinimumRounds} with --baseline). Default: {BenchSettings.Default.Rounds}.", DefaultValueFactory = _ => BenchSettings.Default.Rounds };
        var noBuild = new Option<bool>("--no-build") { Description = "Use the current build of src/Backtest.Benchmarks as it is (Release) instead of building it first." };
        var catalog = new Option<string?>("--catalog") { Description = $"Run catalogue to record the session in. Default: $" + RunCatalog.EnvironmentVariable + $" or {RunCatalog.DefaultPath}." };
        var command = new Command("bench", "Run the tracked benchmarks quickly; with --baseline REF, compare with another revision and fail on a regression.")
        {
            filter, list, baseline, output, rounds, noBuild, catalog,
        };
        command.SetAction(parse =>
        {
            var options = new BenchOptions(parse.GetValue(filter) ?? [], parse.GetValue(list), parse.GetValue(baseline), parse.GetValue(output),
                parse.GetValue(rounds), parse.GetValue(noBuild), parse.GetValue(catalog));
            using var cancellation = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                cancellation.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                cancellation.Cancel();
            });
            try
            {
                return Run(options, stdout, stderr, cancellation.Token);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        });
        return command;
    }

    internal sealed record BenchOptions(IReadOnlyList<string> Filters, bool List, string? Baseline, string? Output, int Rounds, bool NoBuild, string? Catalog);

    internal static int Run(BenchOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellation)
    {
        var minimum = options.Baseline is null ? 1 : RatioEstimate.MinimumRounds;
        if (options.Rounds < minimum)
        {
            throw new InputException($"must be at least {minimum}{(options.Baseline is null ? string.Empty : " with --baseline")}", key: "--rounds");
        }

        if (options.List && options.Baseline is not null)
        {
            throw new InputException("lists the current build only; drop --baseline", key: "--list");
        }

        var clock = Stopwatch.StartNew();
        var started = DateTimeOffset.UtcNow;
        var repository = BaselineWorktree.RepositoryRoot(Directory.GetCurrentDirectory());
        var current = new BenchmarksBuild(repository ?? Directory.GetCurrentDirectory());
        if (!current.HasProject)
        {
            throw new InputException($"run backtest bench from the repository: there is no {BenchmarksBuild.ProjectFolder} here", file: current.SourceRoot);
        }

        if (options.NoBuild)
        {
            if (!File.Exists(current.Assembly))
            {
                throw new InputException("no Release build of the benchmarks; build it or drop --no-build", file: current.Assembly, key: "--no-build");
            }
        }
        else
        {
            stdout.WriteLine("building the current benchmarks (Release)…");
            stdout.WriteLine(Seconds("  built in", current.Build("current", cancellation)));
        }

        var settings = BenchSettings.Default with { Rounds = options.Rounds };
        var harness = new BenchSession(settings, stderr, cancellation);
        var currentSide = new BenchSide("current", current.Assembly);
        if (options.List)
        {
            PrintList(stdout, harness.List([currentSide])[0]);
            return BacktestCli.Ok;
        }

        BaselineWorktree? worktree = null;
        try
        {
            var sides = new List<BenchSide> { currentSide };
            IReadOnlyList<IReadOnlyList<BenchmarkCase>> lists;
            if (options.Baseline is { } revision)
            {
                if (repository is null)
                {
                    throw new InputException("--baseline needs a git repository; the current folder is not in one", key: "--baseline");
                }

                var commit = BaselineWorktree.Resolve(repository, revision);
                stdout.WriteLine($"baseline {revision} = {commit[..12]}: checking out a temporary worktree");
                worktree = BaselineWorktree.Create(repository, commit);
                var build = new BenchmarksBuild(worktree.Path);
                var baselineSide = new BenchSide("baseline", build.Assembly) { Commit = commit };
                sides.Add(baselineSide);
                if (build.HasProject)
                {
                    stdout.WriteLine($"building the baseline benchmarks (Release) in {worktree.Path}…");
                    stdout.WriteLine(Seconds("  built in", build.Build("baseline", cancellation)));
                    lists = harness.List(sides);
                }
                else
                {
                    stdout.WriteLine($"the baseline has no {BenchmarksBuild.ProjectFolder}: every benchmark is new there and none is gated");
                    lists = [harness.List([currentSide])[0], []];
                }
            }
            else
            {
                lists = harness.List(sides);
            }

            var selected = BenchSession.Select(lists, options.Filters);
            if (selected.Count == 0)
            {
                throw new InputException(options.Filters.Count == 0 ? "the current build marks no benchmark [Tracked]" : $"no benchmark matches {string.Join(" ", options.Filters)} (see --list)", key: "--filter");
            }

            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"measuring {selected.Count} benchmark(s), {settings.Rounds} rounds{(sides.Count == 2 ? " in alternation (A B, B A, …)" : string.Empty)}; current {Short(currentSide)}{(sides.Count == 2 ? $", baseline {Short(sides[1])}" : string.Empty)}"));
            var measuring = Stopwatch.StartNew();
            var results = new List<BenchResult>();
            foreach (var id in selected)
            {
                cancellation.ThrowIfCancellationRequested();
                var result = harness.Measure(id, sides, lists);
                stdout.WriteLine("  " + BenchSession.Describe(result));
                results.Add(result);
            }

            var outcome = new BenchOutcome(started, DateTimeOffset.UtcNow, currentSide, sides.Count == 2 ? sides[1] : null, options.Baseline, settings.Rounds, results);
            stdout.WriteLine();
            BenchReport.PrintTable(stdout, outcome);
            var folder = Path.GetFullPath(options.Output ?? Path.Combine("runs", "bench", started.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "Z"));
            Directory.CreateDirectory(folder);
            BenchReport.WriteJson(Path.Combine(folder, BenchReport.JsonFile), outcome);
            BenchReport.WriteParquet(Path.Combine(folder, BenchReport.ParquetFile), outcome);
            stdout.WriteLine();
            stdout.WriteLine($"wrote {Path.Combine(folder, BenchReport.JsonFile)} and {BenchReport.ParquetFile}");
            if (CatalogHook.Record(options.Catalog, c => c.RecordBench(outcome.Record(folder)), "bench session", stderr) is { } session)
            {
                stdout.WriteLine($"catalogued as bench session {session} (backtest runs bench)");
            }

            stdout.WriteLine(Seconds("measuring took", measuring.Elapsed) + "; " + Seconds("the whole command", clock.Elapsed).TrimStart());
            if (outcome.Baseline is null)
            {
                return outcome.Passed ? BacktestCli.Ok : BacktestCli.Failed;
            }

            stdout.WriteLine($"rule: {RegressionRule.Statement(settings.Rounds)}");
            var failing = results.Where(r => RegressionRule.Fails(r.Verdict)).ToList();
            stdout.WriteLine(failing.Count == 0
                ? $"verdict: PASS — no gated benchmark is slower than {RegressionRule.Threshold:F2}× the baseline beyond its noise"
                : $"verdict: FAIL — {string.Join(", ", failing.Select(r => $"{r.Id} ({RegressionRule.Name(r.Verdict)})"))}");
            return failing.Count == 0 ? BacktestCli.Ok : BacktestCli.Failed;
        }
        catch (BenchException e)
        {
            stderr.WriteLine($"backtest: error: {e.Message}");
            return BacktestCli.Failed;
        }
        finally
        {
            if (worktree is not null)
            {
                worktree.Dispose();
                stdout.WriteLine($"removed the baseline worktree {worktree.Path}");
            }
        }
    }

    private static void PrintList(TextWriter stdout, IReadOnlyList<BenchmarkCase> cases)
    {
        var table = new ConsoleTable(("benchmark", false), ("unit", false), ("tracked", false), ("quick harness", false));
        foreach (var c in cases)
        {
            table.Add(c.Id, c.Unit + "/s", c.Tracked ? "yes" : string.Empty, c.Unsupported ?? "runs");
        }

        table.Write(stdout);
    }

    private static string Short(BenchSide side) => side.Commit.Length >= 12 ? side.Commit[..12] + (side.Dirty ? " (dirty)" : string.Empty) : side.Commit;

    private static string Seconds(string what, TimeSpan time) => string.Create(CultureInfo.InvariantCulture, $"{what} {time.TotalSeconds:F1} s");
}
