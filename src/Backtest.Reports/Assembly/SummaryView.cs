using Backtest.Reports.Data;
using Backtest.Reports.Document;
using Backtest.Reports.Formatting;
using Backtest.IO.Tables;

namespace Backtest.Reports.Assembly;

/// <summary>A metric column of the summary with its interval companions and its descriptor.</summary>
internal sealed record SummaryMetric(DataColumn Column, DataColumn? Lower, DataColumn? Upper, MetricDescriptor Descriptor)
{
    /// <summary>Whether the metric has one value per run even though runs have several rows (e.g. a run probability repeated on every tier row).</summary>
    public bool PerRun { get; init; }

    /// <summary>The <c>NAME_se</c> companion (standard error) of a metric reported without an interval.</summary>
    public DataColumn? StandardError { get; init; }

    public Estimate Estimate(int row) =>
        new(Column.Number(row), Lower?.Number(row) is { } lo && double.IsFinite(lo) ? lo : null, Upper?.Number(row) is { } hi && double.IsFinite(hi) ? hi : null)
        {
            StandardError = StandardError?.Number(row) is { } se && double.IsFinite(se) ? se : null,
        };
}

/// <summary>
/// The summary table read the way the report needs it. Columns are classified by the run folder
/// conventions (docs/reports.md): identity columns; swept parameters (named by the manifest);
/// row keys (other text, integer-32, boolean and date columns, e.g. <c>tier</c>); metrics (Int64,
/// Amount and Double columns); and interval bounds, the companions <c>NAME_lo</c> and
/// <c>NAME_hi</c> of a metric <c>NAME</c>, or its standard error <c>NAME_se</c>. A <c>paths</c>
/// column gives per-row path counts.
/// </summary>
internal sealed class SummaryView
{
    public SummaryView(RunData run)
    {
        Run = run;
        var summary = run.Summary;
        summary.Column(RunData.ScenarioColumn);
        summary.Column(RunData.ParameterSetColumn);
        Swept = run.Manifest.SweptParameters.Select(summary.Find).OfType<DataColumn>().ToArray();
        var swept = Swept.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        bool IsBound(DataColumn c) =>
            (c.Name.EndsWith("_lo", StringComparison.Ordinal) || c.Name.EndsWith("_hi", StringComparison.Ordinal)
                || (c.Name.EndsWith("_se", StringComparison.Ordinal) && summary.Find(c.Name[..^3] + "_lo") is null))
            && summary.Find(c.Name[..^3]) is { IsNumeric: true };
        RowKeys = summary.Columns
            .Where(c => !RunData.IdentityColumns.Contains(c.Name) && !swept.Contains(c.Name)
                && c.Type is ColumnKind.Text or ColumnKind.Int32 or ColumnKind.Boolean or ColumnKind.Date)
            .ToArray();
        var candidates = summary.Columns
            .Where(c => !RunData.IdentityColumns.Contains(c.Name) && !swept.Contains(c.Name) && c.Name != "paths"
                && c.Type is ColumnKind.Int64 or ColumnKind.Amount or ColumnKind.Double && !IsBound(c))
            .ToArray();
        var runs = run.Runs();
        var paths = runs.Select(r => run.PathCount(r.Scenario, r.ParameterSet)).Distinct().ToArray();
        var horizons = runs.Select(r => run.Horizon(r.Scenario, r.ParameterSet)).Distinct().ToArray();
        CommonPaths = paths.Length == 1 ? paths[0] : null;
        CommonHorizon = horizons.Length == 1 ? horizons[0] : null;
        QualifierKeys = MinimalQualifier(runs);
        Metrics = candidates.Select(c => Describe(c, summary.Find(c.Name + "_lo"), summary.Find(c.Name + "_hi"), summary.Find(c.Name + "_se"))).Select(m => IsPerRun(m, runs) && RowKeys.Count > 0
            ? m with { PerRun = true, Descriptor = m.Descriptor.LossClass is null ? m.Descriptor : m.Descriptor with { LossClass = "as stated in the definition (one value per run)" } }
            : m).ToArray();
    }

    public RunData Run { get; }

    public IReadOnlyList<DataColumn> Swept { get; }

    public IReadOnlyList<DataColumn> RowKeys { get; }

    public IReadOnlyList<SummaryMetric> Metrics { get; }

    /// <summary>The path count shared by every run, or null when runs differ.</summary>
    public long? CommonPaths { get; }

    public string? CommonHorizon { get; }

    /// <summary>Rows of one run, in table order.</summary>
    public int[] RowsOf(string scenario, string parameterSet) =>
        Run.RowsOf(Run.Summary, scenario, parameterSet);

    /// <summary>"tier=6, tier_name=SURE-EQT" for a row with row keys; empty when the summary has one row per run.</summary>
    public string RowQualifier(int row) => string.Join(", ", QualifierKeys.Select(k => $"{k.Name}={k.Text(row)}"));

    /// <summary>The fewest leading row keys that tell a run's rows apart (e.g. <c>tier</c> alone when <c>tier_name</c> only repeats it).</summary>
    public IReadOnlyList<DataColumn> QualifierKeys { get; }

    /// <summary>
    /// A metric's key for one row: the column name, qualified by the row keys when runs have
    /// several rows ("wiped_out_probability[tier=6]"), so a candidate's metrics are unambiguous.
    /// </summary>
    public string Key(SummaryMetric metric, int row) =>
        Qualified(metric) ? $"{metric.Column.Name}[{RowQualifier(row)}]" : metric.Column.Name;

    /// <summary>Whether a metric differs between a run's rows, so its key and label name the row.</summary>
    public bool Qualified(SummaryMetric metric) => QualifierKeys.Count > 0 && !metric.PerRun;

    /// <summary>The descriptor of a metric for one row, with the row's loss class, paths and horizon filled in.</summary>
    public MetricDescriptor DescriptorFor(SummaryMetric metric, int row, string scenario, string parameterSet)
    {
        var d = metric.Descriptor;
        return d with
        {
            Key = Key(metric, row),
            Label = Qualified(metric) ? $"{d.Label} [{RowQualifier(row)}]" : d.Label,
            Paths = Run.PathCount(scenario, parameterSet),
            Horizon = Run.Horizon(scenario, parameterSet),
            LossClass = d.LossClass is null ? null : Qualified(metric) ? RowQualifier(row) : d.LossClass,
        };
    }

    /// <summary>
    /// The metrics of the headline tables (<see cref="HeadlineMetrics.Select"/>); all metrics
    /// when the summary has no more than <see cref="HeadlineMetrics.FullTableLimit"/>.
    /// </summary>
    public IReadOnlyList<SummaryMetric> Headline()
    {
        if (Metrics.Count <= HeadlineMetrics.FullTableLimit)
        {
            return Metrics;
        }

        var byName = Metrics.ToDictionary(m => m.Column.Name, StringComparer.Ordinal);
        return HeadlineMetrics.Select(Metrics.Select(m => (m.Column.Name, m.Column.Unit)).ToArray()).Select(n => byName[n]).ToArray();
    }

    /// <summary>
    /// Whether every parameter set has the same swept values in every scenario, so the values can
    /// be listed once (<see cref="ParameterSetTable"/>) instead of in every run table.
    /// </summary>
    public bool SweptValuesPerSet()
    {
        var set = Run.Summary.Column(RunData.ParameterSetColumn);
        return Enumerable.Range(0, Run.Summary.RowCount)
            .GroupBy(set.Text)
            .All(g => g.Select(r => string.Join("\u0001", Swept.Select(c => c.Text(r)))).Distinct().Count() == 1);
    }

    /// <summary>One row per parameter set with its swept values, or null when nothing is swept.</summary>
    public RunTable? ParameterSetTable()
    {
        if (Swept.Count == 0)
        {
            return null;
        }

        var set = Run.Summary.Column(RunData.ParameterSetColumn);
        var rows = Enumerable.Range(0, Run.Summary.RowCount).DistinctBy(set.Text)
            .Select(r => new RunTableRow([set.Text(r), .. SweptCells(r)], null, null, []))
            .ToArray();
        return new RunTable { Title = "Parameter sets: the swept parameters' values", Keys = ["parameter set", .. SweptHeaders()], Metrics = [], Rows = rows };
    }

    /// <summary>
    /// The run tables of one scenario with the given metrics: one row per summary row, keyed by
    /// parameter set, the swept parameters when <paramref name="withSwept"/>, and the row keys.
    /// </summary>
    public RunTable Table(string scenarioName, string title, IReadOnlyList<SummaryMetric> metrics, bool withSwept)
    {
        var scenario = Run.Summary.Column(RunData.ScenarioColumn);
        var set = Run.Summary.Column(RunData.ParameterSetColumn);
        var keys = new List<string> { "parameter set" };
        if (withSwept)
        {
            keys.AddRange(SweptHeaders());
        }

        keys.AddRange(RowKeys.Select(c => c.Name));
        var rows = Enumerable.Range(0, Run.Summary.RowCount).Where(r => scenario.Text(r) == scenarioName).Select(r =>
        {
            var k = new List<string> { set.Text(r) };
            if (withSwept)
            {
                k.AddRange(SweptCells(r));
            }

            k.AddRange(RowKeys.Select(c => c.Text(r)));
            return new RunTableRow(k, Run.PathCount(scenarioName, set.Text(r)), Run.Horizon(scenarioName, set.Text(r)), metrics.Select(m => (Estimate?)m.Estimate(r)).ToArray());
        }).ToArray();
        return new RunTable { Title = title, Keys = keys, Metrics = metrics.Select(m => m.Descriptor).ToArray(), Rows = rows };
    }

    private IEnumerable<string> SweptHeaders() => Swept.Select(c => c.Unit is null ? c.Name : $"{c.Name} ({c.Unit})");

    private IEnumerable<string> SweptCells(int row) => Swept.Select(c => c.IsNumeric ? NumberFormat.Plain(c.Number(row)) : c.Text(row));

    private IReadOnlyList<DataColumn> MinimalQualifier(IReadOnlyList<(string Scenario, string ParameterSet)> runs)
    {
        var groups = runs.Select(r => RowsOf(r.Scenario, r.ParameterSet)).ToArray();
        if (groups.All(g => g.Length <= 1))
        {
            return [];
        }

        for (int n = 1; n <= RowKeys.Count; n++)
        {
            var keys = RowKeys.Take(n).ToArray();
            if (groups.All(g => g.Select(r => string.Join("\u0001", keys.Select(k => k.Text(r)))).Distinct().Count() == g.Length))
            {
                return keys;
            }
        }

        return RowKeys;
    }

    private bool IsPerRun(SummaryMetric metric, IReadOnlyList<(string Scenario, string ParameterSet)> runs) =>
        runs.All(r =>
        {
            var rows = RowsOf(r.Scenario, r.ParameterSet);
            return rows.All(row => new[] { metric.Column, metric.Lower, metric.Upper, metric.StandardError }.All(c => c is null || Same(c, row, rows[0])));
        });

    private static bool Same(DataColumn column, int a, int b) => column.Number(a).Equals(column.Number(b));

    private SummaryMetric Describe(DataColumn column, DataColumn? lower, DataColumn? upper, DataColumn? standardError)
    {
        string name = column.Name.ToLowerInvariant();
        bool isLoss = name.Contains("loss", StringComparison.Ordinal) || name.Contains("shortfall", StringComparison.Ordinal)
            || StatisticVocabulary.FromName(column.Name, column.Unit) is { } s && (s.Contains("value at risk", StringComparison.Ordinal) || s.Contains("expected shortfall", StringComparison.Ordinal));
        bool hasInterval = lower is not null && upper is not null;
        standardError = hasInterval || standardError is not { IsNumeric: true } ? null : standardError;
        var descriptor = new MetricDescriptor(column.Name, column.Name, string.IsNullOrWhiteSpace(column.Description) ? "no description recorded" : column.Description)
        {
            Unit = column.Unit,
            Format = FormatOf(column),
            Statistic = StatisticVocabulary.FromName(column.Name, column.Unit),
            Horizon = CommonHorizon,
            Paths = CommonPaths,
            LossClass = isLoss ? (RowKeys.Count > 0 ? $"per row ({string.Join(", ", RowKeys.Select(k => k.Name))})" : "as stated in the definition") : null,
            Interval = hasInterval ? $"[{lower!.Name}, {upper!.Name}]: {lower.Description}"
                : standardError is not null ? $"± standard error ({standardError.Name}): {standardError.Description}"
                : null,
            Better = isLoss || (column.Unit == "probability" && (name.Contains("run", StringComparison.Ordinal) || name.Contains("wiped", StringComparison.Ordinal) || name.Contains("impair", StringComparison.Ordinal)))
                ? Charts.Direction.Minimize
                : IsYield(name) ? Charts.Direction.Maximize : null,
        };
        return new SummaryMetric(column, hasInterval ? lower : null, hasInterval ? upper : null, descriptor) { StandardError = standardError };
    }

    /// <summary>Names that mean a return to holders (a frontier's "more is better" axis).</summary>
    internal static bool IsYield(string name) =>
        name.Contains("yield", StringComparison.Ordinal) || name.Contains("apy", StringComparison.Ordinal) || name.Contains("apr", StringComparison.Ordinal) || name.Contains("return", StringComparison.Ordinal);

    internal static ValueFormat FormatOf(DataColumn column) =>
        column.Unit is "probability" ? ValueFormat.Number
        : column.Type == ColumnKind.Amount || column.Unit is "USD" or "USDC" or "AMPL" or "SPOT" ? ValueFormat.Compact
        : ValueFormat.Number;
}
