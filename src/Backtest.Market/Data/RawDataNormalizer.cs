using System.Globalization;
using System.Text;
using System.Text.Json;
using Backtest.IO;
using Backtest.IO.Csv;

namespace Backtest.Market.Data;

/// <summary>A file the normaliser produced: its name in the data folder and its exact bytes.</summary>
public sealed record NormalizedFile(string Name, byte[] Content)
{
    /// <summary>SHA-256 of <see cref="Content"/>, 64 lowercase hex digits.</summary>
    public string Sha256 => DataFiles.Sha256(Content);
}

/// <summary>
/// Rebuilds the tidy files of <c>data/</c> from the raw files listed in
/// <c>shared/data/raw/SOURCES.md</c>, deterministically, so that anyone can regenerate and check
/// them (<c>backtest data normalize</c>). What it changes, file by file, is in data/README.md:
/// column names and order, ISO dates and UTC timestamps, ascending order, one row per period
/// with empty rows for missing periods, redundant columns dropped only after checking that they
/// are redundant. Number text is copied verbatim (it is checked to be a plain decimal, never
/// re-printed), so no rounding is introduced. Every output is loaded back through
/// <see cref="HistoricalData"/> before it is returned.
/// </summary>
public static class RawDataNormalizer
{
    /// <summary>Environment variable naming the raw data folder; overrides the search.</summary>
    public const string RawFolderVariable = "BACKTEST_RAW_DATA";

    internal const string AmplYahooRaw = "ampl_usd_yahoo_daily_2019-06-28_2022-09-28.csv";
    internal const string AmplCoinGeckoRaw = "ampl_usd_coingecko_daily_2019-06-29_2020-10-13.csv";
    internal const string AmplCoinGeckoSupplyRaw = "ampl_coingecko_with_circulating_supply_2019-06-29_2020-10-01.csv";
    internal const string AmplSupplyRaw = "ampl_total_supply_per_rebase_2019-06-14_2020-09-20.csv";
    internal const string UsdcYahooRaw = "usdc_usd_yahoo_daily_2018-10-08_2026-04-04.csv";
    internal const string Usdc15MinRaw = "usdc_usd_15min_depeg_2023-03-09_2023-03-18.json";
    internal const string CpiRaw = "us_cpi_cpiaucsl_monthly_1980-01_2025-08.csv";
    internal const string PcepiRaw = "us_pce_price_index_pcepi_monthly_2000-01_2025-11.csv";

    private static readonly Product[] Products =
    [
        new(BundledData.AmplUsdYahooDaily, AmplYahoo, (csv, c) => HistoricalData.ReadAmplDaily(csv, c)),
        new(BundledData.AmplUsdCoinGeckoDaily, AmplCoinGecko, (csv, c) => HistoricalData.ReadAmplCoinGeckoDaily(csv, c)),
        new(BundledData.AmplSupplyPerRebase, AmplSupply, (csv, c) => HistoricalData.ReadAmplSupply(csv, c)),
        new(BundledData.UsdcUsdYahooDaily, UsdcYahoo, (csv, c) => HistoricalData.ReadUsdcDaily(csv, c)),
        new(BundledData.UsdcUsd15MinDepeg, Usdc15Min, (csv, c) => HistoricalData.ReadUsdc15MinDepeg(csv, c)),
        new(BundledData.UsCpiUMonthly, raw => FredMonthly(raw, CpiRaw, "CPIAUCSL", BundledData.UsCpiUMonthly), (csv, c) => HistoricalData.ReadCpiU(csv, c)),
        new(BundledData.UsPcepiMonthly, raw => FredMonthly(raw, PcepiRaw, "PCEPI", BundledData.UsPcepiMonthly), (csv, c) => HistoricalData.ReadPcepi(csv, c)),
    ];

    /// <summary>
    /// The raw folder: <c>$BACKTEST_RAW_DATA</c> if set (it must exist), otherwise
    /// <c>shared/data/raw</c> in a folder above the repository root (found as
    /// <see cref="DataFiles.FindRepositoryRoot"/> does, from the current directory and then the
    /// application's folder); null if there is none.
    /// </summary>
    public static string? LocateRawFolder() =>
        LocateRawFolder(Environment.GetEnvironmentVariable(RawFolderVariable), [Environment.CurrentDirectory, AppContext.BaseDirectory]);

    /// <summary>
    /// Every tidy file of <see cref="BundledData.All"/> followed by the checksum file
    /// (<see cref="BundledData.ChecksumFileName"/>), built from <paramref name="rawFolder"/>.
    /// A raw file that is missing, malformed or not as data/README.md describes it is a
    /// <see cref="DataFileException"/> naming it.
    /// </summary>
    public static IReadOnlyList<NormalizedFile> Normalize(string rawFolder)
    {
        var files = new List<NormalizedFile>();
        foreach (var product in Products.OrderBy(p => p.File.FileName, StringComparer.Ordinal))
        {
            var content = Encoding.UTF8.GetBytes(product.Produce(rawFolder));
            using (var csv = new CsvReader(new MemoryStream(content), $"{product.File.FileName} (as normalised)"))
            {
                product.Validate(csv, product.File.Coverage);
            }

            files.Add(new NormalizedFile(product.File.FileName, content));
        }

        var sums = string.Concat(files.Select(f => $"{f.Sha256}  {f.Name}\n"));
        files.Add(new NormalizedFile(BundledData.ChecksumFileName, Encoding.UTF8.GetBytes(sums)));
        return files;
    }

    /// <summary>Writes <see cref="Normalize"/>'s files into <paramref name="dataFolder"/> (created if needed), replacing files of the same names.</summary>
    public static IReadOnlyList<NormalizedFile> WriteTo(string rawFolder, string dataFolder)
    {
        var files = Normalize(rawFolder);
        Directory.CreateDirectory(dataFolder);
        foreach (var file in files)
        {
            File.WriteAllBytes(Path.Combine(dataFolder, file.Name), file.Content);
        }

        return files;
    }

    internal static string? LocateRawFolder(string? variable, IReadOnlyList<string> searchFrom)
    {
        if (!string.IsNullOrEmpty(variable))
        {
            return Directory.Exists(variable)
                ? Path.GetFullPath(variable)
                : throw new InputException($"the raw data folder \"{variable}\" does not exist", key: RawFolderVariable);
        }

        foreach (var start in searchFrom)
        {
            for (var folder = DataFiles.FindRepositoryRoot(start) is { } root ? Directory.GetParent(root) : null; folder is not null; folder = folder.Parent)
            {
                var candidate = Path.Combine(folder.FullName, "shared", "data", "raw");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    /// <summary>Yahoo AMPL: keeps date (from the timestamp), open, high, low, close, volume; drops adjclose after checking it equals close.</summary>
    private static string AmplYahoo(string rawFolder)
    {
        var rows = new SortedDictionary<DateOnly, string[]>();
        using var csv = OpenRaw(rawFolder, AmplYahooRaw);
        var raw = new TidyReader(csv, ["timestamp", "adjclose", "low", "volume", "open", "high", "close"]);
        while (raw.Read())
        {
            var date = RawDate(raw, 0, "yyyy-MM-dd HH:mm:ss");
            RequireSame(raw, 1, 6);
            Add(raw, rows, date, [Plain(raw, 4), Plain(raw, 5), Plain(raw, 2), Plain(raw, 6), Plain(raw, 3)]);
        }

        return Write(BundledData.AmplUsdYahooDaily, rows, TidyTables.Days);
    }

    /// <summary>CoinGecko AMPL: snapped_at (always 00:00 UTC) becomes date; after checking that the variant file adds nothing.</summary>
    private static string AmplCoinGecko(string rawFolder)
    {
        var rows = new SortedDictionary<DateOnly, string[]>();
        using (var csv = OpenRaw(rawFolder, AmplCoinGeckoRaw))
        {
            var raw = new TidyReader(csv, ["snapped_at", "price", "market_cap", "total_volume"]);
            while (raw.Read())
            {
                Add(raw, rows, RawDate(raw, 0, "yyyy-MM-dd '00:00:00 UTC'"), [Plain(raw, 1), Plain(raw, 2), Plain(raw, 3)]);
            }
        }

        RequireVariantRedundant(rawFolder, rows);
        return Write(BundledData.AmplUsdCoinGeckoDaily, rows, TidyTables.Days);
    }

    /// <summary>
    /// The variant with circulating supply is not bundled: it is the same CoinGecko snapshots
    /// printed with different floating-point digits (at most a few units in the last place),
    /// over fewer days, and its extra columns are derived: circulating_supply is exactly
    /// market_cap / price in binary floating point, date repeats snapped_at, and the first column
    /// is a row number. This check refuses a variant of which any of that is false.
    /// </summary>
    private static void RequireVariantRedundant(string rawFolder, SortedDictionary<DateOnly, string[]> main)
    {
        const double Tolerance = 1e-15;
        using var csv = OpenRaw(rawFolder, AmplCoinGeckoSupplyRaw);
        var raw = new TidyReader(csv, ["", "snapped_at", "price", "market_cap", "total_volume", "circulating_supply", "date"]);
        for (int row = 0; raw.Read(); row++)
        {
            var date = RawDate(raw, 1, "yyyy-MM-dd '00:00:00 UTC'");
            if (raw.Integer(0, minimum: 0) != row || RawDate(raw, 6, "yyyy-MM-dd") != date)
            {
                throw raw.Error(6, "the row number or the date column does not restate the row's position and snapped_at");
            }

            if (!main.TryGetValue(date, out var kept))
            {
                throw raw.Error(1, $"{DailyAxis.Format(date)} is not in {AmplCoinGeckoRaw}; the variant would add a day");
            }

            var values = new double[4];
            for (int i = 0; i < 3; i++)
            {
                values[i] = Double(raw, i + 2);
                double other = double.Parse(kept[i], CultureInfo.InvariantCulture);
                if (Math.Abs(values[i] - other) > Tolerance * Math.Abs(other))
                {
                    throw raw.Error(i + 2, $"differs from {AmplCoinGeckoRaw} ({kept[i]}) beyond floating-point print noise");
                }
            }

            if (Double(raw, 5) != values[1] / values[0])
            {
                throw raw.Error(5, "is not market_cap / price; the variant would add a column");
            }
        }
    }

    /// <summary>Supply per rebase: Unix milliseconds become ISO UTC timestamps; the epoch is the 1-based row number (data/README.md).</summary>
    private static string AmplSupply(string rawFolder)
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var writer = new CsvWriter(output, BundledData.AmplSupplyPerRebase.Columns);
        using var csv = OpenRaw(rawFolder, AmplSupplyRaw);
        var raw = new TidyReader(csv, ["timestamp", "supply"]);
        for (int epoch = 1; raw.Read(); epoch++)
        {
            var text = raw.Text(0);
            if (text.Length is 0 or > 15 || !text.All(char.IsAsciiDigit) || long.Parse(text, CultureInfo.InvariantCulture) % 1000 != 0)
            {
                throw raw.Error(0, $"\"{TidyReader.Show(text)}\" is not a Unix time in whole seconds, written in milliseconds");
            }

            var time = DateTime.UnixEpoch.AddSeconds(long.Parse(text, CultureInfo.InvariantCulture) / 1000);
            writer.WriteRow([epoch.ToString(CultureInfo.InvariantCulture), TidyTables.FormatInstant(time), Plain(raw, 1)]);
        }

        return output.ToString();
    }

    /// <summary>Yahoo USDC: ascending instead of descending; Date becomes date; Adj Close dropped after checking it equals Close.</summary>
    private static string UsdcYahoo(string rawFolder)
    {
        var rows = new SortedDictionary<DateOnly, string[]>();
        using var csv = OpenRaw(rawFolder, UsdcYahooRaw);
        var raw = new TidyReader(csv, ["Date", "Open", "High", "Low", "Close", "Adj Close", "Volume"]);
        while (raw.Read())
        {
            RequireSame(raw, 5, 4);
            Add(raw, rows, raw.Date(0), [Plain(raw, 1), Plain(raw, 2), Plain(raw, 3), Plain(raw, 4), Plain(raw, 6)]);
        }

        return Write(BundledData.UsdcUsdYahooDaily, rows, TidyTables.Days);
    }

    /// <summary>FRED monthly index: observation_date becomes month, the series id its lowercase column name.</summary>
    private static string FredMonthly(string rawFolder, string rawName, string seriesId, BundledFile output)
    {
        var rows = new SortedDictionary<DateOnly, string[]>();
        using var csv = OpenRaw(rawFolder, rawName);
        var raw = new TidyReader(csv, ["observation_date", seriesId]);
        while (raw.Read())
        {
            Add(raw, rows, raw.Month(0), [Plain(raw, 1)]);
        }

        return Write(output, rows, TidyTables.Months);
    }

    /// <summary>
    /// The 15-minute JSON bars <c>{meta, data: [{dt, o, h, l, c, v}]}</c> become CSV rows keyed by
    /// ISO UTC timestamps, with an empty row for every missing 15-minute bar. Number literals are
    /// copied as written.
    /// </summary>
    private static string Usdc15Min(string rawFolder)
    {
        var path = Path.Combine(rawFolder, Usdc15MinRaw);
        var bytes = ReadAll(path);
        var json = new JsonBars(path, bytes);
        return Write(BundledData.UsdcUsd15MinDepeg, json.Read(), TidyTables.Instants(HistoricalData.QuarterHour));
    }

    private static CsvReader OpenRaw(string rawFolder, string name) => CsvReader.Open(Path.Combine(rawFolder, name));

    private static byte[] ReadAll(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataFileException(path, null, null, "file not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(path, null, null, $"cannot be read: {e.Message}", e);
        }
    }

    /// <summary>The field's text if it is empty or a plain decimal; an error otherwise.</summary>
    private static string Plain(TidyReader raw, int column)
    {
        var text = raw.Text(column);
        return text.Length == 0 || PlainDecimal.TryParse(text, out _, out var problem) ? text : throw raw.Error(column, problem);
    }

    /// <summary>The nearest double to the field (parsed from the text: decimal-to-double conversion is not correctly rounded).</summary>
    private static double Double(TidyReader raw, int column)
    {
        raw.Number(column, NumberRule.NonNegative);
        return double.Parse(raw.Text(column), CultureInfo.InvariantCulture);
    }

    private static void RequireSame(TidyReader raw, int dropped, int kept)
    {
        if (raw.Text(dropped) != raw.Text(kept))
        {
            throw raw.Error(dropped, $"differs from {raw.ColumnName(kept)} ({TidyReader.Show(raw.Text(kept))}); it is dropped only because the two are equal");
        }
    }

    private static DateOnly RawDate(TidyReader raw, int column, string format)
    {
        var text = raw.Text(column);
        return DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? DateOnly.FromDateTime(time)
            : throw raw.Error(column, $"\"{TidyReader.Show(text)}\" does not have the form {format}");
    }

    private static void Add<TKey>(TidyReader raw, SortedDictionary<TKey, string[]> rows, TKey key, string[] values)
        where TKey : notnull
    {
        if (!rows.TryAdd(key, values))
        {
            throw raw.Error(0, "this date appears on an earlier row too");
        }
    }

    /// <summary>The tidy CSV: one row per period from the first key to the last, empty values where the raw file has no row.</summary>
    private static string Write<TKey>(BundledFile file, SortedDictionary<TKey, string[]> rows, RowKey<TKey> key)
        where TKey : struct, IComparable<TKey>
    {
        var output = new StringWriter(CultureInfo.InvariantCulture);
        var writer = new CsvWriter(output, file.Columns);
        var empty = Enumerable.Repeat(string.Empty, file.Columns.Count - 1);
        TKey? expected = null;
        foreach (var (current, values) in rows)
        {
            for (; expected is { } gap && gap.CompareTo(current) < 0; expected = key.Next(gap))
            {
                writer.WriteRow([key.Format(gap), .. empty]);
            }

            writer.WriteRow([key.Format(current), .. values]);
            expected = key.Next(current);
        }

        return output.ToString();
    }

    private sealed record Product(BundledFile File, Func<string, string> Produce, Action<CsvReader, Coverage> Validate);

    /// <summary>Reads the bars of the 15-minute JSON file, with the line of each token for errors.</summary>
    private sealed class JsonBars(string path, byte[] bytes)
    {
        private static readonly string[] Fields = ["dt", "o", "h", "l", "c", "v"];

        public SortedDictionary<DateTime, string[]> Read()
        {
            var bars = new SortedDictionary<DateTime, string[]>();
            var reader = new Utf8JsonReader(bytes);
            try
            {
                Expect(ref reader, JsonTokenType.StartObject, "the document");
                bool sawData = false;
                while (Next(ref reader) == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString();
                    if (name == "data")
                    {
                        ReadData(ref reader, bars);
                        sawData = true;
                    }
                    else if (name == "meta")
                    {
                        Next(ref reader);
                        reader.Skip();
                    }
                    else
                    {
                        throw Error(reader, name ?? string.Empty, "unexpected property (expected meta and data)");
                    }
                }

                return sawData ? bars : throw new DataFileException(path, null, "data", "the document has no data array");
            }
            catch (JsonException e)
            {
                throw new DataFileException(path, (int?)e.LineNumber + 1, null, $"not valid JSON: {e.Message}", e);
            }
        }

        private void ReadData(ref Utf8JsonReader reader, SortedDictionary<DateTime, string[]> bars)
        {
            Expect(ref reader, JsonTokenType.StartArray, "data");
            for (int index = 0; Next(ref reader) == JsonTokenType.StartObject; index++)
            {
                var values = new string?[Fields.Length];
                var lines = new int[Fields.Length];
                int line = LineOf(reader);
                while (Next(ref reader) == JsonTokenType.PropertyName)
                {
                    var name = reader.GetString() ?? string.Empty;
                    int slot = Array.IndexOf(Fields, name);
                    var label = $"data[{index}].{name}";
                    if (slot < 0 || values[slot] is not null)
                    {
                        throw Error(reader, label, slot < 0 ? "unexpected property (expected dt, o, h, l, c, v)" : "appears twice");
                    }

                    lines[slot] = LineOf(reader);
                    var token = Next(ref reader);
                    values[slot] = slot == 0
                        ? token == JsonTokenType.String ? reader.GetString() : throw Error(reader, label, "is not a string")
                        : token == JsonTokenType.Number ? Encoding.UTF8.GetString(reader.ValueSpan) : throw Error(reader, label, "is not a number");
                    if (slot > 0 && !PlainDecimal.TryParse(values[slot]!, out _, out var problem))
                    {
                        throw Error(reader, label, problem);
                    }
                }

                if (Array.IndexOf(values, null) is var missing and >= 0)
                {
                    throw new DataFileException(path, line, $"data[{index}].{Fields[missing]}", "missing from the bar");
                }

                if (!DateTime.TryParseExact(values[0], "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
                    || time.Ticks % HistoricalData.QuarterHour.Ticks != 0)
                {
                    throw new DataFileException(path, lines[0], $"data[{index}].dt", $"\"{TidyReader.Show(values[0]!)}\" is not a UTC instant on a 15-minute boundary");
                }

                if (!bars.TryAdd(time, values[1..].Select(v => v!).ToArray()))
                {
                    throw new DataFileException(path, lines[0], $"data[{index}].dt", "this instant appears in an earlier bar too");
                }
            }

            if (reader.TokenType != JsonTokenType.EndArray)
            {
                throw Error(reader, "data", "holds something other than bar objects");
            }
        }

        private static JsonTokenType Next(ref Utf8JsonReader reader) =>
            reader.Read() ? reader.TokenType : throw new JsonException("the document ends early");

        private void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
        {
            if (Next(ref reader) != type)
            {
                throw Error(reader, what, $"expected {type}, found {reader.TokenType}");
            }
        }

        private DataFileException Error(Utf8JsonReader reader, string field, string reason) => new(path, LineOf(reader), field, reason);

        private int LineOf(Utf8JsonReader reader) =>
            1 + bytes.AsSpan(0, (int)reader.TokenStartIndex).Count((byte)'\n');
    }
}
