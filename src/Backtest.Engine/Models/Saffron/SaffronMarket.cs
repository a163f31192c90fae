using Backtest.Engine.Studies;
using Backtest.Numerics;
using Backtest.Numerics.Random;

namespace Backtest.Engine.Models.Saffron;

/// <summary>
/// The lending market's side of a Saffron path. The supply rate is a <see cref="RateWalk"/> around rate_mean (Z draw 0 of
/// (path, step)), or crunch_rate while a crunch lasts. A crunch starts on day ⌊U₂·steps⌋ when U₁ &lt; crunch_probability (U₁, U₂ draws 1, 2 of
/// (path, 0)); bad debt strikes on day ⌊U₄·steps⌋ when U₃ &lt; bad_debt_probability (draws 3, 4),
/// writing off bad_debt_loss × (0.5 + U₅) of what is payable (draw 5, capped at 1); shock_step
/// forces both onto that day.
/// </summary>
internal sealed class SaffronMarket(ParameterValues scenario, RandomStream stream)
{
    private readonly double mean = scenario.Real("rate_mean");
    private readonly double volatility = scenario.Real("rate_volatility");
    private readonly double reversion = scenario.Real("rate_reversion");
    private readonly double crunchProbability = scenario.Real("crunch_probability");
    private readonly double badDebtProbability = scenario.Real("bad_debt_probability");
    private readonly double badDebtLoss = scenario.Real("bad_debt_loss");
    private readonly int shockStep = (int)scenario.Integer("shock_step");

    public int EpochDays { get; } = (int)scenario.Integer("epoch_days");

    public int Steps { get; } = (int)(scenario.Integer("epoch_days") + scenario.Integer("redemption_days"));

    public int CrunchDays { get; } = (int)scenario.Integer("crunch_days");

    public double CrunchCashShare { get; } = scenario.Real("crunch_cash_share");

    public double CrunchRate { get; } = scenario.Real("crunch_rate");

    /// <summary>One path's events and its rate before crunches: crunch start (−1 none), bad-debt day (−1 none) and share.</summary>
    public (int CrunchStart, int BadDebtStep, double BadDebtShare) Fill(long path, double[] rate)
    {
        int crunch = stream.Uniform(path, 0, 1) < crunchProbability ? (int)(stream.Uniform(path, 0, 2) * Steps) : -1;
        int badDebt = stream.Uniform(path, 0, 3) < badDebtProbability ? (int)(stream.Uniform(path, 0, 4) * Steps) : -1;
        if (shockStep >= 0 && shockStep < Steps)
        {
            crunch = badDebt = shockStep;
        }

        double share = Math.Min(1, badDebtLoss * (0.5 + stream.Uniform(path, 0, 5)));
        var standard = new NormalDistribution(0, 1);
        var walk = new RateWalk(volatility, reversion);
        double x = 0;
        for (int step = 0; step < Steps; step++)
        {
            x = walk.Step(x, standard.FromUniform(stream.Uniform(path, step, 0)));
            rate[step] = walk.Rate(mean, x);
        }

        return (crunch, badDebt, share);
    }
}
