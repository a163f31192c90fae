using Backtest.IO.Parquet.Format;

namespace Backtest.IO.Tests.Parquet.Format;

public class ThriftCompactTests
{
    [Fact]
    public void WritesFieldHeadersIntegersAndListsAsTheCompactProtocolSays()
    {
        var buffer = new ByteBuffer();
        var w = new ThriftCompactWriter(buffer);
        w.BeginStruct();
        w.FieldI32(1, -1); // short header 0001_0101, zigzag(-1) = 1
        w.FieldI64(3, 50399 / 2); // delta 2; zigzag(25199) = 50398
        w.FieldBool(20, true); // delta 17 needs the long form: type byte, then zigzag field id 40
        w.FieldListBegin(21, ThriftType.I32, 15); // 15 elements: the long list header 1111_0101 then varint 15
        w.EndStruct();
        Assert.Equal([0x15, 0x01, 0x26, 0xDE, 0x89, 0x03, 0x01, 0x28, 0x19, 0xF5, 0x0F, 0x00], buffer.Span.ToArray());
    }

    [Fact]
    public void FooterRoundTripsThroughWriterAndReader()
    {
        var file = new FileMetadataModel
        {
            Schema = SchemaMapping.ToElements(new Backtest.IO.Parquet.ParquetSchema(
                Backtest.IO.Parquet.ParquetColumn.Decimal("amount", 9, nullable: true),
                Backtest.IO.Parquet.ParquetColumn.Timestamp("at"))),
            NumRows = 5,
            KeyValues = [new("k", "v"), new("empty", null)],
            CreatedBy = "test",
            ColumnOrders = 2,
            RowGroups =
            [
                new RowGroupModel
                {
                    NumRows = 5,
                    TotalByteSize = 10,
                    Columns =
                    [
                        new ColumnChunkModel { Type = 2, Encodings = [0, 3], Path = ["amount"], Codec = 1, NumValues = 5, TotalCompressedSize = 9, TotalUncompressedSize = 10, DataPageOffset = 4, HasMetaData = true, Statistics = new StatisticsModel { NullCount = 1, MinValue = [1, 2], MaxValue = [3] } },
                        new ColumnChunkModel { Type = 2, Encodings = [0], Path = ["at"], Codec = 1, NumValues = 5, TotalCompressedSize = 9, TotalUncompressedSize = 10, DataPageOffset = 13, DictionaryPageOffset = 11, HasMetaData = true },
                    ],
                },
            ],
        };
        var buffer = new ByteBuffer();
        MetadataWriter.WriteFileMetadata(file, buffer);
        var read = MetadataReader.ReadFileMetadata(buffer.Span, 0);
        Assert.Equal(5, read.NumRows);
        Assert.Equal(["schema", "amount", "at"], read.Schema.Select(e => e.Name));
        Assert.Equal(9, read.Schema[1].Logical!.Scale);
        Assert.Equal(18, read.Schema[1].Precision);
        Assert.True(read.Schema[2].Logical!.IsAdjustedToUtc);
        Assert.Equal(2, read.Schema[2].Logical!.TimeUnit);
        Assert.Equal([new("k", "v"), new("empty", null)], read.KeyValues);
        Assert.Equal("test", read.CreatedBy);
        Assert.Equal(2, read.ColumnOrders);
        var amount = read.RowGroups[0].Columns[0];
        Assert.Equal([0, 3], amount.Encodings);
        Assert.Equal(1L, amount.Statistics!.NullCount);
        Assert.Equal([1, 2], amount.Statistics.MinValue);
        Assert.Equal(11L, read.RowGroups[0].Columns[1].DictionaryPageOffset);
        Assert.Equal(11L, read.RowGroups[0].Columns[1].StartOffset);
    }

    [Theory]
    [InlineData(new byte[] { 0x18, 0x0A, (byte)'a' })] // binary of 10 bytes with 1 left
    [InlineData(new byte[] { 0x19, 0xF8, 0xFF, 0xFF, 0xFF, 0x07 })] // list claiming 2^31-1 elements
    [InlineData(new byte[] { 0x15 })] // i32 field with no value
    [InlineData(new byte[] { 0x1E, 0x00 })] // unknown field type 14
    [InlineData(new byte[] { 0x16, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 })] // i64 varint too long
    public void SkippingCorruptFieldsFailsCleanly(byte[] data) =>
        Assert.Throws<InvalidDataException>(() => MetadataReader.ReadFileMetadata(data, 0));

    [Fact]
    public void DeeplyNestedStructsAreRefusedNotFollowed()
    {
        // Field 9 (unknown to FileMetaData) holding structs nested 10,000 deep would overflow a naive recursive skip.
        byte[] data = [0x9C, .. Enumerable.Repeat((byte)0x1C, 10_000)];
        var e = Assert.Throws<InvalidDataException>(() => MetadataReader.ReadFileMetadata(data, 0));
        Assert.Contains("nested deeper", e.Message);
    }
}
