namespace Backtest.Engine.Tests;

/// <summary>The repository the tests were built from: the folder above the test binaries that holds Backtest.sln.</summary>
internal static class RepositoryFolder
{
    public static string Root { get; } = Find();

    /// <summary>artifacts/parquet-conformance: Parquet files CI has DuckDB read and compare (tools/duckdb-check).</summary>
    public static string ParquetConformance => Path.Combine(Root, "artifacts", "parquet-conformance");

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Backtest.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Backtest.sln not found above the test binaries");
    }
}
