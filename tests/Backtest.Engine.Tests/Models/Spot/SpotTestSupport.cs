using Backtest.Engine.Models;
using Backtest.Engine.Models.Spot;
using Backtest.Engine.Studies;
using Backtest.Market.Data;

namespace Backtest.Engine.Tests.Models.Spot;

/// <summary>Settings and data for the spot model's tests.</summary>
internal static class SpotTestSupport
{
    public static DataAccess Data() => new(DataFiles.LocateFolder());

    /// <summary>The model's defaults with some parameters replaced (values as the study file would give them, parsed by kind).</summary>
    public static SpotSettings Settings(params (string Name, object Value)[] overrides)
    {
        var given = overrides.ToDictionary(o => o.Name, o => o.Value, StringComparer.Ordinal);
        return SpotSettings.From(new ParameterValues(SpotSettings.Parameters, given));
    }
}
