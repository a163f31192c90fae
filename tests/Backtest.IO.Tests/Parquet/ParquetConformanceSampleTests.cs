using Backtest.IO.Parquet;

namespace Backtest.IO.Tests.Parquet;

/// <summary>
/// Writes one Parquet file for every kind the writer makes into artifacts/parquet-conformance
/// under the repository root, checking each round trip here; CI then has DuckDB read the same
/// files (tools/duckdb-check) and compare every value with this project's reader.
/// </summary>
public class ParquetConformanceSampleTests
{
    public static string ConformanceFolder
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Backtest.sln")))
            {
                dir = dir.Parent;
            }

            return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Backtest.sln not found above the test binaries"), "artifacts", "parquet-conformance");
        }
    }

    [Fact]
    public void WritesTheConformanceSampleSetAndReadsItBack()
    {
        string folder = ConformanceFolder;
        Directory.CreateDirectory(folder);
        foreach (var stale in Directory.GetFiles(folder, "*.parquet"))
        {
            File.Delete(stale);
        }

        var samples = Samples().ToList();
        foreach (var (name, columns, options, batch) in samples)
        {
            string path = Path.Combine(folder, name + ".parquet");
            using (var writer = ParquetWriter.Create(path, ParquetTestData.SchemaOf(columns), options))
            {
                ParquetTestData.Write(writer, columns, batch);
                writer.Close();
            }

            ParquetTestData.AssertRoundTrip(path, columns);
        }

        Assert.Equal(samples.Select(s => s.Name + ".parquet").Order(), Directory.GetFiles(folder, "*.parquet").Select(Path.GetFileName).Order());
        using var manifestFile = ParquetReader.Open(Path.Combine(folder, "all_types_gzip_auto.parquet"));
        Assert.Equal(ManifestJson, manifestFile.Manifest);
        using var fallback = ParquetReader.Open(Path.Combine(folder, "dictionary_fallback_snappy.parquet"));
        var labels = fallback.RowGroups[0].Columns.Single(c => c.Column == "label");
        Assert.True(labels.HasDictionaryPage);
        Assert.Contains(ParquetEncoding.RleDictionary, labels.Encodings);
    }

    private const string ManifestJson = """{"study":"conformance","seed":42,"engine":"backtest","amount_decimals":9}""";

    private static IEnumerable<(string Name, List<ColumnValues> Columns, ParquetWriterOptions Options, int Batch)> Samples()
    {
        var small = new ParquetWriterOptions();
        yield return ("all_types_uncompressed_plain", ParquetTestData.AllTypes(3_000, 1), new() { Codec = ParquetCodec.Uncompressed, Encoding = ParquetColumnEncoding.Plain, PageRows = 700, RowGroupRows = 2_000 }, 500);
        yield return ("all_types_snappy_dictionary", ParquetTestData.AllTypes(3_000, 2), new() { Codec = ParquetCodec.Snappy, Encoding = ParquetColumnEncoding.Dictionary, PageRows = 700, RowGroupRows = 2_000 }, 500);
        yield return ("all_types_gzip_auto", ParquetTestData.AllTypes(3_000, 3), new() { Codec = ParquetCodec.Gzip, PageRows = 700, RowGroupRows = 2_000, Metadata = new Dictionary<string, string> { [ParquetWriter.ManifestKey] = ManifestJson } }, 500);
        yield return ("all_types_single_row", ParquetTestData.AllTypes(1, 4), small, 1);
        yield return ("many_row_groups_snappy", ParquetTestData.AllTypes(5_000, 5), new() { RowGroupRows = 250, PageRows = 100 }, 125);
        yield return ("dictionary_fallback_snappy", Labels(4_000), new() { Encoding = ParquetColumnEncoding.Dictionary, DictionaryBytes = 2_000, PageRows = 500 }, 1_000);
        yield return ("empty_table", ParquetTestData.AllTypes(0, 6), small, 1);
        yield return ("all_nulls_gzip", AllNulls(777), new() { Codec = ParquetCodec.Gzip }, 100);
        yield return ("decimal_scales_uncompressed", DecimalScales(), new() { Codec = ParquetCodec.Uncompressed }, 64);
    }

    /// <summary>A string column whose dictionary outgrows its limit mid-chunk: dictionary pages first, PLAIN pages after.</summary>
    private static List<ColumnValues> Labels(int rows) =>
    [
        new(ParquetColumn.String("label", nullable: true), Enumerable.Range(0, rows).Select(i => i % 13 == 0 ? null : $"label-{i % (i < 1_000 ? 20 : 900)}").ToArray(), null),
        new(ParquetColumn.Int64("row"), Enumerable.Range(0, rows).Select(i => (long)i).ToArray(), null),
    ];

    private static List<ColumnValues> AllNulls(int rows)
    {
        bool[] all = [.. Enumerable.Repeat(true, rows)];
        return
        [
            new(ParquetColumn.Int64("a", nullable: true), new long[rows], all),
            new(ParquetColumn.Double("b", nullable: true), new double[rows], all),
            new(ParquetColumn.String("c", nullable: true), new string?[rows], null),
            new(ParquetColumn.Boolean("d", nullable: true), new bool[rows], all),
            new(ParquetColumn.Timestamp("e", nullable: true), new long[rows], all),
            new(ParquetColumn.Decimal("f", 9, nullable: true), new long[rows], all),
        ];
    }

    private static List<ColumnValues> DecimalScales()
    {
        long[] values = [0, 1, -1, ParquetWriter.MaxDecimalUnscaled, -ParquetWriter.MaxDecimalUnscaled, 100_000_000_000_000_000, 123_456_789, 5, -5, 10];
        return
        [
            new(ParquetColumn.Decimal("scale_0", 0), values, null),
            new(ParquetColumn.Decimal("scale_2", 2), values, null),
            new(ParquetColumn.Decimal("scale_9", 9), values, null),
            new(ParquetColumn.Decimal("scale_18", 18), values, null),
        ];
    }
}
