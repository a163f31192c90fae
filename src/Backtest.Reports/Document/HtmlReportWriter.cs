using System.Globalization;
using System.Net;
using System.Text;
using Backtest.Reports.Charts;

namespace Backtest.Reports.Document;

/// <summary>
/// Renders a report as one self-contained HTML file: inline CSS and SVG, no scripts, no
/// network requests, no web fonts; it prints cleanly (figures and tables are not split across
/// pages) and reads on a laptop screen.
/// </summary>
public static class HtmlReportWriter
{
    private const string Style = """
        :root { color-scheme: light; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #f6f7f9; color: #1a1a1a; font: 15px/1.5 'DejaVu Sans', Verdana, Arial, Helvetica, sans-serif; }
        .page { max-width: 1200px; margin: 0 auto; padding: 28px 32px 48px; background: #ffffff; }
        header { border-bottom: 3px solid #0072B2; padding-bottom: 14px; margin-bottom: 18px; }
        h1 { font-size: 26px; margin: 0 0 12px; line-height: 1.25; }
        h2 { font-size: 20px; margin: 34px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #d9d9d9; }
        h3 { font-size: 16px; margin: 22px 0 8px; }
        dl.facts { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 3px 16px; margin: 0; font-size: 13px; }
        dl.facts dt { color: #4d4d4d; }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        nav.toc { font-size: 13px; margin: 0 0 8px; }
        nav.toc ol { margin: 4px 0; padding-left: 22px; columns: 2; }
        p { margin: 8px 0; max-width: 78ch; }
        .note { border-left: 4px solid #E69F00; background: #fff8e8; padding: 8px 12px; margin: 10px 0; max-width: 78ch; }
        .verdict { border-left: 4px solid #009E73; background: #eef8f4; padding: 10px 14px; margin: 10px 0; font-weight: bold; max-width: 90ch; }
        .objective { font-size: 14px; }
        .table-wrap { overflow-x: auto; margin: 12px 0 4px; }
        table { border-collapse: collapse; font-size: 13px; min-width: 50%; }
        caption { text-align: left; font-weight: bold; padding: 0 0 6px; font-size: 14px; }
        th, td { padding: 5px 8px; border-bottom: 1px solid #e3e3e3; vertical-align: top; }
        thead th { background: #eef1f5; border-bottom: 2px solid #8c8c8c; text-align: left; font-weight: bold; vertical-align: bottom; }
        tbody tr:nth-child(even) { background: #fafbfc; }
        .unit { font-weight: normal; color: #4d4d4d; }
        thead th.num { white-space: normal; }
        th a { color: inherit; text-decoration: underline dotted #8c8c8c; }
        details.full-table { margin: 4px 0 18px; }
        details.full-table > summary { cursor: pointer; color: #005a8c; font-size: 14px; padding: 4px 0; }
        dl.definitions dt[id] { font-family: 'DejaVu Sans Mono', monospace; font-size: 14px; }
        td.key { white-space: nowrap; }
        .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        sup { font-size: 10px; line-height: 0; }
        ol.footnotes { font-size: 12px; color: #333333; margin: 6px 0 16px; padding-left: 22px; max-width: 110ch; }
        figure { margin: 18px 0 22px; }
        figure.chart svg { display: block; max-width: 100%; height: auto; border: 1px solid #e3e3e3; }
        figcaption { font-size: 13px; color: #333333; margin-top: 6px; max-width: 90ch; }
        dl.definitions dt { font-weight: bold; margin-top: 8px; }
        dl.definitions dd { margin: 2px 0 0 18px; max-width: 90ch; }
        pre { background: #f4f5f7; border: 1px solid #e3e3e3; padding: 10px 12px; font-size: 12px; overflow-x: auto; white-space: pre-wrap; }
        footer { margin-top: 40px; font-size: 12px; color: #4d4d4d; border-top: 1px solid #d9d9d9; padding-top: 8px; }
        a { color: #005a8c; }
        @page { margin: 14mm; }
        @media print {
          body { background: #ffffff; font-size: 11pt; }
          .page { max-width: none; padding: 0; }
          nav.toc { display: none; }
          figure, tr, .verdict { break-inside: avoid; }
          thead { display: table-header-group; }
          h2, h3 { break-after: avoid; }
          a { color: inherit; text-decoration: none; }
          .table-wrap { overflow: visible; }
        }
        """;

    /// <summary>The HTML text of the report (UTF-8 when written).</summary>
    public static string Write(ReportDocument document)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var figure in document.Figures())
        {
            if (!names.Add(figure.Name))
            {
                throw new ArgumentException($"two figures are named '{figure.Name}'; figure names become file names and element ids");
            }
        }

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(E(document.Title)).Append("</title>\n<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n<div class=\"page\">\n");
        html.Append("<header>\n<h1>").Append(E(document.Title)).Append("</h1>\n<dl class=\"facts\">\n");
        foreach (var (label, value) in document.Facts)
        {
            html.Append("<dt>").Append(E(label)).Append("</dt><dd>").Append(E(value)).Append("</dd>\n");
        }

        html.Append("</dl>\n</header>\n<nav class=\"toc\" aria-label=\"Contents\"><strong>Contents</strong>\n<ol>\n");
        foreach (var section in document.Sections)
        {
            html.Append("<li><a href=\"#").Append(E(section.Id)).Append("\">").Append(E(section.Title)).Append("</a></li>\n");
        }

        bool definitions = document.Definitions.Count > 0 || document.Columns.Count > 0;
        if (definitions)
        {
            html.Append("<li><a href=\"#definitions\">Definitions</a></li>\n");
        }

        html.Append("</ol>\n</nav>\n<main>\n");
        var counters = new Counters();
        foreach (var section in document.Sections)
        {
            html.Append("<section id=\"").Append(E(section.Id)).Append("\">\n<h2>").Append(E(section.Title)).Append("</h2>\n");
            foreach (var block in section.Blocks)
            {
                WriteBlock(html, block, counters);
            }

            html.Append("</section>\n");
        }

        if (definitions)
        {
            html.Append("<section id=\"definitions\">\n<h2>Definitions</h2>\n<dl class=\"definitions\">\n");
            foreach (var (term, definition) in document.Definitions)
            {
                html.Append("<dt>").Append(E(term)).Append("</dt><dd>").Append(E(definition)).Append("</dd>\n");
            }

            html.Append("</dl>\n");
            if (document.Columns.Count > 0)
            {
                html.Append("<h3 id=\"columns\">Columns of the run tables</h3>\n<p>").Append(E(ColumnsIntro)).Append("</p>\n<dl class=\"definitions\">\n");
                foreach (var column in document.Columns)
                {
                    html.Append("<dt id=\"").Append(E(ReportDocument.ColumnAnchor(column.Key))).Append("\">").Append(E(column.Header)).Append("</dt><dd>").Append(E(column.DefinitionText())).Append("</dd>\n");
                }

                html.Append("</dl>\n");
            }

            html.Append("</section>\n");
        }

        html.Append("</main>\n<footer>Self-contained report: every chart is inline SVG, also written beside this file as its own .svg. No scripts or network access are needed to read it.</footer>\n</div>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static void WriteBlock(StringBuilder html, ReportBlock block, Counters counters)
    {
        switch (block)
        {
            case Paragraph p:
                html.Append("<p>").Append(E(p.Text)).Append("</p>\n");
                break;
            case Note n:
                html.Append("<p class=\"note\">").Append(E(n.Text)).Append("</p>\n");
                break;
            case Preformatted pre:
                html.Append("<pre>").Append(E(pre.Text)).Append("</pre>\n");
                break;
            case TableBlock { Collapsed: { } summary } t:
                html.Append("<details class=\"full-table\">\n<summary>").Append(E(summary)).Append("</summary>\n");
                WriteTable(html, TableModel.From(t.Table), ++counters.Tables);
                html.Append("</details>\n");
                break;
            case TableBlock t:
                WriteTable(html, TableModel.From(t.Table), ++counters.Tables);
                break;
            case FigureBlock f:
                WriteFigure(html, f.Figure, ++counters.Figures);
                break;
            case LinkList list:
                html.Append("<ul>\n");
                foreach (var item in list.Items)
                {
                    html.Append("<li>").Append(item.Href is null ? E(item.Text) : $"<a href=\"{E(item.Href)}\">{E(item.Text)}</a>").Append("</li>\n");
                }

                html.Append("</ul>\n");
                break;
            case RecommendationBlock r:
                var rec = r.Recommendation;
                html.Append("<h3>").Append(E(char.ToUpperInvariant(rec.Scope[0]) + rec.Scope[1..])).Append("</h3>\n");
                html.Append("<p class=\"objective\"><strong>Objective:</strong> ").Append(E(rec.Objective.Text)).Append(".</p>\n");
                html.Append("<p class=\"verdict\">").Append(E(TableModel.Verdict(rec))).Append("</p>\n");
                WriteTable(html, TableModel.From(rec), ++counters.Tables);
                html.Append("<p>").Append(E(Recommendation.Basis)).Append("</p>\n");
                foreach (var figure in rec.Figures)
                {
                    WriteFigure(html, figure, ++counters.Figures);
                }

                break;
            default:
                throw new ArgumentException($"unknown report block {block.GetType().Name}");
        }
    }

    private static void WriteTable(StringBuilder html, TableModel table, int number)
    {
        string id = $"t{number.ToString(CultureInfo.InvariantCulture)}";
        html.Append("<div class=\"table-wrap\">\n<table>\n<caption>Table ").Append(number.ToString(CultureInfo.InvariantCulture)).Append(". ").Append(E(table.Title)).Append("</caption>\n<thead><tr>");
        foreach (var h in table.Headers)
        {
            html.Append("<th scope=\"col\"").Append(h.Numeric ? " class=\"num\"" : string.Empty);
            if (h.Hint is not null)
            {
                html.Append(" title=\"").Append(E(h.Hint)).Append('"');
            }

            html.Append('>');
            // Snake-case names may break after an underscore, so a narrow column wraps its header instead of widening the table.
            string name = E(h.Text).Replace("_", "_<wbr>", StringComparison.Ordinal);
            if (h.Link is null)
            {
                html.Append(name);
            }
            else
            {
                html.Append("<a href=\"#").Append(E(h.Link)).Append("\">").Append(name).Append("</a>");
            }

            if (h.Unit is not null)
            {
                html.Append("<br><span class=\"unit\">").Append(E(h.Unit)).Append("</span>");
            }

            if (h.Footnote > 0)
            {
                string n = h.Footnote.ToString(CultureInfo.InvariantCulture);
                html.Append("<sup><a href=\"#").Append(id).Append("-fn").Append(n).Append("\">").Append(n).Append("</a></sup>");
            }

            html.Append("</th>");
        }

        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in table.Rows)
        {
            html.Append("<tr>");
            for (int i = 0; i < row.Count; i++)
            {
                html.Append(table.Headers[i].Numeric ? "<td class=\"num\">" : "<td class=\"key\">").Append(E(row[i])).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n</div>\n");
        if (table.Footnotes.Count > 0)
        {
            html.Append("<ol class=\"footnotes\">\n");
            for (int i = 0; i < table.Footnotes.Count; i++)
            {
                html.Append("<li id=\"").Append(id).Append("-fn").Append((i + 1).ToString(CultureInfo.InvariantCulture)).Append("\">").Append(E(table.Footnotes[i])).Append("</li>\n");
            }

            html.Append("</ol>\n");
        }
    }

    private static void WriteFigure(StringBuilder html, Figure figure, int number)
    {
        html.Append("<figure class=\"chart\" id=\"fig-").Append(E(figure.Name)).Append("\">\n")
            .Append(figure.Chart.ToSvg(figure.Name))
            .Append("<figcaption><strong>Figure ").Append(number.ToString(CultureInfo.InvariantCulture)).Append(".</strong> ").Append(E(figure.Caption))
            .Append(" <a href=\"").Append(E(figure.FileName)).Append("\">SVG file</a></figcaption>\n</figure>\n");
    }

    /// <summary>Said once above the column definitions: where the statements a definition leaves out are.</summary>
    internal const string ColumnsIntro = "Each run table's title gives the paths and horizon its numbers are computed over (or, where they differ by row, its paths and horizon columns do). The entries below give the rest: what the column measures, the statistic, the loss class, how its interval was computed, and its unit.";

    private static string E(string text) => WebUtility.HtmlEncode(text);

    private sealed class Counters
    {
        public int Tables;
        public int Figures;
    }
}
