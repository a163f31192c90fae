using System.Diagnostics;
using System.Globalization;
using Backtest.Engine.Runs;
using Spectre.Console;

namespace Backtest.Cli;

/// <summary>
/// Shows a running study: the plan and the pilot's estimate first, then progress with rate
/// and ETA — live bars on a terminal, plain lines at most every few seconds when the output
/// is redirected (as in CI) so logs stay readable.
/// </summary>
internal abstract class ProgressDisplay : IRunProgress
{
    protected readonly TextWriter Out;
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private long pathsBefore;
    private long totalPaths;

    protected ProgressDisplay(TextWriter output) => Out = output;

    public static ProgressDisplay For(TextWriter output) =>
        TextTable.IsTerminal(output)
            ? new LiveBars(output)
            : new PlainLines(output);

    protected double Fraction(long pathsDone) => totalPaths == 0 ? 1 : (double)(pathsBefore + pathsDone) / totalPaths;

    protected TimeSpan Elapsed => clock.Elapsed;

    public virtual void Planned(RunPlan plan)
    {
        totalPaths = plan.SimulatedPaths;
        var study = plan.Study;
        Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"study {study.Name} ({study.Model.Name}): {study.Scenarios.Count} scenarios × {study.ParameterSets.Count} parameter sets = {plan.Runs.Count} runs, {plan.TotalPaths:N0} paths, {plan.TotalPathDays:N0} path-steps, seed {study.Seed}, {Engine.Scheduling.BatchScheduler.ResolveThreads(study.Threads)} threads"));
        if (plan.Shard is { } shard)
        {
            Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"shard {shard}: {plan.SimulatedPaths:N0} of the paths, {plan.SimulatedPathDays:N0} path-steps (blocks of {ShardSlice.BlockPaths:N0} paths, round-robin)"));
        }
    }

    public virtual void Estimated(double pathDaysPerSecond, TimeSpan projected) =>
        Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pilot: {pathDaysPerSecond:N0} path-steps/s, estimated wall time {Format(projected)}"));

    public abstract void Advanced(PlannedRun run, long pathsDone);

    public virtual void RunFinished(PlannedRun run, TimeSpan wall) => pathsBefore += run.SimulatedPaths;

    public virtual void Finish()
    {
    }

    protected static string Format(TimeSpan t) =>
        t.TotalSeconds < 60 ? string.Create(CultureInfo.InvariantCulture, $"{t.TotalSeconds:F1} s")
        : t.TotalMinutes < 60 ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalMinutes} min {t.Seconds} s")
        : string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours} h {t.Minutes} min");

    protected string Eta(long pathsDone)
    {
        var f = Fraction(pathsDone);
        return f <= 0 ? "?" : Format(TimeSpan.FromSeconds(Elapsed.TotalSeconds * (1 - f) / f));
    }

    private sealed class PlainLines(TextWriter output) : ProgressDisplay(output)
    {
        private TimeSpan lastLine = TimeSpan.Zero;

        public override void Advanced(PlannedRun run, long pathsDone)
        {
            if (Elapsed - lastLine < TimeSpan.FromSeconds(5) && pathsDone < run.SimulatedPaths)
            {
                return;
            }

            lastLine = Elapsed;
            if (pathsDone < run.SimulatedPaths)
            {
                Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {run.Label}: {pathsDone:N0}/{run.SimulatedPaths:N0} paths; study {Fraction(pathsDone):P0}, ETA {Eta(pathsDone)}"));
            }
        }

        public override void RunFinished(PlannedRun run, TimeSpan wall)
        {
            base.RunFinished(run, wall);
            Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {run.Label}: {run.SimulatedPaths:N0} paths in {Format(wall)} ({run.SimulatedPathDays / Math.Max(wall.TotalSeconds, 1e-9):N0} path-steps/s)"));
        }
    }

    /// <summary>Spectre.Console bars, refreshed on their own thread; updates come from the scheduler's consumer.</summary>
    private sealed class LiveBars(TextWriter output) : ProgressDisplay(output)
    {
        private readonly ManualResetEventSlim stopped = new();
        private ProgressTask? study;
        private Thread? renderer;
        private readonly ManualResetEventSlim ready = new();
        private readonly ManualResetEventSlim done = new();

        public override void Planned(RunPlan plan)
        {
            base.Planned(plan);
            renderer = new Thread(() =>
            {
                AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .Start(ctx =>
                    {
                        study = ctx.AddTask("study", maxValue: Math.Max(1, plan.SimulatedPaths));
                        ready.Set();
                        done.Wait();
                        study.Value = study.MaxValue;
                    });
                stopped.Set();
            })
            { IsBackground = true };
            renderer.Start();
            ready.Wait();
        }

        public override void Estimated(double pathDaysPerSecond, TimeSpan projected) =>
            AnsiConsole.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"pilot: {pathDaysPerSecond:N0} path-steps/s, estimated wall time {Format(projected)}")));

        public override void Advanced(PlannedRun run, long pathsDone)
        {
            if (study is not null)
            {
                study.Description = run.Label;
                study.Value = Fraction(pathsDone) * study.MaxValue;
            }
        }

        public override void Finish()
        {
            done.Set();
            stopped.Wait(TimeSpan.FromSeconds(5));
        }
    }
}
