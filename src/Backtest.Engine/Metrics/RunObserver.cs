using Backtest.Engine.Models;
using Backtest.Numerics;

namespace Backtest.Engine.Metrics;

/// <summary>What a model reports about one step of one path, after the step's operations.</summary>
/// <param name="Outstanding">Claims outstanding after the step (units of the claim: shares, notes, tokens).</param>
/// <param name="Price">Market price of one claim (NaN where the claim has no market).</param>
/// <param name="Nav">Net asset value of one claim (what a pro-rata redemption would be worth).</param>
/// <param name="Peg">The value one claim is meant to hold (a stablecoin's 1.0, SPOT's target-adjusted par), or NaN.</param>
/// <param name="LiquidAssets">Value that could be paid out immediately (idle funds, unlocked capital).</param>
/// <param name="StressedDemand">Redemption demand the model assumes over the LCR horizon under stress.</param>
/// <param name="CriticalFraction">The share of outstanding claims that could be redeemed before staying becomes worse than leaving, or NaN where undefined.</param>
public readonly record struct StepState(
    double Outstanding,
    double Price,
    double Nav,
    double Peg,
    double LiquidAssets,
    double StressedDemand,
    double CriticalFraction);

/// <summary>
/// Watches one path for the run conditions of spec/run_metrics.md and writes the per-path run
/// metric columns (<see cref="RunMetrics.PathColumns"/>). A model (with its agents) reports, in
/// step order: exit requests, fills with the value received, cancelled requests, the state after
/// each step, shocks, impairment and recovery, and losses split into insolvency and run losses.
/// Reuse one observer per worker by calling <see cref="Reset"/> for each path.
/// </summary>
public sealed class RunObserver
{
    private readonly RunConditions conditions;
    private readonly double[] windowStartOutstanding;
    private readonly double[] windowStartRedeemed;
    private readonly List<(int Step, double Units)> queue = [];
    private readonly List<(double Units, double Value)> fills = [];

    private int queueHead;
    private double previousOutstanding;
    private double cumulativeRedeemed;
    private double requested;
    private double filled;
    private double queued;
    private double waitedUnitSteps;
    private double waitedUnits;
    private long refusals;
    private int stepsSeen;
    private int belowBuckRun;
    private int belowBuckSteps;
    private int lcrBelowOneSteps;
    private double minLcr;
    private double peakWindowRedemption;
    private double minHeadroom;
    private double maxQueueShare;
    private long insolvencyLoss;
    private long runLoss;

    public RunObserver(RunConditions conditions)
    {
        this.conditions = conditions;
        windowStartOutstanding = new double[conditions.Window + 1];
        windowStartRedeemed = new double[conditions.Window + 1];
    }

    /// <summary>Step of the first run event, or −1.</summary>
    public int RunStep { get; private set; }

    /// <summary>Whether the run event was triggered by redemptions (else, if any, by the price).</summary>
    public bool RunByRedemptions { get; private set; }

    public int ShockStep { get; private set; }

    public int ImpairedStep { get; private set; }

    public int RecoveredStep { get; private set; }

    /// <summary>
    /// The share of outstanding claims redeemed within the run window ending at the last
    /// <see cref="EndStep"/> (what herders observe the next step); 0 before the first step.
    /// </summary>
    public double ObservedWindowShare { get; private set; }

    /// <summary>Likelihood ratio of the path under importance sampling (1 for plain Monte Carlo).</summary>
    public double Weight { get; set; }

    /// <summary>Claims requested and not yet filled or cancelled.</summary>
    public double Queued => queued;

    /// <summary>Starts a path whose claims outstanding before step 0 are <paramref name="outstanding"/>.</summary>
    public void Reset(double outstanding)
    {
        previousOutstanding = outstanding;
        cumulativeRedeemed = requested = filled = queued = waitedUnitSteps = waitedUnits = 0;
        refusals = 0;
        stepsSeen = belowBuckRun = belowBuckSteps = lcrBelowOneSteps = 0;
        minLcr = double.PositiveInfinity;
        peakWindowRedemption = 0;
        minHeadroom = double.PositiveInfinity;
        maxQueueShare = 0;
        insolvencyLoss = runLoss = 0;
        RunStep = ShockStep = ImpairedStep = RecoveredStep = -1;
        RunByRedemptions = false;
        ObservedWindowShare = 0;
        Weight = 1;
        queue.Clear();
        queueHead = 0;
        fills.Clear();
        Array.Clear(windowStartOutstanding);
        Array.Clear(windowStartRedeemed);
        windowStartOutstanding[0] = outstanding;
    }

    /// <summary>A holder asks to redeem <paramref name="units"/> claims at <paramref name="step"/>; unfilled units wait in a first-in, first-out queue.</summary>
    public void Request(int step, double units)
    {
        requested += units;
        queued += units;
        queue.Add((step, units));
    }

    /// <summary>Claims were redeemed (or sold) at <paramref name="step"/> for <paramref name="value"/> in total; they leave the queue oldest first.</summary>
    public void Fill(int step, double units, double value)
    {
        filled += units;
        cumulativeRedeemed += units;
        fills.Add((units, value));
        Dequeue(step, units, countWait: true);
    }

    /// <summary>A request was refused at <paramref name="step"/> (a revert, a lock-up, a flow limit); its units stay queued.</summary>
    public void Refuse(int step, double units) => refusals++;

    /// <summary>Queued units abandoned by their holders (no longer waiting).</summary>
    public void Cancel(int step, double units) => Dequeue(step, units, countWait: false);

    public void Shock(int step)
    {
        if (ShockStep < 0)
        {
            ShockStep = step;
        }
    }

    /// <summary>The senior claim (or the claim itself, for a single-class design) lost value.</summary>
    public void Impaired(int step)
    {
        if (ImpairedStep < 0)
        {
            ImpairedStep = step;
        }
    }

    /// <summary>The claim is back at or above its peg/NAV after a run or impairment.</summary>
    public void Recovered(int step)
    {
        if (RecoveredStep < 0 && (RunStep >= 0 || ImpairedStep >= 0))
        {
            RecoveredStep = step;
        }
    }

    /// <summary>Bad debt or shortfall: value the design cannot pay whoever holds the claim.</summary>
    public void InsolvencyLoss(long amount) => insolvencyLoss = Fixed.Add(insolvencyLoss, amount);

    /// <summary>Value lost by exiting under stress: slippage, exit fees, liquidation costs.</summary>
    public void RunLoss(long amount) => runLoss = Fixed.Add(runLoss, amount);

    /// <summary>The state after the step's operations; call once per step, in order.</summary>
    public void EndStep(int step, in StepState state)
    {
        // Snapshot i (the state after i steps; 0 = before step 0) lives in slot i mod (W + 1). The
        // window of the last W steps starts at snapshot max(0, steps − W), which the snapshot
        // written below (steps) never overwrites.
        int length = windowStartOutstanding.Length;
        int steps = stepsSeen + 1;
        int oldest = Math.Max(0, steps - conditions.Window) % length;
        double baseOutstanding = windowStartOutstanding[oldest];
        double windowRedeemed = cumulativeRedeemed - windowStartRedeemed[oldest];
        double windowShare = baseOutstanding > 0 ? windowRedeemed / baseOutstanding : 0;
        peakWindowRedemption = Math.Max(peakWindowRedemption, windowShare);
        ObservedWindowShare = windowShare;
        if (!double.IsNaN(state.CriticalFraction))
        {
            minHeadroom = Math.Min(minHeadroom, state.CriticalFraction - windowShare);
        }

        windowStartOutstanding[steps % length] = state.Outstanding;
        windowStartRedeemed[steps % length] = cumulativeRedeemed;
        stepsSeen = steps;

        double reference = double.IsNaN(state.Nav) ? state.Peg : state.Nav;
        bool belowBuck = !double.IsNaN(state.Price) && !double.IsNaN(reference) && state.Price < conditions.BreakTheBuck * reference;
        belowBuckRun = belowBuck ? belowBuckRun + 1 : 0;
        belowBuckSteps += belowBuck ? 1 : 0;

        if (state.StressedDemand > 0)
        {
            double lcr = state.LiquidAssets / state.StressedDemand;
            minLcr = Math.Min(minLcr, lcr);
            lcrBelowOneSteps += lcr < 1 ? 1 : 0;
        }

        if (previousOutstanding > 0)
        {
            maxQueueShare = Math.Max(maxQueueShare, queued / Math.Max(previousOutstanding, state.Outstanding));
        }

        previousOutstanding = state.Outstanding;

        if (RunStep < 0 && windowShare >= conditions.CriticalFraction)
        {
            RunStep = step;
            RunByRedemptions = true;
        }
        else if (RunStep < 0 && belowBuckRun >= conditions.BreakTheBuckSteps)
        {
            RunStep = step;
        }
    }

    /// <summary>Writes this path's run metric columns into <paramref name="batch"/> row <paramref name="row"/>, starting at column <paramref name="first"/> (the order of <see cref="RunMetrics.PathColumns"/>).</summary>
    public void Write(PathBatch batch, int row, int first)
    {
        int c = first;
        batch.Boolean(c++)[row] = RunStep >= 0;
        batch.Int32(c++)[row] = RunStep;
        batch.Boolean(c++)[row] = RunByRedemptions;
        batch.Int32(c++)[row] = ShockStep;
        batch.Int32(c++)[row] = ImpairedStep;
        batch.Int32(c++)[row] = RecoveredStep;
        batch.Double(c++)[row] = peakWindowRedemption;
        batch.Double(c++)[row] = double.IsPositiveInfinity(minHeadroom) ? double.NaN : minHeadroom;
        batch.Double(c++)[row] = stepsSeen == 0 ? 0 : (double)belowBuckSteps / stepsSeen;
        batch.Double(c++)[row] = double.IsPositiveInfinity(minLcr) ? double.NaN : minLcr;
        batch.Double(c++)[row] = stepsSeen == 0 ? 0 : (double)lcrBelowOneSteps / stepsSeen;
        batch.Double(c++)[row] = maxQueueShare;
        batch.Double(c++)[row] = requested > 0 ? filled / requested : 1;
        batch.Double(c++)[row] = waitedUnits > 0 ? waitedUnitSteps / waitedUnits : 0;
        batch.Int64(c++)[row] = refusals;
        batch.Double(c++)[row] = FirstMoverAdvantage();
        batch.Int64(c++)[row] = insolvencyLoss;
        batch.Int64(c++)[row] = runLoss;
        batch.Double(c)[row] = Weight;
    }

    /// <summary>
    /// Value per unit received by the first <see cref="RunConditions.FirstMoverShare"/> of redeemed
    /// units ÷ by the last share (fills split pro rata at the boundaries); NaN with no fills.
    /// </summary>
    internal double FirstMoverAdvantage()
    {
        if (filled <= 0)
        {
            return double.NaN;
        }

        double portion = filled * conditions.FirstMoverShare;
        double first = ValuePerUnit(fills, portion);
        fills.Reverse();
        double last = ValuePerUnit(fills, portion);
        fills.Reverse();
        return last > 0 ? first / last : double.NaN;
    }

    private static double ValuePerUnit(List<(double Units, double Value)> ordered, double portion)
    {
        double units = 0, value = 0;
        foreach (var (u, v) in ordered)
        {
            if (u <= 0)
            {
                continue;
            }

            double take = Math.Min(u, portion - units);
            units += take;
            value += v * (take / u);
            if (units >= portion)
            {
                break;
            }
        }

        return units > 0 ? value / units : double.NaN;
    }

    private void Dequeue(int step, double units, bool countWait)
    {
        double remaining = Math.Min(units, queued);
        queued -= remaining;
        while (remaining > 0 && queueHead < queue.Count)
        {
            var (entered, waiting) = queue[queueHead];
            double take = Math.Min(waiting, remaining);
            if (countWait)
            {
                waitedUnitSteps += take * (step - entered);
                waitedUnits += take;
            }

            remaining -= take;
            if (take >= waiting)
            {
                queueHead++;
            }
            else
            {
                queue[queueHead] = (entered, waiting - take);
            }
        }
    }
}
