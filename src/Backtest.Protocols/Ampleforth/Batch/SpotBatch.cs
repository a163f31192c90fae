using System.Numerics;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Policy;
using Backtest.Protocols.Ampleforth.Spot;
using Backtest.Protocols.Ampleforth.Tokens;

namespace Backtest.Protocols.Ampleforth.Batch;

/// <summary>
/// Many SPOT systems at once, one lane per path, stepped a day at a time with the same integer
/// arithmetic and rounding as the contract model driven by <see cref="SpotSystem.RunDay"/>:
/// bit-identical states and outputs for the same inputs. State is held as structure of arrays
/// (one array per state variable, one element per lane); bonds live in per-lane slots, a
/// handful per path (the deposit bond, the ones the perp holds, the vault's, the holder's).
/// </summary>
/// <remarks>
/// <para>
/// A batch starts from a <see cref="SpotSystem"/> (every lane a copy of it) and runs the
/// system's schedule: <see cref="Step"/> runs one day for every lane from a
/// <see cref="SpotDayInputs"/> and writes a <see cref="SpotDayOutputs"/>. Lanes are independent;
/// one batch is used by one thread at a time.
/// </para>
/// <para>
/// AMPL balances keep the token's gons exactly: per account the balance and the remainder of
/// its gons modulo gonsPerFragment (<see cref="Gons"/>), so transfers are 64-bit additions and
/// only a rebase does 256-bit arithmetic. Every contract operation is a transaction: state
/// writes are journaled per lane and a refusal undoes them, leaving the lane as it was.
/// </para>
/// </remarks>
public sealed partial class SpotBatch
{
    private const long One = SpotFeePolicy.One;
    private const long Unit = 1_000_000_000;

    // Scalar state columns (one long per lane).
    private const int ColSupply = 0;
    private const int ColEpoch = 1;
    private const int ColLastRebase = 2;
    private const int ColHolderAmpl = 3;
    private const int ColPerpAmpl = 4;
    private const int ColVaultAmpl = 5;
    private const int ColCollectorAmpl = 6;
    private const int ColPerpSupply = 7;
    private const int ColPerpHolder = 8;
    private const int ColPerpVault = 9;
    private const int ColPerpSelf = 10;
    private const int ColPerpCollector = 11;
    private const int ColLastRebalance = 12;
    private const int ColDepositBond = 13;
    private const int ScalarColumns = 14;

    // Per-slot fields, each a column per slot.
    private const int FBond = 0;
    private const int FCollateral = 1;
    private const int FDebt = 2;
    private const int FSupplyA = 3;
    private const int FSupplyZ = 4;
    private const int FMature = 5;
    private const int FPerpA = 6;
    private const int FVaultA = 7;
    private const int FVaultZ = 8;
    private const int FHolderA = 9;
    private const int FHolderZ = 10;
    private const int FTrancheA = 11;
    private const int FTrancheZ = 12;
    private const int SlotFields = 13;

    // Note columns (Int128 per lane).
    private const int NoteSupply = 0;
    private const int NotesHolder = 1;
    private const int NotesCollector = 2;
    private const int NoteColumns = 3;

    // Gon remainder accounts: the rate, four scalar AMPL accounts, three per slot.
    private const int GonRate = 0;
    private const int GonScalarAccounts = 5;
    private const int GonsPerSlot = 3;

    private static readonly int[] ScalarAmplColumns = [ColHolderAmpl, ColPerpAmpl, ColVaultAmpl, ColCollectorAmpl];
    private static readonly int[] SlotAmplFields = [FCollateral, FTrancheA, FTrancheZ];

    private readonly List<BondInfo> _bonds = [];
    private readonly SpotParameters _p;
    private long[] _l;
    private U256[] _gons;
    private readonly Int128[] _notes;
    private int _slots;

    private SpotBatch(SpotSystem system, long firstPath, int count, int slots)
    {
        Config = system.Config;
        FirstPath = firstPath;
        Count = count;
        _slots = slots;
        _p = new SpotParameters(system);
        _l = new long[(ScalarColumns + (slots * SlotFields)) * count];
        _gons = new U256[(GonScalarAccounts + (slots * GonsPerSlot)) * count];
        _notes = new Int128[NoteColumns * count];
        _updateState = new byte[count];
        _journal = new Journal();
    }

    public SpotBatchConfig Config { get; }

    /// <summary>The index of the path in lane 0 (lane i holds path FirstPath + i).</summary>
    public long FirstPath { get; }

    /// <summary>The number of lanes.</summary>
    public int Count { get; }

    /// <summary>The next day <see cref="Step"/> runs.</summary>
    public int Day { get; private set; }

    /// <summary>The block timestamp of the last step (unix seconds).</summary>
    public long Now { get; private set; }

    /// <summary>Bond slots per lane (grows if a lane needs more).</summary>
    public int SlotCapacity => _slots;

    /// <summary>
    /// A batch of <paramref name="count"/> lanes for paths [<paramref name="firstPath"/>,
    /// firstPath + count), each a copy of <paramref name="system"/> as it stands (its next day,
    /// its balances, bonds and gons). The system must run one of the modelled versions (v3–v5)
    /// with two-tranche Legacy2022 bonds and a schedule where at most one reserve tranche is up
    /// for rollover at a time; anything else is an <see cref="ArgumentException"/>.
    /// </summary>
    public static SpotBatch FromSystem(SpotSystem system, long firstPath, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstPath);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var config = system.Config;
        Validate(system);
        var live = LiveBonds(system);
        int slots = live.Count + 3;
        var batch = new SpotBatch(system, firstPath, count, slots)
        {
            Day = system.Day,
            Now = system.Chain.Now,
        };
        batch._issuerLastWindow = system.Issuer.LastIssueWindowTimestamp;
        foreach (var bond in system.Issuer.IssuedBonds)
        {
            batch._bonds.Add(new BondInfo(bond.MaturityDate, bond.Tranches[0].Ratio, bond.Tranches[1].Ratio));
        }

        batch.Import(system, live);
        return batch;
    }

    /// <summary>The state of one lane, in the same form as <see cref="SpotLaneState.Of(SpotSystem)"/>.</summary>
    public SpotLaneState LaneState(int lane)
    {
        var gpf = _gons[GonIndex(GonRate, lane)].ToBigInteger();
        BigInteger GonsOf(int amplColumn, int gonAccount) => (Get(amplColumn, lane) * gpf) + _gons[GonIndex(gonAccount, lane)].ToBigInteger();
        var bonds = new List<SpotBondState>();
        for (int s = 0; s < _slots; s++)
        {
            long id = Get(SlotCol(s, FBond), lane);
            if (id < 0 || (Get(SlotCol(s, FDebt), lane) == 0 && id != Get(ColDepositBond, lane)))
            {
                continue;
            }

            bonds.Add(new SpotBondState(
                (int)id,
                GonsOf(SlotCol(s, FCollateral), SlotGon(s, 0)),
                Get(SlotCol(s, FDebt), lane),
                Get(SlotCol(s, FSupplyA), lane),
                Get(SlotCol(s, FSupplyZ), lane),
                Get(SlotCol(s, FMature), lane) != 0,
                Get(SlotCol(s, FPerpA), lane),
                Get(SlotCol(s, FVaultA), lane),
                Get(SlotCol(s, FVaultZ), lane),
                Get(SlotCol(s, FHolderA), lane),
                Get(SlotCol(s, FHolderZ), lane),
                GonsOf(SlotCol(s, FTrancheA), SlotGon(s, 1)),
                GonsOf(SlotCol(s, FTrancheZ), SlotGon(s, 2))));
        }

        long deposit = Get(ColDepositBond, lane);
        if (deposit >= 0 && FindSlot(deposit, lane) < 0)
        {
            // A deposit bond nobody has deposited into yet holds nothing.
            bonds.Add(new SpotBondState((int)deposit, 0, 0, 0, 0, false, 0, 0, 0, 0, 0, 0, 0));
        }

        bonds.Sort((a, b) => a.Bond.CompareTo(b.Bond));
        return new SpotLaneState(
            Day,
            Get(ColSupply, lane),
            Get(ColEpoch, lane),
            Get(ColLastRebase, lane),
            GonsOf(ColHolderAmpl, 1),
            GonsOf(ColPerpAmpl, 2),
            GonsOf(ColVaultAmpl, 3),
            GonsOf(ColCollectorAmpl, 4),
            Get(ColPerpSupply, lane),
            Get(ColPerpHolder, lane),
            Get(ColPerpVault, lane),
            Get(ColPerpSelf, lane),
            Get(ColPerpCollector, lane),
            _notes[(NoteSupply * Count) + lane],
            _notes[(NotesHolder * Count) + lane],
            _notes[(NotesCollector * Count) + lane],
            Get(ColLastRebalance, lane),
            (int)Get(ColDepositBond, lane),
            _issuerLastWindow,
            _bonds.Count,
            bonds);
    }

    /// <summary>AMPL total supply of each lane (base units).</summary>
    public ReadOnlySpan<long> AmplSupply => Column(ColSupply);

    /// <summary>The holder's AMPL balance of each lane.</summary>
    public ReadOnlySpan<long> HolderAmpl => Column(ColHolderAmpl);

    /// <summary>The holder's perps of each lane.</summary>
    public ReadOnlySpan<long> HolderPerps => Column(ColPerpHolder);

    /// <summary>The holder's notes of each lane.</summary>
    public ReadOnlySpan<Int128> HolderNotes => _notes.AsSpan(NotesHolder * Count, Count);

    /// <summary>The collector's (protocol's) perps of each lane.</summary>
    public ReadOnlySpan<long> CollectorPerps => Column(ColPerpCollector);

    /// <summary>The collector's (protocol's) notes of each lane.</summary>
    public ReadOnlySpan<Int128> CollectorNotes => _notes.AsSpan(NotesCollector * Count, Count);

    private ReadOnlySpan<long> Column(int column) => _l.AsSpan(column * Count, Count);

    private static void Validate(SpotSystem system)
    {
        var config = system.Config;
        if (config.Version is not (SpotVersion.V3 or SpotVersion.V4 or SpotVersion.V5))
        {
            throw new ArgumentException($"the batch simulator models SPOT v3, v4 and v5, not {config.Version}", nameof(system));
        }

        if (system.Issuer.Config.BondVersion != BondControllerVersion.Legacy2022 || system.Issuer.Config.TrancheRatios.Count != 2)
        {
            throw new ArgumentException("the batch simulator models two-tranche Legacy2022 bonds", nameof(system));
        }

        if (system.Issuer.IssuedBonds.Any(b => b.TrancheCount != 2 || b.FeeBps != 0 || b.Version != BondControllerVersion.Legacy2022 || b.DepositLimit != 0))
        {
            throw new ArgumentException("every issued bond must be a fee-free two-tranche Legacy2022 bond without a deposit limit", nameof(system));
        }

        if (system.Perp.MinTrancheMaturitySec > system.Issuer.Config.MinIssueTimeIntervalSec)
        {
            throw new ArgumentException($"a rollover window of {system.Perp.MinTrancheMaturitySec} s longer than the issue interval {system.Issuer.Config.MinIssueTimeIntervalSec} s lets two reserve tranches be up for rollover at once, whose order the batch does not keep", nameof(system));
        }

        var maturities = system.Issuer.IssuedBonds.Select(b => b.MaturityDate).Order().ToList();
        for (int i = 1; i < maturities.Count; i++)
        {
            if (maturities[i] - maturities[i - 1] < system.Perp.MinTrancheMaturitySec)
            {
                throw new ArgumentException("two issued bonds mature closer together than the rollover window", nameof(system));
            }
        }

        if (system.Perp.FeePolicy.GetType() != typeof(DeviationFeePolicy) && system.Perp.FeePolicy.GetType() != typeof(SubscriptionFeePolicy))
        {
            throw new ArgumentException($"the batch simulator needs the contracts' own fee policy, not {system.Perp.FeePolicy.GetType().Name}", nameof(system));
        }

        if (system.Perp.MaxMintAmtPerTranche != long.MaxValue)
        {
            throw new ArgumentException("the batch simulator does not model v1–v3's per-tranche mint cap; leave it unbounded", nameof(system));
        }

        if (system.Perp.Paused || system.Vault.Paused || system.Perp.AuthorizedRollers.Count > 0)
        {
            throw new ArgumentException("the batch simulator does not model pauses or authorized rollers", nameof(system));
        }

        if (system.Ampl.GonHolders.Any(h => !KnownAmplAccount(system, h.Key)))
        {
            throw new ArgumentException("AMPL is held by an account the batch does not model", nameof(system));
        }
    }

    private static bool KnownAmplAccount(SpotSystem system, int account) =>
        account == system.Holder || account == system.Perp.Account || account == system.Vault.Account || account == system.Collector
        || system.Issuer.IssuedBonds.Any(b => b.Account == account || b.Tranches.Any(t => t.Account == account));

    /// <summary>Bonds that can still matter: those with debt, and the deposit bond.</summary>
    private static List<BondController> LiveBonds(SpotSystem system) =>
        system.Issuer.IssuedBonds.Where(b => b.TotalDebt > 0 || b == system.Perp.DepositBond).ToList();

    private void Import(SpotSystem system, List<BondController> live)
    {
        var ampl = system.Ampl;
        var gpf = ampl.GonsPerFragment.ToBigInteger();
        var rate = U256.FromBigInteger(gpf);
        int perp = system.Perp.Account;
        int vault = system.Vault.Account;
        int holder = system.Holder;
        int collector = system.Collector;
        var issued = system.Issuer.IssuedBonds;
        for (int i = 0; i < Count; i++)
        {
            Put(ColSupply, i, ampl.TotalSupply);
            Put(ColEpoch, i, system.Policy.Epoch);
            Put(ColLastRebase, i, system.Policy.LastRebaseTimestampSec);
            _gons[GonIndex(GonRate, i)] = rate;
            ImportAmpl(ColHolderAmpl, 1, holder, i);
            ImportAmpl(ColPerpAmpl, 2, perp, i);
            ImportAmpl(ColVaultAmpl, 3, vault, i);
            ImportAmpl(ColCollectorAmpl, 4, collector, i);
            var token = system.Perp.Token;
            Put(ColPerpSupply, i, token.TotalSupply);
            Put(ColPerpHolder, i, token.BalanceOf(holder));
            Put(ColPerpVault, i, token.BalanceOf(vault));
            Put(ColPerpSelf, i, token.BalanceOf(perp));
            Put(ColPerpCollector, i, token.BalanceOf(collector));
            Put(ColLastRebalance, i, system.Vault.LastRebalanceTimestampSec);
            Put(ColDepositBond, i, system.Perp.DepositBond is { } deposit ? IndexOf(issued, deposit) : -1);
            var notes = system.Vault.Notes;
            _notes[(NoteSupply * Count) + i] = notes.TotalSupply;
            _notes[(NotesHolder * Count) + i] = notes.BalanceOf(holder);
            _notes[(NotesCollector * Count) + i] = notes.BalanceOf(collector);
            for (int s = 0; s < _slots; s++)
            {
                Put(SlotCol(s, FBond), i, -1);
            }

            for (int s = 0; s < live.Count; s++)
            {
                var bond = live[s];
                var (a, z) = (bond.Tranches[0], bond.Tranches[1]);
                Put(SlotCol(s, FBond), i, IndexOf(issued, bond));
                ImportAmpl(SlotCol(s, FCollateral), SlotGon(s, 0), bond.Account, i);
                Put(SlotCol(s, FDebt), i, bond.TotalDebt);
                Put(SlotCol(s, FSupplyA), i, a.TotalSupply);
                Put(SlotCol(s, FSupplyZ), i, z.TotalSupply);
                Put(SlotCol(s, FMature), i, bond.IsMature ? 1 : 0);
                Put(SlotCol(s, FPerpA), i, a.BalanceOf(perp));
                Put(SlotCol(s, FVaultA), i, a.BalanceOf(vault));
                Put(SlotCol(s, FVaultZ), i, z.BalanceOf(vault));
                Put(SlotCol(s, FHolderA), i, a.BalanceOf(holder));
                Put(SlotCol(s, FHolderZ), i, z.BalanceOf(holder));
                ImportAmpl(SlotCol(s, FTrancheA), SlotGon(s, 1), a.Account, i);
                ImportAmpl(SlotCol(s, FTrancheZ), SlotGon(s, 2), z.Account, i);
                if (z.BalanceOf(perp) != 0 || a.BalanceOf(collector) != 0 || z.BalanceOf(collector) != 0 || a.BalanceOf(bond.Account) != 0 || z.BalanceOf(bond.Account) != 0)
                {
                    throw new ArgumentException($"{bond} has tranches with an account the batch does not model", nameof(system));
                }
            }
        }

        void ImportAmpl(int column, int gonAccount, int account, int lane)
        {
            var (balance, remainder) = Gons.Split(ampl.ScaledBalanceOf(account).ToBigInteger(), gpf);
            Put(column, lane, balance);
            _gons[GonIndex(gonAccount, lane)] = remainder;
        }
    }

    private static int IndexOf(IReadOnlyList<BondController> bonds, BondController bond)
    {
        for (int i = 0; i < bonds.Count; i++)
        {
            if (bonds[i] == bond)
            {
                return i;
            }
        }

        throw new ArgumentException($"{bond} was not issued by the system's issuer", nameof(bond));
    }

    private long Get(int column, int lane) => _l[(column * Count) + lane];

    private void Put(int column, int lane, long value) => _l[(column * Count) + lane] = value;

    private static int SlotCol(int slot, int field) => ScalarColumns + (slot * SlotFields) + field;

    private static int SlotGon(int slot, int which) => GonScalarAccounts + (slot * GonsPerSlot) + which;

    private int GonIndex(int account, int lane) => (account * Count) + lane;

    /// <summary>A bond as every lane knows it: its maturity date and tranche ratios (the issuer's schedule is the same in all lanes).</summary>
    private readonly record struct BondInfo(long Maturity, int RatioA, int RatioZ);
}
