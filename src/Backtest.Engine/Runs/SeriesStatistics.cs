using Backtest.Engine.Models;
using Backtest.IO.Tables;
using Backtest.Numerics;
using Backtest.Numerics.Statistics;

namespace Backtest.Engine.Runs;

/// <summary>
/// Turns the recorded per-step values of a run into <c>series.parquet</c> rows: the values
/// themselves for a single-path run (<c>statistic = value</c>), else the mean and the 5, 25,
/// 50, 75 and 95% quantiles across the recorded paths. Quantiles are Hyndman–Fan type 7
/// (linear interpolation between order statistics, NumPy's and R's default); for Amount and
/// Int64 variables they are computed exactly on the integers with the interpolated fraction
/// rounded toward negative infinity, and the mean is the exact sum divided with the same
/// rounding, so the series are exact and the same on every machine.
/// </summary>
public static class SeriesStatistics
{
    /// <summary>The statistics of a Monte Carlo run, in row order, with their quantile levels in percent (null = mean).</summary>
    public static readonly IReadOnlyList<(string Name, int? Percent)> MonteCarlo =
        [("mean", null), ("p05", 5), ("p25", 25), ("p50", 50), ("p75", 75), ("p95", 95)];

    public const string SingleValue = "value";

    /// <summary><see cref="DateOnly.DayNumber"/> of 1970-01-01, the origin of Parquet DATE values.</summary>
    public static readonly int UnixEpochDay = new DateOnly(1970, 1, 1).DayNumber;

    /// <summary>
    /// One row per (step, statistic) with the step, its date (null without dates), the
    /// statistic's name and one column per recorded variable.
    /// </summary>
    public static ColumnTable Build(ISimulation simulation, SeriesRecorder recorder)
    {
        var statistics = simulation.Paths == 1 || recorder.RecordedPaths == 1
            ? [(SingleValue, (int?)null)]
            : MonteCarlo;
        var columns = Columns(recorder.Variables);
        int rows = recorder.RecordedPaths == 0 ? 0 : recorder.Steps * statistics.Count;
        var table = new ColumnTable(columns, rows);
        var step = table.Int32(0);
        var date = table.Int32(1);
        var dateNull = table.Nulls(1)!;
        var statistic = table.Text(2);
        int row = 0;
        for (int s = 0; s < recorder.Steps && rows > 0; s++)
        {
            var values = Enumerable.Range(0, recorder.Variables.Count).Select(v => recorder.Variables[v].Kind == ColumnKind.Double
                ? (object)Sorted(recorder.RealsAt(v, s))
                : Sorted(recorder.IntegersAt(v, s))).ToArray();
            foreach (var (name, percent) in statistics)
            {
                step[row] = s;
                if (simulation.StepDates is { } dates)
                {
                    date[row] = dates[s].DayNumber - UnixEpochDay;
                }
                else
                {
                    dateNull[row] = true;
                }

                statistic[row] = name;
                for (int v = 0; v < values.Length; v++)
                {
                    int column = 3 + v;
                    if (values[v] is double[] reals)
                    {
                        table.Double(column)[row] = percent is { } p
                            ? Quantiles.Sorted(reals, p / 100.0, QuantileType.Type7)
                            : Mean(reals);
                    }
                    else
                    {
                        var integers = (long[])values[v];
                        table.Int64(column)[row] = percent is { } p
                            ? Quantiles.SortedExact(integers, p / 100.0, QuantileType.Type7, Rounding.Floor)
                            : Mean(integers);
                    }
                }

                row++;
            }
        }

        return table;
    }

    /// <summary>The columns of series rows: step, date, statistic, then the variables.</summary>
    public static IReadOnlyList<ColumnSpec> Columns(IReadOnlyList<ColumnSpec> variables) =>
    [
        ColumnSpec.Int32("step", "step index (0 = the first simulated step)"),
        ColumnSpec.Date("date", "calendar date of the step, where the scenario has dates") with { Nullable = true },
        ColumnSpec.Text("statistic", "'value' for a single-path run; else 'mean' or 'pNN', the type-7 quantile at NN% across the run's first series_paths paths (see the manifest)"),
        .. variables,
    ];

    private static long Mean(long[] values)
    {
        var moments = default(FixedMoments);
        moments.Add(values);
        return moments.MeanRaw(Rounding.Floor);
    }

    private static double Mean(double[] values)
    {
        var moments = new DoubleMoments();
        moments.Add(values);
        return moments.Mean;
    }

    private static long[] Sorted(long[] values)
    {
        Array.Sort(values);
        return values;
    }

    private static double[] Sorted(double[] values)
    {
        Array.Sort(values);
        return values;
    }
}
