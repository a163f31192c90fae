using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Backtest.Benchmarks;

/// <summary>
/// A rate from the median rather than the mean (which one slow iteration on a shared machine
/// drags down): <paramref name="unitsPerOperation"/> ÷ the median time per operation, in
/// millions per second of wall time.
/// </summary>
public sealed class MedianRateColumn(string columnName, double unitsPerOperation, string legend) : IColumn
{
    public string Id => $"MedianRate.{columnName}";

    public string ColumnName => columnName;

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => legend;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        summary[benchmarkCase]?.ResultStatistics?.Median is double ns ? $"{unitsPerOperation / (ns / 1e9) / 1e6:F3} M" : "-";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
