using Backtest.Engine.Agents;
using Backtest.Engine.Metrics;
using Backtest.IO.Tables;
using Backtest.Market.Losses;
using Backtest.Numerics;
using Backtest.Numerics.Random;
using Backtest.Protocols.Waterfall;

namespace Backtest.Engine.Models.Waterfall;

/// <summary>
/// One waterfall run. At step 0 every cohort deposits its holding into its tier (one lot each,
/// locked for the tier's lock-up) and the policy factory sells the coverage. Each day: the day's
/// premium (coverage × premium_rate / 365) is distributed senior first, the day's losses are
/// absorbed junior first (breakers may pause the vault), the admin unpauses a pause that has
/// lasted unpause_days (if capital covers the coverage sold), and holders decide, each on its own
/// tier's signals (its NAV against step 0, its APY) and the vault's (capital against coverage,
/// recent redemptions), and try to withdraw all their tokens, in cohort order. Entrants deposit
/// into SURE-EQT.
/// </summary>
internal sealed class WaterfallSimulation : ISimulation
{
    private const long Origin = 1_700_000_000;
    private const long Day = 86_400;
    private const string Admin = "admin";
    private const string Claims = "claims";
    private const string Policies = "policies";

    private static readonly IReadOnlyList<ColumnSpec> ModelColumns =
    [
        ColumnSpec.Int64("refused_lockup", "withdrawals refused because the tokens were still locked (LockupActive)", "count"),
        ColumnSpec.Int64("refused_paused", "withdrawals refused while a breaker (or the admin) had the vault paused (VaultPaused)", "count"),
        ColumnSpec.Int64("refused_collateral", "withdrawals refused because capital would fall below the coverage sold (InsufficientCollateral)", "count"),
        ColumnSpec.Int32("first_pause_step", "first day a breaker paused the vault (−1 if never)", "days"),
        ColumnSpec.Int32("paused_days", "days that ended with the vault paused", "days"),
        ColumnSpec.Double("senior_nav", "SURE-BTC's NAV (capital ÷ tokens) after the last day ÷ at step 0 (if every token has left: the NAV its last tokens left at)", "ratio"),
        ColumnSpec.Double("equity_nav", "SURE-EQT's NAV after the last day ÷ at step 0 (if every token has left: the NAV its last tokens left at)", "ratio"),
        ColumnSpec.Double("capital_ratio", "total capital after the last day ÷ at step 0", "ratio"),
        ColumnSpec.Double("redeemed_share", "holders' units withdrawn over the path ÷ units at step 0", "fraction"),
    ];

    private static readonly ModelSummary Summary = new ModelSummary()
        .Mean("refused_lockup", "refused_lockup_mean", "mean per path of withdrawals refused by lock-ups", "count")
        .Mean("refused_paused", "refused_paused_mean", "mean per path of withdrawals refused while paused", "count")
        .Mean("refused_collateral", "refused_collateral_mean", "mean per path of withdrawals refused by the collateral rule", "count")
        .ShareOfPaths("first_pause_step", "p_paused", "share of paths on which a breaker paused the vault")
        .Mean("paused_days", "paused_days_mean", "mean per path of days ending paused", "days")
        .Mean("senior_nav", "senior_nav_mean", "mean over paths of SURE-BTC's final NAV ÷ at step 0", "ratio")
        .Mean("equity_nav", "equity_nav_mean", "mean over paths of SURE-EQT's final NAV ÷ at step 0", "ratio")
        .Quantile("equity_nav", 0.05, "equity_nav_p05", "5% quantile over paths of SURE-EQT's final NAV ÷ at step 0", "ratio")
        .Mean("redeemed_share", "redeemed_share_mean", "mean over paths of units withdrawn ÷ units at step 0", "fraction");

    private readonly SimulationContext context;
    private readonly WaterfallSettings settings;
    private readonly WaterfallConfig vaultConfig;
    private readonly EventTimeLossModel losses;
    private readonly int shockStep;
    private readonly long shockLoss;
    private readonly RandomStream stream;
    private readonly string[] accounts;

    public WaterfallSimulation(SimulationContext context, WaterfallSettings settings, EventTimeLossModel losses, int shockStep, long shockLoss)
    {
        this.context = context;
        this.settings = settings;
        this.losses = losses;
        this.shockStep = shockStep;
        this.shockLoss = Fixed.Mul(settings.Coverage, shockLoss, Rounding.Floor);
        vaultConfig = settings.Vault();
        stream = RandomStream.Create(context.Seed, context.ScenarioIndex, context.ParameterSetIndex);
        accounts = [.. Enumerable.Range(0, settings.Population.Cohorts + 2).Select(c => $"holder{c}")];
    }

    public long Paths => context.Paths;

    public int Steps => losses.Days;

    public IReadOnlyList<DateOnly>? StepDates => null;

    public IReadOnlyList<ColumnSpec> PathColumns { get; } = [.. RunMetrics.PathColumns, .. ModelColumns];

    public IReadOnlyList<ColumnSpec> SeriesVariables { get; } =
    [
        .. Tranches.SeniorFirst.Select(t => ColumnSpec.Amount($"tier{(int)t}_capital", $"{Tranches.Name(t)}'s capital at the day's end", "USD")),
        ColumnSpec.Double("outstanding_share", "holders' units outstanding ÷ units at step 0", "fraction"),
        ColumnSpec.Double("queued_share", "units whose holders asked to withdraw and are still waiting ÷ units at step 0", "fraction"),
        ColumnSpec.Double("paused", "1 while the vault is paused at the day's end, else 0 (its mean is the share of paths paused)", "fraction"),
    ];

    public int BatchSize => 16;

    public void RunBatch(PathBatch batch)
    {
        var desk = new ExitDesk(settings.Population, settings.Conditions);
        var days = new LossDays();
        losses.Generate(stream, batch.FirstPath, batch.Count, days);
        for (int i = 0; i < batch.Count; i++)
        {
            new PathRun(this, desk, days, i, batch.FirstPath + i).Run(batch, i);
        }
    }

    public ColumnTable Summarize(ColumnTable paths) => AgentRuns.Summarize(paths, Summary);

    /// <summary>A tier's capital per token (NAV), or NaN with no tokens.</summary>
    private static double Nav(WaterfallVault vault, Tranche tier) =>
        vault.SupplyOf(tier) == 0 ? double.NaN : (double)vault.CapitalOf(tier) / vault.SupplyOf(tier);

    private sealed class PathRun(WaterfallSimulation sim, ExitDesk desk, LossDays days, int lane, long path)
    {
        private readonly WaterfallSettings settings = sim.settings;
        private readonly WaterfallVault vault = new(sim.vaultConfig, new WaterfallRoles(Admin, Claims, Policies), Origin);
        private readonly Tranche[] tierOf = new Tranche[sim.settings.Population.Cohorts + 2];
        private readonly double[] nav0 = new double[Tranches.Count];
        private readonly double[] lastNav = new double[Tranches.Count];
        private readonly WindowStart critical = new(sim.losses.Days, sim.settings.Conditions.Window);
        private long refusedLockup, refusedPaused, refusedCollateral;
        private int firstPause = -1, pausedDays, pausedSince = -1;
        private double unitsWithdrawn;

        public void Run(PathBatch batch, int row)
        {
            int cohorts = settings.Population.Cohorts;
            double initialUnits = Fixed.ToDouble(settings.Capital);
            desk.Reset(sim.stream, path, initialUnits);
            for (int c = 0; c < tierOf.Length; c++)
            {
                tierOf[c] = WaterfallSettings.TierOf(c, cohorts, settings.Population.LargeSellerShare, sim.vaultConfig);
                long amount = Fixed.FromDouble(desk.Population.Holdings(c));
                if (amount > 0)
                {
                    vault.Deposit(Account(c), tierOf[c], amount, Origin);
                }
            }

            if (settings.Coverage > 0)
            {
                vault.SellCoverage(Policies, settings.Coverage, Origin);
            }

            long capital0 = vault.TotalCapital;
            foreach (var t in Tranches.SeniorFirst)
            {
                nav0[Tranches.Index(t)] = lastNav[Tranches.Index(t)] = Nav(vault, t);
            }

            double outstanding0 = desk.Population.TotalHoldings;
            desk.Begin(outstanding0);
            critical.Begin(WithdrawableShare(0));
            long premium = Fixed.MulDiv(Fixed.Mul(settings.Coverage, settings.PremiumRate, Rounding.Floor), 1, 365, Rounding.Floor);
            int next = days.Offsets[lane], end = days.Offsets[lane + 1];
            var series = batch.Series;
            for (int step = 0; step < sim.Steps; step++)
            {
                long now = Origin + ((step + 1) * Day);
                if (premium > 0)
                {
                    vault.DistributePremiums(Policies, premium, now);
                }

                long loss = 0;
                if (next < end && days.Days[next] == step + 1)
                {
                    loss = days.Amounts[next++];
                }

                if (step == sim.shockStep)
                {
                    loss = Fixed.Add(loss, sim.shockLoss);
                    desk.Observer.Shock(step);
                }

                if (loss > 0)
                {
                    var absorbed = vault.AbsorbLoss(Claims, loss, now);
                    if (absorbed.Tripped != PauseCause.None && firstPause < 0)
                    {
                        firstPause = step;
                    }
                }

                Unpause(step);
                double coverageRatio0 = settings.Coverage == 0 ? 1 : (double)capital0 / settings.Coverage;
                double fundamental = settings.Coverage == 0 ? 1 : (double)vault.TotalCapital / settings.Coverage / coverageRatio0;
                foreach (var action in desk.Decide(step, c => TierSignals(tierOf[c], fundamental)))
                {
                    if (action.Enters)
                    {
                        Enter(action, now);
                    }
                    else
                    {
                        Withdraw(step, action, now);
                    }
                }

                EndStep(step, capital0, outstanding0, series);
            }

            desk.Observer.InsolvencyLoss(vault.Shortfall);
            desk.Write(batch, row, 0);
            int col = RunMetrics.PathColumns.Count;
            batch.Int64(col++)[row] = refusedLockup;
            batch.Int64(col++)[row] = refusedPaused;
            batch.Int64(col++)[row] = refusedCollateral;
            batch.Int32(col++)[row] = firstPause;
            batch.Int32(col++)[row] = pausedDays;
            RememberNavs();
            batch.Double(col++)[row] = lastNav[0] / nav0[0];
            batch.Double(col++)[row] = lastNav[Tranches.Count - 1] / nav0[Tranches.Count - 1];
            batch.Double(col++)[row] = (double)vault.TotalCapital / capital0;
            batch.Double(col)[row] = unitsWithdrawn / initialUnits;
        }

        private string Account(int cohort) => sim.accounts[cohort];

        /// <summary>Each tier's NAV while it has tokens, so a tier its holders have left reports what its last tokens were worth.</summary>
        private void RememberNavs()
        {
            foreach (var t in Tranches.SeniorFirst)
            {
                double nav = Nav(vault, t);
                if (!double.IsNaN(nav))
                {
                    lastNav[Tranches.Index(t)] = nav;
                }
            }
        }

        private Signals TierSignals(Tranche tier, double fundamental)
        {
            double nav = Nav(vault, tier), start = nav0[Tranches.Index(tier)];
            double apy = (double)vault.CurrentApy(tier) / (1L << RateTable.FractionBits);
            return new Signals(double.NaN, double.IsNaN(nav) ? 0 : Math.Max(0, 1 - (nav / start)), double.NaN, apy, desk.ObservedRedemptionShare, fundamental);
        }

        private void Unpause(int step)
        {
            if (!vault.Paused)
            {
                pausedSince = -1;
                return;
            }

            pausedSince = pausedSince < 0 ? step : pausedSince;
            if (step - pausedSince >= settings.UnpauseDays && vault.TotalCapital >= vault.CoverageSold)
            {
                vault.Unpause(Admin);
                pausedSince = -1;
            }
        }

        private void Withdraw(int step, HolderAction action, long now)
        {
            var tier = tierOf[action.Cohort];
            long tokens = vault.BalanceOf(Account(action.Cohort), tier);
            if (tokens == 0)
            {
                return;
            }

            RememberNavs();

            // Refused holders ask again every day: ask the vault first rather than pay for a throw.
            switch (vault.WithdrawRefusal(Account(action.Cohort), tier, tokens, now))
            {
                case null:
                    long paid = vault.Withdraw(Account(action.Cohort), tier, tokens, now);
                    unitsWithdrawn += action.Units;
                    desk.Filled(step, action, action.Units, Fixed.ToDouble(paid));
                    return;
                case LockupActiveException: refusedLockup++; break;
                case VaultPausedException: refusedPaused++; break;
                case InsufficientCollateralException: refusedCollateral++; break;
                case var other: throw other;
            }

            desk.Refused(step, action);
        }

        private void Enter(HolderAction action, long now)
        {
            long amount = Fixed.FromDouble(action.Units);
            try
            {
                vault.Deposit(Account(action.Cohort), Tranche.SureEqt, amount, now);
                desk.Entered(action, action.Units);
            }
            catch (WaterfallException)
            {
                // Paused, wiped out or below the minimum: the entrant stays out today.
            }
        }

        /// <summary>
        /// What holders could take out now as a share of the capital: the capital of tiers whose
        /// step-0 lots have unlocked (the tier's NAV × its unlocked tokens), at most capital − coverage
        /// sold, and nothing while paused.
        /// </summary>
        private double WithdrawableShare(int elapsedDays)
        {
            if (vault.TotalCapital == 0 || vault.Paused)
            {
                return 0;
            }

            long unlocked = 0;
            foreach (var terms in sim.vaultConfig.Tranches)
            {
                unlocked += terms.LockSeconds <= elapsedDays * Day ? vault.CapitalOf(terms.Tranche) : 0;
            }

            return Math.Min(unlocked, Math.Max(0, vault.TotalCapital - vault.CoverageSold)) / (double)vault.TotalCapital;
        }

        private void EndStep(int step, long capital0, double outstanding0, SeriesRecorder series)
        {
            if (vault.Paused)
            {
                pausedDays++;
            }

            double senior = Nav(vault, Tranche.SureBtc);
            if (senior < nav0[0])
            {
                desk.Observer.Impaired(step);
            }
            else if (desk.Observer.ImpairedStep >= 0)
            {
                desk.Observer.Recovered(step);
            }

            double withdrawable = WithdrawableShare(step + 1);
            double outstanding = desk.Population.TotalHoldings;
            double capital = Fixed.ToDouble(vault.TotalCapital);
            desk.EndStep(step, new StepState(outstanding, double.NaN, double.NaN, double.NaN, withdrawable * capital, settings.LcrStressShare * capital, critical.Record(step, withdrawable)));
            if (series.IsRecorded(path))
            {
                for (int t = 0; t < Tranches.Count; t++)
                {
                    series.Set(t, path, step, vault.CapitalOf(Tranches.SeniorFirst[t]));
                }

                series.Set(Tranches.Count, path, step, outstanding / outstanding0);
                series.Set(Tranches.Count + 1, path, step, desk.Queued / outstanding0);
                series.Set(Tranches.Count + 2, path, step, vault.Paused ? 1.0 : 0.0);
            }
        }
    }
}
