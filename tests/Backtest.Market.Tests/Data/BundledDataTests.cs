using Backtest.Market.Data;
using Backtest.Numerics;

namespace Backtest.Market.Tests.Data;

/// <summary>The loaders on the committed files of data/: coverage, gaps and facts from shared/spec/ampleforth.md §7.</summary>
public class BundledDataTests
{
    private static string PathOf(BundledFile file) => DataFiles.PathOf(file);

    [Fact]
    public void AmplYahooCoversLaunchToSeptember2022WithTheFourEmptyYearEndDaysAsTheOnlyGaps()
    {
        var ampl = HistoricalData.LoadAmplDaily(PathOf(BundledData.AmplUsdYahooDaily));
        Assert.Equal(DailyAxis.Between(new DateOnly(2019, 6, 28), new DateOnly(2022, 9, 28)), ampl.Axis);
        Assert.Equal(
            [new DateOnly(2021, 12, 28), new DateOnly(2021, 12, 29), new DateOnly(2021, 12, 30), new DateOnly(2021, 12, 31)],
            ampl.Gaps);

        var (minDate, minBar) = ampl.Observations.MinBy(o => o.Value.Close);
        Assert.Equal(new DateOnly(2019, 10, 31), minDate);
        Assert.Equal(0.31910398602485657m, minBar.Close);
        var (maxDate, maxBar) = ampl.Observations.MaxBy(o => o.Value.Close);
        Assert.Equal(new DateOnly(2020, 7, 11), maxDate);
        Assert.Equal(3.8401150703430176m, maxBar.Close);
        Assert.Equal(new OhlcvBar(2.000699996948242m, 2.110985040664673m, 1.7462340593338013m, 2.1109819412231445m, 106057.0m), ampl.At(new DateOnly(2019, 6, 29)));
    }

    [Fact]
    public void AmplCoinGeckoCoversItsRangeWithoutGaps()
    {
        var coinGecko = HistoricalData.LoadAmplCoinGeckoDaily(PathOf(BundledData.AmplUsdCoinGeckoDaily));
        Assert.Equal(DailyAxis.Between(new DateOnly(2019, 6, 29), new DateOnly(2020, 10, 13)), coinGecko.Axis);
        Assert.Equal(0, coinGecko.GapCount);
        Assert.Equal(new CoinGeckoSnapshot(1.9959273028916897m, 9218437.472383998m, 1544873.7798697317m), coinGecko[0]);
    }

    [Fact]
    public void AmplSupplyHasEveryEpochWithThePeakTheLowAndTheRebaseHourSwitch()
    {
        var rebases = HistoricalData.LoadAmplSupply(PathOf(BundledData.AmplSupplyPerRebase));
        Assert.Equal(Enumerable.Range(1, 449), rebases.Select(r => r.Epoch));
        Assert.Equal(50_000_000m, rebases[0].Supply);
        Assert.Equal(new DateTime(2019, 6, 14, 20, 1, 28, DateTimeKind.Utc), rebases[0].TimestampUtc);

        var peak = rebases.MaxBy(r => r.Supply);
        Assert.Equal((new DateOnly(2020, 7, 30), 780_675_794.4248009m), (DateOnly.FromDateTime(peak.TimestampUtc), peak.Supply));
        var low = rebases.MinBy(r => r.Supply);
        Assert.Equal((new DateOnly(2019, 11, 17), 7_816_260.080207755m), (DateOnly.FromDateTime(low.TimestampUtc), low.Supply));

        var switchDay = new DateOnly(2019, 10, 31);
        Assert.All(rebases.Where(r => DateOnly.FromDateTime(r.TimestampUtc) < switchDay), r => Assert.Equal(20, r.TimestampUtc.Hour));
        Assert.All(rebases.Where(r => DateOnly.FromDateTime(r.TimestampUtc) >= switchDay), r => Assert.Equal(2, r.TimestampUtc.Hour));
    }

    [Fact]
    public void UsdcYahooIsAscendingCompleteAndHasTheSvbDepegLow()
    {
        var usdc = HistoricalData.LoadUsdcDaily(PathOf(BundledData.UsdcUsdYahooDaily));
        Assert.Equal(DailyAxis.Between(new DateOnly(2018, 10, 8), new DateOnly(2026, 4, 4)), usdc.Axis);
        Assert.Equal(0, usdc.GapCount);
        var (date, bar) = usdc.Observations.MinBy(o => o.Value.Low);
        Assert.Equal(new DateOnly(2023, 3, 11), date);
        Assert.Equal((0.8774m, 0.9715m), (bar.Low, bar.Close));
        Assert.Equal(0.992069m, usdc.At(new DateOnly(2023, 3, 12))!.Value.Close);
        Assert.Equal(0.998947m, usdc.At(new DateOnly(2023, 3, 13))!.Value.Close);
    }

    [Fact]
    public void Usdc15MinuteBarsHaveExplicitEmptyBarsAndTheIntradayLow()
    {
        var bars = HistoricalData.LoadUsdc15MinDepeg(PathOf(BundledData.UsdcUsd15MinDepeg));
        Assert.Equal(new DateTime(2023, 3, 9, 5, 0, 0, DateTimeKind.Utc), bars.Axis.FirstUtc);
        Assert.Equal(new DateTime(2023, 3, 18, 23, 45, 0, DateTimeKind.Utc), bars.Axis.TimeOf(bars.Length - 1));
        Assert.Equal((940, 132), (bars.Length, bars.GapCount));
        Assert.Null(bars.At(new DateTime(2023, 3, 9, 5, 30, 0, DateTimeKind.Utc)));
        var (time, low) = bars.Observations.MinBy(o => o.Value.Low);
        Assert.Equal((new DateTime(2023, 3, 11, 8, 30, 0, DateTimeKind.Utc), 0.899417794194857m), (time, low.Low));
    }

    [Fact]
    public void InflationIndexesCoverTheirMonths()
    {
        var cpi = HistoricalData.LoadCpiU(PathOf(BundledData.UsCpiUMonthly));
        Assert.Equal(new MonthlyAxis(new DateOnly(1980, 1, 1), 548), cpi.Axis);
        Assert.Equal(255.213m, cpi.At(new DateOnly(2019, 6, 1)));

        var pcepi = HistoricalData.LoadPcepi(PathOf(BundledData.UsPcepiMonthly));
        Assert.Equal(new MonthlyAxis(new DateOnly(2000, 1, 1), 311), pcepi.Axis);
        Assert.Equal(0, cpi.GapCount + pcepi.GapCount);
        Assert.Equal(103.360m, pcepi.At(AmplTargetRate.BaseMonth));
    }

    [Fact]
    public void TheAmplTargetFromBundledPcepiIsOneThroughJune2019AndStepsMonthly()
    {
        var pcepi = HistoricalData.LoadPcepi(PathOf(BundledData.UsPcepiMonthly));
        var days = DailyAxis.Between(new DateOnly(2019, 6, 1), new DateOnly(2026, 2, 28));
        var target = AmplTargetRate.Daily(pcepi, days);

        Assert.All(Enumerable.Range(0, 30), k => Assert.Equal(Fixed.One, target[k]));
        Assert.Equal(1_000_725_619L, target.At(new DateOnly(2019, 7, 1)));       // May 2019: 103.435 / 103.360
        Assert.Equal(1_016_418_343L, target.At(new DateOnly(2020, 11, 19)));     // Sep 2020: 105.057 / 103.360
        Assert.Equal(target.At(new DateOnly(2020, 11, 1)), target.At(new DateOnly(2020, 11, 30)));
        Assert.NotNull(target.At(new DateOnly(2026, 1, 31)));                    // November 2025, the last month
        Assert.Equal(28, target.GapCount);                                       // February 2026 needs December 2025
    }

    [Fact]
    public void TheChecksumFileListsEveryBundledFileWithItsSha256()
    {
        var folder = DataFiles.LocateFolder();
        var lines = File.ReadAllLines(Path.Combine(folder, BundledData.ChecksumFileName));
        var listed = lines.Select(l => l.Split("  ")).ToDictionary(p => p[1], p => p[0]);
        Assert.Equal(BundledData.All.Select(f => f.FileName).Order(StringComparer.Ordinal), listed.Keys.Order(StringComparer.Ordinal));
        Assert.All(listed, entry => Assert.Equal(entry.Value, DataFiles.Sha256(Path.Combine(folder, entry.Key))));
    }

    [Fact]
    public void TheDataFolderHoldsOnlyDocumentedFiles()
    {
        var folder = DataFiles.LocateFolder();
        var readme = File.ReadAllText(Path.Combine(folder, "README.md"));
        var expected = BundledData.All.Select(f => f.FileName).Append(BundledData.ChecksumFileName).Append("README.md");
        Assert.Equal(expected.Order(StringComparer.Ordinal), Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.All(BundledData.All, f => Assert.Contains($"`{f.FileName}`", readme));
    }
}
