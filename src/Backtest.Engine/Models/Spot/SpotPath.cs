using Backtest.Engine.Agents;
using Backtest.Engine.Metrics;
using Backtest.Numerics;
using Backtest.Numerics.Random;
using Backtest.Protocols;
using Backtest.Protocols.Ampleforth.Spot;

namespace Backtest.Engine.Models.Spot;

/// <summary>One day of a path as recorded for <c>series.parquet</c>.</summary>
public readonly record struct SpotDay(
    long AmplPrice,
    long AmplTarget,
    long AmplSupply,
    double RebasePercent,
    long PerpTvl,
    long PerpSupply,
    long VaultTvl,
    Int128 NoteSupply,
    double DeviationRatio,
    long RebalanceAmount,
    double SeniorCdrMin,
    long UsdcPrice,
    double PoolPriceUsd,
    long SpotHeld,
    bool Unrollable);

/// <summary>A note redemption's size and the share of its fair value the vault kept (its exit fee).</summary>
public readonly record struct NoteExit(double Units, double FeeShare);

/// <summary>
/// Runs one path of the SPOT system: each day the keepers (<see cref="SpotWorld.BeginDay"/>), an
/// arbitrageur, the SPOT holders and the vault-note holders (each a <see cref="HolderPopulation"/>
/// whose exits go through the contracts, refusals retried the next day), the arbitrageur again,
/// then the day's measurements. SPOT exits are reported to <see cref="SpotObserver"/> and note
/// exits to <see cref="NoteObserver"/>, values in AMPL at the day's market price.
/// </summary>
public sealed class SpotPath
{
    /// <summary>Offset XORed into the seed for the note holders' stream, so the two populations draw independently.</summary>
    public const ulong NoteStreamSalt = 0x6E6F7465_686F6C64UL;

    private const double BandLow = 0.95;
    private const double BandHigh = 1.05;
    private const int YieldWindow = 30;

    private readonly SpotSettings settings;
    private readonly List<NoteExit> noteExits = [];
    private readonly double[] spotNav;
    private readonly double[] noteNav;

    public SpotPath(SpotSettings settings, SpotGeneration generation, SpotMarketPath market, RandomStream spotStream, RandomStream noteStream, long path)
    {
        this.settings = settings;
        Market = market;
        World = new SpotWorld(settings, generation, market);
        Days = new SpotDay[market.Steps];
        spotNav = new double[market.Steps];
        noteNav = new double[market.Steps];
        SpotPopulation = new HolderPopulation(settings.Population);
        SpotPopulation.Reset(spotStream, path, Fixed.ToDouble(World.Perp.Token.BalanceOf(World.SpotHolders)));
        NotePopulation = new HolderPopulation(settings.Population);
        NotePopulation.Reset(noteStream, path, NoteUnits(World.Vault.Notes.BalanceOf(World.NoteHolders)));
        SpotObserver = new RunObserver(settings.Conditions);
        SpotObserver.Reset(SpotPopulation.TotalHoldings);
        SpotObserver.Weight = market.Weight;
        NoteObserver = new RunObserver(settings.Conditions);
        NoteObserver.Reset(NotePopulation.TotalHoldings);
        NoteObserver.Weight = market.Weight;
    }

    public SpotMarketPath Market { get; }

    public SpotWorld World { get; }

    public HolderPopulation SpotPopulation { get; }

    public HolderPopulation NotePopulation { get; }

    public RunObserver SpotObserver { get; }

    public RunObserver NoteObserver { get; }

    public SpotDay[] Days { get; }

    public double DrMin { get; private set; } = double.NaN;

    public double DrMax { get; private set; } = double.NaN;

    public int DaysOutsideBand { get; private set; }

    public double DeepestExcursion { get; private set; }

    public int UnrollableDays { get; private set; }

    /// <summary>Days whose rebase was skipped because the supply would have left the token's 64-bit range.</summary>
    public int SupplyCappedDays { get; private set; }

    public int UnderSubscribedDays { get; private set; }

    public int OverSubscribedDays { get; private set; }

    public long FeesPaid { get; private set; }

    public long RebalanceTransfer { get; private set; }

    public double SeniorCdrMinOverPath { get; private set; } = double.NaN;

    public double MaxPoolDiscount { get; private set; }

    /// <summary>Note redemptions in order, with the fee share each paid.</summary>
    public IReadOnlyList<NoteExit> NoteExits => noteExits;

    /// <summary>Runs every day; <paramref name="afterDay"/> (tests) sees the world after each day's measurements.</summary>
    public void Run(Action<SpotWorld, int>? afterDay = null)
    {
        long worstShortfall = 0;
        for (int t = 0; t < Market.Steps; t++)
        {
            if (t == Market.ShockStep)
            {
                SpotObserver.Shock(t);
                NoteObserver.Shock(t);
            }

            var keeper = World.BeginDay(t);
            if (settings.Arbitrage)
            {
                FeesPaid = Fixed.Add(FeesPaid, World.Arbitrage(settings.ArbitrageThreshold));
            }

            double dr = World.DeviationRatio();
            spotNav[t] = World.NavAmpl;
            noteNav[t] = World.NoteNavAmpl;
            ActSpot(t, dr);
            ActNotes(t, dr);
            if (settings.Arbitrage)
            {
                FeesPaid = Fixed.Add(FeesPaid, World.Arbitrage(settings.ArbitrageThreshold));
            }

            dr = World.DeviationRatio();
            long shortfall = World.SeniorShortfall();
            worstShortfall = Math.Max(worstShortfall, shortfall);
            if (shortfall > 0)
            {
                SpotObserver.Impaired(t);
            }
            else
            {
                SpotObserver.Recovered(t);
            }

            Measure(t, keeper, dr);
            afterDay?.Invoke(World, t);
        }

        SpotObserver.InsolvencyLoss(worstShortfall);
    }

    /// <summary>Unit-weighted mean exit fee of the first (or last) <paramref name="share"/> of redeemed note units; NaN without exits.</summary>
    public double NoteExitFee(double share, bool first)
    {
        double total = noteExits.Sum(e => e.Units);
        if (total <= 0)
        {
            return double.NaN;
        }

        double portion = total * share, units = 0, fees = 0;
        var ordered = first ? noteExits : Enumerable.Reverse(noteExits);
        foreach (var e in ordered)
        {
            double take = Math.Min(e.Units, portion - units);
            units += take;
            fees += take * e.FeeShare;
            if (units >= portion)
            {
                break;
            }
        }

        return units > 0 ? fees / units : double.NaN;
    }

    private void ActSpot(int t, double dr)
    {
        // The discount that makes redeeming beat selling is to what the contracts pay, fee included.
        var signals = new Signals(
            NavDiscount: 1 - (World.PoolPriceUsd / World.ExitValueUsd()),
            LossAbsorbed: Math.Max(0, 1 - (spotNav[t] / World.InitialNavAmpl)),
            DeviationRatio: dr,
            Yield: Yield(spotNav, t),
            ObservedRedemptionShare: WindowShare(SpotObserver),
            Fundamental: spotNav[t] / World.InitialNavAmpl);
        foreach (var action in SpotPopulation.Decide(t, signals).ToList())
        {
            if (action.Enters)
            {
                EnterSpot(action);
                continue;
            }

            long amount = Math.Min(Fixed.FromDouble(action.Units), World.Perp.Token.BalanceOf(World.SpotHolders));
            if (amount <= 0)
            {
                SpotPopulation.Exited(action.Cohort, action.Units);
                continue;
            }

            double units = Fixed.ToDouble(amount);
            SpotObserver.Request(t, units);
            try
            {
                var fill = World.ExitSpot(World.SpotHolders, amount, settings.ExitRoute);
                SpotPopulation.Exited(action.Cohort, units);
                SpotObserver.Fill(t, units, Fixed.ToDouble(fill.ValueAmpl));
                SpotObserver.RunLoss(Math.Max(0, fill.FairValueAmpl - fill.ValueAmpl));
                FeesPaid = Fixed.Add(FeesPaid, fill.FeeAmpl);
            }
            catch (ProtocolException)
            {
                SpotObserver.Refuse(t, units);
            }
        }
    }

    private void ActNotes(int t, double dr)
    {
        var signals = new Signals(
            NavDiscount: double.NaN,
            LossAbsorbed: Math.Max(0, 1 - (noteNav[t] / World.InitialNoteNavAmpl)),
            DeviationRatio: dr,
            Yield: Yield(noteNav, t),
            ObservedRedemptionShare: WindowShare(NoteObserver),
            Fundamental: dr);
        foreach (var action in NotePopulation.Decide(t, signals).ToList())
        {
            if (action.Enters)
            {
                EnterNotes(action);
                continue;
            }

            Int128 notes = Int128.Min((Int128)Fixed.FromDouble(action.Units) * RolloverVault.InitialRate, World.Vault.Notes.BalanceOf(World.NoteHolders));
            double units = NoteUnits(notes);
            if (notes <= 0)
            {
                NotePopulation.Exited(action.Cohort, action.Units);
                continue;
            }

            NoteObserver.Request(t, units);
            try
            {
                var fill = World.ExitNotes(World.NoteHolders, notes);
                NotePopulation.Exited(action.Cohort, units);
                NoteObserver.Fill(t, units, Fixed.ToDouble(fill.ValueAmpl));
                NoteObserver.RunLoss(fill.FeeAmpl);
                FeesPaid = Fixed.Add(FeesPaid, fill.FeeAmpl);
                noteExits.Add(new NoteExit(units, fill.FairValueAmpl > 0 ? (double)fill.FeeAmpl / fill.FairValueAmpl : 0));
            }
            catch (ProtocolException)
            {
                NoteObserver.Refuse(t, units);
            }
        }
    }

    private void EnterSpot(HolderAction action)
    {
        long usdc = Fixed.DivInt(Fixed.FromDouble(action.Units * World.NavUsd), 1_000, Rounding.Floor);
        if (usdc <= 0)
        {
            return;
        }

        try
        {
            World.Usdc.Mint(World.SpotHolders, usdc);
            long bought = World.Pool.Swap(World.SpotHolders, false, usdc).AmountOut;
            SpotPopulation.Entered(action.Cohort, Fixed.ToDouble(bought));
        }
        catch (ProtocolException)
        {
            World.Usdc.Burn(World.SpotHolders, World.Usdc.BalanceOf(World.SpotHolders));
        }
    }

    private void EnterNotes(HolderAction action)
    {
        long ampl = Fixed.FromDouble(action.Units * World.NoteNavAmpl / RolloverVault.InitialRate);
        if (ampl <= 0)
        {
            return;
        }

        try
        {
            World.Ampl.Transfer(World.Market, World.NoteHolders, ampl);
            Int128 notes = World.Vault.Deposit(World.NoteHolders, ampl);
            NotePopulation.Entered(action.Cohort, NoteUnits(notes));
        }
        catch (ProtocolException)
        {
            World.Ampl.Transfer(World.NoteHolders, World.Market, World.Ampl.BalanceOf(World.NoteHolders));
        }
    }

    private void Measure(int t, KeeperDay keeper, double dr)
    {
        if (!double.IsNaN(dr))
        {
            DrMin = double.IsNaN(DrMin) ? dr : Math.Min(DrMin, dr);
            DrMax = double.IsNaN(DrMax) ? dr : Math.Max(DrMax, dr);
            double outside = Math.Max(BandLow - dr, dr - BandHigh);
            if (outside > 0)
            {
                DaysOutsideBand++;
                DeepestExcursion = Math.Max(DeepestExcursion, outside);
            }

            double low = (double)settings.EquilibriumDR.Lower / SpotFeePolicy.One;
            double high = (double)settings.EquilibriumDR.Upper / SpotFeePolicy.One;
            UnderSubscribedDays += dr < low ? 1 : 0;
            OverSubscribedDays += dr > high ? 1 : 0;
        }

        UnrollableDays += keeper.Unrollable ? 1 : 0;
        SupplyCappedDays += keeper.SupplyCapped ? 1 : 0;
        RebalanceTransfer = Fixed.Add(RebalanceTransfer, keeper.RebalanceAmount);
        double cdr = World.SeniorCdrMin();
        if (!double.IsNaN(cdr))
        {
            SeniorCdrMinOverPath = double.IsNaN(SeniorCdrMinOverPath) ? cdr : Math.Min(SeniorCdrMinOverPath, cdr);
        }

        double navUsd = World.NavUsd;
        double poolUsd = World.PoolPriceUsd;
        MaxPoolDiscount = Math.Max(MaxPoolDiscount, 1 - (poolUsd / navUsd));
        long perpTvl = World.Perp.GetTVL();
        long spotHeld = World.Perp.Token.BalanceOf(World.SpotHolders);
        Days[t] = new SpotDay(
            World.AmplPrice, World.AmplTarget, World.Ampl.TotalSupply, keeper.RebasePercent, perpTvl, World.Perp.TotalSupply,
            World.Vault.GetTVL(), World.Vault.Notes.TotalSupply, dr, keeper.RebalanceAmount, cdr, World.UsdcPrice, poolUsd, spotHeld, keeper.Unrollable);

        // Liquid for SPOT exits without waiting: the perp's raw AMPL, the vault's AMPL (swap liquidity) and the pool's USDC, in AMPL.
        long liquid = Fixed.Add(Fixed.Add(World.Ampl.BalanceOf(World.Perp.Account), World.Ampl.BalanceOf(World.Vault.Account)), World.UsdcInAmpl(World.Usdc.BalanceOf(World.Pool.Account)));
        double held = Fixed.ToDouble(spotHeld);
        double stressed = settings.Conditions.CriticalFraction * held * spotNav[t];
        // NAV for the break-the-buck test is what a redemption pays (StepState's definition): the
        // exit fee's band below fair NAV is the design's no-arbitrage range, not a broken buck.
        SpotObserver.EndStep(t, new StepState(held, poolUsd, World.ExitValueUsd(), spotNav[t] * Fixed.ToDouble(World.AmplTarget), Fixed.ToDouble(liquid), stressed, double.NaN));
        double notesHeld = NoteUnits(World.Vault.Notes.BalanceOf(World.NoteHolders));
        NoteObserver.EndStep(t, new StepState(notesHeld, double.NaN, noteNav[t] / RolloverVault.InitialRate, double.NaN, Fixed.ToDouble(World.Ampl.BalanceOf(World.Vault.Account)), settings.Conditions.CriticalFraction * notesHeld * noteNav[t] / RolloverVault.InitialRate, double.NaN));
    }

    /// <summary>The annualised change of a NAV over the last 30 days; NaN before day 30.</summary>
    private static double Yield(double[] nav, int t) =>
        t < YieldWindow || !(nav[t - YieldWindow] > 0) ? double.NaN : Math.Pow(nav[t] / nav[t - YieldWindow], 365.0 / YieldWindow) - 1;

    /// <summary>Claims redeemed over the run window before today, as a share of those outstanding at its start (what herders observe).</summary>
    private static double WindowShare(RunObserver observer) => observer.ObservedWindowShare;

    /// <summary>Notes as AMPL-equivalent units at the vault's initial rate (10⁶ notes per base unit).</summary>
    private static double NoteUnits(Int128 notes) => (double)notes / RolloverVault.InitialRate / Fixed.One;
}
