using Backtest.Engine.Agents;
using Backtest.Engine.Metrics;
using Backtest.IO.Tables;
using Backtest.Numerics;
using Backtest.Numerics.Random;
using Backtest.Protocols.Reserve;

namespace Backtest.Engine.Models.Reserve;

/// <summary>
/// One reserve run. Each day: the vault prices move, holders decide on what they see (the
/// reserve's backing, the redemptions of the last run window), and each exit is tried as a
/// redemption at its own block (holders' orders <c>order_spacing_blocks</c> apart, in cohort
/// order); a refusal leaves the holder queued for the next day. A redemption of u claims is worth
/// u × min(1, NAV) USD (par while the reserve backs every claim, pro rata below), drawn from the
/// vaults by <c>redeem_mix</c>; the fee stays in the reserve. Entrants mint at par, drawn from
/// the vaults at their current weights.
/// </summary>
internal sealed class ReserveSimulation : ISimulation
{
    private static readonly IReadOnlyList<ColumnSpec> ModelColumns =
    [
        ColumnSpec.Double("final_nav", "reserve value ÷ claims outstanding after the last step (NaN once every claim is redeemed)", "ratio"),
        ColumnSpec.Double("min_nav", "lowest reserve value ÷ claims outstanding at any step's end", "ratio"),
        ColumnSpec.Double("redeemed_share", "claims redeemed over the path ÷ claims at step 0", "fraction"),
        ColumnSpec.Int64("refused_flow", "redemption attempts refused by a vault's flow threshold (VAULT_FLOW_TOO_HIGH, 60)", "count"),
        ColumnSpec.Int64("refused_safety_mode", "redemption attempts refused while a vault's outflows were locked (SAFETY_MODE_ACTIVATED, 65)", "count"),
        ColumnSpec.Int64("refused_weights", "redemption attempts refused by the weight check (NOT_SAFE_TO_REDEEM, 53)", "count"),
        ColumnSpec.Int64("refused_other", "redemption attempts refused for any other rule (56, 55)", "count"),
        ColumnSpec.Int64("safety_mode_activations", "redemptions that went through but locked a vault's outflows (OPERATION_SUCCEEDS_BUT_SAFETY_MODE_ACTIVATED, 61)", "count"),
        ColumnSpec.Int64("refused_mints", "entrants' mints refused (flow limits, weight or peg check)", "count"),
        ColumnSpec.Double("final_stable_weight", "share of the reserve's value in stablecoin vaults after the last step", "fraction"),
    ];

    private static readonly ModelSummary Summary = new ModelSummary()
        .Mean("final_nav", "final_nav_mean", "mean over paths of the reserve value ÷ claims after the last step", "ratio")
        .Quantile("min_nav", 0.05, "min_nav_p05", "5% quantile over paths of the lowest reserve value ÷ claims", "ratio")
        .Mean("redeemed_share", "redeemed_share_mean", "mean over paths of claims redeemed ÷ claims at step 0", "fraction")
        .Mean("refused_flow", "refused_flow_mean", "mean per path of redemptions refused by flow thresholds (60)", "count")
        .Mean("refused_safety_mode", "refused_safety_mode_mean", "mean per path of redemptions refused in safety mode (65)", "count")
        .Mean("refused_weights", "refused_weights_mean", "mean per path of redemptions refused by the weight check (53)", "count")
        .Mean("safety_mode_activations", "safety_mode_activations_mean", "mean per path of redemptions that switched a vault's safety mode on (61)", "count")
        .Mean("final_stable_weight", "final_stable_weight_mean", "mean over paths of the stablecoin vaults' share of the reserve after the last step", "fraction");

    private readonly SimulationContext context;
    private readonly ReserveSettings settings;
    private readonly IReservePrices market;
    private readonly RandomStream stream;

    public ReserveSimulation(SimulationContext context, ReserveSettings settings, IReservePrices market)
    {
        this.context = context;
        this.settings = settings;
        this.market = market;
        stream = RandomStream.Create(context.Seed, context.ScenarioIndex, context.ParameterSetIndex);
        Paths = market.SinglePath ? 1 : context.Paths;
    }

    public long Paths { get; }

    public int Steps => market.Steps;

    public IReadOnlyList<DateOnly>? StepDates => market.Dates;

    public IReadOnlyList<ColumnSpec> PathColumns { get; } = [.. RunMetrics.PathColumns, .. ModelColumns];

    public IReadOnlyList<ColumnSpec> SeriesVariables { get; } =
    [
        ColumnSpec.Double("nav", "reserve value ÷ claims outstanding at the day's end", "ratio"),
        ColumnSpec.Double("outstanding_share", "claims outstanding ÷ claims at step 0", "fraction"),
        ColumnSpec.Double("queued_share", "claims whose holders asked to redeem and are still waiting ÷ claims at step 0", "fraction"),
        ColumnSpec.Double("stable_weight", "share of the reserve's value in stablecoin vaults", "fraction"),
        ColumnSpec.Int64("refusals", "redemption attempts refused so far", "count"),
    ];

    public int BatchSize => 8;

    public void RunBatch(PathBatch batch)
    {
        var desk = new ExitDesk(settings.Population, settings.Conditions);
        var prices = new double[market.Steps * settings.VaultCount];
        for (int i = 0; i < batch.Count; i++)
        {
            new PathRun(this, desk, prices, batch.FirstPath + i).Run(batch, i);
        }
    }

    public ColumnTable Summarize(ColumnTable paths) => AgentRuns.Summarize(paths, Summary);

    /// <summary>A price (USD) as an 18-decimal oracle price: rounded to 9 decimals (<see cref="Fixed.FromDouble"/>), then widened exactly.</summary>
    private static Int128 PriceWad(double price) => ReserveSettings.ToWad(Fixed.FromDouble(price));

    private TranchedReserve NewReserve()
    {
        int n = settings.VaultCount;
        var vaults = new ReserveVault[n];
        var balances = new Int128[n];
        var prices = new Int128[n];
        var calibrations = new VaultCalibration[n];
        Int128 backing = Wad.MulDown(ReserveSettings.ToWad(settings.Claims), ReserveSettings.ToWad(settings.CollateralRatio));
        for (int v = 0; v < n; v++)
        {
            prices[v] = PriceWad(market.Calibration[v]);
            Int128 value = Wad.MulDown(backing, settings.Weights[v]);
            balances[v] = Wad.DivDown(value, prices[v]);
            // FlowLimit.ThresholdFromUsd's ⌊usd·10^(18+d)/p_cal⌋ for a USD limit with 18 decimals of its own.
            var threshold = Wad.DivDown(Wad.MulDown(value, ReserveSettings.ToWad(settings.FlowThresholdShare)), prices[v]);
            var (floor, ceiling) = PricedToken.DefaultPeg;
            vaults[v] = new ReserveVault($"vault{v}", 18, settings.Stable[v], floor, ceiling, 0, settings.RedeemFee, new FlowLimit(ReserveSettings.FlowMemory, threshold));
            calibrations[v] = new VaultCalibration(prices[v], settings.Weights[v], settings.Weights[v], market.Origin, 0);
        }

        return new TranchedReserve(vaults, balances, prices, calibrations, ReserveSafetyParameters.Gyroscope with { MaxDeviation = settings.MaxDeviation }, FlowGuardParameters.Gyroscope);
    }

    /// <summary>One path's state while it runs.</summary>
    private sealed class PathRun(ReserveSimulation sim, ExitDesk desk, double[] prices, long path)
    {
        private readonly ReserveSettings settings = sim.settings;
        private readonly TranchedReserve reserve = sim.NewReserve();
        private long supply = sim.settings.Claims;
        private long redeemed;
        private long refusedFlow, refusedSafetyMode, refusedWeights, refusedOther, activations, refusedMints, refusals;
        private long insolvencyLoss, runLoss;
        private double minNav = double.PositiveInfinity;
        private bool belowPeg;

        public void Run(PathBatch batch, int row)
        {
            int vaults = settings.VaultCount;
            int shock = sim.market.Fill(path, prices);
            double initial = Fixed.ToDouble(settings.Claims);
            desk.Reset(sim.stream, path, initial);
            desk.Begin(initial);
            var series = batch.Series;
            for (int step = 0; step < sim.Steps; step++)
            {
                for (int v = 0; v < vaults; v++)
                {
                    reserve.SetPrice(v, PriceWad(prices[(step * vaults) + v]));
                }

                if (step == shock)
                {
                    desk.Observer.Shock(step);
                }

                var open = ChainClock.At(sim.market.Origin, step, 0, settings.OrderSpacingBlocks);
                double nav = ReserveSettings.ToDouble(Nav(reserve.State(open.Timestamp)));
                var signals = new Signals(double.NaN, Math.Max(0, 1 - nav), double.NaN, double.NaN, desk.ObservedRedemptionShare, nav);
                int slot = 0;
                var at = open;
                foreach (var action in desk.Decide(step, signals))
                {
                    at = ChainClock.At(sim.market.Origin, step, ++slot, settings.OrderSpacingBlocks);
                    if (action.Enters)
                    {
                        Mint(action, at);
                    }
                    else
                    {
                        Redeem(step, action, at);
                    }
                }

                EndStep(step, at.Timestamp, series);
            }

            var finalState = reserve.State(ChainClock.At(sim.market.Origin, sim.Steps - 1, 0, settings.OrderSpacingBlocks).Timestamp);
            Int128 finalNav = Nav(finalState);
            insolvencyLoss = Fixed.Add(insolvencyLoss, Shortfall(supply, finalNav));
            desk.Observer.InsolvencyLoss(insolvencyLoss);
            desk.Observer.RunLoss(runLoss);
            desk.Write(batch, row, 0);

            int c = RunMetrics.PathColumns.Count;
            batch.Double(c++)[row] = supply == 0 ? double.NaN : ReserveSettings.ToDouble(finalNav);
            batch.Double(c++)[row] = minNav;
            batch.Double(c++)[row] = (double)redeemed / settings.Claims;
            batch.Int64(c++)[row] = refusedFlow;
            batch.Int64(c++)[row] = refusedSafetyMode;
            batch.Int64(c++)[row] = refusedWeights;
            batch.Int64(c++)[row] = refusedOther;
            batch.Int64(c++)[row] = activations;
            batch.Int64(c++)[row] = refusedMints;
            batch.Double(c)[row] = StableWeight(finalState);
        }

        /// <summary>Reserve value per claim (18-decimal, floored); 1 once no claim is left (nothing is owed).</summary>
        private Int128 Nav(ReserveStateSnapshot state) =>
            supply == 0 ? Wad.One : Wad.DivDown(state.TotalUsd, ReserveSettings.ToWad(supply));

        /// <summary>What claims lose against par at a NAV below 1: claims × (1 − NAV), floored.</summary>
        private static long Shortfall(long claims, Int128 nav) =>
            nav >= Wad.One ? 0 : ReserveSettings.ToAmount(Wad.MulDown(ReserveSettings.ToWad(claims), Wad.One - nav));

        private double StableWeight(ReserveStateSnapshot state)
        {
            Int128 stable = 0;
            for (int v = 0; v < settings.VaultCount; v++)
            {
                stable += settings.Stable[v] ? state.UsdValues[v] : 0;
            }

            return state.TotalUsd == 0 ? double.NaN : (double)stable / (double)state.TotalUsd;
        }

        private void Redeem(int step, HolderAction action, ChainTime at)
        {
            long claims = Math.Min(supply, Fixed.FromDouble(action.Units));
            if (claims <= 0)
            {
                return;
            }

            var state = reserve.State(at.Timestamp);
            Int128 nav = Nav(state);
            Int128 value = Wad.MulDown(ReserveSettings.ToWad(claims), Int128.Min(Wad.One, nav));
            var (outcome, gross) = settings.StableFirst && Amounts(state, value, stableOnly: true) is { } stableAmounts
                ? TryRedeem(step, action, at, stableAmounts)
                : (null, null);
            if (outcome is null && Amounts(state, value, stableOnly: false) is { } amounts)
            {
                (outcome, gross) = TryRedeem(step, action, at, amounts);
            }

            if (outcome is null || gross is null)
            {
                return;
            }

            Int128 received = 0, fees = 0;
            for (int v = 0; v < settings.VaultCount; v++)
            {
                received += Wad.MulDown(outcome.AmountsAfterFees[v], reserve.Price(v));
                fees += Wad.MulDown(gross[v] - outcome.AmountsAfterFees[v], reserve.Price(v));
            }

            activations += outcome.SafetyModeActivated ? 1 : 0;
            supply -= claims;
            redeemed += claims;
            runLoss = Fixed.Add(runLoss, ReserveSettings.ToAmount(fees));
            insolvencyLoss = Fixed.Add(insolvencyLoss, Shortfall(claims, nav));
            desk.Filled(step, action, action.Units, ReserveSettings.ToDouble(received));
        }

        /// <summary>The committed redemption and the gross amounts it took, or nulls when the reserve refused it (counted by rule).</summary>
        private (ReserveOperationOutcome? Outcome, Int128[]? Gross) TryRedeem(int step, HolderAction action, ChainTime at, Int128[] amounts)
        {
            try
            {
                return (reserve.Redeem(at, amounts), amounts);
            }
            catch (ReserveSafetyException e)
            {
                refusals++;
                switch (e.Code)
                {
                    case ReserveErrorCode.VaultFlowTooHigh: refusedFlow++; break;
                    case ReserveErrorCode.SafetyModeActive: refusedSafetyMode++; break;
                    case ReserveErrorCode.NotSafeToRedeem: refusedWeights++; break;
                    default: refusedOther++; break;
                }

                desk.Refused(step, action);
                return (null, null);
            }
        }

        /// <summary>
        /// Raw vault amounts worth <paramref name="value"/> USD: split over every vault (or the
        /// stable ones) in proportion to their current weights, each ⌊usd / price⌋ and at most the
        /// vault's balance. Null when the vaults asked for hold less than the value.
        /// </summary>
        private Int128[]? Amounts(ReserveStateSnapshot state, Int128 value, bool stableOnly)
        {
            int n = settings.VaultCount;
            Int128 weightSum = 0, usdSum = 0;
            for (int v = 0; v < n; v++)
            {
                if (!stableOnly || settings.Stable[v])
                {
                    weightSum += state.CurrentWeights[v];
                    usdSum += state.UsdValues[v];
                }
            }

            if (weightSum == 0 || usdSum < value)
            {
                return null;
            }

            var amounts = new Int128[n];
            for (int v = 0; v < n; v++)
            {
                if ((stableOnly && !settings.Stable[v]) || reserve.Price(v) == 0)
                {
                    continue;
                }

                Int128 usd = Fixed.MulDiv(value, state.CurrentWeights[v], weightSum, Rounding.Floor);
                amounts[v] = Int128.Min(reserve.Balance(v), Wad.DivDown(usd, reserve.Price(v)));
            }

            return amounts;
        }

        private void Mint(HolderAction action, ChainTime at)
        {
            var state = reserve.State(at.Timestamp);
            Int128 value = ReserveSettings.ToWad(Fixed.FromDouble(action.Units));
            var amounts = new Int128[settings.VaultCount];
            for (int v = 0; v < settings.VaultCount; v++)
            {
                amounts[v] = reserve.Price(v) == 0 ? 0 : Wad.DivDown(Wad.MulDown(value, state.CurrentWeights[v]), reserve.Price(v));
            }

            try
            {
                var outcome = reserve.Mint(at, amounts);
                long minted = ReserveSettings.ToAmount(outcome.UsdValueAfterFees);
                supply = Fixed.Add(supply, minted);
                desk.Entered(action, Fixed.ToDouble(minted));
            }
            catch (ReserveSafetyException)
            {
                refusedMints++;
            }
        }

        private void EndStep(int step, long timestamp, SeriesRecorder series)
        {
            var state = reserve.State(timestamp);
            Int128 navWad = Nav(state);
            double nav = ReserveSettings.ToDouble(navWad);
            minNav = Math.Min(minNav, nav);
            if (navWad < Wad.One)
            {
                desk.Observer.Impaired(step);
                belowPeg = true;
            }
            else if (belowPeg)
            {
                desk.Observer.Recovered(step);
            }

            double outstanding = Fixed.ToDouble(supply);
            double stableUsd = 0;
            for (int v = 0; v < settings.VaultCount; v++)
            {
                stableUsd += settings.Stable[v] ? ReserveSettings.ToDouble(state.UsdValues[v]) : 0;
            }

            desk.EndStep(step, new StepState(outstanding, Math.Min(1, nav), double.NaN, 1, stableUsd, settings.LcrStressShare * outstanding, double.NaN));
            if (series.IsRecorded(path))
            {
                double initial = Fixed.ToDouble(settings.Claims);
                series.Set(0, path, step, nav);
                series.Set(1, path, step, outstanding / initial);
                series.Set(2, path, step, desk.Queued / initial);
                series.Set(3, path, step, StableWeight(state));
                series.Set(4, path, step, refusals);
            }
        }
    }
}
