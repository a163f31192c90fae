using Backtest.Protocols.Waterfall;
using FsCheck;
using FsCheck.Fluent;

namespace Backtest.Protocols.Tests.Waterfall;

/// <summary>Random sequences of deposits, withdrawals, premiums, losses, coverage and pauses.</summary>
public class WaterfallPropertyTests
{
    private enum Kind
    {
        Deposit,
        Withdraw,
        Premium,
        Loss,
        SellCoverage,
        ExpireCoverage,
        Pause,
        Unpause,
        WrongCaller,
    }

    private sealed record Op(Kind Kind, int Account, int Tranche, long Amount, long AfterSeconds)
    {
        public override string ToString() => $"{Kind}(acct {Account}, tranche {Tranche}, {Amount}, +{AfterSeconds}s)";
    }

    /// <summary>
    /// Decodes four generated integers into an operation. Generating flat integer arrays keeps
    /// FsCheck fast and its shrinking meaningful (smaller integers, fewer operations).
    /// </summary>
    private static Op Decode(ReadOnlySpan<int> r)
    {
        Kind[] kinds =
        [
            Kind.Deposit, Kind.Deposit, Kind.Deposit, Kind.Deposit, Kind.Deposit, Kind.Deposit,
            Kind.Withdraw, Kind.Withdraw, Kind.Withdraw, Kind.Withdraw, Kind.Premium, Kind.Premium, Kind.Premium, Kind.Premium,
            Kind.Loss, Kind.Loss, Kind.Loss, Kind.SellCoverage, Kind.SellCoverage, Kind.ExpireCoverage,
            Kind.Pause, Kind.Unpause, Kind.Unpause, Kind.WrongCaller,
        ];

        // Amounts span 10^7..10^16 nano-units so tiny and huge operations meet; a tranche id
        // is occasionally out of range; time stands still, moves days, or jumps 100 days.
        long amount = (1 + (r[2] % 999_999)) * (long)Math.Pow(10, 1 + ((r[2] / 999_999) % 10));
        long after = (r[3] % 9) switch
        {
            < 3 => 0,
            8 => 100L * 86_400,
            _ => 1 + (r[3] / 9 % (40 * 86_400)),
        };
        return new Op(kinds[r[0] % kinds.Length], r[1] % 3, (r[1] / 3 % 31) switch { 0 => 0, 30 => 7, var k => 1 + (k % 6) }, amount, after);
    }

    [Fact]
    public void InvariantsAndConservationHoldOverRandomSequences()
    {
        var sequences = Gen.Choose(1, 25)
            .SelectMany(n => Gen.ArrayOf(Gen.Choose(0, int.MaxValue), 4 * n))
            .ToArbitrary();
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(10_000), Prop.ForAll(sequences, raw => Holds(Enumerable.Range(0, raw.Length / 4).Select(k => Decode(raw.AsSpan(4 * k, 4))).ToArray())));
    }

    private static bool Holds(Op[] ops)
    {
        var f = new VaultFixture(WaterfallConfig.Seed003([20 * 86_400L, 10 * 86_400L, 5 * 86_400L, 0, 0, 0]));
        var v = f.Vault;

        // An independent ledger from the operations' own return values.
        Int128 deposited = 0, paidOut = 0, premiumsIn = 0, premiumsPaid = 0, absorbed = 0;
        foreach (var op in ops)
        {
            f.Now += op.AfterSeconds;
            var tranche = (Tranche)op.Tranche;
            string account = "lp" + op.Account;
            var before = Snapshot(v);
            try
            {
                switch (op.Kind)
                {
                    case Kind.Deposit:
                        v.Deposit(account, tranche, op.Amount, f.Now);
                        deposited += op.Amount;
                        break;
                    case Kind.Withdraw:
                        long held = Tranches.IsValid(tranche) ? v.BalanceOf(account, tranche) : 0;
                        long tokens = held == 0 ? op.Amount : 1 + (op.Amount % held);
                        paidOut += v.Withdraw(account, tranche, tokens, f.Now);
                        break;
                    case Kind.Premium:
                        var d = v.DistributePremiums(VaultFixture.Factory, op.Amount, f.Now);
                        premiumsIn += op.Amount;
                        premiumsPaid += d.Paid.Sum();
                        Assert.Equal(op.Amount, d.Paid.Sum() + d.ToReserve);
                        break;
                    case Kind.Loss:
                        var l = v.AbsorbLoss(VaultFixture.Claims, op.Amount, f.Now);
                        absorbed += l.Absorbed.Sum();
                        Assert.Equal(op.Amount, l.Absorbed.Sum() + l.Shortfall);
                        break;
                    case Kind.SellCoverage:
                        v.SellCoverage(VaultFixture.Factory, op.Amount, f.Now);
                        break;
                    case Kind.ExpireCoverage:
                        v.ExpireCoverage(VaultFixture.Factory, v.CoverageSold == 0 ? op.Amount : 1 + (op.Amount % v.CoverageSold), f.Now);
                        break;
                    case Kind.Pause:
                        v.Pause(VaultFixture.Admin);
                        break;
                    case Kind.Unpause:
                        v.Unpause(VaultFixture.Admin);
                        break;
                    case Kind.WrongCaller:
                        v.AbsorbLoss(VaultFixture.Factory, op.Amount, f.Now);
                        throw new InvalidOperationException("the policy factory absorbed a loss");
                }
            }
            catch (WaterfallException)
            {
                Assert.Equal(before.ToHashCode(), Snapshot(v).ToHashCode());
            }

            f.AssertInvariants();
            Assert.Equal(deposited - paidOut + premiumsPaid - absorbed, (Int128)v.TotalCapital);
            Assert.True(premiumsPaid <= premiumsIn);
        }

        return true;
    }

    /// <summary>The state a refused operation must leave unchanged.</summary>
    private static HashCode Snapshot(WaterfallVault v)
    {
        var h = new HashCode();
        foreach (var t in Tranches.SeniorFirst)
        {
            h.Add(v.CapitalOf(t));
            h.Add(v.SupplyOf(t));
        }

        h.Add(v.TotalCapital);
        h.Add(v.CoverageSold);
        h.Add(v.PremiumsCollected);
        h.Add(v.LossesClaimed);
        h.Add(v.PauseCauses);
        h.Add(v.Clock);
        foreach (var lot in v.Lots)
        {
            h.Add(lot);
        }

        return h;
    }
}
