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
          const intersect = (a, b) => Math.max(0, Math.min(a.right, b.right) - Math.max(a.left, b.left)) * Math.max(0, Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top));
          for (const svg of document.querySelectorAll('figure.chart > svg')) {
            const id = svg.closest('figure').id;
            const box = svg.getBoundingClientRect();
            const marks = [...svg.querySelectorAll('g.series path, g.series rect, g.series circle, g.cells rect')];
            const drawn = marks.filter(m => { const b = m.getBBox(); return b.width > 0 || b.height > 0; }).length;
            out.charts.push({ id, width: box.width, height: box.height, marks: marks.length, drawn, noData: svg.textContent.includes('No data to plot') });
            const texts = [...svg.querySelectorAll('text')].map(t => ({ text: t.textContent, r: t.getBoundingClientRect() })).filter(t => t.r.width > 0);
            for (let i = 0; i < texts.length; i++) {
              const r = texts[i].r;
              if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) out.outside.push(id + ': ' + texts[i].text);
              for (let j = i + 1; j < texts.length; j++) {
                // Glyph boxes include line-gap padding; 2 px of shared area is still clear space to a reader.
                if (intersect(r, texts[j].r) > 2) out.overlaps.push(id + ': "' + texts[i].text + '" / "' + texts[j].text + '"');
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
