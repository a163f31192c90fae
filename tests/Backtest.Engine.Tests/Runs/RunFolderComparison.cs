using Backtest.IO.Parquet;

namespace Backtest.Engine.Tests.Runs;

/// <summary>Asserts that two run folders hold the same tables: same columns, same rows in the same order, every value equal (doubles bit for bit).</summary>
internal static class RunFolderComparison
{
    public static readonly string[] Tables = ["paths.parquet", "summary.parquet", "series.parquet"];

    /// <summary>Compares every table of the two folders; returns the number of values compared.</summary>
    public static long AssertSameTables(string expectedFolder, string actualFolder)
    {
        long values = 0;
        foreach (var table in Tables)
        {
            values += AssertSameTable(Path.Combine(expectedFolder, table), Path.Combine(actualFolder, table));
        }

        return values;
    }

    public static long AssertSameTable(string expectedFile, string actualFile)
    {
        using var expected = ParquetReader.Open(expectedFile);
        using var actual = ParquetReader.Open(actualFile);
        Assert.Equal(expected.Schema.Columns, actual.Schema.Columns);
        Assert.Equal(expected.RowCount, actual.RowCount);
        Assert.True(expected.RowCount > 0, $"{expectedFile} has no rows to compare");
        for (int c = 0; c < expected.Schema.Count; c++)
        {
            var name = expected.Schema[c].Name;
            var want = expected.ReadColumn(name);
            var got = actual.ReadColumn(name);
            for (int row = 0; row < want.Count; row++)
            {
                if (!Same(want, got, row))
                {
                    Assert.Fail($"{Path.GetFileName(actualFile)} column {name} row {row}: expected {want.FormatValue(row) ?? "null"}, got {got.FormatValue(row) ?? "null"}");
                }
            }
        }

        return expected.RowCount * expected.Schema.Count;
    }

    private static bool Same(ParquetColumnData want, ParquetColumnData got, int row)
    {
        if (want.IsNull(row) || got.IsNull(row))
        {
            return want.IsNull(row) == got.IsNull(row);
        }

        return want.Column.Type switch
        {
            ParquetType.Int32 or ParquetType.Date => want.Int32Values[row] == got.Int32Values[row],
            ParquetType.Double => BitConverter.DoubleToInt64Bits(want.DoubleValues[row]) == BitConverter.DoubleToInt64Bits(got.DoubleValues[row]),
            ParquetType.Boolean => want.BooleanValues[row] == got.BooleanValues[row],
            ParquetType.String => want.StringValues[row] == got.StringValues[row],
            _ => want.Int64Values[row] == got.Int64Values[row],
        };
    }
}
