using System.Globalization;

namespace Backtest.Engine.Runs;

/// <summary>One shard of a study: shard <see cref="Index"/> of <see cref="Count"/> (0 ≤ Index &lt; Count).</summary>
public sealed record ShardSpec
{
    /// <summary>Most shards a study may be split into (more would leave most shards with no block).</summary>
    public const int MaxCount = 1_000_000;

    public ShardSpec(int index, int count)
    {
        if (count < 1 || count > MaxCount)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"a study splits into 1 to {MaxCount} shards");
        }

        if (index < 0 || index >= count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"shard index must be 0 to {count - 1}");
        }

        Index = index;
        Count = count;
    }

    public int Index { get; }

    public int Count { get; }

    /// <summary>Parses "I/N"; <paramref name="key"/> names the source in errors (e.g. "--shard").</summary>
    public static ShardSpec Parse(string text, string key)
    {
        var parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int count))
        {
            throw new InputException($"expected I/N (shard I of N, 0 ≤ I < N), not \"{text}\"", key: key);
        }

        return Create(index, count, key);
    }

    /// <summary>A shard from separately given index and count; errors name <paramref name="key"/>.</summary>
    public static ShardSpec Create(long index, long count, string key)
    {
        if (count < 1 || count > MaxCount)
        {
            throw new InputException($"the shard count must be 1 to {MaxCount:N0}, not {count}", key: key);
        }

        if (index < 0 || index >= count)
        {
            throw new InputException($"shard index {index} is outside 0..{count - 1} (shards are numbered from 0)", key: key);
        }

        return new ShardSpec((int)index, (int)count);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Index}/{Count}");
}

/// <summary>Paths <see cref="First"/> .. <see cref="First"/> + <see cref="Count"/> − 1 of one run.</summary>
public readonly record struct PathRange(long First, int Count)
{
    public long End => First + Count;
}

/// <summary>
/// Which paths each shard simulates. Every run's paths are cut into blocks of
/// <see cref="BlockPaths"/> (the last one shorter); the blocks of all runs are numbered
/// globally in run order (scenario-major, then parameter set; within a run by path), and shard
/// I of N takes the blocks whose number g has g mod N = I. So every shard holds about 1/N of
/// every run (its share of a run differs from another shard's by at most one block), and the
/// single blocks of one-path runs (historical replays) go round-robin instead of all landing on
/// one shard. The slice depends only on the runs' path counts and N — never on the machine,
/// threads or SIMD width — so shards run on different hardware fit together exactly.
/// </summary>
public sealed class ShardSlice
{
    /// <summary>Paths per block. Fixed: changing it changes which shard owns which path.</summary>
    public const int BlockPaths = 1024;

    private readonly long[] firstBlock;
    private readonly int[] blocks;
    private readonly long[] paths;

    public ShardSlice(int shardCount, IReadOnlyList<long> runPaths)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        Count = shardCount;
        paths = [.. runPaths];
        firstBlock = new long[paths.Length];
        blocks = new int[paths.Length];
        long next = 0;
        for (int r = 0; r < paths.Length; r++)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(paths[r], 1);
            firstBlock[r] = next;
            blocks[r] = checked((int)((paths[r] + BlockPaths - 1) / BlockPaths));
            next += blocks[r];
        }

        TotalBlocks = next;
    }

    /// <summary>The number of shards N.</summary>
    public int Count { get; }

    /// <summary>Blocks of all runs together.</summary>
    public long TotalBlocks { get; }

    /// <summary>The global number of a run's first block.</summary>
    public long FirstBlock(int run) => firstBlock[run];

    /// <summary>How many blocks a run has.</summary>
    public int Blocks(int run) => blocks[run];

    /// <summary>The paths of block <paramref name="block"/> of a run.</summary>
    public PathRange Block(int run, int block)
    {
        long first = (long)block * BlockPaths;
        return new PathRange(first, (int)Math.Min(BlockPaths, paths[run] - first));
    }

    /// <summary>The shard that simulates a run's block.</summary>
    public int ShardOf(int run, int block) => (int)((firstBlock[run] + block) % Count);

    /// <summary>The blocks of a run that <paramref name="shard"/> simulates, in path order.</summary>
    public IReadOnlyList<PathRange> Owned(int run, int shard)
    {
        var owned = new List<PathRange>();
        // The first block of the run that falls to this shard, then every N-th.
        int start = (int)(((shard - (firstBlock[run] % Count)) + Count) % Count);
        for (int block = start; block < blocks[run]; block += Count)
        {
            owned.Add(Block(run, block));
        }

        return owned;
    }

    /// <summary>How many paths of a run <paramref name="shard"/> simulates.</summary>
    public long OwnedPaths(int run, int shard) => Owned(run, shard).Sum(b => (long)b.Count);

    /// <summary>How many of a run's first <paramref name="recordedPaths"/> paths (those the series are computed from) <paramref name="shard"/> simulates.</summary>
    public int OwnedRecorded(int run, int shard, int recordedPaths) =>
        Owned(run, shard).Sum(b => (int)Math.Clamp(recordedPaths - b.First, 0, b.Count));
}
