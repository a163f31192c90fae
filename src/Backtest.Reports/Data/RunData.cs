using Backtest.Reports.Formatting;

namespace Backtest.Reports.Data;

/// <summary>
/// Everything a report is made from: the manifest and the run's tables. Paths and series are
/// optional (a model may write neither); the summary is required. Identity columns follow
/// docs/architecture.md: <c>study</c>, <c>scenario</c>, <c>param_set</c>, then <c>path</c> in
/// paths, and <c>step</c>, <c>date</c>, <c>statistic</c> in series.
/// </summary>
public sealed record RunData(RunManifest Manifest, DataTable Summary, DataTable? Paths = null, DataTable? Series = null)
{
    public const string ScenarioColumn = "scenario";
    public const string ParameterSetColumn = "param_set";
    public const string StudyColumn = "study";
    public const string PathColumn = "path";
    public const string StepColumn = "step";
    public const string DateColumn = "date";
    public const string StatisticColumn = "statistic";

    /// <summary>Identity columns that are never metrics or variables.</summary>
    public static readonly IReadOnlySet<string> IdentityColumns = new HashSet<string>(StringComparer.Ordinal)
    {
        StudyColumn, ScenarioColumn, ParameterSetColumn, PathColumn, StepColumn, DateColumn, StatisticColumn,
    };

    private readonly Dictionary<DataTable, Dictionary<(string, string), int[]>> runIndex = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(string, string), string?> horizons = [];
    private (string Scenario, string ParameterSet)[]? runs;

    /// <summary>The rows of one run in a table with scenario and param_set columns (indexed once per table).</summary>
    public int[] RowsOf(DataTable table, string scenario, string parameterSet)
    {
        if (!runIndex.TryGetValue(table, out var index))
        {
            var sc = table.Column(ScenarioColumn);
            var ps = table.Column(ParameterSetColumn);
            index = Enumerable.Range(0, table.RowCount)
                .GroupBy(r => (sc.Text(r), ps.Text(r)))
                .ToDictionary(g => g.Key, g => g.ToArray());
            runIndex[table] = index;
        }

        return index.GetValueOrDefault((scenario, parameterSet)) ?? [];
    }

    /// <summary>The (scenario, parameter set) pairs in the summary, in row order.</summary>
    public IReadOnlyList<(string Scenario, string ParameterSet)> Runs()
    {
        runs ??= Enumerable.Range(0, Summary.RowCount)
            .Select(r => (Summary.Column(ScenarioColumn).Text(r), Summary.Column(ParameterSetColumn).Text(r)))
            .Distinct()
            .ToArray();
        return runs;
    }

    /// <summary>Scenario names in order of first appearance.</summary>
    public IReadOnlyList<string> Scenarios() => Runs().Select(r => r.Scenario).Distinct().ToArray();

    /// <summary>Paths simulated in a run: from the manifest, else the summary's <c>paths</c> column, else the paths table.</summary>
    public long? PathCount(string scenario, string parameterSet)
    {
        if (Manifest.Run(scenario, parameterSet)?.Paths is { } p)
        {
            return p;
        }

        if (Summary.Find("paths") is { IsNumeric: true } column && RowsOf(Summary, scenario, parameterSet) is [var row, ..])
        {
            return (long)column.Number(row);
        }

        return Paths is null ? null : RowsOf(Paths, scenario, parameterSet).Length is > 0 and var rows ? rows : null;
    }

    /// <summary>What a step is ("days" unless the series' step column gives another unit).</summary>
    public string StepUnit => Series?.Find(StepColumn)?.Unit ?? "days";

    /// <summary>
    /// The horizon of a run as text: step count with its unit, and the date range where the
    /// scenario has dates, e.g. "1,095 days (2019-06-29 to 2022-06-27)"; null when unknown.
    /// </summary>
    public string? Horizon(string scenario, string parameterSet)
    {
        if (!horizons.TryGetValue((scenario, parameterSet), out var text))
        {
            text = ComputeHorizon(scenario, parameterSet);
            horizons[(scenario, parameterSet)] = text;
        }

        return text;
    }

    private string? ComputeHorizon(string scenario, string parameterSet)
    {
        int? steps = Manifest.Run(scenario, parameterSet)?.Steps;
        string? dates = null;
        if (Series is not null && Series.Find(ScenarioColumn) is not null)
        {
            var rows = RowsOf(Series, scenario, parameterSet);
            if (rows.Length > 0)
            {
                var step = Series.Column(StepColumn);
                steps ??= rows.Max(r => (int)step.Number(r)) + 1;
                if (Series.Find(DateColumn) is { } date && rows.Where(r => !date.IsNull(r)).ToArray() is { Length: > 0 } dated)
                {
                    var days = dated.Select(r => (int)date.Number(r)).ToArray();
                    dates = $"{NumberFormat.Date(DateOnly.FromDayNumber(days.Min()))} to {NumberFormat.Date(DateOnly.FromDayNumber(days.Max()))}";
                }
            }
        }

        return steps is null ? null : $"{NumberFormat.Integer(steps.Value)} {StepUnit}" + (dates is null ? string.Empty : $" ({dates})");
    }

    /// <summary>Series variables (numeric columns other than the identity columns).</summary>
    public IReadOnlyList<DataColumn> SeriesVariables() =>
        Series is null ? [] : Series.Columns.Where(c => c.IsNumeric && !IdentityColumns.Contains(c.Name)).ToArray();

    /// <summary>
    /// One series variable of one run by statistic: x (dates where every step has one, else
    /// steps) and the values per statistic ("value", "mean", "p05" … "p95").
    /// </summary>
    public SeriesSlice? SeriesOf(string scenario, string parameterSet, string variable)
    {
        if (Series is null)
        {
            return null;
        }

        var rows = RowsOf(Series, scenario, parameterSet);
        if (rows.Length == 0)
        {
            return null;
        }

        var step = Series.Column(StepColumn);
        var statistic = Series.Column(StatisticColumn);
        var values = Series.Column(variable);
        var date = Series.Find(DateColumn);
        var steps = rows.Select(r => (int)step.Number(r)).Distinct().Order().ToArray();
        var position = steps.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => p.i);
        var byStatistic = new SortedDictionary<string, double[]>(StringComparer.Ordinal);
        var dayOfStep = new int?[steps.Length];
        foreach (var r in rows)
        {
            string stat = statistic.Text(r);
            if (!byStatistic.TryGetValue(stat, out var series))
            {
                series = Enumerable.Repeat(double.NaN, steps.Length).ToArray();
                byStatistic[stat] = series;
            }

            int i = position[(int)step.Number(r)];
            series[i] = values.Number(r);
            if (date is not null && !date.IsNull(r))
            {
                dayOfStep[i] = (int)date.Number(r);
            }
        }

        bool dated = dayOfStep.All(d => d is not null);
        var x = dated ? dayOfStep.Select(d => (double)d!.Value).ToArray() : steps.Select(s => (double)s).ToArray();
        return new SeriesSlice(values, dated, x, byStatistic);
    }
}

/// <summary>A series variable of one run: x values (day numbers when <see cref="Dated"/>, else steps) and values by statistic.</summary>
public sealed record SeriesSlice(DataColumn Variable, bool Dated, double[] X, IReadOnlyDictionary<string, double[]> ByStatistic)
{
    /// <summary>The five band statistics a fan chart needs.</summary>
    public static readonly string[] BandStatistics = ["p05", "p25", "p50", "p75", "p95"];

    public bool HasBands => BandStatistics.All(ByStatistic.ContainsKey);

    public double[]? Get(string statistic) => ByStatistic.GetValueOrDefault(statistic);
}
