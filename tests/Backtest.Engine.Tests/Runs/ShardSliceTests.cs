using Backtest.Engine.Runs;
using FsCheck;
using FsCheck.Fluent;

namespace Backtest.Engine.Tests.Runs;

public class ShardSliceTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(200);

    /// <summary>Run sizes around block boundaries and one-path runs, 1 to 8 runs, and 1 to 20 shards.</summary>
    private static readonly Arbitrary<(long[] Runs, int Shards)> Studies = Gen.Zip(
        Gen.Choose(1, 8).SelectMany(n => Gen.ArrayOf(Gen.Frequency(
            (2, Gen.Constant(1L)),
            (3, Gen.Choose(1, 6000).Select(p => (long)p)),
            (2, Gen.Elements(1023L, 1024L, 1025L, 2048L, 3073L))), n)),
        Gen.Choose(1, 20)).ToArbitrary();

    [Fact]
    public void EveryPathOfEveryRunIsSimulatedByExactlyOneShard() =>
        Check.One(Quick, Prop.ForAll(Studies, study =>
        {
            var slice = new ShardSlice(study.Shards, study.Runs);
            for (int run = 0; run < study.Runs.Length; run++)
            {
                var owner = new int[study.Runs[run]];
                for (int shard = 0; shard < study.Shards; shard++)
                {
                    long previousEnd = -1;
                    foreach (var range in slice.Owned(run, shard))
                    {
                        Assert.True(range.First > previousEnd, "a shard's blocks come in path order");
                        previousEnd = range.End - 1;
                        for (long path = range.First; path < range.End; path++)
                        {
                            owner[path]++;
                        }
                    }
                }

                Assert.True(Array.TrueForAll(owner, count => count == 1), $"run {run}: every path has exactly one shard");
            }
        }));

    [Fact]
    public void ShardsHoldEqualShares() =>
        Check.One(Quick, Prop.ForAll(Studies, study =>
        {
            var slice = new ShardSlice(study.Shards, study.Runs);
            var blocksPerShard = new long[study.Shards];
            for (int run = 0; run < study.Runs.Length; run++)
            {
                var perRun = Enumerable.Range(0, study.Shards).Select(s => slice.Owned(run, s).Count).ToList();
                Assert.True(perRun.Max() - perRun.Min() <= 1, "within a run, shards differ by at most one block");
                for (int s = 0; s < study.Shards; s++)
                {
                    blocksPerShard[s] += perRun[s];
                }
            }

            Assert.True(blocksPerShard.Max() - blocksPerShard.Min() <= 1, "over the study, shards differ by at most one block");
            Assert.Equal(slice.TotalBlocks, blocksPerShard.Sum());
        }));

    [Fact]
    public void BlocksAreNumberedAcrossRunsAndDealtRoundRobin()
    {
        // Two Monte Carlo runs of 2,500 paths (blocks 0-2 and 3-5) and two one-path replays (blocks 6 and 7).
        Assert.Equal(1024, ShardSlice.BlockPaths);
        var slice = new ShardSlice(3, [2500, 2500, 1, 1]);
        Assert.Equal(8, slice.TotalBlocks);
        Assert.Equal([0L, 3, 6, 7], Enumerable.Range(0, 4).Select(slice.FirstBlock));
        Assert.Equal([new PathRange(0, 1024)], slice.Owned(0, 0));
        Assert.Equal([new PathRange(1024, 1024)], slice.Owned(0, 1));
        Assert.Equal([new PathRange(2048, 452)], slice.Owned(0, 2));
        Assert.Equal([new PathRange(0, 1024)], slice.Owned(1, 0));
        Assert.Equal([new PathRange(2048, 452)], slice.Owned(1, 2));
        Assert.Equal([new PathRange(0, 1)], slice.Owned(2, 0));
        Assert.Equal([new PathRange(0, 1)], slice.Owned(3, 1));
        Assert.Empty(slice.Owned(3, 2));
        Assert.Equal(1, slice.ShardOf(1, 1));
        Assert.Equal(1500 - 1024, slice.OwnedRecorded(0, 1, 1500));
        Assert.Equal(0, slice.OwnedRecorded(0, 2, 1500));
    }

    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("2/3", 2, 3)]
    [InlineData("999/1000", 999, 1000)]
    public void ParsesIndexSlashCount(string text, int index, int count) =>
        Assert.Equal(new ShardSpec(index, count), ShardSpec.Parse(text, "--shard"));

    [Theory]
    [InlineData("3/3")]
    [InlineData("-1/3")]
    [InlineData("1/0")]
    [InlineData("1")]
    [InlineData("a/b")]
    [InlineData("1/2/3")]
    [InlineData(" 1/3")]
    public void RefusesAnythingElseNamingTheOption(string text)
    {
        var error = Assert.ThrowsAny<InputException>(() => ShardSpec.Parse(text, "--shard"));
        Assert.Equal("--shard", error.Key);
    }
}
