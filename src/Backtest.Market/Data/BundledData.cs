namespace Backtest.Market.Data;

/// <summary>A tidy CSV file of the bundled data folder: its name, its exact header and the dates it covers.</summary>
public sealed record BundledFile(string FileName, IReadOnlyList<string> Columns, Coverage Coverage);

/// <summary>
/// The files of <c>data/</c> (origins, units and quirks in data/README.md). Each loader of
/// <see cref="HistoricalData"/> requires its file's header and, unless told otherwise, its
/// coverage; <see cref="RawDataNormalizer"/> writes exactly these files.
/// </summary>
public static class BundledData
{
    /// <summary>AMPL/USD daily bars from Yahoo Finance; four empty days 2021-12-28..31; the last row is a partial day.</summary>
    public static BundledFile AmplUsdYahooDaily { get; } = new(
        "ampl_usd_yahoo_daily.csv",
        ["date", "open", "high", "low", "close", "volume"],
        new Coverage(new DateOnly(2019, 6, 28), new DateOnly(2022, 9, 28)));

    /// <summary>AMPL/USD daily 00:00 UTC snapshots from CoinGecko.</summary>
    public static BundledFile AmplUsdCoinGeckoDaily { get; } = new(
        "ampl_usd_coingecko_daily.csv",
        ["date", "price", "market_cap", "total_volume"],
        new Coverage(new DateOnly(2019, 6, 29), new DateOnly(2020, 10, 13)));

    /// <summary>AMPL total supply after each rebase, epochs 1..449.</summary>
    public static BundledFile AmplSupplyPerRebase { get; } = new(
        "ampl_supply_per_rebase.csv",
        ["epoch", "timestamp", "supply"],
        new Coverage(new DateOnly(2019, 6, 14), new DateOnly(2020, 9, 20)));

    /// <summary>USDC/USD daily bars from Yahoo Finance.</summary>
    public static BundledFile UsdcUsdYahooDaily { get; } = new(
        "usdc_usd_yahoo_daily.csv",
        ["date", "open", "high", "low", "close", "volume"],
        new Coverage(new DateOnly(2018, 10, 8), new DateOnly(2026, 4, 4)));

    /// <summary>USDC/USD 15-minute bars around the March 2023 de-peg, with explicit empty bars.</summary>
    public static BundledFile UsdcUsd15MinDepeg { get; } = new(
        "usdc_usd_15min_depeg_2023-03.csv",
        ["timestamp", "open", "high", "low", "close", "volume"],
        new Coverage(new DateOnly(2023, 3, 9), new DateOnly(2023, 3, 18)));

    /// <summary>US CPI-U, seasonally adjusted (FRED CPIAUCSL, 1982–84 = 100), monthly.</summary>
    public static BundledFile UsCpiUMonthly { get; } = new(
        "us_cpi_u_monthly.csv",
        ["month", "cpiaucsl"],
        new Coverage(new DateOnly(1980, 1, 1), new DateOnly(2025, 8, 1)));

    /// <summary>US PCE price index (FRED PCEPI, 2017 = 100), monthly.</summary>
    public static BundledFile UsPcepiMonthly { get; } = new(
        "us_pcepi_monthly.csv",
        ["month", "pcepi"],
        new Coverage(new DateOnly(2000, 1, 1), new DateOnly(2025, 11, 1)));

    /// <summary>Every bundled file, in name order.</summary>
    public static IReadOnlyList<BundledFile> All { get; } =
        new[] { AmplUsdYahooDaily, AmplUsdCoinGeckoDaily, AmplSupplyPerRebase, UsdcUsdYahooDaily, UsdcUsd15MinDepeg, UsCpiUMonthly, UsPcepiMonthly }
            .OrderBy(f => f.FileName, StringComparer.Ordinal)
            .ToArray();

    /// <summary>The name of the checksum file beside the data files (<c>sha256sum -c</c> format).</summary>
    public const string ChecksumFileName = "SHA256SUMS";
}
