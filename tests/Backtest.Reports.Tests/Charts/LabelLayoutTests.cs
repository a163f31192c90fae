using Backtest.Reports.Charts;
using Backtest.Reports.Formatting;
using FsCheck;
using FsCheck.Fluent;

namespace Backtest.Reports.Tests.Charts;

public sealed class LabelLayoutTests
{
    [Fact]
    public void Text_width_model_tracks_character_widths()
    {
        Assert.True(TextMetrics.Width("WWW", 11) > TextMetrics.Width("iii", 11) * 2);
        Assert.Equal(TextMetrics.Width("0.5", 22), TextMetrics.Width("0.5", 11) * 2, 9);
        Assert.True(TextMetrics.Width("Title", 11, bold: true) > TextMetrics.Width("Title", 11));
        Assert.Equal("abc", TextMetrics.Truncate("abc", 11, 100));
        string cut = TextMetrics.Truncate("a very long label that does not fit", 11, 60);
        Assert.EndsWith("…", cut);
        Assert.True(TextMetrics.Width(cut, 11) <= 60);
    }

    [Fact]
    public void Wrap_keeps_lines_within_the_width_and_splits_snake_case()
    {
        var lines = TextMetrics.Wrap("Share of paths on which the capital of the tier reaches zero", 12, 150);
        Assert.True(lines.Count > 1);
        Assert.All(lines, l => Assert.True(TextMetrics.Width(l, 12) <= 150, l));
        Assert.Equal(["wiped_out_", "probability"], TextMetrics.Wrap("wiped_out_probability", 11, 80));
        var split = TextMetrics.Wrap("wiped_out_probability_lo (probability)", 11, 100);
        Assert.Equal("wiped_out_probability_lo(probability)", string.Concat(split.Select(l => l.Replace(" ", string.Empty, StringComparison.Ordinal))));
        Assert.All(split, l => Assert.True(TextMetrics.Width(l, 11) <= 100, l));
        Assert.Equal(["a_ b"], TextMetrics.Wrap("a_ b", 11, 150));
    }

    [Fact]
    public void Thin_keeps_every_kth_label_so_none_overlap()
    {
        var centers = Enumerable.Range(0, 10).Select(i => i * 20.0).ToArray();
        var widths = centers.Select(_ => 30.0).ToArray();
        Assert.False(LabelLayout.Fits(centers, widths));
        var kept = LabelLayout.Thin(centers, widths);
        Assert.Equal([0, 2, 4, 6, 8], kept);
        Assert.True(LabelLayout.Fits(kept.Select(i => centers[i]).ToArray(), kept.Select(i => widths[i]).ToArray()));
    }

    [Fact]
    public void Crowded_categories_rotate_then_thin()
    {
        var few = LabelLayout.Categories(["ps000", "ps001", "ps002"], 80, 11, 200);
        Assert.False(few.Rotated);
        Assert.Equal(3, few.Shown.Count);

        var names = Enumerable.Range(0, 40).Select(i => $"parameter set {i:D3}").ToArray();
        var many = LabelLayout.Categories(names, 30, 11, 200);
        Assert.True(many.Rotated);
        Assert.Equal(40, many.Shown.Count);

        var packed = LabelLayout.Categories(names, 8, 11, 200);
        Assert.True(packed.Rotated);
        Assert.True(packed.Shown.Count < 40);
        double spacing = (packed.Shown[1] - packed.Shown[0]) * 8 * Math.Sin(Math.PI / 4);
        Assert.True(spacing >= TextMetrics.LineHeight(11) + LabelLayout.Gap);
    }

    [Fact]
    public void Horizontal_axis_labels_never_overlap_whatever_the_range_and_width()
    {
        var formats = new[] { ValueFormat.Number, ValueFormat.Percent, ValueFormat.Compact, ValueFormat.Date };
        var prop = Prop.ForAll(
            Gen.Choose(-100_000, 100_000).Zip(Gen.Choose(1, 5_000_000)).Zip(Gen.Choose(-6, 7)).Zip(Gen.Choose(60, 1200)).Zip(Gen.Choose(0, 3)).ToArbitrary(),
            t =>
            {
                var ((((start, length), exponent), width), f) = t;
                var format = formats[f];
                double lo = format == ValueFormat.Date ? 730000 + start : start * Math.Pow(10, exponent);
                double hi = format == ValueFormat.Date ? lo + (length % 20000) : (start + length) * Math.Pow(10, exponent);
                var axis = new AxisSpec("x", "unit") { Format = format, Tight = format == ValueFormat.Date };
                var ticks = AxisTicks.ForHorizontal(axis, (lo, hi), width);
                var shown = ticks.Shown.ToArray();
                var centers = shown.Select(i => width * ticks.Fraction(ticks.Values[i])).ToArray();
                var widths = shown.Select(i => TextMetrics.Width(ticks.Labels[i], 11)).ToArray();
                // Measured here, not with LabelLayout.Fits, so a broken Fits cannot pass its own check.
                bool apart = Enumerable.Range(1, shown.Length - 1).All(i => centers[i] - centers[i - 1] - ((widths[i] + widths[i - 1]) / 2) >= LabelLayout.Gap);
                return shown.Length >= 1 && apart;
            });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), prop);
    }

    [Fact]
    public void Vertical_axis_labels_keep_a_line_apart()
    {
        var axis = new AxisSpec("P", string.Empty) { Format = ValueFormat.Percent, Scale = AxisScale.Log };
        var ticks = AxisTicks.ForVertical(axis, (1e-9, 1), 60);
        var shown = ticks.Shown.Select(i => 60 * ticks.Fraction(ticks.Values[i])).ToArray();
        Assert.True(shown.Length < ticks.Values.Count);
        Assert.All(shown.Zip(shown.Skip(1)), p => Assert.True(p.Second - p.First >= TextMetrics.LineHeight(11) + LabelLayout.Gap));
    }
}
