using System.Globalization;
using System.Text;

namespace Backtest.Reports.Document;

/// <summary>
/// Renders the report's summary as GitHub-flavoured Markdown (<c>summary.md</c>): header facts,
/// every run table and recommendation with the same footnoted statements as the HTML, and the
/// charts as links to their <c>.svg</c> files beside it.
/// </summary>
public static class MarkdownSummaryWriter
{
    public static string Write(ReportDocument document)
    {
        var md = new StringBuilder();
        md.Append("# ").Append(Inline(document.Title)).Append("\n\n");
        md.Append("| | |\n|---|---|\n");
        foreach (var (label, value) in document.Facts)
        {
            md.Append("| ").Append(Cell(label)).Append(" | ").Append(Cell(value)).Append(" |\n");
        }

        int tables = 0, figures = 0;
        foreach (var section in document.Sections)
        {
            md.Append("\n## ").Append(Inline(section.Title)).Append('\n');
            foreach (var block in section.Blocks)
            {
                switch (block)
                {
                    case Paragraph p:
                        md.Append('\n').Append(Inline(p.Text)).Append('\n');
                        break;
                    case Note n:
                        md.Append("\n> **Note:** ").Append(Inline(n.Text)).Append('\n');
                        break;
                    case Preformatted pre:
                        md.Append("\n```text\n").Append(pre.Text.Replace("```", "'''", StringComparison.Ordinal).TrimEnd('\n')).Append("\n```\n");
                        break;
                    case TableBlock t:
                        WriteTable(md, TableModel.From(t.Table), ++tables);
                        break;
                    case FigureBlock f:
                        WriteFigure(md, f.Figure, ++figures);
                        break;
                    case LinkList list:
                        md.Append('\n');
                        foreach (var item in list.Items)
                        {
                            md.Append("- ").Append(item.Href is null ? Inline(item.Text) : $"[{Inline(item.Text)}](<{item.Href.Replace(">", "%3E", StringComparison.Ordinal)}>)").Append('\n');
                        }

                        break;
                    case RecommendationBlock r:
                        var rec = r.Recommendation;
                        md.Append("\n### ").Append(Inline(char.ToUpperInvariant(rec.Scope[0]) + rec.Scope[1..])).Append("\n\n");
                        md.Append("**Objective:** ").Append(Inline(rec.Objective.Text)).Append(".\n\n");
                        md.Append("**").Append(Inline(TableModel.Verdict(rec))).Append("**\n");
                        WriteTable(md, TableModel.From(rec), ++tables);
                        md.Append('\n').Append(Inline(Recommendation.Basis)).Append('\n');
                        foreach (var figure in rec.Figures)
                        {
                            WriteFigure(md, figure, ++figures);
                        }

                        break;
                    default:
                        throw new ArgumentException($"unknown report block {block.GetType().Name}");
                }
            }
        }

        if (document.Definitions.Count > 0 || document.Columns.Count > 0)
        {
            md.Append("\n## Definitions\n\n");
            foreach (var (term, definition) in document.Definitions)
            {
                md.Append("- **").Append(Inline(term)).Append("**: ").Append(Inline(definition)).Append('\n');
            }

            if (document.Columns.Count > 0)
            {
                md.Append("\n### Columns of the run tables\n\n").Append(Inline(HtmlReportWriter.ColumnsIntro)).Append("\n\n");
                foreach (var column in document.Columns)
                {
                    md.Append("- **").Append(Inline(column.Header)).Append("**: ").Append(Inline(column.DefinitionText())).Append('\n');
                }
            }
        }

        return md.ToString();
    }

    private static void WriteTable(StringBuilder md, TableModel table, int number)
    {
        md.Append("\n**Table ").Append(number.ToString(CultureInfo.InvariantCulture)).Append(". ").Append(Inline(table.Title)).Append("**\n\n|");
        foreach (var h in table.Headers)
        {
            md.Append(' ').Append(Cell(h.Full));
            if (h.Footnote > 0)
            {
                md.Append(" [").Append(h.Footnote.ToString(CultureInfo.InvariantCulture)).Append(']');
            }

            md.Append(" |");
        }

        md.Append("\n|");
        foreach (var h in table.Headers)
        {
            md.Append(h.Numeric ? "---:|" : "---|");
        }

        md.Append('\n');
        foreach (var row in table.Rows)
        {
            md.Append('|');
            foreach (var cell in row)
            {
                md.Append(' ').Append(Cell(cell)).Append(" |");
            }

            md.Append('\n');
        }

        if (table.Footnotes.Count > 0)
        {
            md.Append('\n');
            for (int i = 0; i < table.Footnotes.Count; i++)
            {
                md.Append('[').Append((i + 1).ToString(CultureInfo.InvariantCulture)).Append("] ").Append(Inline(table.Footnotes[i])).Append("\\\n");
            }

            md.Length -= 2; // no hard break after the last footnote
            md.Append('\n');
        }
    }

    private static void WriteFigure(StringBuilder md, Figure figure, int number)
    {
        string n = number.ToString(CultureInfo.InvariantCulture);
        md.Append("\n![Figure ").Append(n).Append(": ").Append(Inline(figure.Chart.Title).Replace("]", "\\]", StringComparison.Ordinal)).Append("](").Append(figure.FileName).Append(")\n\n")
            .Append("*Figure ").Append(n).Append(".* ").Append(Inline(figure.Caption)).Append('\n');
    }

    /// <summary>Text on one line with Markdown's inline markup characters escaped.</summary>
    private static string Inline(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (char c in text.ReplaceLineEndings(" "))
        {
            if (c is '\\' or '*' or '_' or '`' or '<' or '|')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    private static string Cell(string text) => Inline(text);
}
