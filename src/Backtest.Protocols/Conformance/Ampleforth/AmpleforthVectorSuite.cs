using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Backtest.Numerics;
using Backtest.Protocols.Ampleforth;
using Backtest.Protocols.Ampleforth.Balancers;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Policy;
using Backtest.Protocols.Ampleforth.Spot;

namespace Backtest.Protocols.Conformance.Ampleforth;

/// <summary>
/// Runs shared/spec/vectors/ampleforth.json through the Ampleforth models. Function vectors
/// (fee curve, deviation ratio, rebalance amount, sigmoid, twoPower, AMPL supply delta,
/// DRBalancer amount) call the model's function at the vector's own fixed-point scale and
/// compare integers exactly. Scenario vectors (bonds, perp, vault) rebuild the contract test's
/// fixture on the models at AMPL's 9 decimals and compare exactly at 9 decimals: amounts the
/// 18-decimal tests state with more digits are truncated to 9, which is what the models' own
/// floor divisions produce. The expected values are read only for the comparison.
/// </summary>
public sealed class AmpleforthVectorSuite : IVectorSuite
{
    private readonly Dictionary<string, string> _previousSetup = [];

    public string Name => "ampleforth";

    public bool Accepts(JsonElement document) =>
        document.ValueKind == JsonValueKind.Object
        && document.TryGetProperty("sources", out var sources)
        && sources.ValueKind == JsonValueKind.Object
        && sources.TryGetProperty("ampleforth/spot", out _)
        && document.TryGetProperty("vectors", out var vectors)
        && vectors.ValueKind == JsonValueKind.Array;

    public IEnumerable<VectorResult> Run(JsonElement document)
    {
        _previousSetup.Clear();
        foreach (var vector in document.GetProperty("vectors").EnumerateArray())
        {
            yield return RunOne(new VectorReader(vector));
        }
    }

    private VectorResult RunOne(VectorReader v)
    {
        try
        {
            Dispatch(v);
            return v.Result();
        }
        catch (Exception e) when (e is FormatException or KeyNotFoundException or InvalidOperationException or ArithmeticException or ArgumentException)
        {
            return new VectorResult(v.Id, VectorOutcome.Failed, "?", e.GetType().Name, e.Message);
        }
    }

    private void Dispatch(VectorReader v)
    {
        string category = v.Category;
        if (category.Contains("computeFeePerc", StringComparison.Ordinal))
        {
            FeePerc(v);
        }
        else if (category.Contains("computeDeviationRatio", StringComparison.Ordinal))
        {
            DeviationRatio(v);
        }
        else if (category.Contains("FeePolicy.computeRebalanceAmount", StringComparison.Ordinal))
        {
            RebalanceAmount(v);
        }
        else if (category.StartsWith("Sigmoid.compute", StringComparison.Ordinal))
        {
            SigmoidCompute(v);
        }
        else if (category.StartsWith("twoPower", StringComparison.Ordinal))
        {
            TwoPower(v);
        }
        else if (category.StartsWith("UFragmentsPolicy", StringComparison.Ordinal))
        {
            AmplSupplyDelta(v);
        }
        else if (category.StartsWith("Buttonwood BondController", StringComparison.Ordinal))
        {
            BondScenario.Run(v);
        }
        else if (category.StartsWith("PerpetualTranche mint", StringComparison.Ordinal))
        {
            PerpScenarios.Mint(v, EffectiveSetup(v));
        }
        else if (category.StartsWith("PerpetualTranche redeem", StringComparison.Ordinal))
        {
            PerpScenarios.Redeem(v);
        }
        else if (category.StartsWith("RolloverVault swap", StringComparison.Ordinal))
        {
            VaultScenarios.Swap(v);
        }
        else if (category.StartsWith("RolloverVault TVL", StringComparison.Ordinal))
        {
            VaultScenarios.Tvl(v);
        }
        else if (category.StartsWith("RolloverVault deposit", StringComparison.Ordinal))
        {
            VaultScenarios.DepositNotes(v);
        }
        else if (category.StartsWith("RolloverVault rebalance", StringComparison.Ordinal))
        {
            VaultScenarios.Rebalance(v);
        }
        else if (category.StartsWith("DRBalancerVault", StringComparison.Ordinal))
        {
            DRBalancerAmount(v);
        }
        else
        {
            throw new FormatException($"no model runs vectors of category '{category}'");
        }
    }

    /// <summary>
    /// The vector's setup text with "as above" expanded to the previous vector's setup in the same
    /// category (the contract tests nest their fixtures that way).
    /// </summary>
    private string EffectiveSetup(VectorReader v)
    {
        string setup = VectorReader.Required(v.Inputs, "setup");
        if (setup.Contains("as above", StringComparison.OrdinalIgnoreCase) && _previousSetup.TryGetValue(v.Category, out var previous))
        {
            setup = previous + "; " + setup;
        }

        _previousSetup[v.Category] = setup;
        return setup;
    }

    private static void FeePerc(VectorReader v)
    {
        var policy = new DeviationFeePolicy();
        policy.UpdateFees(Line(v.Params.GetProperty("feeFnDRDown")), Line(v.Params.GetProperty("feeFnDRUp")));
        BigInteger drPre = Fp(v.Inputs, "drPre", 8);
        BigInteger drPost = Fp(v.Inputs, "drPost", 8);
        Int128 fee = policy.ComputeFeePerc((Int128)drPre, (Int128)drPost);
        v.Check("feePerc_fp8", Fp(v.Expected, "feePerc", 8), (BigInteger)fee);
    }

    private static void DeviationRatio(VectorReader v)
    {
        var policy = new DeviationFeePolicy { TargetSystemRatio = (long)Fp(v.Params, "targetSystemRatio", 8) };
        var dr = policy.ComputeDeviationRatio((Int128)Fp(v.Inputs, "perpTVL", 18), (Int128)Fp(v.Inputs, "vaultTVL", 18));
        v.Check("deviationRatio_fp8", Fp(v.Expected, "deviationRatio", 8), (BigInteger)dr);
    }

    private static void RebalanceAmount(VectorReader v)
    {
        var p = v.Params;
        var policy = new DeviationFeePolicy { TargetSystemRatio = (long)Fp(p, "targetSystemRatio", 8) };
        if (VectorReader.Text(p, "equilibriumDR") is { } eq)
        {
            policy.EquilibriumDR = PercRangeOf(eq);
        }

        if (VectorReader.Text(p, "lags") is { } lags)
        {
            string[] parts = lags.Split('/');
            policy.PerpDebasementLag = long.Parse(parts[0], CultureInfo.InvariantCulture);
            policy.PerpEnrichmentLag = long.Parse(parts[^1], CultureInfo.InvariantCulture);
        }

        if (VectorReader.Text(p, "perpDebasementLag") is { } debaseLag)
        {
            policy.PerpDebasementLag = long.Parse(debaseLag, CultureInfo.InvariantCulture);
        }

        if (VectorReader.Text(p, "perpEnrichmentLag") is { } enrichLag)
        {
            policy.PerpEnrichmentLag = long.Parse(enrichLag, CultureInfo.InvariantCulture);
        }

        if ((VectorReader.Text(p, "limits") ?? VectorReader.Text(p, "percLimits")) is { } limits)
        {
            policy.PerpDebasementPercLimits = PercRangeOf(limits);
            policy.PerpEnrichmentPercLimits = PercRangeOf(limits);
        }

        if (VectorReader.Text(p, "perpDebasementPercLimits") is { } debaseLimits)
        {
            policy.PerpDebasementPercLimits = PercRangeOf(debaseLimits);
        }

        if (VectorReader.Text(p, "perpEnrichmentPercLimits") is { } enrichLimits)
        {
            policy.PerpEnrichmentPercLimits = PercRangeOf(enrichLimits);
        }

        var perpTVL = (Int128)Fp(v.Inputs, "perpTVL", 18);
        var vaultTVL = (Int128)Fp(v.Inputs, "vaultTVL", 18);
        if (VectorReader.Text(v.Expected, "deviationRatio") is not null)
        {
            v.Check("deviationRatio_fp8", Fp(v.Expected, "deviationRatio", 8), (BigInteger)policy.ComputeDeviationRatio(perpTVL, vaultTVL));
        }

        v.Check("underlyingAmtIntoPerp_fp18", Fp(v.Expected, "underlyingAmtIntoPerp", 18), (BigInteger)policy.ComputeRebalanceAmount(perpTVL, vaultTVL));
    }

    private static void SigmoidCompute(VectorReader v)
    {
        int decimals = DecimalsOf(VectorReader.Text(v.Params, "one"), 8);
        BigInteger one = BigInteger.Pow(10, decimals);
        BigInteger y = Sigmoid.Compute(
            VectorReader.Scaled(VectorReader.Required(v.Inputs, "x"), decimals),
            VectorReader.Scaled(VectorReader.Required(v.Params, "lower"), decimals),
            VectorReader.Scaled(VectorReader.Required(v.Params, "upper"), decimals),
            VectorReader.Scaled(VectorReader.Required(v.Params, "growth"), decimals),
            one);
        v.Check($"y_fp{decimals}", Fp(v.Expected, "y", decimals), y);
    }

    private static void TwoPower(VectorReader v)
    {
        BigInteger result = Sigmoid.TwoPower(
            BigInteger.Parse(VectorReader.Required(v.Inputs, "exp"), CultureInfo.InvariantCulture),
            BigInteger.Parse(VectorReader.Required(v.Inputs, "one"), CultureInfo.InvariantCulture));
        v.Check("result", BigInteger.Parse(VectorReader.Required(v.Expected, "result"), CultureInfo.InvariantCulture), result);
    }

    private static void AmplSupplyDelta(VectorReader v)
    {
        var p = v.Params;
        RebaseFunction function;
        if (VectorReader.Text(p, "rebaseFunctionPositivePercentageLimit") is { } positive)
        {
            function = new DoubleSigmoidRebase(
                RebaseFunction.Fp18(VectorReader.Required(p, "rebaseFunctionNegativePercentageLimit")),
                RebaseFunction.Fp18(positive),
                RebaseFunction.Fp18(VectorReader.Required(p, "rebaseFunctionNegativeGrowth")),
                RebaseFunction.Fp18(VectorReader.Required(p, "rebaseFunctionPositiveGrowth")));
        }
        else if (VectorReader.Text(p, "rebaseFunctionUpperPercentage") is { } upper)
        {
            function = new SigmoidRebase(
                RebaseFunction.Fp18(VectorReader.Required(p, "rebaseFunctionLowerPercentage")),
                RebaseFunction.Fp18(upper),
                RebaseFunction.Fp18(VectorReader.Required(p, "rebaseFunctionGrowth")));
        }
        else
        {
            function = new LinearRebase(int.Parse(VectorReader.Required(p, "rebaseLag"), CultureInfo.InvariantCulture));
        }

        var parameters = new PolicyParameters(
            function,
            RebaseFunction.Fp18(VectorReader.Required(p, "deviationThreshold")),
            86_400,
            7_200,
            1_200,
            TargetOracleKind.TargetRate,
            InvalidOracleRule.ZeroSupplyDelta,
            RebaseFunction.One);
        BigInteger delta = parameters.ComputeSupplyDelta(
            BigInteger.Parse(VectorReader.Required(v.Inputs, "totalSupply"), CultureInfo.InvariantCulture),
            BigInteger.Parse(VectorReader.Required(v.Inputs, "exchangeRate_fp18"), CultureInfo.InvariantCulture),
            BigInteger.Parse(VectorReader.Required(v.Inputs, "targetRate_fp18"), CultureInfo.InvariantCulture));
        v.Check("requestedSupplyAdjustment", BigInteger.Parse(VectorReader.Required(v.Expected, "requestedSupplyAdjustment"), CultureInfo.InvariantCulture), delta);
    }

    private static void DRBalancerAmount(VectorReader v)
    {
        string setup = VectorReader.Required(v.Params, "setup");
        var config = new DRBalancerConfig();
        var overrides = v.Params.TryGetProperty("overrides", out var o) ? o : default;
        if (VectorReader.Text(overrides, "minRebalanceVal") is { } min)
        {
            config = config with { MinRebalanceVal = Fixed.Parse(min) };
        }

        if (VectorReader.Text(overrides, "lags") is { } lags)
        {
            string[] parts = lags.Split('/');
            config = config with
            {
                LagFactorUnderlyingToPerp = long.Parse(parts[0], CultureInfo.InvariantCulture),
                LagFactorPerpToUnderlying = long.Parse(parts[^1], CultureInfo.InvariantCulture),
            };
        }

        var holdings = ScenarioText.Numbers(setup, @"holds\s+(\d+(?:\.\d+)?)\s+AMPL\s*\+\s*(\d+(?:\.\d+)?)\s+SPOT");
        long perpTVL = Fixed.Parse(ScenarioText.Numbers(setup, @"perpTVL\s+(\d+(?:\.\d+)?)")[0]);
        long perpSupply = Fixed.Parse(ScenarioText.Numbers(setup, @"perpSupply\s+(\d+(?:\.\d+)?)")[0]);
        var dr = (Int128)VectorReader.Scaled(VectorReader.FirstNumber(VectorReader.Required(v.Inputs, "systemDR")), 8);
        var decision = DRBalancerVault.ComputeRebalanceAmount(config, dr, perpTVL, perpSupply, Fixed.Parse(holdings[1]), Fixed.Parse(holdings[0]));
        v.Check("underlyingAmt", VectorReader.Scaled(VectorReader.Required(v.Expected, "underlyingAmt"), 9), decision.UnderlyingAmt);
        v.Check("isUnderlyingIntoPerp", VectorReader.Required(v.Expected, "isUnderlyingIntoPerp"), decision.IsUnderlyingIntoPerp ? "true" : "false");
    }

    /// <summary>A fixed-point field: "{name}_fp{decimals}" when present, else the decimal "{name}" scaled.</summary>
    private static BigInteger Fp(JsonElement obj, string name, int decimals)
    {
        if (VectorReader.Text(obj, $"{name}_fp{decimals}") is { } raw)
        {
            return BigInteger.Parse(raw, CultureInfo.InvariantCulture);
        }

        return VectorReader.Scaled(VectorReader.Required(obj, name), decimals);
    }

    private static FeeLine Line(JsonElement obj) => new(
        (long)Fp(obj, "x1", 8), (long)Fp(obj, "y1", 8), (long)Fp(obj, "x2", 8), (long)Fp(obj, "y2", 8));

    private static PercRange PercRangeOf(string text)
    {
        var (lower, upper) = VectorReader.Range(text);
        return new PercRange((long)VectorReader.Scaled(lower, 8), (long)VectorReader.Scaled(upper, 8));
    }

    private static int DecimalsOf(string? text, int fallback)
    {
        if (text is null)
        {
            return fallback;
        }

        var m = System.Text.RegularExpressions.Regex.Match(text, @"(\d+)\s*decimals");
        return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : fallback;
    }
}
