using System.Text.Json;
using System.Text.Json.Nodes;
using Backtest.Protocols.Conformance;

namespace Backtest.Protocols.Tests.Conformance;

public class TonsuranceVectorSuiteTests
{
    private static List<VectorResult> Run(string json)
    {
        using var document = JsonDocument.Parse(json);
        var suite = VectorSuites.For(document.RootElement);
        Assert.IsType<TonsuranceVectorSuite>(suite);
        return suite.Run(document.RootElement).ToList();
    }

    [Fact]
    public void EveryVectorPassesOrIsExcludedWithAReason()
    {
        var results = Run(File.ReadAllText(VectorFiles.PathOf("tonsurance.json")));
        Assert.Equal(58, results.Count);
        Assert.Empty(results.Where(r => r.Outcome == VectorOutcome.Failed).Select(r => $"{r.Id}: {r.Reason}: expected {r.Expected}, actual {r.Actual}"));
        Assert.All(results.Where(r => r.Outcome == VectorOutcome.Excluded), r => Assert.False(string.IsNullOrWhiteSpace(r.Reason)));
        Assert.True(results.Count(r => r.Outcome == VectorOutcome.Passed) >= 40);
    }

    [Theory]
    [InlineData("ton-loss-range-60pct", "absorbed_TON", "SNR", 49)]
    [InlineData("ton-loss-partial-eqt", "breaker_threshold_nano", null, 110_040_000_001)]
    [InlineData("ton-deposit-below-min", "result", null, "exit 401")]
    [InlineData("ton-cb-sliding-overlap-sum", "outcome", null, "window losses after 4th = 450k")]
    [InlineData("ton-loss-ocaml-insolvent", "remaining_unabsorbed_nano", null, 39_000_000_000)]
    [InlineData("ton-apy-ref-eqt-u0.5", "exact_formula_value", null, 17.6894)]
    [InlineData("ton-premium-senior-first-150", "undistributed_TON", null, 41.2409)]
    [InlineData("ton-cb-11pct", "result", null, "ok")]
    [InlineData("ton-lockup-btc", "is_unlocked", null, null)]
    public void AVectorWhoseExpectationIsAlteredFails(string id, string field, string? subfield, object? value)
    {
        var root = JsonNode.Parse(File.ReadAllText(VectorFiles.PathOf("tonsurance.json")))!;
        var vector = root["vectors"]!.AsArray().Single(v => (string?)v!["id"] == id)!;
        var expected = vector["expected"]!;
        JsonNode replacement = value switch
        {
            null => new JsonArray(false, false, false, false, false),
            string s => JsonValue.Create(s),
            long l => JsonValue.Create(l),
            double d => JsonValue.Create(d),
            int i => JsonValue.Create(i),
            _ => throw new ArgumentException("value"),
        };
        if (subfield is null)
        {
            expected[field] = replacement;
        }
        else
        {
            expected[field]![subfield] = replacement;
        }

        var result = Run(root.ToJsonString()).Single(r => r.Id == id);
        Assert.Equal(VectorOutcome.Failed, result.Outcome);
    }

    [Fact]
    public void AnUnknownKindOfVectorFailsNamingItsId()
    {
        string json = """
            {"system": "tonsurance", "vectors": [
              {"id": "ton-something-new", "category": "accounting", "provenance": "derived", "model": "core vault", "inputs": {}, "expected": {"x": 1}}
            ]}
            """;
        var result = Assert.Single(Run(json));
        Assert.Equal("ton-something-new", result.Id);
        Assert.Equal(VectorOutcome.Failed, result.Outcome);
    }
}
