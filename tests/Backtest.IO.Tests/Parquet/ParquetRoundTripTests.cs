using Backtest.IO.Parquet;

namespace Backtest.IO.Tests.Parquet;

public class ParquetRoundTripTests
{
    [Theory]
    [InlineData(ParquetCodec.Uncompressed, ParquetColumnEncoding.Auto)]
    [InlineData(ParquetCodec.Snappy, ParquetColumnEncoding.Plain)]
    [InlineData(ParquetCodec.Snappy, ParquetColumnEncoding.Dictionary)]
    [InlineData(ParquetCodec.Gzip, ParquetColumnEncoding.Auto)]
    public void EveryTypeRoundTripsThroughSeveralRowGroupsAndPages(ParquetCodec codec, ParquetColumnEncoding encoding)
    {
        using var dir = new TempDirectory();
        var columns = ParquetTestData.AllTypes(2_500, seed: 7);
        string path = dir.File("all.parquet");
        var options = new ParquetWriterOptions
        {
            Codec = codec,
            PageRows = 300,
            RowGroupRows = 1_000,
            Encoding = encoding,
            ColumnEncodings = encoding == ParquetColumnEncoding.Dictionary ? new Dictionary<string, ParquetColumnEncoding> { ["ran"] = ParquetColumnEncoding.Plain, ["flag"] = ParquetColumnEncoding.Plain } : new Dictionary<string, ParquetColumnEncoding>(),
        };
        using (var writer = ParquetWriter.Create(path, ParquetTestData.SchemaOf(columns), options))
        {
            ParquetTestData.Write(writer, columns, batch: 250);
            writer.Close();
        }

        ParquetTestData.AssertRoundTrip(path, columns);
        using var reader = ParquetReader.Open(path);
        Assert.Equal([1000L, 1000L, 500L], reader.RowGroups.Select(g => g.RowCount));
        Assert.All(reader.RowGroups.SelectMany(g => g.Columns), c => Assert.Equal(codec, c.Codec));
    }
}
