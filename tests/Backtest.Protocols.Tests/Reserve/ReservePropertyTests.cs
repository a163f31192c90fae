using Backtest.Protocols.Reserve;
using FsCheck;
using FsCheck.Fluent;
using static Backtest.Protocols.Tests.Reserve.ReserveFixtures;

namespace Backtest.Protocols.Tests.Reserve;

public class ReservePropertyTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(300);

    /// <summary>A reserve of 2–5 vaults with random balances, prices and weights, and a random mint or redeem.</summary>
    public sealed record Case(long[] Balances, long[] PricesMilli, long[] Weights, bool Mint, long[] Amounts)
    {
        public TranchedReserve Build()
        {
            var vaults = Balances.Select((_, i) => new ReserveVault($"V{i}", 18, false, 0, Int128.MaxValue, 0, 0, new FlowLimit(Wad.One, Int128.MaxValue))).ToArray();
            long sum = Weights.Sum();
            var weights = Weights.Select(w => w * Wad.One / sum).ToArray();
            weights[^1] = Wad.One - weights[..^1].Aggregate(Int128.Zero, (a, b) => a + b);
            var calibrations = weights.Select(w => new VaultCalibration(Wad.One, w, w, 0, 1)).ToArray();
            return new TranchedReserve(vaults, [.. Balances.Select(Tokens)], [.. PricesMilli.Select(Milli)], calibrations, ReserveSafetyParameters.Gyroscope, FlowGuardParameters.Gyroscope);
        }
    }

    private static Arbitrary<Case> Cases() =>
        (from n in Gen.Choose(2, 5)
         from balances in Gen.ArrayOf(Gen.Choose(1, 1_000_000).Select(x => (long)x), n)
         from prices in Gen.ArrayOf(Gen.Choose(500, 2_000).Select(x => (long)x), n)
         from weights in Gen.ArrayOf(Gen.Choose(1, 100).Select(x => (long)x), n)
         from mint in Gen.Elements(true, false)
         from fractions in Gen.ArrayOf(Gen.Choose(0, 1_000), n)
         select new Case(balances, prices, weights, mint, [.. balances.Zip(fractions, (b, f) => b * f / (mint ? 2_000 : 1_000))])).ToArbitrary();

    [Fact]
    public void AnAllowedOperationNeverMovesAnOutOfBandVaultAwayFromItsTarget()
    {
        int allowedWithOutOfBandVaults = 0;
        Check.One(Quick, Prop.ForAll(Cases(), c =>
        {
            var outcome = c.Build().Preview(c.Mint, new ChainTime(10, 10), [.. c.Amounts.Select(Tokens)]);
            if (outcome.Error is not null)
            {
                return true;
            }

            var state = outcome.StateBefore;
            var resulting = outcome.Safety!.ResultingWeights;
            bool holds = true;
            for (int i = 0; i < resulting.Length; i++)
            {
                Int128 target = state.TargetWeights[i];
                Int128 band = Wad.MulUp(target, ReserveSafetyParameters.Gyroscope.MaxDeviation);
                Int128 before = Wad.AbsSub(state.CurrentWeights[i], target);
                Int128 after = Wad.AbsSub(resulting[i], target);
                if (before > band)
                {
                    allowedWithOutOfBandVaults++;
                    holds &= after < before;
                }

                holds &= after <= band || after < before;
            }

            return holds;
        }));
        Assert.True(allowedWithOutOfBandVaults > 0, "no allowed operation started with a vault out of its band");
    }

    [Fact]
    public void FlowDecayIsMonotoneInElapsedBlocksAndNeverGrows()
    {
        var gen =
            from flow in Gen.Choose(0, int.MaxValue).Select(x => (Int128)x * 1_000_000_007)
            from memoryMilli in Gen.Choose(900_000, 999_999)
            from d1 in Gen.Choose(0, 200_000)
            from d2 in Gen.Choose(0, 200_000)
            select (flow, memory: (Int128)memoryMilli * 1_000_000_000_000, Math.Min(d1, d2), Math.Max(d1, d2));
        Check.One(Quick, Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (flow, memory, shorter, longer) = t;
            Int128 near = VaultFlowGuard.Decay(flow, 1_000 + shorter, 1_000, memory);
            Int128 far = VaultFlowGuard.Decay(flow, 1_000 + longer, 1_000, memory);
            return VaultFlowGuard.Decay(flow, 1_000, 1_000, memory) == flow && far <= near && near <= flow;
        }));
    }

    public sealed record FlowOp(bool Mint, int Vault, long Amount, int Blocks);

    private static Arbitrary<FlowOp[]> FlowOps() =>
        Gen.ArrayOf(
            from mint in Gen.Elements(true, false)
            from vault in Gen.Choose(0, 1)
            from amount in Gen.Choose(0, 60)
            from blocks in Gen.Choose(0, 400)
            select new FlowOp(mint, vault, amount, blocks)).ToArbitrary();

    private static VaultFlowGuard Guard() =>
        new(Enumerable.Repeat(new FlowLimit(FlowLimit.MemoryForHalfLife(100), Tokens(100)), 2), FlowGuardParameters.Gyroscope);

    [Fact]
    public void MintsAndRedeemsKeepSeparateMemoriesAndFollowTheThresholdRules()
    {
        Check.One(Quick, Prop.ForAll(FlowOps(), ops =>
        {
            var guard = Guard();
            long block = 1;
            foreach (var op in ops)
            {
                block += op.Blocks;
                var direction = op.Mint ? FlowDirection.In : FlowDirection.Out;
                var other = op.Mint ? FlowDirection.Out : FlowDirection.In;
                var untouched = Enumerable.Range(0, 2).Select(v => guard.Flow(v, other)).ToArray();
                var state = guard.Flow(op.Vault, direction);
                var limit = guard.Limit(op.Vault);
                Int128 amount = Tokens(op.Amount);
                Int128 decayed = VaultFlowGuard.Decay(state.ShortFlow, block, state.LastSeenBlock, limit.Memory);

                var check = guard.Check(direction, block, [(op.Vault, amount)]);
                ReserveErrorCode? documented =
                    amount > 0 && block <= state.LastSafetyBlock ? ReserveErrorCode.SafetyModeActive
                    : amount > 0 && decayed + amount > limit.Threshold ? ReserveErrorCode.VaultFlowTooHigh
                    : decayed + amount > Wad.MulDown(FlowGuardParameters.Gyroscope.ThresholdBuffer, limit.Threshold) ? ReserveErrorCode.SafetyModeActivatedByOperation
                    : null;
                if (check.Error != documented)
                {
                    return false;
                }

                if (check.Allowed)
                {
                    guard.Persist(check);
                    var after = guard.Flow(op.Vault, direction);
                    bool locked = documented == ReserveErrorCode.SafetyModeActivatedByOperation;
                    if (after.ShortFlow != decayed + amount || after.LastSeenBlock != block ||
                        after.LastSafetyBlock != (locked ? block + 300 : state.LastSafetyBlock))
                    {
                        return false;
                    }
                }
                else if (guard.Flow(op.Vault, direction) != state)
                {
                    return false;
                }

                if (!Enumerable.Range(0, 2).All(v => guard.Flow(v, other) == untouched[v]))
                {
                    return false;
                }
            }

            return true;
        }));
    }

    [Fact]
    public void ASafetyLockHoldsThroughItsLastBlockAndEndsAfterIt()
    {
        var guard = Guard();
        var activation = guard.Check(FlowDirection.In, 10, [(0, Tokens(81))]);
        Assert.Equal(ReserveErrorCode.SafetyModeActivatedByOperation, activation.Error);
        guard.Persist(activation);
        Assert.Equal(ReserveErrorCode.SafetyModeActive, guard.Check(FlowDirection.In, 11, [(0, 1)]).Error);
        Assert.Equal(ReserveErrorCode.SafetyModeActive, guard.Check(FlowDirection.In, 310, [(0, 1)]).Error);
        Assert.NotEqual(ReserveErrorCode.SafetyModeActive, guard.Check(FlowDirection.In, 311, [(0, 1)]).Error);
        Assert.Null(guard.Check(FlowDirection.In, 11, [(1, Tokens(10))]).Error);
        Assert.Null(guard.Check(FlowDirection.Out, 11, [(0, Tokens(10))]).Error);
    }
}
