using System.Reflection;
using System.Runtime.Loader;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Backtest.Cli.Bench;

/// <summary>A request to a worker (one JSON object per line on its standard input).</summary>
/// <param name="Op"><c>list</c>, <c>setup</c>, <c>run</c> or <c>cleanup</c>.</param>
/// <param name="Case">For <c>setup</c>: the benchmark id.</param>
/// <param name="Invokes">For <c>run</c>: calls per timed iteration.</param>
/// <param name="Iterations">For <c>run</c>: how many timed iterations.</param>
internal sealed record WorkerRequest(string Op, string? Case = null, long Invokes = 0, int Iterations = 0);

/// <summary>A worker's answer (one JSON object per line on its standard output).</summary>
/// <param name="Ok">Whether the request succeeded; if not, <paramref name="Error"/> says why.</param>
/// <param name="Error">The failure, as "ExceptionType: message".</param>
/// <param name="Cases">For <c>list</c>: the build's benchmark cases.</param>
/// <param name="GitCommit">For <c>list</c>: the commit the build's engine recorded.</param>
/// <param name="GitDirty">For <c>list</c>: whether that build had uncommitted changes.</param>
/// <param name="Nanoseconds">For <c>run</c>: wall nanoseconds of each iteration.</param>
/// <param name="CpuNanoseconds">For <c>run</c>: the process's CPU nanoseconds (all threads) in each iteration.</param>
internal sealed record WorkerReply(bool Ok, string? Error = null, IReadOnlyList<BenchmarkCase>? Cases = null, IReadOnlyList<long>? Nanoseconds = null,
    IReadOnlyList<long>? CpuNanoseconds = null, string? GitCommit = null, bool? GitDirty = null);

/// <summary>
/// The measuring side of <c>backtest bench</c>: one process per (build, benchmark case), started
/// as <c>backtest bench-worker ASSEMBLY</c> from the current revision's CLI. It loads a benchmarks
/// assembly — the current build's or the baseline's — into its own load context, resolving that
/// build's own dependencies (engine, numerics, BenchmarkDotNet) from its output folder, so each
/// side runs exactly the code of its revision under the same host and runtime settings. It then
/// answers requests: list the cases, set one up, time iterations of it, clean up.
/// Timing is of a loop of direct delegate calls; a full garbage collection precedes every timed
/// iteration, outside the timing, as BenchmarkDotNet does.
/// </summary>
internal static class BenchWorker
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static int Run(string assemblyPath, TextReader requests, TextWriter replies)
    {
        var full = Path.GetFullPath(assemblyPath);
        var context = new BenchmarkLoadContext(full);
        var assembly = context.LoadFromAssemblyPath(full);
        var (commit, dirty) = GitMetadata(context);
        IReadOnlyList<BenchmarkCase>? cases = null;
        LoadedBenchmark? loaded = null;
        while (requests.ReadLine() is { } line)
        {
            WorkerReply reply;
            try
            {
                var request = JsonSerializer.Deserialize<WorkerRequest>(line, Json) ?? throw new InvalidOperationException("empty request");
                cases ??= BenchmarkDiscovery.Cases(assembly);
                switch (request.Op)
                {
                    case "list":
                        reply = new WorkerReply(true, Cases: cases, GitCommit: commit, GitDirty: dirty);
                        break;
                    case "setup":
                        var chosen = cases.FirstOrDefault(c => c.Id == request.Case) ?? throw new InvalidOperationException($"no benchmark '{request.Case}' in this build");
                        loaded = BenchmarkDiscovery.Load(assembly, chosen);
                        reply = new WorkerReply(true);
                        break;
                    case "run":
                        var benchmark = loaded ?? throw new InvalidOperationException("run before setup");
                        var (wall, cpu) = benchmark.Measure(Math.Max(1, request.Invokes), Math.Max(1, request.Iterations));
                        reply = new WorkerReply(true, Nanoseconds: wall, CpuNanoseconds: cpu);
                        break;
                    case "cleanup":
                        loaded?.GlobalCleanup();
                        loaded = null;
                        reply = new WorkerReply(true);
                        break;
                    default:
                        throw new InvalidOperationException($"unknown request '{request.Op}'");
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var inner = e is TargetInvocationException { InnerException: { } i } ? i : e;
                reply = new WorkerReply(false, Error: $"{inner.GetType().Name}: {inner.Message.ReplaceLineEndings(" ")}");
            }

            replies.WriteLine(JsonSerializer.Serialize(reply, Json));
            replies.Flush();
        }

        return BacktestCli.Ok;
    }

    /// <summary>The commit the build's engine recorded (see Backtest.Engine.csproj), or "unknown".</summary>
    private static (string Commit, bool Dirty) GitMetadata(AssemblyLoadContext context)
    {
        try
        {
            var engine = context.LoadFromAssemblyName(new AssemblyName("Backtest.Engine"));
            var metadata = engine.GetCustomAttributes<AssemblyMetadataAttribute>().ToDictionary(a => a.Key, a => a.Value);
            return (metadata.GetValueOrDefault("GitCommit") ?? "unknown", metadata.GetValueOrDefault("GitDirty") == "true");
        }
        catch (FileNotFoundException)
        {
            return ("unknown", false);
        }
    }
}

/// <summary>
/// Loads a benchmarks assembly and everything its build folder provides (per its deps.json) apart
/// from the host: the framework still comes from the runtime, everything else from the build.
/// </summary>
internal sealed class BenchmarkLoadContext(string mainAssembly) : AssemblyLoadContext($"benchmarks {mainAssembly}")
{
    private readonly AssemblyDependencyResolver resolver = new(mainAssembly);

    protected override Assembly? Load(AssemblyName assemblyName) =>
        resolver.ResolveAssemblyToPath(assemblyName) is { } path ? LoadFromAssemblyPath(path) : null;

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
}
