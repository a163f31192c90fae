using Backtest.Protocols.Saffron;
using FsCheck;
using FsCheck.Fluent;

namespace Backtest.Protocols.Tests.Saffron;

public class SaffronPropertyTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(300);

    public sealed record Op(int Kind, long Amount, int Second);

    private static Arbitrary<Op[]> Ops() =>
        Gen.ArrayOf(
            from kind in Gen.Choose(0, 3)
            from amount in Gen.Choose(1, 5_000_000)
            from second in Gen.Choose(0, 999)
            select new Op(kind, amount, second)).ToArbitrary();

    /// <summary>Runs deposits (S, AA, A) and deployments through a pool over a 1000-second epoch.</summary>
    private static (SaffronPool Pool, List<(SaffronPosition Position, Int128 Amount, BalancingResult Result)> Deposits) Replay(Op[] ops)
    {
        var pool = new SaffronPool(SaffronPoolOptions.NoteModel with { EpochStart = 0, EpochDuration = 1_000, Epoch = 0 });
        var deposits = new List<(SaffronPosition, Int128, BalancingResult)>();
        foreach (var op in ops.OrderBy(o => o.Second))
        {
            if (op.Kind == 3)
            {
                pool.DeployCapital();
                continue;
            }

            var (position, result) = pool.AddLiquidity((SaffronTranche)op.Kind, op.Amount, op.Second);
            deposits.Add((position, op.Amount, result));
        }

        return (pool, deposits);
    }

    [Fact]
    public void BalancesConserveCapitalAndPairEveryDepositWithSCapital()
    {
        Check.One(Quick, Prop.ForAll(Ops(), ops =>
        {
            var (pool, deposits) = Replay(ops);
            var b = pool.Balances;
            Int128 accepted = deposits.Aggregate(Int128.Zero, (sum, d) => sum + d.Result.Deposit);
            bool everyAmountSplits = deposits.All(d => d.Result.Deposit + d.Result.Change == d.Amount && d.Result.Change >= 0);
            Int128 aDeposits = deposits.Where(d => d.Position.Tranche == SaffronTranche.A).Aggregate(Int128.Zero, (s, d) => s + d.Result.Deposit);
            Int128 aaConsumed = deposits.Where(d => d.Position.Tranche == SaffronTranche.AA).Aggregate(Int128.Zero, (s, d) => s + d.Result.Consumed);
            return everyAmountSplits
                && b.Total == accepted
                && pool.Principal.Total == accepted
                && b.VirtualAAUtilized + b.VirtualAUtilized <= b.SUtilized
                && b.VirtualAAUnutilized + b.VirtualAUnutilized <= b.SUnutilized
                && b.VirtualAAUtilized + b.VirtualAAUnutilized == aDeposits * 10
                && b.VirtualAUtilized + b.VirtualAUnutilized == aaConsumed;
        }));
    }

    [Fact]
    public void TheWindDownDistributesExactlyTheInterestAndRemovalsPayItAllOut()
    {
        var gen = from ops in Ops().Generator
                  from rateNumerator in Gen.Choose(1, 1_000)
                  select (ops, rateNumerator);
        Check.One(Quick, Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var (pool, deposits) = Replay(t.ops);
            Int128 interest = pool.Dsec.Total * t.rateNumerator / 10_000;
            var split = pool.WindDown(1_000, interest, 0);
            Int128 paid = 0, principal = 0, accepted = 0;
            foreach (var (position, _, result) in deposits)
            {
                var r = pool.RemoveLiquidity(position);
                paid += r.Interest;
                principal += r.Principal;
                accepted += result.Deposit;
            }

            return split.Total == interest && split.S >= 0 && split.AA >= 0 && split.A >= 0
                && paid == interest && principal == accepted && pool.Principal.Total == 0;
        }));
    }
}
