using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Backtest.Numerics;
using Backtest.Protocols.Waterfall;

namespace Backtest.Protocols.Conformance;

/// <summary>
/// The Tonsurance vectors (spec/vectors/tonsurance.json) run through <see cref="WaterfallVault"/>
/// and <see cref="RateTable"/>, dispatched on <c>category</c> and the <c>model</c> the numbers
/// assume. Which vectors run is decided from category, model and inputs alone: those recording
/// a defect of the reference contracts, or the v3 vault's different design, are excluded with
/// the reason (docs/models/waterfall.md lists each rule); the rest must pass. Amounts compare
/// exactly; APYs and utilizations within the vector's tolerance or, for printed decimals, half
/// a unit of the last printed digit plus the curve error bound.
/// </summary>
public sealed partial class TonsuranceVectorSuite : DispatchingVectorSuite<WaterfallException>
{
    private const string Admin = "admin", Claims = "claims-processor", Factory = "policy-factory", Depositor = "depositor";
    private const long Start = 1_700_000_000;

    public override string Name => "tonsurance";

    internal override string KindField => "category";

    internal override string InputField => "inputs";

    public override bool Accepts(JsonElement document) =>
        document.TryGetProperty("system", out var system) && system.ValueKind == JsonValueKind.String && system.GetString() == "tonsurance";

    internal override Action<VectorCase, FieldChecks>? HandlerFor(string kind) => kind switch
    {
        "bonding_curve" => BondingCurve,
        "utilization" => UtilizationVector,
        "premium_waterfall" => SeniorFirstPremiums,
        "loss_waterfall" => LossWaterfall,
        "circuit_breaker" => Breaker,
        "lockup" => Lockup,
        "validation" => Validation,
        _ => null,
    };

    /// <summary>A refusal is compared with the reference's exit code for the same rule (spec §2.3).</summary>
    internal override void Refused(WaterfallException refusal, JsonElement expected, FieldChecks checks)
    {
        int? code = refusal switch
        {
            DepositBelowMinimumException or InvalidAmountException => 400,
            InvalidTrancheException => 401,
            VaultPausedException => 402,
            UnauthorizedCallerException => 403,
            InsufficientBalanceException => 406,
            LockupActiveException => 409,
            _ => null,
        };
        string actual = code is int c ? $"exit {c}" : $"{refusal.Rule} (no reference code)";
        if (expected.TryGetProperty("result", out var result))
        {
            checks.Text("result", result.GetString()!, actual);
        }
        else
        {
            checks.Fail("result", "no refusal", actual);
        }
    }

    internal override string? ExclusionReason(VectorCase c, string kind)
    {
        var inputs = c.Input;
        if (kind == "nav_curve_v3" || c.Model.StartsWith("v3", StringComparison.Ordinal))
        {
            return "v3 vault: NAV priced by a time-since-first-deposit multiplier (SNR's falls after 1 y; deposits and withdrawals priced differently) and an EQT yield cap; the engine models seed 003's utilization curves";
        }

        if (kind == "premium_waterfall" && inputs.TryGetProperty("allocation_percent", out _))
        {
            return "core vault splits premiums by fixed allocation % (flooring each share), ignoring APY, utilization and seniority; the engine pays seed 003's senior-first APY waterfall";
        }

        if (kind == "nav" && c.Model.StartsWith("core vault", StringComparison.Ordinal))
        {
            return "core vault NAV counts a separate accumulated_yield bucket fed by the allocation split, and withdrawals pay yield out of capital (capital can go negative); the engine pays premiums into tranche capital by APY and redeems at capital / supply";
        }

        if (kind == "attack" && inputs.TryGetProperty("attacker_distribute_premiums_TON", out _))
        {
            return "records the unauthenticated distribute_premiums drain (no sender check, no funds attached); the engine admits only the policy factory and takes the premium in";
        }

        if (kind == "bonding_curve" && c.Model.StartsWith("FunC integer semantics", StringComparison.Ordinal))
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

        if (kind == "circuit_breaker" && c.Model.StartsWith("core vault", StringComparison.Ordinal))
        {
            if (inputs.TryGetProperty("events", out _))
            {
                return "core vault breaker: a fixed 24 h window whose 10% threshold is re-based on the already reduced capital, so the allowance shrinks within a window and resets at the boundary; the engine uses a rolling 24 h window against the capital the losses were taken from";
            }

            if (Nano(inputs.GetProperty("total_capital_nano")) == 0)
            {
                return "core vault skips the breaker (and its dead insolvency exit 51) when capital is 0, so a loss no one can absorb leaves the vault running; the engine records it as shortfall and pauses";
            }
        }

        if (kind == "circuit_breaker" && c.Model.StartsWith("intended sliding window", StringComparison.Ordinal))
        {
            var dts = inputs.GetProperty("events_rel_to_window_end").EnumerateArray().Select(e => e.GetProperty("dt").GetInt64()).ToArray();
            if (dts.Any(dt => dt < -3600) && dts.Any(dt => dt > 0))
            {
                return "the test suite's window resets at W and carries only the last hour's losses, so a loss more than 3600 s before W drops out while a rolling 24 h window (seed 003, the engine) still counts it";
            }
        }

        if (kind == "lockup" && inputs.TryGetProperty("mint2_at", out _))
        {
            return "SURE token minters re-lock the whole balance on a top-up (and delete the lock on a partial burn); the engine locks each deposit as its own lot, so the first lot still unlocks on its own schedule";
        }

        return null;
    }

    private static void BondingCurve(VectorCase c, FieldChecks checks)
    {
        if (c.Model.StartsWith("ocaml float reference", StringComparison.Ordinal))
        {
            var table = RateTable.For(ApyCurve.Seed003(ParseTranche(c.Input.GetProperty("tranche").GetString())), 1);
            double percent = table.ToAnnualDouble(table.Evaluate(UtilizationFromFraction(c.Input.GetProperty("utilization").GetDecimal()))) * 100;
            checks.Near("apy_percent", c.Expected.GetProperty("apy_percent"), percent, 0, c.Vector.GetProperty("tolerance").GetDouble());
            if (c.Expected.TryGetProperty("exact_formula_value", out var exact))
            {
                // Printed to 6 decimals of a percent; the table is within 1e-7 percent.
                checks.Near("exact_formula_value", exact, percent, 0, 1e-6);
            }

            return;
        }

        if (!c.Model.StartsWith("FunC integer semantics", StringComparison.Ordinal))
        {
            throw new FormatException($"bonding curve model '{c.Model}'");
        }

        var curve = new ApyCurve(
            c.Input.GetProperty("curve").GetString() switch
            {
                "flat" => CurveKind.Flat,
                "lin" => CurveKind.Linear,
                "quad" => CurveKind.Quadratic,
                var other => throw new FormatException($"curve '{other}'"),
            },
            c.Input.GetProperty("apy_min_bps").GetInt32(),
            c.Input.GetProperty("apy_max_bps").GetInt32());
        var rates = RateTable.For(curve, 1);
        foreach (var point in c.Expected.GetProperty("points").EnumerateArray())
        {
            long u9 = point.GetProperty("u_fixed9").GetInt64();
            long u = u9 >= 1_000_000_000 ? Utilization.One : Fixed.MulDiv(Math.Max(0, u9), Utilization.One, 1_000_000_000, Rounding.Floor);
            double bps = rates.ToAnnualDouble(rates.Evaluate(u)) * 10_000;
            checks.Near($"exact_formula_bps@{u9}", point.GetProperty("exact_formula_bps"), bps, 0, 1e-3);

            // FunC floors to whole bps; the engine's APY is finer and its U a 2^-32 fraction.
            long floor = point.GetProperty("apy_bps").GetInt64();
            bool consistent = bps >= floor - 1e-6 && bps < floor + 1 + 1e-6;
            checks.Text($"apy_bps@{u9}", $"{floor} (floor of the APY)", consistent ? $"{floor} (floor of the APY)" : bps.ToString("F7", CultureInfo.InvariantCulture));
        }
    }

    private static void UtilizationVector(VectorCase c, FieldChecks checks)
    {
        long u = Utilization.FromCapital(c.Input.GetProperty("coverage_sold").GetInt64(), c.Input.GetProperty("total_capital").GetInt64());
        checks.Near("utilization", c.Expected.GetProperty("utilization"), Utilization.ToDouble(u), 0, c.Vector.GetProperty("tolerance").GetDouble());
    }

    private static void SeniorFirstPremiums(VectorCase c, FieldChecks checks)
    {
        if (!c.Model.StartsWith("intended: BTC->", StringComparison.Ordinal) || !c.Model.Contains("dt = 1 year", StringComparison.Ordinal))
        {
            throw new FormatException($"premium waterfall model '{c.Model}'");
        }

        var vault = FundedVault(WaterfallConfig.Seed003(), TrancheAmounts(c.Input.GetProperty("capital_TON"), ton: true));

        // The vector gives U directly: sell coverage U · capital.
        long coverage = Fixed.MulDiv(vault.TotalCapital, UtilizationFromFraction(c.Input.GetProperty("utilization").GetDecimal()), Utilization.One, Rounding.Floor);
        if (coverage > 0)
        {
            vault.SellCoverage(Factory, coverage, Start);
        }

        var result = vault.DistributePremiums(Factory, Fixed.FromDecimal(c.Input.GetProperty("premium_TON").GetDecimal()), Start + WaterfallConfig.SecondsPerYear);

        // Printed to 6 decimals; the APY error adds < 1e-7 on these capitals.
        foreach (var p in c.Expected.GetProperty("distributed_TON").EnumerateObject())
        {
            var tranche = ParseTranche(p.Name);
            checks.Near("distributed_TON." + p.Name, p.Value, Fixed.ToDouble(result.Paid[Tranches.Index(tranche)]), 0, 1e-6);
        }

        checks.Near("undistributed_TON", c.Expected.GetProperty("undistributed_TON"), Fixed.ToDouble(result.ToReserve), 0, 1e-6);
    }

    private static void LossWaterfall(VectorCase c, FieldChecks checks)
    {
        bool ton = c.Input.TryGetProperty("capital_TON", out var capitalElement);
        if (!ton)
        {
            capitalElement = c.Input.GetProperty("capital_nano");
        }

        var vault = FundedVault(WaterfallConfig.Seed003(), TrancheAmounts(capitalElement, ton));
        long before = vault.TotalCapital;
        long loss = ton ? Fixed.FromDecimal(c.Input.GetProperty("loss_TON").GetDecimal()) : Nano(c.Input.GetProperty("loss_nano"));
        var result = vault.AbsorbLoss(Claims, loss, Start);

        foreach (var field in c.Expected.EnumerateObject())
        {
            switch (field.Name)
            {
                case "capital_after_nano":
                    bool othersZero = field.Value.TryGetProperty("others", out _);
                    foreach (var t in Tranches.SeniorFirst)
                    {
                        string name = ReferenceName(t);
                        if (field.Value.TryGetProperty(name, out var stated))
                        {
                            checks.Integer($"capital_after_nano.{name}", stated, vault.CapitalOf(t));
                        }
                        else if (othersZero)
                        {
                            checks.Integer($"capital_after_nano.{name}", field.Value.GetProperty("others"), vault.CapitalOf(t));
                        }
                    }

                    break;
                case "absorbed_TON":
                    foreach (var p in field.Value.EnumerateObject())
                    {
                        checks.Decimal("absorbed_TON." + p.Name, p.Value, Fixed.ToDecimal(result.Absorbed[Tranches.Index(ParseTranche(p.Name))]));
                    }

                    break;
                case "total_capital_after":
                    checks.Integer(field.Name, field.Value, vault.TotalCapital);
                    break;
                case "remaining_unabsorbed_nano":
                    checks.Integer(field.Name, field.Value, result.Shortfall);
                    break;
                case "unabsorbed_TON":
                    checks.Decimal(field.Name, field.Value, Fixed.ToDecimal(result.Shortfall));
                    break;
                case "breaker_threshold_nano":
                    checks.Integer(field.Name, field.Value, WindowAllowance(vault.Config, before));
                    break;
                default:
                    checks.Fail(field.Name, "a field the suite models", "unrecognised");
                    break;
            }
        }
    }

    private static void Breaker(VectorCase c, FieldChecks checks)
    {
        if (c.Model.StartsWith("core vault", StringComparison.Ordinal))
        {
            CoreBreaker(c, checks);
        }
        else if (c.Model.StartsWith("intended sliding window", StringComparison.Ordinal))
        {
            SlidingBreaker(c, checks);
        }
        else
        {
            throw new FormatException($"breaker model '{c.Model}'");
        }
    }

    /// <summary>
    /// A single loss against the core vault's breaker. All capital sits in SURE-BTC so that only
    /// the size of the loss against total capital matters, as in the reference. Its "exit 50"
    /// (the loss rejected) is compared with the engine's window breaker tripping (the loss
    /// absorbed and the vault paused); "ok" with it not tripping.
    /// </summary>
    private static void CoreBreaker(VectorCase c, FieldChecks checks)
    {
        long total = Nano(c.Input.GetProperty("total_capital_nano"));
        var vault = FundedVault(WaterfallConfig.Seed003(), new Dictionary<Tranche, long> { [Tranche.SureBtc] = total });
        var result = vault.AbsorbLoss(Claims, Nano(c.Input.GetProperty("loss_nano")), Start);
        bool trips = result.Tripped.HasFlag(PauseCause.WindowLossBreaker);
        foreach (var field in c.Expected.EnumerateObject())
        {
            switch (field.Name)
            {
                case "result":
                    string stated = field.Value.GetString()!;
                    string statedBreaker = stated.StartsWith("exit 50", StringComparison.Ordinal) ? "trips" : stated == "ok" ? "does not trip" : stated;
                    checks.Text("result (breaker)", statedBreaker, trips ? "trips" : "does not trip");
                    break;
                case "threshold_nano":
                    checks.Integer(field.Name, field.Value, WindowAllowance(vault.Config, total));
                    break;
                case "accumulated_losses_nano":
                    checks.Integer(field.Name, field.Value, vault.LossesClaimed);
                    break;
                case "paused":
                    checks.Bool(field.Name, field.Value, vault.Paused);
                    break;
                default:
                    checks.Fail(field.Name, "a field the suite models", "unrecognised");
                    break;
            }
        }
    }

    /// <summary>
    /// Losses at times relative to a window end W, against the rolling 24 h breaker. Capital
    /// sits in SURE-BTC so the single-loss breaker (20% of a tranche) stays out of the way.
    /// The expected outcome is prose; each clause it states is checked against the engine's trace.
    /// </summary>
    private static void SlidingBreaker(VectorCase c, FieldChecks checks)
    {
        long total = Fixed.FromDecimal(c.Input.GetProperty("total_capital_TON").GetDecimal());
        var vault = FundedVault(WaterfallConfig.Seed003(), new Dictionary<Tranche, long> { [Tranche.SureBtc] = total });
        checks.Decimal("threshold_TON", c.Input.GetProperty("threshold_TON"), Fixed.ToDecimal(WindowAllowance(vault.Config, total)));

        long windowEnd = Start + vault.Config.LossWindowSeconds;
        var paused = new List<bool>();
        var windowLosses = new List<long>();
        foreach (var e in c.Input.GetProperty("events_rel_to_window_end").EnumerateArray())
        {
            vault.AbsorbLoss(Claims, Fixed.FromDecimal(e.GetProperty("loss_TON").GetDecimal()), windowEnd + e.GetProperty("dt").GetInt64());
            paused.Add(vault.PauseCauses.HasFlag(PauseCause.WindowLossBreaker));
            windowLosses.Add(vault.WindowLosses);
        }

        string State(int k) => k >= 1 && k <= paused.Count ? (paused[k - 1] ? "paused" : "not paused") : "no such event";
        string outcome = c.Expected.GetProperty("outcome").GetString()!;
        int clauses = 0;
        foreach (Match m in PausedAfter().Matches(outcome))
        {
            int k = int.Parse(m.Groups["k"].Value, CultureInfo.InvariantCulture);
            if (m.Groups["not"].Success)
            {
                checks.Text($"after event {k}", "not paused", State(k));
            }
            else
            {
                checks.Text($"after event {k - 1}", "not paused", k == 1 ? "not paused" : State(k - 1));
                checks.Text($"after event {k}", "paused", State(k));
            }

            clauses++;
        }

        foreach (Match m in WindowLossesAfter().Matches(outcome))
        {
            int k = int.Parse(m.Groups["k"].Value, CultureInfo.InvariantCulture);
            decimal stated = decimal.Parse(m.Groups["v"].Value, CultureInfo.InvariantCulture) * 1000;
            checks.Text($"window losses after event {k}", stated.ToString(CultureInfo.InvariantCulture), Fixed.ToDecimal(windowLosses[k - 1]).ToString(CultureInfo.InvariantCulture));
            clauses++;
        }

        if (NotPausedAtExactly().IsMatch(outcome) && PausedAfterPlusOne().IsMatch(outcome))
        {
            checks.Text("at exactly the threshold", "not paused", State(paused.Count - 1));
            checks.Text("one more", "paused", State(paused.Count));
            clauses++;
        }

        if (clauses == 0)
        {
            checks.Fail("outcome", outcome, "no clause the suite can check");
        }
    }

    private static void Lockup(VectorCase c, FieldChecks checks)
    {
        var tranche = ParseTranche(c.Input.GetProperty("tranche").GetString());
        var locks = WaterfallConfig.Seed003().Tranches.Select(t => t.LockSeconds).ToArray();
        locks[Tranches.Index(tranche)] = c.Input.GetProperty("lock_period_s").GetInt64();
        var vault = FundedVault(WaterfallConfig.Seed003(locks), new Dictionary<Tranche, long> { [tranche] = Fixed.One });
        var unlocked = c.Input.GetProperty("seconds_after_mint").EnumerateArray()
            .Select(s => vault.UnlockedBalanceOf(Depositor, tranche, Start + s.GetInt64()) == vault.BalanceOf(Depositor, tranche))
            .ToList();
        checks.Bools("is_unlocked", c.Expected.GetProperty("is_unlocked"), unlocked);
    }

    /// <summary>One operation the reference refuses; the refusal reaches <see cref="Refused"/>.</summary>
    private static void Validation(VectorCase c, FieldChecks checks)
    {
        var vault = new WaterfallVault(WaterfallConfig.Seed003(), new WaterfallRoles(Admin, Claims, Factory), Start);
        if (c.Input.TryGetProperty("msg_value_nano", out var value))
        {
            vault.Deposit(Depositor, (Tranche)c.Input.GetProperty("tranche").GetInt32(), Nano(value), Start);
        }
        else if (c.Input.TryGetProperty("loss_nano", out var loss))
        {
            string caller = c.Input.TryGetProperty("sender", out var sender) && sender.GetString() != "claims processor" ? "someone-else" : Claims;
            vault.AbsorbLoss(caller, Nano(loss), Start);
        }
        else
        {
            throw new FormatException("a validation vector with neither a deposit nor a loss");
        }

        checks.Text("result", c.Expected.GetProperty("result").GetString()!, "ok");
    }

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

    private static Dictionary<Tranche, long> TrancheAmounts(JsonElement element, bool ton) =>
        element.EnumerateObject()
            .Where(p => p.Name != "others")
            .ToDictionary(p => ParseTranche(p.Name), p => ton ? Fixed.FromDecimal(p.Value.GetDecimal()) : Nano(p.Value));

    /// <summary>A nano amount: a JSON integer, or a decimal string beyond 2^53 (the file's convention).</summary>
    private static long Nano(JsonElement element) => (long)FieldChecks.ParseInteger(element);

    /// <summary>floor(min(1, max(0, u)) · 2^32), converted exactly through decimal.</summary>
    private static long UtilizationFromFraction(decimal u) => (long)decimal.Floor(Math.Clamp(u, 0m, 1m) * Utilization.One);

    private static string ReferenceName(Tranche tranche) => tranche switch
    {
        Tranche.SureBtc => "BTC",
        Tranche.SureSnr => "SNR",
        Tranche.SureMezz => "MEZZ",
        Tranche.SureJnr => "JNR",
        Tranche.SureJnrPlus => "JNR_PLUS",
        _ => "EQT",
    };

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
}
