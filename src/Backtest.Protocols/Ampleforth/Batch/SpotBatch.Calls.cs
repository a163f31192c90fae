namespace Backtest.Protocols.Ampleforth.Batch;

/// <summary>
/// Each transaction the daily step runs, as a value type the generic
/// <see cref="Transaction{T}(int, ref T)"/> is specialised for, so no delegate or closure is
/// allocated per lane and day. Flow calls carry their request in and their results out.
/// </summary>
public sealed partial class SpotBatch
{
    private interface ILaneCall
    {
        SpotOutcome Run(SpotBatch batch, int lane);
    }

    private interface IFlowCall : ILaneCall
    {
        long FeePerc { get; }

        Int128 Out { get; }

        long TranchesOut { get; }
    }

    private struct UpdateStateCall : ILaneCall
    {
        public readonly SpotOutcome Run(SpotBatch batch, int lane) => batch.UpdateStateCore(lane);
    }

    private struct DeployCall : ILaneCall
    {
        public readonly SpotOutcome Run(SpotBatch batch, int lane) => batch.Deploy(lane);
    }

    private struct RebalanceCall : ILaneCall
    {
        public RebalanceResult Result;

        public SpotOutcome Run(SpotBatch batch, int lane) => batch.Rebalance(lane, ref Result);
    }

    private readonly struct RedeemTrancheCall(int slot, bool senior) : ILaneCall
    {
        public SpotOutcome Run(SpotBatch batch, int lane) => batch.RedeemTranche(slot, senior, lane);
    }

    private readonly struct HolderMaturityCall(int slot) : ILaneCall
    {
        public SpotOutcome Run(SpotBatch batch, int lane) => batch.RedeemHolderMatured(slot, lane);
    }

    private struct PerpRedeemCall(long amount) : IFlowCall
    {
        public readonly long Amount = amount;

        public long FeePerc { get; private set; }

        public Int128 Out { get; private set; }

        public long TranchesOut { get; private set; }

        public SpotOutcome Run(SpotBatch batch, int lane)
        {
            var outcome = batch.PerpRedeem(Who.Holder, Amount, lane, out ulong reserve, out long fee);
            long tranches = 0;
            for (int s = 0; s < batch._slots; s++)
            {
                if ((reserve & (1UL << s)) != 0)
                {
                    tranches = Plus(tranches, batch._basket[s]);
                }
            }

            FeePerc = fee;
            Out = batch._basketAmpl;
            TranchesOut = tranches;
            return outcome;
        }
    }

    private struct VaultRedeemCall(Int128 notes) : IFlowCall
    {
        public readonly Int128 Notes = notes;

        public long FeePerc { get; private set; }

        public Int128 Out { get; private set; }

        public long TranchesOut { get; private set; }

        public SpotOutcome Run(SpotBatch batch, int lane)
        {
            var outcome = batch.VaultRedeem(Notes, lane, out long ampl, out long tranches, out long fee);
            FeePerc = fee;
            Out = ampl;
            TranchesOut = tranches;
            return outcome;
        }
    }

    private struct SwapPerpsCall(long amount) : IFlowCall
    {
        public readonly long Amount = amount;

        public long FeePerc { get; private set; }

        public Int128 Out { get; private set; }

        public readonly long TranchesOut => 0;

        public SpotOutcome Run(SpotBatch batch, int lane)
        {
            var outcome = batch.SwapPerpsForUnderlying(Amount, lane, out long ampl, out long fee);
            FeePerc = fee;
            Out = ampl;
            return outcome;
        }
    }

    private struct SwapAmplCall(long amount) : IFlowCall
    {
        public readonly long Amount = amount;

        public long FeePerc { get; private set; }

        public Int128 Out { get; private set; }

        public readonly long TranchesOut => 0;

        public SpotOutcome Run(SpotBatch batch, int lane)
        {
            var outcome = batch.SwapUnderlyingForPerps(Amount, lane, out long perps, out long fee);
            FeePerc = fee;
            Out = perps;
            return outcome;
        }
    }

    /// <summary>The holder's perp mint: tranche AMPL into the deposit bond and deposit the seniors, one transaction.</summary>
    private struct PerpMintCall(long amount) : IFlowCall
    {
        public readonly long Amount = amount;

        public long FeePerc { get; private set; }

        public Int128 Out { get; private set; }

        public readonly long TranchesOut => 0;

        public SpotOutcome Run(SpotBatch batch, int lane)
        {
            var outcome = batch.DepositBond(lane, out long bond);
            long seniors = 0;
            if (outcome == SpotOutcome.Ok)
            {
                outcome = batch.BondDeposit(bond, Who.Holder, Amount, lane, out seniors);
            }

            long perps = 0;
            long fee = 0;
            if (outcome == SpotOutcome.Ok)
            {
                outcome = batch.PerpDeposit(Who.Holder, bond, seniors, lane, out perps, out fee);
            }

            FeePerc = fee;
            Out = perps;
            return outcome;
        }
    }

    private struct VaultDepositCall(long amount) : IFlowCall
    {
        public readonly long Amount = amount;

        public long FeePerc { get; private set; }

        public Int128 Out { get; private set; }

        public readonly long TranchesOut => 0;

        public SpotOutcome Run(SpotBatch batch, int lane)
        {
            var outcome = batch.VaultDeposit(Amount, lane, out Int128 notes, out long fee);
            FeePerc = fee;
            Out = notes;
            return outcome;
        }
    }
}
