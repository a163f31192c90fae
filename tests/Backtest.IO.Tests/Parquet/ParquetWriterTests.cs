using Backtest.IO.Parquet;

namespace Backtest.IO.Tests.Parquet;

public class ParquetWriterTests
{
    private static readonly ParquetSchema Schema = new(ParquetColumn.Int64("id"), ParquetColumn.Double("value", nullable: true), ParquetColumn.String("label", nullable: true));

    private static void AppendRows(ParquetWriter writer, int start, int count)
    {
        long[] ids = [.. Enumerable.Range(start, count).Select(i => (long)i)];
        double[] values = [.. ids.Select(i => i * 0.25)];
        bool[] nulls = [.. ids.Select(i => i % 5 == 0)];
        string?[] labels = [.. ids.Select(i => i % 3 == 0 ? null : $"row {i}")];
        writer.Append(0, ids);
        writer.Append(1, values, nulls);
        writer.Append(2, labels);
        writer.EndBatch();
    }

    [Fact]
    public void FailingMidStreamLeavesNoFileBehind()
    {
        using var dir = new TempDirectory();
        string path = dir.File("out.parquet");
        var options = new ParquetWriterOptions { RowGroupRows = 1_000 };
        using (var writer = ParquetWriter.Create(path, Schema, options, temp => new FailingStream(new FileStream(temp, FileMode.CreateNew), failAfterBytes: 20_000)))
        {
            var failure = Assert.Throws<IOException>(() =>
            {
                for (int batch = 0; batch < 1_000; batch++)
                {
                    AppendRows(writer, batch * 500, 500);
                }
            });
            Assert.Contains("disk full", failure.Message);
            Assert.Throws<InvalidOperationException>(() => AppendRows(writer, 0, 1));
        }

        Assert.Empty(Directory.GetFiles(dir.PathName));
    }

    [Fact]
    public void DisposingWithoutCloseLeavesNoFileAndKeepsAnOlderOne()
    {
        using var dir = new TempDirectory();
        string path = dir.File("out.parquet");
        using (var first = ParquetWriter.Create(path, Schema))
        {
            AppendRows(first, 0, 10);
            first.Close();
        }

        using (var abandoned = ParquetWriter.Create(path, Schema, new ParquetWriterOptions { RowGroupRows = 5 }))
        {
            AppendRows(abandoned, 0, 100);
            Assert.Equal(2, Directory.GetFiles(dir.PathName).Length);
        }

        Assert.Equal([path], Directory.GetFiles(dir.PathName));
        using var reader = ParquetReader.Open(path);
        Assert.Equal(10, reader.RowCount);
    }

    [Fact]
    public void BadValuesMidStreamAbandonTheFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("out.parquet");
        using (var writer = ParquetWriter.Create(path, new ParquetSchema(ParquetColumn.String("s"))))
        {
            writer.Append(0, ["fine", "also fine"]);
            writer.EndBatch();
            Assert.Throws<ArgumentException>(() => writer.Append(0, ["ok", "\ud800 lone surrogate"]));
            Assert.Throws<InvalidOperationException>(() => writer.Close());
        }

        Assert.Empty(Directory.GetFiles(dir.PathName));
    }

    [Fact]
    public void MemoryStaysBoundedHoweverManyRowGroupsAreStreamed()
    {
        var options = new ParquetWriterOptions { RowGroupRows = 2_000, PageRows = 500 };
        using var writer = ParquetWriter.Create(Stream.Null, Schema, options);
        long retainedAfterTen = 0, maxBuffered = 0, maxRetained = 0;
        for (int batch = 0; batch < 1_000; batch++)
        {
            AppendRows(writer, batch * 400, 400);
            maxBuffered = Math.Max(maxBuffered, writer.BufferedBytes);
            maxRetained = Math.Max(maxRetained, writer.RetainedBytes);
            if (writer.RowGroupCount == 10 && retainedAfterTen == 0)
            {
                retainedAfterTen = writer.RetainedBytes;
            }
        }

        writer.Close();
        Assert.Equal(200, writer.RowGroupCount);
        Assert.Equal(400_000, writer.RowsWritten);
        // 2,000 rows of about 20 bytes each, compressed: the buffered row group stays far below 1 MB...
        Assert.InRange(maxBuffered, 1, 100_000);
        // ...and the buffers, once grown to a row group's size, are reused: 190 more row groups add nothing.
        Assert.Equal(retainedAfterTen, writer.RetainedBytes);
        Assert.Equal(maxRetained, writer.RetainedBytes);
    }

    [Fact]
    public void RowGroupsAreCutAtTheByteThresholdAndOnRequest()
    {
        using var dir = new TempDirectory();
        string path = dir.File("out.parquet");
        using (var writer = ParquetWriter.Create(path, Schema, new ParquetWriterOptions { RowGroupBytes = 4_000, Codec = ParquetCodec.Uncompressed, Encoding = ParquetColumnEncoding.Plain }))
        {
            for (int batch = 0; batch < 10; batch++)
            {
                AppendRows(writer, batch * 100, 100);
            }

            writer.FlushRowGroup();
            AppendRows(writer, 1_000, 7);
            writer.Close();
        }

        using var reader = ParquetReader.Open(path);
        Assert.True(reader.RowGroups.Count >= 3);
        Assert.All(reader.RowGroups.SkipLast(1), g => Assert.True(g.CompressedBytes >= 4_000 - 1_000));
        Assert.Equal(7, reader.RowGroups[^1].RowCount);
        Assert.Equal(1_007, reader.RowCount);
    }

    [Fact]
    public void StatisticsFollowEachTypesOrder()
    {
        using var dir = new TempDirectory();
        string path = dir.File("stats.parquet");
        var schema = new ParquetSchema(
            ParquetColumn.Double("d", nullable: true),
            ParquetColumn.String("s"),
            ParquetColumn.Decimal("m", 9),
            ParquetColumn.Date("day"),
            ParquetColumn.Boolean("b"),
            ParquetColumn.Double("zeros"),
            ParquetColumn.Double("nans"));
        using (var writer = ParquetWriter.Create(path, schema))
        {
            writer.Append(0, [double.NaN, 2.5, -7.25, 0.0], [false, false, false, true]);
            writer.Append(1, ["b", "é", "a", "Z"]); // byte-wise: "Z" < "a" < "b" < "é" (0xC3 0xA9)
            writer.Append(2, [-1_500_000_000L, 3, 2_000_000_000, 0]);
            writer.Append(3, [ParquetValues.ToDays(new DateOnly(2021, 5, 1)), 0, -1, 10]);
            writer.Append(4, [true, true, true, true]);
            writer.Append(5, [0.0, -0.0, 0.0, 0.0]);
            writer.Append(6, [double.NaN, double.NaN, double.NaN, double.NaN]);
            writer.Close();
        }

        using var reader = ParquetReader.Open(path);
        var stats = reader.RowGroups[0].Columns.Select(c => c.Statistics!).ToArray();
        Assert.Equal((1L, 1L, -7.25, 2.5), (stats[0].NullCount!.Value, stats[0].NanCount!.Value, (double)stats[0].Min!, (double)stats[0].Max!));
        Assert.Equal(("Z", "é"), ((string)stats[1].Min!, (string)stats[1].Max!));
        Assert.Equal((-1.5m, 2m), ((decimal)stats[2].Min!, (decimal)stats[2].Max!));
        Assert.Equal((new DateOnly(1969, 12, 31), new DateOnly(2021, 5, 1)), ((DateOnly)stats[3].Min!, (DateOnly)stats[3].Max!));
        Assert.Equal((true, true), ((bool)stats[4].Min!, (bool)stats[4].Max!));
        // A zero minimum is written as −0.0 and a zero maximum as +0.0 (parquet.thrift, ColumnOrder).
        Assert.True(double.IsNegative((double)stats[5].Min!));
        Assert.False(double.IsNegative((double)stats[5].Max!));
        // All NaN: no bounds, only the count.
        Assert.Equal((4L, (object?)null, (object?)null), (stats[6].NanCount!.Value, stats[6].Min, stats[6].Max));
    }

    [Fact]
    public void AutoEncodingUsesTheDictionaryOnlyWhereItPays()
    {
        using var dir = new TempDirectory();
        string path = dir.File("auto.parquet");
        var schema = new ParquetSchema(ParquetColumn.Int64("repeating"), ParquetColumn.Double("random"), ParquetColumn.String("label"));
        var random = new Random(3);
        using (var writer = ParquetWriter.Create(path, schema, new ParquetWriterOptions { PageRows = 1_000 }))
        {
            writer.Append(0, Enumerable.Range(0, 10_000).Select(i => (long)(i % 10)).ToArray());
            writer.Append(1, Enumerable.Range(0, 10_000).Select(_ => random.NextDouble()).ToArray());
            writer.Append(2, Enumerable.Range(0, 10_000).Select(i => $"scenario {i % 3}").ToArray());
            writer.Close();
        }

        using var reader = ParquetReader.Open(path);
        var chunks = reader.RowGroups[0].Columns;
        Assert.True(chunks[0].HasDictionaryPage);
        Assert.False(chunks[1].HasDictionaryPage);
        Assert.DoesNotContain(ParquetEncoding.RleDictionary, chunks[1].Encodings);
        Assert.True(chunks[2].HasDictionaryPage);
        Assert.True(chunks[0].CompressedBytes < 10_000);
    }

    [Fact]
    public void ForcedDictionaryFallsBackToPlainWhenTheDictionaryOutgrowsItsLimit()
    {
        using var dir = new TempDirectory();
        string path = dir.File("fallback.parquet");
        long[] values = [.. Enumerable.Range(0, 5_000).Select(i => (long)(i < 2_000 ? i % 50 : i))];
        using (var writer = ParquetWriter.Create(path, new ParquetSchema(ParquetColumn.Int64("v")), new ParquetWriterOptions { Encoding = ParquetColumnEncoding.Dictionary, DictionaryBytes = 4_000, PageRows = 1_000 }))
        {
            writer.Append(0, values);
            writer.Close();
        }

        using var reader = ParquetReader.Open(path);
        var chunk = reader.RowGroups[0].Columns[0];
        Assert.True(chunk.HasDictionaryPage);
        Assert.Contains(ParquetEncoding.RleDictionary, chunk.Encodings);
        Assert.Contains(ParquetEncoding.Plain, chunk.Encodings);
        Assert.Equal(values, reader.ReadColumn("v").Int64Values.ToArray());
    }

    [Fact]
    public void MisuseIsRejectedWithAClearMessage()
    {
        using var writer = ParquetWriter.Create(Stream.Null, Schema);
        Assert.Contains("'id' is INT64", Assert.Throws<ArgumentException>(() => writer.Append(0, [1.5])).Message);
        Assert.Contains("not nullable", Assert.Throws<ArgumentException>(() => writer.Append(0, [1L, 2L], [false, true])).Message);
        Assert.Contains("2 null flags for 3 values", Assert.Throws<ArgumentException>(() => writer.Append(1, [1.0, 2, 3], [false, true])).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Append(7, [1L]));
        writer.Append(0, [1L, 2L]);
        Assert.Contains("id=2, value=0, label=0", Assert.Throws<InvalidOperationException>(writer.EndBatch).Message);

        using var decimals = ParquetWriter.Create(Stream.Null, new ParquetSchema(ParquetColumn.Decimal("m", 9, nullable: true)));
        Assert.Throws<ArgumentOutOfRangeException>(() => decimals.Append(0, [1L, long.MaxValue]));
        decimals.Append(0, [1L, long.MaxValue], [false, true]);

        Assert.Throws<ArgumentException>(() => new ParquetSchema(ParquetColumn.Int64("a"), ParquetColumn.Int32("a")));
        Assert.Throws<ArgumentException>(() => new ParquetSchema(ParquetColumn.Decimal("a", 19)));
        Assert.Throws<ArgumentException>(() => ParquetWriter.Create(Stream.Null, Schema, new ParquetWriterOptions { Codec = ParquetCodec.Zstd }));
    }

    [Fact]
    public void MetadataAddedBeforeCloseTravelsInTheFooter()
    {
        using var dir = new TempDirectory();
        string path = dir.File("meta.parquet");
        using (var writer = ParquetWriter.Create(path, Schema, new ParquetWriterOptions { Metadata = new Dictionary<string, string> { ["a"] = "1" } }))
        {
            AppendRows(writer, 0, 3);
            writer.SetMetadata(ParquetWriter.ManifestKey, """{"rows":3}""");
            writer.SetMetadata("a", "2");
            writer.Close();
        }

        using var reader = ParquetReader.Open(path);
        Assert.Equal("2", reader.Metadata["a"]);
        Assert.Equal("""{"rows":3}""", reader.Manifest);
        Assert.StartsWith("backtest version ", reader.CreatedBy);
    }

    /// <summary>A stream that throws once more than a given number of bytes have been written.</summary>
    private sealed class FailingStream(Stream inner, long failAfterBytes) : Stream
    {
        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _written;

        public override long Position
        {
            get => _written;
            set => throw new NotSupportedException();
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (_written + buffer.Length > failAfterBytes)
            {
                throw new IOException("disk full (simulated)");
            }

            inner.Write(buffer);
            _written += buffer.Length;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
