using System.Globalization;
using Backtest.Engine.Runs;
using Backtest.IO.Tables;
using Backtest.Numerics;

namespace Backtest.Cli;

/// <summary>
/// Prints the run table: one row per run with the swept parameters and the headline metrics
/// (an estimate and its interval in one cell). The full table, every summary column with its
/// definition, is summary.parquet and report/summary.md; a terminal cannot hold sixty columns.
/// </summary>
internal static class RunTable
{
    /// <summary>Summary columns shown in the terminal, in this order, when the model writes them (the report's headline).</summary>
    private static readonly string[] Headline = ["paths", .. Backtest.Reports.HeadlineMetrics.Names];

    public static void Print(TextWriter output, RunResult result)
    {
        if (result.Summaries.Count == 0)
        {
            return;
        }

        var columns = result.Summaries[0].Summary.Columns;
        var index = columns.Select((c, i) => (c.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);

        // Leading text and 32-bit integer columns qualify a run's rows (e.g. a tier and its name).
        var rowKeys = columns.TakeWhile(c => c.Kind is ColumnKind.Text or ColumnKind.Int32).Select(c => c.Name).ToList();
        var metrics = Headline.Where(index.ContainsKey).ToList();
        if (metrics.Count == 0)
        {
            metrics = columns.Select(c => c.Name)
                .Where(n => !rowKeys.Contains(n) && !IsIntervalPart(n, index))
                .Take(8).ToList();
        }

        var swept = result.Plan.Study.SweptParameters;
        var header = new List<string> { "scenario", "param_set" };
        header.AddRange(swept);
        header.AddRange(rowKeys);
        header.AddRange(metrics.Select(n =>
            index.ContainsKey(n + "_lo") && index.ContainsKey(n + "_hi") ? $"{n} [95% interval]"
            : index.ContainsKey(n + "_se") ? $"{n} (s.e.)"
            : n));
        var rows = new List<string[]>();
        foreach (var (run, table) in result.Summaries)
        {
            for (int r = 0; r < table.RowCount; r++)
            {
                var row = new List<string> { run.Scenario.Name, run.ParameterSet.Name };
                row.AddRange(swept.Select(run.ParameterSet.Values.Format));
                row.AddRange(rowKeys.Select(k => Cell(table, index[k], r)));
                foreach (var name in metrics)
                {
                    string cell = Cell(table, index[name], r);
                    if (index.TryGetValue(name + "_lo", out int lo) && index.TryGetValue(name + "_hi", out int hi))
                    {
                        cell = $"{cell} [{Cell(table, lo, r)}, {Cell(table, hi, r)}]";
                    }
                    else if (index.TryGetValue(name + "_se", out int se))
                    {
                        cell = $"{cell} ({Cell(table, se, r)})";
                    }

                    row.Add(cell);
                }

                rows.Add([.. row]);
            }
        }

        int labelColumns = 2 + swept.Count + rowKeys.Count;
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Max(r => r[i].Length))).ToArray();
        output.WriteLine();
        output.WriteLine(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))));
        output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            output.WriteLine(string.Join("  ", row.Select((v, i) => i < labelColumns ? v.PadRight(widths[i]) : v.PadLeft(widths[i]))));
        }

        output.WriteLine();
        output.WriteLine($"headline metrics of {columns.Count} summary columns; all of them, with definitions: {Path.Combine(result.Directory, "report", "summary.md")} and summary.parquet");
    }

    private static bool IsIntervalPart(string name, Dictionary<string, int> index) =>
        (name.EndsWith("_lo", StringComparison.Ordinal) || name.EndsWith("_hi", StringComparison.Ordinal) || name.EndsWith("_se", StringComparison.Ordinal))
        && index.ContainsKey(name[..^3]);

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
