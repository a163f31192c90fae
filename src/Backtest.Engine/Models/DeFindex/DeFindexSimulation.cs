using Backtest.Engine.Agents;
using Backtest.Engine.Metrics;
using Backtest.IO.Tables;
using Backtest.Numerics;
using Backtest.Numerics.Random;
using Backtest.Protocols.DeFindex;

namespace Backtest.Engine.Models.DeFindex;

/// <summary>
/// One DeFindex run. At step 0 every cohort deposits its holding and the manager invests all but
/// <c>idle_share</c> across the strategies by their weights. Each day: the strategies accrue their
/// rates (<see cref="DeFindexVault.AccrueFixedApr"/>) and defaults strike
/// (<see cref="DeFindexVault.SetStrategyBalance"/>; the manager then pauses the strategy, which
/// still serves withdrawals); holders decide on what they see (value per share against step 0,
/// its trailing 7-day yield, recent redemptions) and withdraw everything they hold, in cohort
/// order; entrants deposit; at the day's end the manager invests idle funds above idle_share
/// (and, with <c>refill_idle</c>, unwinds strategies to bring idle funds back up to it).
/// </summary>
internal sealed class DeFindexSimulation : ISimulation
{
    private const long Origin = 1_700_000_000;
    private const long Day = 86_400;
    private const int VaultReceiver = 1_000_000;
    private const int ProtocolReceiver = 1_000_001;
    private const int Manager = 1_000_002;
    private const int YieldWindow = 7;

    private static readonly IReadOnlyList<ColumnSpec> ModelColumns =
    [
        ColumnSpec.Amount("liquidation_cost_leavers", "liquidation costs charged to withdrawals (what leavers lost because idle funds did not cover them)", "USDC"),
        ColumnSpec.Amount("liquidation_cost_stayers", "liquidation costs of the manager's unwinds to refill idle funds (borne by every holder; 0 unless refill_idle)", "USDC"),
        ColumnSpec.Amount("default_loss", "value lost in strategy defaults (borne pro rata by everyone holding shares at the time)", "USDC"),
        ColumnSpec.Int32("idle_exhausted_step", "first day a withdrawal had to liquidate strategy positions because idle funds fell short (−1 if never)", "days"),
        ColumnSpec.Double("redeemed_share", "units withdrawn over the path ÷ units at step 0", "fraction"),
        ColumnSpec.Double("leaver_value", "USDC received per unit withdrawn ÷ value per unit at step 0 (NaN with no withdrawals)", "ratio"),
        ColumnSpec.Double("stayer_value", "value per unit after the last day ÷ value per unit at step 0 (NaN once every unit has left)", "ratio"),
        ColumnSpec.Double("final_idle_share", "idle funds ÷ the vault's funds after the last day (NaN for an empty vault)", "fraction"),
    ];

    private static readonly ModelSummary Summary = new ModelSummary()
        .Mean("liquidation_cost_leavers", "liquidation_cost_leavers_mean", "mean per path of liquidation costs charged to withdrawals", "USDC", amount: true)
        .Mean("liquidation_cost_stayers", "liquidation_cost_stayers_mean", "mean per path of liquidation costs of the manager's refills", "USDC", amount: true)
        .Mean("default_loss", "default_loss_mean", "mean per path of value lost in strategy defaults", "USDC", amount: true)
        .ShareOfPaths("idle_exhausted_step", "p_idle_exhausted", "share of paths on which a withdrawal had to liquidate strategy positions")
        .Mean("redeemed_share", "redeemed_share_mean", "mean over paths of units withdrawn ÷ units at step 0", "fraction")
        .Mean("leaver_value", "leaver_value_mean", "mean over paths with withdrawals of USDC received per unit ÷ value per unit at step 0", "ratio")
        .Mean("stayer_value", "stayer_value_mean", "mean over paths with units left of the final value per unit ÷ at step 0", "ratio");

    private readonly SimulationContext context;
    private readonly DeFindexSettings settings;
    private readonly DeFindexMarket market;
    private readonly RandomStream stream;
    private readonly DeFindexVaultConfig config;

    public DeFindexSimulation(SimulationContext context, DeFindexSettings settings, DeFindexMarket market)
    {
        this.context = context;
        this.settings = settings;
        this.market = market;
        stream = RandomStream.Create(context.Seed, context.ScenarioIndex, context.ParameterSetIndex);
        config = new DeFindexVaultConfig(
            1,
            new int[settings.StrategyCount],
            new DeFindexRoles(Manager, Manager, Manager, VaultReceiver, ProtocolReceiver),
            new ManagementFee(settings.ManagementFeeBps))
        {
            LiquidationCostBps = settings.LiquidationCostBps,
        };
    }

    public long Paths => context.Paths;

    public int Steps => market.Steps;

    public IReadOnlyList<DateOnly>? StepDates => null;

    public IReadOnlyList<ColumnSpec> PathColumns { get; } = [.. RunMetrics.PathColumns, .. ModelColumns];

    public IReadOnlyList<ColumnSpec> SeriesVariables { get; } =
    [
        ColumnSpec.Double("value_per_unit", "the vault's funds ÷ units outstanding, ÷ the same at step 0", "ratio"),
        ColumnSpec.Double("idle_share", "idle funds ÷ the vault's funds at the day's end", "fraction"),
        ColumnSpec.Double("outstanding_share", "units outstanding ÷ units at step 0", "fraction"),
        ColumnSpec.Double("queued_share", "units whose holders asked to withdraw and are still waiting ÷ units at step 0", "fraction"),
        ColumnSpec.Double("strategy_apr", "the strategies' lending rates, weighted by their balances (annual)", "per year"),
    ];

    public int BatchSize => 16;

    public void RunBatch(PathBatch batch)
    {
        var desk = new ExitDesk(settings.Population, settings.Conditions);
        var buffers = new PathBuffers(market.Steps, settings.StrategyCount, settings.Conditions.Window);
        for (int i = 0; i < batch.Count; i++)
        {
            new PathRun(this, desk, buffers, batch.FirstPath + i).Run(batch, i);
        }
    }

    public ColumnTable Summarize(ColumnTable paths) => AgentRuns.Summarize(paths, Summary);

    /// <summary>Token units (a double from the holder population) as 7-decimal base units: rounded to 9 decimals (<see cref="Fixed.FromDouble"/>), then floored.</summary>
    private static long BaseUnits(double tokens) => Fixed.FromDouble(tokens) / 100;

    /// <summary>7-decimal base units as a 9-decimal amount: exact (×100).</summary>
    private static long Amount(long baseUnits) => Fixed.MulDiv(baseUnits, 100, 1, Rounding.Floor);

    private static double Tokens(long baseUnits) => baseUnits / (double)DeFindexSettings.UnitsPerToken;

    private sealed class PathBuffers(int steps, int strategies, int window)
    {
        public double[] Apr { get; } = new double[steps * strategies];

        public int[] DefaultStep { get; } = new int[strategies];

        public double[] DefaultShare { get; } = new double[strategies];

        public double[] ValueHistory { get; } = new double[steps + 1];

        /// <summary>Idle funds ÷ the vault's funds, by snapshot (0: after the opening deposits).</summary>
        public WindowStart IdleShare { get; } = new(steps, window);
    }

    private sealed class PathRun(DeFindexSimulation sim, ExitDesk desk, PathBuffers buffers, long path)
    {
        private readonly DeFindexSettings settings = sim.settings;
        private readonly DeFindexVault vault = new(sim.config);
        private long leaverCost, stayerCost, defaultLoss, received;
        private double unitsWithdrawn;
        private int idleExhausted = -1;
        private bool belowStart;

        public void Run(PathBatch batch, int row)
        {
            int strategies = settings.StrategyCount;
            sim.market.Fill(path, settings.StrategyAprBps, buffers.Apr, buffers.DefaultStep, buffers.DefaultShare);
            double initialUnits = Tokens(BaseUnits(Fixed.ToDouble(settings.Deposits)));
            desk.Reset(sim.stream, path, initialUnits);
            Open();
            double outstanding0 = Units(vault.TotalSupply);
            desk.Begin(outstanding0);
            double value0 = ValuePerUnit();
            buffers.ValueHistory[0] = value0;
            buffers.IdleShare.Begin(IdleShare());
            var series = batch.Series;
            for (int step = 0; step < sim.Steps; step++)
            {
                long now = Origin + ((step + 1) * Day);
                for (int s = 0; s < strategies; s++)
                {
                    vault.AccrueFixedApr(s, (int)Math.Round(buffers.Apr[(step * strategies) + s] * DeFindexFeeModel.Bps, MidpointRounding.AwayFromZero), Day);
                    if (buffers.DefaultStep[s] == step)
                    {
                        Default(step, s);
                    }
                }

                double value = ValuePerUnit();
                double past = buffers.ValueHistory[Math.Max(0, step + 1 - YieldWindow)];
                int span = Math.Min(YieldWindow, step + 1);
                var signals = new Signals(
                    double.NaN,
                    Math.Max(0, 1 - (value / value0)),
                    double.NaN,
                    ((value / past) - 1) * 365 / span,
                    desk.ObservedRedemptionShare,
                    value / value0);
                foreach (var action in desk.Decide(step, signals))
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

                Manage(now);
                EndStep(step, value0, outstanding0, series);
            }

            desk.Observer.InsolvencyLoss(Amount(defaultLoss));
            desk.Observer.RunLoss(Amount(Fixed.Add(leaverCost, stayerCost)));
            desk.Write(batch, row, 0);
            int c = RunMetrics.PathColumns.Count;
            batch.Int64(c++)[row] = Amount(leaverCost);
            batch.Int64(c++)[row] = Amount(stayerCost);
            batch.Int64(c++)[row] = Amount(defaultLoss);
            batch.Int32(c++)[row] = idleExhausted;
            batch.Double(c++)[row] = unitsWithdrawn / initialUnits;
            batch.Double(c++)[row] = unitsWithdrawn > 0 ? Tokens(received) / unitsWithdrawn / value0 : double.NaN;
            batch.Double(c++)[row] = vault.TotalSupply > 0 ? ValuePerUnit() / value0 : double.NaN;
            batch.Double(c)[row] = IdleShare();
        }

        private double IdleShare()
        {
            long total = vault.TotalManagedFunds()[0];
            return total > 0 ? (double)vault.Idle(0) / total : double.NaN;
        }

        private static double Units(long shares) => Tokens(shares);

        private double ValuePerUnit() =>
            vault.TotalSupply == 0 ? double.NaN : (double)vault.TotalManagedFunds()[0] / vault.TotalSupply;

        /// <summary>
        /// The manager seeds the vault with 1 USDC (so the locked minimum liquidity is the manager's
        /// and every holder's shares equal its deposit), every cohort deposits its holding, and the
        /// manager invests all but idle_share by the strategies' weights.
        /// </summary>
        private void Open()
        {
            vault.Deposit(Manager, [DeFindexSettings.UnitsPerToken], [0], invest: false, Origin);
            for (int c = 0; c < desk.Population.Count; c++)
            {
                long amount = BaseUnits(desk.Population.Holdings(c));
                if (amount > 0)
                {
                    vault.Deposit(c, [amount], [0], invest: false, Origin);
                }
            }

            long total = vault.TotalManagedFunds()[0];
            long investable = total - Fixed.MulDiv(total, settings.IdleShare, Fixed.One, Rounding.Ceiling);
            var instructions = new List<RebalanceInstruction>();
            for (int s = 0; s < settings.StrategyCount; s++)
            {
                long amount = Fixed.MulDiv(investable, settings.StrategyWeightsBps[s], DeFindexFeeModel.Bps, Rounding.Floor);
                if (amount > 0)
                {
                    instructions.Add(new Invest(s, amount));
                }
            }

            if (instructions.Count > 0)
            {
                vault.Rebalance(Manager, instructions, Origin);
            }
        }

        private void Default(int step, int strategy)
        {
            var position = vault.Strategy(strategy);
            long loss = Fixed.MulDiv(position.Balance, Fixed.FromDouble(buffers.DefaultShare[strategy]), Fixed.One, Rounding.Floor);
            vault.SetStrategyBalance(strategy, position.Balance - loss);
            vault.PauseStrategy(Manager, strategy);
            defaultLoss = Fixed.Add(defaultLoss, loss);
            desk.Observer.Shock(step);
        }

        private void Withdraw(int step, HolderAction action, long now)
        {
            long shares = vault.SharesOf(action.Cohort);
            if (shares == 0)
            {
                return;
            }

            try
            {
                var result = vault.Withdraw(action.Cohort, shares, [0], now);
                if (result.Unwound.Any(u => u > 0) && idleExhausted < 0)
                {
                    idleExhausted = step;
                }

                leaverCost = Fixed.Add(leaverCost, result.LiquidationCost[0]);
                received = Fixed.Add(received, result.AmountsOut[0]);
                unitsWithdrawn += action.Units;
                desk.Filled(step, action, action.Units, Tokens(result.AmountsOut[0]));
            }
            catch (DeFindexException)
            {
                desk.Refused(step, action);
            }
        }

        private void Enter(HolderAction action, long now)
        {
            long amount = BaseUnits(action.Units);
            if (amount <= 0)
            {
                return;
            }

            try
            {
                var result = vault.Deposit(action.Cohort, [amount], [0], invest: false, now);
                desk.Entered(action, Units(result.UserShares));
            }
            catch (DeFindexException)
            {
                // A deposit the vault refuses (it would mint no shares) simply does not happen.
            }
        }

        /// <summary>The manager's end-of-day rebalance: invest idle funds above idle_share in the active strategies by weight; with refill_idle, unwind up to it.</summary>
        private void Manage(long now)
        {
            long total = vault.TotalManagedFunds()[0];
            long target = Fixed.MulDiv(total, settings.IdleShare, Fixed.One, Rounding.Ceiling);
            long idle = vault.Idle(0);
            var instructions = new List<RebalanceInstruction>();
            if (idle > target)
            {
                long active = 0;
                for (int s = 0; s < settings.StrategyCount; s++)
                {
                    active += vault.Strategy(s).Paused ? 0 : settings.StrategyWeightsBps[s];
                }

                for (int s = 0; s < settings.StrategyCount && active > 0; s++)
                {
                    long amount = vault.Strategy(s).Paused ? 0 : Fixed.MulDiv(idle - target, settings.StrategyWeightsBps[s], active, Rounding.Floor);
                    if (amount > 0)
                    {
                        instructions.Add(new Invest(s, amount));
                    }
                }
            }
            else if (settings.RefillIdle && idle < target)
            {
                long invested = 0;
                for (int s = 0; s < settings.StrategyCount; s++)
                {
                    invested += vault.Strategy(s).Invested;
                }

                long shortfall = Math.Min(target - idle, invested);
                for (int s = 0; s < settings.StrategyCount && invested > 0; s++)
                {
                    long amount = Fixed.MulDiv(shortfall, vault.Strategy(s).Invested, invested, Rounding.Floor);
                    if (amount > 0)
                    {
                        instructions.Add(new Unwind(s, amount));
                    }
                }
            }

            if (instructions.Count > 0)
            {
                long costsBefore = vault.LiquidationCosts(0);
                vault.Rebalance(Manager, instructions, now);
                stayerCost = Fixed.Add(stayerCost, vault.LiquidationCosts(0) - costsBefore);
            }
        }

        private void EndStep(int step, double value0, double outstanding0, SeriesRecorder series)
        {
            long total = vault.TotalManagedFunds()[0];
            double value = ValuePerUnit();
            buffers.ValueHistory[step + 1] = value;
            if (value < value0)
            {
                desk.Observer.Impaired(step);
                belowStart = true;
            }
            else if (belowStart && value >= value0)
            {
                desk.Observer.Recovered(step);
            }

            double outstanding = Units(vault.TotalSupply);
            double funds = Tokens(total);
            double idleShare = IdleShare();

            // The critical fraction on the observer's base, the claims outstanding at the start of
            // the run window: the share of them that idle funds could pay out pro rata.
            double critical = buffers.IdleShare.Record(step, idleShare);
            desk.EndStep(step, new StepState(outstanding, double.NaN, value, double.NaN, Tokens(vault.Idle(0)), settings.LcrStressShare * funds, critical));
            if (series.IsRecorded(path))
            {
                double weighted = 0;
                long invested = 0;
                for (int s = 0; s < settings.StrategyCount; s++)
                {
                    long balance = vault.Strategy(s).Balance;
                    weighted += buffers.Apr[(step * settings.StrategyCount) + s] * balance;
                    invested += balance;
                }

                series.Set(0, path, step, value / value0);
                series.Set(1, path, step, idleShare);
                series.Set(2, path, step, outstanding / outstanding0);
                series.Set(3, path, step, desk.Queued / outstanding0);
                series.Set(4, path, step, invested > 0 ? weighted / invested : double.NaN);
            }
        }
    }
}
