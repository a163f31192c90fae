using System.Diagnostics;
using System.Globalization;

namespace Backtest.Cli.Bench;

/// <summary>How long the harness measures.</summary>
/// <param name="Rounds">Timed rounds per build; with a baseline, paired rounds (at least <see cref="RatioEstimate.MinimumRounds"/>).</param>
/// <param name="IterationTarget">Calibration picks the calls per iteration so that an iteration takes at least this long.</param>
/// <param name="Warmup">Untimed calls before the rounds, at least this long and at least two iterations.</param>
/// <param name="RequestTimeout">A worker that does not answer a request in this time has failed.</param>
internal sealed record BenchSettings(int Rounds, TimeSpan IterationTarget, TimeSpan Warmup, TimeSpan RequestTimeout)
{
    public static BenchSettings Default { get; } = new(9, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500), TimeSpan.FromMinutes(10));

    /// <summary>Iterations per round when one iteration is short; long iterations (over 1.5× the target) are measured once per round.</summary>
    public const int IterationsPerShortRound = 3;
}

/// <summary>A build taking part: its label ("current", "baseline") and benchmarks assembly.</summary>
internal sealed record BenchSide(string Label, string Assembly)
{
    public string Commit { get; set; } = "unknown";

    public bool Dirty { get; set; }
}

/// <summary>One build's figures for one benchmark.</summary>
/// <param name="Case">The benchmark as that build defines it (its operations per call may differ from the other build's).</param>
/// <param name="InvokesPerIteration">Calls per timed iteration (from calibration).</param>
/// <param name="IterationNanoseconds">Every timed iteration, in round order.</param>
/// <param name="RoundThroughputs">Per round, units per second at the round's median iteration.</param>
internal sealed record SideFigures(BenchmarkCase Case, long InvokesPerIteration, IReadOnlyList<long> IterationNanoseconds, IReadOnlyList<double> RoundThroughputs)
{
    /// <summary>Nanoseconds per operation (BenchmarkDotNet's operation) of every iteration.</summary>
    public SampleSummary NanosecondsPerOperation { get; } =
        SampleSummary.Of(IterationNanoseconds.Select(ns => (double)ns / (InvokesPerIteration * (double)Case.OperationsPerInvoke)));

    /// <summary>Units per second at the median iteration.</summary>
    public double Throughput => Case.Throughput(NanosecondsPerOperation.Median * Case.OperationsPerInvoke);
}

/// <summary>One benchmark's outcome: each build's figures (where measured), the ratio and the verdict.</summary>
internal sealed record BenchResult(string Id, bool Tracked, string Unit, SideFigures? Current, SideFigures? Baseline, RatioEstimate? Ratio, Verdict Verdict, string? Error, TimeSpan Wall);

/// <summary>
/// Measures benchmark cases in one or two builds. Per case, each build gets its own worker
/// process; all set up together, then each calibrates and warms up, then the rounds run: in
/// round i the builds run one after the other, the first build first in even rounds and second
/// in odd ones (A B, B A, A B, …), so a change in machine load during the session falls on both
/// and no build is always measured second. The round ratios give <see cref="RatioEstimate"/>.
/// </summary>
internal sealed class BenchSession(BenchSettings settings, TextWriter log, CancellationToken cancellation)
{
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
        var present = sides.Select((side, i) => (Side: side, Case: lists[i].FirstOrDefault(c => c.Id == id))).ToList();
        var anyCase = present.Select(p => p.Case).First(c => c is not null)!;
        bool paired = sides.Count == 2;
        var current = present[0].Case;
        if (current?.Unsupported is { } why)
        {
            return new BenchResult(id, current.Tracked, current.Unit, null, null, null, Verdict.Unsupported, why, clock.Elapsed);
        }

        if (paired && present.Any(p => p.Case is null))
        {
            // Still measured where it exists, so the figure is on record.
            var only = present.First(p => p.Case is not null);
            var verdict = current is null ? Verdict.OnlyInBaseline : Verdict.OnlyInCurrent;
            var (figures, error) = MeasureAlone(only.Side, only.Case!);
            if (current is not null && error is not null)
            {
                verdict = Verdict.Failed;
            }

            return new BenchResult(id, anyCase.Tracked, anyCase.Unit, current is null ? null : figures, current is null ? figures : null, null, verdict, error, clock.Elapsed);
        }

        var workers = new WorkerProcess?[present.Count];
        var errors = new string?[present.Count];
        try
        {
            Parallel.For(0, present.Count, i =>
            {
                try
                {
                    workers[i] = WorkerProcess.Start(present[i].Side.Assembly, present[i].Side.Label);
                    workers[i]!.Send(new WorkerRequest("setup", id), settings.RequestTimeout, cancellation);
                }
                catch (BenchException e)
                {
                    errors[i] = e.Message;
                }
            });

            var invokes = new long[present.Count];
            var shortIterations = new bool[present.Count];
            for (int i = 0; i < present.Count; i++)
            {
                if (errors[i] is null)
                {
                    errors[i] = Guard(() => (invokes[i], shortIterations[i]) = Calibrate(workers[i]!));
                }
            }

            int live = errors.Count(e => e is null);
            int perRound = shortIterations.Where((_, i) => errors[i] is null).All(s => s) ? BenchSettings.IterationsPerShortRound : 1;
            var iterations = present.Select(_ => new List<long>()).ToArray();
            var rounds = present.Select(_ => new List<double>()).ToArray();
            for (int round = 0; round < settings.Rounds && live > 0; round++)
            {
                var order = Enumerable.Range(0, present.Count);
                foreach (int i in round % 2 == 0 ? order : order.Reverse())
                {
                    if (errors[i] is not null)
                    {
                        continue;
                    }

                    errors[i] = Guard(() =>
                    {
                        var ns = workers[i]!.Send(new WorkerRequest("run", Invokes: invokes[i], Iterations: perRound), settings.RequestTimeout, cancellation).Nanoseconds!;
                        iterations[i].AddRange(ns);
                        double median = Quantile(ns.Select(n => (double)n), 0.5);
                        rounds[i].Add(present[i].Case!.Throughput(median / invokes[i]));
                    });
                }
            }

            for (int i = 0; i < present.Count; i++)
            {
                if (errors[i] is null)
                {
                    errors[i] = Guard(() => workers[i]!.Send(new WorkerRequest("cleanup"), settings.RequestTimeout, cancellation));
                }
            }

            var figures = present.Select((p, i) => errors[i] is null ? new SideFigures(p.Case!, invokes[i], iterations[i], rounds[i]) : null).ToArray();
            string? error = errors.Select((e, i) => e is null ? null : $"{present[i].Side.Label}: {e}").FirstOrDefault(e => e is not null);
            if (!paired)
            {
                return new BenchResult(id, anyCase.Tracked, anyCase.Unit, figures[0], null, null, figures[0] is null ? Verdict.Failed : Verdict.Measured, error, clock.Elapsed);
            }

            if (figures[0] is null)
            {
                return new BenchResult(id, anyCase.Tracked, anyCase.Unit, null, figures[1], null, Verdict.Failed, error, clock.Elapsed);
            }

            if (figures[1] is null)
            {
                return new BenchResult(id, anyCase.Tracked, anyCase.Unit, figures[0], null, null, Verdict.BaselineFailed, error, clock.Elapsed);
            }

            var ratio = RatioEstimate.FromRounds(figures[1]!.RoundThroughputs, figures[0]!.RoundThroughputs);
            return new BenchResult(id, anyCase.Tracked, anyCase.Unit, figures[0], figures[1], ratio, RegressionRule.Judge(ratio), null, clock.Elapsed);
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker?.Dispose();
            }
        }
    }

    private (SideFigures? Figures, string? Error) MeasureAlone(BenchSide side, BenchmarkCase benchmarkCase)
    {
        var result = Measure(benchmarkCase.Id, [side], [[benchmarkCase]]);
        return (result.Current, result.Error);
    }

    /// <summary>
    /// Doubles (or scales) the calls per iteration until one iteration takes the target time,
    /// then keeps calling until the warm-up time has passed and at least two iterations ran at
    /// the final count (the calibration's own calls count as warm-up: the JIT has tiered up by then).
    /// </summary>
    private (long Invokes, bool Short) Calibrate(WorkerProcess worker)
    {
        long target = (long)settings.IterationTarget.TotalNanoseconds;
        long invokes = 1;
        long spent = 0;
        long last;
        while (true)
        {
            last = Run(worker, invokes);
            spent += last;
            if (last >= target || invokes >= 1L << 30)
            {
                break;
            }

            long scaled = (long)Math.Ceiling(invokes * 1.25 * target / Math.Max(last, 1));
            invokes = Math.Clamp(scaled, invokes * 2, invokes * 16);
        }

        int atFinal = 1;
        while (spent < settings.Warmup.TotalNanoseconds || atFinal < 2)
        {
            last = Run(worker, invokes);
            spent += last;
            atFinal++;
        }

        return (invokes, last <= target * 1.5);
    }

    private long Run(WorkerProcess worker, long invokes) =>
        worker.Send(new WorkerRequest("run", Invokes: invokes, Iterations: 1), settings.RequestTimeout, cancellation).Nanoseconds![0];

    private string? Guard(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (BenchException e)
        {
            log.WriteLine($"  {e.Message}");
            return e.Message;
        }
    }

    private static double Quantile(IEnumerable<double> values, double p) =>
        Numerics.Statistics.Quantiles.Sorted(values.Order().ToArray(), p, Numerics.Statistics.QuantileType.Type7);

    /// <summary>A one-line account of a result for the progress log.</summary>
    public static string Describe(BenchResult r)
    {
        string Figure(SideFigures? f) => f is null ? "-" : BenchmarkCase.FormatThroughput(f.Throughput, r.Unit);
        var ratio = r.Ratio is { } x
            ? string.Create(CultureInfo.InvariantCulture, $", ratio {x.Median:F3} [{x.Lower:F3}, {x.Upper:F3}]")
            : string.Empty;
        var figures = r.Baseline is null && r.Verdict != Verdict.OnlyInBaseline
            ? Figure(r.Current)
            : $"baseline {Figure(r.Baseline)}, current {Figure(r.Current)}";
        return string.Create(CultureInfo.InvariantCulture, $"{r.Id}: {figures}{ratio} — {RegressionRule.Text(r.Verdict)} ({r.Wall.TotalSeconds:F1} s){(r.Error is null ? string.Empty : $": {r.Error}")}");
    }
}
