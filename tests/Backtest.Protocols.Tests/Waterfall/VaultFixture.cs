using Backtest.Numerics;
using Backtest.Protocols.Waterfall;

namespace Backtest.Protocols.Tests.Waterfall;

/// <summary>A seed-003 vault whose every operation is followed by a check of all invariants.</summary>
internal sealed class VaultFixture
{
    public const string Admin = "admin";
    public const string Claims = "claims";
    public const string Factory = "factory";
    public const long Day = 86_400;

    public VaultFixture(WaterfallConfig? config = null, long start = 1_700_000_000)
    {
        Vault = new WaterfallVault(config ?? WaterfallConfig.Seed003(), new WaterfallRoles(Admin, Claims, Factory), start);
        Now = start;
    }

    public WaterfallVault Vault { get; }

    public long Now { get; set; }

    public static long Units(decimal value) => Fixed.FromDecimal(value);

    /// <summary>Capital in seed 003's allocation (25/20/18/15/12/10%) of a total.</summary>
    public static long[] Allocated(long total) =>
        new[] { 2500, 2000, 1800, 1500, 1200, 1000 }.Select(bps => total / 10_000 * bps).ToArray();

    public T Checked<T>(Func<WaterfallVault, T> operation)
    {
        var result = operation(Vault);
        AssertInvariants();
        return result;
    }

    public void Checked(Action<WaterfallVault> operation)
    {
        operation(Vault);
        AssertInvariants();
    }

    public long Deposit(Tranche t, long amount, string account = "lp") => Checked(v => v.Deposit(account, t, amount, Now));

    public void Fund(params long[] capitalSeniorFirst)
    {
        foreach (var t in Tranches.SeniorFirst)
        {
            long amount = capitalSeniorFirst[Tranches.Index(t)];
            if (amount > 0)
            {
                Deposit(t, amount);
            }
        }
    }

    public PremiumDistribution Premium(long amount, long afterSeconds)
    {
        Now += afterSeconds;
        return Checked(v => v.DistributePremiums(Factory, amount, Now));
    }

    public LossAbsorption Loss(long amount, long afterSeconds = 0)
    {
        Now += afterSeconds;
        return Checked(v => v.AbsorbLoss(Claims, amount, Now));
    }

    public void AssertInvariants()
    {
        var violations = WaterfallInvariants.Violations(Vault);
        Assert.True(violations.Count == 0, string.Join("; ", violations));
    }
}
