using Backtest.Reports.Charts;

namespace Backtest.Reports.Document;

/// <summary>
/// A report independent of its output format: header facts, sections of blocks (paragraphs,
/// tables, figures, recommendations) and definitions. <see cref="HtmlReportWriter"/> and
/// <see cref="MarkdownSummaryWriter"/> render it.
/// </summary>
public sealed class ReportDocument
{
    public required string Title { get; init; }

    /// <summary>Header facts in order: study, model, engine version, commit, date, path counts, …</summary>
    public required IReadOnlyList<(string Label, string Value)> Facts { get; init; }

    public List<ReportSection> Sections { get; } = [];

    /// <summary>Terms used in the report and what they mean (rendered at the end).</summary>
    public List<(string Term, string Definition)> Definitions { get; } = [];

    /// <summary>
    /// The run tables' metric columns, each defined once (rendered with the definitions); a run
    /// table's header links to its column's entry instead of repeating it under every table.
    /// </summary>
    public List<MetricDescriptor> Columns { get; } = [];

    /// <summary>The HTML anchor of a column's definition: "col-" and the key with anything but letters, digits, '-' and '_' as '-'.</summary>
    public static string ColumnAnchor(string key) =>
        "col-" + string.Concat(key.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '-'));

    /// <summary>Every figure of the report, in order of appearance.</summary>
    public IEnumerable<Figure> Figures() =>
        Sections.SelectMany(s => s.Blocks).SelectMany(b => b switch
        {
            FigureBlock f => [f.Figure],
            RecommendationBlock r => r.Recommendation.Figures,
            _ => Enumerable.Empty<Figure>(),
        });
}

/// <summary>A titled section; <see cref="Id"/> is its HTML anchor.</summary>
public sealed class ReportSection(string id, string title)
{
    public string Id { get; } = id;

    public string Title { get; } = title;

    public List<ReportBlock> Blocks { get; } = [];

    public ReportSection Add(ReportBlock block)
    {
        Blocks.Add(block);
        return this;
    }

    public ReportSection AddRange(IEnumerable<ReportBlock> blocks)
    {
        Blocks.AddRange(blocks);
        return this;
    }
}

/// <summary>A piece of a section.</summary>
public abstract record ReportBlock;

/// <summary>Plain text (no markup; writers escape it).</summary>
public sealed record Paragraph(string Text) : ReportBlock;

/// <summary>A note that stands out (e.g. a limitation of the data).</summary>
public sealed record Note(string Text) : ReportBlock;

/// <summary>Text shown verbatim in a monospaced block (e.g. the study file).</summary>
public sealed record Preformatted(string Text) : ReportBlock;

/// <summary>A table; with <paramref name="Collapsed"/> set, HTML folds it under that summary line (Markdown prints it whole).</summary>
public sealed record TableBlock(RunTable Table, string? Collapsed = null) : ReportBlock;

public sealed record FigureBlock(Figure Figure) : ReportBlock;

public sealed record RecommendationBlock(Recommendation Recommendation) : ReportBlock;

/// <summary>A bulleted list whose items link to <see cref="ListItem.Href"/> where it is not null.</summary>
public sealed record LinkList(IReadOnlyList<ListItem> Items) : ReportBlock;

/// <summary>One item of a <see cref="LinkList"/>: plain text, and a relative or absolute address.</summary>
public sealed record ListItem(string Text, string? Href);

/// <summary>
/// A chart with its file name (without ".svg"; letters, digits and '-') and a caption stating
/// what is plotted: statistic, horizon, paths, scenario and parameter set.
/// </summary>
public sealed record Figure(string Name, Chart Chart, string Caption)
{
    public string FileName => Name + ".svg";
}

/// <summary>
/// A run table: key columns (scenario, parameter set, swept parameters, row keys such as the
/// tier), then per-row paths and horizon, then metric columns whose cells are estimates with
/// intervals. Statements shared by every row (paths, horizon) go in the title; each metric's
/// definition, statistic, loss class and interval method are in the document's column
/// definitions (<see cref="ReportDocument.Columns"/>), which the headers link to.
/// </summary>
public sealed class RunTable
{
    public required string Title { get; init; }

    /// <summary>Key column headers, e.g. "scenario", "parameter set", "tier".</summary>
    public required IReadOnlyList<string> Keys { get; init; }

    public required IReadOnlyList<MetricDescriptor> Metrics { get; init; }

    public required IReadOnlyList<RunTableRow> Rows { get; init; }

    /// <summary>Whether rows carry their own path counts and horizons (shown as columns).</summary>
    public bool PerRowStatements => Rows.Any(r => r.Paths is not null || r.Horizon is not null);

    /// <summary>Checks every row has one key per key column and one cell per metric.</summary>
    public void Validate()
    {
        foreach (var row in Rows)
        {
            if (row.Keys.Count != Keys.Count || row.Values.Count != Metrics.Count)
            {
                throw new ArgumentException($"run table '{Title}': a row has {row.Keys.Count} keys and {row.Values.Count} values for {Keys.Count} key and {Metrics.Count} metric columns");
            }
        }
    }
}

/// <summary>One row: key texts, the path count and horizon it was computed over, and one estimate (or null) per metric.</summary>
public sealed record RunTableRow(IReadOnlyList<string> Keys, long? Paths, string? Horizon, IReadOnlyList<Estimate?> Values);
