using System.Numerics;
using Backtest.Numerics;
using Backtest.Protocols.Ampleforth;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Spot;
using Backtest.Protocols.Conformance.Ampleforth;
using FsCheck;
using FsCheck.Fluent;

namespace Backtest.Protocols.Tests.Ampleforth;

/// <summary>
/// Random operation sequences over a whole SPOT system: after every operation, successful or
/// reverted, AMPL is conserved, every bond's debt matches its tranches, the deviation ratio
/// matches its definition and seniors are valued at par exactly when covered; no payout exceeds
/// the payer's pro-rata holdings; a reverted operation changes nothing.
/// </summary>
public class AmpleforthPropertyTests
{
    private const long Day = 86_400;

    public enum OpKind
    {
        PerpMint,
        PerpRedeem,
        VaultDeposit,
        VaultRedeem,
        Deploy,
        Recover,
        SwapUnderlyingForPerps,
        SwapPerpsForUnderlying,
        Rebalance,
        Mint2,
        Redeem2,
        Rebase,
        AdvanceDay,
    }

    public sealed record Op(OpKind Kind, int Size, bool Up);

    private static readonly Gen<Op> OpGen =
        from kind in Gen.Elements(Enum.GetValues<OpKind>())
        from size in Gen.Choose(1, 1000)
        from up in Gen.Elements(true, false)
        select new Op(kind, size, up);

    private static readonly Arbitrary<Op[]> Sequences = Gen.ArrayOf(OpGen).Resize(40).ToArbitrary();

    [Fact]
    public void InvariantsHoldOverRandomV5Sequences() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(40), Prop.ForAll(Sequences, ops => Run(SpotVersion.V5, ops)));

    [Fact]
    public void InvariantsHoldOverRandomV3Sequences() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(20), Prop.ForAll(Sequences, ops => Run(SpotVersion.V3, ops)));

    /// <summary>The properties are not vacuous: a plain cycle through every operation sees each one succeed.</summary>
    [Fact]
    public void EveryOperationKindSucceedsInACycle()
    {
        var succeeded = new HashSet<OpKind>();
        var ops = Enumerable.Range(0, 6).SelectMany(round => Enum.GetValues<OpKind>().Select(k => new Op(k, 150 + (round * 100), round % 2 == 0))).ToArray();
        Run(SpotVersion.V5, ops, (kind, rule) =>
        {
            if (rule is null)
            {
                succeeded.Add(kind);
            }
        });
        Assert.Equal(Enum.GetValues<OpKind>().ToHashSet(), succeeded);
    }

    private static long A(decimal units) => Fixed.FromDecimal(units);

    private static bool Run(SpotVersion version, Op[] ops, Action<OpKind, string?>? observe = null)
    {
        var s = Build(version);
        foreach (var op in ops)
        {
            var before = Snapshot(s);
            try
            {
                Apply(s, op);
                observe?.Invoke(op.Kind, null);
            }
            catch (ProtocolException e)
            {
                observe?.Invoke(op.Kind, e.Rule);
                var after = Snapshot(s);
                Assert.True(before == after, $"{op.Kind} reverted but changed state: {before} -> {after}");
            }

            foreach (var result in Invariants(s))
            {
                Assert.True(result.Holds, $"after {op}: {result}");
            }
        }

        return true;
    }

    private static SpotScenario Build(SpotVersion version)
    {
        SpotFeePolicy seeding = version == SpotVersion.V5 ? new PinnedFeePolicy(0) { ProtocolSharePerc = 0 } : new SubscriptionFeePolicy { DeviationRatioBoundLower = 0, VaultUnderlyingToPerpSwapFeePerc = 0, VaultPerpToUnderlyingSwapFeePerc = 0 };
        var s = new SpotScenario(new BondIssuerConfig(4 * Day, [250, 750], Day, 0), seeding, version);
        s.Perp.UpdateTolerableTrancheMaturity(Day, 4 * Day);
        s.SeedPerpReserve(4, A(1000), A(250));
        if (version == SpotVersion.V5)
        {
            s.Perp.FeePolicy = new DeviationFeePolicy();
        }

        s.RequireVault.Deposit(s.Deployer, A(3000));
        s.RequireVault.Deploy();
        s.OtherUserFunded(A(100_000));
        return s;
    }

    private static void Apply(SpotScenario s, Op op)
    {
        var vault = s.RequireVault;
        var perp = s.Perp;
        int user = op.Up ? s.Deployer : s.OtherUser;
        long Fraction(long amount) => Fixed.MulDiv(amount, op.Size, 1000, Rounding.Floor);
        switch (op.Kind)
        {
            case OpKind.PerpMint:
            {
                var bond = perp.GetDepositBond();
                long collateral = Math.Max(Fraction(A(2000)), BondController.MinimumValidDebt);
                bond.Deposit(user, collateral);
                perp.Deposit(user, bond.Senior, bond.Senior.BalanceOf(user));
                break;
            }

            case OpKind.PerpRedeem:
            {
                long p = Fraction(perp.Token.BalanceOf(user));
                long tvl = perp.GetTVL();
                long supply = perp.TotalSupply;
                var basket = perp.Redeem(user, p);
                BigInteger paid = basket.Aggregate(BigInteger.Zero, (sum, b) => sum + (b.Token.IsUnderlying ? b.Amount : perp.TrancheValue(b.Token.Tranche!, b.Amount, Rounding.Floor)));
                Assert.True(paid * supply <= (BigInteger)p * tvl, $"perp paid {paid} for {p} of {supply} worth {tvl}");
                break;
            }

            case OpKind.VaultDeposit:
                vault.Deposit(user, Fraction(A(5000)));
                break;
            case OpKind.VaultRedeem:
            {
                Int128 notes = vault.Notes.BalanceOf(user) * op.Size / 1000;
                long tvl = vault.GetTVL();
                Int128 supply = vault.Notes.TotalSupply;
                var basket = vault.Redeem(user, notes);
                BigInteger paid = basket.Aggregate(BigInteger.Zero, (sum, b) => sum + (b.Token.IsUnderlying ? b.Amount : FloorValue(b.Token.Tranche!, b.Amount)));
                BigInteger dust = (BigInteger)RolloverVault.TrancheDustAmt * basket.Count;
                Assert.True(paid * (BigInteger)supply <= ((BigInteger)notes * tvl) + (dust * (BigInteger)supply), $"vault paid {paid} for {notes} of {supply} worth {tvl}");
                break;
            }

            case OpKind.Deploy:
                vault.Deploy();
                break;
            case OpKind.Recover:
                vault.Recover();
                break;
            case OpKind.SwapUnderlyingForPerps:
            {
                long amount = Fraction(A(500));
                long tvl = perp.GetTVL();
                long supply = perp.TotalSupply;
                long perps = vault.SwapUnderlyingForPerps(user, amount);
                Assert.True((BigInteger)perps * tvl <= (BigInteger)amount * supply, $"{perps} perps for {amount} AMPL at {tvl}/{supply}");
                break;
            }

            case OpKind.SwapPerpsForUnderlying:
            {
                long p = Fraction(perp.Token.BalanceOf(user));
                long tvl = perp.GetTVL();
                long supply = perp.TotalSupply;
                long paid = vault.SwapPerpsForUnderlying(user, p);
                Assert.True((BigInteger)paid * supply <= (BigInteger)p * tvl, $"{paid} AMPL for {p} perps at {tvl}/{supply}");
                break;
            }

            case OpKind.Rebalance:
                vault.Rebalance();
                break;
            case OpKind.Mint2:
                vault.Mint2(user, Fraction(A(4000)));
                break;
            case OpKind.Redeem2:
                vault.Redeem2(user, Fraction(perp.Token.BalanceOf(user)), vault.Notes.BalanceOf(user));
                break;
            case OpKind.Rebase:
            {
                long delta = Fixed.MulDiv(s.Ampl.TotalSupply, op.Size, 10_000, Rounding.Floor);
                s.Ampl.Rebase(op.Up ? delta : -delta);
                break;
            }

            case OpKind.AdvanceDay:
                s.AdvancePerpQueue(Day + op.Size);
                break;
        }
    }

    private static long FloorValue(Tranche tranche, long amount)
    {
        var (claim, supply) = TrancheMath.Collateralization(tranche);
        return supply == 0 ? amount : Fixed.MulDiv(claim, amount, supply, Rounding.Floor);
    }

    private static IEnumerable<InvariantResult> Invariants(SpotScenario s)
    {
        yield return AmpleforthInvariants.AmplConservation(s.Ampl);
        foreach (var bond in s.Issuer.IssuedBonds)
        {
            yield return AmpleforthInvariants.BondDebt(bond);
            yield return AmpleforthInvariants.SeniorAtPar(s.Perp, bond);
        }

        if (s.Perp.Version == SpotVersion.V5 && s.Perp.ReserveValue() > 0)
        {
            var policy = (DeviationFeePolicy)s.Perp.FeePolicy;
            long perpTVL = s.Perp.ReserveValue();
            long vaultTVL = s.RequireVault.GetTVL();
            yield return AmpleforthInvariants.DeviationRatio(perpTVL, vaultTVL, policy.TargetSystemRatio, policy.ComputeDeviationRatio(perpTVL, vaultTVL));
        }
    }

    private static string Snapshot(SpotScenario s)
    {
        var vault = s.RequireVault;
        var accounts = new[] { s.Deployer, s.OtherUser, vault.Account, s.Perp.Account };
        var ampl = string.Join(",", accounts.Select(a => s.Ampl.BalanceOf(a)));
        var perps = string.Join(",", accounts.Select(a => s.Perp.Token.BalanceOf(a)));
        var notes = string.Join(",", accounts.Select(a => vault.Notes.BalanceOf(a)));
        var deployed = string.Join(",", vault.Deployed.Select(t => $"{t}:{t.BalanceOf(vault.Account)}"));
        var reserve = string.Join(",", s.Perp.ReserveTranches.Select(t => $"{t}:{t.BalanceOf(s.Perp.Account)}"));
        var debts = string.Join(",", s.Issuer.IssuedBonds.Select(b => $"{b.TotalDebt}/{b.IsMature}"));
        return $"supply {s.Ampl.TotalSupply} ampl[{ampl}] perps[{perps}] notes[{notes}] deployed[{deployed}] reserve[{reserve}] debts[{debts}] deposit {s.Perp.DepositBond}";
    }
}
