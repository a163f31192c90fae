using System.Globalization;
using System.Text;
using Backtest.Reports.Assembly;
using Backtest.Reports.Data;
using Backtest.Reports.Document;
using Backtest.Reports.Formatting;

namespace Backtest.Reports;

/// <summary>The files a report was written to.</summary>
public sealed record WrittenReport(string Directory, string Html, string Markdown, IReadOnlyList<string> Charts);

/// <summary>
/// The report of a run: built from a run's manifest and tables, written to
/// <c>DIR/report/</c> as <c>index.html</c>, <c>summary.md</c> and one <c>.svg</c> per chart.
/// Output depends only on the run's data and the options, including the earlier runs the caller
/// looked up (no clock, no culture), so the same run and history give the same bytes.
/// </summary>
public static class RunReport
{
    /// <summary>The report folder's name inside a run folder.</summary>
    public const string FolderName = "report";

    /// <summary>The chart rules in section order; each is a small, named piece of model knowledge.</summary>
    private static IFigureRule[] Rules() =>
    [
        new ParameterHeatmapRule(),
        new LossDistributionRule(),
        new DeviationRatioRule(),
        new TierCapitalRule(),
        new SeriesBandsRule(),
    ];

    /// <summary>Builds the report document (format-independent) for a run.</summary>
    public static ReportDocument Build(RunData run, ReportOptions? options = null)
    {
        options ??= new ReportOptions();
        var context = new ReportContext(run, options);
        var manifest = run.Manifest;
        var document = new ReportDocument
        {
            Title = $"Backtest report: {manifest.StudyName ?? "unnamed study"}",
            Facts = Facts(run, context.View),
        };

        var overview = new ReportSection("overview", "Overview");
        foreach (var block in Overview(run))
        {
            overview.Add(block);
        }

        document.Sections.Add(overview);
        document.Sections.Add(RunTables(context.View));
        document.Columns.AddRange(context.View.Metrics.Select(m => m.Descriptor));

        var recommendations = RecommendationBuilder.Build(context);
        if (recommendations.Count > 0)
        {
            var section = new ReportSection("recommendations", "Recommendations");
            section.Blocks.AddRange(recommendations);
            document.Sections.Add(section);
        }

        foreach (var rule in Rules())
        {
            var blocks = rule.Build(context);
            if (blocks.Count > 0)
            {
                var section = new ReportSection(rule.SectionId, rule.SectionTitle);
                section.Blocks.AddRange(blocks);
                document.Sections.Add(section);
            }
        }

        if (options.History is { } history)
        {
            document.Sections.Add(History(manifest, history));
        }

        document.Sections.Add(Provenance(manifest));
        document.Definitions.AddRange(Definitions);
        return document;
    }

    /// <summary>
    /// Builds and writes the report into <paramref name="runDirectory"/>/report. The files are
    /// written to a staging folder that replaces the old report folder only when every file is
    /// complete, so a failure leaves the previous report (or none) and no partial one.
    /// </summary>
    public static WrittenReport Write(string runDirectory, RunData run, ReportOptions? options = null) =>
        Write(runDirectory, Build(run, options));

    /// <summary>Writes an already built document (see <see cref="Write(string, RunData, ReportOptions?)"/>).</summary>
    public static WrittenReport Write(string runDirectory, ReportDocument document)
    {
        if (!Directory.Exists(runDirectory))
        {
            throw new InputException("run folder not found", file: runDirectory);
        }

        string target = Path.Combine(runDirectory, FolderName);
        string staging = Path.Combine(runDirectory, $".{FolderName}.staging-{Guid.NewGuid():N}");
        string? retired = null;
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        try
        {
            Directory.CreateDirectory(staging);
            var charts = new List<string>();
            foreach (var figure in document.Figures())
            {
                File.WriteAllText(Path.Combine(staging, figure.FileName), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + figure.Chart.ToSvg(figure.Name), utf8);
                charts.Add(Path.Combine(target, figure.FileName));
            }

            File.WriteAllText(Path.Combine(staging, "summary.md"), MarkdownSummaryWriter.Write(document), utf8);
            File.WriteAllText(Path.Combine(staging, "index.html"), HtmlReportWriter.Write(document), utf8);
            if (Directory.Exists(target))
            {
                retired = Path.Combine(runDirectory, $".{FolderName}.old-{Guid.NewGuid():N}");
                Directory.Move(target, retired);
            }

            Directory.Move(staging, target);
            return new WrittenReport(target, Path.Combine(target, "index.html"), Path.Combine(target, "summary.md"), charts);
        }
        catch
        {
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }

            if (retired is not null && !Directory.Exists(target))
            {
                Directory.Move(retired, target);
                retired = null;
            }

            throw;
        }
        finally
        {
            if (retired is not null && Directory.Exists(retired))
            {
                Directory.Delete(retired, recursive: true);
            }
        }
    }

    private static readonly (string, string)[] Definitions =
    [
        ("path", "One simulated history of the scenario: a historical replay has one, a Monte Carlo scenario as many as the study asks for. Path-based probabilities are shares of paths."),
        ("horizon", "The span a number is measured over: the run's steps (days for daily models) and, where the scenario has dates, the first and last date."),
        ("interval", "Brackets after a number hold the lower and upper bound the model reported for it (e.g. a 95% Wilson score interval for a probability, a bootstrap interval for a mean); the footnote of each column names the method."),
        ("p05, p25, p50, p75, p95", "Percentiles across paths at each step: 5% of the recorded paths lie below p05, half below the median p50, and so on. Series bands are computed over the first series_paths paths, chosen by index."),
        ("value at risk (VaR) at q", "The q-th percentile of the loss across paths: a loss exceeded on (100 − q)% of paths."),
        ("expected shortfall (ES) at q", "The mean loss over the paths whose loss is at or beyond the q-th percentile."),
        ("exceedance probability", "P(loss > x): the share of paths whose loss exceeds x, as a function of x."),
        ("Pareto frontier", "The parameter sets that no other set beats on both plotted metrics at once."),
        ("tied with best", "A ranked parameter set whose interval on the objective overlaps the best set's interval: the run does not separate the two."),
        ("n/a", "No value: the metric is undefined for that row (e.g. a mean over no paths) or the cell was not simulated."),
    ];

    /// <summary>
    /// The parameter sets once, then per scenario a headline table and, when the summary has more
    /// metrics than the headline, the full table folded under it.
    /// </summary>
    private static ReportSection RunTables(SummaryView view)
    {
        var section = new ReportSection("run-table", "Run table");
        var headline = view.Headline();
        bool split = headline.Count < view.Metrics.Count;
        var parameterSets = view.SweptValuesPerSet() ? view.ParameterSetTable() : null;
        section.Add(new Paragraph(
            "One table per scenario, one row per summary row. Each number is a point estimate followed by its interval in brackets, or ± its standard error, where the model reports one. "
            + "A table's title gives the paths and horizon shared by its rows; a column's name links to its definition, statistic, loss class and interval method under Definitions."
            + (parameterSets is null ? string.Empty : " The swept parameters' values are listed once, by parameter set.")
            + (split ? $" The headline tables show the {headline.Count} of {view.Metrics.Count} metrics that say whether a design runs, how fast, and who loses; each scenario's full table follows its headline table, folded." : string.Empty)));
        if (parameterSets is not null)
        {
            section.Add(new TableBlock(parameterSets));
        }

        foreach (var scenario in view.Run.Scenarios())
        {
            section.Add(new TableBlock(view.Table(scenario, split ? $"Scenario {scenario}, headline metrics" : $"Scenario {scenario}", headline, withSwept: parameterSets is null)));
            if (split)
            {
                section.Add(new TableBlock(
                    view.Table(scenario, $"Scenario {scenario}, all {view.Metrics.Count} metrics", view.Metrics, withSwept: parameterSets is null),
                    Collapsed: $"All {view.Metrics.Count} metrics of scenario {scenario}"));
            }
        }

        return section;
    }

    private static IReadOnlyList<(string, string)> Facts(RunData run, SummaryView view)
    {
        var m = run.Manifest;
        var runs = run.Runs();
        var paths = runs.Select(r => run.PathCount(r.Scenario, r.ParameterSet)).Where(p => p is not null).Select(p => p!.Value).ToArray();
        string pathText = paths.Length == 0 ? "not recorded"
            : paths.Min() == paths.Max() ? $"{NumberFormat.Integer(paths[0])} per run"
            : $"{NumberFormat.Integer(paths.Min())} to {NumberFormat.Integer(paths.Max())} per run";
        string When(DateTimeOffset? t) => t is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "not recorded";
        return
        [
            ("study", m.StudyName ?? "not recorded"),
            ("model", m.Model ?? "not recorded"),
            ("engine version", m.EngineVersion ?? "not recorded"),
            ("commit", m.GitCommit is null ? "not recorded" : m.GitDirty == true ? $"{m.GitCommit} with uncommitted changes" : m.GitCommit),
            ("run finished", When(m.Finished ?? m.Started)),
            ("runs", $"{NumberFormat.Integer(runs.Count)} ({NumberFormat.Integer(run.Scenarios().Count)} scenario{(run.Scenarios().Count == 1 ? string.Empty : "s")} × {NumberFormat.Integer(runs.Select(r => r.ParameterSet).Distinct().Count())} parameter sets)"),
            ("paths", pathText),
            ("series bands over", m.SeriesPaths is { } s ? $"first {NumberFormat.Integer(s)} paths of each run" : "not recorded"),
            ("horizon", view.CommonHorizon ?? "per run (see the run table)"),
            ("seed", m.Seed?.ToString(CultureInfo.InvariantCulture) ?? "not recorded"),
        ];
    }

    private static IEnumerable<ReportBlock> Overview(RunData run)
    {
        var m = run.Manifest;
        if (!string.IsNullOrWhiteSpace(m.StudyDescription))
        {
            yield return new Paragraph(m.StudyDescription);
        }

        var scenarios = run.Scenarios();
        yield return new Paragraph("Scenarios: " + string.Join("; ", scenarios.Select(s =>
        {
            var declared = m.Scenarios.FirstOrDefault(x => x.Name == s);
            string kind = declared?.Kind is { } k ? $" ({k})" : string.Empty;
            string settings = declared is null || declared.Settings.Count == 0 ? string.Empty : ": " + string.Join(", ", declared.Settings.Select(p => $"{p.Key} = {p.Value}"));
            return s + kind + settings;
        })) + ".");
        int sets = run.Runs().Select(r => r.ParameterSet).Distinct().Count();
        yield return new Paragraph(m.SweptParameters.Count == 0
            ? $"{sets} parameter set{(sets == 1 ? string.Empty : "s")}; the manifest names no swept parameter."
            : $"{sets} parameter sets from a sweep over {string.Join(", ", m.SweptParameters)}.");
        if (m.Runs.Count == 0)
        {
            yield return new Note("The manifest lists no runs, so path counts and horizons come from the tables themselves where they can.");
        }
    }

    /// <summary>Earlier runs of the study, newest first, linked to their reports where their folders still hold them.</summary>
    private static ReportSection History(RunManifest m, RunHistory history)
    {
        var section = new ReportSection("history", "Earlier runs");
        string study = m.StudyName ?? "this study";
        if (history.Runs.Count == 0)
        {
            return section.Add(new Paragraph($"The run catalogue {history.Catalog} holds no earlier run of {study}."));
        }

        string headline = history.Headline is null
            ? string.Empty
            : $" Then each run's {history.Headline}" + (history.CurrentHeadline is { } now ? $" (this run: {NumberFormat.Significant(now, ValueFormat.Number, 4)})." : ".");
        section.Add(new Paragraph($"The {history.Runs.Count} latest earlier runs of {study} in the run catalogue {history.Catalog}, newest first: when, at which commit, paths per run and throughput (wall time).{headline} Compare two with 'backtest runs compare ID ID'."));
        return section.Add(new LinkList(history.Runs.Select(r =>
        {
            string text = string.Create(CultureInfo.InvariantCulture,
                $"Run {r.CatalogId}, {r.Started.UtcDateTime:yyyy-MM-dd HH:mm} UTC, commit {(r.GitCommit.Length > 12 ? r.GitCommit[..12] : r.GitCommit)}{(r.GitDirty ? " (uncommitted changes)" : string.Empty)}, {NumberFormat.Integer(r.Paths)} paths, {NumberFormat.Significant(r.PathDaysPerSecond, ValueFormat.Compact, 3)} path-days/s");
            if (history.Headline is not null)
            {
                text += r.Headline is { } h ? "; " + NumberFormat.Significant(h, ValueFormat.Number, 4) : "; no such figure";
            }

            return new ListItem($"{text} — {r.Whereabouts}", r.ReportHref);
        }).ToList()));
    }

    private static ReportSection Provenance(RunManifest m)
    {
        var section = new ReportSection("provenance", "Provenance");
        string timing = m.WallSeconds is { } w
            ? $"Wall time {NumberFormat.Significant(w, ValueFormat.Number, 4)} s" + (m.PathDaysPerSecond is { } r ? $", {NumberFormat.Significant(r, ValueFormat.Compact, 3)} path-days per second" : string.Empty) + $" on {m.Threads?.ToString(CultureInfo.InvariantCulture) ?? "an unrecorded number of"} threads."
            : "Timing not recorded.";
        section.Add(new Paragraph($"Engine {m.EngineVersion ?? "(version not recorded)"} at commit {m.GitCommit ?? "(not recorded)"}; seed {m.Seed?.ToString(CultureInfo.InvariantCulture) ?? "not recorded"}. {timing}"));
        if (m.Machine.Count > 0)
        {
            section.Add(new Paragraph("Machine: " + string.Join(", ", m.Machine.Select(p => $"{p.Key}: {p.Value}")) + "."));
        }

        section.Add(new Paragraph(m.Inputs.Count == 0
            ? "Input data files: none recorded."
            : "Input data files (SHA-256): " + string.Join("; ", m.Inputs.Select(i => $"{i.File} {i.Sha256 ?? "(hash not recorded)"}")) + "."));
        if (m.StudyText is { Length: > 0 } text)
        {
            section.Add(new Paragraph($"Study file {m.StudyFile ?? "(path not recorded)"}, SHA-256 {m.StudySha256 ?? "not recorded"}:"));
            section.Add(new Preformatted(text));
        }

        return section;
    }
}
