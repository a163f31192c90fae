using System.Globalization;

namespace Backtest.Engine.Runs;

/// <summary>
/// Decides whether <c>backtest run</c> runs a shard, and which, from the command line, a batch
/// system's environment and the study:
/// <list type="number">
/// <item><c>--shard I/N</c>;</item>
/// <item>Slurm job arrays: <c>SLURM_ARRAY_TASK_ID</c> = I and <c>SLURM_ARRAY_TASK_COUNT</c> = N
/// (the array must be submitted as <c>--array=0-(N−1)</c>);</item>
/// <item>Kubernetes Indexed Jobs: <c>JOB_COMPLETION_INDEX</c> = I, with N from <c>--shards N</c>,
/// else the study's <c>shards:</c> key.</item>
/// </list>
/// The first source present selects the shard, and every other source present must agree with
/// it (a shard index or count that differs is an error, not silently overridden): a mistyped
/// array size or completion count would otherwise leave paths uncomputed or computed twice.
/// The study's <c>shards:</c> is only a default count, which <c>--shards</c> and the other
/// sources replace. With none of them present the run is not sharded.
/// </summary>
public static class ShardSelection
{
    public const string SlurmIndexVariable = "SLURM_ARRAY_TASK_ID";
    public const string SlurmCountVariable = "SLURM_ARRAY_TASK_COUNT";
    public const string KubernetesIndexVariable = "JOB_COMPLETION_INDEX";

    /// <param name="shardOption">The <c>--shard</c> value ("I/N"), if given.</param>
    /// <param name="shardsOption">The <c>--shards</c> value, if given.</param>
    /// <param name="studyShards">The study's <c>shards:</c> value, if set.</param>
    /// <param name="environment">Reads an environment variable (null or empty = unset).</param>
    /// <returns>The shard to run, or null for a whole (unsharded) run.</returns>
    public static ShardSpec? Resolve(string? shardOption, int? shardsOption, int? studyShards, Func<string, string?> environment)
    {
        var explicitShard = shardOption is null ? null : ShardSpec.Parse(shardOption, "--shard");
        var slurm = Slurm(environment);
        long? kubernetesIndex = Integer(environment, KubernetesIndexVariable);

        if (explicitShard is null && slurm is null && kubernetesIndex is null)
        {
            return shardsOption is null
                ? null
                : throw new InputException($"--shards gives a count but nothing gives this process's index: pass --shard I/N, or run as a Slurm array task ({SlurmIndexVariable}) or a Kubernetes indexed job ({KubernetesIndexVariable})", key: "--shards");
        }

        if (shardsOption is < 1)
        {
            throw new InputException("must be at least 1", key: "--shards");
        }

        var (chosen, source) = explicitShard is not null ? (explicitShard, $"--shard {explicitShard}")
            : slurm is not null ? (slurm, $"{SlurmIndexVariable}={slurm.Index}, {SlurmCountVariable}={slurm.Count}")
            : (ShardSpec.Create(kubernetesIndex!.Value, shardsOption ?? studyShards ?? throw new InputException(
                $"{KubernetesIndexVariable}={kubernetesIndex} is set but not the shard count: pass --shards N or set shards: in the study", key: KubernetesIndexVariable),
                KubernetesIndexVariable), $"{KubernetesIndexVariable}={kubernetesIndex}");

        if (slurm is not null && slurm != chosen)
        {
            throw Conflict(source, $"{SlurmIndexVariable}={slurm.Index}, {SlurmCountVariable}={slurm.Count}");
        }

        if (kubernetesIndex is not null && kubernetesIndex != chosen.Index)
        {
            throw Conflict(source, $"{KubernetesIndexVariable}={kubernetesIndex}");
        }

        if (shardsOption is not null && shardsOption != chosen.Count)
        {
            throw Conflict(source, $"--shards {shardsOption}");
        }

        return chosen;
    }

    private static ShardSpec? Slurm(Func<string, string?> environment)
    {
        long? index = Integer(environment, SlurmIndexVariable);
        long? count = Integer(environment, SlurmCountVariable);
        if (index is null)
        {
            return null;
        }

        if (count is null)
        {
            throw new InputException($"{SlurmIndexVariable} is set but {SlurmCountVariable} is not (is this a Slurm job array?)", key: SlurmCountVariable);
        }

        if (index >= count)
        {
            throw new InputException($"{SlurmIndexVariable}={index} is not below {SlurmCountVariable}={count}: submit the array as --array=0-{count - 1}", key: SlurmIndexVariable);
        }

        return ShardSpec.Create(index.Value, count.Value, SlurmIndexVariable);
    }

    private static long? Integer(Func<string, string?> environment, string name)
    {
        var text = environment(name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new InputException($"expected a non-negative integer, not \"{text}\"", key: name);
    }

    private static InputException Conflict(string chosen, string other) =>
        new($"{chosen} conflicts with {other}; the shard index and count must agree wherever they are given");
}
