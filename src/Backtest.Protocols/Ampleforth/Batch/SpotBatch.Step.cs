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
        var updateState = new UpdateStateCall();
        var state = Transaction(i, ref updateState);
        _updateState[i] = (byte)(state + 1);
        outputs.UpdateStateOutcome[i] = state;

        Flows(i, inputs, outputs);

        outputs.RecoverOutcome[i] = Recover(i);
        outputs.HolderMaturityOutcome[i] = HolderMaturity(i);

        long due = RolloverValue(i);
        outputs.RolloverDueValue[i] = due;
        if (L(ColPerpAmpl, i) > 0 || ReadyReserveSlot(i) >= 0)
        {
            var deploy = new DeployCall();
            outputs.DeployOutcome[i] = Transaction(i, ref deploy);
            outputs.RolloverLeftValue[i] = RolloverValue(i);
        }
        else
        {
            outputs.DeployOutcome[i] = DeployWithNothingToRoll(i);
            outputs.RolloverLeftValue[i] = due;
        }

        var rebalance = new RebalanceCall();
        var rebalanced = _p.IsV5 ? Transaction(i, ref rebalance) : SpotOutcome.NotRequested;
        var result = rebalanced == SpotOutcome.Ok ? rebalance.Result : default;
        outputs.RebalanceOutcome[i] = rebalanced;
        outputs.FeesClaimed[i] = result.FeesClaimed;
        outputs.RebalanceAmount[i] = result.Amount;
        outputs.RebalancePerps[i] = result.Perps;
        outputs.ProtocolPerps[i] = result.ProtocolPerps;
        outputs.ProtocolNotes[i] = result.ProtocolNotes;
        EndOfDay(i, outputs);
    }

    /// <summary>
    /// What <see cref="Deploy"/> returns when the perp has nothing up for rollover, without doing
    /// it: its checks in its order up to the bond deposit (including that deposit's own refusals
    /// and arithmetic), then InsufficientDeployment, since nothing can roll; every write the
    /// deploy would make is undone by that refusal anyway.
    /// </summary>
    private SpotOutcome DeployWithNothingToRoll(int lane)
    {
        try
        {
            long balance = L(ColVaultAmpl, lane);
            if (!_p.IsV5 && _p.V3!.VaultDeploymentFee > 0)
            {
                if (_p.V3.VaultDeploymentFee > balance)
                {
                    return SpotOutcome.AmplTransferExceedsBalance;
                }

                balance -= _p.V3.VaultDeploymentFee;
            }

            long vaultTvl = _p.IsV5 && _p.ReservedUnderlyingPerc != 0 ? VaultTvl(lane) : 0;
            var outcome = ReservedBalance(vaultTvl, null, lane, out long reserved);
            if (outcome != SpotOutcome.Ok)
            {
                return outcome;
            }

            long usable = balance > reserved ? balance - reserved : 0;
            if (usable <= _p.MinDeploymentAmt)
            {
                return SpotOutcome.VaultInsufficientDeployment;
            }

            outcome = DepositBond(lane, out long bond);
            return outcome != SpotOutcome.Ok ? outcome : CheckBondDeposit(bond, usable, lane);
        }
        catch (LaneFault fault)
        {
            return fault.Outcome;
        }
    }

    /// <summary>The refusal <see cref="BondDeposit"/> of the vault's AMPL would meet, or InsufficientDeployment when it would go through (nothing then rolls).</summary>
    private SpotOutcome CheckBondDeposit(long bond, long amount, int lane)
    {
        var refusal = BondDepositTerms(bond, amount, lane, out _, out long a, out long z);
        if (refusal != SpotOutcome.Ok)
        {
            return refusal;
        }

        // Minting the tranches, for its overflow refusals.
        int slot = FindSlot(bond, lane);
        if (slot >= 0)
        {
            Plus(S(slot, FSupplyA, lane), a);
            Plus(S(slot, FSupplyZ, lane), z);
        }

        return SpotOutcome.VaultInsufficientDeployment;
    }

    private void Flows(int i, SpotDayInputs inputs, SpotDayOutputs outputs)
    {
        var perpRedeem = new PerpRedeemCall(inputs.PerpRedeem[i]);
        FlowOutcome(i, ref perpRedeem, perpRedeem.Amount != 0, outputs.PerpRedeem);
        var vaultRedeem = new VaultRedeemCall(inputs.VaultRedeem[i]);
        FlowOutcome(i, ref vaultRedeem, vaultRedeem.Notes != 0, outputs.VaultRedeem);
        var sell = new SwapPerpsCall(inputs.SwapPerpsForUnderlying[i]);
        FlowOutcome(i, ref sell, sell.Amount != 0, outputs.SwapPerpsForUnderlying);
        var buy = new SwapAmplCall(inputs.SwapUnderlyingForPerps[i]);
        FlowOutcome(i, ref buy, buy.Amount != 0, outputs.SwapUnderlyingForPerps);
        var mint = new PerpMintCall(inputs.PerpMint[i]);
        FlowOutcome(i, ref mint, mint.Amount != 0, outputs.PerpMint);
        var deposit = new VaultDepositCall(inputs.VaultDeposit[i]);
        FlowOutcome(i, ref deposit, deposit.Amount != 0, outputs.VaultDeposit);
    }

    private void FlowOutcome<T>(int i, ref T call, bool requested, SpotFlowOutputs outputs)
        where T : struct, IFlowCall
    {
        if (!requested)
        {
            outputs.Set(i, SpotOutcome.NotRequested, 0, 0, 0);
            return;
        }

        var outcome = Transaction(i, ref call);
        outputs.Set(i, outcome, call.FeePerc, call.Out, call.TranchesOut);
    }

    /// <summary>The vault's recovery: each matured tranche and each immature senior above dust, its own transaction.</summary>
    private SpotOutcome Recover(int i)
    {
        var outcome = SpotOutcome.NotRequested;
        for (int s = 0; s < _slots; s++)
        {
            if (S(s, FBond, i) < 0)
            {
                continue;
            }

            // Both candidates of a slot are chosen before either runs, as the list recover() walks is.
            bool matured = SlotSecondsToMaturity(s, i) <= 0;
            long senior = S(s, FVaultA, i);
            bool seniorDue = senior > 0 && (matured || senior > _p.Dust);
            bool juniorDue = matured && S(s, FVaultZ, i) > 0;
            if (seniorDue)
            {
                var call = new RedeemTrancheCall(s, true);
                outcome = FirstRefusal(outcome, Transaction(i, ref call));
            }

            if (juniorDue)
            {
                var call = new RedeemTrancheCall(s, false);
                outcome = FirstRefusal(outcome, Transaction(i, ref call));
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

            var call = new HolderMaturityCall(s);
            outcome = FirstRefusal(outcome, Transaction(i, ref call));
        }

        return outcome;
    }

    /// <summary>The holder's redemption of one matured bond: mature it if need be, then redeem both tranches.</summary>
    private SpotOutcome RedeemHolderMatured(int s, int lane)
    {
        var outcome = S(s, FMature, lane) == 0 ? Mature(s, lane) : SpotOutcome.Ok;
        if (outcome == SpotOutcome.Ok && S(s, FHolderA, lane) > 0)
        {
            outcome = RedeemMature(s, true, Who.Holder, S(s, FHolderA, lane), lane);
        }

        if (outcome == SpotOutcome.Ok && S(s, FHolderZ, lane) > 0)
        {
            outcome = RedeemMature(s, false, Who.Holder, S(s, FHolderZ, lane), lane);
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
        long vaultTvl = VaultTvl(i);

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
    private SpotOutcome Transaction<T>(int lane, ref T call)
        where T : struct, ILaneCall
    {
        var mark = _journal.Mark;
        SpotOutcome outcome;
        try
        {
            outcome = call.Run(this, lane);
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
