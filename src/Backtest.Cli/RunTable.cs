using System.Globalization;
using Backtest.Engine.Runs;
using Backtest.IO.Tables;
using Backtest.Numerics;

namespace Backtest.Cli;

/// <summary>Prints a run's summary rows as an aligned text table (the run table).</summary>
internal static class RunTable
{
    public static void Print(TextWriter output, RunResult result)
    {
        if (result.Summaries.Count == 0)
        {
            return;
        }

        var columns = result.Summaries[0].Summary.Columns;
        var header = new List<string> { "scenario", "param_set" };
        header.AddRange(result.Plan.Study.SweptParameters);
        header.AddRange(columns.Select(c => c.Name));
        var rows = new List<string[]>();
        foreach (var (run, table) in result.Summaries)
        {
            for (int r = 0; r < table.RowCount; r++)
            {
                var row = new List<string> { run.Scenario.Name, run.ParameterSet.Name };
                row.AddRange(result.Plan.Study.SweptParameters.Select(run.ParameterSet.Values.Format));
                row.AddRange(columns.Select((_, c) => Cell(table, c, r)));
                rows.Add([.. row]);
            }
        }

        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine();
        output.WriteLine(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))));
        output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            output.WriteLine(string.Join("  ", row.Select((v, i) => i < 2 + result.Plan.Study.SweptParameters.Count ? v.PadRight(widths[i]) : v.PadLeft(widths[i]))));
        }

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
