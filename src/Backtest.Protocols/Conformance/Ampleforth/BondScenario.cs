using System.Numerics;
using System.Text.Json;
using Backtest.Numerics;
using Backtest.Protocols.Ampleforth;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Tokens;

namespace Backtest.Protocols.Conformance.Ampleforth;

/// <summary>
/// Buttonwood BondController vectors (tranche <c>test/BondController.ts</c>): a user and another
/// depositor, rebases of the collateral, maturity and early redemption, replayed in the order
/// the vector's inputs list them. Amounts are whole tokens at 9 decimals.
/// </summary>
internal static class BondScenario
{
    public static void Run(VectorReader v)
    {
        var ratios = v.Params.GetProperty("trancheRatios").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var chain = new Chain(1_700_000_000);
        int treasury = chain.CreateAccount("treasury");
        int admin = chain.CreateAccount("admin");
        int user = chain.CreateAccount("user");
        int other = chain.CreateAccount("other");
        var ampl = new AmplToken(chain, treasury);
        ampl.Transfer(treasury, user, 1_000_000 * Fixed.One);
        ampl.Transfer(treasury, other, 1_000_000 * Fixed.One);
        var bond = new BondController(chain, ampl, admin, ratios, chain.Now + 86_400, BondControllerVersion.MinimumValidDebt2023);
        long returned = 0;

        foreach (var input in v.Inputs.EnumerateObject())
        {
            string key = input.Name;
            if (key == "redeem")
            {
                var amounts = input.Value.EnumerateArray().Select(e => Amount(e.GetString()!)).ToArray();
                returned += bond.Redeem(user, amounts);
                continue;
            }

            string text = input.Value.GetString() ?? throw new FormatException($"input '{key}' is not text");
            if (key == "rebase")
            {
                decimal multiplier = ScenarioText.Decimal(ScenarioText.Numbers(text, @"x\s*(\d+(?:\.\d+)?)")[0]);
                long delta = (long)(ampl.TotalSupply * (multiplier - 1m));
                ampl.Rebase(delta);
            }
            else if (key == "action" && text.Contains("mature", StringComparison.OrdinalIgnoreCase))
            {
                bond.Mature(admin);
            }
            else if (key == "deposit")
            {
                bond.Deposit(user, Amount(text));
            }
            else if (ScenarioText.TryNumbers(text, @"^(user|other)\s+deposits\s+(\d+(?:\.\d+)?)") is { } deposit)
            {
                bond.Deposit(deposit[0] == "user" ? user : other, Amount(deposit[1]));
            }
            else
            {
                throw new FormatException($"bond input {key}='{text}' is not a step this suite replays");
            }
        }

        foreach (var expected in v.Expected.EnumerateObject())
        {
            switch (expected.Name)
            {
                case "other_tranche_balances":
                    CheckList(v, expected, i => bond.Tranches[i].BalanceOf(other));
                    break;
                case "tranche_total_supplies":
                    CheckList(v, expected, i => bond.Tranches[i].TotalSupply);
                    break;
                case "collateral_sent_to_tranches":
                    CheckList(v, expected, i => ampl.BalanceOf(bond.Tranches[i].Account));
                    break;
                case "totalDebt":
                    v.Check("totalDebt", Amount(expected.Value.GetString()!), bond.TotalDebt);
                    break;
                case "bond_collateral":
                    v.Check("bond_collateral", Amount(expected.Value.GetString()!), bond.CollateralBalance);
                    break;
                case "collateral_returned":
                    v.Check("collateral_returned", Amount(expected.Value.GetString()!), returned);
                    break;
                default:
                    v.Check(expected.Name, expected.Value.GetRawText(), "(not compared by this suite)");
                    break;
            }
        }
    }

    private static long Amount(string text) => (long)VectorReader.Scaled(text, Fixed.Decimals);

    private static void CheckList(VectorReader v, JsonProperty expected, Func<int, long> actual)
    {
        int i = 0;
        foreach (var e in expected.Value.EnumerateArray())
        {
            v.Check($"{expected.Name}[{i}]", (BigInteger)Amount(e.GetString()!), actual(i));
            i++;
        }
    }
}
