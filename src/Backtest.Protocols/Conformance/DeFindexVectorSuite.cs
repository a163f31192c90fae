using System.Globalization;
using System.Text.Json;
using Backtest.Protocols.DeFindex;

namespace Backtest.Protocols.Conformance;

/// <summary>
/// The DeFindex vectors (spec/vectors/defindex.json) run through <see cref="DeFindexVault"/>,
/// dispatched on <c>category</c> and the shape of the inputs. A vector's vault state (supply,
/// managed funds, idle funds) is set up as a snapshot: the depositor under test holds the
/// supply less the 1000 locked shares (or the <c>user_shares</c> the vector gives); a second
/// account holds the rest. Errors compare as the contract names them, "Name (code)".
/// Asset units are the token's base units (7 decimals); USDC figures are divided by 10⁷.
/// </summary>
public sealed class DeFindexVectorSuite : DispatchingVectorSuite<DeFindexException>
{
    private const int User = 1;
    private const int Other = 2;
    private const long TokenUnit = 10_000_000;
    private static readonly DeFindexRoles Roles = new(Manager: 10, EmergencyManager: 11, RebalanceManager: 12, VaultFeeReceiver: 13, ProtocolFeeReceiver: 14);

    /// <summary>
    /// The protocol's share of the vault fee in the documentation's example (user 5, manager 4,
    /// DeFindex 1 of a 10 USDC gain at a 50 % fee): 20 %, as the vector's note derives.
    /// </summary>
    private const int DocExampleProtocolFeeBps = 2_000;

    public override string Name => "defindex";

    internal override string KindField => "category";

    internal override string InputField => "inputs";

    public override bool Accepts(JsonElement document) =>
        document.TryGetProperty("system", out var system) && system.ValueKind == JsonValueKind.String && system.GetString() == "defindex";

    internal override Action<VectorCase, FieldChecks>? HandlerFor(string kind)
    {
        Action<JsonElement, JsonElement, FieldChecks>? run = kind switch
        {
            "deposit" => Deposit,
            "withdraw" => Withdraw,
            "fees" => Fees,
            "attack" => DonationAttack,
            _ => null,
        };
        return run is null ? null : (c, checks) => run(c.Input, c.Expected, checks);
    }

    internal override void Refused(DeFindexException refusal, JsonElement expected, FieldChecks checks)
    {
        if (expected.TryGetProperty("error", out var error))
        {
            checks.Text("error", error.GetString()!, DeFindexException.Describe(refusal.Error));
        }
        else
        {
            checks.Fail("error", "none", refusal.Message);
        }
    }

    private static long L(JsonElement e) => (long)FieldChecks.ParseInteger(e);

    private static long[] Longs(JsonElement e) => [.. e.EnumerateArray().Select(L)];

    private static DeFindexVaultConfig Config(int assets, int strategiesPerAsset, DeFindexFeeModel fees) =>
        new(assets, [.. Enumerable.Range(0, assets).SelectMany(a => Enumerable.Repeat(a, strategiesPerAsset))], Roles, fees);

    /// <summary>The shares: <see cref="User"/> holds the given or the unlocked part, the vault its 1000, <see cref="Other"/> the rest.</summary>
    private static Dictionary<int, long> Register(JsonElement input, long supply, long minimumLiquidity)
    {
        var register = new Dictionary<int, long>();
        if (supply == 0)
        {
            return register;
        }

        long locked = Math.Min(minimumLiquidity, supply);
        long user = input.TryGetProperty("user_shares", out var u) ? L(u) : supply - locked;
        register[DeFindexVault.VaultAccount] = locked;
        register[User] = user;
        if (supply - locked - user > 0)
        {
            register[Other] = supply - locked - user;
        }

        return register;
    }

    /// <summary>A vault in the vector's state: idle funds as given (all managed funds idle if not), the rest in one strategy per asset.</summary>
    private static DeFindexVault Snapshot(JsonElement input, DeFindexFeeModel fees, long? lastAssessment = null)
    {
        long supply = input.TryGetProperty("total_supply", out var ts) ? L(ts) : 0;
        long[] total = input.TryGetProperty("total_managed", out var tm) ? Longs(tm) : [];
        int assets = total.Length > 0 ? total.Length
            : input.TryGetProperty("assets", out var a) ? a.GetInt32()
            : input.TryGetProperty("amounts_desired", out var d) ? d.GetArrayLength()
            : 1;
        if (total.Length == 0)
        {
            total = new long[assets];
        }

        long[] idle;
        long[] strategyBalances;
        int perAsset = 1;
        if (input.TryGetProperty("strategies", out var st))
        {
            // Several strategies listed for a single asset; idle funds are the rest of the total.
            strategyBalances = Longs(st);
            perAsset = strategyBalances.Length;
            idle = input.TryGetProperty("idle", out var given) ? Longs(given) : [total[0] - strategyBalances.Sum()];
        }
        else
        {
            idle = input.TryGetProperty("idle", out var given) ? Longs(given) : total;
            strategyBalances = [.. total.Zip(idle, (t, i) => t - i)];
        }

        var config = Config(assets, perAsset, fees);
        return DeFindexVault.FromSnapshot(config, idle, strategyBalances, Register(input, supply, config.MinimumLiquidity), lastAssessment);
    }

    private static void Deposit(JsonElement input, JsonElement expected, FieldChecks checks)
    {
        if (input.TryGetProperty("sequence", out var sequence))
        {
            var vault = new DeFindexVault(Config(input.GetProperty("assets").GetInt32(), 1, DeFindexFeeModel.None));
            var results = expected.GetProperty("results").EnumerateArray().ToArray();
            int k = 0;
            foreach (var step in sequence.EnumerateArray())
            {
                string at = $"results[{k}].";
                var want = results[k++];
                try
                {
                    var r = vault.Deposit(User, Longs(step.GetProperty("desired")), Longs(step.GetProperty("min")), invest: false, now: 0);
                    if (want.ValueKind == JsonValueKind.String)
                    {
                        checks.Fail(at + "error", want.GetString()!, $"minted {r.SharesMinted}");
                        continue;
                    }

                    checks.Integer(at + "shares", want.GetProperty("shares"), r.SharesMinted);
                    checks.Integer(at + "user", want.GetProperty("user"), r.UserShares);
                    checks.Integer(at + "total_supply", want.GetProperty("total_supply"), vault.TotalSupply);
                }
                catch (DeFindexException e)
                {
                    checks.Text(at + "error", want.ValueKind == JsonValueKind.String ? want.GetString()! : "none", DeFindexException.Describe(e.Error));
                }
            }

            return;
        }

        var v = Snapshot(input, DeFindexFeeModel.None);
        var desired = Longs(input.GetProperty("amounts_desired"));
        var minimum = input.TryGetProperty("amounts_min", out var m) ? Longs(m) : new long[desired.Length];
        bool invest = input.TryGetProperty("invest", out var inv) && inv.GetBoolean();
        long before = v.SharesOf(User);
        var strategiesBefore = Enumerable.Range(0, v.Config.StrategyAssets.Count).Select(s => v.Strategy(s).Balance).ToArray();
        var result = v.Deposit(User, desired, minimum, invest, now: 0);
        if (expected.TryGetProperty("error", out var error))
        {
            checks.Fail("error", error.GetString()!, $"minted {result.SharesMinted}");
            return;
        }

        foreach (var p in expected.EnumerateObject())
        {
            switch (p.Name)
            {
                case "shares_minted": checks.Integer(p.Name, p.Value, result.SharesMinted); break;
                case "user_shares": checks.Integer(p.Name, p.Value, result.UserShares); break;
                case "amounts": checks.Integers(p.Name, p.Value, [.. result.Amounts.Select(a => (Int128)a)]); break;
                case "enforced_asset_index": checks.Integer(p.Name, p.Value, result.EnforcedAsset ?? -1); break;
                case "user_shares_total": checks.Integer(p.Name, p.Value, before + result.UserShares); break;
                case "total_supply_after": checks.Integer(p.Name, p.Value, v.TotalSupply); break;
                case "idle_after": checks.Integers(p.Name, p.Value, [.. Enumerable.Range(0, v.Config.AssetCount).Select(a => (Int128)v.Idle(a))]); break;
                case "invested" or "allocations" or "allocated":
                    checks.Integers(p.Name, p.Value, [.. strategiesBefore.Select((b, s) => (Int128)(v.Strategy(s).Balance - b))]);
                    break;
                default: checks.Fail(p.Name, "a deposit figure the model computes", "unknown field"); break;
            }
        }
    }

    private static void Withdraw(JsonElement input, JsonElement expected, FieldChecks checks)
    {
        var v = Snapshot(input, DeFindexFeeModel.None);
        if (input.TryGetProperty("shares", out var queries))
        {
            var rows = expected.GetProperty("amounts");
            int k = 0;
            foreach (var q in queries.EnumerateArray())
            {
                checks.Integers($"amounts[{k}]", rows[k], [.. v.AssetAmountsPerShares(L(q)).Select(a => (Int128)a)]);
                k++;
            }

            return;
        }

        int assets = v.Config.AssetCount;
        var result = v.Withdraw(User, L(input.GetProperty("withdraw_shares")), new long[assets], now: 0);
        if (expected.TryGetProperty("error", out var error))
        {
            checks.Fail("error", error.GetString()!, $"withdrew {string.Join(",", result.AmountsOut)}");
            return;
        }

        var unwoundPerAsset = new long[assets];
        for (int s = 0; s < result.Unwound.Length; s++)
        {
            unwoundPerAsset[v.Config.StrategyAssets[s]] += result.Unwound[s];
        }

        foreach (var p in expected.EnumerateObject())
        {
            switch (p.Name)
            {
                case "amount_out": checks.Integer(p.Name, p.Value, result.AmountsOut[0]); break;
                case "amounts_out": checks.Integers(p.Name, p.Value, [.. result.AmountsOut.Select(a => (Int128)a)]); break;
                case "from_idle": checks.Integer(p.Name, p.Value, result.FromIdle[0]); break;
                case "unwind": checks.Integers(p.Name, p.Value, [.. result.Unwound.Select(a => (Int128)a)]); break;
                case "unwound_from_strategies": checks.Integers(p.Name, p.Value, [.. unwoundPerAsset.Select(a => (Int128)a)]); break;
                case "total_supply_after": checks.Integer(p.Name, p.Value, v.TotalSupply); break;
                case "residual_in_strategies":
                    checks.Integers(p.Name, p.Value, [.. Enumerable.Range(0, assets).Select(a => (Int128)Enumerable.Range(0, v.Config.StrategyAssets.Count).Where(s => v.Config.StrategyAssets[s] == a).Sum(s => v.Strategy(s).Balance))]);
                    break;
                case "vault_shares_left": checks.Integer(p.Name, p.Value, v.SharesOf(DeFindexVault.VaultAccount)); break;
                default: checks.Fail(p.Name, "a withdrawal figure the model computes", "unknown field"); break;
            }
        }
    }

    private static void Fees(JsonElement input, JsonElement expected, FieldChecks checks)
    {
        if (input.TryGetProperty("fee_rate_bps", out _))
        {
            ManagementFees(input, expected, checks);
        }
        else if (input.TryGetProperty("user_gain_USDC", out _))
        {
            DocumentedSplit(input, expected, checks);
        }
        else
        {
            PerformanceFees(input, expected, checks);
        }
    }

    private static void ManagementFees(JsonElement input, JsonElement expected, FieldChecks checks)
    {
        int rate = input.GetProperty("fee_rate_bps").GetInt32();
        int vaultShare = input.TryGetProperty("vault_share_bps", out var vs) ? vs.GetInt32() : 5_000;
        if (input.TryGetProperty("existing", out var existing))
        {
            // Fee timing: the same deposit with the fee assessed after it (the historical contract) and before it.
            foreach (var (timing, field) in new[] { (ManagementFeeTiming.AfterOperation, "fee_shares_minted"), (ManagementFeeTiming.BeforeOperation, "fee_if_collected_before_deposit") })
            {
                var state = JsonSerializer.SerializeToElement(new
                {
                    total_supply = L(existing.GetProperty("supply")),
                    total_managed = Longs(existing.GetProperty("total")),
                });
                var vault = Snapshot(state, new ManagementFee(rate, vaultShare, timing), L(existing.GetProperty("last_assessment")));
                var deposit = Longs(input.GetProperty("deposit"));
                var r = vault.Deposit(Other, deposit, new long[deposit.Length], invest: false, now: L(input.GetProperty("deposit_at")));
                checks.Integer(field, expected.GetProperty(field), r.ManagementFee?.FeeShares ?? 0);
            }

            return;
        }

        var v = Snapshot(input, new ManagementFee(rate, vaultShare), lastAssessment: 0);
        var fee = v.CollectManagementFees(L(input.GetProperty("elapsed_s")))!;
        checks.Integers("asset_fee", expected.GetProperty("asset_fee"), [.. fee.AssetFees.Select(a => (Int128)a)]);
        checks.Integer("fee_shares", expected.GetProperty("fee_shares"), fee.FeeShares);
        foreach (var p in expected.EnumerateObject())
        {
            switch (p.Name)
            {
                case "asset_fee" or "fee_shares": break;
                case "vault_receiver_shares": checks.Integer(p.Name, p.Value, v.SharesOf(Roles.VaultFeeReceiver)); break;
                case "protocol_shares": checks.Integer(p.Name, p.Value, v.SharesOf(Roles.ProtocolFeeReceiver)); break;
                case "total_supply_after": checks.Integer(p.Name, p.Value, v.TotalSupply); break;
                case "price_per_share_after": checks.Decimal(p.Name, p.Value, (decimal)v.AssetAmountsPerShares(TokenUnit)[0] / TokenUnit); break;
                case "fee_holder_value": checks.Decimal(p.Name, p.Value, (decimal)v.AssetAmountsPerShares(fee.FeeShares)[0] / TokenUnit); break;
                default: checks.Fail(p.Name, "a fee figure the model computes", "unknown field"); break;
            }
        }
    }

    /// <summary>A vault with one strategy holding <paramref name="invested"/> under a performance fee.</summary>
    private static DeFindexVault InvestedVault(long invested, PerformanceFee fee)
    {
        var vault = new DeFindexVault(Config(1, 1, fee));
        vault.Deposit(User, [invested], [0], invest: false, now: 0);
        vault.Rebalance(Roles.Manager, [new Invest(0, invested)], now: 0);
        return vault;
    }

    private static void PerformanceFees(JsonElement input, JsonElement expected, FieldChecks checks)
    {
        int vaultFee = input.GetProperty("vault_fee_bps").GetInt32();
        int protocolFee = input.TryGetProperty("protocol_fee_bps", out var pf) ? pf.GetInt32() : 0;
        long invested = L(input.GetProperty("invested"));
        var vault = InvestedVault(invested, new PerformanceFee(vaultFee, protocolFee));
        if (input.TryGetProperty("fixed_apr_bps", out var apr))
        {
            vault.AccrueFixedApr(0, apr.GetInt32(), L(input.GetProperty("elapsed_s")));
        }
        else
        {
            vault.SetStrategyBalance(0, invested + L(input.GetProperty("gain")));
        }

        if (expected.TryGetProperty("gain", out var gain))
        {
            checks.Integer("gain", gain, vault.Strategy(0).Balance - vault.Strategy(0).Report.PrevBalance);
        }

        vault.LockFees(Roles.Manager);
        checks.Integer("locked_fee", expected.GetProperty("locked_fee"), vault.Strategy(0).Report.LockedFee);
        foreach (var p in expected.EnumerateObject())
        {
            switch (p.Name)
            {
                case "gain" or "locked_fee": break;
                case "report_after_release_1e8":
                    vault.ReleaseFees(Roles.Manager, 0, 100_000_000);
                    CompareReport(p.Name, p.Value, vault.Strategy(0).Report, checks);
                    break;
                case "release_3e8":
                    ExpectError(p.Name, p.Value, () => vault.ReleaseFees(Roles.Manager, 0, 300_000_000), checks);
                    break;
                case "release_negative":
                    ExpectError(p.Name, p.Value, () => vault.ReleaseFees(Roles.Manager, 0, -1), checks);
                    break;
                case "protocol_receiver":
                case "vault_fee_receiver":
                    break;
                case "report_after":
                    var paid = vault.DistributeFees(Roles.Manager);
                    checks.Integer("protocol_receiver", expected.GetProperty("protocol_receiver"), paid.Sum(d => d.ToProtocol));
                    checks.Integer("vault_fee_receiver", expected.GetProperty("vault_fee_receiver"), paid.Sum(d => d.ToVaultReceiver));
                    CompareReport(p.Name, p.Value, vault.Strategy(0).Report, checks);
                    break;
                default: checks.Fail(p.Name, "a fee figure the model computes", "unknown field"); break;
            }
        }
    }

    private static void DocumentedSplit(JsonElement input, JsonElement expected, FieldChecks checks)
    {
        string rate = input.GetProperty("total_fee").GetString()!.TrimEnd('%');
        int vaultFee = (int)(decimal.Parse(rate, CultureInfo.InvariantCulture) * 100);
        long gain = L(input.GetProperty("user_gain_USDC")) * TokenUnit;
        long invested = 1_000 * TokenUnit;
        var vault = InvestedVault(invested, new PerformanceFee(vaultFee, DocExampleProtocolFeeBps));
        vault.SetStrategyBalance(0, invested + gain);
        vault.LockFees(Roles.Manager);
        long locked = vault.Strategy(0).Report.LockedFee;
        var paid = vault.DistributeFees(Roles.Manager);
        checks.Decimal("user", expected.GetProperty("user"), (decimal)(gain - locked) / TokenUnit);
        checks.Decimal("vault_manager", expected.GetProperty("vault_manager"), (decimal)paid.Sum(d => d.ToVaultReceiver) / TokenUnit);
        checks.Decimal("defindex", expected.GetProperty("defindex"), (decimal)paid.Sum(d => d.ToProtocol) / TokenUnit);
    }

    private static void CompareReport(string at, JsonElement expected, StrategyReport report, FieldChecks checks)
    {
        foreach (var p in expected.EnumerateObject())
        {
            long actual = p.Name switch
            {
                "gains_or_losses" => report.GainsOrLosses,
                "locked_fee" => report.LockedFee,
                "prev_balance" => report.PrevBalance,
                _ => long.MinValue,
            };
            if (actual == long.MinValue)
            {
                checks.Fail($"{at}.{p.Name}", "a report field", "unknown field");
            }
            else
            {
                checks.Integer($"{at}.{p.Name}", p.Value, actual);
            }
        }
    }

    private static void ExpectError(string at, JsonElement expected, Action operation, FieldChecks checks)
    {
        try
        {
            operation();
            checks.Fail(at, expected.GetString()!, "succeeded");
        }
        catch (DeFindexException e)
        {
            checks.Text(at, expected.GetString()!, DeFindexException.Describe(e.Error));
        }
    }

    private static void DonationAttack(JsonElement input, JsonElement expected, FieldChecks checks)
    {
        const int attacker = 3, victim = 4;
        var vault = new DeFindexVault(Config(1, 0, DeFindexFeeModel.None));
        long first = L(input.GetProperty("first_deposit"));
        long donation = L(input.GetProperty("donation_to_vault"));
        long deposit = L(input.GetProperty("victim_deposit"));
        var r1 = vault.Deposit(attacker, [first], [0], invest: false, now: 0);
        checks.Integer("supply_after_first", expected.GetProperty("supply_after_first"), vault.TotalSupply);
        checks.Integer("attacker_shares", expected.GetProperty("attacker_shares"), r1.UserShares);
        checks.Integer("locked_shares", expected.GetProperty("locked_shares"), vault.SharesOf(DeFindexVault.VaultAccount));
        vault.Donate(0, donation);
        checks.Integer("total_managed_after_donation", expected.GetProperty("total_managed_after_donation"), vault.TotalManagedFunds()[0]);
        var r2 = vault.Deposit(victim, [deposit], [0], invest: false, now: 0);
        checks.Integer("victim_shares", expected.GetProperty("victim_shares"), r2.UserShares);
        long victimValue = vault.AssetAmountsPerShares(vault.SharesOf(victim))[0];
        long attackerValue = vault.AssetAmountsPerShares(vault.SharesOf(attacker))[0];
        checks.Integer("victim_redeemable", expected.GetProperty("victim_redeemable"), victimValue);
        checks.Integer("victim_loss", expected.GetProperty("victim_loss"), deposit - victimValue);
        checks.Integer("attacker_redeemable", expected.GetProperty("attacker_redeemable"), attackerValue);
        checks.Integer("attacker_spent", expected.GetProperty("attacker_spent"), first + donation);
    }
}
