using Backtest.Numerics;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Spot;

namespace Backtest.Protocols.Ampleforth.Batch;

/// <summary>
/// The contract operations on one lane, each a port of the contract model's method of the same
/// name (same checks in the same order, same roundings), returning the outcome instead of
/// throwing. They write through the journal; the transaction that called them undoes the writes
/// on a refusal.
/// </summary>
public sealed partial class SpotBatch
{
    private const int Granularity = BondController.TrancheRatioGranularity;

    private long[] _basket = [];
    private long _basketAmpl;

    // ---- bonds (BondController, Tranche) ----

    /// <summary>BondController.deposit by <paramref name="caller"/>: tranches at the current debt/collateral ratio.</summary>
    private SpotOutcome BondDeposit(long bond, Who caller, long amount, int lane, out long seniors)
    {
        seniors = 0;
        var refusal = BondDepositTerms(bond, amount, lane, out long debt, out long a, out long z);
        if (refusal != SpotOutcome.Ok)
        {
            return refusal;
        }

        int slot = SlotFor(bond, lane);
        SetS(slot, FDebt, lane, Plus(debt, Plus(a, z)));
        var outcome = TransferAmpl(AmplColumn(caller), SlotCol(slot, FCollateral), amount, lane);
        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        MintTranche(slot, FSupplyA, SeniorField(caller), a, lane);
        MintTranche(slot, FSupplyZ, JuniorField(caller), z, lane);
        seniors = a;
        return SpotOutcome.Ok;
    }

    /// <summary>
    /// BondController.deposit's checks and the tranche amounts it would mint, before anything
    /// moves: a refusal, or Ok with the bond's debt and the senior (<paramref name="a"/>) and junior
    /// (<paramref name="z"/>) amounts; an amount whose new debt would overflow faults as the deposit does.
    /// </summary>
    private SpotOutcome BondDepositTerms(long bond, long amount, int lane, out long debt, out long a, out long z)
    {
        a = z = 0;
        int slot = FindSlot(bond, lane);
        debt = slot >= 0 ? S(slot, FDebt, lane) : 0;
        if (amount <= 0)
        {
            return SpotOutcome.BondInvalidAmount;
        }

        if (debt == 0 && amount < BondController.MinimumValidDebt)
        {
            return SpotOutcome.BondInvalidInitialAmount;
        }

        if (slot >= 0 && S(slot, FMature, lane) != 0)
        {
            return SpotOutcome.BondAlreadyMature;
        }

        long collateral = slot >= 0 ? S(slot, FCollateral, lane) : 0;
        var info = _bonds[(int)bond];
        a = MulDiv(amount, info.RatioA, Granularity, Rounding.Floor);
        z = MulDiv(amount, info.RatioZ, Granularity, Rounding.Floor);
        if (collateral > 0)
        {
            a = MulDiv(a, debt, collateral, Rounding.Floor);
            z = MulDiv(z, debt, collateral, Rounding.Floor);
        }

        Plus(debt, Plus(a, z));
        return SpotOutcome.Ok;
    }

    /// <summary>BondController.mature: the senior gets min(supply, C), the junior the rest; each tranche then redeems the bond's own (zero) balance, which divides by the tranche's supply.</summary>
    private SpotOutcome Mature(int slot, int lane)
    {
        if (S(slot, FMature, lane) != 0)
        {
            return SpotOutcome.BondAlreadyMature;
        }

        if (_bonds[(int)S(slot, FBond, lane)].Maturity >= Now)
        {
            return SpotOutcome.BondInvalidCallToMature;
        }

        SetS(slot, FMature, lane, 1);
        long collateral = S(slot, FCollateral, lane);
        if (collateral > 0)
        {
            long amount = Math.Min(S(slot, FSupplyA, lane), collateral);
            collateral -= amount;
            TransferAmpl(SlotCol(slot, FCollateral), SlotCol(slot, FTrancheA), amount, lane);
            if (S(slot, FSupplyA, lane) == 0)
            {
                return SpotOutcome.BondDivisionByZero;
            }
        }

        if (collateral > 0)
        {
            TransferAmpl(SlotCol(slot, FCollateral), SlotCol(slot, FTrancheZ), collateral, lane);
            if (S(slot, FSupplyZ, lane) == 0)
            {
                return SpotOutcome.BondDivisionByZero;
            }
        }

        return SpotOutcome.Ok;
    }

    /// <summary>BondController.redeemMature: the tranche pays its collateral·amount/supply (rounded down).</summary>
    private SpotOutcome RedeemMature(int slot, bool senior, Who caller, long amount, int lane)
    {
        if (S(slot, FMature, lane) == 0)
        {
            return SpotOutcome.BondNotMature;
        }

        int supplyField = senior ? FSupplyA : FSupplyZ;
        int accountField = senior ? FTrancheA : FTrancheZ;
        long supply = S(slot, supplyField, lane);
        if (supply == 0)
        {
            return SpotOutcome.BondDivisionByZero;
        }

        long paid = MulDiv(S(slot, accountField, lane), amount, supply, Rounding.Floor);
        var outcome = BurnTranche(slot, supplyField, senior ? SeniorField(caller) : JuniorField(caller), amount, lane);
        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        outcome = TransferAmpl(SlotCol(slot, accountField), AmplColumn(caller), paid, lane);
        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        SetS(slot, FDebt, lane, S(slot, FDebt, lane) - amount);
        return SpotOutcome.Ok;
    }

    /// <summary>
    /// BondController.redeem (early): amounts exactly in ratio pay total·C/D. The only caller
    /// (the vault's meld) passes k·rA seniors and k·rZ juniors, as RedeemableTrancheAmounts
    /// gives them; with rA + rZ = 1000 the contract's ratio check ⌊k·rᵢ·1000/(1000·k)⌋ = rᵢ
    /// holds exactly, so it is not recomputed.
    /// </summary>
    private SpotOutcome RedeemEarly(int slot, Who caller, long seniors, long juniors, int lane)
    {
        if (S(slot, FMature, lane) != 0)
        {
            return SpotOutcome.BondAlreadyMature;
        }

        long total = Plus(seniors, juniors);
        if (total == 0)
        {
            return SpotOutcome.BondDivisionByZero;
        }

        var outcome = BurnTranche(slot, FSupplyA, SeniorField(caller), seniors, lane);
        if (outcome == SpotOutcome.Ok)
        {
            outcome = BurnTranche(slot, FSupplyZ, JuniorField(caller), juniors, lane);
        }

        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        long debt = S(slot, FDebt, lane);
        long paid = MulDiv(total, S(slot, FCollateral, lane), debt, Rounding.Floor);
        SetS(slot, FDebt, lane, debt - total);
        return TransferAmpl(SlotCol(slot, FCollateral), AmplColumn(caller), paid, lane);
    }

    // ---- valuation ----

    /// <summary>The perp's value of tranche units (v3+): min(supply, C)·amount/supply rounded as named; the amount itself for a tranche with no supply.</summary>
    private long PerpTrancheValue(int slot, long amount, Rounding rounding, int lane)
    {
        long supply = slot >= 0 ? S(slot, FSupplyA, lane) : 0;
        if (supply <= 0)
        {
            return amount;
        }

        long claim = Math.Min(supply, S(slot, FCollateral, lane));

        // claim·amount/supply is exact, whatever the rounding, when either factor equals the supply.
        return claim == supply ? amount : amount == supply ? claim : MulDiv(claim, amount, supply, rounding);
    }

    /// <summary>The perp's reserve value: its AMPL plus every tranche it holds, each rounded up.</summary>
    private long ReserveValue(int lane)
    {
        long total = L(ColPerpAmpl, lane);
        for (int s = 0; s < _slots; s++)
        {
            long balance = S(s, FPerpA, lane);
            if (balance > 0)
            {
                total = Plus(total, PerpTrancheValue(s, balance, Rounding.Ceiling, lane));
            }
        }

        return total;
    }

    /// <summary>
    /// TrancheMath.TrancheValue: a tranche's claim (the tranche's own AMPL after maturity; before,
    /// the senior's min(S, C) or the junior's residual) times amount/supply, rounded up. The
    /// contract's division by a zero supply cannot happen here: the vault holds some of the tranche.
    /// </summary>
    private long VaultTrancheValue(int slot, bool senior, long amount, int lane)
    {
        long supply = S(slot, senior ? FSupplyA : FSupplyZ, lane);
        long claim;
        if (S(slot, FMature, lane) != 0)
        {
            claim = S(slot, senior ? FTrancheA : FTrancheZ, lane);
        }
        else
        {
            long collateral = S(slot, FCollateral, lane);
            claim = senior ? Math.Min(supply, collateral) : collateral - Math.Min(S(slot, FDebt, lane) - supply, collateral);
        }

        if (supply < amount)
        {
            throw new InvalidOperationException("the vault holds more of a tranche than its supply");
        }

        return claim == supply ? amount : amount == supply ? claim : MulDiv(claim, amount, supply, Rounding.Ceiling);
    }

    /// <summary>The vault's TVL: its AMPL plus each tranche above dust (it cannot revert: see <see cref="VaultTrancheValue"/>).</summary>
    private long VaultTvl(int lane)
    {
        long total = L(ColVaultAmpl, lane);
        long dust = _p.Dust;
        for (int s = 0; s < _slots; s++)
        {
            long seniors = S(s, FVaultA, lane);
            if (seniors > dust)
            {
                total = Plus(total, VaultTrancheValue(s, true, seniors, lane));
            }

            long juniors = S(s, FVaultZ, lane);
            if (juniors > dust)
            {
                total = Plus(total, VaultTrancheValue(s, false, juniors, lane));
            }
        }

        return total;
    }

    /// <summary>RolloverVault.QuerySystemTvl: the perp's state update, its TVL and the vault's.</summary>
    private SpotOutcome SystemTvl(int lane, out long perpTvl, out long vaultTvl)
    {
        perpTvl = 0;
        vaultTvl = 0;
        var outcome = UpdateState(lane);
        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        perpTvl = ReserveValue(lane);
        vaultTvl = VaultTvl(lane);
        return SpotOutcome.Ok;
    }

    // ---- the perp ----

    private bool IsValidDepositBond(long bond) => SecondsToMaturity(bond) < _p.MaxTrancheMaturitySec;

    private bool IsReadyForRollout(long bond) => SecondsToMaturity(bond) <= _p.MinTrancheMaturitySec;

    /// <summary>
    /// The perp's state update, run once per lane per keeper step (later calls in the step see its
    /// result: it adopts no new bond and redeems nothing more, or it fails the same way again).
    /// </summary>
    private SpotOutcome UpdateState(int lane) => (SpotOutcome)(_updateState[lane] - 1);

    private SpotOutcome UpdateStateCore(int lane)
    {
        long latest = _bonds.Count - 1;
        if (latest != L(ColDepositBond, lane) && IsValidDepositBond(latest))
        {
            Set(ColDepositBond, lane, latest);
        }

        for (int s = _slots - 1; s >= 0; s--)
        {
            long balance = S(s, FPerpA, lane);
            if (balance <= 0 || SlotSecondsToMaturity(s, lane) > 0)
            {
                continue;
            }

            if (S(s, FMature, lane) == 0)
            {
                var matured = Mature(s, lane);
                if (matured != SpotOutcome.Ok)
                {
                    return matured;
                }
            }

            var outcome = RedeemMature(s, true, Who.Perp, balance, lane);
            if (outcome != SpotOutcome.Ok)
            {
                return outcome;
            }
        }

        return SpotOutcome.Ok;
    }

    /// <summary>The deposit bond after the state update, or the perp's UnexpectedAsset when it has none.</summary>
    private SpotOutcome DepositBond(int lane, out long bond)
    {
        bond = -1;
        var outcome = UpdateState(lane);
        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        bond = L(ColDepositBond, lane);
        return bond < 0 ? SpotOutcome.PerpUnexpectedAsset : SpotOutcome.Ok;
    }

    /// <summary>PerpetualTranche.deposit of deposit-bond seniors.</summary>
    private SpotOutcome PerpDeposit(Who caller, long bond, long amount, int lane, out long minted, out long feePerc)
    {
        minted = 0;
        feePerc = 0;
        var outcome = UpdateState(lane);
        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        int slot = FindSlot(bond, lane);
        long supply = L(ColPerpSupply, lane);
        long valueIn = PerpTrancheValue(slot, amount, Rounding.Floor, lane);
        long perpTvl = ReserveValue(lane);
        if (supply > 0 && perpTvl == 0)
        {
            return SpotOutcome.PerpDivisionByZero;
        }

        long mint = supply > 0 ? MulDiv(valueIn, supply, perpTvl, Rounding.Floor) : valueIn;
        bool protocol = caller == Who.Vault;
        long feeToPerp = 0;
        if (_p.IsV5)
        {
            // The contract reads the vault's TVL for every caller; it is used (and can only matter) for others than the vault.
            Int128 fee = 0;
            if (!protocol)
            {
                long vaultTvl = VaultTvl(lane);
                outcome = FeeV5(perpTvl, vaultTvl, Plus(perpTvl, valueIn), vaultTvl, out fee);
                if (outcome != SpotOutcome.Ok)
                {
                    return outcome;
                }
            }

            if (fee > 0)
            {
                feeToPerp = ToAmount(MulDiv((Int128)mint, fee, One, Rounding.Ceiling));
                if (feeToPerp > mint)
                {
                    return SpotOutcome.PerpArithmeticUnderflow;
                }
            }

            feePerc = Saturate(fee);
            mint -= feeToPerp;
        }
        else if (!protocol)
        {
            outcome = DrV3(Plus(perpTvl, valueIn), VaultTvl(lane), RatioOfDeposit(lane), out Int128 dr);
            feePerc = _p.V3!.PerpMintFeePerc(dr);
            if (outcome != SpotOutcome.Ok)
            {
                return outcome;
            }

            if (feePerc > 0)
            {
                mint = MulDiv(mint, One - feePerc, One, Rounding.Floor);
            }
        }

        if (amount <= 0 || mint <= 0)
        {
            return SpotOutcome.Ok;
        }

        slot = SlotFor(bond, lane);
        bool added = S(slot, FPerpA, lane) == 0;
        outcome = TransferTranche(slot, SeniorField(caller), FPerpA, amount, lane);
        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        if (added && _p.IsV5 && ReserveCount(lane) > PerpetualTranche.MaxReserveCount)
        {
            return SpotOutcome.PerpReserveCountOverLimit;
        }

        MintPerps(caller, mint, lane);
        if (feeToPerp > 0)
        {
            MintPerps(Who.Perp, feeToPerp, lane);
        }

        minted = mint;
        return EnforceMintCaps(slot, lane);
    }

    private SpotOutcome EnforceMintCaps(int depositSlot, int lane)
    {
        if (L(ColPerpSupply, lane) > _p.MaxSupply)
        {
            return SpotOutcome.PerpExceededMaxSupply;
        }

        // With the default 100% cap the share can never exceed it: the deposit-side value is part of the total.
        if (!_p.IsV5 || _p.MaxDepositTrancheValuePerc >= One)
        {
            return SpotOutcome.Ok;
        }

        long total = L(ColPerpAmpl, lane);
        long depositValue = total;
        for (int s = 0; s < _slots; s++)
        {
            long balance = S(s, FPerpA, lane);
            if (balance <= 0)
            {
                continue;
            }

            long value = PerpTrancheValue(s, balance, Rounding.Ceiling, lane);
            if (s == depositSlot || IsReadyForRollout(S(s, FBond, lane)))
            {
                depositValue = Plus(depositValue, value);
            }

            total = Plus(total, value);
        }

        if (total == 0)
        {
            return SpotOutcome.PerpDivisionByZero;
        }

        return MulDiv(depositValue, One, total, Rounding.Ceiling) > _p.MaxDepositTrancheValuePerc ? SpotOutcome.PerpExceededMaxMintPerTranche : SpotOutcome.Ok;
    }

    /// <summary>
    /// PerpetualTranche.redeem: burns perps for every reserve asset's balance·shares/supply (rounded
    /// down). The basket lands in <see cref="_basketAmpl"/> and <see cref="_basket"/> (per slot);
    /// <paramref name="reserve"/> marks the slots that were in the reserve.
    /// </summary>
    private SpotOutcome PerpRedeem(Who caller, long perpAmt, int lane, out ulong reserve, out long feePerc)
    {
        reserve = 0;
        feePerc = 0;
        _basketAmpl = 0;
        var outcome = UpdateState(lane);
        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        long supply = L(ColPerpSupply, lane);
        if (perpAmt <= 0 || perpAmt > supply)
        {
            return perpAmt > supply ? SpotOutcome.PerpUnacceptableRedemption : SpotOutcome.Ok;
        }

        bool protocol = caller == Who.Vault;
        long feeAmount = 0;
        long flatFee = 0;
        long shares = perpAmt;
        if (_p.IsV5)
        {
            // The contract reads both TVLs for every caller; only a caller other than the vault uses them.
            if (!protocol)
            {
                long perpTvl = ReserveValue(lane);
                long vaultTvl = VaultTvl(lane);
                long post = MulDiv(perpTvl, supply - perpAmt, supply, Rounding.Floor);
                outcome = FeeV5(perpTvl, vaultTvl, post, vaultTvl, out Int128 fee);
                if (outcome != SpotOutcome.Ok)
                {
                    return outcome;
                }

                feePerc = Saturate(fee);
                if (fee > 0)
                {
                    feeAmount = ToAmount(MulDiv((Int128)perpAmt, fee, One, Rounding.Ceiling));
                    if (feeAmount > perpAmt)
                    {
                        return SpotOutcome.PerpArithmeticUnderflow;
                    }

                    shares = perpAmt - feeAmount;
                }
            }
        }
        else if (!protocol)
        {
            long perpTvl = ReserveValue(lane);
            long vaultTvl = VaultTvl(lane);
            long post = MulDiv(perpTvl, supply - perpAmt, supply, Rounding.Floor);
            outcome = DrV3(post, vaultTvl, RatioOfDeposit(lane), out Int128 dr);
            flatFee = _p.V3!.PerpBurnFeePerc(dr);
            if (outcome != SpotOutcome.Ok)
            {
                return outcome;
            }

            feePerc = flatFee;
        }

        long ampl = Share(L(ColPerpAmpl, lane), shares, supply, flatFee);
        for (int s = 0; s < _slots; s++)
        {
            long balance = S(s, FPerpA, lane);
            _basket[s] = 0;
            if (balance > 0)
            {
                reserve |= 1UL << s;
                _basket[s] = Share(balance, shares, supply, flatFee);
            }
        }

        if (_p.IsV5)
        {
            outcome = BurnPerps(caller, perpAmt - feeAmount, lane);
            if (outcome == SpotOutcome.Ok)
            {
                outcome = TransferPerps(caller, Who.Perp, feeAmount, lane);
            }
        }
        else
        {
            outcome = BurnPerps(caller, perpAmt, lane);
        }

        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        if (ampl > 0)
        {
            TransferAmpl(ColPerpAmpl, AmplColumn(caller), ampl, lane);
        }

        for (int s = 0; s < _slots; s++)
        {
            if ((reserve & (1UL << s)) != 0 && _basket[s] > 0)
            {
                outcome = TransferTranche(s, FPerpA, SeniorField(caller), _basket[s], lane);
                if (outcome != SpotOutcome.Ok)
                {
                    return outcome;
                }
            }
        }

        _basketAmpl = ampl;
        return SpotOutcome.Ok;
    }

    private static long Share(long balance, long shares, long supply, long flatFee)
    {
        long amount = MulDiv(balance, shares, supply, Rounding.Floor);
        return flatFee > 0 ? MulDiv(amount, One - flatFee, One, Rounding.Floor) : amount;
    }

    /// <summary>PerpetualTranche.rollover by the vault: deposit seniors in, an asset up for rollover out (slot −1: the AMPL).</summary>
    private SpotOutcome Rollover(long depositBond, int outSlot, long available, int lane, out long trancheIn, out long tokenOut)
    {
        trancheIn = 0;
        tokenOut = 0;
        var outcome = UpdateState(lane);
        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        if (outSlot >= 0 && S(outSlot, FBond, lane) == depositBond)
        {
            return SpotOutcome.PerpUnacceptableRollover;
        }

        int inSlot = FindSlot(depositBond, lane);
        long outBalance = outSlot < 0 ? L(ColPerpAmpl, lane) : S(outSlot, FPerpA, lane);
        long inPrice = PerpTrancheValue(inSlot, Unit, Rounding.Floor, lane);
        long outPrice = outSlot < 0 ? Unit : PerpTrancheValue(outSlot, Unit, Rounding.Ceiling, lane);
        if (available <= 0 || outBalance <= 0 || inPrice <= 0 || outPrice <= 0)
        {
            return SpotOutcome.Ok;
        }

        long fee = 0;
        if (!_p.IsV5)
        {
            long reserveValue = ReserveValue(lane);
            outcome = DrV3(reserveValue, VaultTvl(lane), RatioOfDeposit(lane), out Int128 dr);
            if (outcome == SpotOutcome.Ok)
            {
                outcome = _p.RolloverFee!.Compute(dr, out Int128 sigmoid);
                fee = (long)sigmoid;
            }

            if (outcome != SpotOutcome.Ok)
            {
                return outcome;
            }

            if (fee >= One)
            {
                return SpotOutcome.PerpDivisionByZero;
            }
        }

        long inAmount = MulDiv(outBalance, outPrice, inPrice, Rounding.Ceiling);
        if (fee != 0)
        {
            inAmount = MulDiv(inAmount, One, One - fee, Rounding.Ceiling);
        }

        long outAmount = outBalance;
        if (inAmount > available)
        {
            outAmount = MulDiv(available, inPrice, outPrice, Rounding.Floor);
            if (fee != 0)
            {
                outAmount = MulDiv(outAmount, One - fee, One, Rounding.Floor);
            }

            inAmount = available;
        }

        trancheIn = inAmount;
        tokenOut = outAmount;
        if (inAmount <= 0 || outAmount <= 0)
        {
            return SpotOutcome.Ok;
        }

        bool added = S(inSlot, FPerpA, lane) == 0;
        outcome = TransferTranche(inSlot, FVaultA, FPerpA, inAmount, lane);
        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        if (added && _p.IsV5 && ReserveCount(lane) > PerpetualTranche.MaxReserveCount)
        {
            return SpotOutcome.PerpReserveCountOverLimit;
        }

        return outSlot < 0
            ? TransferAmpl(ColPerpAmpl, ColVaultAmpl, outAmount, lane)
            : TransferTranche(outSlot, FPerpA, FVaultA, outAmount, lane);
    }

    // ---- the fee policies ----

    /// <summary>The v5 deviation ratio, or the policy's DivisionByZero for a worthless perp.</summary>
    private SpotOutcome DrV5(long perpTvl, long vaultTvl, out Int128 dr)
    {
        dr = 0;
        if (perpTvl == 0)
        {
            return SpotOutcome.FeePolicyDivisionByZero;
        }

        long target = _p.V5!.TargetSystemRatio;
        dr = MulDiv(MulDiv((Int128)vaultTvl, One, perpTvl, Rounding.Floor), One, target, Rounding.Floor);
        return SpotOutcome.Ok;
    }

    /// <summary>The v5 fee of an operation moving the system from (perp0, vault0) to (perp1, vault1): <see cref="DeviationFeePolicy.ComputeFeePerc"/> of the two ratios.</summary>
    private SpotOutcome FeeV5(long perp0, long vault0, long perp1, long vault1, out Int128 fee)
    {
        fee = 0;
        var outcome = DrV5(perp0, vault0, out Int128 drPre);
        if (outcome == SpotOutcome.Ok)
        {
            outcome = DrV5(perp1, vault1, out Int128 drPost);
            if (outcome == SpotOutcome.Ok)
            {
                outcome = FeeCurve.Fee(_p.V5!, drPre, drPost, out fee);
            }
        }

        return outcome;
    }

    /// <summary>The v3/v4 deviation ratio (subscription ratio over its target).</summary>
    private SpotOutcome DrV3(long perpTvl, long vaultTvl, long seniorRatio, out Int128 dr)
    {
        dr = 0;
        if (perpTvl == 0 || seniorRatio >= Granularity)
        {
            return SpotOutcome.FeePolicyDivisionByZero;
        }

        Int128 sr = MulDiv((Int128)vaultTvl * seniorRatio, One, (Int128)perpTvl * (Granularity - seniorRatio), Rounding.Floor);
        dr = MulDiv(sr, One, _p.V3!.TargetSubscriptionRatio, Rounding.Floor);
        return SpotOutcome.Ok;
    }

    /// <summary>The deposit bond's senior ratio (the contracts' getDepositTrancheRatio); callers have run the state update.</summary>
    private long RatioOfDeposit(int lane)
    {
        long bond = L(ColDepositBond, lane);
        return bond < 0 ? throw new LaneFault(SpotOutcome.PerpUnexpectedAsset) : _bonds[(int)bond].RatioA;
    }

    private static long Saturate(Int128 fee) => fee > long.MaxValue ? long.MaxValue : (long)fee;

    private static SpotOutcome OneMinus(Int128 fee, out long keep)
    {
        keep = 0;
        if (fee > One)
        {
            return SpotOutcome.VaultFeeAtLeastOneHundredPercent;
        }

        keep = One - (long)fee;
        return SpotOutcome.Ok;
    }
}
