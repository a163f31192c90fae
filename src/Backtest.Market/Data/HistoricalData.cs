using Backtest.IO;
using Backtest.IO.Csv;

namespace Backtest.Market.Data;

/// <summary>
/// Typed, validated loaders for the tidy files of <c>data/</c> (<see cref="BundledData"/>;
/// <see cref="DataFiles.PathOf"/> finds them). Each loader checks the exact header, the date or
/// timestamp syntax, that rows ascend one period at a time without duplicates (a gap is a row
/// with its values empty, returned as null), that numbers are plain decimals (prices, supplies
/// and index levels positive; volumes and market caps non-negative), the loader's consistency
/// rules, and that the rows span <c>mustCover</c> (default: the bundled file's coverage; pass
/// <see cref="Coverage.AnySpan"/> to accept any span). Any problem is a
/// <see cref="DataFileException"/> naming the file, line and column. Values are the exact
/// decimals the file prints.
/// </summary>
public static class HistoricalData
{
    /// <summary>The bar length of <see cref="BundledData.UsdcUsd15MinDepeg"/>.</summary>
    internal static readonly TimeSpan QuarterHour = TimeSpan.FromMinutes(15);

    /// <summary>
    /// AMPL/USD daily bars (<see cref="BundledData.AmplUsdYahooDaily"/>). Besides the common
    /// rules: low ≤ high, and open and close within [low, high].
    /// </summary>
    public static DailySeries<OhlcvBar> LoadAmplDaily(string path, Coverage? mustCover = null) =>
        Load(path, csv => ReadAmplDaily(csv, mustCover ?? BundledData.AmplUsdYahooDaily.Coverage));

    /// <summary>AMPL/USD daily CoinGecko snapshots (<see cref="BundledData.AmplUsdCoinGeckoDaily"/>).</summary>
    public static DailySeries<CoinGeckoSnapshot> LoadAmplCoinGeckoDaily(string path, Coverage? mustCover = null) =>
        Load(path, csv => ReadAmplCoinGeckoDaily(csv, mustCover ?? BundledData.AmplUsdCoinGeckoDaily.Coverage));

    /// <summary>
    /// AMPL total supply per rebase (<see cref="BundledData.AmplSupplyPerRebase"/>), in epoch
    /// order. One row per epoch, consecutive, each with a timestamp later than the previous
    /// one and a positive supply; this file has no gap rows (an unobserved rebase would leave
    /// the next epoch's supply change unexplained, so it is refused rather than carried).
    /// </summary>
    public static IReadOnlyList<SupplyRebase> LoadAmplSupply(string path, Coverage? mustCover = null) =>
        Load(path, csv => ReadAmplSupply(csv, mustCover ?? BundledData.AmplSupplyPerRebase.Coverage));

    /// <summary>USDC/USD daily bars (<see cref="BundledData.UsdcUsdYahooDaily"/>); the same bar rules as <see cref="LoadAmplDaily"/>.</summary>
    public static DailySeries<OhlcvBar> LoadUsdcDaily(string path, Coverage? mustCover = null) =>
        Load(path, csv => ReadUsdcDaily(csv, mustCover ?? BundledData.UsdcUsdYahooDaily.Coverage));

    /// <summary>
    /// USDC/USD 15-minute bars (<see cref="BundledData.UsdcUsd15MinDepeg"/>), keyed by each bar's
    /// opening instant. Bar rules: low ≤ high and close within [low, high]. The open is not
    /// checked against the range because this source sets every bar's open to the previous
    /// bar's close, which often lies outside the bar's own range.
    /// </summary>
    public static IntradaySeries<OhlcvBar> LoadUsdc15MinDepeg(string path, Coverage? mustCover = null) =>
        Load(path, csv => ReadUsdc15MinDepeg(csv, mustCover ?? BundledData.UsdcUsd15MinDepeg.Coverage));

    /// <summary>US CPI-U (CPIAUCSL, index 1982–84 = 100) by month (<see cref="BundledData.UsCpiUMonthly"/>).</summary>
    public static MonthlySeries<decimal> LoadCpiU(string path, Coverage? mustCover = null) =>
        Load(path, csv => ReadCpiU(csv, mustCover ?? BundledData.UsCpiUMonthly.Coverage));

    /// <summary>US PCE price index (PCEPI, index 2017 = 100) by month (<see cref="BundledData.UsPcepiMonthly"/>); the basis of <see cref="AmplTargetRate"/>.</summary>
    public static MonthlySeries<decimal> LoadPcepi(string path, Coverage? mustCover = null) =>
        Load(path, csv => ReadPcepi(csv, mustCover ?? BundledData.UsPcepiMonthly.Coverage));

    internal static DailySeries<OhlcvBar> ReadAmplDaily(CsvReader csv, Coverage mustCover) =>
        ReadDaily(csv, BundledData.AmplUsdYahooDaily, mustCover, r => Bar(r, openWithinRange: true));

    internal static DailySeries<CoinGeckoSnapshot> ReadAmplCoinGeckoDaily(CsvReader csv, Coverage mustCover) =>
        ReadDaily(csv, BundledData.AmplUsdCoinGeckoDaily, mustCover, r => new CoinGeckoSnapshot(
            r.Number(1, NumberRule.Positive), r.Number(2, NumberRule.NonNegative), r.Number(3, NumberRule.NonNegative)));

    internal static DailySeries<OhlcvBar> ReadUsdcDaily(CsvReader csv, Coverage mustCover) =>
        ReadDaily(csv, BundledData.UsdcUsdYahooDaily, mustCover, r => Bar(r, openWithinRange: true));

    internal static IntradaySeries<OhlcvBar> ReadUsdc15MinDepeg(CsvReader csv, Coverage mustCover)
    {
        var reader = new TidyReader(csv, BundledData.UsdcUsd15MinDepeg.Columns);
        var (first, values) = TidyTables.ReadRegular(reader, TidyTables.Instants(QuarterHour), mustCover, r => Bar(r, openWithinRange: false));
        return new IntradaySeries<OhlcvBar>(new IntradayAxis(first, QuarterHour, values.Length), values);
    }

    internal static MonthlySeries<decimal> ReadCpiU(CsvReader csv, Coverage mustCover) =>
        ReadMonthlyIndex(csv, BundledData.UsCpiUMonthly, mustCover);

    internal static MonthlySeries<decimal> ReadPcepi(CsvReader csv, Coverage mustCover) =>
        ReadMonthlyIndex(csv, BundledData.UsPcepiMonthly, mustCover);

    internal static IReadOnlyList<SupplyRebase> ReadAmplSupply(CsvReader csv, Coverage mustCover)
    {
        var reader = new TidyReader(csv, BundledData.AmplSupplyPerRebase.Columns);
        var rebases = new List<SupplyRebase>();
        int firstLine = 0, lastLine = 0;
        while (reader.Read())
        {
            int epoch = reader.Integer(0, minimum: 0);
            if (rebases.Count > 0 && epoch != rebases[^1].Epoch + 1)
            {
                throw reader.Error(0, epoch <= rebases[^1].Epoch
                    ? $"epoch {epoch} is not after the previous row's {rebases[^1].Epoch} (rows must ascend without duplicates)"
                    : $"epoch {epoch} skips epoch {rebases[^1].Epoch + 1} (every epoch from the first needs a row)");
            }

            for (int column = 1; column <= 2; column++)
            {
                if (reader.IsEmpty(column))
                {
                    throw reader.Error(column, "empty (every rebase row needs its timestamp and supply)");
                }
            }

            var time = reader.Timestamp(1);
            if (rebases.Count > 0 && time <= rebases[^1].TimestampUtc)
            {
                throw reader.Error(1, $"{TidyTables.FormatInstant(time)} is not after the previous rebase's {TidyTables.FormatInstant(rebases[^1].TimestampUtc)}");
            }

            rebases.Add(new SupplyRebase(epoch, time, reader.Number(2, NumberRule.Positive)));
            firstLine = rebases.Count == 1 ? reader.Line : firstLine;
            lastLine = reader.Line;
        }

        TidyTables.RequireRows(reader, rebases.Count);
        TidyTables.RequireCoverage(reader, mustCover,
            DateOnly.FromDateTime(rebases[0].TimestampUtc), firstLine, DateOnly.FromDateTime(rebases[^1].TimestampUtc), lastLine);
        return rebases;
    }

    private static T Load<T>(string path, Func<CsvReader, T> read)
    {
        using var csv = CsvReader.Open(path);
        return read(csv);
    }

    private static DailySeries<T> ReadDaily<T>(CsvReader csv, BundledFile format, Coverage mustCover, Func<TidyReader, T> parseValues)
        where T : struct
    {
        var reader = new TidyReader(csv, format.Columns);
        var (first, values) = TidyTables.ReadRegular(reader, TidyTables.Days, mustCover, parseValues);
        return new DailySeries<T>(new DailyAxis(first, values.Length), values);
    }

    private static MonthlySeries<decimal> ReadMonthlyIndex(CsvReader csv, BundledFile format, Coverage mustCover)
    {
        var reader = new TidyReader(csv, format.Columns);
        var (first, values) = TidyTables.ReadRegular(reader, TidyTables.Months, mustCover, r => r.Number(1, NumberRule.Positive));
        return new MonthlySeries<decimal>(new MonthlyAxis(first, values.Length), values);
    }

    /// <summary>Columns 1..5 as open, high, low, close, volume, with the bar's range checked.</summary>
    private static OhlcvBar Bar(TidyReader reader, bool openWithinRange)
    {
        var bar = new OhlcvBar(
            reader.Number(1, NumberRule.Positive),
            reader.Number(2, NumberRule.Positive),
            reader.Number(3, NumberRule.Positive),
            reader.Number(4, NumberRule.Positive),
            reader.Number(5, NumberRule.NonNegative));
        if (bar.Low > bar.High)
        {
            throw reader.Error(3, $"low {bar.Low} is above high {bar.High}");
        }

        if (bar.Close < bar.Low || bar.Close > bar.High)
        {
            throw reader.Error(4, $"close {bar.Close} is outside the bar's range [{bar.Low}, {bar.High}]");
        }

        if (openWithinRange && (bar.Open < bar.Low || bar.Open > bar.High))
        {
            throw reader.Error(1, $"open {bar.Open} is outside the bar's range [{bar.Low}, {bar.High}]");
        }

        return bar;
    }
}
