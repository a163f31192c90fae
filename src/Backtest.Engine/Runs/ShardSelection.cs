using System.Globalization;

namespace Backtest.Engine.Runs;

/// <summary>
/// Decides whether <c>backtest run</c> runs a shard, and which, from the command line, a batch
/// system's environment and the study.
/// <para>
/// The index I comes from <c>--shard I/N</c>, Slurm's <c>SLURM_ARRAY_TASK_ID</c> or Kubernetes'
/// <c>JOB_COMPLETION_INDEX</c>; all of them that are present must be equal. The count N comes
/// from the first of <c>--shard I/N</c>, <c>--shards N</c> (which must then equal the former),
/// Slurm's <c>SLURM_ARRAY_TASK_COUNT</c>, the study's <c>shards:</c>. A Slurm array must fit in
/// the count: numbered from 0, its highest task (<c>SLURM_ARRAY_TASK_MAX</c>) below N. An array
/// of fewer tasks than N is accepted when N is given explicitly, so failed shards can be run
/// again alone (<c>sbatch --array=2,5 …</c>); merge then names any shard still missing.
/// Anything else that disagrees is an error, not silently overridden: a mistyped array size or
/// completion count would otherwise leave paths uncomputed or computed twice. With no index
/// source the run is not sharded.
/// </para>
/// </summary>
public static class ShardSelection
{
    public const string SlurmIndexVariable = "SLURM_ARRAY_TASK_ID";
    public const string SlurmCountVariable = "SLURM_ARRAY_TASK_COUNT";
    public const string SlurmMaxVariable = "SLURM_ARRAY_TASK_MAX";
    public const string KubernetesIndexVariable = "JOB_COMPLETION_INDEX";

    /// <param name="shardOption">The <c>--shard</c> value ("I/N"), if given.</param>
    /// <param name="shardsOption">The <c>--shards</c> value, if given.</param>
    /// <param name="studyShards">The study's <c>shards:</c> value, if set.</param>
    /// <param name="environment">Reads an environment variable (null or empty = unset).</param>
    /// <returns>The shard to run, or null for a whole (unsharded) run.</returns>
    public static ShardSpec? Resolve(string? shardOption, int? shardsOption, int? studyShards, Func<string, string?> environment)
    {
        var explicitShard = shardOption is null ? null : ShardSpec.Parse(shardOption, "--shard");
        long? slurmIndex = Integer(environment, SlurmIndexVariable);
        long? slurmCount = Integer(environment, SlurmCountVariable);
        long? slurmMax = Integer(environment, SlurmMaxVariable);
        long? kubernetesIndex = Integer(environment, KubernetesIndexVariable);

        if (shardsOption is < 1)
        {
            throw new InputException("must be at least 1", key: "--shards");
        }

        var indices = new List<(long Index, string Source, string Key)>();
        if (explicitShard is not null)
        {
            indices.Add((explicitShard.Index, $"--shard {explicitShard}", "--shard"));
        }

        if (slurmIndex is { } s)
        {
            indices.Add((s, $"{SlurmIndexVariable}={s}", SlurmIndexVariable));
        }

        if (kubernetesIndex is { } k)
        {
            indices.Add((k, $"{KubernetesIndexVariable}={k}", KubernetesIndexVariable));
        }

        if (indices.Count == 0)
        {
            return shardsOption is null
                ? null
                : throw new InputException($"--shards gives a count but nothing gives this process's index: pass --shard I/N, or run as a Slurm array task ({SlurmIndexVariable}) or a Kubernetes indexed job ({KubernetesIndexVariable})", key: "--shards");
        }

        var (index, indexSource, indexKey) = indices[0];
        if (indices.Skip(1).FirstOrDefault(i => i.Index != index) is { Source: not null } disagreeing)
        {
            throw Conflict(indexSource, disagreeing.Source);
        }

        if (explicitShard is not null && shardsOption is not null && shardsOption != explicitShard.Count)
        {
            throw Conflict($"--shard {explicitShard}", $"--shards {shardsOption}");
        }

        long? explicitCount = explicitShard?.Count ?? shardsOption;
        if (slurmIndex is not null)
        {
            if (slurmCount is null)
            {
                throw new InputException($"{SlurmIndexVariable} is set but {SlurmCountVariable} is not (is this a Slurm job array?)", key: SlurmCountVariable);
            }

            long highest = slurmMax ?? index;
            if (explicitCount is { } n && (slurmCount > n || highest >= n))
            {
                throw Conflict(explicitShard is not null ? $"--shard {explicitShard}" : $"--shards {n}",
                    $"the Slurm array ({SlurmCountVariable}={slurmCount}, {SlurmMaxVariable}={highest}), which does not fit in {n} shards");
            }

            if (explicitCount is null && highest >= slurmCount)
            {
                throw new InputException(
                    $"the Slurm array's task {highest} is not below {SlurmCountVariable}={slurmCount}: submit the array as --array=0-{slurmCount - 1}, or pass --shards N",
                    key: SlurmIndexVariable);
            }
        }

        long count = explicitCount ?? slurmCount ?? studyShards ?? throw new InputException(
            $"{KubernetesIndexVariable}={kubernetesIndex} is set but not the shard count: pass --shards N or set shards: in the study", key: KubernetesIndexVariable);
        return ShardSpec.Create(index, count, indexKey);
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
