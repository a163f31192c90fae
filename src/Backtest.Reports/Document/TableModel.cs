using Backtest.Reports.Formatting;

namespace Backtest.Reports.Document;

/// <summary>
/// A header cell: text, its unit if any, whether its column holds numbers (right-aligned), its
/// footnote number (0 for none), and the anchor of its column definition with the definition
/// itself as a hint (null for none).
/// </summary>
internal sealed record HeaderCell(string Text, bool Numeric, int Footnote, string? Unit = null)
{
    public string? Link { get; init; }

    public string? Hint { get; init; }

    public static HeaderCell Metric(MetricDescriptor metric, int footnote) =>
        new(metric.Label, true, footnote, string.IsNullOrEmpty(metric.Unit) ? null : metric.Unit);

    /// <summary>A metric header that links to the column's definition instead of a footnote.</summary>
    public static HeaderCell Defined(MetricDescriptor metric) =>
        Metric(metric, 0) with { Link = ReportDocument.ColumnAnchor(metric.Key), Hint = metric.Definition };

    /// <summary>"name (unit)" on one line.</summary>
    public string Full => Unit is null ? Text : $"{Text} ({Unit})";
}

/// <summary>
/// A table as the writers print it: headers, rows of cell texts, and footnotes (a run table has
/// none: its headers link to the column definitions). Built once from a
/// <see cref="RunTable"/> or a <see cref="Recommendation"/> so HTML and Markdown say the same thing.
/// </summary>
internal sealed record TableModel(string Title, IReadOnlyList<HeaderCell> Headers, IReadOnlyList<IReadOnlyList<string>> Rows, IReadOnlyList<string> Footnotes)
{
    public static TableModel From(RunTable table)
    {
        table.Validate();

        // Statements shared by every row go into the title once instead of a column repeating them.
        var commonPaths = table.Rows.Select(r => r.Paths).Distinct().ToArray() is [var onePaths] ? onePaths : null;
        var commonHorizon = table.Rows.Select(r => r.Horizon).Distinct().ToArray() is [var oneHorizon] ? oneHorizon : null;
        bool paths = commonPaths is null && table.Rows.Any(r => r.Paths is not null);
        bool horizon = commonHorizon is null && table.Rows.Any(r => r.Horizon is not null);
        var shared = new List<string>();
        if (commonPaths is { } cp)
        {
            shared.Add(cp == 1 ? "1 path per run" : $"{NumberFormat.Integer(cp)} paths per run");
        }

        if (commonHorizon is not null)
        {
            shared.Add($"horizon {commonHorizon}");
        }

        string title = shared.Count == 0 ? table.Title : $"{table.Title}: {string.Join(", ", shared)}";
        var headers = table.Keys.Select(k => new HeaderCell(k, false, 0)).ToList();
        if (paths)
        {
            headers.Add(new HeaderCell("paths", true, 0));
        }

        if (horizon)
        {
            headers.Add(new HeaderCell("horizon", false, 0));
        }

        headers.AddRange(table.Metrics.Select(HeaderCell.Defined));
        var rows = table.Rows.Select(r =>
        {
            var cells = r.Keys.ToList();
            if (paths)
            {
                cells.Add(r.Paths is { } p ? NumberFormat.Integer(p) : "not recorded");
            }

            if (horizon)
            {
                cells.Add(r.Horizon ?? "not recorded");
            }

            cells.AddRange(r.Values.Select((v, i) => v?.Format(table.Metrics[i].Format) ?? "n/a"));
            return (IReadOnlyList<string>)cells;
        }).ToArray();
        return new TableModel(title, headers, rows, []);
    }

    public static TableModel From(Recommendation recommendation)
    {
        var headers = new List<HeaderCell> { new("rank", true, 0), new("parameter set", false, 0) };
        headers.AddRange(recommendation.Columns.Select((m, i) => HeaderCell.Metric(m, i + 1)));
        headers.Add(new HeaderCell("status", false, 0));
        var rows = recommendation.Ranked.Select(r =>
        {
            var cells = new List<string> { r.Rank?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "–", r.Candidate.Name };
            cells.AddRange(recommendation.Columns.Select(m => r.Candidate.Metrics.TryGetValue(m.Key, out var e) ? e.Format(m.Format) : "n/a"));
            cells.Add(r.Rank == 1 ? "best" : r.Excluded is not null ? $"excluded: {r.Excluded}" : r.TiedWithBest ? "tied (intervals overlap)" : "ranked");
            return (IReadOnlyList<string>)cells;
        }).ToArray();
        var footnotes = recommendation.Columns.Select(m => $"{m.Header}: {m.StatementText(perRow: false)}").ToArray();
        return new TableModel($"Ranking for {recommendation.Scope}", headers, rows, footnotes);
    }

    /// <summary>The recommendation in one sentence, with the best candidate's numbers and their statements' intervals.</summary>
    public static string Verdict(Recommendation recommendation)
    {
        if (recommendation.Best is not { } best)
        {
            return $"No parameter set meets the objective ({recommendation.Objective.Text}) in {recommendation.Scope}.";
        }

        var firsts = recommendation.Ranked.Where(r => r.Rank == 1).ToArray();
        if (firsts.Length > 1)
        {
            var metric = recommendation.Columns[0];
            return $"No single recommendation for {recommendation.Scope}: {firsts.Length} parameter sets share the best {metric.Label}, {best.Candidate.Metrics[metric.Key].Format(metric.Format)} ({string.Join(", ", firsts.Select(f => f.Candidate.Name))}); the objective does not choose between them.";
        }

        var figures = recommendation.Columns
            .Where(m => best.Candidate.Metrics.ContainsKey(m.Key))
            .Select(m => $"{m.Label} {best.Candidate.Metrics[m.Key].Format(m.Format)}");
        int tied = recommendation.Ranked.Count(r => r.TiedWithBest);
        return $"Recommended for {recommendation.Scope}: {best.Candidate.Name} ({string.Join(", ", figures)})."
            + (tied > 0 ? $" {tied} other parameter set{(tied == 1 ? " is" : "s are")} not separated from it by the intervals." : string.Empty);
    }
}
