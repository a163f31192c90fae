using Backtest.Protocols.DeFindex;
using FsCheck;
using FsCheck.Fluent;
using static Backtest.Protocols.Tests.DeFindex.DeFindexFixtures;

namespace Backtest.Protocols.Tests.DeFindex;

public class DeFindexPropertyTests
{
    private static readonly Config Quick = Config.QuickThrowOnFailure.WithMaxTest(200);

    public sealed record Step(int Kind, int Account, long A, long B, int Pick);

    private static Arbitrary<(int FeeModel, Step[] Steps)> Runs() =>
        (from feeModel in Gen.Choose(0, 2)
         from steps in Gen.ArrayOf(
             from kind in Gen.Choose(0, 6)
             from account in Gen.Choose(1, 3)
             from a in Gen.Choose(0, 2_000_000_000)
             from b in Gen.Choose(0, 2_000_000_000)
             from pick in Gen.Choose(0, 3)
             select new Step(kind, account, a, b, pick))
         select (feeModel, steps)).ToArbitrary();

    /// <summary>
    /// Random deposits, withdrawals, yield and losses, donations, rebalances and rescues on a
    /// two-asset vault with two strategies per asset; refused operations are skipped. Every
    /// unit that entered (deposits, donations, reported yield) is somewhere: idle, in a
    /// strategy, paid out to withdrawers or fee receivers, lost to liquidation or reported
    /// losses. The share register always sums to the supply.
    /// </summary>
    [Fact]
    public void SharesAndAssetsAreConservedExactly()
    {
        Check.One(Quick, Prop.ForAll(Runs(), run =>
        {
            DeFindexFeeModel fees = run.FeeModel switch { 0 => DeFindexFeeModel.None, 1 => new ManagementFee(150), _ => new PerformanceFee(1_000, 2_000) };
            var vault = new DeFindexVault(new DeFindexVaultConfig(2, [0, 0, 1, 1], Roles, fees) { LiquidationCostBps = 30 });
            var entered = new long[2];
            var left = new long[2];
            long now = 0;
            foreach (var s in run.Steps)
            {
                now += 3_600;
                try
                {
                    switch (s.Kind)
                    {
                        case 0:
                            var d = vault.Deposit(s.Account, [s.A, s.B], [0, 0], invest: s.Pick % 2 == 0, now);
                            entered[0] += d.Amounts[0];
                            entered[1] += d.Amounts[1];
                            break;
                        case 1:
                            var w = vault.Withdraw(s.Account, Math.Max(1, vault.SharesOf(s.Account) * (s.Pick + 1) / 4), [0, 0], now);
                            left[0] += w.AmountsOut[0];
                            left[1] += w.AmountsOut[1];
                            break;
                        case 2:
                            var p = vault.Strategy(s.Pick);
                            long balance = Math.Max(0, p.Balance + ((s.A % 200_000) - 80_000));
                            (balance > p.Balance ? entered : left)[p.Asset] += Math.Abs(balance - p.Balance);
                            vault.SetStrategyBalance(s.Pick, balance);
                            break;
                        case 3:
                            vault.Donate(s.Pick % 2, s.A % 1_000_000);
                            entered[s.Pick % 2] += s.A % 1_000_000;
                            break;
                        case 4:
                            var strategy = vault.Strategy(s.Pick);
                            vault.Rebalance(Roles.Manager, [new Invest(s.Pick, 1 + (s.A % Math.Max(1, vault.Idle(strategy.Asset))))], now);
                            break;
                        case 5:
                            vault.Rebalance(Roles.RebalanceManager, [new Unwind(s.Pick, 1 + (s.A % Math.Max(1, vault.Strategy(s.Pick).Invested)))], now);
                            break;
                        default:
                            vault.Rescue(Roles.EmergencyManager, s.Pick);
                            break;
                    }
                }
                catch (DeFindexException)
                {
                    // A refused operation changes nothing; the run goes on.
                }
            }

            long[] held = new long[2];
            for (int asset = 0; asset < 2; asset++)
            {
                held[asset] = vault.Idle(asset) + vault.PaidToProtocol(asset) + vault.PaidToVaultReceiver(asset) + vault.LiquidationCosts(asset);
            }

            for (int strategy = 0; strategy < 4; strategy++)
            {
                held[vault.Strategy(strategy).Asset] += vault.Strategy(strategy).Balance;
            }

            long registered = vault.Shareholders.Values.Sum();
            return registered == vault.TotalSupply && vault.Shareholders.Values.All(v => v > 0)
                && Enumerable.Range(0, 2).All(a => held[a] + left[a] == entered[a]);
        }));
    }
}
