using Backtest.IO.Tables;

namespace Backtest.Engine.Models;

/// <summary>
/// A contiguous range of paths handed to <see cref="ISimulation.RunBatch"/>: row <c>i</c> of
/// the batch is path <c>FirstPath + i</c>. Column spans view the run's path table directly.
/// </summary>
public sealed class PathBatch
{
    private readonly ColumnTable table;
    private readonly int offset;

    internal PathBatch(ColumnTable table, long firstPath, int offset, int count, SeriesRecorder series)
    {
        this.table = table;
        this.offset = offset;
        FirstPath = firstPath;
        Count = count;
        Series = series;
    }

    public long FirstPath { get; }

    public int Count { get; }

    /// <summary>Where per-step values of recorded paths go.</summary>
    public SeriesRecorder Series { get; }

    public Span<long> Int64(int column) => table.Int64(column).AsSpan(offset, Count);

    public Span<int> Int32(int column) => table.Int32(column).AsSpan(offset, Count);

    public Span<double> Double(int column) => table.Double(column).AsSpan(offset, Count);

    public Span<bool> Boolean(int column) => table.Boolean(column).AsSpan(offset, Count);
}
