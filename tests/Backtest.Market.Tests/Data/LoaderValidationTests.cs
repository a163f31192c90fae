using Backtest.IO;
using Backtest.IO.Csv;
using Backtest.Market.Data;

namespace Backtest.Market.Tests.Data;

/// <summary>One test per validation rule: each error names the file, the line and the field.</summary>
public class LoaderValidationTests
{
    private const string DailyFile = "data/ampl_usd_yahoo_daily.csv";

    private const string Daily =
        "date,open,high,low,close,volume\n" +
        "2021-12-27,1.0,1.2,0.9,1.1,100\n" +
        "2021-12-28,,,,,\n" +
        "2021-12-29,1.1,1.3,1.0,1.2,200.5\n";

    private const string Supply =
        "epoch,timestamp,supply\n" +
        "1,2019-06-14T20:01:28Z,50000000\n" +
        "2,2019-06-30T20:04:13Z,51321143.18170629\n";

    private const string Monthly = "month,pcepi\n2019-04-01,103.360\n2019-05-01,103.435\n";

    private const string QuarterHours =
        "timestamp,open,high,low,close,volume\n" +
        "2023-03-09T05:00:00Z,1.003,1.003,1.003,1.003,1185\n" +
        "2023-03-09T05:15:00Z,1.003,1.00302,0.997,0.997,1142\n";

    private static DataFileException Refused(Func<CsvReader, Coverage, object> read, string text, string file = DailyFile, Coverage? mustCover = null) =>
        Assert.Throws<DataFileException>(() =>
        {
            using var csv = new CsvReader(new StringReader(text), file);
            read(csv, mustCover ?? Coverage.AnySpan);
        });

    private static DataFileException RefusedDaily(string text) => Refused(HistoricalData.ReadAmplDaily, text);

    private static void AssertAt(DataFileException e, int line, string field)
    {
        Assert.Equal((DailyFile, line, field), (e.File, e.Line, e.Key));
        Assert.StartsWith($"{DailyFile}:{line}: {field}: ", e.Message);
    }

    [Fact]
    public void TheValidSamplesLoadWithTheirGap()
    {
        using var csv = new CsvReader(new StringReader(Daily), DailyFile);
        var series = HistoricalData.ReadAmplDaily(csv, Coverage.AnySpan);
        Assert.Equal([new DateOnly(2021, 12, 28)], series.Gaps);
        Assert.Equal(200.5m, series.At(new DateOnly(2021, 12, 29))!.Value.Volume);
    }

    [Fact]
    public void ANonNumberNamesFileLineAndField()
    {
        var e = RefusedDaily(Daily.Replace("1.2,200.5", "abc,200.5"));
        Assert.Equal($"{DailyFile}:4: close: \"abc\" is not a number (plain decimal notation expected, e.g. 1.0375)", e.Message);
    }

    [Theory]
    [InlineData("1e5")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("+1.2")]
    [InlineData(" 1.2")]
    [InlineData("1,2")]
    [InlineData(".5")]
    [InlineData("5.")]
    [InlineData("0x1F")]
    public void OnlyPlainDecimalsAreNumbers(string text)
    {
        var e = RefusedDaily(Daily.Replace("1.1,1.3", $"\"{text}\",1.3"));
        AssertAt(e, 4, "open");
        Assert.Contains("is not a number", e.Reason);
    }

    [Fact]
    public void ANumberWithMoreDigitsThanADecimalHoldsIsRefusedNotRounded()
    {
        var e = RefusedDaily(Daily.Replace("200.5", "200.12345678901234567890123456789"));
        AssertAt(e, 4, "volume");
        Assert.Contains("cannot be held exactly", e.Reason);
    }

    [Fact]
    public void AZeroPriceIsRefusedBecauseAGapIsAnEmptyField()
    {
        var e = RefusedDaily(Daily.Replace("1.0,1.2,0.9", "1.0,1.2,0"));
        AssertAt(e, 2, "low");
        Assert.Contains("not positive", e.Reason);
    }

    [Fact]
    public void ANegativeVolumeIsRefused()
    {
        AssertAt(RefusedDaily(Daily.Replace(",100\n", ",-100\n")), 2, "volume");
    }

    [Fact]
    public void APartlyEmptyRowIsNeitherAGapNorAValue()
    {
        var e = RefusedDaily(Daily.Replace("2021-12-28,,,,,", "2021-12-28,1.0,,,,"));
        AssertAt(e, 3, "high");
        Assert.Contains("gap leaves every value", e.Reason);
    }

    [Fact]
    public void AMalformedDateIsRefused()
    {
        AssertAt(RefusedDaily(Daily.Replace("2021-12-29", "2021-12-29 00:00:00")), 4, "date");
        AssertAt(RefusedDaily(Daily.Replace("2021-12-29", "2021-13-29")), 4, "date");
    }

    [Fact]
    public void ADuplicateDateIsRefused()
    {
        var e = RefusedDaily(Daily.Replace("2021-12-29", "2021-12-28"));
        AssertAt(e, 4, "date");
        Assert.Contains("not after the previous row", e.Reason);
    }

    [Fact]
    public void DescendingDatesAreRefused()
    {
        AssertAt(RefusedDaily(Daily.Replace("2021-12-29", "2021-12-01")), 4, "date");
    }

    [Fact]
    public void ASkippedDateIsRefusedBecauseGapsAreExplicitRows()
    {
        var e = RefusedDaily(Daily.Replace("2021-12-28,,,,,\n", string.Empty));
        AssertAt(e, 3, "date");
        Assert.Contains("skips 2021-12-28", e.Reason);
    }

    [Fact]
    public void AWrongHeaderNamesTheColumnThatIsExpected()
    {
        var e = RefusedDaily(Daily.Replace("date,open,high,low,close", "date,open,high,low,Close"));
        AssertAt(e, 1, "close");
        Assert.Contains("\"Close\"", e.Reason);
        AssertAt(RefusedDaily(Daily.Replace(",volume\n", "\n")), 1, "volume");
        AssertAt(RefusedDaily(Daily.Replace(",volume\n", ",volume,adjclose\n")), 1, "adjclose");
    }

    [Fact]
    public void ARaggedRowIsRefusedByTheCsvReaderUnderneath()
    {
        AssertAt(RefusedDaily(Daily.Replace("1.2,200.5", "1.2")), 4, "volume");
    }

    [Fact]
    public void AFileWithOnlyAHeaderHasNoData()
    {
        var e = RefusedDaily("date,open,high,low,close,volume\n");
        AssertAt(e, 2, "date");
        Assert.Contains("no data rows", e.Reason);
    }

    [Fact]
    public void BarsMustBeConsistent()
    {
        AssertAt(RefusedDaily(Daily.Replace("1.0,1.2,0.9,1.1", "1.0,1.2,1.3,1.1")), 2, "low");
        AssertAt(RefusedDaily(Daily.Replace("1.0,1.2,0.9,1.1", "1.0,1.2,0.9,1.25")), 2, "close");
        AssertAt(RefusedDaily(Daily.Replace("1.0,1.2,0.9,1.1", "0.8,1.2,0.9,1.1")), 2, "open");
    }

    [Fact]
    public void FifteenMinuteBarsMayOpenOutsideTheirRangeButNotCloseOutsideIt()
    {
        using (var csv = new CsvReader(new StringReader(QuarterHours.Replace("1.003,1.00302,0.997", "1.01,1.00302,0.997")), "q.csv"))
        {
            Assert.Equal(1.01m, HistoricalData.ReadUsdc15MinDepeg(csv, Coverage.AnySpan)[1]!.Value.Open);
        }

        var e = Refused(HistoricalData.ReadUsdc15MinDepeg, QuarterHours.Replace("0.997,0.997,1142", "0.997,0.99,1142"), "q.csv");
        Assert.Equal(("q.csv", 3, "close"), (e.File, e.Line, e.Key));
    }

    [Fact]
    public void FifteenMinuteRowsMustBeOneIntervalApartWithUtcTimestamps()
    {
        var skipped = Refused(HistoricalData.ReadUsdc15MinDepeg, QuarterHours.Replace("05:15:00Z", "05:30:00Z"), "q.csv");
        Assert.Equal((3, "timestamp"), (skipped.Line, skipped.Key));
        Assert.Contains("skips 2023-03-09T05:15:00Z", skipped.Reason);
        var offGrid = Refused(HistoricalData.ReadUsdc15MinDepeg, QuarterHours.Replace("05:15:00Z", "05:10:00Z"), "q.csv");
        Assert.Contains("not one 15-minute interval after", offGrid.Reason);
        var notUtc = Refused(HistoricalData.ReadUsdc15MinDepeg, QuarterHours.Replace("05:15:00Z", "05:15:00+01:00"), "q.csv");
        Assert.Equal((3, "timestamp"), (notUtc.Line, notUtc.Key));
    }

    [Fact]
    public void MonthsAreNamedByTheirFirstDayAndFollowEachOther()
    {
        var notFirst = Refused(HistoricalData.ReadPcepi, Monthly.Replace("2019-05-01", "2019-05-02"), "m.csv");
        Assert.Equal((3, "month"), (notFirst.Line, notFirst.Key));
        var skipped = Refused(HistoricalData.ReadPcepi, Monthly.Replace("2019-05-01", "2019-06-01"), "m.csv");
        Assert.Contains("skips 2019-05-01", skipped.Reason);
        var zero = Refused(HistoricalData.ReadCpiU, "month,cpiaucsl\n2019-04-01,0.000\n", "c.csv");
        Assert.Equal((2, "cpiaucsl"), (zero.Line, zero.Key));
    }

    [Fact]
    public void CoverageShorterThanRequiredIsRefusedAtTheFirstOrLastRow()
    {
        var late = Refused(HistoricalData.ReadAmplDaily, Daily, mustCover: new Coverage(new DateOnly(2021, 12, 26), new DateOnly(2021, 12, 29)));
        AssertAt(late, 2, "date");
        Assert.Contains("starts on 2021-12-27, after 2021-12-26", late.Reason);
        var early = Refused(HistoricalData.ReadAmplDaily, Daily, mustCover: new Coverage(new DateOnly(2021, 12, 27), new DateOnly(2021, 12, 30)));
        AssertAt(early, 4, "date");
        Assert.Contains("ends on 2021-12-29, before 2021-12-30", early.Reason);
    }

    [Fact]
    public void TheBundledCoverageIsTheDefault()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ampl-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, Daily);
        try
        {
            var e = Assert.Throws<DataFileException>(() => HistoricalData.LoadAmplDaily(path));
            Assert.Equal((path, 2, "date"), (e.File, e.Line, e.Key));
            Assert.Equal(3, HistoricalData.LoadAmplDaily(path, Coverage.AnySpan).Length);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AMissingFileIsNamed()
    {
        var e = Assert.Throws<DataFileException>(() => HistoricalData.LoadUsdcDaily("no/such/usdc.csv"));
        Assert.Equal("no/such/usdc.csv: file not found", e.Message);
    }

    [Fact]
    public void SupplyEpochsMustBeConsecutive()
    {
        var skipped = Refused(HistoricalData.ReadAmplSupply, Supply.Replace("\n2,", "\n3,"), "s.csv");
        Assert.Equal(("s.csv", 3, "epoch"), (skipped.File, skipped.Line, skipped.Key));
        Assert.Contains("skips epoch 2", skipped.Reason);
        var repeated = Refused(HistoricalData.ReadAmplSupply, Supply.Replace("\n2,", "\n1,"), "s.csv");
        Assert.Contains("not after the previous row's 1", repeated.Reason);
        var notANumber = Refused(HistoricalData.ReadAmplSupply, Supply.Replace("\n2,", "\n2.0,"), "s.csv");
        Assert.Equal((3, "epoch"), (notANumber.Line, notANumber.Key));
    }

    [Fact]
    public void SupplyRowsNeedALaterTimestampAndASupply()
    {
        var earlier = Refused(HistoricalData.ReadAmplSupply, Supply.Replace("2019-06-30T20:04:13Z", "2019-06-14T20:01:28Z"), "s.csv");
        Assert.Equal((3, "timestamp"), (earlier.Line, earlier.Key));
        var empty = Refused(HistoricalData.ReadAmplSupply, Supply.Replace(",51321143.18170629", ","), "s.csv");
        Assert.Equal((3, "supply"), (empty.Line, empty.Key));
        var badTime = Refused(HistoricalData.ReadAmplSupply, Supply.Replace("2019-06-30T20:04:13Z", "1561925053000"), "s.csv");
        Assert.Equal((3, "timestamp"), (badTime.Line, badTime.Key));
    }

    [Fact]
    public void CoinGeckoPricesArePositiveAndCapsAndVolumesNonNegative()
    {
        const string CoinGecko = "date,price,market_cap,total_volume\n2019-06-29,1.99,9218437.47,0\n";
        using (var csv = new CsvReader(new StringReader(CoinGecko), "g.csv"))
        {
            Assert.Equal(0m, HistoricalData.ReadAmplCoinGeckoDaily(csv, Coverage.AnySpan)[0]!.Value.TotalVolume);
        }

        Assert.Equal("price", Refused(HistoricalData.ReadAmplCoinGeckoDaily, CoinGecko.Replace("1.99", "0"), "g.csv").Key);
        Assert.Equal("market_cap", Refused(HistoricalData.ReadAmplCoinGeckoDaily, CoinGecko.Replace("9218437.47", "-1"), "g.csv").Key);
    }

    [Fact]
    public void FieldTextInMessagesIsOneLineAndShort()
    {
        var e = RefusedDaily(Daily.Replace("1.1,1.3", "\"1.1\n" + new string('x', 80) + "\",1.3"));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("\\u000A", e.Message);
        Assert.Contains("...", e.Reason);
    }
}
