using System.Text.Json;
using System.Text.Json.Nodes;
using Backtest.Protocols.Conformance;
using Backtest.Protocols.Conformance.Ampleforth;

namespace Backtest.Protocols.Tests.Ampleforth;

public class AmpleforthConformanceTests
{
    private static string VectorFile()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "vectors", "ampleforth.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("tests/vectors/ampleforth.json not found above the test directory");
    }

    [Fact]
    public void EveryAmpleforthVectorPasses()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(VectorFile()));
        var suite = VectorSuites.For(document.RootElement);
        Assert.IsType<AmpleforthVectorSuite>(suite);
        var results = suite!.Run(document.RootElement).ToList();
        Assert.Equal(document.RootElement.GetProperty("vectors").GetArrayLength(), results.Count);
        Assert.All(results, r => Assert.True(r.Outcome == VectorOutcome.Passed, $"{r.Id}: {r.Outcome} expected {r.Expected} actual {r.Actual} {r.Reason}"));
    }

    [Theory]
    [InlineData("feepolicy.computeFeePerc.03", "feePerc_fp8", "1212122")]
    [InlineData("vault.tvl.rebase_down90", "tvl", "511")]
    [InlineData("perp.redeem.rebased_up", "perpSupply_after", "626")]
    public void AChangedExpectationFailsItsVector(string id, string field, string value)
    {
        var root = JsonNode.Parse(File.ReadAllText(VectorFile()))!;
        var vector = root["vectors"]!.AsArray().First(v => v!["id"]!.GetValue<string>() == id)!;
        vector["expected"]![field] = value;
        using var document = JsonDocument.Parse(root.ToJsonString());
        var result = new AmpleforthVectorSuite().Run(document.RootElement).Single(r => r.Id == id);
        Assert.Equal(VectorOutcome.Failed, result.Outcome);
    }

    [Fact]
    public void AnUnknownCategoryFailsRatherThanPassing()
    {
        string json = """{"sources": {"ampleforth/spot": "x"}, "vectors": [{"id": "x.1", "category": "Something else", "expected": {"y": "1"}}]}""";
        using var document = JsonDocument.Parse(json);
        var result = new AmpleforthVectorSuite().Run(document.RootElement).Single();
        Assert.Equal(VectorOutcome.Failed, result.Outcome);
        Assert.Contains("no model", result.Reason);
    }

    [Fact]
    public void TheSuiteClaimsOnlyAmpleforthFiles()
    {
        using var other = JsonDocument.Parse("""{"system": "waterfall", "vectors": []}""");
        Assert.False(new AmpleforthVectorSuite().Accepts(other.RootElement));
    }
}
