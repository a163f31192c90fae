using Backtest.Numerics;

namespace Backtest.Protocols.Ampleforth.Batch;

/// <summary>The daily step: the rebase for every lane, then the keeper's transactions lane by lane, then the day's results.</summary>
public sealed partial class SpotBatch
{
    private readonly byte[] _updateState;
    private long[] _juniorBasket = [];
    private long _issuerLastWindow;

    /// <summary>
    /// Runs day <paramref name="day"/> (which must be <see cref="Day"/>) for every lane, as
    /// <see cref="SpotSystem.RunDay"/> runs it for one path, and writes the results into
    /// <paramref name="outputs"/>.
    /// </summary>
    public void Step(int day, SpotDayInputs inputs, SpotDayOutputs outputs)
    {
        if (day != Day)
        {
            throw new ArgumentOutOfRangeException(nameof(day), day, $"the batch's next day is {Day}");
        }

        if (inputs.Count != Count || outputs.Count != Count)
        {
            throw new ArgumentException($"inputs for {inputs.Count} and outputs for {outputs.Count} lanes, batch of {Count}", nameof(inputs));
        }

        var schedule = Config.Schedule;
        var policy = _p.Policy.Policy;
        schedule.Validate(policy, day);
        Now = schedule.RebaseTime(day, policy);
        for (int i = 0; i < Count; i++)
        {
            RebaseLane(i, inputs, outputs);
        }

        Now = schedule.KeeperTime(day);
        Issue();
        ReserveFreeSlots();
        for (int i = 0; i < Count; i++)
        {
            KeeperLane(i, inputs, outputs);
        }

        FreeSlots();
        Day++;
    }

    /// <summary>The bond issuer's issue(): a new bond when an issue interval has passed since the last window.</summary>
    private void Issue()
    {
        var issuer = _p.Issuer;
        if (Now < _issuerLastWindow + issuer.MinIssueTimeIntervalSec)
        {
            return;
        }

        _issuerLastWindow = Now - ((Now - issuer.IssueWindowOffsetSec) % issuer.MinIssueTimeIntervalSec);
        _bonds.Add(new BondInfo(_issuerLastWindow + issuer.MaxMaturityDuration, issuer.TrancheRatios[0], issuer.TrancheRatios[1]));
    }

    private void RebaseLane(int i, SpotDayInputs inputs, SpotDayOutputs outputs)
    {
        var policy = _p.Policy.Policy;
        long supply = L(ColSupply, i);
        long newSupply = supply;
        SpotOutcome outcome;
        if (L(ColLastRebase, i) + policy.MinRebaseTimeIntervalSec >= Now)
        {
            outcome = SpotOutcome.PolicyRebaseTooSoon;
        }
        else
        {
            outcome = _p.Policy.SupplyDelta(supply, inputs.MarketRate[i], inputs.MarketValid[i], inputs.TargetRate[i], inputs.TargetValid[i], out long delta);
            if (outcome == SpotOutcome.Ok && delta != 0)
            {
                Int128 next = (Int128)supply + delta;
                outcome = next <= 0 ? SpotOutcome.AmplSupplyUnderflow : next > long.MaxValue ? SpotOutcome.Overflow : SpotOutcome.Ok;
                newSupply = outcome == SpotOutcome.Ok ? (long)next : supply;
            }

            if (outcome == SpotOutcome.Ok)
            {
                Put(ColLastRebase, i, Now - (Now % policy.MinRebaseTimeIntervalSec) + policy.RebaseWindowOffsetSec);
                Put(ColEpoch, i, L(ColEpoch, i) + 1);
                if (newSupply != supply)
                {
                    RebaseGons(i, newSupply);
                }
            }
        }

        outputs.RebaseOutcome[i] = outcome;
        outputs.SupplyDelta[i] = newSupply - supply;
        outputs.AmplSupply[i] = newSupply;
    }

    /// <summary>Moves every AMPL account of a lane to the rate of the new supply.</summary>
    private void RebaseGons(int i, long newSupply)
    {
        ref U256 rate = ref _gons[GonIndex(GonRate, i)];
        var old = rate;
        var next = Gons.PerFragment(newSupply);
        int shift = Gons.ShiftFor(next);
        ulong top = (ulong)next.ShiftRightTo128(shift);
        ulong reciprocal = Gons.Reciprocal(top);
        for (int a = 0; a < ScalarAmplColumns.Length; a++)
        {
            RebaseAccount(ScalarAmplColumns[a], 1 + a, i, old, next, shift, top, reciprocal);
        }

        for (int s = 0; s < _slots; s++)
        {
            if (S(s, FBond, i) < 0)
            {
                continue;
            }

            for (int k = 0; k < GonsPerSlot; k++)
            {
                RebaseAccount(SlotCol(s, SlotAmplFields[k]), SlotGon(s, k), i, old, next, shift, top, reciprocal);
            }
        }

        rate = next;
        Put(ColSupply, i, newSupply);
    }

    private void RebaseAccount(int column, int gonAccount, int i, in U256 old, in U256 next, int shift, ulong top, ulong reciprocal)
    {
        ref long balance = ref _l[(column * Count) + i];
        ref U256 remainder = ref _gons[GonIndex(gonAccount, i)];
        if (balance != 0 || !remainder.IsZero)
        {
            Gons.Rebase(ref balance, ref remainder, old, next, shift, top, reciprocal);
        }
    }

    private void KeeperLane(int i, SpotDayInputs inputs, SpotDayOutputs outputs)
    {
        var state = Transaction(i, UpdateStateCore);
        _updateState[i] = (byte)(state + 1);
        outputs.UpdateStateOutcome[i] = state;

        Flows(i, inputs, outputs);

        outputs.RecoverOutcome[i] = Recover(i);
        outputs.HolderMaturityOutcome[i] = HolderMaturity(i);

        outputs.RolloverDueValue[i] = RolloverValue(i);
        outputs.DeployOutcome[i] = Transaction(i, Deploy);
        outputs.RolloverLeftValue[i] = RolloverValue(i);

        var rebalance = default(RebalanceResult);
        var rebalanced = SpotOutcome.NotRequested;
        if (_p.IsV5)
        {
            var mark = _journal.Mark;
            try
            {
                rebalanced = Rebalance(i, ref rebalance);
            }
            catch (LaneFault fault)
            {
                rebalanced = fault.Outcome;
            }

            End(mark, rebalanced);
            if (rebalanced != SpotOutcome.Ok)
            {
                rebalance = default;
            }
        }

        outputs.RebalanceOutcome[i] = rebalanced;
        outputs.FeesClaimed[i] = rebalance.FeesClaimed;
        outputs.RebalanceAmount[i] = rebalance.Amount;
        outputs.RebalancePerps[i] = rebalance.Perps;
        outputs.ProtocolPerps[i] = rebalance.ProtocolPerps;
        outputs.ProtocolNotes[i] = rebalance.ProtocolNotes;
        EndOfDay(i, outputs);
    }

    private void Flows(int i, SpotDayInputs inputs, SpotDayOutputs outputs)
    {
        long fee = 0;
        long ampl = 0;
        long tranches = 0;

        long perpRedeem = inputs.PerpRedeem[i];
        if (perpRedeem != 0)
        {
            var outcome = Transaction(i, lane =>
            {
                var o = PerpRedeem(Who.Holder, perpRedeem, lane, out ulong reserve, out fee);
                ampl = _basketAmpl;
                tranches = 0;
                for (int s = 0; s < _slots; s++)
                {
                    if ((reserve & (1UL << s)) != 0)
                    {
                        tranches = Plus(tranches, _basket[s]);
                    }
                }

                return o;
            });
            outputs.PerpRedeem.Set(i, outcome, fee, ampl, tranches);
        }
        else
        {
            outputs.PerpRedeem.Set(i, SpotOutcome.NotRequested, 0, 0, 0);
        }

        Int128 vaultRedeem = inputs.VaultRedeem[i];
        if (vaultRedeem != 0)
        {
            var outcome = Transaction(i, lane => VaultRedeem(vaultRedeem, lane, out ampl, out tranches, out fee));
            outputs.VaultRedeem.Set(i, outcome, fee, ampl, tranches);
        }
        else
        {
            outputs.VaultRedeem.Set(i, SpotOutcome.NotRequested, 0, 0, 0);
        }

        long perpsIn = inputs.SwapPerpsForUnderlying[i];
        if (perpsIn != 0)
        {
            var outcome = Transaction(i, lane => SwapPerpsForUnderlying(perpsIn, lane, out ampl, out fee));
            outputs.SwapPerpsForUnderlying.Set(i, outcome, fee, ampl, 0);
        }
        else
        {
            outputs.SwapPerpsForUnderlying.Set(i, SpotOutcome.NotRequested, 0, 0, 0);
        }

        long amplIn = inputs.SwapUnderlyingForPerps[i];
        if (amplIn != 0)
        {
            long perps = 0;
            var outcome = Transaction(i, lane => SwapUnderlyingForPerps(amplIn, lane, out perps, out fee));
            outputs.SwapUnderlyingForPerps.Set(i, outcome, fee, perps, 0);
        }
        else
        {
            outputs.SwapUnderlyingForPerps.Set(i, SpotOutcome.NotRequested, 0, 0, 0);
        }

        long mintAmpl = inputs.PerpMint[i];
        if (mintAmpl != 0)
        {
            long perps = 0;
            var outcome = Transaction(i, lane =>
            {
                fee = 0;
                var o = DepositBond(lane, out long bond);
                long seniors = 0;
                if (o == SpotOutcome.Ok)
                {
                    o = BondDeposit(bond, Who.Holder, mintAmpl, lane, out seniors);
                }

                return o == SpotOutcome.Ok ? PerpDeposit(Who.Holder, bond, seniors, lane, out perps, out fee) : o;
            });
            outputs.PerpMint.Set(i, outcome, fee, perps, 0);
        }
        else
        {
            outputs.PerpMint.Set(i, SpotOutcome.NotRequested, 0, 0, 0);
        }

        long deposit = inputs.VaultDeposit[i];
        if (deposit != 0)
        {
            Int128 notes = 0;
            var outcome = Transaction(i, lane => VaultDeposit(deposit, lane, out notes, out fee));
            outputs.VaultDeposit.Set(i, outcome, fee, notes, 0);
        }
        else
        {
            outputs.VaultDeposit.Set(i, SpotOutcome.NotRequested, 0, 0, 0);
        }
    }

    /// <summary>The vault's recovery: each matured tranche and each immature senior above dust, its own transaction.</summary>
    private SpotOutcome Recover(int i)
    {
        ulong seniors = 0;
        ulong juniors = 0;
        for (int s = 0; s < _slots; s++)
        {
            if (S(s, FBond, i) < 0)
            {
                continue;
            }

            bool matured = SlotSecondsToMaturity(s, i) <= 0;
            long senior = S(s, FVaultA, i);
            if (senior > 0 && (matured || senior > _p.Dust))
            {
                seniors |= 1UL << s;
            }

            if (matured && S(s, FVaultZ, i) > 0)
            {
                juniors |= 1UL << s;
            }
        }

        if ((seniors | juniors) == 0)
        {
            return SpotOutcome.NotRequested;
        }

        var outcome = SpotOutcome.NotRequested;
        for (int s = 0; s < _slots; s++)
        {
            for (int k = 0; k < 2; k++)
            {
                bool senior = k == 0;
                if (((senior ? seniors : juniors) & (1UL << s)) == 0)
                {
                    continue;
                }

                outcome = FirstRefusal(outcome, Transaction(i, lane => RedeemTranche(s, senior, lane)));
            }
        }

        return outcome;
    }

    /// <summary>The holder redeems both tranches of each matured bond it holds, one transaction per bond.</summary>
    private SpotOutcome HolderMaturity(int i)
    {
        var outcome = SpotOutcome.NotRequested;
        for (int s = 0; s < _slots; s++)
        {
            if (S(s, FBond, i) < 0 || SlotSecondsToMaturity(s, i) > 0 || (S(s, FHolderA, i) <= 0 && S(s, FHolderZ, i) <= 0))
            {
                continue;
            }

            var result = Transaction(i, lane =>
            {
                var o = S(s, FMature, lane) == 0 ? Mature(s, lane) : SpotOutcome.Ok;
                if (o == SpotOutcome.Ok && S(s, FHolderA, lane) > 0)
                {
                    o = RedeemMature(s, true, Who.Holder, S(s, FHolderA, lane), lane);
                }

                if (o == SpotOutcome.Ok && S(s, FHolderZ, lane) > 0)
                {
                    o = RedeemMature(s, false, Who.Holder, S(s, FHolderZ, lane), lane);
                }

                return o;
            });
            outcome = FirstRefusal(outcome, result);
        }

        return outcome;
    }

    /// <summary>The combined outcome of several transactions: NotRequested for none, else the first refusal, else Ok.</summary>
    private static SpotOutcome FirstRefusal(SpotOutcome sofar, SpotOutcome next) =>
        sofar is SpotOutcome.NotRequested or SpotOutcome.Ok ? next : sofar;

    /// <summary>The perp's AMPL plus its tranches up for rollover, at the reserve valuation.</summary>
    private long RolloverValue(int i)
    {
        long value = L(ColPerpAmpl, i);
        for (int s = 0; s < _slots; s++)
        {
            long balance = S(s, FPerpA, i);
            if (balance > 0 && IsReadyForRollout(S(s, FBond, i)))
            {
                value = Plus(value, PerpTrancheValue(s, balance, Rounding.Ceiling, i));
            }
        }

        return value;
    }

    private void EndOfDay(int i, SpotDayOutputs outputs)
    {
        long perpTvl = ReserveValue(i);
        if (VaultTvl(i, out long vaultTvl) != SpotOutcome.Ok)
        {
            throw new InvalidOperationException($"lane {i}: the vault holds a tranche with no supply");
        }

        outputs.PerpTvl[i] = perpTvl;
        outputs.PerpSupply[i] = L(ColPerpSupply, i);
        outputs.VaultTvl[i] = vaultTvl;
        outputs.NoteSupply[i] = Note(NoteSupply, i);
        Int128 dr = -1;
        long deposit = L(ColDepositBond, i);
        if (perpTvl > 0 && (_p.IsV5 || deposit >= 0))
        {
            var outcome = _p.IsV5 ? DrV5(perpTvl, vaultTvl, out dr) : DrV3(perpTvl, vaultTvl, _bonds[(int)deposit].RatioA, out dr);
            dr = outcome == SpotOutcome.Ok ? dr : -1;
        }

        outputs.DeviationRatio[i] = dr;
        outputs.PerpAmpl[i] = L(ColPerpAmpl, i);
        outputs.VaultAmpl[i] = L(ColVaultAmpl, i);
        long coverage = long.MaxValue;
        for (int s = 0; s < _slots; s++)
        {
            if (S(s, FPerpA, i) > 0)
            {
                long collateral = S(s, FMature, i) != 0 ? S(s, FTrancheA, i) : S(s, FCollateral, i);
                coverage = Math.Min(coverage, MulDiv(collateral, One, S(s, FSupplyA, i), Rounding.Floor));
            }
        }

        outputs.SeniorCoverage[i] = coverage;
    }

    /// <summary>Runs one contract call as a transaction: on a refusal (returned or raised) every write it made is undone.</summary>
    private SpotOutcome Transaction(int lane, Func<int, SpotOutcome> call)
    {
        var mark = _journal.Mark;
        SpotOutcome outcome;
        try
        {
            outcome = call(lane);
        }
        catch (LaneFault fault)
        {
            outcome = fault.Outcome;
        }

        End(mark, outcome);
        return outcome;
    }

    private void End((int Amounts, int Notes) mark, SpotOutcome outcome)
    {
        if (outcome != SpotOutcome.Ok)
        {
            _journal.Undo(mark, _l, _notes);
        }
        else
        {
            _journal.Commit(mark);
        }
    }

    /// <summary>Makes sure every lane has a free bond slot for the day's deposit bond, growing every lane's slots if one has none.</summary>
    private void ReserveFreeSlots()
    {
        for (int i = 0; i < Count; i++)
        {
            bool free = false;
            for (int s = 0; s < _slots && !free; s++)
            {
                free = S(s, FBond, i) < 0;
            }

            if (!free)
            {
                Grow(_slots + 2);
                return;
            }
        }

        if (_basket.Length < _slots)
        {
            _basket = new long[_slots];
            _juniorBasket = new long[_slots];
        }
    }

    private void Grow(int slots)
    {
        if (slots > 64)
        {
            throw new InvalidOperationException($"a lane needs more than 64 bond slots");
        }

        var amounts = new long[(ScalarColumns + (slots * SlotFields)) * Count];
        Array.Copy(_l, amounts, _l.Length);
        var gons = new U256[(GonScalarAccounts + (slots * GonsPerSlot)) * Count];
        Array.Copy(_gons, gons, _gons.Length);
        _l = amounts;
        _gons = gons;
        for (int s = _slots; s < slots; s++)
        {
            Array.Fill(_l, -1, SlotCol(s, FBond) * Count, Count);
        }

        _slots = slots;
        _basket = new long[slots];
        _juniorBasket = new long[slots];
    }

    /// <summary>
    /// Frees slots of bonds that can no longer matter in a lane: no debt (so no tranche is held
    /// anywhere) and not the deposit bond (no deposit can reach it). What AMPL dust their
    /// accounts hold is never read again.
    /// </summary>
    private void FreeSlots()
    {
        for (int i = 0; i < Count; i++)
        {
            long deposit = L(ColDepositBond, i);
            for (int s = 0; s < _slots; s++)
            {
                long bond = S(s, FBond, i);
                if (bond < 0 || bond == deposit || S(s, FDebt, i) != 0)
                {
                    continue;
                }

                for (int f = 0; f < SlotFields; f++)
                {
                    Put(SlotCol(s, f), i, 0);
                }

                Put(SlotCol(s, FBond), i, -1);
                for (int k = 0; k < GonsPerSlot; k++)
                {
                    _gons[GonIndex(SlotGon(s, k), i)] = default;
                }
            }
        }
    }
}
