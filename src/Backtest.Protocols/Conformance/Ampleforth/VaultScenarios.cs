using System.Numerics;
using System.Text.Json;
using Backtest.Numerics;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Spot;

namespace Backtest.Protocols.Conformance.Ampleforth;

/// <summary>
/// RolloverVault vectors (spot-contracts <c>test/rollover-vault/RolloverVault_*.ts</c>): each
/// rebuilds its test file's fixture (issuer, perp seeded with seniors, vault deployed) from the
/// numbers in the vector's setup, with the fee policy pinned as the tests mock it.
/// </summary>
internal static class VaultScenarios
{
    /// <summary>RolloverVault_swap.ts: perp with 4 seniors (one matured into AMPL, rolled into the vault), vault with AMPL and the current junior.</summary>
    public static void Swap(VectorReader v)
    {
        string setup = VectorReader.Required(v.Params, "setup");
        var ratios = RatiosOf(setup);
        long duration = long.Parse(ScenarioText.Numbers(setup, @"bond\s+(\d+)s")[0], System.Globalization.CultureInfo.InvariantCulture);
        long interval = long.Parse(ScenarioText.Numbers(setup, @"every\s+(\d+)s")[0], System.Globalization.CultureInfo.InvariantCulture);
        var tolerance = ScenarioText.Numbers(setup, @"tolerance\s*\((\d+)\s*,\s*(\d+)\)");
        var seeded = ScenarioText.Numbers(setup, @"(\d+)\s+seniors\s+x\s*(\d+(?:\.\d+)?)");
        var vaultHolds = ScenarioText.Numbers(setup, @"Vault holds\s+(\d+(?:\.\d+)?)\s+underlying\s*\+\s*(\d+(?:\.\d+)?)\s+juniors");

        var policy = new PinnedFeePolicy(0) { ProtocolSharePerc = 0 };
        var s = new SpotScenario(new BondIssuerConfig(duration, ratios, interval, 0), policy);
        var vault = s.RequireVault;
        s.Perp.UpdateTolerableTrancheMaturity(long.Parse(tolerance[0], System.Globalization.CultureInfo.InvariantCulture), long.Parse(tolerance[1], System.Globalization.CultureInfo.InvariantCulture));
        long senior = PerpScenarios.Amount(seeded[1]);
        s.SeedPerpReserve(int.Parse(seeded[0], System.Globalization.CultureInfo.InvariantCulture), SeniorCollateral(senior, ratios[0]), senior);

        var current = s.Perp.GetDepositBond();
        long juniors = PerpScenarios.Amount(vaultHolds[1]);
        s.Ampl.Transfer(s.Deployer, vault.Account, Fixed.MulDiv(juniors, BondController.TrancheRatioGranularity, ratios[1], Rounding.Ceiling));
        vault.Deploy();
        TopUp(s, vault.Account, PerpScenarios.Amount(vaultHolds[0]));

        string extra = VectorReader.Text(v.Inputs, "extra_setup") ?? "none";
        ApplyExtraSetup(s, extra);
        policy.Fee = FeeFrom(VectorReader.Text(v.Inputs, "fee") ?? VectorReader.Text(v.Params, "feePerc") ?? "0");

        var expected = v.Expected;
        if (expected.TryGetProperty("vault_before", out var before))
        {
            CheckComposition(v, "vault_before", before, s, current);
        }

        string operation = VectorReader.Required(v.Inputs, "operation");
        var op = ScenarioText.Numbers(operation, @"(UnderlyingToPerp|PerpToUnderlying|UnderlyingForPerps|PerpsForUnderlying)\w*\((\d+(?:\.\d+)?)\)");
        long amountIn = PerpScenarios.Amount(op[1]);
        bool underlyingIn = op[0] is "UnderlyingToPerp" or "UnderlyingForPerps";
        var (amountOut, tvl) = underlyingIn
            ? (vault.ComputeUnderlyingToPerpSwapAmt(amountIn).PerpAmtOut, vault.ComputeUnderlyingToPerpSwapAmt(amountIn).Tvl)
            : (vault.ComputePerpToUnderlyingSwapAmt(amountIn).UnderlyingAmtOut, vault.ComputePerpToUnderlyingSwapAmt(amountIn).Tvl);

        foreach (var e in expected.EnumerateObject())
        {
            switch (e.Name)
            {
                case "perpAmtOut" or "underlyingAmtOut":
                    v.Check(e.Name, Amount(e), amountOut);
                    break;
                case "s.perpTVL":
                    v.Check(e.Name, Amount(e), tvl.PerpTVL);
                    break;
                case "s.vaultTVL":
                    v.Check(e.Name, Amount(e), tvl.VaultTVL);
                    break;
                case "vault_before":
                    break;
                case "vault_after_swap":
                    long paid = underlyingIn ? vault.SwapUnderlyingForPerps(s.Deployer, amountIn) : vault.SwapPerpsForUnderlying(s.Deployer, amountIn);
                    v.Check("swapOut", amountOut, paid);
                    CheckComposition(v, e.Name, e.Value, s, current);
                    break;
                default:
                    v.Check(e.Name, e.Value.GetRawText(), "(not compared by this suite)");
                    break;
            }
        }
    }

    /// <summary>RolloverVault_deposit_redeem.ts #getTVL: perp with 3 seniors; the vault receives X AMPL, deploys, receives 100 more, maybe rebases.</summary>
    public static void Tvl(VectorReader v)
    {
        var (s, seniors) = DepositRedeemFixture(VectorReader.Required(v.Params, "setup"));
        var vault = s.RequireVault;
        string scenario = VectorReader.Required(v.Inputs, "scenario");
        if (ScenarioText.TryNumbers(scenario, @"\+(\d+(?:\.\d+)?)\s+perps sent to vault") is { } perps)
        {
            s.Perp.Token.Transfer(s.Deployer, vault.Account, PerpScenarios.Amount(perps[0]));
        }

        long deployed = PerpScenarios.Amount(ScenarioText.Numbers(scenario, @"X\s*=\s*(\d+(?:\.\d+)?)")[0]);
        var current = s.Perp.GetDepositBond();
        s.Ampl.Transfer(s.Deployer, vault.Account, deployed);
        vault.Deploy();
        long topUp = PerpScenarios.Amount(ScenarioText.Numbers(VectorReader.Required(v.Params, "setup"), @"then\s+\+(\d+(?:\.\d+)?)\s+underlying transferred")[0]);
        s.Ampl.Transfer(s.Deployer, vault.Account, topUp);
        if (ScenarioText.TryNumbers(scenario, @"rebase\s+([-+]?\d+(?:\.\d+)?%)") is { } rebase)
        {
            s.RebaseByFraction(ScenarioText.Percent(rebase[0]));
        }

        foreach (var e in v.Expected.EnumerateObject())
        {
            long actual = e.Name switch
            {
                "tvl" => vault.GetTVL(),
                "underlying" => s.Ampl.BalanceOf(vault.Account),
                "rolledOutSenior" => AssetValue(vault, seniors[0]),
                "Z_current" => AssetValue(vault, current.Junior),
                "A_current" => AssetValue(vault, current.Senior),
                _ => long.MinValue,
            };
            if (actual == long.MinValue)
            {
                v.Check(e.Name, e.Value.GetRawText(), "(not compared by this suite)");
            }
            else
            {
                v.Check(e.Name, Amount(e), actual);
            }
        }
    }

    /// <summary>RolloverVault_deposit_redeem.ts #deposit: notes minted for a deposit after the stated history.</summary>
    public static void DepositNotes(VectorReader v)
    {
        string setup = VectorReader.Text(v.Params, "setup") ?? "issuer [200,800]; perp reserve 3 seniors x200 from bonds of 1000 collateral";
        var (s, _) = DepositRedeemFixture(setup);
        var vault = s.RequireVault;
        string scenario = VectorReader.Required(v.Inputs, "scenario");
        if (ScenarioText.TryNumbers(scenario, @"(\d+(?:\.\d+)?)\s+deposited") is { } first)
        {
            vault.Deposit(s.Deployer, PerpScenarios.Amount(first[0]));
        }

        if (ScenarioText.TryNumbers(scenario, @"\+(\d+(?:\.\d+)?)\s+underlying donated") is { } donated)
        {
            s.Ampl.Transfer(s.Deployer, vault.Account, PerpScenarios.Amount(donated[0]));
        }

        if (ScenarioText.TryNumbers(scenario, @"rebase\s+([-+]?\d+(?:\.\d+)?%)") is { } rebase)
        {
            s.RebaseByFraction(ScenarioText.Percent(rebase[0]));
        }

        var deposits = System.Text.RegularExpressions.Regex.Matches(scenario, @"deposit\s+(\d+(?:\.\d+)?)");
        long amount = PerpScenarios.Amount(deposits[^1].Groups[1].Value);
        s.Ampl.Transfer(s.Deployer, s.OtherUser, amount);
        Int128 notes = vault.Deposit(s.OtherUser, amount);
        v.Check("notesMinted", NotesExpression(VectorReader.Required(v.Expected, "notesMinted")), (BigInteger)notes);
    }

    /// <summary>RolloverVault_rebalance.ts: 4-day bonds issued daily, vault deposits 2000 and deploys, then a rebalance of a given amount.</summary>
    public static void Rebalance(VectorReader v)
    {
        string setup = VectorReader.Required(v.Params, "setup");
        var ratios = RatiosOf(setup);
        long days = long.Parse(ScenarioText.Numbers(setup, @"(\d+)-day bonds")[0], System.Globalization.CultureInfo.InvariantCulture);
        long deposit = PerpScenarios.Amount(ScenarioText.Numbers(setup, @"vault deposits\s+(\d+(?:\.\d+)?)")[0]);
        const long Day = 86_400;

        var policy = new PinnedFeePolicy(0) { ProtocolSharePerc = 0 };
        var s = new SpotScenario(new BondIssuerConfig(days * Day, ratios, Day, 0), policy);
        var vault = s.RequireVault;
        s.Perp.UpdateTolerableTrancheMaturity(Day, days * Day);
        s.SeedPerpReserve(4, SeniorCollateral(PerpScenarios.Amount("200"), ratios[0]), PerpScenarios.Amount("200"));
        vault.Deposit(s.Deployer, deposit);
        vault.Deploy();
        s.Chain.Advance(Day + 1);

        string scenario = VectorReader.Required(v.Inputs, "scenario");
        long amount = PerpScenarios.Amount(ScenarioText.Numbers(scenario, @"mocked\s+([-+]?\d+(?:\.\d+)?)")[0]);
        if (ScenarioText.TryNumbers(scenario, @"protocolSharePerc\s+(\d+(?:\.\d+)?)") is { } share)
        {
            policy.ProtocolSharePerc = (long)VectorReader.Scaled(share[0], 8);
        }

        long vaultAmplBefore = s.Ampl.BalanceOf(vault.Account);
        s.Perp.UpdateState();
        var depositBond = s.Perp.GetDepositBond();
        long perpSeniorBefore = depositBond.Senior.BalanceOf(s.Perp.Account);
        long vaultJuniorBefore = depositBond.Junior.BalanceOf(vault.Account);
        vault.ExecuteRebalance(amount);

        foreach (var e in v.Expected.EnumerateObject())
        {
            long actual = e.Name switch
            {
                "perpTVL_after" => s.Perp.GetTVL(),
                "vaultTVL_after" => vault.GetTVL(),
                "perpSupply_after" => s.Perp.TotalSupply,
                "vault_underlying_delta" => s.Ampl.BalanceOf(vault.Account) - vaultAmplBefore,
                "underlying_tranched" => vaultAmplBefore - s.Ampl.BalanceOf(vault.Account),
                "seniors_into_perp" => depositBond.Senior.BalanceOf(s.Perp.Account) - perpSeniorBefore,
                "vault_juniors_added" => depositBond.Junior.BalanceOf(vault.Account) - vaultJuniorBefore,
                _ => long.MinValue,
            };
            if (actual == long.MinValue)
            {
                v.Check(e.Name, e.Value.GetRawText(), "(not compared by this suite)");
            }
            else
            {
                v.Check(e.Name, Amount(e), actual);
            }
        }
    }

    /// <summary>The #getTVL/#deposit fixture: issuer, tolerance (1200, 4800), perp seeded with N seniors.</summary>
    private static (SpotScenario Scenario, List<Tranche> Seniors) DepositRedeemFixture(string setup)
    {
        var ratios = RatiosOf(setup);
        var seeded = ScenarioText.Numbers(setup, @"(\d+)\s+seniors\s+x\s*(\d+(?:\.\d+)?)");
        long collateral = PerpScenarios.Amount(ScenarioText.TryNumbers(setup, @"bonds of\s+(\d+(?:\.\d+)?)\s+collateral")?[0] ?? "1000");
        var s = new SpotScenario(new BondIssuerConfig(4_800, ratios, 1_200, 0), new PinnedFeePolicy(0) { ProtocolSharePerc = 0 });
        s.Perp.UpdateTolerableTrancheMaturity(1_200, 4_800);
        var seniors = s.SeedPerpReserve(int.Parse(seeded[0], System.Globalization.CultureInfo.InvariantCulture), collateral, PerpScenarios.Amount(seeded[1]));
        return (s, seniors);
    }

    private static void ApplyExtraSetup(SpotScenario s, string extra)
    {
        if (extra.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        bool applied = false;
        if (ScenarioText.TryNumbers(extra, @"\+?(\d+(?:\.\d+)?)\s+underlying transferred to perp") is { } toPerp)
        {
            s.Ampl.Transfer(s.Deployer, s.Perp.Account, PerpScenarios.Amount(toPerp[0]));
            applied = true;
        }

        if (ScenarioText.TryNumbers(extra, @"\+?(\d+(?:\.\d+)?)\s+underlying transferred to (?:the )?vault") is { } toVault)
        {
            s.Ampl.Transfer(s.Deployer, s.RequireVault.Account, PerpScenarios.Amount(toVault[0]));
            applied = true;
        }

        if (ScenarioText.TryNumbers(extra, @"rebase\s+([-+]?\d+(?:\.\d+)?%)") is { } rebase)
        {
            s.RebaseByFraction(ScenarioText.Percent(rebase[0]));
            applied = true;
        }

        if (!applied)
        {
            throw new FormatException($"extra setup '{extra}' is not a step this suite replays");
        }
    }

    private static long FeeFrom(string text) => PerpScenarios.FeeOf(text);

    private static void CheckComposition(VectorReader v, string name, JsonElement expected, SpotScenario s, BondController current)
    {
        var vault = s.RequireVault;
        foreach (var asset in expected.EnumerateObject())
        {
            long actual = asset.Name switch
            {
                "underlying" => s.Ampl.BalanceOf(vault.Account),
                "Z_current" => current.Junior.BalanceOf(vault.Account),
                "A_current" => current.Senior.BalanceOf(vault.Account),
                _ => throw new FormatException($"vault asset '{asset.Name}' is not one this suite reads"),
            };
            v.Check($"{name}.{asset.Name}", PerpScenarios.Amount(asset.Value.GetString()!), actual);
        }
    }

    /// <summary>Transfers AMPL into an account until it holds <paramref name="target"/>.</summary>
    private static void TopUp(SpotScenario s, int account, long target)
    {
        long balance = s.Ampl.BalanceOf(account);
        if (balance > target)
        {
            throw new FormatException($"the vault already holds {Fixed.Format(balance)} AMPL, more than the stated {Fixed.Format(target)}");
        }

        s.Ampl.Transfer(s.Deployer, account, target - balance);
    }

    /// <summary>vaultAssetValue: 0 at or below dust, else the tranche value rounded up.</summary>
    private static long AssetValue(RolloverVault vault, Tranche tranche)
    {
        long balance = tranche.BalanceOf(vault.Account);
        return balance > RolloverVault.TrancheDustAmt ? TrancheMath.TrancheValue(tranche, balance) : 0;
    }

    private static long SeniorCollateral(long seniors, int seniorRatio) =>
        Fixed.MulDiv(seniors, BondController.TrancheRatioGranularity, seniorRatio, Rounding.Ceiling);

    private static int[] RatiosOf(string setup)
    {
        var r = ScenarioText.Numbers(setup, @"\[(\d+)\s*,\s*(\d+)\]");
        return [int.Parse(r[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture)];
    }

    private static BigInteger Amount(JsonProperty e) =>
        PerpScenarios.Amount(VectorReader.FirstNumber(e.Value.GetString() ?? e.Value.GetRawText()));

    /// <summary>"100e18 * 5e5": an amount of tokens times notes per base unit, at the model's 9 decimals.</summary>
    private static BigInteger NotesExpression(string text)
    {
        var m = ScenarioText.Numbers(text, @"(\d+(?:\.\d+)?)e18\s*\*\s*(\d+(?:\.\d+)?)(?:e(\d+))?");
        BigInteger tokens = VectorReader.Scaled(m[0], Fixed.Decimals);
        decimal mantissa = ScenarioText.Decimal(m[1]);
        int exponent = m[2].Length == 0 ? 0 : int.Parse(m[2], System.Globalization.CultureInfo.InvariantCulture);
        decimal rate = mantissa * (decimal)Math.Pow(10, exponent);
        return tokens * new BigInteger(rate);
    }
}
