using System.Text.Json;
using Backtest.Cli.Bench;

namespace Backtest.Cli.Tests.Bench;

public class BenchWorkerTests
{
    private static readonly string TestAssembly = typeof(SampleBenchmarks).Assembly.Location;

    /// <summary>Runs a worker in this process over the test assembly with the given requests; its answers in order.</summary>
    private static List<WorkerReply> Converse(params WorkerRequest[] requests)
    {
        var input = new StringReader(string.Join('\n', requests.Select(r => JsonSerializer.Serialize(r, BenchWorker.Json))));
        var output = new StringWriter();
        Assert.Equal(BacktestCli.Ok, BenchWorker.Run(TestAssembly, input, output));
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonSerializer.Deserialize<WorkerReply>(l, BenchWorker.Json)!).ToList();
    }

    [Fact]
    public void ListingExpandsParametersAndReadsUnitsAndTracking()
    {
        var cases = Converse(new WorkerRequest("list")).Single().Cases!;
        var light = cases.Single(c => c.Id == "SampleBenchmarks.Spin(Work=1)");
        var heavy = cases.Single(c => c.Id == "SampleBenchmarks.Spin(Work=4)");
        Assert.True(light.Tracked);
        Assert.False(heavy.Tracked);
        Assert.Equal("steps", light.Unit);
        Assert.Equal(SampleBenchmarks.StepsPerOperation, light.UnitsPerOperation);
        Assert.Equal(SampleBenchmarks.OperationsPerCall, light.OperationsPerInvoke);
        Assert.Equal([new KeyValuePair<string, string>("Work", "4")], heavy.Parameters);
        Assert.Equal("operations", cases.Single(c => c.Id == "FailingSetupBenchmarks.Nothing").Unit);
        Assert.Contains("arguments", cases.Single(c => c.Id == "ArgumentBenchmarks.WithArgument").Unsupported);
        Assert.Null(light.Unsupported);
    }

    [Fact]
    public void TheRealBenchmarksAssemblyListsTheTrackedSet()
    {
        var real = Path.Combine(Path.GetDirectoryName(TestAssembly)!, "Backtest.Benchmarks.dll");
        var input = new StringReader(JsonSerializer.Serialize(new WorkerRequest("list"), BenchWorker.Json));
        var output = new StringWriter();
        BenchWorker.Run(real, input, output);
        var reply = JsonSerializer.Deserialize<WorkerReply>(output.ToString(), BenchWorker.Json)!;
        Assert.Equal(
            [
                "FixedKernelsBenchmarks.MulDiv(Tier=Scalar)",
                "FixedKernelsBenchmarks.MulDiv(Tier=Vector256)",
                "ParquetWriteBenchmarks.Write(Codec=Snappy)",
                "PhiloxBenchmarks.FillDispatched",
                "StudyBenchmarks.Wf6",
                "Wf6Benchmarks.Kernel(Tier=Vector256)",
            ],
            reply.Cases!.Where(c => c.Tracked).Select(c => c.Id).Order(StringComparer.Ordinal));
        Assert.Equal("path-days", reply.Cases!.Single(c => c.Id == "StudyBenchmarks.Wf6").Unit);
        Assert.Equal("path-days", reply.Cases!.Single(c => c.Id == "Wf6Benchmarks.Kernel(Tier=Vector256)").Unit);
        Assert.Equal(80_000_000, reply.Cases!.Single(c => c.Id == "ParquetWriteBenchmarks.Write(Codec=Snappy)").UnitsPerOperation);
    }

    [Fact]
    public void RunsTimeIterationsOfTheSetUpCase()
    {
        var replies = Converse(
            new WorkerRequest("setup", "SampleBenchmarks.Spin(Work=1)"),
            new WorkerRequest("run", Invokes: 2, Iterations: 3),
            new WorkerRequest("cleanup"));
        Assert.All(replies, r => Assert.True(r.Ok, r.Error));
        Assert.Equal(3, replies[1].Nanoseconds!.Count);
        Assert.Equal(3, replies[1].CpuNanoseconds!.Count);
        Assert.All(replies[1].Nanoseconds!, ns => Assert.True(ns > 0));
    }

    [Fact]
    public void FailuresAreAnswersAndTheWorkerCarriesOn()
    {
        var replies = Converse(
            new WorkerRequest("run", Invokes: 1, Iterations: 1),
            new WorkerRequest("setup", "NoSuch.Benchmark"),
            new WorkerRequest("setup", "FailingSetupBenchmarks.Nothing"),
            new WorkerRequest("setup", "ArgumentBenchmarks.WithArgument"),
            new WorkerRequest("bogus"),
            new WorkerRequest("list"));
        Assert.Contains("run before setup", replies[0].Error);
        Assert.Contains("no benchmark 'NoSuch.Benchmark'", replies[1].Error);
        Assert.Equal("InvalidOperationException: deliberate setup failure", replies[2].Error);
        Assert.Contains("not supported", replies[3].Error);
        Assert.Contains("unknown request", replies[4].Error);
        Assert.True(replies[5].Ok);
        Assert.All(replies.Take(5), r => Assert.False(r.Ok));
    }

    [Theory]
    [InlineData("FixedKernelsBenchmarks.MulDiv(Tier=Scalar)", "*MulDiv*", true)]
    [InlineData("FixedKernelsBenchmarks.MulDiv(Tier=Scalar)", "*muldiv(tier=scalar)", true)]
    [InlineData("FixedKernelsBenchmarks.MulDiv(Tier=Scalar)", "Backtest.Benchmarks.Numerics.FixedKernels*", true)]
    [InlineData("FixedKernelsBenchmarks.MulDiv(Tier=Scalar)", "*MulDivByScalar*", false)]
    [InlineData("PhiloxBenchmarks.FillDispatched", "Philox?enchmarks.Fill*", true)]
    [InlineData("PhiloxBenchmarks.FillDispatched", "Fill*", false)]
    public void FiltersAreGlobsOverTheIdWithOrWithoutNamespace(string id, string pattern, bool matches)
    {
        var type = id.StartsWith("Philox", StringComparison.Ordinal) ? "Backtest.Benchmarks.Numerics.PhiloxBenchmarks" : "Backtest.Benchmarks.Numerics.FixedKernelsBenchmarks";
        var c = new BenchmarkCase(id, type, "m", [], 1, "elements", 1, false, null);
        Assert.Equal(matches, c.Matches(pattern));
    }

    [Theory]
    [InlineData(41_234_567, "elements", "41.2 M elements/s")]
    [InlineData(293_123_414, "elements", "293 M elements/s")]
    [InlineData(1_500_000_000, "words", "1.50 G words/s")]
    [InlineData(950, "path-days", "950 path-days/s")]
    public void ThroughputsPrintWithAnSiPrefix(double value, string unit, string text) =>
        Assert.Equal(text, BenchmarkCase.FormatThroughput(value, unit));
}
