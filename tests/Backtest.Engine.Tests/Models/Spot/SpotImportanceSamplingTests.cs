using Backtest.Engine.Metrics;
using Backtest.Engine.Models.Spot;
using Backtest.IO.Tables;
using Backtest.Numerics;
using Backtest.Numerics.Random;
using Xunit.Abstractions;

namespace Backtest.Engine.Tests.Models.Spot;

public class SpotImportanceSamplingTests(ITestOutputHelper output)
{
    private static StressSettings Stress(double tilt) => new(
        Horizon: 90, NominalStart: new DateOnly(2026, 1, 7), StartDeviation: 0, MeanReversion: 0.05, Volatility: 0.05,
        CrashProbability: 0, CrashMean: 0.15, Tilt: tilt, StartTarget: Fixed.One, Inflation: 0.025,
        InitialSupply: Fixed.Parse("50000000"), DepegDay: -1);

    /// <summary>
    /// The stress scenario's rare event (AMPL below 60% of target on some day, which the current
    /// policy answers with its full −7.7% daily contractions) without crashes, so only the
    /// Gaussian shocks the tilt acts on drive it, estimated by plain Monte Carlo
    /// and by exponentially tilted shocks with likelihood-ratio weights, through
    /// <see cref="RunMetrics.Summarize"/>: the two intervals overlap and tilting reduces the variance.
    /// </summary>
    [Fact]
    public void TiltedShocksAgreeWithPlainMonteCarloAndReduceItsVariance()
    {
        const int paths = 8_000;
        var plain = Summarize(Stress(0), paths, seed: 11);
        var tilted = Summarize(Stress(0.25), paths, seed: 12);
        double p = plain.Double("p_run")[0], pLo = plain.Double("p_run_lo")[0], pHi = plain.Double("p_run_hi")[0];
        double q = tilted.Double("p_run")[0], qLo = tilted.Double("p_run_lo")[0], qHi = tilted.Double("p_run_hi")[0];
        double vrf = tilted.Double("variance_reduction")[0];
        output.WriteLine($"P(AMPL < 60% of target within 90 days), {paths} paths each");
        output.WriteLine($"plain Monte Carlo: {p:E3} [{pLo:E3}, {pHi:E3}] (Wilson 95%)");
        output.WriteLine($"tilted (θ = 0.25): {q:E3} [{qLo:E3}, {qHi:E3}] (normal 95%), variance reduction ×{vrf:F1}");

        Assert.True(p > 0 && q > 0);
        Assert.True(pLo <= qHi && qLo <= pHi, "the intervals must overlap");
        Assert.True(vrf > 2, $"variance reduction {vrf}");
        Assert.Equal(1.0, plain.Double("variance_reduction")[0]);
    }

    private static ColumnTable Summarize(StressSettings settings, int paths, ulong seed)
    {
        var market = new StressMarket(settings, RandomStream.Create(seed, 1, 0), null);
        var table = new ColumnTable(RunMetrics.PathColumns, paths);
        double floor = Math.Log(0.6);
        for (int i = 0; i < paths; i++)
        {
            var path = market.Generate(i);
            int hit = -1;
            for (int t = 0; t < path.Steps && hit < 0; t++)
            {
                if (Math.Log(Fixed.ToDouble(path.AmplPrice[t]) / Fixed.ToDouble(path.AmplTarget[t])) < floor)
                {
                    hit = t;
                }
            }

            table.Boolean("run")[i] = hit >= 0;
            table.Int32("run_step")[i] = hit;
            table.Int32("shock_step")[i] = path.ShockStep;
            table.Int32("impaired_step")[i] = -1;
            table.Int32("recovered_step")[i] = -1;
            table.Double("fill_ratio")[i] = 1;
            table.Double("first_mover_advantage")[i] = double.NaN;
            table.Double("weight")[i] = path.Weight;
        }

        return RunMetrics.Summarize(table);
    }
}
