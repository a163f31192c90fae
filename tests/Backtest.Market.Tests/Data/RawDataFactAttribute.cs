using Backtest.Market.Data;

namespace Backtest.Market.Tests.Data;

/// <summary>A test that needs the raw source files; skipped, saying why, where they are not present.</summary>
public sealed class RawDataFactAttribute : FactAttribute
{
    public RawDataFactAttribute()
    {
        if (RawDataNormalizer.LocateRawFolder() is null)
        {
            Skip = $"the raw data folder was not found: set {RawDataNormalizer.RawFolderVariable} or place shared/data/raw in a folder above the repository";
        }
    }
}
