using Backtest.Numerics;
using Backtest.Numerics.Random;

namespace Backtest.Engine.Models.DeFindex;

/// <summary>
/// The strategies' side of a DeFindex path: each strategy's lending rate per day and the day and
/// size of its default. Rates: a <see cref="RateWalk"/> around the strategy's mean (Z draw s of
/// (path, step)). Defaults: strategy s
/// defaults on day ⌊−ln(1 − U)/h⌋ (U draw 8 + s of (path, 0), h = −ln(1 − p)/365 the daily
/// hazard of the yearly probability p), strategy 0 also on shock_step, whichever comes first,
/// losing default_loss × (0.5 + V) of its balance (V draw 16 + s of (path, 0), capped at 1).
/// </summary>
internal sealed class DeFindexMarket(SimulationContext context)
{
    private readonly RandomStream stream = RandomStream.Create(context.Seed, context.ScenarioIndex, context.ParameterSetIndex);
    private readonly double volatility = context.Scenario.Settings.Real("rate_volatility");
    private readonly double reversion = context.Scenario.Settings.Real("rate_reversion");
    private readonly double defaultProbability = context.Scenario.Settings.Real("default_probability");
    private readonly double defaultLoss = context.Scenario.Settings.Real("default_loss");

    public int Steps { get; } = (int)context.Scenario.Settings.Integer("steps");

    public int ShockStep { get; } = (int)context.Scenario.Settings.Integer("shock_step");

    /// <summary>Fills <c>apr[step · strategies + s]</c> (annual rate as a fraction), each strategy's default day (−1: none) and loss share.</summary>
    public void Fill(long path, long[] meanAprBps, double[] apr, int[] defaultStep, double[] defaultShare)
    {
        int strategies = meanAprBps.Length;
        var standard = new NormalDistribution(0, 1);
        var walk = new RateWalk(volatility, reversion);
        double hazard = defaultProbability >= 1 ? double.PositiveInfinity : -DeterministicMath.Log(1 - defaultProbability) / 365;
        for (int s = 0; s < strategies; s++)
        {
            double u = stream.Uniform(path, 0, DefaultTimeDraw(s));
            double days = hazard == 0 ? double.PositiveInfinity : -DeterministicMath.Log(1 - u) / hazard;
            int day = days < Steps ? (int)days : -1;
            if (s == 0 && ShockStep >= 0 && ShockStep < Steps && (day < 0 || ShockStep < day))
            {
                day = ShockStep;
            }

            defaultStep[s] = day;
            defaultShare[s] = Math.Min(1, defaultLoss * (0.5 + stream.Uniform(path, 0, DefaultSizeDraw(s))));
        }

        var x = new double[strategies];
        for (int step = 0; step < Steps; step++)
        {
            for (int s = 0; s < strategies; s++)
            {
                x[s] = walk.Step(x[s], standard.FromUniform(stream.Uniform(path, step, s)));
                apr[(step * strategies) + s] = walk.Rate(meanAprBps[s] / 10_000.0, x[s]);
            }
        }
    }

    private static int DefaultTimeDraw(int strategy) => DeFindexSettings.MaxStrategies + strategy;

    private static int DefaultSizeDraw(int strategy) => (2 * DeFindexSettings.MaxStrategies) + strategy;
}
