using Backtest.Engine.Metrics;
using Backtest.Engine.Tests.Metrics;

namespace Backtest.Engine.Tests.Models;

internal static class ModelDocs
{
    /// <summary>Every per-path, summary and series column a model adds to the run metrics appears in docs/outputs.md as a table row.</summary>
    public static void AssertDocumented(string model, ModelRun run)
    {
        var docs = File.ReadAllText(Path.Combine(OutputsDocumentationTests.RepositoryRoot(), "docs", "outputs.md"));
        var own = run.Paths.Columns.Concat(run.Summary.Columns).Concat(run.Simulation.SeriesVariables)
            .Select(c => c.Name)
            .Except(RunMetrics.PathColumns.Concat(RunMetrics.SummaryColumns).Select(c => c.Name));
        var missing = own.Where(name => !docs.Contains($"| `{name}` |", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"docs/outputs.md lacks {model} columns: {string.Join(", ", missing)}");
    }
}
