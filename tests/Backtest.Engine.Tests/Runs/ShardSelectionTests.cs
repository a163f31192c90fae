using Backtest.Engine.Runs;

namespace Backtest.Engine.Tests.Runs;

public class ShardSelectionTests
{
    private static ShardSpec? Resolve(string? shard = null, int? shards = null, int? study = null, params string[] environment)
    {
        var variables = environment.Select(e => e.Split('=')).ToDictionary(p => p[0], p => p[1]);
        return ShardSelection.Resolve(shard, shards, study, name => variables.GetValueOrDefault(name));
    }

    [Fact]
    public void NothingGivenMeansAWholeRunEvenWithAStudyShardCount()
    {
        Assert.Null(Resolve());
        Assert.Null(Resolve(study: 8));
        Assert.Null(Resolve(environment: ["SLURM_ARRAY_TASK_ID=", "JOB_COMPLETION_INDEX="]));
    }

    [Fact]
    public void EachSourceSelectsAShard()
    {
        Assert.Equal(new ShardSpec(1, 3), Resolve("1/3"));
        Assert.Equal(new ShardSpec(2, 3), Resolve(environment: ["SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_COUNT=3"]));
        Assert.Equal(new ShardSpec(1, 4), Resolve(shards: 4, environment: ["JOB_COMPLETION_INDEX=1"]));
        Assert.Equal(new ShardSpec(1, 4), Resolve(study: 4, environment: ["JOB_COMPLETION_INDEX=1"]));
    }

    [Fact]
    public void TheShardsOptionReplacesTheStudysCount() =>
        Assert.Equal(new ShardSpec(1, 5), Resolve(shards: 5, study: 4, environment: ["JOB_COMPLETION_INDEX=1"]));

    [Fact]
    public void SourcesThatAgreeAreAccepted()
    {
        Assert.Equal(new ShardSpec(1, 3), Resolve("1/3", shards: 3, environment: ["SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=3", "JOB_COMPLETION_INDEX=1"]));
        Assert.Equal(new ShardSpec(1, 3), Resolve("1/3", study: 8));
    }

    [Theory]
    [InlineData("1/3", null, "SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_COUNT=3")]
    [InlineData("1/3", null, "SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=4")]
    [InlineData("1/3", null, "JOB_COMPLETION_INDEX=0")]
    [InlineData("1/3", 4)]
    [InlineData(null, null, "SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=3", "JOB_COMPLETION_INDEX=2")]
    [InlineData(null, 4, "SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_COUNT=2", "SLURM_ARRAY_TASK_MAX=5")]
    public void ConflictingSourcesAreAnError(string? shard, int? shards, params string[] environment)
    {
        var error = Assert.ThrowsAny<InputException>(() => Resolve(shard, shards, null, environment));
        Assert.Contains("conflicts with", error.Message);
    }

    [Theory]
    [InlineData("JOB_COMPLETION_INDEX", null, "JOB_COMPLETION_INDEX=1")]
    [InlineData("SLURM_ARRAY_TASK_COUNT", null, "SLURM_ARRAY_TASK_ID=1")]
    [InlineData("SLURM_ARRAY_TASK_ID", null, "SLURM_ARRAY_TASK_ID=3", "SLURM_ARRAY_TASK_COUNT=3")]
    [InlineData("JOB_COMPLETION_INDEX", null, "JOB_COMPLETION_INDEX=one")]
    [InlineData("--shards", 3)]
    [InlineData("JOB_COMPLETION_INDEX", 3, "JOB_COMPLETION_INDEX=3")]
    public void IncompleteOrInvalidSelectionsNameTheirSource(string key, int? shards, params string[] environment)
    {
        var error = Assert.ThrowsAny<InputException>(() => Resolve(null, shards, null, environment));
        Assert.Equal(key, error.Key);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void ASlurmArrayOfSomeShardsRunsThemWhenTheCountIsGiven()
    {
        // sbatch --array=2,5 … --shards 8: shards 2 and 5 run again after a failure.
        Assert.Equal(new ShardSpec(5, 8), Resolve(shards: 8, environment: ["SLURM_ARRAY_TASK_ID=5", "SLURM_ARRAY_TASK_COUNT=2", "SLURM_ARRAY_TASK_MAX=5"]));
        Assert.Equal(new ShardSpec(2, 8), Resolve("2/8", environment: ["SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_COUNT=1", "SLURM_ARRAY_TASK_MAX=2"]));
    }

    [Fact]
    public void AOneBasedSlurmArrayIsExplained()
    {
        // sbatch --array=1-3: task 1 is the first to start, but task 3 cannot exist in 3 shards.
        var error = Assert.ThrowsAny<InputException>(() => Resolve(environment: ["SLURM_ARRAY_TASK_ID=1", "SLURM_ARRAY_TASK_COUNT=3", "SLURM_ARRAY_TASK_MAX=3"]));
        Assert.Contains("--array=0-2", error.Message);
    }
}
