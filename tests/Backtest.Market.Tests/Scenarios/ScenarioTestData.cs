using Backtest.Market.Data;
using Backtest.Market.Scenarios;

namespace Backtest.Market.Tests.Scenarios;

/// <summary>The bundled history, loaded once for every scenario test.</summary>
internal static class ScenarioTestData
{
    private static readonly Lazy<MarketHistory> LazyHistory = new(() => MarketHistory.Load(DataFiles.LocateFolder()));

    public static MarketHistory History => LazyHistory.Value;

    public static string Folder => DataFiles.LocateFolder();

    /// <summary>Every path of a scenario's batch, step-major, copied out.</summary>
    public static (double[] Ampl, double[] Target, double[] Usdc) Copy(MarketPathBatch batch)
    {
        int n = batch.Count;
        var ampl = new double[n * batch.Steps];
        var target = new double[n * batch.Steps];
        var usdc = new double[n * batch.Steps];
        for (int step = 0; step < batch.Steps; step++)
        {
            batch.AmplPrice(step).CopyTo(ampl.AsSpan(step * n, n));
            batch.AmplTarget(step).CopyTo(target.AsSpan(step * n, n));
            batch.UsdcPrice(step).CopyTo(usdc.AsSpan(step * n, n));
        }

        return (ampl, target, usdc);
    }

    /// <summary>Mean and standard error of the mean.</summary>
    public static (double Mean, double Error) MeanAndError(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        return (mean, Math.Sqrt(variance / values.Count));
    }
}
