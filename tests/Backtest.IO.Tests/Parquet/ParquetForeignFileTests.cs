using System.Buffers.Binary;
using Backtest.IO.Parquet;
using Backtest.IO.Parquet.Format;

namespace Backtest.IO.Tests.Parquet;

/// <summary>
/// Files with features this codec does not support, built by hand with the format's own
/// structures: each must be refused with a message naming the feature and the place.
/// </summary>
public class ParquetForeignFileTests
{
    /// <summary>One INT64 column "x" of <paramref name="rows"/> rows in one page; the parts can be overridden.</summary>
    private static byte[] Build(int rows = 3, int encoding = 0, int codec = 0, int pageType = 0, List<SchemaElementModel>? schema = null, byte[]? body = null, long? numValues = null, PhysicalType physical = PhysicalType.Int64)
    {
        body ??= [.. Enumerable.Range(0, rows).SelectMany(i => BitConverter.GetBytes((long)i))];
        var data = new ByteBuffer();
        data.Write("PAR1"u8);
        MetadataWriter.WritePageHeader(new PageHeaderModel { Type = pageType, UncompressedSize = body.Length, CompressedSize = body.Length, NumValues = rows, Encoding = encoding, DefinitionLevelEncoding = 3, RepetitionLevelEncoding = 3 }, data);
        data.Write(body);
        var footer = new ByteBuffer();
        MetadataWriter.WriteFileMetadata(new FileMetadataModel
        {
            Schema = schema ?? SchemaMapping.ToElements(new ParquetSchema(ParquetColumn.Int64("x"))),
            NumRows = rows,
            RowGroups =
            [
                new RowGroupModel
                {
                    NumRows = rows,
                    Columns = [new ColumnChunkModel { Type = (int)physical, Encodings = [encoding], Path = ["x"], Codec = codec, NumValues = numValues ?? rows, DataPageOffset = 4, TotalCompressedSize = data.Length - 4, TotalUncompressedSize = data.Length - 4, HasMetaData = true }],
                },
            ],
        }, footer);
        data.Write(footer.Span);
        data.WriteInt32(footer.Length);
        data.Write("PAR1"u8);
        return data.Span.ToArray();
    }

    private static ParquetFormatException Refuse(byte[] file) =>
        Assert.IsType<ParquetFormatException>(Record.Exception(() =>
        {
            using var reader = ParquetReader.Open(file, "foreign.parquet");
            reader.ReadColumn(0, 0);
        }));

    [Fact]
    public void TheHandBuiltBaselineReads()
    {
        using var reader = ParquetReader.Open(Build(), "foreign.parquet");
        Assert.Equal([0L, 1L, 2L], reader.ReadColumn("x").Int64Values.ToArray());
    }

    [Fact]
    public void OtherWritersFormsOfSupportedTypesRead()
    {
        // DECIMAL(9,2) stored as INT32, read as unscaled longs.
        List<SchemaElementModel> int32Decimal =
        [
            new() { Name = "schema", NumChildren = 1 },
            new() { Name = "x", Type = (int)PhysicalType.Int32, Repetition = 0, ConvertedType = ConvertedTypes.Decimal, Scale = 2, Precision = 9 },
        ];
        byte[] ints = [.. new[] { -150, 0, 99 }.SelectMany(BitConverter.GetBytes)];
        using (var reader = ParquetReader.Open(Build(schema: int32Decimal, body: ints, physical: PhysicalType.Int32), "foreign.parquet"))
        {
            Assert.Equal(new ParquetColumn("x", ParquetType.Decimal, false, 2), reader.Schema[0]);
            var column = reader.ReadColumn("x");
            Assert.Equal([-150L, 0L, 99L], column.Int64Values.ToArray());
            Assert.Equal(-1.50m, column.GetDecimal(0));
        }

        // Booleans in the RLE encoding (length-prefixed hybrid, bit width 1): an RLE run of three 1s.
        List<SchemaElementModel> booleans = [new() { Name = "schema", NumChildren = 1 }, new() { Name = "x", Type = (int)PhysicalType.Boolean, Repetition = 0 }];
        byte[] rle = [2, 0, 0, 0, 3 << 1, 1];
        using (var reader = ParquetReader.Open(Build(schema: booleans, body: rle, physical: PhysicalType.Boolean, encoding: (int)ParquetEncoding.Rle), "foreign.parquet"))
        {
            Assert.Equal([true, true, true], reader.ReadColumn("x").BooleanValues.ToArray());
        }

        // A timestamp annotated only by the legacy ConvertedType TIMESTAMP_MICROS.
        List<SchemaElementModel> legacy = [new() { Name = "schema", NumChildren = 1 }, new() { Name = "x", Type = (int)PhysicalType.Int64, Repetition = 0, ConvertedType = ConvertedTypes.TimestampMicros }];
        using (var reader = ParquetReader.Open(Build(schema: legacy), "foreign.parquet"))
        {
            Assert.Equal(ParquetType.Timestamp, reader.Schema[0].Type);
            Assert.Equal(DateTime.UnixEpoch.AddTicks(10), reader.ReadColumn("x").GetTimestamp(1));
        }
    }

    [Fact]
    public void UnsupportedEncodingIsNamedWithColumnRowGroupAndOffset()
    {
        var e = Refuse(Build(encoding: (int)ParquetEncoding.DeltaBinaryPacked));
        Assert.Contains("unsupported encoding DELTA_BINARY_PACKED for INT64 values", e.Message);
        Assert.Equal(("x", 0, 4L), (e.Column, e.RowGroup, e.Offset));
        Assert.Contains("column 'x'", e.Message);
    }

    [Fact]
    public void UnsupportedCodecIsNamed() =>
        Assert.Contains("unsupported compression codec ZSTD", Refuse(Build(codec: (int)ParquetCodec.Zstd)).Message);

    [Fact]
    public void DataPageV2IsNamed() =>
        Assert.Contains("DATA_PAGE_V2", Refuse(Build(pageType: 3)).Message);

    [Fact]
    public void UnsupportedTypesAndNestingAreNamed()
    {
        var floats = SchemaMapping.ToElements(new ParquetSchema(ParquetColumn.Int64("x")));
        floats[1].Type = (int)PhysicalType.Float;
        Assert.Contains("unsupported type FLOAT", Refuse(Build(schema: floats)).Message);

        var millis = SchemaMapping.ToElements(new ParquetSchema(ParquetColumn.Timestamp("x")));
        millis[1].Logical!.TimeUnit = 1;
        Assert.Contains("TIMESTAMP(MILLIS", Refuse(Build(schema: millis)).Message);

        List<SchemaElementModel> nested =
        [
            new() { Name = "schema", NumChildren = 1 },
            new() { Name = "group", NumChildren = 1, Repetition = 1 },
            new() { Name = "x", Type = 2, Repetition = 0 },
        ];
        Assert.Contains("nested schemas", Refuse(Build(schema: nested)).Message);
    }

    [Fact]
    public void InconsistentCountsAreRefusedBeforeAnythingIsAllocated()
    {
        Assert.Contains("declares 5000000000 values", Refuse(Build(numValues: 5_000_000_000)).Message);
        Assert.Contains("declares 3 PLAIN values in 8 bytes", Refuse(Build(body: new byte[8])).Message);
    }

    [Fact]
    public void ACorruptPageHeaderNamesItsOffset()
    {
        var file = Build();
        file[4] = 0xFF; // the page header's first byte
        var e = Refuse(file);
        Assert.Equal("x", e.Column);
        Assert.InRange(e.Offset!.Value, 4, 6);
    }

    [Fact]
    public void AChunkPointingPastTheFooterIsRefused()
    {
        var file = Build();
        // The row group's column chunk claims more bytes than lie before the footer: patch data_page_offset's neighbour, total_compressed_size.
        int footerLength = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(file.Length - 8));
        var footer = MetadataReader.ReadFileMetadata(file.AsSpan(file.Length - 8 - footerLength, footerLength), 0);
        footer.RowGroups[0].Columns[0].TotalCompressedSize = 10_000;
        var rebuilt = new ByteBuffer();
        rebuilt.Write(file.AsSpan(0, file.Length - 8 - footerLength));
        var newFooter = new ByteBuffer();
        MetadataWriter.WriteFileMetadata(footer, newFooter);
        rebuilt.Write(newFooter.Span);
        rebuilt.WriteInt32(newFooter.Length);
        rebuilt.Write("PAR1"u8);
        Assert.Contains("lies outside the data", Refuse(rebuilt.Span.ToArray()).Message);
    }
}
