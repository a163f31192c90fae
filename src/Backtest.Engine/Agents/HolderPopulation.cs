using Backtest.Engine.Studies;
using Backtest.Numerics;
using Backtest.Numerics.Random;

namespace Backtest.Engine.Agents;

/// <summary>How a cohort of holders decides to leave (or, for entrants, to come in).</summary>
public enum HolderKind
{
    /// <summary>Leaves when any of its own thresholds is crossed: NAV discount, loss absorbed, deviation ratio, yield.</summary>
    Threshold,

    /// <summary>Global-games follower: sees the fundamental plus private noise and leaves below a cut-off (Goldstein–Pauzner threshold strategy).</summary>
    GlobalGames,

    /// <summary>Leaves when observed redemptions over the last window pass its own share.</summary>
    Herder,

    /// <summary>One large holder that sells everything at a set step.</summary>
    LargeSeller,

    /// <summary>Brings new capital while the yield is above its threshold (the over-subscribed side).</summary>
    Entrant,
}

/// <summary>What holders can observe at a step (NaN for what a design does not have).</summary>
/// <param name="NavDiscount">1 − market price ÷ NAV (positive: the claim trades below its value).</param>
/// <param name="LossAbsorbed">Share of a holder's value lost since the path began (0 if none).</param>
/// <param name="DeviationRatio">SPOT's DR, or NaN.</param>
/// <param name="Yield">The claim's current yield, annualised.</param>
/// <param name="ObservedRedemptionShare">Share of claims redeemed over the last run window.</param>
/// <param name="Fundamental">The state global-games followers get a noisy signal of, scaled so 1 is healthy (e.g. collateral ratio, NAV ÷ peg).</param>
public readonly record struct Signals(double NavDiscount, double LossAbsorbed, double DeviationRatio, double Yield, double ObservedRedemptionShare, double Fundamental);

/// <summary>One cohort's decision at a step: leave with, or enter with, this many units.</summary>
public readonly record struct HolderAction(int Cohort, HolderKind Kind, double Units, bool Enters);

/// <summary>
/// The settings of a holder population, as study parameters (<see cref="Parameters"/>). Shares
/// split the initial claims among kinds; thresholds are drawn per cohort from log-normal
/// distributions with the given mean and relative spread (so they stay positive), and a
/// global-games follower's private noise is drawn once per path, so holders differ from one
/// another and from path to path but do not flicker from step to step.
/// </summary>
public sealed record PopulationSettings(
    int Cohorts,
    double ThresholdShare,
    double GlobalGamesShare,
    double HerderShare,
    double LargeSellerShare,
    int LargeSellerStep,
    double NavDiscountMean,
    double LossMean,
    double DeviationRatioMean,
    double YieldFloorMean,
    double ThresholdSpread,
    double GlobalGamesCutoff,
    double GlobalGamesNoise,
    double HerdMean,
    double EntrantYieldMean,
    double EntrantRate)
{
    public static readonly IReadOnlyList<ParameterSpec> Parameters =
    [
        ParameterSpec.Integer("holder_cohorts", 40, "cohorts of holders per path (each with its own thresholds)", min: 1, max: 10_000),
        ParameterSpec.Real("share_threshold_holders", 0.6, "share of claims held by threshold holders", min: 0, max: 1, unit: "fraction"),
        ParameterSpec.Real("share_global_games", 0.2, "share of claims held by global-games signal followers", min: 0, max: 1, unit: "fraction"),
        ParameterSpec.Real("share_herders", 0.15, "share of claims held by herders", min: 0, max: 1, unit: "fraction"),
        ParameterSpec.Real("share_large_seller", 0.05, "share of claims held by one large seller", min: 0, max: 1, unit: "fraction"),
        ParameterSpec.Integer("large_seller_step", -1, "step at which the large seller sells everything (−1: never)", min: -1, unit: "steps"),
        ParameterSpec.Real("exit_nav_discount", 0.03, "mean NAV discount at which a threshold holder leaves", min: 0, max: 1, unit: "fraction"),
        ParameterSpec.Real("exit_loss", 0.1, "mean loss absorbed at which a threshold holder leaves", min: 0, max: 1, unit: "fraction"),
        ParameterSpec.Real("exit_deviation_ratio", 0.8, "mean of the untruncated log-normal of deviation ratios below which threshold holders leave (SPOT); each cohort's is drawn from it truncated to (0, 0.95], the lower edge of the fee policy's equilibrium band, by inverse CDF, so no cohort sits on the edge", min: 0, max: 10, unit: "ratio"),
        ParameterSpec.Real("exit_yield_floor", -1.0, "mean yield below which a threshold holder leaves (−1: never)", min: -1, max: 10, unit: "per year"),
        ParameterSpec.Real("threshold_spread", 0.3, "standard deviation of a cohort's thresholds, relative to their means", min: 0, max: 5, unit: "fraction"),
        ParameterSpec.Real("global_games_cutoff", 0.85, "signal below which a global-games follower leaves (fundamental scale, 1 = healthy)", min: 0, max: 10),
        ParameterSpec.Real("global_games_noise", 0.05, "standard deviation of a follower's private noise (drawn once per path)", min: 0, max: 10),
        ParameterSpec.Real("herd_share", 0.1, "mean share of claims redeemed over the run window at which a herder leaves", min: 0, max: 1, unit: "fraction"),
        ParameterSpec.Real("entrant_yield", 0.15, "mean yield above which entrants bring new capital", min: 0, max: 10, unit: "per year"),
        ParameterSpec.Real("entrant_rate", 0.0, "new capital per step while the yield is attractive, as a share of the initial claims (0: no entrants)", min: 0, max: 1, unit: "fraction"),
    ];

    public static PopulationSettings From(ParameterValues v) => new(
        (int)v.Integer("holder_cohorts"),
        v.Real("share_threshold_holders"),
        v.Real("share_global_games"),
        v.Real("share_herders"),
        v.Real("share_large_seller"),
        (int)v.Integer("large_seller_step"),
        v.Real("exit_nav_discount"),
        v.Real("exit_loss"),
        v.Real("exit_deviation_ratio"),
        v.Real("exit_yield_floor"),
        v.Real("threshold_spread"),
        v.Real("global_games_cutoff"),
        v.Real("global_games_noise"),
        v.Real("herd_share"),
        v.Real("entrant_yield"),
        v.Real("entrant_rate"));
}

/// <summary>
/// A path's holders, in cohorts drawn from the counter-based RNG: cohort i's traits come from
/// draws (path, step 0, <see cref="FirstDraw"/> + 4i … +3). Nothing depends on threads or batches.
/// The model asks <see cref="Decide(int, Signals)"/> each step, tries each action through its own operations,
/// and reports back <see cref="Exited"/>/<see cref="Entered"/> or nothing (a refused exit stays
/// with the cohort, which asks again next step while its condition holds).
/// </summary>
public sealed class HolderPopulation
{
    /// <summary>The first draw index agents use within a (path, step); models keep their own draws below it.</summary>
    public const int FirstDraw = 1_000_000;

    /// <summary>No holder leaves on the deviation ratio inside the fee policy's equilibrium band [0.95, 1.05].</summary>
    public const double MaxDeviationRatioThreshold = 0.95;

    /// <summary>Φ(z) at the standardised cap: the probability the untruncated deviation-ratio draw stays at or below the cap.</summary>
    private readonly double deviationRatioMassBelowCap;

    private readonly PopulationSettings settings;
    private readonly HolderKind[] kind;
    private readonly double[] holdings;
    private readonly double[] navDiscount;
    private readonly double[] loss;
    private readonly double[] deviationRatio;
    private readonly double[] yieldFloor;
    private readonly double[] herd;
    private readonly double[] entrantYield;
    private readonly double[] privateNoise;
    private RandomStream stream;
    private long path;
    private double initialUnits;

    public HolderPopulation(PopulationSettings settings)
    {
        this.settings = settings;
        int n = settings.Cohorts + 2;
        kind = new HolderKind[n];
        holdings = new double[n];
        navDiscount = new double[n];
        loss = new double[n];
        deviationRatio = new double[n];
        yieldFloor = new double[n];
        herd = new double[n];
        entrantYield = new double[n];
        privateNoise = new double[n];
        deviationRatioMassBelowCap = DeterministicMath.NormalCdf(StandardisedCap(settings.DeviationRatioMean, settings.ThresholdSpread));
    }

    /// <summary>Cohorts including the large seller and the entrants (the last two).</summary>
    public int Count => kind.Length;

    public HolderKind KindOf(int cohort) => kind[cohort];

    /// <summary>Units a cohort still holds.</summary>
    public double Holdings(int cohort) => holdings[cohort];

    /// <summary>Units all holders still hold.</summary>
    public double TotalHoldings => holdings.Sum();

    /// <summary>Draws a path's cohorts and shares <paramref name="units"/> claims among them.</summary>
    public void Reset(RandomStream randomStream, long pathIndex, double units)
    {
        stream = randomStream;
        path = pathIndex;
        initialUnits = units;
        int cohorts = settings.Cohorts;
        double spread = settings.ThresholdSpread;
        double weightSum = settings.ThresholdShare + settings.GlobalGamesShare + settings.HerderShare;
        for (int i = 0; i < cohorts; i++)
        {
            var traits = stream.Block(path, 0, FirstDraw + (4 * i));
            var more = stream.Block(path, 0, FirstDraw + (4 * i) + 1);
            double u = traits.First * weightSum;
            kind[i] = u < settings.ThresholdShare ? HolderKind.Threshold
                : u < settings.ThresholdShare + settings.GlobalGamesShare ? HolderKind.GlobalGames
                : HolderKind.Herder;
            holdings[i] = weightSum > 0 ? units * (1 - settings.LargeSellerShare) / cohorts : 0;
            navDiscount[i] = Draw(settings.NavDiscountMean, spread, traits.Second);
            loss[i] = Draw(settings.LossMean, spread, more.First);
            deviationRatio[i] = DrawDeviationRatio(more.Second);
            var last = stream.Block(path, 0, FirstDraw + (4 * i) + 2);
            yieldFloor[i] = settings.YieldFloorMean < 0 ? double.NegativeInfinity : Draw(settings.YieldFloorMean, spread, last.First);
            herd[i] = Draw(settings.HerdMean, spread, last.Second);
            privateNoise[i] = settings.GlobalGamesNoise * Normal(stream.Block(path, 0, FirstDraw + (4 * i) + 3).First);
        }

        int seller = cohorts;
        kind[seller] = HolderKind.LargeSeller;
        holdings[seller] = units * settings.LargeSellerShare;
        int entrants = cohorts + 1;
        kind[entrants] = HolderKind.Entrant;
        holdings[entrants] = 0;
        entrantYield[entrants] = settings.EntrantYieldMean;
    }

    /// <summary>What each cohort wants to do at <paramref name="step"/> given <paramref name="signals"/>, in cohort order.</summary>
    public IEnumerable<HolderAction> Decide(int step, Signals signals) => Decide(step, _ => signals);

    /// <summary>
    /// What each cohort wants to do at <paramref name="step"/>, each seeing its own signals
    /// (<paramref name="signalsOf"/> of its cohort index: e.g. the tranche it holds), in cohort order.
    /// </summary>
    public IEnumerable<HolderAction> Decide(int step, Func<int, Signals> signalsOf)
    {
        for (int i = 0; i < kind.Length; i++)
        {
            var signals = signalsOf(i);
            switch (kind[i])
            {
                case HolderKind.Entrant:
                    if (settings.EntrantRate > 0 && signals.Yield > entrantYield[i])
                    {
                        yield return new HolderAction(i, HolderKind.Entrant, initialUnits * settings.EntrantRate, Enters: true);
                    }

                    break;
                case var k when holdings[i] > 0 && Leaves(i, k, step, signals):
                    yield return new HolderAction(i, k, holdings[i], Enters: false);
                    break;
            }
        }
    }

    /// <summary>A cohort's exit of <paramref name="units"/> went through.</summary>
    public void Exited(int cohort, double units) => holdings[cohort] = Math.Max(0, holdings[cohort] - units);

    /// <summary>New capital came in through the entrants' cohort.</summary>
    public void Entered(int cohort, double units) => holdings[cohort] += units;

    private bool Leaves(int i, HolderKind k, int step, in Signals s) => k switch
    {
        HolderKind.Threshold =>
            s.NavDiscount > navDiscount[i] || s.LossAbsorbed > loss[i] || s.DeviationRatio < deviationRatio[i] || s.Yield < yieldFloor[i],
        HolderKind.GlobalGames =>
            s.Fundamental + privateNoise[i] < settings.GlobalGamesCutoff,
        HolderKind.Herder => s.ObservedRedemptionShare > herd[i],
        HolderKind.LargeSeller => settings.LargeSellerStep >= 0 && step >= settings.LargeSellerStep,
        _ => false,
    };

    /// <summary>
    /// A log-normal threshold with mean <paramref name="mean"/> and log-scale deviation
    /// <paramref name="relativeSpread"/>, from a uniform (NaN signals compare false, so a signal a
    /// design lacks never triggers an exit).
    /// </summary>
    private static double Draw(double mean, double relativeSpread, double uniform) =>
        mean * DeterministicMath.Exp((relativeSpread * Normal(uniform)) - (relativeSpread * relativeSpread / 2));

    /// <summary>
    /// A deviation-ratio threshold: the log-normal of <see cref="Draw"/> truncated to (0,
    /// <see cref="MaxDeviationRatioThreshold"/>] by inverse CDF, Z = Φ⁻¹(u·Φ(z_cap)) with z_cap the
    /// cap in standard-normal units, so the draws keep the log-normal's shape below the cap and put
    /// no mass on it (capping instead would stack every draw above the cap onto the band edge, a
    /// quarter of cohorts at mean 0.8 and spread 0.3, all leaving at the first dip). With no spread
    /// the log-normal is a point and the threshold is min(mean, cap); when the cap lies so far in
    /// the lower tail that Φ(z_cap) underflows, the truncated law is concentrated at the cap.
    /// </summary>
    private double DrawDeviationRatio(double uniform)
    {
        double mean = settings.DeviationRatioMean, spread = settings.ThresholdSpread;
        if (spread == 0 || deviationRatioMassBelowCap == 0)
        {
            return Math.Min(mean, MaxDeviationRatioThreshold);
        }

        double z = DeterministicMath.NormalQuantile(uniform * deviationRatioMassBelowCap);
        return Math.Min(MaxDeviationRatioThreshold, mean * DeterministicMath.Exp((spread * z) - (spread * spread / 2)));
    }

    /// <summary>The cap in the standard-normal units of <see cref="Draw"/>: (ln(cap ÷ mean) + s²/2) ÷ s (+∞ with no spread).</summary>
    private static double StandardisedCap(double mean, double spread) =>
        spread == 0 ? double.PositiveInfinity : (DeterministicMath.Log(MaxDeviationRatioThreshold / mean) + (spread * spread / 2)) / spread;

    private static double Normal(double uniform) => new NormalDistribution(0, 1).FromUniform(uniform);
}
