using System.Globalization;
using Backtest.Engine.Runs;
using Backtest.IO.Tables;
using Backtest.Numerics;

namespace Backtest.Cli;

/// <summary>Prints a run's summary rows as a table (the run table).</summary>
internal static class RunTable
{
    public static void Print(TextWriter output, RunResult result)
    {
        if (result.Summaries.Count == 0)
        {
            return;
        }

        var swept = result.Plan.Study.SweptParameters;
        var columns = result.Summaries[0].Summary.Columns;
        var table = new TextTable(
        [
            ("scenario", false), ("param_set", false),
            .. swept.Select(name => (name, false)),
            .. columns.Select(c => (c.Name, true)),
        ]);
        foreach (var (run, summary) in result.Summaries)
        {
            for (int r = 0; r < summary.RowCount; r++)
            {
                table.Add([run.Scenario.Name, run.ParameterSet.Name, .. swept.Select(run.ParameterSet.Values.Format), .. columns.Select((_, c) => Cell(summary, c, r))]);
            }
        }

        output.WriteLine();
        table.Write(output);
        output.WriteLine();
    }

    private static string Cell(ColumnTable table, int column, int row)
    {
        if (table.Nulls(column) is { } nulls && nulls[row])
        {
            return "null";
        }

        return table.Columns[column].Kind switch
        {
            ColumnKind.Amount => Fixed.ToDecimal(table.Int64(column)[row]).ToString("#,0.####", CultureInfo.InvariantCulture),
            ColumnKind.Int64 => table.Int64(column)[row].ToString(CultureInfo.InvariantCulture),
            ColumnKind.Int32 => table.Int32(column)[row].ToString(CultureInfo.InvariantCulture),
            ColumnKind.Date => DateOnly.FromDayNumber(table.Int32(column)[row] + SeriesStatistics.UnixEpochDay).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ColumnKind.Double => table.Double(column)[row].ToString("G4", CultureInfo.InvariantCulture),
            ColumnKind.Boolean => table.Boolean(column)[row] ? "true" : "false",
            _ => table.Text(column)[row] ?? string.Empty,
        };
    }
}
