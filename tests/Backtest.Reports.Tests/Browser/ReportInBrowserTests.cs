using Backtest.Reports.Charts;
using Backtest.Reports.Formatting;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Backtest.Reports.Tests.Browser;

/// <summary>
/// Opens a generated report in headless Chromium and checks what a reader would see: no
/// console messages, every chart drawn with visible marks, no two text labels of a chart
/// overlapping and none outside its chart, and a screenshot that is not blank. Set
/// BACKTEST_REPORT_ARTIFACTS to a folder to keep the report and screenshots for a look.
/// </summary>
public sealed partial class ReportInBrowserTests(ITestOutputHelper output)
{
    // Runs inside the page after the DOM is parsed; writes its findings into the DOM so
    // --dump-dom returns them (the report itself has no scripts).
    private const string Probe = """
        <script>
        (function () {
          const out = { errors: [], charts: [], overlaps: [], outside: [] };
          window.addEventListener('error', e => out.errors.push(String(e.message)));
          // Each label as the quadrilateral its glyph box covers on screen (rotation included),
          // shrunk by 1 px a side for the font's line padding; two labels overlap when no
          // separating axis exists between their quadrilaterals.
          const corners = t => {
            const b = t.getBBox(), m = t.getScreenCTM();
            return [[b.x + 1, b.y + 1], [b.x + b.width - 1, b.y + 1], [b.x + b.width - 1, b.y + b.height - 1], [b.x + 1, b.y + b.height - 1]]
              .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
          };
          const separated = (p, q) => [p, q].some(poly => poly.some((a, i) => {
            const b = poly[(i + 1) % 4], nx = b[1] - a[1], ny = a[0] - b[0];
            const proj = s => s.map(([x, y]) => x * nx + y * ny);
            const pp = proj(p), qq = proj(q);
            return Math.max(...pp) <= Math.min(...qq) || Math.max(...qq) <= Math.min(...pp);
          }));
          for (const svg of document.querySelectorAll('figure.chart > svg')) {
            const id = svg.closest('figure').id;
            const box = svg.getBoundingClientRect();
            const marks = [...svg.querySelectorAll('g.series path, g.series rect, g.series circle, g.cells rect')];
            const drawn = marks.filter(m => { const b = m.getBBox(); return b.width > 0 || b.height > 0; }).length;
            out.charts.push({ id, width: box.width, height: box.height, marks: marks.length, drawn, noData: svg.textContent.includes('No data to plot') });
            const texts = [...svg.querySelectorAll('text')].filter(t => t.getBBox().width > 0).map(t => ({ text: t.textContent, r: t.getBoundingClientRect(), q: corners(t) }));
            for (let i = 0; i < texts.length; i++) {
              const r = texts[i].r;
              if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) out.outside.push(id + ': ' + texts[i].text);
              for (let j = i + 1; j < texts.length; j++) {
                if (!separated(texts[i].q, texts[j].q)) out.overlaps.push(id + ': "' + texts[i].text + '" / "' + texts[j].text + '"');
              }
            }
          }
          const pre = document.createElement('pre');
          pre.id = 'probe-result';
          pre.textContent = JSON.stringify(out);
          document.body.appendChild(pre);
        })();
        </script>
        """;

    [ChromiumFact]
    public void Report_renders_in_chromium_with_every_chart_drawn_and_no_overlapping_text()
    {
        var root = Directory.CreateTempSubdirectory("backtest-report-browser-");
        try
        {
            var written = RunReport.Write(root.FullName, SyntheticRun.Build());
            string html = File.ReadAllText(written.Html);
            string screenshot = Path.Combine(written.Directory, "report.png");
            Chromium.Run(written.Html, $"--screenshot={screenshot}", "--window-size=1280,2200", "--hide-scrollbars");
            Keep(written.Directory);
            AssertSelfContained(html);

            string probe = Path.Combine(written.Directory, "probe.html");
            File.WriteAllText(probe, html.Replace("</body>", Probe + "</body>", StringComparison.Ordinal));
            var (dom, log) = Chromium.Run(probe, "--dump-dom");
            var console = log.Split('\n').Where(l => l.Contains("CONSOLE", StringComparison.Ordinal)).ToArray();
            Assert.True(console.Length == 0, "console messages:\n" + string.Join("\n", console));

            var match = ProbeResult().Match(dom);
            Assert.True(match.Success, "the probe wrote no result; chromium stderr:\n" + log[..Math.Min(log.Length, 3000)]);
            using var result = JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(match.Groups[1].Value));
            var r = result.RootElement;
            Assert.Empty(r.GetProperty("errors").EnumerateArray());

            var charts = r.GetProperty("charts").EnumerateArray().ToArray();
            int figures = Regex.Count(html, "<figure class=\"chart\"");
            Assert.Equal(figures, charts.Length);
            Assert.True(charts.Length >= 8, $"expected every chart type in the synthetic report, found {charts.Length} charts");
            foreach (var chart in charts)
            {
                string id = chart.GetProperty("id").GetString()!;
                Assert.True(chart.GetProperty("width").GetDouble() > 100 && chart.GetProperty("height").GetDouble() > 100, $"{id} has no size");
                Assert.False(chart.GetProperty("noData").GetBoolean(), $"{id} shows no data");
                Assert.True(chart.GetProperty("drawn").GetInt32() > 0, $"{id} has no visible marks ({chart.GetProperty("marks").GetInt32()} marks, none with a non-zero bounding box)");
            }

            var overlaps = r.GetProperty("overlaps").EnumerateArray().Select(e => e.GetString()).ToArray();
            Assert.True(overlaps.Length == 0, "overlapping labels:\n" + string.Join("\n", overlaps));
            var outside = r.GetProperty("outside").EnumerateArray().Select(e => e.GetString()).ToArray();
            Assert.True(outside.Length == 0, "labels outside their chart:\n" + string.Join("\n", outside));

            var image = PngImage.Decode(File.ReadAllBytes(screenshot));
            Assert.Equal(1280, image.Width);
            double variance = image.LuminanceVariance(), ink = image.InkShare();
            output.WriteLine($"{charts.Length} charts; screenshot luminance variance {variance:F0}, non-background pixels {ink:P1}");
            Assert.True(variance > 200, $"screenshot looks blank: luminance variance {variance:F1}");
            Assert.True(ink > 0.05, $"screenshot looks blank: only {ink:P2} of pixels differ from the background");

        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [ChromiumFact]
    public void Crowded_charts_thin_or_rotate_their_labels_in_a_real_browser()
    {
        // Narrow charts, long date ranges, many and long categories, large numbers: the cases
        // label thinning and rotation exist for, measured with the browser's own fonts.
        var days = Enumerable.Range(0, 3000).Select(i => (double)new DateOnly(2015, 1, 1).AddDays(i).DayNumber).ToArray();
        var categories = Enumerable.Range(0, 36).Select(i => $"parameter set {i:D3} (senior weight {0.5 + (i * 0.01):F2})").ToArray();
        var grid = new double[18, 24];
        for (int r = 0; r < 18; r++)
        {
            for (int c = 0; c < 24; c++)
            {
                grid[r, c] = (r * c) % 7 == 0 ? double.NaN : 0.001 * r * c;
            }
        }

        var charts = new Chart[]
        {
            new LineChart { Title = "Narrow line chart over eight years of dates", Width = 260, Height = 220, XAxis = AxisSpec.Dates(), YAxis = new("Total value locked", "USD") { Format = ValueFormat.Compact }, Series = [new("a", days, days.Select((_, i) => 1e9 + (1e7 * Math.Sin(i / 50.0))).ToArray()), new("b with a long legend label that must wrap", days, days.Select((_, i) => 1.1e9 + (1e7 * Math.Cos(i / 40.0))).ToArray())] },
            new BarChart { Title = "Thirty-six long category names", Width = 520, Height = 380, Categories = categories, CategoryTitle = "Parameter set", ValueAxis = new("P(run)", "probability"), Series = [new("p", categories.Select((_, i) => 0.001 * i).ToArray())] },
            new Heatmap { Title = "Dense grid", Width = 520, Height = 420, XAxis = new("fee_rate", "per redemption"), YAxis = new("senior_weight", "share"), XLabels = Enumerable.Range(0, 24).Select(i => $"{0.0001 * (i + 1):F4}").ToArray(), YLabels = Enumerable.Range(0, 18).Select(i => $"{0.40 + (0.01 * i):F2}").ToArray(), Values = grid, ValueAxis = new("wiped_out_probability", "probability") { Min = 0, Max = 0.5 } },
            new Histogram { Title = "Huge values", Width = 300, Height = 240, ValueAxis = new("Loss", "USD"), Values = Enumerable.Range(0, 5000).Select(i => 1e9 + (i * 123456.7)).ToArray() },
            new ScatterChart { Title = "Crowded frontier", Width = 320, Height = 260, XAxis = new("P(run)", "probability"), YAxis = new("Yield", "per year") { Format = ValueFormat.Percent }, Points = Enumerable.Range(0, 40).Select(i => new ScatterPoint($"ps{i:D3}", 0.001 * i, 0.02 + (0.001 * Math.Sqrt(i)))).ToArray(), Frontier = (Direction.Minimize, Direction.Maximize), Highlight = "ps010" },
        };
        var root = Directory.CreateTempSubdirectory("backtest-crowded-");
        try
        {
            string page = Path.Combine(root.FullName, "crowded.html");
            var body = string.Concat(charts.Select((c, i) => $"<figure class=\"chart\" id=\"fig-{i}\">{c.ToSvg($"c{i}")}</figure>"));
            File.WriteAllText(page, $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>{body}{Probe}</body></html>");
            if (Environment.GetEnvironmentVariable("BACKTEST_REPORT_ARTIFACTS") is { Length: > 0 })
            {
                Chromium.Run(page, $"--screenshot={Path.Combine(root.FullName, "crowded.png")}", "--window-size=1100,1500", "--hide-scrollbars");
                Keep(root.FullName);
            }

            var (dom, _) = Chromium.Run(page, "--dump-dom");
            using var result = JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(ProbeResult().Match(dom).Groups[1].Value));
            var overlaps = result.RootElement.GetProperty("overlaps").EnumerateArray().Select(e => e.GetString()).ToArray();
            Assert.True(overlaps.Length == 0, "overlapping labels:\n" + string.Join("\n", overlaps));
            var outside = result.RootElement.GetProperty("outside").EnumerateArray().Select(e => e.GetString()).ToArray();
            Assert.True(outside.Length == 0, "labels outside their chart:\n" + string.Join("\n", outside));
            Assert.All(result.RootElement.GetProperty("charts").EnumerateArray(), c => Assert.True(c.GetProperty("drawn").GetInt32() > 0));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [ChromiumFact]
    public void Probe_detects_overlapping_labels_and_empty_charts()
    {
        // The checks above must be able to fail: a page with two labels on top of each other and
        // a chart without marks has to be reported as such.
        var root = Directory.CreateTempSubdirectory("backtest-probe-");
        try
        {
            string page = Path.Combine(root.FullName, "bad.html");
            File.WriteAllText(page, "<!DOCTYPE html><html><body><figure class=\"chart\" id=\"fig-bad\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"300\" height=\"200\" viewBox=\"0 0 300 200\"><g class=\"series\"><path d=\"M10 10\"/></g><text x=\"20\" y=\"50\">overlapping</text><text x=\"24\" y=\"52\">labels</text></svg></figure>" + Probe + "</body></html>");
            var (dom, _) = Chromium.Run(page, "--dump-dom");
            using var result = JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(ProbeResult().Match(dom).Groups[1].Value));
            Assert.Single(result.RootElement.GetProperty("overlaps").EnumerateArray());
            Assert.Equal(0, result.RootElement.GetProperty("charts")[0].GetProperty("drawn").GetInt32());
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    /// <summary>Copies the report and its screenshot to $BACKTEST_REPORT_ARTIFACTS, when set, for a person to look at.</summary>
    private void Keep(string directory)
    {
        if (Environment.GetEnvironmentVariable("BACKTEST_REPORT_ARTIFACTS") is { Length: > 0 } keep)
        {
            Directory.CreateDirectory(keep);
            foreach (var file in Directory.GetFiles(directory))
            {
                File.Copy(file, Path.Combine(keep, Path.GetFileName(file)), overwrite: true);
            }

            output.WriteLine($"report kept in {keep}");
        }
    }

    /// <summary>No scripts, no external resources, no web fonts: the page must open offline.</summary>
    internal static void AssertSelfContained(string html)
    {
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@font-face", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        var external = Regex.Matches(html, "https?://[^\"'\\s<]+").Select(m => m.Value).Where(u => u != "http://www.w3.org/2000/svg").ToArray();
        Assert.True(external.Length == 0, "external references: " + string.Join(", ", external.Distinct()));
    }

    [GeneratedRegex("<pre id=\"probe-result\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex ProbeResult();
}
