using System.Text.RegularExpressions;
using Backtest.Reports.Assembly;
using Backtest.Reports.Charts;
using Backtest.Reports.Data;
using Backtest.Reports.Document;
using Backtest.Reports.Formatting;

namespace Backtest.Reports.Tests;

public sealed partial class RunReportTests
{
    private static readonly Lazy<RunData> Run = new(() => SyntheticRun.Build());
    private static readonly Lazy<ReportDocument> Document = new(() => RunReport.Build(Run.Value));

    [Fact]
    public void Every_section_the_run_calls_for_is_present()
    {
        var ids = Document.Value.Sections.Select(s => s.Id).ToArray();
        Assert.Equal(["overview", "run-table", "recommendations", "parameter-grid", "loss-distributions", "deviation-ratio", "tier-capital", "series", "provenance"], ids);
        Assert.NotEmpty(Document.Value.Definitions);

        var facts = Document.Value.Facts.ToDictionary(f => f.Label, f => f.Value);
        Assert.Equal("synthetic-waterfall", facts["study"]);
        Assert.Equal("waterfall", facts["model"]);
        Assert.Equal("0.1.0", facts["engine version"]);
        Assert.Equal("0123456789abcdef0123456789abcdef01234567", facts["commit"]);
        Assert.Equal("2026-03-01 10:02 UTC", facts["run finished"]);
        Assert.Equal("1 to 1,500 per run", facts["paths"]);
    }

    [Fact]
    public void Charts_are_chosen_by_what_the_run_contains()
    {
        var charts = Document.Value.Figures().Select(f => f.Chart).ToArray();
        Assert.Contains(charts, c => c is FanChart { Band: not null }); // Monte Carlo dr with the equilibrium band
        Assert.Contains(charts, c => c is LineChart { Band: not null }); // historical dr
        Assert.Contains(charts, c => c is FanChart { Band: null }); // other variables
        Assert.Contains(charts, c => c is Heatmap);
        Assert.Contains(charts, c => c is Histogram);
        Assert.Contains(charts, c => c is ExceedanceChart);
        Assert.Contains(charts, c => c is StackedAreaChart);
        Assert.Contains(charts, c => c is ScatterChart);
        Assert.Contains(charts, c => c is BarChart);

        // No dr series, no tier capital, no paths, one swept parameter: none of those sections.
        var bare = Run.Value with { Paths = null, Series = null, Manifest = Run.Value.Manifest with { SweptParameters = ["fee_rate"] } };
        var ids = RunReport.Build(bare).Sections.Select(s => s.Id).ToArray();
        Assert.Equal(["overview", "run-table", "recommendations", "provenance"], ids);
    }

    [Fact]
    public void A_run_that_lost_nothing_draws_no_exceedance_curve()
    {
        var paths = Run.Value.Paths!;
        var zeroLosses = new DataTable(paths.Name, [.. paths.Columns.Select(c => c.Name.EndsWith("_loss", StringComparison.Ordinal)
            ? DataColumn.Amounts(c.Name, c.Description, c.Unit, new long[c.Length])
            : c)]);
        var figures = RunReport.Build(Run.Value with { Paths = zeroLosses }).Figures().ToArray();

        Assert.DoesNotContain(figures, f => f.Chart is ExceedanceChart);
        Assert.All(figures, f => Assert.NotEmpty(f.Chart.ToSvg(f.Name)));
    }

    [Fact]
    public void Every_number_in_the_run_tables_carries_its_statements()
    {
        var tables = Document.Value.Sections.Single(s => s.Id == "run-table").Blocks.OfType<TableBlock>().Select(t => TableModel.From(t.Table)).ToArray();
        Assert.Equal(3, tables.Length);

        // The swept values are listed once, by parameter set, not in every scenario's table.
        var sets = tables[0];
        Assert.Equal(["parameter set", "senior_weight (share)", "fee_rate (per redemption)"], sets.Headers.Select(h => h.Text));
        Assert.Equal(11, sets.Rows.Count);
        Assert.Equal(["ps000", "0.5", "0.001"], sets.Rows[0]);

        var mc = tables.Single(t => t.Title.Contains(SyntheticRun.MonteCarlo, StringComparison.Ordinal));
        Assert.Equal($"Scenario {SyntheticRun.MonteCarlo}: 1,500 paths per run, horizon 365 days", mc.Title);
        Assert.Equal(11 * SyntheticRun.Tiers, mc.Rows.Count);
        Assert.Equal(["parameter set", "tier", "tier_name"], mc.Headers.Where(h => h.Link is null).Select(h => h.Text));

        // No footnotes repeating each column's definition: the header links to the one definition.
        Assert.Empty(mc.Footnotes);
        var metricHeaders = mc.Headers.Where(h => h.Link is not null).ToArray();
        Assert.Equal(["run_probability", "wiped_out_probability", "mean_loss", "loss_var_99", "apy"], metricHeaders.Select(h => h.Text));
        Assert.Equal(metricHeaders.Select(h => h.Text).Select(ReportDocument.ColumnAnchor), metricHeaders.Select(h => h.Link));
        Assert.Equal(metricHeaders.Select(h => h.Text), Document.Value.Columns.Select(c => c.Key));
        var definitions = Document.Value.Columns.ToDictionary(c => c.Key, c => c.DefinitionText());
        Assert.StartsWith("Share of paths on which cumulative redemptions over 5 days exceed 30% of capital; statistic: probability (share of paths); interval: [run_probability_lo, run_probability_hi]: 95% Wilson score interval", definitions["run_probability"]);
        Assert.Contains("statistic: 99th percentile of the loss (value at risk); loss class: per row (tier, tier_name)", definitions["loss_var_99"]);
        Assert.Contains("interval: none reported", definitions["apy"]);
        Assert.All(definitions.Values, d => Assert.DoesNotContain("paths:", d)); // paths and horizon are the table's, in its title

        int run = mc.Headers.ToList().FindIndex(h => h.Text == "run_probability");
        Assert.All(mc.Rows, r => Assert.Matches(IntervalCell(), r[run]));
        Assert.Equal(["ps000", "1", "SURE-BTC"], mc.Rows[0].Take(3));
    }

    [Fact]
    public void A_wide_summary_gets_headline_tables_with_the_full_tables_folded()
    {
        var summary = Run.Value.Summary;
        int n = summary.RowCount;
        var extra = Enumerable.Range(1, 8).Select(i => DataColumn.Doubles($"share_{i}", $"share number {i}", "fraction", new double[n])).ToList();
        extra.Add(DataColumn.Doubles("mean_final", "mean final capital", "USD", Enumerable.Repeat(28_186_740.0, n).ToArray()));
        extra.Add(DataColumn.Doubles("mean_final_se", "standard error of mean_final", "USD", Enumerable.Repeat(490.2, n).ToArray()));
        var wide = Run.Value with { Summary = new DataTable("summary.parquet", [.. summary.Columns, .. extra]) };
        var blocks = RunReport.Build(wide).Sections.Single(s => s.Id == "run-table").Blocks.OfType<TableBlock>().ToArray();

        // Parameter sets, then per scenario a headline table and the full one, folded under a summary line.
        Assert.Equal(5, blocks.Length);
        var headline = TableModel.From(blocks[1].Table);
        Assert.Null(blocks[1].Collapsed);
        Assert.EndsWith("headline metrics: 1 path per run, horizon 730 days (2020-01-01 to 2021-12-30)", headline.Title);
        Assert.Equal(["mean_loss", "run_probability", "wiped_out_probability"], headline.Headers.Where(h => h.Link is not null).Select(h => h.Text));

        var full = TableModel.From(blocks[2].Table);
        Assert.Equal($"All 14 metrics of scenario {SyntheticRun.Historical}", blocks[2].Collapsed);
        var fullMetrics = full.Headers.Where(h => h.Link is not null).Select(h => h.Text).ToArray();
        Assert.Equal(14, fullMetrics.Length);
        Assert.DoesNotContain("mean_final_se", fullMetrics); // a standard error is its metric's companion, not a metric
        int mean = full.Headers.ToList().FindIndex(h => h.Text == "mean_final");
        Assert.All(full.Rows, r => Assert.Equal("28.2M ± 490", r[mean]));

        var document = RunReport.Build(wide);
        Assert.EndsWith("interval: ± standard error (mean_final_se): standard error of mean_final; unit: USD.", document.Columns.Single(c => c.Key == "mean_final").DefinitionText());
        string html = HtmlReportWriter.Write(document);
        Assert.Equal(2, Regex.Count(html, "<details class=\"full-table\">"));
        Assert.Contains("<dt id=\"col-mean_final\">mean_final (USD)</dt>", html);
    }

    [Fact]
    public void Headline_takes_the_known_run_metrics_in_order_then_other_probabilities()
    {
        Assert.Equal(
            ["p_run", "p_impaired", "insolvency_loss_mean", "p_custom"],
            HeadlineMetrics.Select([("insolvency_loss_mean", "USD"), ("fill_ratio_mean", "fraction"), ("p_custom", "probability"), ("p_impaired", "probability"), ("p_run", "probability")]));
        Assert.Equal(["a", "b"], HeadlineMetrics.Select([("a", "USD"), ("b", "ratio")]));
    }

    [Fact]
    public void Recommendation_ranks_by_the_objective_and_states_it()
    {
        var recs = Document.Value.Sections.Single(s => s.Id == "recommendations").Blocks.OfType<RecommendationBlock>().Select(b => b.Recommendation).ToArray();
        var mc = recs.Single(r => r.Scope == $"scenario {SyntheticRun.MonteCarlo}");
        Assert.Equal("lowest run_probability", mc.Objective.Text);
        Assert.Equal("ps008", mc.UniqueBest!.Candidate.Name); // senior weight 0.7, fee 0.001
        Assert.StartsWith("Recommended for scenario stress-mc: ps008 (run_probability 0.013 [0.008, 0.019]", TableModel.Verdict(mc));

        // Every parameter set scores 0 on the single historical path: the report says it cannot choose.
        var history = recs.Single(r => r.Scope == $"scenario {SyntheticRun.Historical}");
        Assert.Null(history.UniqueBest);
        Assert.StartsWith("No single recommendation for scenario history-2020: 11 parameter sets share the best run_probability", TableModel.Verdict(history));

        var constrained = Objective.Minimize("run_probability", "run probability").SubjectTo(new Constraint("apy[tier=1]", "tier-1 APY", Comparison.AtLeast, 0.06));
        var doc = RunReport.Build(Run.Value, new ReportOptions { Objective = constrained });
        var best = doc.Sections.Single(s => s.Id == "recommendations").Blocks.OfType<RecommendationBlock>().Select(b => b.Recommendation).Single(r => r.Scope.EndsWith(SyntheticRun.MonteCarlo, StringComparison.Ordinal));
        Assert.Equal("ps010", best.UniqueBest!.Candidate.Name);
        Assert.All(best.Ranked.Where(r => r.Rank is not null), r => Assert.True(r.Candidate.Metrics["apy[tier=1]"].Value >= 0.06));

        var unknown = Objective.Minimize("no_such_metric", "x");
        var e = Assert.Throws<InputException>(() => RunReport.Build(Run.Value, new ReportOptions { Objective = unknown }));
        Assert.Equal("no_such_metric", e.Key);
    }

    [Fact]
    public void Time_outside_the_equilibrium_band_is_counted_over_finite_steps()
    {
        Assert.Equal("2 of 4 steps (50.0%)", DeviationRatioRule.Outside([0.9, 0.95, 1.05, 1.06, double.NaN]));
        Assert.Equal("no steps (no values)", DeviationRatioRule.Outside([double.NaN]));
    }

    [Fact]
    public void Markdown_summary_has_well_formed_tables_with_the_same_statements()
    {
        string md = MarkdownSummaryWriter.Write(Document.Value);
        var lines = md.Split('\n');
        int tables = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("|---", StringComparison.Ordinal) && !(lines[i].StartsWith('|') && i + 1 < lines.Length && lines[i + 1].StartsWith("|---", StringComparison.Ordinal)))
            {
                continue;
            }

            if (lines[i].StartsWith("|---", StringComparison.Ordinal))
            {
                continue;
            }

            int columns = Cells(lines[i]).Length;
            var separator = Cells(lines[i + 1]);
            Assert.Equal(columns, separator.Length);
            Assert.All(separator, s => Assert.Matches("^-{3,}:?$", s));
            for (int r = i + 2; r < lines.Length && lines[r].StartsWith('|'); r++)
            {
                Assert.Equal(columns, Cells(lines[r]).Length);
            }

            tables++;
        }

        Assert.Equal(6, tables); // header facts, parameter sets, two run tables, two rankings
        Assert.Contains("| parameter set | tier | tier\\_name | run\\_probability (probability) |", md);
        Assert.Contains("- **run\\_probability (probability)**: Share of paths on which cumulative redemptions over 5 days exceed 30% of capital; statistic: probability (share of paths); interval: [run\\_probability\\_lo, run\\_probability\\_hi]", md);
        Assert.Contains("![Figure 1: ", md);
        Assert.Matches(@"\| 0\.0\d+ \[0\.0\d+, 0\.0\d+\] \|", md);
    }

    [Fact]
    public void Html_footnotes_resolve_and_numbers_are_right_aligned()
    {
        string html = HtmlReportWriter.Write(Document.Value);
        Browser.ReportInBrowserTests.AssertSelfContained(html);
        var links = Regex.Matches(html, "href=\"#((?:t\\d+-fn\\d+)|(?:col-[\\w-]+))\"").Select(m => m.Groups[1].Value).Distinct().ToArray();
        Assert.Contains(links, l => l.StartsWith("col-", StringComparison.Ordinal));
        Assert.Contains(links, l => l.StartsWith('t'));
        Assert.All(links, id => Assert.Contains($"id=\"{id}\"", html));
        Assert.Matches("<td class=\"num\">0\\.0\\d+ \\[0\\.0\\d+, 0\\.0\\d+\\]</td>", html);
        Assert.Equal(Document.Value.Figures().Count(), Regex.Count(html, "<svg "));
        Assert.Contains("<h2>Recommendations</h2>", html);
    }

    [Fact]
    public void Report_is_written_atomically_and_deterministically()
    {
        var root = Directory.CreateTempSubdirectory("backtest-report-write-");
        try
        {
            var first = RunReport.Write(root.FullName, Run.Value);
            Assert.Equal(Path.Combine(root.FullName, "report"), first.Directory);
            Assert.Equal(Document.Value.Figures().Count() + 2, Directory.GetFiles(first.Directory).Length);
            Assert.All(first.Charts, c => Assert.StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg", File.ReadAllText(c)));
            byte[] html = File.ReadAllBytes(first.Html);

            RunReport.Write(root.FullName, Run.Value);
            Assert.Equal(html, File.ReadAllBytes(first.Html));
            Assert.Single(Directory.GetDirectories(root.FullName)); // no staging or retired folders left

            // A chart that cannot be drawn fails the write and leaves the previous report as it was.
            var broken = RunReport.Build(Run.Value);
            broken.Sections[0].Add(new FigureBlock(new Figure("broken", new LineChart { Title = "Broken", XAxis = AxisSpec.Steps(), YAxis = new("y", "u"), Series = [new("a", [0, 1], [0, double.PositiveInfinity])] }, "broken")));
            Assert.Throws<ChartDataException>(() => RunReport.Write(root.FullName, broken));
            Assert.Equal(html, File.ReadAllBytes(first.Html));
            Assert.Single(Directory.GetDirectories(root.FullName));

            Assert.Throws<InputException>(() => RunReport.Write(Path.Combine(root.FullName, "missing"), Run.Value));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_manifest_without_runs_still_gives_paths_and_horizons_from_the_tables()
    {
        var run = SyntheticRun.Build(withManifestRuns: false);
        Assert.Equal(SyntheticRun.McPaths, run.PathCount(SyntheticRun.MonteCarlo, "ps000"));
        Assert.Null(run.PathCount(SyntheticRun.Historical, "ps000"));
        Assert.Equal("730 days (2020-01-01 to 2021-12-30)", run.Horizon(SyntheticRun.Historical, "ps000"));
        Assert.Equal("365 days", run.Horizon(SyntheticRun.MonteCarlo, "ps000"));
        var doc = RunReport.Build(run);
        Assert.Contains(doc.Sections.Single(s => s.Id == "overview").Blocks, b => b is Note n && n.Text.Contains("lists no runs", StringComparison.Ordinal));
    }

    private static string[] Cells(string row) =>
        Regex.Split(row.Trim().Trim('|'), @"(?<!\\)\|").Select(c => c.Trim()).ToArray();

    [GeneratedRegex(@"^\d\.\d+ \[\d\.\d+, \d\.\d+\]$")]
    private static partial Regex IntervalCell();
}

public sealed class RunHistorySectionTests
{
    private static readonly Lazy<RunData> Run = new(() => SyntheticRun.Build());

    private static RunHistory History(params EarlierRunEntry[] runs) => new("/runs/catalog.db", "reference/ps000 mean_final", 1.5, runs);

    [Fact]
    public void Earlier_runs_are_listed_newest_first_and_linked_where_their_reports_remain()
    {
        var history = History(
            new EarlierRunEntry(7, new DateTimeOffset(2026, 2, 28, 9, 30, 0, TimeSpan.Zero), "fedcba9876543210fedcba9876543210fedcba98", false, 2000, 2.5e8, 1.25, "../../older run/report/index.html", "folder /runs/older run"),
            new EarlierRunEntry(3, new DateTimeOffset(2026, 2, 1, 8, 0, 0, TimeSpan.Zero), "0011223344556677", true, 1000, 1.0e8, null, null, "its folder /runs/x now holds a later run"));
        var document = RunReport.Build(Run.Value, new ReportOptions { History = history });
        Assert.Equal("history", document.Sections[^2].Id);
        var list = Assert.IsType<LinkList>(Assert.Single(document.Sections[^2].Blocks.OfType<LinkList>()));
        Assert.Equal([7L, 3L], list.Items.Select(i => long.Parse(i.Text.Split(',')[0]["Run ".Length..], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("../../older run/report/index.html", list.Items[0].Href);
        Assert.Null(list.Items[1].Href);
        Assert.EndsWith($", commit fedcba987654, 2,000 paths, {NumberFormat.Significant(2.5e8, ValueFormat.Compact, 3)} path-days/s; 1.250 — folder /runs/older run", list.Items[0].Text);
        Assert.Contains("(uncommitted changes)", list.Items[1].Text);
        Assert.Contains("; no such figure — its folder /runs/x now holds a later run", list.Items[1].Text);

        var html = HtmlReportWriter.Write(document);
        Assert.Contains("<li><a href=\"../../older run/report/index.html\">Run 7, 2026-02-28 09:30 UTC", html);
        Assert.Contains("<li>Run 3, 2026-02-01 08:00 UTC", html);
        var markdown = MarkdownSummaryWriter.Write(document);
        Assert.Contains("- [Run 7, 2026-02-28 09:30 UTC", markdown);
        Assert.Contains("](<../../older run/report/index.html>)", markdown);
        Assert.Contains("\n- Run 3, 2026-02-01 08:00 UTC", markdown);
    }

    [Fact]
    public void An_empty_history_says_so_and_no_history_leaves_the_section_out()
    {
        var empty = RunReport.Build(Run.Value, new ReportOptions { History = History() });
        var paragraph = Assert.IsType<Paragraph>(Assert.Single(empty.Sections.Single(s => s.Id == "history").Blocks));
        Assert.Equal("The run catalogue /runs/catalog.db holds no earlier run of synthetic-waterfall.", paragraph.Text);
        Assert.DoesNotContain(RunReport.Build(Run.Value).Sections, s => s.Id == "history");
    }
}
