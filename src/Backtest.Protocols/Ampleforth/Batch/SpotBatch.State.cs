using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backtest.Protocols.Ampleforth.Batch;

public sealed partial class SpotBatch
{
    /// <summary>Who holds or moves tokens in a lane: the holder (every agent flow), the vault, the perp contract itself, the protocol's collector.</summary>
    private enum Who
    {
        Holder,
        Vault,
        Perp,
        Collector,
    }

    // Column and lane indices are in range by construction (columns are constants or slots below
    // the capacity, lanes below Count), so reads and writes skip the array bounds check.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref long At(int column, int lane) => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_l), (column * Count) + lane);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long L(int column, int lane) => At(column, lane);

    /// <summary>A journaled write of an amount.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Set(int column, int lane, long value)
    {
        ref long cell = ref At(column, lane);
        _journal.Record((column * Count) + lane, cell);
        cell = value;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long S(int slot, int field, int lane) => At(SlotCol(slot, field), lane);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetS(int slot, int field, int lane, long value) => Set(SlotCol(slot, field), lane, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Int128 Note(int column, int lane) => _notes[(column * Count) + lane];

    private void SetNote(int column, int lane, Int128 value)
    {
        int index = (column * Count) + lane;
        _journal.RecordNote(index, _notes[index]);
        _notes[index] = value;
    }

    private static int AmplColumn(Who who) => who switch
    {
        Who.Holder => ColHolderAmpl,
        Who.Vault => ColVaultAmpl,
        Who.Perp => ColPerpAmpl,
        _ => ColCollectorAmpl,
    };

    private static int PerpColumn(Who who) => who switch
    {
        Who.Holder => ColPerpHolder,
        Who.Vault => ColPerpVault,
        Who.Perp => ColPerpSelf,
        _ => ColPerpCollector,
    };

    private static int SeniorField(Who who) => who switch
    {
        Who.Holder => FHolderA,
        Who.Vault => FVaultA,
        Who.Perp => FPerpA,
        _ => throw new InvalidOperationException("the collector holds no tranches"),
    };

    private static int JuniorField(Who who) => who switch
    {
        Who.Holder => FHolderZ,
        Who.Vault => FVaultZ,
        _ => throw new InvalidOperationException($"the {who} holds no juniors"),
    };

    /// <summary>The slot holding <paramref name="bond"/> in a lane, or −1.</summary>
    private int FindSlot(long bond, int lane)
    {
        if (bond < 0)
        {
            return -1;
        }

        for (int s = 0; s < _slots; s++)
        {
            if (S(s, FBond, lane) == bond)
            {
                return s;
            }
        }

        return -1;
    }

    /// <summary>The slot for <paramref name="bond"/>, taking a free one (journaled) if the lane holds nothing of it yet.</summary>
    private int SlotFor(long bond, int lane)
    {
        int slot = FindSlot(bond, lane);
        if (slot >= 0)
        {
            return slot;
        }

        for (int s = 0; s < _slots; s++)
        {
            if (S(s, FBond, lane) < 0)
            {
                for (int f = 0; f < SlotFields; f++)
                {
                    SetS(s, f, lane, 0);
                }

                SetS(s, FBond, lane, bond);
                return s;
            }
        }

        throw new InvalidOperationException("no free bond slot; the step reserves one per lane");
    }

    private long SecondsToMaturity(long bond) => SpotParameters.SecondsToMaturity(_bonds[(int)bond].Maturity, Now);

    private long SlotSecondsToMaturity(int slot, int lane) => SecondsToMaturity(S(slot, FBond, lane));

    private int RatioA(int slot, int lane) => _bonds[(int)S(slot, FBond, lane)].RatioA;

    private int RatioZ(int slot, int lane) => _bonds[(int)S(slot, FBond, lane)].RatioZ;

    /// <summary>AMPL transfer: v·gpf gons leave and arrive, so balances move by exactly v; refused when v exceeds the sender's balance.</summary>
    private SpotOutcome TransferAmpl(int fromColumn, int toColumn, long value, int lane)
    {
        if (value == 0)
        {
            return SpotOutcome.Ok;
        }

        long from = L(fromColumn, lane);
        if (value > from)
        {
            return SpotOutcome.AmplTransferExceedsBalance;
        }

        Set(fromColumn, lane, from - value);
        Set(toColumn, lane, L(toColumn, lane) + value);
        return SpotOutcome.Ok;
    }

    private SpotOutcome TransferTranche(int slot, int fromField, int toField, long amount, int lane)
    {
        long from = S(slot, fromField, lane);
        if (from < amount)
        {
            return SpotOutcome.TrancheTransferExceedsBalance;
        }

        SetS(slot, fromField, lane, from - amount);
        SetS(slot, toField, lane, Plus(S(slot, toField, lane), amount));
        return SpotOutcome.Ok;
    }

    private SpotOutcome BurnTranche(int slot, int supplyField, int fromField, long amount, int lane)
    {
        long from = S(slot, fromField, lane);
        if (from < amount)
        {
            return SpotOutcome.TrancheBurnExceedsBalance;
        }

        SetS(slot, fromField, lane, from - amount);
        SetS(slot, supplyField, lane, S(slot, supplyField, lane) - amount);
        return SpotOutcome.Ok;
    }

    private void MintTranche(int slot, int supplyField, int toField, long amount, int lane)
    {
        SetS(slot, supplyField, lane, Plus(S(slot, supplyField, lane), amount));
        SetS(slot, toField, lane, Plus(S(slot, toField, lane), amount));
    }

    private void MintPerps(Who to, long amount, int lane)
    {
        Set(ColPerpSupply, lane, Plus(L(ColPerpSupply, lane), amount));
        Set(PerpColumn(to), lane, Plus(L(PerpColumn(to), lane), amount));
    }

    private SpotOutcome BurnPerps(Who from, long amount, int lane)
    {
        long balance = L(PerpColumn(from), lane);
        if (balance < amount)
        {
            return SpotOutcome.PerpTokenBurnExceedsBalance;
        }

        Set(PerpColumn(from), lane, balance - amount);
        Set(ColPerpSupply, lane, L(ColPerpSupply, lane) - amount);
        return SpotOutcome.Ok;
    }

    private SpotOutcome TransferPerps(Who from, Who to, long amount, int lane)
    {
        long balance = L(PerpColumn(from), lane);
        if (balance < amount)
        {
            return SpotOutcome.PerpTokenTransferExceedsBalance;
        }

        Set(PerpColumn(from), lane, balance - amount);
        Set(PerpColumn(to), lane, Plus(L(PerpColumn(to), lane), amount));
        return SpotOutcome.Ok;
    }

    private void MintNotes(int toColumn, Int128 amount, int lane)
    {
        SetNote(NoteSupply, lane, NotePlus(Note(NoteSupply, lane), amount));
        SetNote(toColumn, lane, NotePlus(Note(toColumn, lane), amount));
    }

    private static Int128 NotePlus(Int128 a, Int128 b)
    {
        Int128 sum = unchecked(a + b);
        return ((a ^ sum) & (b ^ sum)) < 0 ? throw new LaneFault(SpotOutcome.Overflow) : sum;
    }

    /// <summary>The reserve count the perp's set would have (the underlying plus every tranche it holds).</summary>
    private int ReserveCount(int lane)
    {
        int count = 1;
        for (int s = 0; s < _slots; s++)
        {
            if (S(s, FBond, lane) >= 0 && S(s, FPerpA, lane) > 0)
            {
                count++;
            }
        }

        return count;
    }
}
