using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Backtest.Protocols.Saffron;

namespace Backtest.Protocols.Conformance;

/// <summary>
/// The Saffron vectors (spec/vectors/saffron.json) run through <see cref="Backtest.Protocols.Saffron"/>,
/// dispatched on <c>category</c> and the <c>model</c> the numbers assume: contract-v1 semantics
/// run the v1 options, "python-sim semantics" the simulation's consumption split, "contract-v0"
/// the v0 integer-first ratio. Integer fields compare exactly. Float fields of the Python
/// simulations (SFI earnings) are computed in 18-decimal base units and compared at double
/// precision (relative 1e-12); a vector's own <c>tolerance</c> applies where it states one.
/// The note's scenarios run with the note's rate as the lending platform's pay per unit-second.
/// </summary>
public sealed partial class SaffronVectorSuite : DispatchingVectorSuite<SaffronException>
{
    private const double FloatSimulation = 1e-12;
    private static readonly Int128 Wei = Backtest.Protocols.Reserve.Wad.One;

    public override string Name => "saffron";

    internal override string KindField => "category";

    internal override string InputField => "inputs";

    public override bool Accepts(JsonElement document) =>
        document.TryGetProperty("system", out var system) && system.ValueKind == JsonValueKind.String && system.GetString() == "saffron";

    internal override Action<VectorCase, FieldChecks>? HandlerFor(string kind)
    {
        Action<JsonElement, JsonElement, string, FieldChecks>? run = kind switch
        {
            "tranche_balancing" => Balancing,
            "interest_distribution" => InterestDistribution,
            "wind_down" => WindDown,
            "dsec" => DepositSeconds,
            "redemption" => Redemption,
            "sfi" => Sfi,
            _ => null,
        };
        if (run is null)
        {
            return null;
        }

        return (c, checks) =>
        {
            if (kind == "interest_distribution" && c.Vector.TryGetProperty("tolerance", out var tolerance))
            {
                TolerantSplit(c.Input, c.Expected, c.Model, tolerance.GetDouble(), checks);
            }
            else
            {
                run(c.Input, c.Expected, c.Model, checks);
            }
        };
    }

    internal override void Refused(SaffronException refusal, JsonElement expected, FieldChecks checks)
    {
        if (expected.TryGetProperty("revert", out var revert))
        {
            checks.Text("revert", revert.GetString()!, refusal.Rule);
        }
        else
        {
            checks.Fail("revert", "none", refusal.Message);
        }
    }

    private static Int128 I(JsonElement e) => FieldChecks.ParseInt128(e);

    private static int Multiplier(JsonElement input) =>
        input.TryGetProperty("tranche_A_multiplier", out var m) ? m.GetInt32()
        : input.TryGetProperty("multiplier", out var n) ? n.GetInt32()
        : SaffronPoolOptions.NoteModel.TrancheAMultiplier;

    private static SaffronTranche Tranche(string name) => name switch
    {
        "S" => SaffronTranche.S,
        "AA" => SaffronTranche.AA,
        "A" => SaffronTranche.A,
        _ => throw new FormatException($"unknown tranche '{name}'"),
    };

    private static readonly Dictionary<string, Func<SaffronBalances, Int128>> StateFields = new()
    {
        ["S_utilized"] = b => b.SUtilized,
        ["S_unutilized"] = b => b.SUnutilized,
        ["AA_utilized"] = b => b.AAUtilized,
        ["AA_unutilized"] = b => b.AAUnutilized,
        ["A_utilized"] = b => b.AUtilized,
        ["A_unutilized"] = b => b.AUnutilized,
        ["virtual_AA_utilized"] = b => b.VirtualAAUtilized,
        ["virtual_A_utilized"] = b => b.VirtualAUtilized,
        ["virtual_AA_unutilized"] = b => b.VirtualAAUnutilized,
        ["virtual_A_unutilized"] = b => b.VirtualAUnutilized,
    };

    private static readonly Dictionary<string, Func<BalancingResult, Int128>> ResultFields = new()
    {
        ["available_utilized"] = r => r.AvailableUtilized,
        ["available_unutilized"] = r => r.AvailableUnutilized,
        ["capacity"] = r => r.Capacity,
        ["deposit"] = r => r.Deposit,
        ["change"] = r => r.Change,
        ["consumed"] = r => r.Consumed,
        ["utilized_consumed"] = r => r.UtilizedConsumed,
        ["unutilized_consumed"] = r => r.UnutilizedConsumed,
    };

    private static SaffronBalances ReadState(JsonElement state)
    {
        Int128 F(string name) => state.TryGetProperty(name, out var v) ? I(v) : 0;
        return new SaffronBalances(
            F("S_utilized"), F("S_unutilized"), F("AA_utilized"), F("AA_unutilized"), F("A_utilized"), F("A_unutilized"),
            F("virtual_AA_utilized"), F("virtual_A_utilized"), F("virtual_AA_unutilized"), F("virtual_A_unutilized"));
    }

    private static void CompareResult(string at, JsonElement expected, BalancingResult result, FieldChecks checks)
    {
        foreach (var (name, field) in ResultFields)
        {
            if (expected.TryGetProperty(name, out var want))
            {
                checks.Integer(at + name, want, field(result));
            }
        }
    }

    private static void CompareState(string at, JsonElement expected, SaffronBalances state, FieldChecks checks)
    {
        foreach (var p in expected.EnumerateObject())
        {
            if (StateFields.TryGetValue(p.Name, out var field))
            {
                checks.Integer(at + p.Name, p.Value, field(state));
            }
            else
            {
                checks.Fail(at + p.Name, "a balance the model keeps", "unknown field");
            }
        }
    }

    private static void Balancing(JsonElement input, JsonElement expected, string model, FieldChecks checks)
    {
        if (input.TryGetProperty("ops", out var ops))
        {
            Sequence(ops, expected, Multiplier(input), checks);
            return;
        }

        var tranche = Tranche(input.GetProperty("intention").GetString()!);
        Int128 amount = I(input.GetProperty("amount"));
        if (!input.TryGetProperty("state", out var state))
        {
            // A bare deposit request: only the contract's admission rules apply.
            var options = model.StartsWith("contract-v1", StringComparison.Ordinal) ? SaffronPoolOptions.ContractV1 : SaffronPoolOptions.NoteModel;
            var pool = new SaffronPool(options);
            pool.EnsureCanAdd(tranche, amount, options.EpochStart + (options.Epoch * options.EpochDuration));
            checks.Fail("revert", expected.TryGetProperty("revert", out var r) ? r.GetString()! : "none", "admitted");
            return;
        }

        var split = model.StartsWith("python-sim", StringComparison.Ordinal) ? ConsumptionSplit.PythonSimulation : ConsumptionSplit.Contract;
        var before = ReadState(state);
        var (after, result) = SaffronBalancing.AddLiquidity(before, tranche, amount, Multiplier(input), split);
        CompareResult("", expected, result, checks);
        if (expected.TryGetProperty("state_after", out var stateAfter))
        {
            CompareState("state_after.", stateAfter, after, checks);
        }

        foreach (var p in expected.EnumerateObject().Where(p => p.Name.EndsWith("_after", StringComparison.Ordinal) && p.Name != "state_after"))
        {
            string field = p.Name[..^"_after".Length];
            if (StateFields.TryGetValue(field, out var get))
            {
                checks.Integer(p.Name, p.Value, get(after));
            }
            else
            {
                checks.Fail(p.Name, "a balance the model keeps", "unknown field");
            }
        }

        if (expected.TryGetProperty("python_sim_unutilized_consumed", out var sim) && sim.ValueKind != JsonValueKind.Null)
        {
            var (_, simResult) = SaffronBalancing.AddLiquidity(before, tranche, amount, Multiplier(input), ConsumptionSplit.PythonSimulation);
            checks.Integer("python_sim_unutilized_consumed", sim, simResult.UnutilizedConsumed);
        }
    }

    private static void Sequence(JsonElement ops, JsonElement expected, int multiplier, FieldChecks checks)
    {
        var trace = expected.GetProperty("trace").EnumerateArray().ToArray();
        var opList = ops.EnumerateArray().Select(o => o.GetString()!).ToArray();
        if (trace.Length != opList.Length)
        {
            checks.Fail("trace.length", trace.Length.ToString(CultureInfo.InvariantCulture), opList.Length.ToString(CultureInfo.InvariantCulture));
            return;
        }

        var balances = default(SaffronBalances);
        for (int i = 0; i < opList.Length; i++)
        {
            string at = $"trace[{i}].";
            var parts = opList[i].Split(':');
            if (parts[0] == "deploy")
            {
                balances = SaffronBalancing.DeployAll(balances);
            }
            else
            {
                (balances, var result) = SaffronBalancing.AddLiquidity(balances, Tranche(parts[0]), Int128.Parse(parts[1], CultureInfo.InvariantCulture), multiplier, ConsumptionSplit.Contract);
                CompareResult(at + "result.", trace[i].GetProperty("result"), result, checks);
            }

            CompareState(at + "state.", trace[i].GetProperty("state"), balances, checks);
        }
    }

    private static void InterestDistribution(JsonElement input, JsonElement expected, string model, FieldChecks checks)
    {
        if (input.TryGetProperty("events", out _))
        {
            NoteScenario(input, expected, checks);
        }
        else if (model.StartsWith("contract-v0", StringComparison.Ordinal))
        {
            Int128 interest = I(input.GetProperty("tranche_AA_interest")), vdsec = I(input.GetProperty("vdsec_AA_of_S")), dsec = I(input.GetProperty("dsec_AA"));
            checks.Integer("S_share_of_AA_interest", expected.GetProperty("S_share_of_AA_interest"), SaffronInterest.VirtualShare(interest, vdsec, dsec, integerRatioFirst: true));
            checks.Integer("correct_value", expected.GetProperty("correct_value"), SaffronInterest.VirtualShare(interest, vdsec, dsec, integerRatioFirst: false));
        }
        else
        {
            checks.Fail("tolerance", "a tolerance for a real-valued split", "none stated");
        }
    }

    /// <summary>
    /// A real-valued split (whole DAI, a stated tolerance): run on DAI wei, the contract's unit,
    /// and compared in DAI within the tolerance.
    /// </summary>
    private static void TolerantSplit(JsonElement input, JsonElement expected, string model, double tolerance, FieldChecks checks)
    {
        var rule = model.StartsWith("contract-v1", StringComparison.Ordinal) ? InterestSplitRule.ContractV1 : InterestSplitRule.Exact;
        var dsec = new TrancheAmounts(Optional(input, "dsec_S") * Wei, Optional(input, "dsec_AA") * Wei, Optional(input, "dsec_A") * Wei);
        var split = SaffronInterest.Split(I(input.GetProperty("epoch_interest")) * Wei, dsec, Multiplier(input), rule);
        foreach (var tranche in Enum.GetValues<SaffronTranche>())
        {
            if (expected.TryGetProperty(tranche.ToString(), out var want))
            {
                checks.Near(tranche.ToString(), want, (double)split[tranche] / (double)Wei, 0, tolerance);
            }
        }
    }

    private static Int128 Optional(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? I(v) : 0;

    private static void NoteScenario(JsonElement input, JsonElement expected, FieldChecks checks)
    {
        long epochSeconds = input.GetProperty("epoch_seconds").GetInt64();
        decimal rate = input.GetProperty("rate_per_dai_second").GetDecimal();
        var pool = new SaffronPool(SaffronPoolOptions.NoteModel with
        {
            TrancheAMultiplier = Multiplier(input), EpochStart = 0, EpochDuration = epochSeconds, Epoch = 0,
        });
        var deposits = new List<(BalancingResult Result, SaffronTranche Tranche)>();
        foreach (var e in input.GetProperty("events").EnumerateArray())
        {
            var tranche = Tranche(e.GetProperty("tranche").GetString()!);
            var (_, result) = pool.AddLiquidity(tranche, I(e.GetProperty("amount")), e.GetProperty("t").GetInt64());
            deposits.Add((result, tranche));
        }

        // The lending platform pays the note's rate per DAI-second on every deposit-second.
        Int128 Produced(Int128 dsec) => (Int128)decimal.Floor((decimal)dsec * rate);
        Int128 interest = Produced(pool.Dsec.Total);
        var payout = pool.WindDown(epochSeconds, interest, 0);

        // Deposit steps replay the pool's state after each event, so the events are re-run in step order.
        var replay = new SaffronPool(pool.Options);
        var events = input.GetProperty("events").EnumerateArray().ToArray();
        int next = 0;
        foreach (var step in expected.GetProperty("steps").EnumerateArray())
        {
            string at = $"steps[{step.GetProperty("step").GetInt32()}].";
            bool deposit = step.TryGetProperty("what", out var what) && what.GetString()!.Contains("deposit", StringComparison.OrdinalIgnoreCase);
            bool production = step.EnumerateObject().Any(p => p.Name.EndsWith("_produced", StringComparison.Ordinal));
            if (production)
            {
                foreach (var tranche in Enum.GetValues<SaffronTranche>())
                {
                    if (step.TryGetProperty($"{tranche}_produced", out var want))
                    {
                        checks.Integer($"{at}{tranche}_produced", LastNumber(want), Produced(pool.Dsec[tranche]));
                    }
                }

                if (step.TryGetProperty("total", out var total))
                {
                    checks.Integer(at + "total", LastNumber(total), interest);
                }
            }
            else if (!deposit)
            {
                // Payout, transfer and decomposition views all end in each tranche's payout.
                if (step.TryGetProperty("total_dsec", out var totalDsec))
                {
                    checks.Integer(at + "total_dsec", LastNumber(totalDsec), pool.Dsec.Total);
                }

                foreach (var tranche in Enum.GetValues<SaffronTranche>())
                {
                    if (step.TryGetProperty(tranche.ToString(), out var want))
                    {
                        checks.Integer(at + tranche, LastNumber(want), payout[tranche]);
                    }
                }
            }
            else if (next < events.Length)
            {
                var e = events[next++];
                var tranche = Tranche(e.GetProperty("tranche").GetString()!);
                var (_, result) = replay.AddLiquidity(tranche, I(e.GetProperty("amount")), e.GetProperty("t").GetInt64());
                CompareDepositStep(at, step, replay, result, checks);
            }
        }

        var final = expected.GetProperty("interest");
        foreach (var tranche in Enum.GetValues<SaffronTranche>())
        {
            checks.Integer($"interest.{tranche}", final.GetProperty(tranche.ToString()), payout[tranche]);
        }

        if (final.TryGetProperty("total", out var sum))
        {
            checks.Integer("interest.total", sum, payout.Total);
        }
    }

    private static void CompareDepositStep(string at, JsonElement step, SaffronPool pool, BalancingResult result, FieldChecks checks)
    {
        foreach (var p in step.EnumerateObject())
        {
            string name = p.Name;
            if (name is "step" or "what" || name.EndsWith("_as_written_in_note", StringComparison.Ordinal))
            {
                // Labels, and the note's own (mis)statements of a figure, are not model outputs.
                continue;
            }

            if (name.StartsWith("dsec_", StringComparison.Ordinal))
            {
                checks.Integer(at + name, LastNumber(p.Value), pool.Dsec[Tranche(name["dsec_".Length..])]);
            }
            else if (name.StartsWith("capacity", StringComparison.Ordinal))
            {
                checks.Integer(at + name, LastNumber(p.Value), result.Capacity);
            }
            else if (name is "S_consumed")
            {
                checks.Integer(at + name, LastNumber(p.Value), result.Consumed);
            }
            else if (name is "S_usage")
            {
                Int128 free = result.AvailableUtilized + result.AvailableUnutilized;
                checks.Near(at + name, JsonSerializer.SerializeToElement(LastNumber(p.Value).GetDecimal()), free == 0 ? 0 : (double)result.Consumed * 100 / (double)free, 0, 0.5);
            }
            else if (name is "vdsec_AA_of_S")
            {
                checks.Integer(at + name, LastNumber(p.Value), pool.VirtualDsecAA);
            }
            else if (name is "vdsec_A_of_S")
            {
                checks.Integer(at + name, LastNumber(p.Value), pool.VirtualDsecA);
            }
            else if (ResultFields.TryGetValue(name, out var field))
            {
                checks.Integer(at + name, LastNumber(p.Value), field(result));
            }
            else if (name is "S_available" or "S_available_after")
            {
                checks.Integer(at + name, LastNumber(p.Value), pool.Balances.AvailableUtilized + pool.Balances.AvailableUnutilized);
            }

            // Other narrative fields of the note (restatements, prose) have no model counterpart.
        }
    }

    /// <summary>The figure a narrative value ends with: "floor(2000/10)=200" → 200, "10*100 = 1000" → 1000, 2000 → 2000.</summary>
    private static JsonElement LastNumber(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return value;
        }

        var matches = NumberPattern().Matches(value.GetString()!);
        return matches.Count == 0
            ? value
            : JsonSerializer.SerializeToElement(decimal.Parse(matches[^1].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"-?\d+(\.\d+)?")]
    private static partial Regex NumberPattern();

    private static void WindDown(JsonElement input, JsonElement expected, string model, FieldChecks checks)
    {
        var dsec = new TrancheAmounts(I(input.GetProperty("tranche_total_dsec_S")), Optional(input, "tranche_total_dsec_AA"), I(input.GetProperty("tranche_total_dsec_A")));
        var rule = model.StartsWith("contract-v1", StringComparison.Ordinal) ? InterestSplitRule.ContractV1 : InterestSplitRule.Exact;
        var split = SaffronInterest.Split(I(input.GetProperty("epoch_interest")), dsec, Multiplier(input), rule);
        if (expected.TryGetProperty("tranche_A_interest_ratio", out var ratio))
        {
            checks.Integer("tranche_A_interest_ratio", ratio, SaffronInterest.ShareRatio(dsec.A, dsec.Total));
        }

        foreach (var tranche in Enum.GetValues<SaffronTranche>())
        {
            if (expected.TryGetProperty($"tranche_interest_earned_{tranche}", out var want))
            {
                checks.Integer($"tranche_interest_earned_{tranche}", want, split[tranche]);
            }
        }
    }

    private static void DepositSeconds(JsonElement input, JsonElement expected, string model, FieldChecks checks)
    {
        var options = SaffronPoolOptions.ContractV1 with
        {
            EpochStart = input.GetProperty("epoch_start_date").GetInt64(),
            EpochDuration = input.GetProperty("epoch_duration").GetInt64(),
        };
        long now = input.GetProperty("block_timestamp").GetInt64();
        Int128 deposit = I(input.GetProperty("deposit_wei"));
        var pool = new SaffronPool(options);
        long epoch = pool.CurrentEpoch(now);
        checks.Integer("current_epoch", expected.GetProperty("current_epoch"), epoch);
        checks.Integer("seconds_until_epoch_end", expected.GetProperty("seconds_until_epoch_end"), pool.SecondsUntilEpochEnd(epoch, now));
        bool allowed;
        try
        {
            pool.EnsureCanAdd(SaffronTranche.S, deposit, now);
            allowed = true;
        }
        catch (SaffronException)
        {
            allowed = false;
        }

        checks.Bool("add_liquidity_allowed", expected.GetProperty("add_liquidity_allowed"), allowed);
        if (expected.TryGetProperty("dsec", out var dsec))
        {
            var (position, _) = new SaffronPool(options with { Epoch = (int)epoch }).AddLiquidity(SaffronTranche.S, deposit, now);
            checks.Integer("dsec", dsec, position.Dsec);
        }
    }

    private static void Redemption(JsonElement input, JsonElement expected, string model, FieldChecks checks)
    {
        var claims = new TrancheClaims(I(input.GetProperty("tranche_total_dsec")), I(input.GetProperty("tranche_interest_earned")), 0);
        int i = 0;
        foreach (var step in expected.GetProperty("trace").EnumerateArray())
        {
            string at = $"trace[{i++}].";
            checks.Integer(at + "tranche_dsec_before", step.GetProperty("tranche_dsec_before"), claims.Dsec);
            checks.Integer(at + "tranche_interest_before", step.GetProperty("tranche_interest_before"), claims.Interest);
            var payout = claims.Redeem(I(step.GetProperty("dsec_amount")));
            checks.Integer(at + "dsec_percent_1e18", step.GetProperty("dsec_percent_1e18"), payout.Percent);
            checks.Integer(at + "interest_owned", step.GetProperty("interest_owned"), payout.Interest);
        }

        checks.Integer("final_tranche_interest", expected.GetProperty("final_tranche_interest"), claims.Interest);
    }

    private static void Sfi(JsonElement input, JsonElement expected, string model, FieldChecks checks)
    {
        if (input.TryGetProperty("amount_sfi", out var amountElement))
        {
            var m = input.GetProperty("multipliers_S_AA_A");
            if (input.GetProperty("denominator").GetInt32() != SaffronInterest.SfiDenominator)
            {
                checks.Fail("denominator", input.GetProperty("denominator").GetRawText(), SaffronInterest.SfiDenominator.ToString(CultureInfo.InvariantCulture));
                return;
            }

            Int128 amount = I(amountElement);
            var split = SaffronInterest.SplitSfi(amount, new TrancheAmounts(I(m[0]), I(m[1]), I(m[2])));
            foreach (var tranche in Enum.GetValues<SaffronTranche>())
            {
                checks.Integer(tranche.ToString(), expected.GetProperty(tranche.ToString()), split[tranche]);
            }

            checks.Integer("stranded", expected.GetProperty("stranded"), amount - split.Total);
            return;
        }

        // The SFI-earnings simulation: percentage multipliers (46.667 → 46667 per 100000) and
        // float user shares, computed here in SFI's 18-decimal base units.
        var percents = input.GetProperty("TRANCHE_SFI_MULTIPLIER").EnumerateArray().Select(p => (Int128)(p.GetDecimal() * 1000m)).ToArray();
        Int128 generated = I(input.GetProperty("SFI_GENERATED"));
        var tranches = SaffronInterest.SplitSfi(generated, new TrancheAmounts(percents[0], percents[1], percents[2]));
        checks.Integers("tranche_SFI", expected.GetProperty("tranche_SFI"), [tranches.S, tranches.AA, tranches.A]);
        var dsec = input.GetProperty("tranche_dsec").EnumerateArray().Select(I).ToArray();
        var users = expected.GetProperty("user_SFI");
        int q = 0;
        foreach (var query in input.GetProperty("queries").EnumerateArray())
        {
            var tranche = Tranche(query[1].GetString()!);
            var claims = new TrancheClaims(dsec[(int)tranche], 0, tranches[tranche] * Wei);
            var payout = claims.Redeem(I(query[0]));
            checks.Near($"user_SFI[{q}]", users[q], (double)payout.Sfi / (double)Wei, FloatSimulation, 0);
            q++;
        }
    }
}
