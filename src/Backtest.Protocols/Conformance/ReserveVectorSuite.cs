using System.Text.Json;
using Backtest.Protocols.Reserve;

namespace Backtest.Protocols.Conformance;

/// <summary>
/// The reserve tranching vectors (spec/vectors/reserve_tranching.json: Gyroscope gyd-core
/// semantics) run through <see cref="Backtest.Protocols.Reserve"/>. Dispatches on each vector's
/// <c>kind</c>. The file's conventions say an exact (128/256-bit) implementation reproduces the
/// wei fields exactly and a double implementation compares the <c>*_real</c> fields (exact
/// rationals) within about 1e-12; the engine is exact, so it is held to the wei fields and a
/// <c>*_real</c> field is compared (within 1e-12 relative) only where the vector gives no exact
/// counterpart. Deep flow decays show why: intPowDown's per-step rounding leaves the wei result
/// off the exact rational by more than 1e-12 while matching the contract to the wei.
/// <c>error_real_arithmetic</c> (the decision an
/// exact-rational evaluation would take) is not compared: the engine decides in the contracts'
/// fixed point, whose decision is the vector's <c>error</c>. <c>error_if_non_strict_improvement</c>
/// is compared by running the check with <see cref="ImprovementRule.NotFurther"/>.
/// </summary>
public sealed class ReserveVectorSuite : DispatchingVectorSuite<ReserveException>
{
    private const double RealTolerance = 1e-12;

    public override string Name => "reserve_tranching";

    internal override string KindField => "kind";

    internal override string InputField => "input";

    public override bool Accepts(JsonElement document) =>
        document.TryGetProperty("title", out var title) && title.ValueKind == JsonValueKind.String &&
        title.GetString()!.StartsWith("Reserve tranching", StringComparison.Ordinal);

    internal override Action<VectorCase, FieldChecks>? HandlerFor(string kind) =>
        Kinds.TryGetValue(kind, out var run) ? (c, checks) => run(c.Input, c.Expected, checks) : null;

    internal override void Refused(ReserveException refusal, JsonElement expected, FieldChecks checks) => ExpectRevert(expected, refusal, checks);

    private static readonly Dictionary<string, Action<JsonElement, JsonElement, FieldChecks>> Kinds = new()
    {
        ["schedule_weight"] = ScheduleWeight,
        ["reserve_state"] = State,
        ["safety_check"] = SafetyCheck,
        ["safe_outside_epsilon"] = SafeOutside,
        ["epsilon_status"] = EpsilonStatus,
        ["flow_sequence"] = FlowSequence,
        ["flow_threshold_conversion"] = ThresholdConversion,
        ["fee"] = Fee,
        ["scenario"] = Scenario,
    };

    private static Int128 I(JsonElement e) => FieldChecks.ParseInt128(e);

    private static string Wire(ReserveErrorCode? code) => code?.Wire() ?? string.Empty;

    private static void ScheduleWeight(JsonElement input, JsonElement expected, FieldChecks checks)
    {
        var calibration = new VaultCalibration(
            Wad.One, I(input.GetProperty("weight_at_calibration")), I(input.GetProperty("weight_at_previous_calibration")),
            input.GetProperty("time_of_calibration").GetInt64(), input.GetProperty("weight_transition_duration").GetInt64());
        Int128 weight = calibration.ScheduledWeight(input.GetProperty("now").GetInt64());
        ExpectNoRevert(expected, checks);
        Compare(expected, "weight", weight, checks);
    }

    private static void State(JsonElement input, JsonElement expected, FieldChecks checks)
    {
        var positions = input.GetProperty("vaults").EnumerateArray().Select(v => new VaultPosition(
            I(v.GetProperty("price")), v.GetProperty("decimals").GetInt32(), I(v.GetProperty("balance")),
            new VaultCalibration(
                I(v.GetProperty("price_at_calibration")), I(v.GetProperty("weight_at_calibration")), I(v.GetProperty("weight_at_previous_calibration")),
                v.GetProperty("time_of_calibration").GetInt64(), v.GetProperty("weight_transition_duration").GetInt64()))).ToArray();
        var state = ReserveStateSnapshot.Compute(positions, input.GetProperty("now").GetInt64());
        ExpectNoRevert(expected, checks);
        CompareState("", expected, state, checks);
    }

    private static void CompareState(string prefix, JsonElement expected, ReserveStateSnapshot s, FieldChecks checks)
    {
        CompareAll(prefix, expected, "scheduled_weights", s.ScheduledWeights, checks);
        CompareAll(prefix, expected, "usd_values", s.UsdValues, checks);
        Compare(expected, "total_usd", s.TotalUsd, checks, prefix);
        CompareAll(prefix, expected, "current_weights", s.CurrentWeights, checks);
        CompareAll(prefix, expected, "weighted_returns", s.WeightedReturns, checks);
        Compare(expected, "returns_sum", s.ReturnsSum, checks, prefix);
        CompareAll(prefix, expected, "target_weights", s.TargetWeights, checks);
        if (expected.TryGetProperty("target_weights_sum_wei", out var sum))
        {
            checks.Integer(prefix + "target_weights_sum_wei", sum, s.TargetWeights.Aggregate(Int128.Zero, (a, b) => a + b));
        }
    }

    /// <summary>Compares <c>name_wei</c> exactly and <c>name_real</c> within tolerance, whichever the vector has.</summary>
    private static void Compare(JsonElement expected, string name, Int128 actual, FieldChecks checks, string prefix = "")
    {
        if (expected.TryGetProperty(name + "_wei", out var wei))
        {
            checks.Integer(prefix + name + "_wei", wei, actual);
        }
        else if (expected.TryGetProperty(name + "_real", out var real))
        {
            checks.Real(prefix + name + "_real", real, actual, 18, RealTolerance);
        }
    }

    private static void CompareAll(string prefix, JsonElement expected, string name, Int128[] actual, FieldChecks checks)
    {
        if (expected.TryGetProperty(name + "_wei", out var wei))
        {
            checks.Integers(prefix + name + "_wei", wei, actual);
        }
        else if (expected.TryGetProperty(name + "_real", out var real))
        {
            checks.Reals(prefix + name + "_real", real, actual, 18, RealTolerance);
        }
    }

    private static void ExpectRevert(JsonElement expected, ReserveException e, FieldChecks checks)
    {
        if (expected.TryGetProperty("revert", out var revert))
        {
            checks.Text("revert", revert.GetString()!, e.Code.Wire());
        }
        else if (expected.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
        {
            checks.Text("error", error.GetString()!, e.Code.Wire());
        }
        else
        {
            checks.Fail("revert", "none", $"{e.Code.Wire()} ({e.Message})");
        }
    }

    private static void ExpectNoRevert(JsonElement expected, FieldChecks checks)
    {
        if (expected.TryGetProperty("revert", out var revert))
        {
            checks.Fail("revert", revert.GetString()!, "none");
        }
    }

    private static void SafetyCheck(JsonElement input, JsonElement expected, FieldChecks checks)
    {
        bool mint = input.GetProperty("mint").GetBoolean();
        var order = input.GetProperty("vaults").EnumerateArray().Select(v => new SafetyOrderEntry(
            I(v.GetProperty("balance")), v.GetProperty("decimals").GetInt32(), I(v.GetProperty("price")),
            I(v.GetProperty("current_weight")), I(v.GetProperty("target_weight")), I(v.GetProperty("amount")),
            v.GetProperty("priced_tokens").EnumerateArray().Select(t => new PricedToken(
                t.GetProperty("is_stable").GetBoolean(), I(t.GetProperty("price")),
                I(t.GetProperty("floor")), FieldChecks.ParseUpperBound(t.GetProperty("ceiling")))).ToArray())).ToArray();
        var parameters = new ReserveSafetyParameters(I(input.GetProperty("max_deviation")), I(input.GetProperty("min_token_price")));
        var r = ReserveSafetyCheck.Evaluate(mint, order, parameters);
        checks.Text("error", expected.GetProperty("error").GetString()!, Wire(r.Error));
        if (expected.TryGetProperty("allowed", out var allowed))
        {
            checks.Bool("allowed", allowed, r.Allowed);
        }

        if (expected.TryGetProperty("error_if_non_strict_improvement", out var nonStrict))
        {
            var loose = ReserveSafetyCheck.Evaluate(mint, order, parameters with { Improvement = ImprovementRule.NotFurther });
            checks.Text("error_if_non_strict_improvement", nonStrict.GetString()!, Wire(loose.Error));
        }

        CompareSafetyDetail(expected, r, checks, "");
    }

    private static void CompareSafetyDetail(JsonElement expected, ReserveSafetyResult r, FieldChecks checks, string prefix)
    {
        CompareAll(prefix, expected, "resulting_weights", r.ResultingWeights, checks);
        if (expected.TryGetProperty("resulting_total_usd", out var total))
        {
            checks.Integer(prefix + "resulting_total_usd", total, r.ResultingTotalUsd);
        }

        OptionalBools(prefix, expected, "within_epsilon", r.WithinEpsilon, checks);
        OptionalBool(prefix, expected, "all_within_epsilon", r.AllWithinEpsilon, checks);
        OptionalBool(prefix, expected, "safe_outside_epsilon", r.SafeOutsideEpsilon, checks);
        OptionalBool(prefix, expected, "epsilon_safe", r.EpsilonSafe, checks);
        OptionalBools(prefix, expected, "vault_all_stablecoins_on_peg", r.VaultAllStablecoinsOnPeg, checks);
        OptionalBools(prefix, expected, "vault_at_least_one_price_large_enough", r.VaultAtLeastOnePriceLargeEnough, checks);
        if (expected.TryGetProperty("stablecoin_safe", out var stable))
        {
            if (r.StablecoinSafe is { } s)
            {
                checks.Bool(prefix + "stablecoin_safe", stable, s);
            }
            else
            {
                checks.Fail(prefix + "stablecoin_safe", stable.GetRawText(), "not evaluated");
            }
        }
    }

    private static void OptionalBool(string prefix, JsonElement expected, string name, bool actual, FieldChecks checks)
    {
        if (expected.TryGetProperty(name, out var e))
        {
            checks.Bool(prefix + name, e, actual);
        }
    }

    private static void OptionalBools(string prefix, JsonElement expected, string name, bool[] actual, FieldChecks checks)
    {
        if (expected.TryGetProperty(name, out var e))
        {
            checks.Bools(prefix + name, e, actual);
        }
    }

    private static void SafeOutside(JsonElement input, JsonElement expected, FieldChecks checks)
    {
        var vaults = input.GetProperty("vaults").EnumerateArray().Select(v => (
            I(v.GetProperty("target_weight")), I(v.GetProperty("current_weight")), I(v.GetProperty("resulting_weight")),
            v.GetProperty("within_epsilon").GetBoolean())).ToArray();
        checks.Bool("safe_outside_epsilon", expected.GetProperty("safe_outside_epsilon"), ReserveSafetyCheck.SafeOutsideEpsilon(vaults, ImprovementRule.StrictlyCloser));
    }

    private static void EpsilonStatus(JsonElement input, JsonElement expected, FieldChecks checks)
    {
        var vaults = input.GetProperty("vaults").EnumerateArray().Select(v => (I(v.GetProperty("target_weight")), I(v.GetProperty("resulting_weight")))).ToArray();
        checks.Bools("within_epsilon", expected.GetProperty("within_epsilon"), ReserveSafetyCheck.WithinEpsilon(vaults, I(input.GetProperty("max_deviation"))));
    }

    private static FlowGuardParameters FlowParameters(JsonElement p) => new(
        p.GetProperty("safety_blocks_automatic").GetInt64(), p.GetProperty("safety_blocks_guardian_max").GetInt64(), I(p.GetProperty("threshold_buffer")));

    private static void FlowSequence(JsonElement input, JsonElement expected, FieldChecks checks)
    {
        var ids = new List<string>();
        var limits = new List<FlowLimit>();
        foreach (var v in input.GetProperty("vaults").EnumerateObject())
        {
            ids.Add(v.Name);
            limits.Add(new FlowLimit(I(v.Value.GetProperty("short_flow_memory")), I(v.Value.GetProperty("short_flow_threshold"))));
        }

        var guard = new VaultFlowGuard(limits, FlowParameters(input));
        var steps = input.GetProperty("steps").EnumerateArray().ToArray();
        var results = expected.GetProperty("steps").EnumerateArray().ToArray();
        if (steps.Length != results.Length)
        {
            checks.Fail("steps.length", results.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), steps.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return;
        }

        for (int s = 0; s < steps.Length; s++)
        {
            var step = steps[s];
            var want = results[s];
            string at = $"steps[{s}].";
            string error = string.Empty;
            FlowCheckResult? check = null;
            try
            {
                switch (step.GetProperty("type").GetString())
                {
                    case "op":
                        var order = step.GetProperty("amounts").EnumerateArray().Select(a => (ids.IndexOf(a[0].GetString()!), I(a[1]))).ToArray();
                        check = guard.Check(step.GetProperty("mint").GetBoolean() ? FlowDirection.In : FlowDirection.Out, step.GetProperty("block").GetInt64(), order);
                        if (check.Allowed)
                        {
                            guard.Persist(check);
                        }

                        error = Wire(check.Error);
                        break;
                    case "guardian":
                        guard.GuardianLock(
                            step.GetProperty("block").GetInt64(), ids.IndexOf(step.GetProperty("vault").GetString()!),
                            step.GetProperty("direction").GetString() switch { "in" => GuardianDirections.In, "out" => GuardianDirections.Out, _ => GuardianDirections.Both },
                            step.GetProperty("blocks").GetInt64());
                        break;
                    case "set_threshold":
                        int vault = ids.IndexOf(step.GetProperty("vault").GetString()!);
                        guard.SetLimit(vault, guard.Limit(vault) with { Threshold = I(step.GetProperty("threshold")) });
                        break;
                    default:
                        checks.Fail(at + "type", "op|guardian|set_threshold", step.GetProperty("type").GetString()!);
                        continue;
                }
            }
            catch (ReserveException e)
            {
                error = e.Code.Wire();
            }

            checks.Text(at + "error", want.GetProperty("error").GetString()!, error);
            if (want.TryGetProperty("committed", out var committed))
            {
                checks.Bool(at + "committed", committed, check?.Allowed == true);
            }

            if (want.TryGetProperty("allowed", out var allowed))
            {
                checks.Bool(at + "allowed", allowed, check?.Allowed == true);
            }

            if (want.TryGetProperty("per_vault", out var perVault) && check is not null)
            {
                ComparePerVault(at + "per_vault", perVault, check, ids, checks);
            }

            if (want.TryGetProperty("state_after", out var after))
            {
                CompareFlows(at + "state_after", after, guard, ids, checks);
            }
        }
    }

    private static void ComparePerVault(string at, JsonElement perVault, FlowCheckResult check, IReadOnlyList<string> ids, FieldChecks checks)
    {
        if (perVault.GetArrayLength() != check.Entries.Count)
        {
            checks.Fail(at + ".length", perVault.GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture), check.Entries.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return;
        }

        for (int i = 0; i < check.Entries.Count; i++)
        {
            var want = perVault[i];
            var got = check.Entries[i];
            string p = $"{at}[{i}].";
            checks.Text(p + "vault", want.GetProperty("vault").GetString()!, ids[got.Vault]);
            if (want.TryGetProperty("blocked_by", out var blockedBy))
            {
                checks.Text(p + "blocked_by", blockedBy.GetString()!, got.BlockedBy switch { FlowBlock.SafetyMode => "safety_mode", FlowBlock.Threshold => "threshold", _ => "none" });
            }
            else
            {
                checks.Text(p + "blocked_by", "none", got.BlockedBy == FlowBlock.None ? "none" : got.BlockedBy.ToString());
            }

            ExactOrReal(p, want, "decayed_flow", got.DecayedFlow, checks);
            ExactOrReal(p, want, "new_flow", got.NewFlow, checks);

            if (want.TryGetProperty("safety_mode_activated", out var activated))
            {
                checks.Bool(p + "safety_mode_activated", activated, got.SafetyModeActivated);
            }
        }
    }

    private static void ExactOrReal(string prefix, JsonElement want, string name, Int128 actual, FieldChecks checks)
    {
        if (want.TryGetProperty(name, out var exact))
        {
            checks.Integer(prefix + name, exact, actual);
        }
        else if (want.TryGetProperty(name + "_real", out var real))
        {
            checks.Real(prefix + name + "_real", real, actual, 0, RealTolerance);
        }
    }

    private static void CompareFlows(string at, JsonElement expected, VaultFlowGuard guard, List<string> ids, FieldChecks checks)
    {
        foreach (var vault in expected.EnumerateObject())
        {
            int index = ids.IndexOf(vault.Name);
            if (index < 0)
            {
                checks.Fail($"{at}.{vault.Name}", "a known vault", "missing");
                continue;
            }

            foreach (var (name, direction) in new[] { ("in", FlowDirection.In), ("out", FlowDirection.Out) })
            {
                var want = vault.Value.GetProperty(name);
                var got = guard.Flow(index, direction);
                string p = $"{at}.{vault.Name}.{name}.";
                checks.Integer(p + "short_flow", want.GetProperty("short_flow"), got.ShortFlow);
                checks.Integer(p + "last_safety_block", want.GetProperty("last_safety_block"), got.LastSafetyBlock);
                checks.Integer(p + "last_seen_block", want.GetProperty("last_seen_block"), got.LastSeenBlock);
            }
        }
    }

    private static void ThresholdConversion(JsonElement input, JsonElement expected, FieldChecks checks) =>
        checks.Integer(
            "short_flow_threshold",
            expected.GetProperty("short_flow_threshold"),
            FlowLimit.ThresholdFromUsd(I(input.GetProperty("threshold_usd")), input.GetProperty("vault_decimals").GetInt32(), I(input.GetProperty("vault_price_at_calibration"))));

    private static void Fee(JsonElement input, JsonElement expected, FieldChecks checks)
    {
        Int128 amount = I(input.GetProperty("amount"));
        Int128 after = ReserveFees.AfterFee(amount, ReserveFees.Validate(I(input.GetProperty("fee")), "fee"));
        checks.Integer("amount_after_fee", expected.GetProperty("amount_after_fee"), after);
        checks.Integer("fee_retained_in_reserve", expected.GetProperty("fee_retained_in_reserve"), amount - after);
    }

    private static void Scenario(JsonElement input, JsonElement expected, FieldChecks checks)
    {
        var p = input.GetProperty("params");
        var ids = new List<string>();
        var vaults = new List<ReserveVault>();
        var balances = new List<Int128>();
        var prices = new List<Int128>();
        var calibrations = new List<VaultCalibration>();
        foreach (var v in input.GetProperty("vaults").EnumerateArray())
        {
            string id = v.GetProperty("id").GetString()!;
            ids.Add(id);
            vaults.Add(new ReserveVault(
                id, v.GetProperty("decimals").GetInt32(), v.GetProperty("is_stable").GetBoolean(),
                PricedToken.DefaultPeg.Floor, PricedToken.DefaultPeg.Ceiling,
                I(v.GetProperty("mint_fee")), I(v.GetProperty("redeem_fee")),
                new FlowLimit(I(v.GetProperty("short_flow_memory")), I(v.GetProperty("short_flow_threshold")))));
            balances.Add(I(v.GetProperty("initial_balance")));
            prices.Add(I(v.GetProperty("initial_price")));
            calibrations.Add(new VaultCalibration(
                I(v.GetProperty("price_at_calibration")), I(v.GetProperty("weight_at_calibration")), I(v.GetProperty("weight_at_previous_calibration")),
                v.GetProperty("time_of_calibration").GetInt64(), v.GetProperty("weight_transition_duration").GetInt64()));
        }

        var reserve = new TranchedReserve(
            vaults, balances, prices, calibrations,
            new ReserveSafetyParameters(I(p.GetProperty("max_deviation")), I(p.GetProperty("min_token_price"))),
            FlowParameters(p));
        var steps = input.GetProperty("steps").EnumerateArray().ToArray();
        var results = expected.GetProperty("steps").EnumerateArray().ToArray();
        for (int s = 0; s < steps.Length && s < results.Length; s++)
        {
            var step = steps[s];
            var want = results[s];
            string at = $"steps[{s}].";
            long time = step.GetProperty("time").GetInt64();
            switch (step.GetProperty("type").GetString())
            {
                case "prices":
                    foreach (var price in step.GetProperty("prices").EnumerateObject())
                    {
                        reserve.SetPrice(ids.IndexOf(price.Name), I(price.Value));
                    }

                    CompareState(at + "reserve_state.", want.GetProperty("reserve_state"), reserve.State(time), checks);
                    break;
                case "observe":
                    CompareState(at + "reserve_state.", want.GetProperty("reserve_state"), reserve.State(time), checks);
                    break;
                case "recalibrate":
                    if (want.TryGetProperty("scheduled_weights_before_wei", out var before))
                    {
                        checks.Integers(at + "scheduled_weights_before_wei", before, reserve.State(time).ScheduledWeights);
                    }

                    var targets = new Recalibration[ids.Count];
                    var configs = step.GetProperty("vaults");
                    for (int i = 0; i < ids.Count; i++)
                    {
                        var c = configs.GetProperty(ids[i]);
                        targets[i] = new Recalibration(I(c.GetProperty("weight_at_calibration")), I(c.GetProperty("price_at_calibration")), c.GetProperty("weight_transition_duration").GetInt64());
                    }

                    reserve.Recalibrate(time, targets);
                    CompareState(at + "reserve_state.", want.GetProperty("reserve_state"), reserve.State(time), checks);
                    if (want.TryGetProperty("metadata_after", out var metadata))
                    {
                        foreach (var m in metadata.EnumerateObject())
                        {
                            var cal = reserve.Calibration(ids.IndexOf(m.Name));
                            string mp = $"{at}metadata_after.{m.Name}.";
                            checks.Integer(mp + "weight_at_previous_calibration", m.Value.GetProperty("weight_at_previous_calibration"), cal.WeightAtPreviousCalibration);
                            checks.Integer(mp + "weight_at_calibration", m.Value.GetProperty("weight_at_calibration"), cal.WeightAtCalibration);
                            checks.Integer(mp + "price_at_calibration", m.Value.GetProperty("price_at_calibration"), cal.PriceAtCalibration);
                            checks.Integer(mp + "time_of_calibration", m.Value.GetProperty("time_of_calibration"), cal.TimeOfCalibration);
                            checks.Integer(mp + "weight_transition_duration", m.Value.GetProperty("weight_transition_duration"), cal.WeightTransitionDuration);
                        }
                    }

                    break;
                case "mint":
                case "redeem":
                    ScenarioOperation(reserve, ids, step, want, at, checks);
                    break;
                default:
                    checks.Fail(at + "type", "prices|mint|redeem|recalibrate|observe", step.GetProperty("type").GetString()!);
                    break;
            }
        }

        if (steps.Length != results.Length)
        {
            checks.Fail("steps.length", results.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), steps.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    private static void ScenarioOperation(TranchedReserve reserve, List<string> ids, JsonElement step, JsonElement want, string at, FieldChecks checks)
    {
        bool mint = step.GetProperty("type").GetString() == "mint";
        var amounts = new Int128[ids.Count];
        foreach (var a in step.GetProperty("amounts").EnumerateObject())
        {
            amounts[ids.IndexOf(a.Name)] = I(a.Value);
        }

        var when = new ChainTime(step.GetProperty("time").GetInt64(), step.GetProperty("block").GetInt64());
        ReserveOperationOutcome outcome;
        try
        {
            outcome = mint ? reserve.Mint(when, amounts) : reserve.Redeem(when, amounts);
        }
        catch (ReserveSafetyException e)
        {
            outcome = e.Outcome;
        }

        CompareState(at + "reserve_state_before.", want.GetProperty("reserve_state_before"), outcome.StateBefore, checks);
        var flowCheck = want.GetProperty("flow_check");
        checks.Text(at + "flow_check.error", flowCheck.GetProperty("error").GetString()!, Wire(outcome.Flows.Error));
        ComparePerVault(at + "flow_check.per_vault", flowCheck.GetProperty("per_vault"), outcome.Flows, ids, checks);
        if (want.TryGetProperty("reserve_safety", out var safety))
        {
            if (outcome.Safety is null)
            {
                checks.Fail(at + "reserve_safety", "evaluated", "not evaluated");
            }
            else
            {
                checks.Text(at + "reserve_safety.error", safety.GetProperty("error").GetString()!, Wire(outcome.Safety.Error));
                CompareSafetyDetail(safety, outcome.Safety, checks, at + "reserve_safety.");
            }
        }
        else if (outcome.Safety is not null)
        {
            checks.Fail(at + "reserve_safety", "not evaluated", "evaluated");
        }

        checks.Text(at + "error", want.GetProperty("error").GetString()!, Wire(outcome.Error));
        checks.Bool(at + "committed", want.GetProperty("committed"), outcome.Committed);
        checks.Bool(at + "safety_mode_activated_event", want.GetProperty("safety_mode_activated_event"), outcome.SafetyModeActivated);
        if (want.TryGetProperty("usd_value_after_fees_wei", out var usd))
        {
            checks.Integer(at + "usd_value_after_fees_wei", usd, outcome.UsdValueAfterFees);
        }

        if (want.TryGetProperty("amounts_out_after_fees", out var paid))
        {
            foreach (var a in paid.EnumerateObject())
            {
                checks.Integer($"{at}amounts_out_after_fees.{a.Name}", a.Value, outcome.AmountsAfterFees[ids.IndexOf(a.Name)]);
            }
        }

        foreach (var b in want.GetProperty("balances_after").EnumerateObject())
        {
            checks.Integer($"{at}balances_after.{b.Name}", b.Value, reserve.Balance(ids.IndexOf(b.Name)));
        }

        CompareFlows(at + "flows_after", want.GetProperty("flows_after"), reserve.FlowGuard, ids, checks);
    }
}
