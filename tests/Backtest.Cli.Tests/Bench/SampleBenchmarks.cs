using Backtest.Benchmarks;
using BenchmarkDotNet.Attributes;

namespace Backtest.Cli.Tests.Bench;

/// <summary>
/// Benchmarks for the harness's tests: a fixed amount of integer work per call, scaled by
/// <see cref="Work"/> and by a factor read from <c>slowdown.txt</c> beside the assembly, so a
/// copy of the test build with that file is a deliberately slower "build".
/// </summary>
[Throughput("steps", UnitsPerOperation = StepsPerOperation)]
public class SampleBenchmarks
{
    public const int StepsPerOperation = 20_000;
    public const int OperationsPerCall = 10;

    private long factor = 1;

    [Params(1, 4)]
    public int Work { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var file = Path.Combine(Path.GetDirectoryName(typeof(SampleBenchmarks).Assembly.Location)!, "slowdown.txt");
        factor = File.Exists(file) ? long.Parse(File.ReadAllText(file), System.Globalization.CultureInfo.InvariantCulture) : 1;
    }

    [Benchmark(OperationsPerInvoke = OperationsPerCall)]
    [Tracked("Work=1")]
    public long Spin()
    {
        long x = Work;
        long steps = (long)StepsPerOperation * OperationsPerCall * Work * factor;
        for (long i = 0; i < steps; i++)
        {
            x = (x * 6364136223846793005L) + 1442695040888963407L;
        }

        return x;
    }
}

/// <summary>A benchmark whose global setup fails, as a broken benchmark in a build would.</summary>
public class FailingSetupBenchmarks
{
    [GlobalSetup]
    public void Setup() => throw new InvalidOperationException("deliberate setup failure");

    [Benchmark]
    public void Nothing()
    {
    }
}

/// <summary>A benchmark with arguments, which the quick harness does not run.</summary>
public class ArgumentBenchmarks
{
    [Benchmark]
    [Arguments(3)]
    public int WithArgument(int x) => x + 1;
}

/// <summary>
/// A short benchmark whose first call sleeps, as a call descheduled on a busy machine takes long
/// in wall time without using the CPU.
/// </summary>
public class DescheduledFirstCallBenchmarks
{
    public const int SleepMilliseconds = 400;

    private bool slept;

    [Benchmark]
    public long ShortSpin()
    {
        if (!slept)
        {
            slept = true;
            Thread.Sleep(SleepMilliseconds);
        }

        long x = 1;
        for (int i = 0; i < 20_000; i++)
        {
            x = (x * 6364136223846793005L) + 1442695040888963407L;
        }

        return x;
    }
}
