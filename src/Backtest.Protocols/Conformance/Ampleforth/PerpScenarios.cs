using System.Numerics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Backtest.Numerics;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Spot;

namespace Backtest.Protocols.Conformance.Ampleforth;

/// <summary>
/// PerpetualTranche vectors (spot-contracts <c>test/perp/PerpetualTranche_deposit.ts</c> and
/// <c>_redeem.ts</c>). The fee policy is pinned (the tests mock it); the fixture is the tests':
/// issuer (3600 s bonds every 1200 s) with the vector's tranche ratios.
/// </summary>
internal static partial class PerpScenarios
{
    private const long IssueInterval = 1_200;

    /// <summary>
    /// Mint vectors: the fixture deposits 1000 into the first deposit bond, then replays the
    /// setup's steps in order ("perp holds N A(bond1)", "new bondK deposit N", "N underlying
    /// transferred to perp", "rebase ±P%", "feePerc mocked P%") and runs the operation.
    /// </summary>
    public static void Mint(VectorReader v, string setup)
    {
        var ratios = Ratios(v);
        var policy = new PinnedFeePolicy(0) { ProtocolSharePerc = 0 };
        var s = new SpotScenario(new BondIssuerConfig(3_600, ratios, IssueInterval, 0), policy);
        s.AdvancePerpQueue(3_600);
        var bonds = new List<BondController> { s.Perp.GetDepositBond() };
        s.DepositIntoBond(bonds[0], Amount("1000"), s.Deployer);

        foreach (Match step in StepPattern().Matches(setup))
        {
            if (step.Groups["hold"].Success)
            {
                s.Perp.Deposit(s.Deployer, bonds[0].Senior, Amount(step.Groups["hold"].Value));
            }
            else if (step.Groups["bond"].Success)
            {
                s.AdvancePerpQueue(IssueInterval);
                var bond = s.Perp.GetDepositBond();
                bonds.Add(bond);
                s.DepositIntoBond(bond, Amount(step.Groups["bond"].Value), s.Deployer);
            }
            else if (step.Groups["donate"].Success)
            {
                s.Ampl.Transfer(s.Deployer, s.Perp.Account, Amount(step.Groups["donate"].Value));
            }
            else if (step.Groups["rebase"].Success)
            {
                s.RebaseByFraction(ScenarioText.Percent(step.Groups["rebase"].Value));
            }
            else if (step.Groups["fee"].Success)
            {
                policy.Fee = (long)VectorReader.Scaled(step.Groups["fee"].Value, 6);
            }
        }

        string operation = VectorReader.Required(v.Inputs, "operation");
        var op = ScenarioText.Numbers(operation, @"(computeMintAmt|deposit)\(A(\d?)\s*,\s*(\d+(?:\.\d+)?)\)");
        int bondIndex = op[1].Length == 0 ? 0 : int.Parse(op[1], System.Globalization.CultureInfo.InvariantCulture) - 1;
        var tranche = bonds[bondIndex].Senior;
        long amount = Amount(op[2]);
        string expected = VectorReader.Required(v.Expected, "perpAmt");
        if (op[0] == "computeMintAmt")
        {
            v.Check("perpAmt", Amount(VectorReader.FirstNumber(expected)), s.Perp.ComputeMintAmt(s.Deployer, tranche, amount));
            return;
        }

        long minted = s.Perp.Deposit(s.Deployer, tranche, amount);
        v.Check("perpAmt", Amount(VectorReader.FirstNumber(expected)), minted);
        if (ScenarioText.TryNumbers(expected, @"(\d+(?:\.\d+)?)\s+perps\s+minted\s+to\s+perp") is { } fee)
        {
            v.Check("perpFeeAmt", Amount(fee[0]), s.Perp.Token.BalanceOf(s.Perp.Account));
        }

        if (ScenarioText.TryNumbers(expected, @"totalSupply\s+(\d+(?:\.\d+)?)") is { } supply)
        {
            v.Check("totalSupply", Amount(supply[0]), s.Perp.TotalSupply);
        }
    }

    /// <summary>
    /// Redeem vectors: builds the stated reserve (underlying plus named seniors, each from its own
    /// bond) and supply, then redeems. Perps backed by the underlying are minted with the first
    /// bond's seniors, which then mature into AMPL; the AMPL is brought to the stated balance by a
    /// rebase (as the tests do) or, when no rebase is exact, by a transfer into the perp.
    /// </summary>
    public static void Redeem(VectorReader v)
    {
        var ratios = Ratios(v);
        var policy = new PinnedFeePolicy(0) { ProtocolSharePerc = 0 };
        var s = new SpotScenario(new BondIssuerConfig(100 * IssueInterval, ratios, IssueInterval, 0), policy);
        var reserve = v.Inputs.GetProperty("reserve_before");
        long supply = Amount(VectorReader.Required(v.Inputs, "perpSupply"));
        long underlying = 0;
        var trancheAmounts = new List<(string Key, long Amount)>();
        foreach (var entry in reserve.EnumerateObject())
        {
            long amount = Amount(entry.Value.GetString()!);
            if (entry.Name == "underlying")
            {
                underlying = amount;
            }
            else
            {
                trancheAmounts.Add((entry.Name, amount));
            }
        }

        long backedByUnderlying = supply - trancheAmounts.Sum(t => t.Amount);
        s.Perp.UpdateState();
        BondController? first = null;
        if (backedByUnderlying > 0)
        {
            first = s.Perp.GetDepositBond();
            MintWithNewSeniors(s, first, backedByUnderlying, ratios[0]);
        }

        var tranches = new Dictionary<string, Tranche>();
        foreach (var (key, amount) in trancheAmounts)
        {
            s.AdvancePerpQueue(IssueInterval);
            var bond = s.Perp.GetDepositBond();
            MintWithNewSeniors(s, bond, amount, ratios[0]);
            tranches[key] = bond.Senior;
        }

        if (first is not null)
        {
            s.AdvancePerpQueueToBondMaturity(first);
        }

        long matured = s.Ampl.BalanceOf(s.Perp.Account);
        if (underlying != matured)
        {
            decimal fraction = matured > 0 ? (decimal)(underlying - matured) / matured : 0m;
            if (matured > 0 && s.Ampl.TotalSupply * fraction == decimal.Truncate(s.Ampl.TotalSupply * fraction))
            {
                s.RebaseByFraction(fraction);
            }
            else
            {
                s.Ampl.Transfer(s.Deployer, s.Perp.Account, underlying - matured);
            }
        }

        policy.Fee = FeeOf(VectorReader.Text(v.Params, "feePerc") ?? "0");
        long redeem = Amount(VectorReader.Required(v.Inputs, "redeem"));
        long userBefore = s.Ampl.BalanceOf(s.Deployer);
        var trancheBefore = tranches.ToDictionary(t => t.Key, t => t.Value.BalanceOf(s.Deployer));
        s.Perp.Redeem(s.Deployer, redeem);

        foreach (var expected in v.Expected.EnumerateObject())
        {
            switch (expected.Name)
            {
                case "user_receives":
                    CheckAssets(v, expected, key => key == "underlying" ? s.Ampl.BalanceOf(s.Deployer) - userBefore : tranches[key].BalanceOf(s.Deployer) - trancheBefore[key]);
                    break;
                case "reserve_after":
                    CheckAssets(v, expected, key => key == "underlying" ? s.Ampl.BalanceOf(s.Perp.Account) : tranches[key].BalanceOf(s.Perp.Account));
                    break;
                case "perpSupply_after":
                    v.Check("perpSupply_after", Amount(expected.Value.GetString()!), s.Perp.TotalSupply);
                    break;
                case "fee" or "perpFeeAmt":
                    v.Check(expected.Name, Amount(expected.Value.GetString()!), s.Perp.Token.BalanceOf(s.Perp.Account));
                    break;
                default:
                    v.Check(expected.Name, expected.Value.GetRawText(), "(not compared by this suite)");
                    break;
            }
        }
    }

    /// <summary>A fee stated as a fraction ("0.1") or a percentage ("10%"), at 8 decimals.</summary>
    internal static long FeeOf(string text) =>
        (long)VectorReader.Scaled(VectorReader.FirstNumber(text), text.Contains('%') ? 6 : 8);

    internal static long Amount(string text) => (long)VectorReader.Scaled(text, Fixed.Decimals);

    private static int[] Ratios(VectorReader v) =>
        v.Params.GetProperty("bondTrancheRatios").EnumerateArray().Select(e => e.GetInt32()).ToArray();

    /// <summary>Deposits exactly enough collateral for <paramref name="seniors"/> seniors and mints perps with all of them.</summary>
    private static void MintWithNewSeniors(SpotScenario s, BondController bond, long seniors, int seniorRatio)
    {
        long collateral = Fixed.MulDiv(seniors, BondController.TrancheRatioGranularity, seniorRatio, Rounding.Ceiling);
        long[] minted = s.DepositIntoBond(bond, collateral, s.Deployer);
        s.Perp.Deposit(s.Deployer, bond.Senior, Math.Min(minted[0], seniors));
    }

    private static void CheckAssets(VectorReader v, JsonProperty expected, Func<string, long> actual)
    {
        foreach (var asset in expected.Value.EnumerateObject())
        {
            v.Check($"{expected.Name}.{asset.Name}", (BigInteger)Amount(asset.Value.GetString()!), actual(asset.Name));
        }
    }

    [GeneratedRegex(@"perp holds\s+(?<hold>\d+(?:\.\d+)?)\s+A\(bond1\)|new bond\d+\s+deposit\s+(?<bond>\d+(?:\.\d+)?)|(?<donate>\d+(?:\.\d+)?)\s+underlying transferred to perp|rebase\s+(?<rebase>[-+]?\d+(?:\.\d+)?%)|feePerc mocked\s+(?<fee>\d+(?:\.\d+)?)%", RegexOptions.IgnoreCase)]
    private static partial Regex StepPattern();
}
