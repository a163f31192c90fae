using Backtest.Reports.Charts;
using Backtest.Reports.Data;
using Backtest.Reports.Document;

namespace Backtest.Reports.Tests;

/// <summary>
/// A run shaped like WF6's: per-path final capital, wipe-out day and premiums per tier, and loss
/// columns the model declares (<c>loss_tN</c> per tier and <c>shortfall</c>, whose name alone would not
/// make it a loss). The report draws the declared losses and nothing else from paths.
/// </summary>
public sealed class Wf6LossChartTests
{
    private static readonly string[] LossNames = [.. Enumerable.Range(1, SyntheticRun.Tiers).Select(t => $"loss_t{t}"), "shortfall"];

    private static RunData Wf6Shaped(bool declareShortfall)
    {
        var run = SyntheticRun.Build();
        var paths = run.Paths!;
        int n = paths.RowCount;
        var columns = paths.Columns.Where(c => !c.Name.EndsWith("_loss", StringComparison.Ordinal)).ToList();
        long[] initial = [.. new[] { 25, 20, 18, 15, 12, 10 }.Select(m => m * 1_000_000L * 1_000_000_000L)];
        var shortfall = new long[n];
        for (int t = 0; t < SyntheticRun.Tiers; t++)
        {
            var loss = (long[])paths.Column($"tier{t + 1}_loss").Values;
            columns.Add(DataColumn.Amounts($"final_capital_t{t + 1}", "capital at the end of the horizon", "USD", [.. loss.Select(l => initial[t] - l)]));
            columns.Add(DataColumn.Int32s($"wiped_day_t{t + 1}", "first day the tier's capital is 0; -1 if never", "day", [.. loss.Select(l => l >= initial[t] ? 300 : -1)]));
            columns.Add(DataColumn.Amounts($"premiums_t{t + 1}", "premiums paid to the tier", "USD", [.. Enumerable.Range(0, n).Select(p => (t + 1) * 1_000_000_000L * (p % 7))]));
            columns.Add(DataColumn.Amounts($"loss_t{t + 1}", "max(0, initial capital - final capital)", "USD", loss).AsLoss());
        }

        for (int p = 0; p < n; p += 97)
        {
            shortfall[p] = (p + 1) * 1_000_000_000L;
        }

        var shortfallColumn = DataColumn.Amounts("shortfall", "loss no tier could absorb", "USD", shortfall);
        columns.Add(declareShortfall ? shortfallColumn.AsLoss() : shortfallColumn);
        return run with { Paths = new DataTable(paths.Name, columns) };
    }

    private static Figure[] LossFigures(RunData run) =>
        [.. RunReport.Build(run).Sections.Single(s => s.Id == "loss-distributions").Blocks.OfType<FigureBlock>().Select(b => b.Figure)];

    [Fact]
    public void Declared_losses_get_an_exceedance_curve_per_tranche_and_a_histogram_each_in_their_unit()
    {
        var figures = LossFigures(Wf6Shaped(declareShortfall: true));

        var exceedance = Assert.IsType<ExceedanceChart>(figures.First(f => f.Chart is ExceedanceChart).Chart);
        Assert.Equal(LossNames, exceedance.Series.Select(s => s.Name));
        Assert.Equal("USD", exceedance.ValueAxis.Unit);

        var histograms = figures.Where(f => f.Chart is Histogram).ToArray();
        Assert.NotEmpty(histograms);
        Assert.All(histograms, h =>
        {
            var chart = (Histogram)h.Chart;
            Assert.Contains(chart.ValueAxis.Title, LossNames);
            Assert.Equal("USD", chart.ValueAxis.Unit);
            Assert.Contains("(USD)", h.Caption);
        });
        Assert.Contains(histograms, h => ((Histogram)h.Chart).ValueAxis.Title == "loss_t6");
        Assert.DoesNotContain(figures, f => f.Caption.Contains("final_capital", StringComparison.Ordinal) || f.Caption.Contains("premiums", StringComparison.Ordinal));
    }

    [Fact]
    public void A_column_neither_declared_nor_named_a_loss_is_not_drawn_as_one()
    {
        var figures = LossFigures(Wf6Shaped(declareShortfall: false));

        var exceedance = Assert.IsType<ExceedanceChart>(figures.First(f => f.Chart is ExceedanceChart).Chart);
        Assert.Equal(LossNames[..^1], exceedance.Series.Select(s => s.Name));
        Assert.DoesNotContain(figures, f => f.Chart is Histogram { ValueAxis.Title: "shortfall" });
    }
}
