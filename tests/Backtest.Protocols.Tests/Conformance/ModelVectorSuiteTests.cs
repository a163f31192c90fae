using Backtest.Protocols.Conformance;

namespace Backtest.Protocols.Tests.Conformance;

public class ModelVectorSuiteTests
{
    [Theory]
    [InlineData("reserve_tranching.json", typeof(ReserveVectorSuite), 80)]
    [InlineData("saffron.json", typeof(SaffronVectorSuite), 28)]
    [InlineData("defindex.json", typeof(DeFindexVectorSuite), 19)]
    public void EveryVectorOfTheFilePassesThroughItsModel(string file, Type suiteType, int vectors)
    {
        using var document = VectorFiles.Load(file);
        var suite = VectorSuites.For(document.RootElement);
        Assert.NotNull(suite);
        Assert.IsType(suiteType, suite);

        var results = suite.Run(document.RootElement).ToList();

        Assert.Equal(vectors, results.Count);
        Assert.Empty(results.Where(r => r.Outcome != VectorOutcome.Passed).Select(r => $"{r.Id}: {r.Outcome} expected {r.Expected} actual {r.Actual} {r.Reason}"));
    }

    [Fact]
    public void EachSuiteAcceptsOnlyItsOwnFile()
    {
        foreach (var file in new[] { "reserve_tranching.json", "saffron.json", "defindex.json", "tonsurance.json" })
        {
            using var document = VectorFiles.Load(file);
            Assert.Single(VectorSuites.All, s => s.Accepts(document.RootElement));
        }
    }

    [Fact]
    public void AWrongExpectationIsReportedAsAFailureNamingTheField()
    {
        using var document = VectorFiles.Load("defindex.json");
        string text = document.RootElement.GetRawText().Replace("\"shares_minted\": 987654321", "\"shares_minted\": 987654322", StringComparison.Ordinal);
        using var altered = System.Text.Json.JsonDocument.Parse(text);

        var result = new DeFindexVectorSuite().Run(altered.RootElement).Single(r => r.Id == "dfx-second-deposit-single");

        Assert.Equal(VectorOutcome.Failed, result.Outcome);
        Assert.Contains("shares_minted=987654322", result.Expected);
        Assert.Contains("shares_minted=987654321", result.Actual);
    }
}
