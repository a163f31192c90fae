using Backtest.Engine.Metrics;
using Backtest.Engine.Models;
using Backtest.Numerics.Random;

namespace Backtest.Engine.Agents;

/// <summary>
/// One worker's link between a path's <see cref="HolderPopulation"/>, a model's operations and
/// the <see cref="RunObserver"/>: it turns what holders want into requests, keeps each cohort's
/// unfilled request queued until it is filled or abandoned, and reports fills, refusals and
/// entries. A model calls, per step: <see cref="Decide(int, Signals)"/>, then for each action it tries
/// through its own operations <see cref="Filled"/>, <see cref="Refused"/> or
/// <see cref="Entered"/>, then <see cref="EndStep"/>.
/// </summary>
/// <remarks>
/// A cohort's exit is requested once, when it first wants out (<see cref="RunObserver.Request"/>);
/// while it keeps wanting out it stays queued and is tried again each step; a step at which it
/// no longer wants out cancels what is still queued (<see cref="RunObserver.Cancel"/>). Waits are
/// therefore counted from the step of the first request.
/// </remarks>
public sealed class ExitDesk
{
    private readonly List<HolderAction> actions = [];
    private readonly double[] pending;
    private readonly bool[] asked;

    public ExitDesk(PopulationSettings population, RunConditions conditions)
    {
        Population = new HolderPopulation(population);
        Observer = new RunObserver(conditions);
        pending = new double[Population.Count];
        asked = new bool[Population.Count];
    }

    public HolderPopulation Population { get; }

    public RunObserver Observer { get; }

    /// <summary>Units requested and not yet filled or cancelled, over all cohorts.</summary>
    public double Queued => Observer.Queued;

    /// <summary>Share of claims redeemed over the last run window (as of the last step's end): what herders observe.</summary>
    public double ObservedRedemptionShare => Observer.ObservedWindowShare;

    /// <summary>Draws a path's holders sharing <paramref name="units"/> claims; call <see cref="Begin"/> once the path's opening claims are known.</summary>
    public void Reset(RandomStream stream, long path, double units)
    {
        Population.Reset(stream, path, units);
        Array.Clear(pending);
    }

    /// <summary>Starts observing the path with <paramref name="outstanding"/> claims outstanding before step 0.</summary>
    public void Begin(double outstanding) => Observer.Reset(outstanding);

    /// <summary>
    /// What holders want at <paramref name="step"/>, in cohort order. New exits are requested;
    /// exits still queued from earlier steps are not requested again; queued exits of cohorts that
    /// no longer want out are cancelled. The list is reused by the next call.
    /// </summary>
    public IReadOnlyList<HolderAction> Decide(int step, Signals signals) => Decide(step, _ => signals);

    /// <summary>As <see cref="Decide(int, Signals)"/>, each cohort seeing its own signals (<paramref name="signalsOf"/> of its cohort index).</summary>
    public IReadOnlyList<HolderAction> Decide(int step, Func<int, Signals> signalsOf)
    {
        actions.Clear();
        Array.Clear(asked);
        foreach (var action in Population.Decide(step, signalsOf))
        {
            actions.Add(action);
            if (action.Enters)
            {
                continue;
            }

            asked[action.Cohort] = true;
            if (action.Units > pending[action.Cohort])
            {
                Observer.Request(step, action.Units - pending[action.Cohort]);
                pending[action.Cohort] = action.Units;
            }
        }

        for (int c = 0; c < pending.Length; c++)
        {
            if (!asked[c] && pending[c] > 0)
            {
                Observer.Cancel(step, pending[c]);
                pending[c] = 0;
            }
        }

        return actions;
    }

    /// <summary>An exit of <paramref name="units"/> (of the action's cohort) went through and paid <paramref name="value"/>.</summary>
    public void Filled(int step, in HolderAction action, double units, double value)
    {
        Observer.Fill(step, units, value);
        Population.Exited(action.Cohort, units);
        pending[action.Cohort] = Math.Max(0, pending[action.Cohort] - units);
    }

    /// <summary>An exit attempt was refused by the model's operations; the cohort stays queued.</summary>
    public void Refused(int step, in HolderAction action) => Observer.Refuse(step, action.Units);

    /// <summary>New capital of <paramref name="units"/> claims came in through the entrants.</summary>
    public void Entered(in HolderAction action, double units) => Population.Entered(action.Cohort, units);

    /// <summary>The state after the step's operations (see <see cref="RunObserver.EndStep"/>).</summary>
    public void EndStep(int step, in StepState state) => Observer.EndStep(step, state);

    /// <summary>Writes the path's run metric columns (<see cref="RunMetrics.PathColumns"/>) from column <paramref name="first"/>.</summary>
    public void Write(PathBatch batch, int row, int first) => Observer.Write(batch, row, first);
}
