namespace Backtest.Market.Data;

/// <summary>
/// One bar of open, high, low, close (USD per token) and volume, each the exact decimal the
/// data file prints. Bundled sources print binary floating-point values with up to 17
/// significant digits, more than the 9 decimals of an amount; a model turns a price into an
/// amount with a rounding it names (<c>Fixed.FromDecimal(decimal.Round(p, 9, …))</c>).
/// Volume units depend on the source (data/README.md).
/// </summary>
public readonly record struct OhlcvBar(decimal Open, decimal High, decimal Low, decimal Close, decimal Volume);

/// <summary>
/// CoinGecko's daily snapshot at 00:00 UTC: price (USD), market capitalisation (USD, from
/// CoinGecko's circulating supply, not AMPL's total supply) and trailing 24-hour volume (USD).
/// </summary>
public readonly record struct CoinGeckoSnapshot(decimal Price, decimal MarketCap, decimal TotalVolume);

/// <summary>
/// AMPL's total supply (AMPL) right after the rebase of <see cref="Epoch"/>, executed at
/// <see cref="TimestampUtc"/>. The epoch is derived (data/README.md); the supply is the exact
/// decimal the file prints.
/// </summary>
public readonly record struct SupplyRebase(int Epoch, DateTime TimestampUtc, decimal Supply);
