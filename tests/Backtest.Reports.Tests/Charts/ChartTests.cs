using System.Text.RegularExpressions;
using System.Xml.Linq;
using Backtest.Reports.Charts;
using Backtest.Reports.Formatting;
using FsCheck;
using FsCheck.Fluent;

namespace Backtest.Reports.Tests.Charts;

public sealed partial class ChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>One chart of each type with ordinary data.</summary>
    public static IEnumerable<object[]> EveryChart()
    {
        var x = Enumerable.Range(0, 50).Select(i => (double)new DateOnly(2021, 1, 1).AddDays(i * 7).DayNumber).ToArray();
        double[] Wave(double a) => x.Select((_, i) => 1 + (a * Math.Sin(i / 5.0))).ToArray();
        yield return [new LineChart { Title = "Lines", XAxis = AxisSpec.Dates(), YAxis = new("DR", "ratio"), Series = [new("a", x, Wave(0.1)), new("b", x, Wave(0.2))], Band = new(0.95, 1.05, "band") }];
        yield return [new FanChart { Title = "Fan", XAxis = AxisSpec.Steps(), YAxis = new("DR", "ratio"), Fan = new(x.Select((_, i) => (double)i).ToArray(), Wave(-0.1).Select(v => v - 0.2).ToArray(), Wave(-0.1).Select(v => v - 0.1).ToArray(), Wave(-0.1), Wave(-0.1).Select(v => v + 0.1).ToArray(), Wave(-0.1).Select(v => v + 0.2).ToArray(), Wave(-0.1)) }];
        yield return [new Heatmap { Title = "Grid", XAxis = new("fee", "%"), YAxis = new("weight", "share"), XLabels = ["1", "2"], YLabels = ["0.5", "0.6"], Values = new double[,] { { 0.1, 0.2 }, { 0.3, double.NaN } }, ValueAxis = new("P(run)", "probability") { Min = 0, Max = 0.5 } }];
        yield return [new Histogram { Title = "Histogram", ValueAxis = new("Loss", "USD") { Format = ValueFormat.Compact }, Values = Enumerable.Range(0, 500).Select(i => i % 3 == 0 ? 0 : i * 1000.0).ToArray(), SeparateZeros = true, LogCounts = true }];
        yield return [new ExceedanceChart { Title = "Exceedance", ValueAxis = new("Loss", "USD"), Series = [new("tier 1", Enumerable.Range(0, 300).Select(i => (double)(i * i)).ToArray())] }];
        yield return [new StackedAreaChart { Title = "Stack", XAxis = AxisSpec.Steps(), YAxis = new("Capital", "USD") { Format = ValueFormat.Compact }, X = [0, 1, 2, 3], Layers = [new("t1", [5e6, 5e6, 6e6, 6e6]), new("t2", [1e6, 2e6, 2e6, 1e6])] }];
        yield return [new ScatterChart { Title = "Scatter", XAxis = new("P(run)", "probability"), YAxis = new("APY", "per year"), Points = [new("a", 0.01, 0.05), new("b", 0.02, 0.07), new("c", 0.03, 0.06)], Frontier = (Direction.Minimize, Direction.Maximize), Highlight = "a" }];
        yield return [new BarChart { Title = "Bars", Categories = ["ps000", "ps001", "ps002"], CategoryTitle = "Parameter set", ValueAxis = new("P(run)", "probability"), Series = [new("p", [0.01, double.NaN, 0.03], [0.005, double.NaN, 0.02], [0.02, double.NaN, 0.04])] }];
    }

    [Theory]
    [MemberData(nameof(EveryChart))]
    public void Every_chart_is_a_valid_accessible_standalone_svg(Chart chart)
    {
        string text = chart.ToSvg("fig-1");
        var root = XDocument.Parse(text).Root!;
        Assert.Equal(Svg + "svg", root.Name);
        Assert.Equal("img", (string?)root.Attribute("role"));
        Assert.Equal($"0 0 {chart.Width} {chart.Height}", (string?)root.Attribute("viewBox"));
        Assert.Equal("fig-1-title fig-1-desc", (string?)root.Attribute("aria-labelledby"));
        Assert.Equal(chart.Title, root.Element(Svg + "title")!.Value);
        Assert.False(string.IsNullOrWhiteSpace(root.Element(Svg + "desc")!.Value));
        Assert.DoesNotContain("No data to plot", text);
        Assert.NotEmpty(root.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") is "series" or "cells").SelectMany(g => g.Elements()));
    }

    [Theory]
    [MemberData(nameof(EveryChart))]
    public void Every_chart_renders_to_the_same_bytes_each_time(Chart chart)
    {
        var again = EveryChart().Select(o => (Chart)o[0]).Single(c => c.Title == chart.Title);
        Assert.Equal(chart.ToSvg(), again.ToSvg());
    }

    [Theory]
    [MemberData(nameof(EveryChart))]
    public void Numbers_in_a_chart_are_short_and_plain(Chart chart)
    {
        var texts = XDocument.Parse(chart.ToSvg()).Descendants(Svg + "text").Select(t => t.Value).ToArray();
        Assert.NotEmpty(texts);
        Assert.All(texts, t => Assert.False(LongNumber().IsMatch(t), $"label '{t}' has float noise or an exponent"));
    }

    [Fact]
    public void Axis_titles_state_their_units()
    {
        var chart = (LineChart)EveryChart().First()[0];
        var texts = XDocument.Parse(chart.ToSvg()).Descendants(Svg + "text").Select(t => t.Value).ToArray();
        Assert.Contains("DR (ratio)", texts);
        Assert.Contains("Date", texts);
        Assert.Equal("P (%)", new AxisSpec("P", string.Empty) { Format = ValueFormat.Percent }.Label);
    }

    [Fact]
    public void Empty_data_says_so_in_a_valid_svg()
    {
        var charts = new Chart[]
        {
            new LineChart { Title = "Empty", XAxis = AxisSpec.Steps(), YAxis = new("y", "u"), Series = [] },
            new LineChart { Title = "All gaps", XAxis = AxisSpec.Steps(), YAxis = new("y", "u"), Series = [new("a", [0, 1], [double.NaN, double.NaN])] },
            new Histogram { Title = "No values", ValueAxis = new("x", "u"), Values = [] },
            new Heatmap { Title = "No cells", XAxis = new("a", "u"), YAxis = new("b", "u"), XLabels = [], YLabels = [], Values = new double[0, 0], ValueAxis = new("v", "u") },
            new BarChart { Title = "No bars", Categories = [], CategoryTitle = "c", ValueAxis = new("v", "u"), Series = [] },
        };
        foreach (var chart in charts)
        {
            string text = chart.ToSvg();
            XDocument.Parse(text);
            Assert.Contains("No data to plot", text);
        }
    }

    [Fact]
    public void A_single_point_and_constant_values_still_draw()
    {
        var one = new LineChart { Title = "One", XAxis = AxisSpec.Steps(), YAxis = new("y", "u"), Series = [new("a", [3], [7])] };
        var root = XDocument.Parse(one.ToSvg()).Root!;
        Assert.Single(root.Descendants(Svg + "circle"));

        var flat = new LineChart { Title = "Flat", XAxis = AxisSpec.Steps(), YAxis = new("y", "u"), Series = [new("a", [0, 1, 2], [5, 5, 5])] };
        var texts = XDocument.Parse(flat.ToSvg()).Descendants(Svg + "text").Select(t => t.Value).ToArray();
        Assert.Contains(texts, t => t == "5.0" || t == "5");

        var zeros = new BarChart { Title = "Zeros", Categories = ["a", "b"], CategoryTitle = "c", ValueAxis = new("P", "probability") { Min = 0 }, Series = [new("p", [0, 0])] };
        var labels = XDocument.Parse(zeros.ToSvg()).Descendants(Svg + "text").Select(t => t.Value).ToArray();
        Assert.DoesNotContain(labels, l => l.StartsWith('-'));
    }

    [Fact]
    public void NaN_leaves_a_gap_in_a_line()
    {
        var chart = new LineChart { Title = "Gap", XAxis = AxisSpec.Steps(), YAxis = new("y", "u"), Series = [new("a", [0, 1, 2, 3, 4, 5], [1, 2, double.NaN, 3, 4, 5])] };
        var series = XDocument.Parse(chart.ToSvg()).Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "series");
        Assert.Equal(2, series.Elements(Svg + "path").Count());
    }

    [Fact]
    public void Infinities_and_inconsistent_data_are_refused_with_the_chart_named()
    {
        var inf = new LineChart { Title = "Bad", XAxis = AxisSpec.Steps(), YAxis = new("y", "u"), Series = [new("a", [0, 1], [1, double.PositiveInfinity])] };
        var e = Assert.Throws<ChartDataException>(() => inf.ToSvg());
        Assert.Contains("chart 'Bad'", e.Message);
        Assert.Contains("infinity", e.Message);

        Assert.Throws<ChartDataException>(() => new LineChart { Title = "Lengths", XAxis = AxisSpec.Steps(), YAxis = new("y", "u"), Series = [new("a", [0, 1], [1])] }.ToSvg());
        Assert.Throws<ChartDataException>(() => new FanChart { Title = "Crossed", XAxis = AxisSpec.Steps(), YAxis = new("y", "u"), Fan = new([0], [1], [3], [2], [4], [5]) }.ToSvg());
        Assert.Throws<ChartDataException>(() => new StackedAreaChart { Title = "Negative", XAxis = AxisSpec.Steps(), YAxis = new("y", "u"), X = [0, 1], Layers = [new("a", [1, -1])] }.ToSvg());
        Assert.Throws<ChartDataException>(() => new Heatmap { Title = "Shape", XAxis = new("a", "u"), YAxis = new("b", "u"), XLabels = ["1"], YLabels = ["1", "2"], Values = new double[1, 1], ValueAxis = new("v", "u") }.ToSvg());
        Assert.Throws<ChartDataException>(() => new ScatterChart { Title = "Highlight", XAxis = new("a", "u"), YAxis = new("b", "u"), Points = [new("a", 1, 1)], Highlight = "zz" }.ToSvg());
        Assert.Throws<ArgumentException>(() => new LineChart { Title = "Tiny", Width = 50, XAxis = AxisSpec.Steps(), YAxis = new("y", "u"), Series = [] }.ToSvg());
        Assert.Throws<ArgumentException>(() => inf.ToSvg("bad id"));
    }

    [Fact]
    public void Heatmap_marks_missing_cells_and_prints_values_only_where_they_fit()
    {
        var chart = (Heatmap)EveryChart().Single(o => ((Chart)o[0]).Title == "Grid")[0];
        var root = XDocument.Parse(chart.ToSvg()).Root!;
        var cells = root.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "cells");
        Assert.Single(cells.Elements(Svg + "rect"), r => (string?)r.Attribute("fill") == Palette.NoData);
        var printed = cells.Elements(Svg + "text").Select(t => t.Value).ToArray();
        Assert.Equal(["0.10", "0.20", "0.30", "n/a"], printed.Order());

        var values = new double[30, 30];
        var crowded = new Heatmap { Title = "Crowded", XAxis = new("a", "u"), YAxis = new("b", "u"), XLabels = Enumerable.Range(0, 30).Select(i => $"{i}").ToArray(), YLabels = Enumerable.Range(0, 30).Select(i => $"{i}").ToArray(), Values = values, ValueAxis = new("v", "u") { Min = 0, Max = 1 } };
        var crowdedCells = XDocument.Parse(crowded.ToSvg()).Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "cells");
        Assert.Empty(crowdedCells.Elements(Svg + "text"));
    }

    [Fact]
    public void Exceedance_curve_is_the_empirical_survival_function()
    {
        var curve = ExceedanceChart.Curve([0, 0, 0, 1, 1, 2, 5, 5, 5, 9]);
        Assert.Equal((0.0, 0.7), curve[0]); // P(X > 0) = 7/10
        Assert.Contains((1.0, 0.5), curve);
        Assert.Contains((2.0, 0.4), curve);
        Assert.Contains((5.0, 0.1), curve);
        Assert.Equal((9.0, 0.0), curve[^1]);

        var large = Enumerable.Range(0, 20_000).Select(i => (double)i).ToArray();
        var thinned = ExceedanceChart.Curve(large);
        Assert.True(thinned.Count < 2_000);
        var tail = thinned.Where(p => p.X >= 19_600).Select(p => p.X).Distinct().Count();
        Assert.Equal(400, tail); // the 400 largest values are all kept
    }

    [Fact]
    public void Pareto_frontier_keeps_exactly_the_undominated_points()
    {
        var points = new (double, double)[] { (0.01, 0.05), (0.02, 0.07), (0.03, 0.06), (0.02, 0.04), (double.NaN, 1) };
        Assert.Equal([0, 1], ParetoFrontier.Compute(points, Direction.Minimize, Direction.Maximize));

        var prop = Prop.ForAll(
            Gen.Choose(0, 50).Zip(Gen.Choose(0, 50)).ListOf().Select(l => l.Select(p => ((double)p.Item1, (double)p.Item2)).ToArray()).ToArbitrary(),
            pts =>
            {
                var frontier = ParetoFrontier.Compute(pts, Direction.Minimize, Direction.Maximize).ToHashSet();
                bool Dominates((double X, double Y) a, (double X, double Y) b) => a.X <= b.X && a.Y >= b.Y && (a.X < b.X || a.Y > b.Y);
                return Enumerable.Range(0, pts.Length).All(i => frontier.Contains(i) == !pts.Any(q => Dominates(q, pts[i])));
            });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), prop);
    }

    [Fact]
    public void Histogram_states_the_zeros_it_sets_apart_and_its_scale()
    {
        var chart = (Histogram)EveryChart().Single(o => ((Chart)o[0]).Title == "Histogram")[0];
        string text = chart.ToSvg();
        Assert.Contains("167 of 500 samples (33.4%) are exactly 0 and not drawn", text);
        Assert.False(chart.CountsOnLogScale); // no bin holds 100 samples
        var heavy = new Histogram { Title = "Heavy", ValueAxis = new("x", "u"), Values = Enumerable.Range(0, 1000).Select(i => i < 900 ? 1.0 : i).ToArray(), LogCounts = true };
        Assert.True(heavy.CountsOnLogScale);
        string noZeros = new Histogram { Title = "H", ValueAxis = new("x", "u"), Values = heavy.Values, LogCounts = true, SeparateZeros = true }.ToSvg();
        Assert.Contains("Counts on a log scale", noZeros);
        Assert.DoesNotContain("are exactly 0", noZeros); // "0 of 1,000 samples are exactly 0" says nothing

        // A few paths: the count axis is labelled in whole paths, never "0.5".
        var few = new Histogram { Title = "Few", ValueAxis = new("x", "u"), Values = [1, 2, 2, 40] };
        var labels = XDocument.Parse(few.ToSvg()).Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "axes").Elements(Svg + "text").Select(t => t.Value).ToArray();
        Assert.Contains("2", labels);
        Assert.DoesNotContain(labels, l => l is "0.5" or "1.5" or "0.0" or "2.0");
    }

    [Fact]
    public void Bars_with_no_value_say_n_a_and_draw_interval_whiskers()
    {
        var chart = (BarChart)EveryChart().Single(o => ((Chart)o[0]).Title == "Bars")[0];
        var series = XDocument.Parse(chart.ToSvg()).Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "series");
        Assert.Equal(2, series.Elements(Svg + "rect").Count());
        Assert.Equal(2, series.Elements(Svg + "path").Count());
        Assert.Contains(series.Elements(Svg + "text"), t => t.Value == "n/a");
    }

    [Theory]
    [MemberData(nameof(EveryChart))]
    public void Horizontal_labels_keep_apart_and_the_plot_keeps_clear_of_the_header(Chart chart)
    {
        var root = XDocument.Parse(chart.ToSvg()).Root!;
        double Size(XElement e) => e.AncestorsAndSelf().Select(a => (double?)a.Attribute("font-size")).FirstOrDefault(v => v is not null) ?? 11;

        // Glyph boxes of unrotated labels, from the same advance widths the layout uses: ascent 0.8 em, descent 0.25 em.
        var boxes = root.Descendants(Svg + "text").Where(t => t.Attribute("transform") is null && t.Value.Length > 0).Select(t =>
        {
            double x = (double)t.Attribute("x")!, y = (double)t.Attribute("y")!, size = Size(t);
            double w = TextMetrics.Width(t.Value, size, bold: (string?)t.Attribute("font-weight") == "bold");
            double left = (string?)t.Attribute("text-anchor") switch { "middle" => x - (w / 2), "end" => x - w, _ => x };
            string part = t.Parent == root ? "header" : (string?)t.Parent!.Attribute("class") ?? string.Empty;
            return (Text: t.Value, Part: part, Left: left, Right: left + w, Top: y - (0.8 * size), Bottom: y + (0.25 * size));
        }).ToArray();
        Assert.All(boxes, b => Assert.True(b.Left >= -0.5 && b.Right <= chart.Width + 0.5 && b.Top >= -0.5 && b.Bottom <= chart.Height + 0.5, $"'{b.Text}' leaves the chart"));
        for (int i = 0; i < boxes.Length; i++)
        {
            for (int j = i + 1; j < boxes.Length; j++)
            {
                var (a, b) = (boxes[i], boxes[j]);
                bool apart = a.Right <= b.Left + 1 || b.Right <= a.Left + 1 || a.Bottom <= b.Top + 1 || b.Bottom <= a.Top + 1;
                Assert.True(apart, $"'{a.Text}' overlaps '{b.Text}'");
            }
        }

        // A tick label centred on the plot's top edge must not touch the title, subtitle or legend.
        var header = boxes.Where(b => b.Part is "header" or "legend").ToArray();
        var axes = boxes.Where(b => b.Part == "axes").ToArray();
        if (header.Length > 0 && axes.Length > 0)
        {
            double gap = axes.Min(b => b.Top) - header.Max(b => b.Bottom);
            Assert.True(gap >= 6, $"the plot's top label is {gap:F1} px below the header; it needs 6");
        }
    }

    [Fact]
    public void A_reference_band_is_named_in_the_legend_not_over_the_data()
    {
        var chart = (LineChart)EveryChart().First()[0];
        var root = XDocument.Parse(chart.ToSvg()).Root!;
        var labels = root.Descendants(Svg + "text").Where(t => t.Value == "band").ToArray();
        Assert.Single(labels);
        Assert.Equal("legend", (string?)labels[0].Parent!.Attribute("class"));
    }

    [GeneratedRegex(@"\d\.\d{7,}|\d[eE][+-]?\d")]
    private static partial Regex LongNumber();
}
