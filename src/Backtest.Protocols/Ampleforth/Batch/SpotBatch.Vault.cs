using Backtest.Numerics;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Spot;

namespace Backtest.Protocols.Ampleforth.Batch;

/// <summary>The rollover vault's operations on one lane, ports of <see cref="RolloverVault"/>'s.</summary>
public sealed partial class SpotBatch
{
    /// <summary>RolloverVault.deposit by the holder.</summary>
    private SpotOutcome VaultDeposit(long amount, int lane, out Int128 notes, out long feePerc)
    {
        notes = 0;
        feePerc = 0;
        var outcome = SystemTvl(lane, out long perpTvl, out long vaultTvl);
        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        Int128 fee;
        if (_p.IsV5)
        {
            outcome = FeeV5(perpTvl, vaultTvl, perpTvl, Plus(vaultTvl, amount), out fee);
        }
        else
        {
            outcome = DrV3(perpTvl, Plus(vaultTvl, amount), RatioOfDeposit(lane), out Int128 dr);
            fee = outcome == SpotOutcome.Ok ? _p.V3!.VaultMintFeePerc(dr) : 0;
        }

        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        feePerc = Saturate(fee);
        if (amount > 0)
        {
            Int128 supply = Note(NoteSupply, lane);
            if (supply > 0)
            {
                long tvl = VaultTvl(lane);
                if (tvl == 0)
                {
                    return SpotOutcome.VaultDivisionByZero;
                }

                notes = MulDiv(supply, amount, tvl, Rounding.Floor);
            }
            else
            {
                notes = (Int128)amount * RolloverVault.InitialRate;
            }

            outcome = OneMinus(fee, out long keep);
            if (outcome != SpotOutcome.Ok)
            {
                return outcome;
            }

            notes = MulDiv(notes, keep, One, Rounding.Floor);
        }

        if (amount <= 0 || notes <= 0)
        {
            notes = 0;
            return _p.IsV5 ? SpotOutcome.Ok : SpotOutcome.VaultUnacceptableDeposit;
        }

        outcome = TransferAmpl(ColHolderAmpl, ColVaultAmpl, amount, lane);
        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        MintNotes(NotesHolder, notes, lane);
        return SpotOutcome.Ok;
    }

    /// <summary>RolloverVault.redeem by the holder: a pro-rata basket less the fee (v5: tranche amounts below dust are 0).</summary>
    private SpotOutcome VaultRedeem(Int128 notes, int lane, out long ampl, out long tranches, out long feePerc)
    {
        ampl = 0;
        tranches = 0;
        feePerc = 0;
        Int128 supply = Note(NoteSupply, lane);
        if (notes <= 0 || notes > supply)
        {
            return _p.IsV5 && notes <= 0 ? SpotOutcome.Ok : SpotOutcome.VaultUnacceptableRedemption;
        }

        Int128 fee;
        if (_p.IsV5)
        {
            var outcome = SystemTvl(lane, out long perpTvl, out long vaultTvl);
            if (outcome != SpotOutcome.Ok)
            {
                return outcome;
            }

            long post = ToAmount(MulDiv((Int128)vaultTvl, supply - notes, supply, Rounding.Floor));
            outcome = FeeV5(perpTvl, vaultTvl, perpTvl, post, out fee);
            if (outcome != SpotOutcome.Ok)
            {
                return outcome;
            }
        }
        else
        {
            fee = _p.V3!.VaultBurnFeePerc();
        }

        feePerc = Saturate(fee);
        var kept = OneMinus(fee, out long keep);
        if (kept != SpotOutcome.Ok)
        {
            return kept;
        }

        ampl = ShareOf(L(ColVaultAmpl, lane), notes, supply, keep);
        for (int s = 0; s < _slots; s++)
        {
            if (S(s, FBond, lane) < 0)
            {
                _basket[s] = 0;
                continue;
            }

            _basket[s] = VaultShare(S(s, FVaultA, lane), notes, supply, keep);
            _juniorBasket[s] = VaultShare(S(s, FVaultZ, lane), notes, supply, keep);
        }

        Int128 holderNotes = Note(NotesHolder, lane);
        if (holderNotes < notes)
        {
            return SpotOutcome.NoteBurnExceedsBalance;
        }

        SetNote(NotesHolder, lane, holderNotes - notes);
        SetNote(NoteSupply, lane, supply - notes);
        TransferAmpl(ColVaultAmpl, ColHolderAmpl, ampl, lane);
        for (int s = 0; s < _slots; s++)
        {
            if (S(s, FBond, lane) < 0)
            {
                continue;
            }

            TransferTranche(s, FVaultA, FHolderA, _basket[s], lane);
            TransferTranche(s, FVaultZ, FHolderZ, _juniorBasket[s], lane);
            tranches = Plus(tranches, Plus(_basket[s], _juniorBasket[s]));
        }

        return SpotOutcome.Ok;
    }

    private long VaultShare(long balance, Int128 notes, Int128 supply, long keep)
    {
        if (balance <= 0)
        {
            return 0;
        }

        long amount = ShareOf(balance, notes, supply, keep);
        return _p.IsV5 && amount < RolloverVault.TrancheDustAmt ? 0 : amount;
    }

    private static long ShareOf(long balance, Int128 notes, Int128 supply, long keep)
    {
        long share = ToAmount(MulDiv((Int128)balance, notes, supply, Rounding.Floor));
        return MulDiv(share, keep, One, Rounding.Floor);
    }

    /// <summary>RolloverVault.swapUnderlyingForPerps by the holder.</summary>
    private SpotOutcome SwapUnderlyingForPerps(long amount, int lane, out long perps, out long feePerc)
    {
        perps = 0;
        feePerc = 0;
        long balancePre = L(ColVaultAmpl, lane);
        var outcome = SystemTvl(lane, out long perpTvl, out long vaultTvl);
        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        if (perpTvl == 0)
        {
            return SpotOutcome.VaultDivisionByZero;
        }

        long perpOut = MulDiv(amount, L(ColPerpSupply, lane), perpTvl, Rounding.Floor);
        long toBurn = 0;
        Int128 fee;
        if (_p.IsV5)
        {
            outcome = FeeV5(perpTvl, vaultTvl, Plus(perpTvl, amount), vaultTvl, out fee);
            if (outcome != SpotOutcome.Ok)
            {
                return outcome;
            }
        }
        else
        {
            outcome = DrV3(Plus(perpTvl, amount), vaultTvl, RatioOfDeposit(lane), out Int128 dr);
            if (outcome != SpotOutcome.Ok)
            {
                return outcome;
            }

            long perpFee = _p.V3!.PerpMintFeePerc(dr);
            long vaultFee = dr < _p.V3.DeviationRatioBoundLower ? One : _p.V3.VaultUnderlyingToPerpSwapFeePerc;
            toBurn = MulDiv(perpOut, perpFee, One, Rounding.Ceiling);
            fee = (Int128)perpFee + vaultFee;
        }

        feePerc = Saturate(fee);
        outcome = OneMinus(fee, out long keep);
        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        perpOut = MulDiv(perpOut, keep, One, Rounding.Floor);
        if (perpOut <= 0 || amount <= 0)
        {
            return SpotOutcome.VaultUnacceptableSwap;
        }

        outcome = TransferAmpl(ColHolderAmpl, ColVaultAmpl, amount, lane);
        if (outcome == SpotOutcome.Ok && !_p.IsV5)
        {
            outcome = RecoverAll(lane);
        }

        if (outcome == SpotOutcome.Ok)
        {
            outcome = DepositBond(lane, out long bond);
            if (outcome == SpotOutcome.Ok)
            {
                outcome = TrancheAndMintPerps(perpTvl, _bonds[(int)bond].RatioA, Plus(perpOut, toBurn), lane);
            }
        }

        if (outcome == SpotOutcome.Ok && toBurn > 0)
        {
            outcome = BurnPerps(Who.Vault, toBurn, lane);
        }

        if (outcome == SpotOutcome.Ok)
        {
            outcome = TransferPerps(Who.Vault, Who.Holder, perpOut, lane);
        }

        if (outcome == SpotOutcome.Ok && !_p.IsV5)
        {
            outcome = MeldPerps(lane);
        }

        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        long balancePost = L(ColVaultAmpl, lane);
        if (balancePost < balancePre)
        {
            outcome = ReservedBalance(vaultTvl, perpTvl, lane, out long reserved);
            if (outcome != SpotOutcome.Ok)
            {
                return outcome;
            }

            if (balancePost <= reserved)
            {
                return SpotOutcome.VaultInsufficientLiquidity;
            }
        }

        perps = perpOut;
        return SpotOutcome.Ok;
    }

    /// <summary>RolloverVault.swapPerpsForUnderlying by the holder.</summary>
    private SpotOutcome SwapPerpsForUnderlying(long perpAmt, int lane, out long ampl, out long feePerc)
    {
        ampl = 0;
        feePerc = 0;
        long balancePre = L(ColVaultAmpl, lane);
        var outcome = SystemTvl(lane, out long perpTvl, out long vaultTvl);
        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        long supply = L(ColPerpSupply, lane);
        if (supply == 0)
        {
            return SpotOutcome.VaultDivisionByZero;
        }

        long amountOut = MulDiv(perpAmt, perpTvl, supply, Rounding.Floor);
        if (amountOut > perpTvl)
        {
            return SpotOutcome.VaultArithmeticUnderflow;
        }

        long post = perpTvl - amountOut;
        long toBurn = 0;
        Int128 fee;
        if (_p.IsV5)
        {
            outcome = FeeV5(perpTvl, vaultTvl, post, vaultTvl, out fee);
            if (outcome != SpotOutcome.Ok)
            {
                return outcome;
            }
        }
        else
        {
            outcome = DrV3(post, vaultTvl, RatioOfDeposit(lane), out Int128 dr);
            if (outcome != SpotOutcome.Ok)
            {
                return outcome;
            }

            long perpFee = _p.V3!.PerpBurnFeePerc(dr);
            long vaultFee = dr > _p.V3.DeviationRatioBoundUpper ? One : _p.V3.VaultPerpToUnderlyingSwapFeePerc;
            toBurn = MulDiv(perpAmt, perpFee, One, Rounding.Ceiling);
            fee = (Int128)perpFee + vaultFee;
        }

        feePerc = Saturate(fee);
        outcome = OneMinus(fee, out long keep);
        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        amountOut = MulDiv(amountOut, keep, One, Rounding.Floor);
        if (amountOut <= 0 || perpAmt <= 0)
        {
            return SpotOutcome.VaultUnacceptableSwap;
        }

        outcome = TransferPerps(Who.Holder, Who.Vault, perpAmt, lane);
        if (outcome == SpotOutcome.Ok && toBurn > 0)
        {
            outcome = BurnPerps(Who.Vault, toBurn, lane);
        }

        if (outcome == SpotOutcome.Ok)
        {
            outcome = MeldPerps(lane);
        }

        if (outcome == SpotOutcome.Ok)
        {
            outcome = TransferAmpl(ColVaultAmpl, ColHolderAmpl, amountOut, lane);
        }

        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        if (L(ColVaultAmpl, lane) < balancePre)
        {
            return SpotOutcome.VaultInsufficientLiquidity;
        }

        ampl = amountOut;
        return SpotOutcome.Ok;
    }

    /// <summary>The AMPL the vault keeps (v5: max(absolute, share of vault TVL); v3/v4: max(absolute, share of the juniors the perp needs)).</summary>
    private SpotOutcome ReservedBalance(long vaultTvl, long? perpTvl, int lane, out long reserved)
    {
        reserved = _p.ReservedUnderlyingBal;
        if (_p.IsV5)
        {
            reserved = Math.Max(reserved, MulDiv(vaultTvl, _p.ReservedUnderlyingPerc, One, Rounding.Floor));
            return SpotOutcome.Ok;
        }

        var outcome = UpdateState(lane);
        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        long perp = perpTvl ?? ReserveValue(lane);
        outcome = DepositBond(lane, out long bond);
        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        int ratio = _bonds[(int)bond].RatioA;
        long juniorsNeeded = MulDiv(perp, Granularity - ratio, ratio, Rounding.Floor);
        reserved = Math.Max(reserved, MulDiv(juniorsNeeded, _p.ReservedSubscriptionPerc, One, Rounding.Floor));
        return SpotOutcome.Ok;
    }

    /// <summary>
    /// RolloverVault's tranche-and-mint: tranche the AMPL the estimate says into the deposit bond
    /// and mint perps with the seniors (fee free as a protocol caller), keeping the juniors.
    /// </summary>
    private SpotOutcome TrancheAndMintPerps(long perpTvl, int ratio, long perpAmt, int lane)
    {
        if (perpAmt <= 0 && !_p.IsV5)
        {
            return SpotOutcome.Ok;
        }

        var outcome = DepositBond(lane, out long bond);
        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        int slot = FindSlot(bond, lane);
        long collateral = slot >= 0 ? S(slot, FCollateral, lane) : 0;
        long debt = slot >= 0 ? S(slot, FDebt, lane) : 0;
        long seniorSupply = slot >= 0 ? S(slot, FSupplyA, lane) : 0;
        long supply = L(ColPerpSupply, lane);
        long seniors = supply > 0 ? MulDiv(perpAmt, perpTvl, supply, Rounding.Ceiling) : perpAmt;
        if (seniorSupply > 0)
        {
            long claim = Math.Min(seniorSupply, collateral);
            if (claim == 0)
            {
                return SpotOutcome.BondDivisionByZero;
            }

            seniors = MulDiv(seniors, seniorSupply, claim, Rounding.Ceiling);
        }

        long underlying = debt > 0 ? MulDiv(seniors, collateral, debt, Rounding.Ceiling) : seniors;
        underlying = MulDiv(underlying, Granularity, ratio, Rounding.Ceiling);
        outcome = BondDeposit(bond, Who.Vault, underlying, lane, out _);
        return outcome == SpotOutcome.Ok ? PerpDeposit(Who.Vault, bond, seniors, lane, out _, out _) : outcome;
    }

    /// <summary>recover(perp): redeem the vault's perps and meld each reserve tranche received.</summary>
    private SpotOutcome MeldPerps(int lane)
    {
        long balance = L(ColPerpVault, lane);
        if (balance <= 0)
        {
            return SpotOutcome.Ok;
        }

        var outcome = PerpRedeem(Who.Vault, balance, lane, out ulong reserve, out _);
        for (int s = 0; outcome == SpotOutcome.Ok && s < _slots; s++)
        {
            if ((reserve & (1UL << s)) != 0)
            {
                outcome = RedeemTranche(s, true, lane);
            }
        }

        return outcome;
    }

    /// <summary>Redeems one held tranche for AMPL: at maturity on its own, before maturity (above dust) with its sibling in ratio.</summary>
    private SpotOutcome RedeemTranche(int slot, bool senior, int lane)
    {
        long balance = S(slot, senior ? FVaultA : FVaultZ, lane);
        if (balance <= 0)
        {
            return SpotOutcome.Ok;
        }

        if (SlotSecondsToMaturity(slot, lane) <= 0)
        {
            if (S(slot, FMature, lane) == 0)
            {
                var matured = Mature(slot, lane);
                if (matured != SpotOutcome.Ok)
                {
                    return matured;
                }
            }

            return RedeemMature(slot, senior, Who.Vault, balance, lane);
        }

        return balance > _p.Dust ? RedeemImmature(slot, lane) : SpotOutcome.Ok;
    }

    /// <summary>Melds the largest ratio-matched senior/junior amounts the vault holds of a bond.</summary>
    private SpotOutcome RedeemImmature(int slot, int lane)
    {
        int ratioA = RatioA(slot, lane);
        int ratioZ = RatioZ(slot, lane);
        long seniorBalance = S(slot, FVaultA, lane);
        long juniorBalance = S(slot, FVaultZ, lane);
        long juniors = juniorBalance - (juniorBalance % ratioZ);
        long seniors = MulDiv(juniors, ratioA, ratioZ, Rounding.Floor);
        if (seniors > seniorBalance)
        {
            seniors = seniorBalance - (seniorBalance % ratioA);
            juniors = MulDiv(seniors, ratioZ, ratioA, Rounding.Floor);
        }

        return seniors > 0 ? RedeemEarly(slot, Who.Vault, seniors, juniors, lane) : SpotOutcome.Ok;
    }

    /// <summary>RolloverVault.recover() within another operation (v3/v4 swaps): matured tranches and immature seniors above dust.</summary>
    private SpotOutcome RecoverAll(int lane)
    {
        for (int s = 0; s < _slots; s++)
        {
            if (S(s, FBond, lane) < 0)
            {
                continue;
            }

            bool matured = SlotSecondsToMaturity(s, lane) <= 0;
            var outcome = SpotOutcome.Ok;
            if (S(s, FVaultA, lane) > 0 && (matured || S(s, FVaultA, lane) > _p.Dust))
            {
                outcome = RedeemTranche(s, true, lane);
            }

            if (outcome == SpotOutcome.Ok && matured && S(s, FVaultZ, lane) > 0)
            {
                outcome = RedeemTranche(s, false, lane);
            }

            if (outcome != SpotOutcome.Ok)
            {
                return outcome;
            }
        }

        return SpotOutcome.Ok;
    }

    /// <summary>RolloverVault.deploy: tranche the usable AMPL and roll the seniors into the perp.</summary>
    private SpotOutcome Deploy(int lane)
    {
        SpotOutcome outcome;
        if (!_p.IsV5 && _p.V3!.VaultDeploymentFee > 0)
        {
            outcome = TransferAmpl(ColVaultAmpl, ColCollectorAmpl, _p.V3.VaultDeploymentFee, lane);
            if (outcome != SpotOutcome.Ok)
            {
                return outcome;
            }
        }

        long balance = L(ColVaultAmpl, lane);

        // The contract reads the vault's TVL for the reserve; only a percentage reserve (v5) uses it.
        long vaultTvl = _p.IsV5 && _p.ReservedUnderlyingPerc != 0 ? VaultTvl(lane) : 0;
        {
            outcome = ReservedBalance(vaultTvl, null, lane, out long reserved);
            long usable = balance > reserved ? balance - reserved : 0;
            if (outcome == SpotOutcome.Ok && usable <= _p.MinDeploymentAmt)
            {
                outcome = SpotOutcome.VaultInsufficientDeployment;
            }

            if (outcome == SpotOutcome.Ok)
            {
                outcome = DepositBond(lane, out long bond);
                if (outcome == SpotOutcome.Ok)
                {
                    outcome = BondDeposit(bond, Who.Vault, usable, lane, out _);
                }
            }
        }

        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        outcome = RolloverIntoPerp(lane, out bool rolled);
        return outcome != SpotOutcome.Ok ? outcome : rolled ? SpotOutcome.Ok : SpotOutcome.VaultInsufficientDeployment;
    }

    private SpotOutcome RolloverIntoPerp(int lane, out bool rolled)
    {
        rolled = false;
        var outcome = DepositBond(lane, out long bond);
        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        // The perp's rollover list: its AMPL (when it holds any), then the tranche up for rollover (at most one, by validation).
        bool amplUp = L(ColPerpAmpl, lane) > 0;
        int trancheUp = ReadyReserveSlot(lane);
        int depositSlot = FindSlot(bond, lane);
        long available = S(depositSlot, FVaultA, lane);
        for (int step = 0; step < 2 && available > 0; step++)
        {
            int outSlot = step == 0 ? -1 : trancheUp;
            if ((step == 0 && !amplUp) || (step == 1 && trancheUp < 0))
            {
                continue;
            }

            outcome = Rollover(bond, outSlot, available, lane, out long trancheIn, out long tokenOut);
            if (outcome != SpotOutcome.Ok)
            {
                return outcome;
            }

            if (tokenOut <= 0)
            {
                continue;
            }

            if (outSlot >= 0 && _p.IsV5)
            {
                outcome = RedeemTranche(outSlot, true, lane);
                if (outcome != SpotOutcome.Ok)
                {
                    return outcome;
                }
            }

            available -= trancheIn;
            rolled = true;
        }

        return _p.IsV5 ? RedeemTranche(depositSlot, true, lane) : SpotOutcome.Ok;
    }

    /// <summary>The reserve slot whose tranche is up for rollover, or −1.</summary>
    private int ReadyReserveSlot(int lane)
    {
        int found = -1;
        for (int s = 0; s < _slots; s++)
        {
            if (S(s, FPerpA, lane) > 0 && IsReadyForRollout(S(s, FBond, lane)))
            {
                if (found >= 0)
                {
                    throw new InvalidOperationException("two reserve tranches are up for rollover at once; the batch keeps no reserve order to roll them in");
                }

                found = s;
            }
        }

        return found;
    }

    /// <summary>RolloverVault.rebalance (v5): claim fees, meld, move the rebalance amount, pay the protocol share.</summary>
    private SpotOutcome Rebalance(int lane, ref RebalanceResult result)
    {
        var policy = _p.V5!;
        if (Now <= L(ColLastRebalance, lane) + policy.RebalanceFreqSec)
        {
            return SpotOutcome.VaultLastRebalanceTooRecent;
        }

        var outcome = UpdateState(lane);
        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        long fees = L(ColPerpSelf, lane);
        if (fees > 0)
        {
            TransferPerps(Who.Perp, Who.Vault, fees, lane);
        }

        outcome = MeldPerps(lane);
        if (outcome == SpotOutcome.Ok)
        {
            outcome = SystemTvl(lane, out long perpTvl, out long vaultTvl);
            if (outcome == SpotOutcome.Ok)
            {
                outcome = DrV5(perpTvl, vaultTvl, out Int128 dr);
                if (outcome == SpotOutcome.Ok)
                {
                    outcome = FeeCurve.RebalanceAmount(policy, perpTvl, vaultTvl, dr, out Int128 amount);
                    result.Amount = ToAmount(amount);
                    outcome = outcome == SpotOutcome.Ok ? MoveRebalance(perpTvl, result.Amount, lane, out result.Perps) : outcome;
                }
            }
        }

        if (outcome != SpotOutcome.Ok)
        {
            return outcome;
        }

        long share = policy.ProtocolSharePerc;
        if (share > 0)
        {
            if (share >= One)
            {
                return SpotOutcome.PerpDivisionByZero;
            }

            result.ProtocolPerps = MulDiv(share, L(ColPerpSupply, lane), One - share, Rounding.Floor);
            MintPerps(Who.Collector, result.ProtocolPerps, lane);
            result.ProtocolNotes = MulDiv((Int128)share, Note(NoteSupply, lane), One - share, Rounding.Floor);
            MintNotes(NotesCollector, result.ProtocolNotes, lane);
        }

        result.FeesClaimed = fees;
        Set(ColLastRebalance, lane, Now);
        return SpotOutcome.Ok;
    }

    private SpotOutcome MoveRebalance(long perpTvl, long amount, int lane, out long perps)
    {
        perps = 0;
        if (amount < 0)
        {
            // perp.rebalanceToVault(−amount), then meld the perps minted to the vault.
            long value = -amount;
            long tvl = ReserveValue(lane);
            if (value >= tvl)
            {
                return value > tvl ? SpotOutcome.PerpArithmeticUnderflow : SpotOutcome.PerpDivisionByZero;
            }

            perps = MulDiv(value, L(ColPerpSupply, lane), tvl - value, Rounding.Ceiling);
            MintPerps(Who.Vault, perps, lane);
            return MeldPerps(lane);
        }

        if (amount > 0)
        {
            if (perpTvl == 0)
            {
                return SpotOutcome.VaultDivisionByZero;
            }

            perps = MulDiv(amount, L(ColPerpSupply, lane), perpTvl, Rounding.Floor);
            var outcome = DepositBond(lane, out long bond);
            if (outcome == SpotOutcome.Ok)
            {
                outcome = TrancheAndMintPerps(perpTvl, _bonds[(int)bond].RatioA, perps, lane);
            }

            return outcome == SpotOutcome.Ok ? BurnPerps(Who.Vault, perps, lane) : outcome;
        }

        return SpotOutcome.Ok;
    }

    /// <summary>What a rebalance did, for the day's outputs.</summary>
    private struct RebalanceResult
    {
        public long FeesClaimed;
        public long Amount;
        public long Perps;
        public long ProtocolPerps;
        public Int128 ProtocolNotes;
    }
}
