using Backtest.Engine.Metrics;
using Backtest.Engine.Models.Spot;

namespace Backtest.Engine.Tests.Metrics;

public class OutputsDocumentationTests
{
    [Fact]
    public void EveryRunMetricColumnIsDefinedInDocsOutputs()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "outputs.md"));
        var columns = RunMetrics.PathColumns.Concat(RunMetrics.SummaryColumns);
        var missing = columns.Select(c => c.Name).Where(name => !docs.Contains($"| `{name}` |", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"docs/outputs.md lacks: {string.Join(", ", missing)}");
    }

    [Fact]
    public void EverySpotModelColumnIsDefinedInDocsOutputs()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "outputs.md"));
        var spot = docs[docs.IndexOf("## The spot model", StringComparison.Ordinal)..];
        var columns = SpotColumns.Path.Concat(SpotColumns.SummaryColumns).Concat(SpotColumns.Series);
        var missing = columns.Where(c => !spot.Contains($"| `{c.Name}` | {c.Kind} |", StringComparison.Ordinal)).Select(c => c.Name).ToList();
        Assert.True(missing.Count == 0, $"docs/outputs.md's spot section lacks: {string.Join(", ", missing)}");
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Backtest.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Backtest.sln not found above the test assembly");
    }
}
