using Backtest.IO.Tables;

namespace Backtest.Engine.Models;

/// <summary>
/// Per-step values of the first <see cref="RecordedPaths"/> paths of a run (the same paths
/// whatever the threads or shards, since they are chosen by index). The series file's bands
/// are statistics over these paths, and say so.
/// </summary>
public sealed class SeriesRecorder
{
    private readonly long[][] integers;
    private readonly double[][] reals;

    public SeriesRecorder(IReadOnlyList<ColumnSpec> variables, int recordedPaths, int steps)
    {
        Variables = variables;
        RecordedPaths = recordedPaths;
        Steps = steps;
        integers = variables.Select(v => v.Kind is ColumnKind.Amount or ColumnKind.Int64 ? new long[(long)recordedPaths * steps] : []).ToArray();
        reals = variables.Select(v => v.Kind == ColumnKind.Double ? new double[(long)recordedPaths * steps] : []).ToArray();
        foreach (var v in variables.Where(v => v.Kind is not (ColumnKind.Amount or ColumnKind.Int64 or ColumnKind.Double)))
        {
            throw new ArgumentException($"series variable '{v.Name}' is {v.Kind}; series hold Amount, Int64 or Double values");
        }
    }

    public IReadOnlyList<ColumnSpec> Variables { get; }

    public int RecordedPaths { get; }

    public int Steps { get; }

    /// <summary>Whether a path's steps are recorded.</summary>
    public bool IsRecorded(long path) => path < RecordedPaths;

    /// <summary>Records an Amount or Int64 variable of a recorded path at a step.</summary>
    public void Set(int variable, long path, int step, long value) => integers[variable][Slot(path, step)] = value;

    /// <summary>Records a Double variable of a recorded path at a step.</summary>
    public void Set(int variable, long path, int step, double value) => reals[variable][Slot(path, step)] = value;

    /// <summary>The recorded value of an Amount or Int64 variable of a path at a step.</summary>
    public long Integer(int variable, long path, int step) => integers[variable][Slot(path, step)];

    /// <summary>The recorded value of a Double variable of a path at a step.</summary>
    public double Real(int variable, long path, int step) => reals[variable][Slot(path, step)];

    /// <summary>The values of an Amount/Int64 variable at a step across recorded paths.</summary>
    public long[] IntegersAt(int variable, int step) =>
        Enumerable.Range(0, RecordedPaths).Select(p => integers[variable][((long)p * Steps) + step]).ToArray();

    /// <summary>The values of a Double variable at a step across recorded paths.</summary>
    public double[] RealsAt(int variable, int step) =>
        Enumerable.Range(0, RecordedPaths).Select(p => reals[variable][((long)p * Steps) + step]).ToArray();

    private long Slot(long path, int step)
    {
        if (path < 0 || path >= RecordedPaths)
        {
            throw new ArgumentOutOfRangeException(nameof(path), path, $"only paths 0..{RecordedPaths - 1} are recorded");
        }

        if (step < 0 || step >= Steps)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"steps are 0..{Steps - 1}");
        }

        return (path * Steps) + step;
    }
}
