using Backtest.Engine.Agents;
using Backtest.Engine.Metrics;
using Backtest.Engine.Studies;
using Backtest.IO.Tables;
using Backtest.Numerics;
using Backtest.Numerics.Statistics;

namespace Backtest.Engine.Models;

/// <summary>
/// What every agent-based model shares: the study parameters of the run conditions and the
/// holder population (after the model's own), the LCR stress share, and the summary row (the run
/// metrics of <see cref="RunMetrics.Summarize"/> joined with the model's own columns).
/// </summary>
public static class AgentRuns
{
    /// <summary>Stressed redemption demand over the LCR horizon, as a share of the claims outstanding (the denominator of every model's LCR).</summary>
    public static readonly ParameterSpec LcrStressShare = ParameterSpec.Real(
        "lcr_stress_share", 0.3, "stressed redemption demand over lcr_horizon as a share of the claims' value (Basel LCR run-off rates for less stable funding are 10–40%)", min: 0.000001, max: 1, unit: "fraction");

    /// <summary>
    /// The model's parameters followed by <see cref="LcrStressShare"/>, <see cref="RunConditions.Parameters"/>
    /// and <see cref="PopulationSettings.Parameters"/>, with <paramref name="defaults"/> replacing
    /// the shared parameters' defaults where a model's holders differ (e.g. the large seller's step).
    /// </summary>
    public static IReadOnlyList<ParameterSpec> Parameters(IEnumerable<ParameterSpec> model, IReadOnlyDictionary<string, object>? defaults = null)
    {
        var shared = RunConditions.Parameters.Concat(PopulationSettings.Parameters).Prepend(LcrStressShare)
            .Select(p => defaults is not null && defaults.TryGetValue(p.Name, out var d) ? p with { Default = d } : p);
        return [.. model, .. shared];
    }

    /// <summary>The run's summary row: run metrics, then the model's columns.</summary>
    public static ColumnTable Summarize(ColumnTable paths, ModelSummary model) =>
        RunMetrics.Join(RunMetrics.Summarize(paths), model.Build(paths));
}

/// <summary>
/// A model's own summary columns, each a statistic of one per-path column over all paths
/// (one row). Means skip NaN values (paths where the quantity is undefined); quantiles are
/// Hyndman–Fan type 7 over the defined values.
/// </summary>
public sealed class ModelSummary
{
    private readonly List<(ColumnSpec Spec, Action<ColumnTable, long[], double[]> Fill)> columns = [];

    /// <summary>Mean over paths of a Double, Int32, Int64 or Amount path column (with <paramref name="amount"/>, an exact, floored Amount mean of an Amount column).</summary>
    public ModelSummary Mean(string pathColumn, string name, string description, string? unit = null, bool amount = false)
    {
        var spec = amount ? ColumnSpec.Amount(name, description, unit) : ColumnSpec.Double(name, description, unit);
        columns.Add((spec, (paths, integers, reals) =>
        {
            var kind = paths.Columns[paths.IndexOf(pathColumn)].Kind;
            if (amount)
            {
                var moments = default(FixedMoments);
                moments.Add(paths.Int64(pathColumn));
                integers[0] = paths.RowCount == 0 ? 0 : moments.MeanRaw(Rounding.Floor);
                return;
            }

            var values = kind switch
            {
                ColumnKind.Double => paths.Double(pathColumn),
                ColumnKind.Int32 => paths.Int32(pathColumn).Select(v => (double)v).ToArray(),
                ColumnKind.Amount => paths.Int64(pathColumn).Select(Fixed.ToDouble).ToArray(),
                _ => paths.Int64(pathColumn).Select(v => (double)v).ToArray(),
            };
            var defined = values.Where(v => !double.IsNaN(v)).ToArray();
            var m = new DoubleMoments();
            m.Add(defined);
            reals[0] = defined.Length == 0 ? double.NaN : m.Mean;
        }));
        return this;
    }

    /// <summary>The <paramref name="level"/> quantile over paths of a Double path column (NaN values skipped).</summary>
    public ModelSummary Quantile(string pathColumn, double level, string name, string description, string? unit = null)
    {
        columns.Add((ColumnSpec.Double(name, description, unit), (paths, _, reals) =>
        {
            var sorted = paths.Double(pathColumn).Where(v => !double.IsNaN(v)).Order().ToArray();
            reals[0] = sorted.Length == 0 ? double.NaN : Quantiles.Sorted(sorted, level, QuantileType.Type7);
        }));
        return this;
    }

    /// <summary>Share of paths whose Int32 step column is set (≥ 0), e.g. the probability that an event happened.</summary>
    public ModelSummary ShareOfPaths(string stepColumn, string name, string description)
    {
        columns.Add((ColumnSpec.Double(name, description, "probability"), (paths, _, reals) =>
        {
            var steps = paths.Int32(stepColumn);
            reals[0] = steps.Length == 0 ? double.NaN : (double)steps.Count(s => s >= 0) / steps.Length;
        }));
        return this;
    }

    /// <summary>The columns, in the order they were added.</summary>
    public IReadOnlyList<ColumnSpec> Columns => columns.Select(c => c.Spec).ToList();

    /// <summary>The one-row table of these statistics over <paramref name="paths"/>.</summary>
    public ColumnTable Build(ColumnTable paths)
    {
        var table = new ColumnTable(Columns, 1);
        for (int i = 0; i < columns.Count; i++)
        {
            var integers = new long[1];
            var reals = new double[1];
            columns[i].Fill(paths, integers, reals);
            if (columns[i].Spec.Kind == ColumnKind.Double)
            {
                table.Double(i)[0] = reals[0];
            }
            else
            {
                table.Int64(i)[0] = integers[0];
            }
        }

        return table;
    }
}
