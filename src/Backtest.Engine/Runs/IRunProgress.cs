namespace Backtest.Engine.Runs;

/// <summary>What a running study tells its user, in order: the plan, an estimate, progress, the end of each run.</summary>
public interface IRunProgress
{
    /// <summary>Before anything runs: the resolved runs, paths and path-days (and the shard, if <see cref="RunPlan.Shard"/> is set).</summary>
    void Planned(RunPlan plan);

    /// <summary>After the pilot (the first batches of the first run): the measured rate and the projected wall time.</summary>
    void Estimated(double pathDaysPerSecond, TimeSpan projected);

    /// <summary>Paths of a run finished so far, out of <see cref="PlannedRun.SimulatedPaths"/> (called in batch order).</summary>
    void Advanced(PlannedRun run, long pathsDone);

    /// <summary>A run's outputs are written.</summary>
    void RunFinished(PlannedRun run, TimeSpan wall);
}

/// <summary>Progress that goes nowhere (library use and tests).</summary>
public sealed class SilentProgress : IRunProgress
{
    public static SilentProgress Instance { get; } = new();

    public void Planned(RunPlan plan)
    {
    }

    public void Estimated(double pathDaysPerSecond, TimeSpan projected)
    {
    }

    public void Advanced(PlannedRun run, long pathsDone)
    {
    }

    public void RunFinished(PlannedRun run, TimeSpan wall)
    {
    }
}
