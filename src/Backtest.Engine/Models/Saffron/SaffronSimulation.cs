using Backtest.Engine.Agents;
using Backtest.Engine.Metrics;
using Backtest.IO.Tables;
using Backtest.Numerics;
using Backtest.Numerics.Random;
using Backtest.Protocols.Saffron;

namespace Backtest.Engine.Models.Saffron;

/// <summary>
/// One Saffron run. At the epoch's start the cohorts deposit (S first, then AA, then A, so A and
/// AA find S capital to pair with; what they cannot pair is returned) and the strategy deploys
/// everything to the lending market. Each day of the epoch the market accrues interest on what it
/// owes the pool; on the day after the epoch ends the pool winds down with that interest. Each
/// day holders decide on what they see (the market's rate, the share of what it owes that it can
/// pay, recent redemptions) and try to remove their whole position: refused while the epoch runs
/// ("can't remove liquidity before wind down") and whenever the market lacks the cash
/// (TOKEN_INSUFFICIENT_CASH), in which case they stay queued. Entrants deposit into S during the
/// epoch.
/// </summary>
internal sealed class SaffronSimulation : ISimulation
{
    private const long Start = 1_605_448_800;
    private const long Day = 86_400;

    private static readonly IReadOnlyList<ColumnSpec> ModelColumns =
    [
        ColumnSpec.Amount("epoch_interest", "interest the lending market paid over the epoch (what the wind-down divides)", "DAI"),
        ColumnSpec.Double("apr_s", "S's interest ÷ its principal, annualised over the epoch (NaN with no S principal)", "per year"),
        ColumnSpec.Double("apr_aa", "AA's interest ÷ its principal, annualised (NaN with no AA principal)", "per year"),
        ColumnSpec.Double("apr_a", "A's interest ÷ its principal, annualised (NaN with no A principal)", "per year"),
        ColumnSpec.Amount("change_returned", "A and AA deposits returned at the start because S could not pair them", "DAI"),
        ColumnSpec.Amount("bad_debt", "what the market owed the pool and can never pay (borne by the last to leave)", "DAI"),
        ColumnSpec.Amount("unpaid_at_end", "principal and interest of the positions still in the pool after the last day", "DAI"),
        ColumnSpec.Int32("crunch_step", "first day of the liquidity crunch (−1 if none)", "days"),
        ColumnSpec.Int64("refused_locked", "removals refused because the epoch had not been wound down", "count"),
        ColumnSpec.Int64("refused_cash", "removals refused because the lending market lacked the cash (TOKEN_INSUFFICIENT_CASH)", "count"),
        ColumnSpec.Double("redeemed_share", "principal removed over the path ÷ principal deposited at the start", "fraction"),
    ];

    private static readonly ModelSummary Summary = new ModelSummary()
        .Mean("apr_s", "apr_s_mean", "mean over paths of S's annualised epoch return", "per year")
        .Mean("apr_aa", "apr_aa_mean", "mean over paths of AA's annualised epoch return", "per year")
        .Mean("apr_a", "apr_a_mean", "mean over paths of A's annualised epoch return", "per year")
        .Quantile("apr_a", 0.05, "apr_a_p05", "5% quantile over paths of A's annualised epoch return", "per year")
        .Mean("change_returned", "change_returned_mean", "mean per path of A and AA deposits returned unpaired", "DAI", amount: true)
        .Mean("bad_debt", "bad_debt_mean", "mean per path of what the market can never pay", "DAI", amount: true)
        .Mean("unpaid_at_end", "unpaid_at_end_mean", "mean per path of positions still in the pool at the end", "DAI", amount: true)
        .Mean("refused_locked", "refused_locked_mean", "mean per path of removals refused before the wind-down", "count")
        .Mean("refused_cash", "refused_cash_mean", "mean per path of removals refused for the market's lack of cash", "count")
        .Mean("redeemed_share", "redeemed_share_mean", "mean over paths of principal removed ÷ deposited", "fraction");

    private readonly SimulationContext context;
    private readonly SaffronSettings settings;
    private readonly SaffronMarket market;
    private readonly RandomStream stream;

    public SaffronSimulation(SimulationContext context, SaffronSettings settings)
    {
        this.context = context;
        this.settings = settings;
        stream = RandomStream.Create(context.Seed, context.ScenarioIndex, context.ParameterSetIndex);
        market = new SaffronMarket(context.Scenario.Settings, stream);
    }

    public long Paths => context.Paths;

    public int Steps => market.Steps;

    public IReadOnlyList<DateOnly>? StepDates => null;

    public IReadOnlyList<ColumnSpec> PathColumns { get; } = [.. RunMetrics.PathColumns, .. ModelColumns];

    public IReadOnlyList<ColumnSpec> SeriesVariables { get; } =
    [
        ColumnSpec.Double("market_rate", "the lending market's supply rate (annual)", "per year"),
        ColumnSpec.Double("outstanding_share", "principal still in the pool ÷ principal deposited at the start", "fraction"),
        ColumnSpec.Double("queued_share", "principal whose holders asked to leave and are still waiting ÷ principal at the start", "fraction"),
        ColumnSpec.Double("payable_share", "what the market can still pay ÷ what it owes the pool (1 without bad debt)", "fraction"),
    ];

    public int BatchSize => 16;

    public void RunBatch(PathBatch batch)
    {
        var desk = new ExitDesk(settings.Population, settings.Conditions);
        var rates = new double[market.Steps];
        for (int i = 0; i < batch.Count; i++)
        {
            new PathRun(this, desk, rates, batch.FirstPath + i).Run(batch, i);
        }
    }

    public ColumnTable Summarize(ColumnTable paths) => AgentRuns.Summarize(paths, Summary);

    /// <summary>DAI (a double from the holder population) as wei: rounded to 9 decimals (<see cref="Fixed.FromDouble"/>), then widened exactly.</summary>
    private static Int128 Wei(double dai) => (Int128)Fixed.FromDouble(dai) * 1_000_000_000;

    /// <summary>Wei as a 9-decimal amount, floored.</summary>
    private static long Amount(Int128 wei) => Fixed.ToInt64(Fixed.MulDiv(wei, 1, 1_000_000_000, Rounding.Floor), "wei to amount");

    private static double Dai(Int128 wei) => (double)wei / 1e18;

    private sealed class PathRun(SaffronSimulation sim, ExitDesk desk, double[] rates, long path)
    {
        private readonly SaffronSettings settings = sim.settings;
        private readonly SaffronPool pool = new(sim.settings.PoolOptions(Start, sim.market.EpochDays));
        private readonly LendingPlatform lending = new();
        private readonly SaffronPosition?[] positions = new SaffronPosition?[sim.settings.Population.Cohorts + 2];
        private TrancheAmounts openingPrincipal;
        private Int128 change, badDebt, removedPrincipal, supplied;
        private long refusedLocked, refusedCash;

        public void Run(PathBatch batch, int row)
        {
            var (crunchStart, badDebtStep, badDebtShare) = sim.market.Fill(path, rates);
            desk.Reset(sim.stream, path, Dai(Wei(Fixed.ToDouble(settings.Deposits))));
            Open();
            double opening = Dai(openingPrincipal.Total);
            desk.Begin(opening);
            var series = batch.Series;
            for (int step = 0; step < sim.Steps; step++)
            {
                long now = Start + (step * Day) + 1;
                bool crunch = crunchStart >= 0 && step >= crunchStart && step < crunchStart + sim.market.CrunchDays;
                lending.LimitCash(crunch ? Wei(sim.market.CrunchCashShare * Dai(lending.Owed)) : null);
                double rate = crunch ? sim.market.CrunchRate : rates[step];
                if (step == badDebtStep)
                {
                    badDebt += lending.WriteOff(WadOf(badDebtShare));
                    desk.Observer.Shock(step);
                    desk.Observer.Impaired(step);
                }

                if (crunch && step == crunchStart)
                {
                    desk.Observer.Shock(step);
                }

                if (step < sim.market.EpochDays)
                {
                    lending.Accrue(WadOf(rate), Day);
                }
                else if (!pool.IsWoundDown)
                {
                    pool.WindDown(now, lending.Owed - supplied, 0);
                }

                double payable = lending.Owed > 0 ? (double)lending.Payable / (double)lending.Owed : 1;
                var signals = new Signals(double.NaN, 1 - payable, double.NaN, rate, desk.ObservedRedemptionShare, payable);
                foreach (var action in desk.Decide(step, signals))
                {
                    if (action.Enters)
                    {
                        Enter(action, now);
                    }
                    else
                    {
                        Remove(step, action);
                    }
                }

                EndStep(step, rate, payable, opening, series);
            }

            Int128 unpaid = 0;
            foreach (var p in positions)
            {
                if (p is { } held)
                {
                    var value = pool.IsWoundDown ? pool.PreviewRemoval(held) : new SaffronRedemption(held.Principal, 0, 0, 0);
                    unpaid += value.Principal + value.Interest;
                }
            }

            desk.Observer.InsolvencyLoss(Amount(badDebt));
            desk.Write(batch, row, 0);
            int c = RunMetrics.PathColumns.Count;
            batch.Int64(c++)[row] = Amount(pool.Interest.Total);
            batch.Double(c++)[row] = Apr(SaffronTranche.S);
            batch.Double(c++)[row] = Apr(SaffronTranche.AA);
            batch.Double(c++)[row] = Apr(SaffronTranche.A);
            batch.Int64(c++)[row] = Amount(change);
            batch.Int64(c++)[row] = Amount(badDebt);
            batch.Int64(c++)[row] = Amount(unpaid);
            batch.Int32(c++)[row] = crunchStart;
            batch.Int64(c++)[row] = refusedLocked;
            batch.Int64(c++)[row] = refusedCash;
            batch.Double(c)[row] = openingPrincipal.Total == 0 ? double.NaN : (double)removedPrincipal / (double)openingPrincipal.Total;
        }

        /// <summary>A rate or share as an 18-decimal value: rounded to 9 decimals (<see cref="Fixed.FromDouble"/>), then widened exactly.</summary>
        private static Int128 WadOf(double value) => (Int128)Fixed.FromDouble(value) * 1_000_000_000;

        private double Apr(SaffronTranche tranche) =>
            openingPrincipal[tranche] == 0 || !pool.IsWoundDown
                ? double.NaN
                : (double)pool.Interest[tranche] / (double)openingPrincipal[tranche] * 365 / sim.market.EpochDays;

        /// <summary>Deposits at the epoch's start, S first so A and AA find capital to pair with; the strategy then deploys everything.</summary>
        private void Open()
        {
            int cohorts = settings.Population.Cohorts;
            foreach (var tranche in new[] { SaffronTranche.S, SaffronTranche.AA, SaffronTranche.A })
            {
                for (int c = 0; c < desk.Population.Count; c++)
                {
                    Int128 amount = Wei(desk.Population.Holdings(c));
                    if (amount <= 0 || settings.TrancheOf(c, cohorts) != tranche)
                    {
                        continue;
                    }

                    var (position, result) = pool.AddLiquidity(tranche, amount, Start);
                    positions[c] = position;
                    if (result.Change > 0)
                    {
                        // Returned at once: the cohort's claim is what the pool accepted (not an exit).
                        change += result.Change;
                        desk.Population.Exited(c, Dai(result.Change));
                    }
                }
            }

            openingPrincipal = pool.Principal;
            pool.DeployCapital();
            supplied = pool.Balances.Total;
            lending.Supply(supplied);
        }

        private void Enter(HolderAction action, long now)
        {
            Int128 amount = Wei(action.Units);
            try
            {
                var (position, _) = pool.AddLiquidity(SaffronTranche.S, amount, now);
                pool.DeployCapital();
                lending.Supply(position.Principal);
                supplied += position.Principal;
                var held = positions[action.Cohort];
                positions[action.Cohort] = held is { } h
                    ? h with { Principal = h.Principal + position.Principal, Dsec = h.Dsec + position.Dsec }
                    : position;
                desk.Entered(action, Dai(position.Principal));
            }
            catch (SaffronException)
            {
                // After the epoch the pool takes no deposits ("v1: must be epoch 1 only"): the entrant stays out.
            }
        }

        private void Remove(int step, HolderAction action)
        {
            if (positions[action.Cohort] is not { } position)
            {
                return;
            }

            try
            {
                var payout = pool.PreviewRemoval(position);
                lending.Withdraw(payout.Principal + payout.Interest);
                pool.RemoveLiquidity(position);
                positions[action.Cohort] = null;
                removedPrincipal += position.Principal;
                desk.Filled(step, action, action.Units, Dai(payout.Principal + payout.Interest));
            }
            catch (SaffronException)
            {
                refusedLocked++;
                desk.Refused(step, action);
            }
            catch (LendingPlatformException)
            {
                refusedCash++;
                desk.Refused(step, action);
            }
        }

        private void EndStep(int step, double rate, double payable, double opening, SeriesRecorder series)
        {
            double outstanding = Dai(pool.Principal.Total);
            bool open = pool.IsWoundDown;
            double liquid = !open ? 0 : Dai(lending.Cash is { } cash ? Int128.Min(cash, lending.Payable) : lending.Payable);
            desk.EndStep(step, new StepState(outstanding, double.NaN, double.NaN, double.NaN, liquid, settings.LcrStressShare * Dai(lending.Owed), payable));
            if (series.IsRecorded(path))
            {
                series.Set(0, path, step, rate);
                series.Set(1, path, step, outstanding / opening);
                series.Set(2, path, step, desk.Queued / opening);
                series.Set(3, path, step, payable);
            }
        }
    }
}
