using Backtest.Engine.Studies;

namespace Backtest.Engine.Metrics;

/// <summary>
/// The thresholds that define a run (spec/run_metrics.md): a path has a run when the claims
/// redeemed within any window of <see cref="Window"/> steps reach <see cref="CriticalFraction"/>
/// of the claims outstanding at the window's start, or when the claim's price stays below
/// <see cref="BreakTheBuck"/> × its NAV (or peg) for <see cref="BreakTheBuckSteps"/> consecutive
/// steps. Every model with agents takes these as study parameters.
/// </summary>
public sealed record RunConditions(double CriticalFraction, int Window, double BreakTheBuck, int BreakTheBuckSteps, int LcrHorizon, double FirstMoverShare)
{
    public static readonly IReadOnlyList<ParameterSpec> Parameters =
    [
        ParameterSpec.Real("run_critical_fraction", 0.25, "share of outstanding claims redeemed within run_window steps that counts as a run", min: 0.000001, max: 1, unit: "fraction"),
        ParameterSpec.Integer("run_window", 7, "window over which redemptions are accumulated for the run test", min: 1, max: 10_000, unit: "steps"),
        ParameterSpec.Real("break_the_buck", 0.99, "price below this multiple of NAV (or peg) breaks the buck", min: 0, max: 1, unit: "fraction"),
        ParameterSpec.Integer("break_the_buck_steps", 3, "consecutive steps below the break-the-buck line that count as a run", min: 1, max: 10_000, unit: "steps"),
        ParameterSpec.Integer("lcr_horizon", 30, "horizon of the stressed redemption demand in the liquidity coverage ratio", min: 1, max: 10_000, unit: "steps"),
        ParameterSpec.Real("first_mover_share", 0.1, "share of redeemed claims whose value per unit is compared, first against last, in the first-mover advantage", min: 0.01, max: 0.5, unit: "fraction"),
    ];

    public static RunConditions From(ParameterValues values) => new(
        values.Real("run_critical_fraction"),
        (int)values.Integer("run_window"),
        values.Real("break_the_buck"),
        (int)values.Integer("break_the_buck_steps"),
        (int)values.Integer("lcr_horizon"),
        values.Real("first_mover_share"));
}
