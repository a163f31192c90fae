using System.Diagnostics;
using System.Globalization;

namespace Backtest.Cli.Bench;

/// <summary>How long the harness measures.</summary>
/// <param name="Rounds">Timed rounds per build; with a baseline, paired rounds (at least <see cref="RatioEstimate.MinimumRounds"/>).</param>
/// <param name="Launches">Worker processes per build for benchmarks with short iterations, one after another, sharing the rounds out in blocks.</param>
/// <param name="IterationTarget">Calibration picks the calls per iteration so that an iteration takes at least this long.</param>
/// <param name="Warmup">Untimed calls before a process's first round: at least this long, and at least one iteration beyond calibration.</param>
/// <param name="RequestTimeout">A worker that does not answer a request in this time has failed.</param>
internal sealed record BenchSettings(int Rounds, int Launches, TimeSpan IterationTarget, TimeSpan Warmup, TimeSpan RequestTimeout)
{
    public static BenchSettings Default { get; } = new(9, 3, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(10));

    /// <summary>Iterations per round when one iteration is short; long iterations (over 1.5× the target) are measured once per round.</summary>
    public const int IterationsPerShortRound = 3;
}

/// <summary>A build taking part: its label ("current", "baseline") and benchmarks assembly.</summary>
internal sealed record BenchSide(string Label, string Assembly)
{
    public string Commit { get; set; } = "unknown";

    public bool Dirty { get; set; }
}

/// <summary>One timed iteration: wall time and the worker process's CPU time (all threads), in nanoseconds.</summary>
internal readonly record struct Iteration(long WallNanoseconds, long CpuNanoseconds);

/// <summary>One build's figures for one benchmark.</summary>
/// <param name="Case">The benchmark with the current build's unit (the build's own operations per call are kept in <see cref="BenchmarkCase.OperationsPerInvoke"/>).</param>
/// <param name="InvokesPerIteration">Calls per timed iteration (from calibration).</param>
/// <param name="Iterations">Every timed iteration, in round order.</param>
/// <param name="RoundWall">Per round, units per second of wall time at the round's median iteration.</param>
/// <param name="RoundCpu">Per round, units per second of process CPU time at the round's median iteration.</param>
internal sealed record SideFigures(BenchmarkCase Case, long InvokesPerIteration, IReadOnlyList<Iteration> Iterations, IReadOnlyList<double> RoundWall, IReadOnlyList<double> RoundCpu)
{
    private double OperationsPerIteration => InvokesPerIteration * (double)Case.OperationsPerInvoke;

    /// <summary>Wall nanoseconds per operation (BenchmarkDotNet's operation) over every iteration.</summary>
    public SampleSummary WallPerOperation => SampleSummary.Of(Iterations.Select(i => i.WallNanoseconds / OperationsPerIteration));

    /// <summary>CPU nanoseconds per operation over every iteration (all threads: a parallel benchmark's CPU time exceeds its wall time).</summary>
    public SampleSummary CpuPerOperation => SampleSummary.Of(Iterations.Select(i => i.CpuNanoseconds / OperationsPerIteration));

    /// <summary>Units per second of wall time at the median iteration.</summary>
    public double Throughput => Case.Throughput(WallPerOperation.Median * Case.OperationsPerInvoke);

    /// <summary>Units per CPU-second at the median iteration.</summary>
    public double CpuThroughput => Case.Throughput(CpuPerOperation.Median * Case.OperationsPerInvoke);
}

/// <summary>
/// One benchmark's outcome: each build's figures (where measured), the throughput ratios
/// current/baseline per CPU-second (what the gate judges) and per wall second, and the verdict.
/// </summary>
internal sealed record BenchResult(string Id, bool Tracked, string Unit, SideFigures? Current, SideFigures? Baseline, RatioEstimate? CpuRatio, RatioEstimate? WallRatio, Verdict Verdict, string? Error, TimeSpan Wall);

/// <summary>
/// Measures benchmark cases in one or two builds. Per case and build, <see cref="BenchSettings.Launches"/>
/// worker processes run one after another (so effects fixed for a process's life, such as
/// where its small arrays happen to be aligned, show up as variation between rounds instead of
/// as a difference between builds); each launch of the two builds sets up together, warms up,
/// then runs its block of rounds. Benchmarks whose iterations are long (one call of 150 ms or
/// more: a whole Parquet file, a whole study) average over such effects within each call and
/// run all their rounds in the first launch, which saves their set-up and warm-up twice over. In each round the builds run one after the other, the current build
/// first in even rounds and second in odd ones (A B, B A, …), so a change in machine load falls
/// on both and neither is always second. The round ratios give <see cref="RatioEstimate"/>.
/// </summary>
internal sealed class BenchSession(BenchSettings settings, TextWriter log, CancellationToken cancellation)
{
    // Builds are set up and measured on parallel tasks, which report failures as they happen;
    // a plain writer (a StringWriter in tests) is not safe for that.
    private readonly TextWriter progress = TextWriter.Synchronized(log);

    /// <summary>Lists the cases of each build (and records its commit); the first build is the current one.</summary>
    public IReadOnlyList<IReadOnlyList<BenchmarkCase>> List(IReadOnlyList<BenchSide> sides)
    {
        var lists = new List<IReadOnlyList<BenchmarkCase>>();
        foreach (var side in sides)
        {
            using var worker = WorkerProcess.Start(side.Assembly, side.Label);
            var reply = worker.Send(new WorkerRequest("list"), settings.RequestTimeout, cancellation);
            side.Commit = reply.GitCommit ?? "unknown";
            side.Dirty = reply.GitDirty ?? false;
            lists.Add(reply.Cases ?? []);
        }

        return lists;
    }

    /// <summary>
    /// The cases to run: those matching a filter, or the tracked ones without filters; taken from
    /// the current build, then those of the baseline that the current build lacks.
    /// </summary>
    public static IReadOnlyList<string> Select(IReadOnlyList<IReadOnlyList<BenchmarkCase>> lists, IReadOnlyList<string> filters)
    {
        bool Chosen(BenchmarkCase c) => filters.Count == 0 ? c.Tracked : filters.Any(c.Matches);
        return lists.SelectMany(l => l.Where(Chosen)).Select(c => c.Id).Distinct().ToList();
    }

    /// <summary>Measures one case in every build that has it and judges it.</summary>
    public BenchResult Measure(string id, IReadOnlyList<BenchSide> sides, IReadOnlyList<IReadOnlyList<BenchmarkCase>> lists)
    {
        var clock = Stopwatch.StartNew();
        var cases = lists.Select(l => l.FirstOrDefault(c => c.Id == id)).ToArray();
        var reference = (cases[0] ?? cases.First(c => c is not null))!;
        if (cases[0]?.Unsupported is { } why)
        {
            return new BenchResult(id, reference.Tracked, reference.Unit, null, null, null, null, Verdict.Unsupported, why, clock.Elapsed);
        }

        // Every build's figures in the current build's unit, so throughputs compare.
        var present = Enumerable.Range(0, sides.Count).Where(i => cases[i] is not null)
            .Select(i => (Side: sides[i], Case: cases[i]! with { Unit = reference.Unit, UnitsPerOperation = reference.UnitsPerOperation, Tracked = reference.Tracked }))
            .ToList();
        var (figures, errors) = Run(id, present);
        var error = errors.Select((e, i) => e is null ? null : $"{present[i].Side.Label}: {e}").FirstOrDefault(e => e is not null);
        SideFigures? Of(string label) => present.FindIndex(p => p.Side.Label == label) is var i and >= 0 ? figures[i] : null;
        return Judge(id, reference, sides.Count == 2, cases[0] is not null, cases.Length == 2 && cases[1] is not null, Of("current"), Of("baseline"), error, clock.Elapsed);
    }

    /// <summary>
    /// The verdict on one benchmark from what was measured: failed where the current build has it
    /// and could not run it; not gated where only one build has it or the baseline could not run
    /// it; otherwise the ratios per CPU-second and per wall second and the rule's judgement.
    /// </summary>
    internal static BenchResult Judge(string id, BenchmarkCase reference, bool paired, bool inCurrent, bool inBaseline,
        SideFigures? current, SideFigures? baseline, string? error, TimeSpan wall)
    {
        Verdict verdict;
        RatioEstimate? cpuRatio = null, wallRatio = null;
        if (!inCurrent)
        {
            verdict = Verdict.OnlyInBaseline;
        }
        else if (current is null)
        {
            verdict = Verdict.Failed;
        }
        else if (!paired)
        {
            verdict = Verdict.Measured;
        }
        else if (!inBaseline)
        {
            verdict = Verdict.OnlyInCurrent;
        }
        else if (baseline is null)
        {
            verdict = Verdict.BaselineFailed;
        }
        else
        {
            cpuRatio = RatioEstimate.FromRounds(baseline.RoundCpu, current.RoundCpu);
            wallRatio = RatioEstimate.FromRounds(baseline.RoundWall, current.RoundWall);
            verdict = RegressionRule.Judge(cpuRatio);
        }

        return new BenchResult(id, reference.Tracked, reference.Unit, current, baseline, cpuRatio, wallRatio, verdict, error, wall);
    }

    /// <summary>Runs every launch of the builds given; a build that fails keeps its error and no figures.</summary>
    private (SideFigures?[] Figures, string?[] Errors) Run(string id, List<(BenchSide Side, BenchmarkCase Case)> present)
    {
        int n = present.Count;
        var errors = new string?[n];
        var invokes = new long[n];
        var shortIterations = new bool[n];
        int perRound = 1;
        var iterations = present.Select(_ => new List<Iteration>()).ToArray();
        var roundWall = present.Select(_ => new List<double>()).ToArray();
        var roundCpu = present.Select(_ => new List<double>()).ToArray();
        int launches = Math.Clamp(settings.Launches, 1, settings.Rounds);
        for (int launch = 0; launch < launches && errors.Any(e => e is null); launch++)
        {
            var workers = new WorkerProcess?[n];
            try
            {
                // Setting up can take seconds (test data); the builds do it at the same time.
                var setups = Enumerable.Range(0, n).Where(i => errors[i] is null).Select(i => Task.Run(() => errors[i] = Guard(() =>
                {
                    workers[i] = WorkerProcess.Start(present[i].Side.Assembly, present[i].Side.Label);
                    workers[i]!.Send(new WorkerRequest("setup", id), settings.RequestTimeout, cancellation);
                }))).ToArray();
                WaitAll(setups);

                for (int i = 0; i < n; i++)
                {
                    if (errors[i] is null)
                    {
                        errors[i] = launch == 0
                            ? Guard(() => (invokes[i], shortIterations[i]) = Calibrate(workers[i]!))
                            : Guard(() => WarmUp(workers[i]!, invokes[i], 0, 1));
                    }
                }

                if (launch == 0)
                {
                    bool shortOnly = shortIterations.Where((_, i) => errors[i] is null).All(s => s);
                    perRound = shortOnly ? BenchSettings.IterationsPerShortRound : 1;
                    launches = shortOnly ? launches : 1;
                }

                int first = launch * settings.Rounds / launches, last = (launch + 1) * settings.Rounds / launches;
                for (int round = first; round < last; round++)
                {
                    var order = Enumerable.Range(0, n);
                    foreach (int i in round % 2 == 0 ? order : order.Reverse())
                    {
                        if (errors[i] is null)
                        {
                            errors[i] = Guard(() =>
                            {
                                var reply = workers[i]!.Send(new WorkerRequest("run", Invokes: invokes[i], Iterations: perRound), settings.RequestTimeout, cancellation);
                                var timed = reply.Nanoseconds!.Zip(reply.CpuNanoseconds!, (w, c) => new Iteration(w, c)).ToList();
                                iterations[i].AddRange(timed);
                                roundWall[i].Add(present[i].Case.Throughput(Median(timed.Select(t => (double)t.WallNanoseconds)) / invokes[i]));
                                roundCpu[i].Add(present[i].Case.Throughput(Median(timed.Select(t => (double)t.CpuNanoseconds)) / invokes[i]));
                            });
                        }
                    }
                }

                for (int i = 0; i < n; i++)
                {
                    if (errors[i] is null)
                    {
                        errors[i] = Guard(() => workers[i]!.Send(new WorkerRequest("cleanup"), settings.RequestTimeout, cancellation));
                    }
                }
            }
            finally
            {
                foreach (var worker in workers)
                {
                    worker?.Dispose();
                }
            }
        }

        var figures = present.Select((p, i) => errors[i] is null ? new SideFigures(p.Case, invokes[i], iterations[i], roundWall[i], roundCpu[i]) : null).ToArray();
        return (figures, errors);
    }

    /// <summary>Waits for tasks, surfacing a cancellation as itself rather than wrapped.</summary>
    private static void WaitAll(Task[] tasks)
    {
        try
        {
            Task.WaitAll(tasks);
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<OperationCanceledException>().FirstOrDefault() is { } cancelled)
        {
            throw cancelled;
        }
    }

    /// <summary>
    /// Scales the calls per iteration until an iteration takes the target time, judging each count
    /// by the faster of two iterations, each timed as in <see cref="Run(WorkerProcess, long)"/> (on a
    /// busy machine an iteration can be stretched by being descheduled, which must not stop the
    /// calibration at a count far too small); a single call of three times the target needs no
    /// second look. Then warms up (<see cref="WarmUp"/>); the
    /// calibration's own calls count towards the warm-up time.
    /// </summary>
    private (long Invokes, bool Short) Calibrate(WorkerProcess worker)
    {
        long target = (long)settings.IterationTarget.TotalNanoseconds;
        long invokes = 1;
        long spent = 0;
        long fastest;
        while (true)
        {
            long first = Run(worker, invokes);
            bool longCall = first >= target * 3;
            long second = longCall ? first : Run(worker, invokes);
            spent += longCall ? first : first + second;
            fastest = Math.Min(first, second);
            if (fastest >= target || invokes >= 1L << 30)
            {
                break;
            }

            long scaled = (long)Math.Ceiling(invokes * 1.25 * target / Math.Max(fastest, 1));
            invokes = Math.Clamp(scaled, invokes * 2, invokes * 16);
        }

        fastest = Math.Min(fastest, WarmUp(worker, invokes, spent, 1));
        return (invokes, fastest <= target * 1.5);
    }

    /// <summary>Calls until the warm-up time has passed and at least <paramref name="needed"/> iterations ran; returns the fastest iteration's nanoseconds.</summary>
    private long WarmUp(WorkerProcess worker, long invokes, long spent, int needed)
    {
        long fastest = long.MaxValue;
        int done = 0;
        while (spent < settings.Warmup.TotalNanoseconds || done < needed)
        {
            long last = Run(worker, invokes);
            spent += last;
            fastest = Math.Min(fastest, last);
            done++;
        }

        return fastest;
    }

    /// <summary>
    /// One iteration's undisturbed duration, estimated as the smaller of its wall and CPU time: a
    /// descheduled iteration's wall time is stretched and its CPU time is not, while a parallel
    /// one's CPU time is the sum over its threads and its wall time is not. By wall time alone a
    /// call descheduled for a few hundred milliseconds on a busy machine passed for a long call and
    /// left calibration at one call per iteration, too short to time.
    /// </summary>
    private long Run(WorkerProcess worker, long invokes)
    {
        var reply = worker.Send(new WorkerRequest("run", Invokes: invokes, Iterations: 1), settings.RequestTimeout, cancellation);
        return Math.Min(reply.Nanoseconds![0], reply.CpuNanoseconds![0]);
    }

    private string? Guard(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (BenchException e)
        {
            progress.WriteLine($"  {e.Message}");
            return e.Message;
        }
    }

    private static double Median(IEnumerable<double> values) =>
        Numerics.Statistics.Quantiles.Sorted(values.Order().ToArray(), 0.5, Numerics.Statistics.QuantileType.Type7);

    /// <summary>A one-line account of a result for the progress log.</summary>
    public static string Describe(BenchResult r)
    {
        string Figure(SideFigures? f) => f is null ? "-" : BenchmarkCase.FormatThroughput(f.CpuThroughput, r.Unit).Replace("/s", "/CPU-s", StringComparison.Ordinal);
        var ratio = r.CpuRatio is { } x && r.WallRatio is { } w
            ? string.Create(CultureInfo.InvariantCulture, $", CPU ratio {x.Median:F3} [{x.Lower:F3}, {x.Upper:F3}], wall ratio {w.Median:F3}")
            : string.Empty;
        var figures = r.Baseline is null && r.Verdict != Verdict.OnlyInBaseline
            ? Figure(r.Current)
            : $"baseline {Figure(r.Baseline)}, current {Figure(r.Current)}";
        return string.Create(CultureInfo.InvariantCulture, $"{r.Id}: {figures}{ratio} — {RegressionRule.Text(r.Verdict)} ({r.Wall.TotalSeconds:F1} s){(r.Error is null ? string.Empty : $": {r.Error}")}");
    }
}
