using Backtest.Cli.Bench;

namespace Backtest.Cli.Tests.Bench;

public sealed class BenchSessionTests : IDisposable
{
    private static readonly BenchmarkCase Case = new("SampleBenchmarks.Spin(Work=1)", "Backtest.Cli.Tests.Bench.SampleBenchmarks", "Spin", [new("Work", "1")], 10, "steps", 20_000, true, null);

    private readonly string root = Directory.CreateTempSubdirectory("backtest-bench-session-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    /// <summary>Figures whose rounds ran at the given CPU throughputs (wall throughput half of that).</summary>
    private static SideFigures Figures(params double[] cpuThroughputs) =>
        new(Case, 1, cpuThroughputs.Select(t => new Iteration((long)(2e9 * Case.UnitsPerInvoke / t), (long)(1e9 * Case.UnitsPerInvoke / t))).ToList(),
            cpuThroughputs.Select(t => t / 2).ToList(), cpuThroughputs);

    private static BenchResult Judge(bool paired, bool inCurrent, bool inBaseline, SideFigures? current, SideFigures? baseline) =>
        BenchSession.Judge(Case.Id, Case, paired, inCurrent, inBaseline, current, baseline, null, TimeSpan.Zero);

    [Fact]
    public void AComparedBenchmarkIsJudgedByItsCpuRatio()
    {
        var baseline = Figures(100, 100, 100, 100, 100);
        var slower = Judge(true, true, true, Figures(70, 72, 75, 71, 73), baseline);
        Assert.Equal(Verdict.Regression, slower.Verdict);
        Assert.Equal(0.72, slower.CpuRatio!.Median, 12);
        Assert.Equal(0.36, slower.Current!.Throughput / baseline.CpuThroughput, 2);

        var same = Judge(true, true, true, Figures(99, 101, 100, 98, 102), baseline);
        Assert.Equal(Verdict.Pass, same.Verdict);
        Assert.NotNull(same.WallRatio);
    }

    [Fact]
    public void ABenchmarkMissingInOneBuildIsReportedAndNotGated()
    {
        var onlyCurrent = Judge(true, true, false, Figures(50, 50, 50, 50, 50), null);
        Assert.Equal(Verdict.OnlyInCurrent, onlyCurrent.Verdict);
        Assert.Null(onlyCurrent.CpuRatio);
        Assert.False(RegressionRule.Fails(onlyCurrent.Verdict));

        var onlyBaseline = Judge(true, false, true, null, Figures(50, 50, 50, 50, 50));
        Assert.Equal(Verdict.OnlyInBaseline, onlyBaseline.Verdict);
        Assert.False(RegressionRule.Fails(onlyBaseline.Verdict));
    }

    [Fact]
    public void ABuildThatCannotRunABenchmarkFailsOnlyIfItIsTheCurrentOne()
    {
        Assert.Equal(Verdict.BaselineFailed, Judge(true, true, true, Figures(50, 50, 50, 50, 50), null).Verdict);
        Assert.Equal(Verdict.Failed, Judge(true, true, true, null, Figures(50, 50, 50, 50, 50)).Verdict);
        Assert.Equal(Verdict.Failed, Judge(false, true, false, null, null).Verdict);
        Assert.Equal(Verdict.Measured, Judge(false, true, false, Figures(1, 2, 3), null).Verdict);
    }

    [Fact]
    public void SelectionIsTheTrackedSetOrTheFiltersAcrossBothBuilds()
    {
        var tracked = Case;
        var untracked = Case with { Id = "SampleBenchmarks.Spin(Work=4)", Tracked = false };
        var gone = Case with { Id = "OldBenchmarks.Removed" };
        IReadOnlyList<IReadOnlyList<BenchmarkCase>> lists = [[tracked, untracked], [tracked, gone]];
        Assert.Equal([tracked.Id, gone.Id], BenchSession.Select(lists, []));
        Assert.Equal([untracked.Id], BenchSession.Select(lists, ["*Work=4*"]));
        Assert.Equal([tracked.Id, untracked.Id], BenchSession.Select(lists, ["SampleBenchmarks.*"]));
        Assert.Empty(BenchSession.Select(lists, ["nothing"]));
    }

    /// <summary>
    /// A copy of the test build (symbolic links to its files, which load as the files do) whose
    /// sample benchmark does <paramref name="slowdown"/> times the work.
    /// </summary>
    private string SlowerCopy(int slowdown)
    {
        var source = Path.GetDirectoryName(typeof(SampleBenchmarks).Assembly.Location)!;
        var target = Path.Combine(root, $"slower-{slowdown}");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.CreateSymbolicLink(copy, file);
        }

        File.WriteAllText(Path.Combine(target, "slowdown.txt"), slowdown.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return Path.Combine(target, Path.GetFileName(typeof(SampleBenchmarks).Assembly.Location));
    }

    [Fact]
    public void WorkerProcessesInAlternationCatchADeliberateSlowdownAndPassAnUnchangedBuild()
    {
        var settings = new BenchSettings(Rounds: 5, Launches: 2, IterationTarget: TimeSpan.FromMilliseconds(10), Warmup: TimeSpan.FromMilliseconds(30), RequestTimeout: TimeSpan.FromMinutes(2));
        var log = new StringWriter();
        var same = typeof(SampleBenchmarks).Assembly.Location;
        BenchSide[] slowerSides = [new("current", SlowerCopy(3)), new("baseline", same)];
        var session = new BenchSession(settings, log, CancellationToken.None);
        var regressed = session.Measure(Case.Id, slowerSides, session.List(slowerSides));
        Assert.Equal(Verdict.Regression, regressed.Verdict);
        Assert.InRange(regressed.CpuRatio!.Median, 0.2, 0.5);
        Assert.Equal(5, regressed.CpuRatio.Rounds.Count);
        Assert.Equal(5, regressed.Current!.RoundCpu.Count);
        Assert.Equal(slowerSides[1].Commit, slowerSides[0].Commit);

        // One launch is enough to show an unchanged build passes and a broken benchmark fails.
        var single = new BenchSession(settings with { Launches = 1 }, log, CancellationToken.None);
        BenchSide[] sameSides = [new("current", same), new("baseline", same)];
        var lists = single.List(sameSides);
        Assert.Equal(Verdict.Pass, single.Measure(Case.Id, sameSides, lists).Verdict);
        var broken = single.Measure("FailingSetupBenchmarks.Nothing", sameSides, lists);
        Assert.Equal(Verdict.Failed, broken.Verdict);
        Assert.Contains("deliberate setup failure", broken.Error);
    }

    [Fact]
    public void ACallStretchedByWaitingDoesNotPassForALongCallInCalibration()
    {
        // The first call's 400 ms of wall time is over three times the 100 ms target; timed by
        // wall time alone calibration would stop at one call per iteration (some 20 µs of work).
        var settings = BenchSettings.Default with { Rounds = 1, Launches = 1 };
        var session = new BenchSession(settings, new StringWriter(), CancellationToken.None);
        BenchSide[] sides = [new("current", typeof(SampleBenchmarks).Assembly.Location)];
        var result = session.Measure("DescheduledFirstCallBenchmarks.ShortSpin", sides, session.List(sides));
        Assert.Equal(Verdict.Measured, result.Verdict);
        Assert.True(result.Current!.InvokesPerIteration > 100, $"{result.Current.InvokesPerIteration} calls per iteration");
    }
}
