using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Backtest.Numerics;
using Backtest.Protocols.Conformance;

namespace Backtest.Protocols.Waterfall;

/// <summary>
/// Runs shared/spec/vectors/tonsurance.json through <see cref="WaterfallVault"/> and
/// <see cref="RateTable"/>. Which vectors are run and which are excluded is decided from each
/// vector's category, model and inputs alone (never from its expected values): vectors that
/// record a defect of the reference contracts, or a design other than seed 003's, are
/// excluded with the reason; the rest must pass. docs/models/waterfall.md explains each rule.
/// </summary>
public sealed partial class TonsuranceVectorSuite : IVectorSuite
{
    private const string Admin = "admin", Claims = "claims-processor", Factory = "policy-factory", Depositor = "depositor";
    private const long Start = 1_700_000_000;

    public string Name => "tonsurance";

    public bool Accepts(JsonElement document) =>
        document.ValueKind == JsonValueKind.Object
        && document.TryGetProperty("system", out var system)
        && system.ValueKind == JsonValueKind.String
        && system.GetString() == "tonsurance";

    public IEnumerable<VectorResult> Run(JsonElement document)
    {
        foreach (var vector in document.GetProperty("vectors").EnumerateArray())
        {
            yield return RunOne(vector);
        }
    }

    private static VectorResult RunOne(JsonElement vector)
    {
        string id = vector.TryGetProperty("id", out var idElement) ? idElement.GetString() ?? "?" : "?";
        try
        {
            string category = vector.GetProperty("category").GetString() ?? string.Empty;
            string model = vector.TryGetProperty("model", out var m) ? m.GetString() ?? string.Empty : string.Empty;
            var inputs = vector.GetProperty("inputs");
            var expected = vector.GetProperty("expected");
            string? excluded = ExclusionReason(category, model, inputs);
            if (excluded is not null)
            {
                return new VectorResult(id, VectorOutcome.Excluded, string.Empty, string.Empty, excluded);
            }

            var checks = new Checks();
            bool recognised = category switch
            {
                "bonding_curve" when model.StartsWith("ocaml float reference", StringComparison.Ordinal) => ReferenceCurve(inputs, expected, vector, checks),
                "bonding_curve" when model.StartsWith("FunC integer semantics", StringComparison.Ordinal) => FuncCurve(inputs, expected, checks),
                "utilization" => UtilizationVector(inputs, expected, vector, checks),
                "premium_waterfall" when model.StartsWith("intended: BTC->", StringComparison.Ordinal) && model.Contains("dt = 1 year", StringComparison.Ordinal) => SeniorFirst(inputs, expected, checks),
                "loss_waterfall" => LossWaterfall(inputs, expected, checks),
                "circuit_breaker" when model.StartsWith("core vault", StringComparison.Ordinal) => CoreBreaker(inputs, expected, checks),
                "circuit_breaker" when model.StartsWith("intended sliding window", StringComparison.Ordinal) => SlidingBreaker(inputs, expected, checks),
                "lockup" when inputs.TryGetProperty("seconds_after_mint", out _) => Lockup(inputs, expected, checks),
                "validation" => Validation(inputs, expected, checks),
                _ => false,
            };
            return recognised
                ? checks.Result(id)
                : new VectorResult(id, VectorOutcome.Failed, "a vector the suite knows", $"unrecognised category '{category}' / model '{model}'", "unrecognised vector");
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException or ProtocolException or FixedPointException or InputException)
        {
            return new VectorResult(id, VectorOutcome.Failed, "a runnable vector", e.GetType().Name + ": " + e.Message, "the vector could not be run");
        }
    }

    /// <summary>
    /// Why a vector is not run against the engine's model, decided from what it models, or
    /// null if it is run.
    /// </summary>
    private static string? ExclusionReason(string category, string model, JsonElement inputs)
    {
        if (category == "nav_curve_v3" || model.StartsWith("v3", StringComparison.Ordinal))
        {
            return "v3 vault: NAV priced by a time-since-first-deposit multiplier (SNR's falls after 1 y; deposits and withdrawals priced differently) and an EQT yield cap; the engine models seed 003's utilization curves";
        }

        if (category == "premium_waterfall" && inputs.TryGetProperty("allocation_percent", out _))
        {
            return "core vault splits premiums by fixed allocation % (flooring each share), ignoring APY, utilization and seniority; the engine pays seed 003's senior-first APY waterfall";
        }

        if (category == "nav" && model.StartsWith("core vault", StringComparison.Ordinal))
        {
            return "core vault NAV counts a separate accumulated_yield bucket fed by the allocation split, and withdrawals pay yield out of capital (capital can go negative); the engine pays premiums into tranche capital by APY and redeems at capital / supply";
        }

        if (category == "attack" && inputs.TryGetProperty("attacker_distribute_premiums_TON", out _))
        {
            return "records the unauthenticated distribute_premiums drain (no sender check, no funds attached); the engine admits only the policy factory and takes the premium in";
        }

        if (category == "bonding_curve" && model.StartsWith("FunC integer semantics", StringComparison.Ordinal))
        {
            string curve = inputs.GetProperty("curve").GetString() ?? string.Empty;
            if (curve is "log" or "sig" or "exp")
            {
                return "bonding_curves.fc approximates this curve (3-decimal 10-segment table for LOG/SIGMOID, 4th-order Taylor for EXP, up to 61 bps low) and jumps at the ends; the engine evaluates the seed's exact formula to 1e-9 (RateTable)";
            }

            if (curve == "flat" && inputs.GetProperty("apy_min_bps").GetInt32() != 400)
            {
                return "bonding_curves.fc's FLAT curve returns a hard-coded 400 bps whatever MIN is configured; the engine returns MIN";
            }
        }

        if (category == "circuit_breaker" && model.StartsWith("core vault", StringComparison.Ordinal))
        {
            if (inputs.TryGetProperty("events", out _))
            {
                return "core vault breaker: a fixed 24 h window whose 10% threshold is re-based on the already reduced capital, so the allowance shrinks within a window and resets at the boundary; the engine uses a rolling 24 h window against the capital the losses were taken from";
            }

            if (AmountNano(inputs.GetProperty("total_capital_nano")) == 0)
            {
                return "core vault skips the breaker (and its dead insolvency exit 51) when capital is 0, so a loss no one can absorb leaves the vault running; the engine records it as shortfall and pauses";
            }
        }

        if (category == "circuit_breaker" && model.StartsWith("intended sliding window", StringComparison.Ordinal))
        {
            var dts = inputs.GetProperty("events_rel_to_window_end").EnumerateArray().Select(e => e.GetProperty("dt").GetInt64()).ToArray();
            if (dts.Any(dt => dt < -3600) && dts.Any(dt => dt > 0))
            {
                return "the test suite's window resets at W and carries only the last hour's losses, so a loss more than 3600 s before W drops out while a rolling 24 h window (seed 003, the engine) still counts it";
            }
        }

        if (category == "lockup" && inputs.TryGetProperty("mint2_at", out _))
        {
            return "SURE token minters re-lock the whole balance on a top-up (and delete the lock on a partial burn); the engine locks each deposit as its own lot, so the first lot still unlocks on its own schedule";
        }

        return null;
    }

    private static bool ReferenceCurve(JsonElement inputs, JsonElement expected, JsonElement vector, Checks checks)
    {
        var tranche = ParseTranche(inputs.GetProperty("tranche").GetString());
        var table = RateTable.For(ApyCurve.Seed003(tranche), 1);
        double percent = table.ToAnnualDouble(table.Evaluate(UtilizationFromFraction(inputs.GetProperty("utilization").GetDecimal()))) * 100;
        checks.Near("apy_percent", expected.GetProperty("apy_percent").GetDouble(), percent, vector.GetProperty("tolerance").GetDouble());
        if (expected.TryGetProperty("exact_formula_value", out var exact))
        {
            // Printed to 6 decimals of a percent; the table is within 1e-7 percent.
            checks.Near("exact_formula_value", exact.GetDouble(), percent, 1e-6);
        }

        return true;
    }

    private static bool FuncCurve(JsonElement inputs, JsonElement expected, Checks checks)
    {
        var curve = new ApyCurve(
            inputs.GetProperty("curve").GetString() switch
            {
                "flat" => CurveKind.Flat,
                "lin" => CurveKind.Linear,
                "quad" => CurveKind.Quadratic,
                var other => throw new FormatException($"curve '{other}'"),
            },
            inputs.GetProperty("apy_min_bps").GetInt32(),
            inputs.GetProperty("apy_max_bps").GetInt32());
        var table = RateTable.For(curve, 1);
        foreach (var point in expected.GetProperty("points").EnumerateArray())
        {
            long u9 = point.GetProperty("u_fixed9").GetInt64();
            long u = u9 >= 1_000_000_000 ? Utilization.One : Fixed.MulDiv(Math.Max(0, u9), Utilization.One, 1_000_000_000, Rounding.Floor);
            double bps = table.ToAnnualDouble(table.Evaluate(u)) * 10_000;
            checks.Near($"exact_formula_bps@{u9}", point.GetProperty("exact_formula_bps").GetDouble(), bps, 1e-3);

            // FunC floors to whole bps; the engine's APY is finer and its U a 2^-32 fraction.
            long floor = point.GetProperty("apy_bps").GetInt64();
            checks.Holds($"apy_bps@{u9}", $"{floor} = floor(APY)", $"APY {bps.ToString("F7", CultureInfo.InvariantCulture)}", bps >= floor - 1e-6 && bps < floor + 1 + 1e-6);
        }

        return true;
    }

    private static bool UtilizationVector(JsonElement inputs, JsonElement expected, JsonElement vector, Checks checks)
    {
        long u = Utilization.FromCapital(inputs.GetProperty("coverage_sold").GetInt64(), inputs.GetProperty("total_capital").GetInt64());
        checks.Near("utilization", expected.GetProperty("utilization").GetDouble(), Utilization.ToDouble(u), vector.GetProperty("tolerance").GetDouble());
        return true;
    }

    private static bool SeniorFirst(JsonElement inputs, JsonElement expected, Checks checks)
    {
        var capital = TrancheAmounts(inputs.GetProperty("capital_TON"), ton: true);
        var vault = FundedVault(WaterfallConfig.Seed003(), capital);

        // The vector gives U directly: sell coverage U · capital.
        long coverage = Fixed.MulDiv(vault.TotalCapital, UtilizationFromFraction(inputs.GetProperty("utilization").GetDecimal()), Utilization.One, Rounding.Floor);
        if (coverage > 0)
        {
            vault.SellCoverage(Factory, coverage, Start);
        }

        var result = vault.DistributePremiums(Factory, Fixed.FromDecimal(inputs.GetProperty("premium_TON").GetDecimal()), Start + WaterfallConfig.SecondsPerYear);

        // Printed to 6 decimals; the APY error adds < 1e-7 on these capitals.
        foreach (var (tranche, amount) in TrancheAmounts(expected.GetProperty("distributed_TON"), ton: true))
        {
            checks.Near("distributed_" + Tranches.Name(tranche), Fixed.ToDouble(amount), Fixed.ToDouble(result.Paid[Tranches.Index(tranche)]), 1e-6);
        }

        checks.Near("undistributed", expected.GetProperty("undistributed_TON").GetDouble(), Fixed.ToDouble(result.ToReserve), 1e-6);
        return true;
    }

    private static bool LossWaterfall(JsonElement inputs, JsonElement expected, Checks checks)
    {
        bool ton = inputs.TryGetProperty("capital_TON", out var capitalElement);
        if (!ton)
        {
            capitalElement = inputs.GetProperty("capital_nano");
        }

        var capital = TrancheAmounts(capitalElement, ton);
        var vault = FundedVault(WaterfallConfig.Seed003(), capital);
        long before = vault.TotalCapital;
        long loss = ton ? Fixed.FromDecimal(inputs.GetProperty("loss_TON").GetDecimal()) : AmountNano(inputs.GetProperty("loss_nano"));
        var result = vault.AbsorbLoss(Claims, loss, Start);

        foreach (var field in expected.EnumerateObject())
        {
            switch (field.Name)
            {
                case "capital_after_nano":
                    var stated = TrancheAmounts(field.Value, ton: false);
                    bool othersZero = field.Value.TryGetProperty("others", out _);
                    foreach (var t in Tranches.SeniorFirst)
                    {
                        if (stated.TryGetValue(t, out long value) || othersZero)
                        {
                            checks.Equal("capital_after_" + Tranches.Name(t), stated.GetValueOrDefault(t), vault.CapitalOf(t));
                        }
                    }

                    break;
                case "absorbed_TON":
                    foreach (var (t, amount) in TrancheAmounts(field.Value, ton: true))
                    {
                        checks.Equal("absorbed_" + Tranches.Name(t), amount, result.Absorbed[Tranches.Index(t)]);
                    }

                    break;
                case "total_capital_after":
                    checks.Equal(field.Name, AmountNano(field.Value), vault.TotalCapital);
                    break;
                case "remaining_unabsorbed_nano":
                    checks.Equal(field.Name, AmountNano(field.Value), result.Shortfall);
                    break;
                case "unabsorbed_TON":
                    checks.Equal(field.Name, Fixed.FromDecimal(field.Value.GetDecimal()), result.Shortfall);
                    break;
                case "breaker_threshold_nano":
                    checks.Equal(field.Name, AmountNano(field.Value), WindowAllowance(vault.Config, before));
                    break;
                default:
                    checks.Unknown(field.Name);
                    break;
            }
        }

        return true;
    }

    /// <summary>
    /// A single loss against the core vault's breaker. All capital sits in SURE-BTC so that only
    /// the size of the loss against total capital matters, as in the reference. Its "exit 50"
    /// (the loss rejected) corresponds to the engine's window breaker tripping (the loss is
    /// absorbed and the vault paused).
    /// </summary>
    private static bool CoreBreaker(JsonElement inputs, JsonElement expected, Checks checks)
    {
        long total = AmountNano(inputs.GetProperty("total_capital_nano"));
        var vault = FundedVault(WaterfallConfig.Seed003(), new Dictionary<Tranche, long> { [Tranche.SureBtc] = total });
        var result = vault.AbsorbLoss(Claims, AmountNano(inputs.GetProperty("loss_nano")), Start);
        bool trips = result.Tripped.HasFlag(PauseCause.WindowLossBreaker);
        foreach (var field in expected.EnumerateObject())
        {
            switch (field.Name)
            {
                case "result":
                    string stated = field.Value.GetString() ?? string.Empty;
                    bool statedTrips = stated.StartsWith("exit 50", StringComparison.Ordinal);
                    checks.Holds("breaker", stated, trips ? "tripped: loss absorbed, vault paused" : "not tripped", statedTrips == trips && (statedTrips || stated == "ok"));
                    break;
                case "threshold_nano":
                    checks.Equal(field.Name, AmountNano(field.Value), WindowAllowance(vault.Config, total));
                    break;
                case "accumulated_losses_nano":
                    checks.Equal(field.Name, AmountNano(field.Value), vault.LossesClaimed);
                    break;
                case "paused":
                    checks.Holds(field.Name, field.Value.GetBoolean().ToString(), vault.Paused.ToString(), field.Value.GetBoolean() == vault.Paused);
                    break;
                default:
                    checks.Unknown(field.Name);
                    break;
            }
        }

        return true;
    }

    /// <summary>
    /// Losses at times relative to a window end W, against the rolling 24 h breaker. Capital
    /// sits in SURE-BTC so the single-loss breaker (20% of a tranche) stays out of the way.
    /// The expected outcome is prose; each clause is checked against the engine's trace.
    /// </summary>
    private static bool SlidingBreaker(JsonElement inputs, JsonElement expected, Checks checks)
    {
        long total = Fixed.FromDecimal(inputs.GetProperty("total_capital_TON").GetDecimal());
        var vault = FundedVault(WaterfallConfig.Seed003(), new Dictionary<Tranche, long> { [Tranche.SureBtc] = total });
        checks.Equal("threshold", Fixed.FromDecimal(inputs.GetProperty("threshold_TON").GetDecimal()), WindowAllowance(vault.Config, total));

        long windowEnd = Start + vault.Config.LossWindowSeconds;
        var paused = new List<bool>();
        var windowLosses = new List<long>();
        foreach (var e in inputs.GetProperty("events_rel_to_window_end").EnumerateArray())
        {
            vault.AbsorbLoss(Claims, Fixed.FromDecimal(e.GetProperty("loss_TON").GetDecimal()), windowEnd + e.GetProperty("dt").GetInt64());
            paused.Add(vault.PauseCauses.HasFlag(PauseCause.WindowLossBreaker));
            windowLosses.Add(vault.WindowLosses);
        }

        string outcome = expected.GetProperty("outcome").GetString() ?? string.Empty;
        int clauses = 0;
        foreach (Match m in PausedAfter().Matches(outcome))
        {
            int k = int.Parse(m.Groups["k"].Value, CultureInfo.InvariantCulture);
            bool negated = m.Groups["not"].Success;
            bool ok = negated ? !paused[k - 1] : paused[k - 1] && (k == 1 || !paused[k - 2]);
            checks.Holds($"after event {k}", negated ? "not paused" : "paused (first here)", Describe(paused, k), ok);
            clauses++;
        }

        foreach (Match m in WindowLossesAfter().Matches(outcome))
        {
            int k = int.Parse(m.Groups["k"].Value, CultureInfo.InvariantCulture);
            long stated = Fixed.FromDecimal(decimal.Parse(m.Groups["v"].Value, CultureInfo.InvariantCulture) * 1000);
            checks.Equal($"window losses after event {k}", stated, windowLosses[k - 1]);
            clauses++;
        }

        if (NotPausedAtExactly().IsMatch(outcome) && PausedAfterPlusOne().IsMatch(outcome))
        {
            int n = paused.Count;
            checks.Holds("at exactly the threshold", "not paused", Describe(paused, n - 1), n >= 2 && !paused[n - 2]);
            checks.Holds("one more", "paused", Describe(paused, n), paused[n - 1]);
            clauses++;
        }

        if (outcome.Contains("window_start", StringComparison.Ordinal))
        {
            checks.Note("window_start belongs to the fixed-window design; a rolling window has none");
        }

        if (clauses == 0)
        {
            checks.Unknown("outcome '" + outcome + "'");
        }

        return true;

        static string Describe(List<bool> paused, int k) => k >= 1 && k <= paused.Count ? (paused[k - 1] ? "paused" : "not paused") : "no such event";
    }

    private static bool Lockup(JsonElement inputs, JsonElement expected, Checks checks)
    {
        var tranche = ParseTranche(inputs.GetProperty("tranche").GetString());
        var locks = WaterfallConfig.Seed003().Tranches.Select(t => t.LockSeconds).ToArray();
        locks[Tranches.Index(tranche)] = inputs.GetProperty("lock_period_s").GetInt64();
        var vault = FundedVault(WaterfallConfig.Seed003(locks), new Dictionary<Tranche, long> { [tranche] = Fixed.One });
        var stated = expected.GetProperty("is_unlocked").EnumerateArray().Select(e => e.GetBoolean()).ToArray();
        var actual = inputs.GetProperty("seconds_after_mint").EnumerateArray()
            .Select(s => vault.UnlockedBalanceOf(Depositor, tranche, Start + s.GetInt64()) == vault.BalanceOf(Depositor, tranche))
            .ToArray();
        checks.Holds("is_unlocked", string.Join(",", stated), string.Join(",", actual), stated.SequenceEqual(actual));
        return true;
    }

    private static bool Validation(JsonElement inputs, JsonElement expected, Checks checks)
    {
        var vault = new WaterfallVault(WaterfallConfig.Seed003(), new WaterfallRoles(Admin, Claims, Factory), Start);
        string actual;
        try
        {
            if (inputs.TryGetProperty("msg_value_nano", out var value))
            {
                vault.Deposit(Depositor, (Tranche)inputs.GetProperty("tranche").GetInt32(), AmountNano(value), Start);
            }
            else if (inputs.TryGetProperty("loss_nano", out var loss))
            {
                string caller = inputs.TryGetProperty("sender", out var sender) && sender.GetString() != "claims processor" ? "someone-else" : Claims;
                vault.AbsorbLoss(caller, AmountNano(loss), Start);
            }
            else
            {
                return false;
            }

            actual = "ok";
        }
        catch (WaterfallException e)
        {
            actual = ReferenceExitCode(e) is int code ? $"exit {code}" : $"{e.Rule} (no reference code)";
        }

        string stated = expected.GetProperty("result").GetString() ?? string.Empty;
        checks.Holds("result", stated, actual, stated == actual);
        return true;
    }

    /// <summary>The core vault's error code for the rule the engine refused with (spec §2.3).</summary>
    private static int? ReferenceExitCode(WaterfallException e) => e switch
    {
        DepositBelowMinimumException or InvalidAmountException => 400,
        InvalidTrancheException => 401,
        VaultPausedException => 402,
        UnauthorizedCallerException => 403,
        InsufficientBalanceException => 406,
        LockupActiveException => 409,
        _ => null,
    };

    /// <summary>The largest loss a fresh window allows before the breaker trips: floor(capital · 10%).</summary>
    private static long WindowAllowance(WaterfallConfig config, long totalCapital) =>
        Fixed.MulDiv(totalCapital, config.WindowLossBreakerBps, 10_000, Rounding.Floor);

    private static WaterfallVault FundedVault(WaterfallConfig config, IReadOnlyDictionary<Tranche, long> capital)
    {
        var vault = new WaterfallVault(config, new WaterfallRoles(Admin, Claims, Factory), Start);
        foreach (var (tranche, amount) in capital)
        {
            if (amount > 0)
            {
                vault.Deposit(Depositor, tranche, amount, Start);
            }
        }

        return vault;
    }

    private static Dictionary<Tranche, long> TrancheAmounts(JsonElement element, bool ton)
    {
        var amounts = new Dictionary<Tranche, long>();
        foreach (var p in element.EnumerateObject())
        {
            if (p.Name == "others")
            {
                continue;
            }

            amounts[ParseTranche(p.Name)] = ton ? Fixed.FromDecimal(p.Value.GetDecimal()) : AmountNano(p.Value);
        }

        return amounts;
    }

    /// <summary>A nano amount: a JSON integer, or a decimal string beyond 2^53 (the file's convention).</summary>
    private static long AmountNano(JsonElement element) => element.ValueKind == JsonValueKind.String
        ? long.Parse(element.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)
        : element.GetInt64();

    /// <summary>floor(min(1, max(0, u)) · 2^32), converted exactly through decimal.</summary>
    private static long UtilizationFromFraction(decimal u) =>
        (long)decimal.Floor(Math.Clamp(u, 0m, 1m) * Utilization.One);

    private static Tranche ParseTranche(string? name) => name switch
    {
        "BTC" or "SURE-BTC" => Tranche.SureBtc,
        "SNR" or "SURE-SNR" => Tranche.SureSnr,
        "MEZZ" or "SURE-MEZZ" => Tranche.SureMezz,
        "JNR" or "SURE-JNR" => Tranche.SureJnr,
        "JNR_PLUS" or "JNR+" or "SURE-JNR+" => Tranche.SureJnrPlus,
        "EQT" or "SURE-EQT" => Tranche.SureEqt,
        _ => throw new FormatException($"unknown tranche '{name}'"),
    };

    [GeneratedRegex(@"(?<not>not )?paused after (?<k>\d+)(st|nd|rd|th)")]
    private static partial Regex PausedAfter();

    [GeneratedRegex(@"window losses after (?<k>\d+)(st|nd|rd|th) = (?<v>[\d.]+)k")]
    private static partial Regex WindowLossesAfter();

    [GeneratedRegex(@"not paused at exactly")]
    private static partial Regex NotPausedAtExactly();

    [GeneratedRegex(@"paused after \+1")]
    private static partial Regex PausedAfterPlusOne();

    /// <summary>Field-by-field comparison; the vector passes when every field agrees.</summary>
    private sealed class Checks
    {
        private readonly StringBuilder _expected = new();
        private readonly StringBuilder _actual = new();
        private readonly List<string> _failures = [];

        public void Equal(string field, long expected, long actual) =>
            Holds(field, Fixed.Format(expected), Fixed.Format(actual), expected == actual);

        public void Near(string field, double expected, double actual, double tolerance) =>
            Holds(
                field,
                expected.ToString("R", CultureInfo.InvariantCulture) + "±" + tolerance.ToString("G3", CultureInfo.InvariantCulture),
                actual.ToString("G12", CultureInfo.InvariantCulture),
                Math.Abs(expected - actual) <= tolerance);

        public void Holds(string field, string expected, string actual, bool ok)
        {
            Append(_expected, $"{field}={expected}");
            Append(_actual, $"{field}={actual}");
            if (!ok)
            {
                _failures.Add(field);
            }
        }

        public void Unknown(string field) => Holds(field, "(a field the suite knows)", "unrecognised", false);

        public void Note(string note) => Append(_actual, "note: " + note);

        public VectorResult Result(string id) => _failures.Count == 0
            ? new VectorResult(id, VectorOutcome.Passed, _expected.ToString(), _actual.ToString())
            : new VectorResult(id, VectorOutcome.Failed, _expected.ToString(), _actual.ToString(), "differs: " + string.Join(", ", _failures));

        private static void Append(StringBuilder sb, string item) => sb.Append(sb.Length == 0 ? string.Empty : "; ").Append(item);
    }
}
