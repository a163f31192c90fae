using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Environments;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains;
using BenchmarkDotNet.Toolchains.CsProj;
using BenchmarkDotNet.Toolchains.DotNetCli;

namespace Backtest.Benchmarks;

/// <summary>
/// The configuration every benchmark here uses. BenchmarkDotNet 0.14.0 predates .NET 10 and
/// has no net10.0 moniker, so the runtime and the toolchain that builds the benchmark process
/// are named explicitly. The toolchain is assembled from BenchmarkDotNet's own csproj generator,
/// builder and executor rather than taken from <c>CsProjCoreToolchain</c>, whose SDK check throws
/// on a moniker it does not know. The process is separate (not in-process) so jobs can set
/// environment variables. Runs are short (3 warm-ups, 10 iterations): the figures are for comparing tiers
/// and commits measured in one run, not for absolute claims.
/// </summary>
public class BenchmarkConfig : ManualConfig
{
    public BenchmarkConfig()
    {
        // Loggers, exporters and the standard columns; a ManualConfig starts without them.
        Add(DefaultConfig.Instance);

        // A default job: dropped where a class's own config names jobs.
        AddJob(BaseJob.WithId("default").AsDefault());
        AddColumn(StatisticColumn.OperationsPerSecond);

        // Building the benchmark process rebuilds the referenced projects; on a shared machine
        // that takes longer than BenchmarkDotNet's default two minutes.
        WithBuildTimeout(TimeSpan.FromMinutes(15));
    }

    /// <summary>A .NET 10 job: the runtime, a toolchain that builds for net10.0, and short run counts.</summary>
    protected static Job BaseJob { get; } = Job.Default
        .WithRuntime(CoreRuntime.CreateForNewVersion("net10.0", ".NET 10.0"))
        .WithToolchain(new Toolchain(
            ".NET 10.0",
            new CsProjGenerator("net10.0", cliPath: null!, packagesPath: null!, runtimeFrameworkVersion: null!, isNetCore: true),
            new DotNetCliBuilder("net10.0"),
            new DotNetCliExecutor(customDotNetCliPath: null!)))
        .WithWarmupCount(3)
        .WithIterationCount(10)
        .WithLaunchCount(1);
}

/// <summary>
/// <see cref="BenchmarkConfig"/> plus the same benchmarks with AVX-512 and with AVX2 switched off
/// in the runtime (<c>DOTNET_EnableAVX512F=0</c>, <c>DOTNET_EnableAVX2=0</c>), so the speed of the
/// narrower tiers a machine falls back to is visible next to the default.
/// </summary>
public sealed class InstructionSetsConfig : BenchmarkConfig
{
    public InstructionSetsConfig()
    {
        AddJob(BaseJob.WithId("default"));
        AddJob(BaseJob.WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableAVX512F", "0")).WithId("no-AVX512"));
        AddJob(BaseJob.WithEnvironmentVariables(
            new EnvironmentVariable("DOTNET_EnableAVX512F", "0"),
            new EnvironmentVariable("DOTNET_EnableAVX2", "0")).WithId("no-AVX2"));
    }
}
