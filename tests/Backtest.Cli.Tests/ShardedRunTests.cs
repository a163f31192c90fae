using System.Diagnostics;
using Backtest.Engine.Runs;
using Backtest.Engine.Studies;
using Backtest.Engine.Tests.Runs;
using Backtest.IO.Parquet;

namespace Backtest.Cli.Tests;

/// <summary>
/// The sharded workflow across process boundaries: each shard, the single run and the merge are
/// separate processes — the built <c>backtest</c> with a shipped model, or this assembly started
/// as <see cref="TestCliHost"/> where a fault must be injected — as on a cluster, where only the
/// shared folder connects them.
/// </summary>
public sealed class ShardedRunTests : IDisposable
{
    /// <summary>The built CLI, which the test project's reference copies beside the tests.</summary>
    private static readonly string Cli = Path.Combine(AppContext.BaseDirectory, "backtest.dll");

    private static readonly string Host = typeof(TestCliHost).Assembly.Location;

    // The shipped WF6 model, made small: two runs of 3,000 paths are blocks 0-2 and 3-5, so each
    // of 3 shards holds one block of each run, block 2 and 5 being the short ones (952 paths).
    private const string Wf6Study = """
        name: wf6-small
        model: wf6
        seed: 5
        paths: 3000
        scenarios:
          - name: reference
            kind: monte_carlo
        parameters:
          days: 365
        sweep:
          product:
            premium_rate: [0.10, 0.15]
        """;

    // Blocks of 1,024 paths: mc/ps000 0-2, mc/ps001 3-5, hist/ps000 6, hist/ps001 7; shard I of 3
    // has the blocks g with g mod 3 = I. The recorded paths (the first 1,500) lie in shards 0 and 1.
    private const string Study = """
        name: sharded
        model: testwalk
        seed: 11
        paths: 2500
        series_paths: 1500
        scenarios:
          - name: mc
            kind: mc
            steps: 30
          - name: hist
            kind: history
        sweep:
          product:
            drift: [0.001, -0.002]
        """;

    /// <summary>A path of block 1 of the first run, so shard 1 of 3 simulates it.</summary>
    private const long ShardOnePath = 1100;

    private static readonly string[] BatchVariables =
        [ShardSelection.SlurmIndexVariable, ShardSelection.SlurmCountVariable, ShardSelection.KubernetesIndexVariable, TestCliHost.FaultVariable];

    private readonly string root = Directory.CreateTempSubdirectory("backtest-sharded-").FullName;

    public ShardedRunTests()
    {
        File.WriteAllText(Path.Combine(root, "study.yaml"), Study);
        File.WriteAllText(Path.Combine(root, "wf6.yaml"), Wf6Study);
        Directory.CreateDirectory(Path.Combine(root, "data"));
    }

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void OneAndThreeShardProcessesOfTheBuiltCliMergeIntoItsSingleRunValueForValue()
    {
        var data = Path.Combine(Engine.Tests.RepositoryFolder.Root, "data");
        var single = Backtest(Cli, [], "run", "wf6.yaml", "--out", "single", "--data", data);
        Assert.True(single.Code == 0, single.Err);

        // The study as 1 shard, and as 3 with one shard per way of choosing it: the option, a
        // Slurm array task, a Kubernetes indexed pod.
        var shards = new[]
        {
            Start(Cli, [], "run", "wf6.yaml", "--shard", "0/1", "--out", "one-shard", "--data", data),
            Start(Cli, [], "run", "wf6.yaml", "--shard", "0/3", "--out", "shards", "--data", data),
            Start(Cli, ["SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=3"], "run", "wf6.yaml", "--out", "shards", "--data", data),
            Start(Cli, ["JOB_COMPLETION_INDEX=2"], "run", "wf6.yaml", "--shards", "3", "--out", "shards", "--data", data),
        }.Select(Finish).ToList();
        string[] written = ["0/1", "0/3", "1/3", "2/3"];
        for (int i = 0; i < shards.Count; i++)
        {
            Assert.True(shards[i].Code == 0, shards[i].Err);
            Assert.Contains($"wrote shard {written[i]} of wf6-small", shards[i].Out);
        }

        foreach (var (folder, count) in new[] { ("one-shard", 1), ("shards", 3) })
        {
            var merged = $"merged-{count}";
            var merge = Backtest(Cli, [], "merge", folder, "--out", merged, "--data", data);
            Assert.True(merge.Code == 0, merge.Err);
            Assert.Contains(count == 1 ? "merged 1 shard into" : $"merged {count} shards into", merge.Out);

            long values = RunFolderComparison.AssertSameTables(Path.Combine(root, "single"), Path.Combine(root, merged));
            using var paths = ParquetReader.Open(Path.Combine(root, merged, "paths.parquet"));
            Assert.Equal(6000, paths.RowCount);
            Assert.True(values >= 6000 * paths.Schema.Count, "every path row was compared");
            Assert.True(File.Exists(Path.Combine(root, merged, "report", "index.html")));
        }
    }

    [Theory]
    [InlineData("throw")]
    [InlineData("hang")]
    public void ACrashedShardLeavesTheOthersValidAndTheMergeNamesIt(string fault)
    {
        var healthy = new[] { 0, 2 }.Select(i => Start(Host, [], "run", "study.yaml", "--shard", $"{i}/3", "--out", "shards", "--data", "data")).ToList();
        var crashing = Start(Host, [$"{TestCliHost.FaultVariable}={fault}:{ShardOnePath}"], "run", "study.yaml", "--shard", "1/3", "--out", "shards", "--data", "data");
        Assert.All(healthy.Select(Finish), r => Assert.True(r.Code == 0, r.Err));
        if (fault == "hang")
        {
            // Stuck in the batch of path 1100 for good: kill it there, as a node failure would.
            Assert.False(crashing.Process.HasExited);
            crashing.Process.Kill(entireProcessTree: true);
        }

        var crashed = Finish(crashing);
        Assert.NotEqual(0, crashed.Code);

        foreach (int i in new[] { 0, 2 })
        {
            var record = ShardManifest.Read(Path.Combine(root, "shards", "shards", $"shard={i}.json"));
            using var part = ParquetReader.Open(Path.Combine(root, "shards", "paths", $"shard={i}", "part.parquet"));
            Assert.Equal(record.PathRows, part.RowCount);
        }

        Assert.False(File.Exists(Path.Combine(root, "shards", "shards", "shard=1.json")));
        var merge = Backtest(Host, [], "merge", "shards", "--out", "merged", "--data", "data");
        Assert.Equal(BacktestCli.BadInput, merge.Code);
        Assert.StartsWith("backtest: error: shard 1 of 3 is missing", merge.Err);
        Assert.Single(merge.Err.TrimEnd().Split('\n'));
        Assert.Equal(fault == "hang", merge.Err.Contains("unfinished attempt", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(root, "merged")));

        // Run again, shard 1 completes the set (once is enough to show: after the harder crash).
        if (fault == "hang")
        {
            var rerun = Backtest(Host, [], "run", "study.yaml", "--shard", "1/3", "--out", "shards", "--data", "data");
            Assert.True(rerun.Code == 0, rerun.Err);
            merge = Backtest(Host, [], "merge", "shards", "--out", "merged", "--data", "data");
            Assert.True(merge.Code == 0, merge.Err);
            var study = StudyLoader.Load(Path.Combine(root, "study.yaml"), TestCliHost.Models(null));
            StudyRunner.Run(study, new RunOptions(Path.Combine(root, "single"), Path.Combine(root, "data")));
            RunFolderComparison.AssertSameTables(Path.Combine(root, "single"), Path.Combine(root, "merged"));
        }
    }

    [Fact]
    public void ConflictingShardSourcesAreBadInput()
    {
        var result = Backtest(Cli, ["SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_COUNT=3"], "run", "wf6.yaml", "--shard", "1/3", "--out", "shards", "--data", "data");
        Assert.Equal(BacktestCli.BadInput, result.Code);
        Assert.Contains("--shard 1/3 conflicts with SLURM_ARRAY_TASK_ID=2", result.Err);
        Assert.False(Directory.Exists(Path.Combine(root, "shards")));
    }

    [Fact]
    public void AShardIsNotCatalogued()
    {
        var catalog = Path.Combine(root, "catalog.db");
        var result = CliContractTests.Invoke("run", Path.Combine(root, "wf6.yaml"), "--shard", "0/3", "--out", Path.Combine(root, "shards"), "--catalog", catalog);
        Assert.Equal(BacktestCli.BadInput, result.Code);
        Assert.Contains("a shard is not catalogued; pass --catalog to backtest merge", result.Err);
        Assert.False(Directory.Exists(Path.Combine(root, "shards")));
    }

    private (int Code, string Out, string Err) Backtest(string program, string[] environment, params string[] args) => Finish(Start(program, environment, args));

    private Running Start(string program, string[] environment, params string[] args)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(program);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var name in BatchVariables)
        {
            info.Environment.Remove(name);
        }

        foreach (var pair in environment)
        {
            var (name, value) = (pair[..pair.IndexOf('=')], pair[(pair.IndexOf('=') + 1)..]);
            info.Environment[name] = value;
        }

        var process = Process.Start(info)!;
        // Read both streams from the start so a chatty process never blocks on a full pipe.
        return new Running(process, process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
    }

    private static (int Code, string Out, string Err) Finish(Running running)
    {
        using var process = running.Process;
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("a backtest process did not finish in 3 minutes");
        }

        return (process.ExitCode, running.Out.Result, running.Err.Result);
    }

    /// <summary>The dotnet executable running these tests (so the processes use the same runtime).</summary>
    private static string DotnetHost()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }

    /// <summary>A started process and its two output streams, read to the end as they come.</summary>
    private sealed record Running(Process Process, Task<string> Out, Task<string> Err);
}
