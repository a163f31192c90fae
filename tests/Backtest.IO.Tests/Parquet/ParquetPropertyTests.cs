using Backtest.IO.Parquet;
using FsCheck;
using FsCheck.Fluent;

namespace Backtest.IO.Tests.Parquet;

/// <summary>Random schemas, tables and writer settings round-trip exactly through the writer and reader.</summary>
public class ParquetPropertyTests
{
    private sealed record ColumnShape(ParquetType Type, bool Nullable, int Scale, double NullShare, int Distinct);

    private sealed record TableShape(ColumnShape[] Columns, int Rows, int Seed, ParquetCodec Codec, ParquetColumnEncoding Encoding, int PageRows, int RowGroupRows, int DictionaryBytes, int Batch);

    private static readonly Gen<ColumnShape> ColumnGen =
        from type in Gen.Elements(Enum.GetValues<ParquetType>())
        from nullable in Gen.Elements(true, false)
        from scale in Gen.Choose(0, 18)
        from nullShare in Gen.Elements(0.0, 0.1, 0.5, 1.0)
        from distinct in Gen.Elements(1, 3, 50, int.MaxValue)
        select new ColumnShape(type, nullable, type == ParquetType.Decimal ? scale : 0, nullShare, distinct);

    private static readonly Gen<TableShape> TableGen =
        from columns in Gen.Choose(1, 6).SelectMany(n => Gen.ArrayOf(ColumnGen, n))
        from rows in Gen.OneOf(Gen.Choose(0, 40), Gen.Choose(0, 1_500))
        from seed in Gen.Choose(0, int.MaxValue)
        from codec in Gen.Elements(ParquetCodec.Uncompressed, ParquetCodec.Snappy, ParquetCodec.Gzip)
        from encoding in Gen.Elements(Enum.GetValues<ParquetColumnEncoding>())
        from pageRows in Gen.Choose(1, 400)
        from rowGroupRows in Gen.Choose(1, 900)
        from dictionaryBytes in Gen.Elements(0, 64, 1_000, 1 << 20)
        from batch in Gen.Choose(1, 300)
        select new TableShape(columns, rows, seed, codec, encoding, pageRows, rowGroupRows, dictionaryBytes, batch);

    [Fact]
    public void RandomTablesRoundTripExactly()
    {
        var property = Prop.ForAll(TableGen.ToArbitrary(), shape =>
        {
            var columns = Build(shape);
            var stream = new MemoryStream();
            using (var writer = ParquetWriter.Create(stream, ParquetTestData.SchemaOf(columns), new ParquetWriterOptions
            {
                Codec = shape.Codec,
                Encoding = shape.Encoding,
                PageRows = shape.PageRows,
                RowGroupRows = shape.RowGroupRows,
                DictionaryBytes = shape.DictionaryBytes,
            }))
            {
                ParquetTestData.Write(writer, columns, shape.Batch);
                writer.Close();
            }

            using var reader = ParquetReader.Open(stream.ToArray(), "property.parquet");
            Assert.Equal(shape.Rows, reader.RowCount);
            // A row group closes at the end of the batch in which it reached its row limit.
            Assert.All(reader.RowGroups.SkipLast(1), g => Assert.InRange(g.RowCount, shape.RowGroupRows, shape.RowGroupRows + shape.Batch - 1));
            Assert.All(reader.RowGroups, g => Assert.True(g.RowCount > 0));
            foreach (var column in columns)
            {
                column.AssertEqual(reader.ReadColumn(column.Column.Name));
            }

            foreach (var (group, index) in reader.RowGroups.Select((g, i) => (g, i)))
            {
                foreach (var (chunk, c) in group.Columns.Select((chunk, c) => (chunk, c)))
                {
                    var data = reader.ReadColumn(index, c);
                    Assert.Equal(data.NullCount, chunk.Statistics!.NullCount);
                }
            }
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(150), property);
    }

    private static List<ColumnValues> Build(TableShape shape)
    {
        var random = new Random(shape.Seed);
        var columns = new List<ColumnValues>();
        for (int c = 0; c < shape.Columns.Length; c++)
        {
            var s = shape.Columns[c];
            var column = new ParquetColumn($"col_{c}_{s.Type.ToString().ToLowerInvariant()}", s.Type, s.Nullable, s.Scale);
            int rows = shape.Rows;
            bool[]? nulls = s.Nullable ? [.. Enumerable.Range(0, rows).Select(_ => random.NextDouble() < s.NullShare)] : null;
            long Pick(long min, long max) => s.Distinct == int.MaxValue ? random.NextInt64(min, max) : min + random.Next(s.Distinct);
            Array values = s.Type switch
            {
                ParquetType.Int64 or ParquetType.Timestamp => Enumerable.Range(0, rows).Select(_ => Pick(long.MinValue, long.MaxValue)).ToArray(),
                ParquetType.Decimal => Enumerable.Range(0, rows).Select(_ => Pick(-ParquetWriter.MaxDecimalUnscaled, ParquetWriter.MaxDecimalUnscaled)).ToArray(),
                ParquetType.Int32 or ParquetType.Date => Enumerable.Range(0, rows).Select(_ => (int)Pick(int.MinValue, int.MaxValue)).ToArray(),
                ParquetType.Double => Enumerable.Range(0, rows).Select(_ => random.Next(20) switch
                {
                    0 => double.NaN,
                    1 => -0.0,
                    2 => double.PositiveInfinity,
                    _ => s.Distinct == int.MaxValue ? BitConverter.Int64BitsToDouble(random.NextInt64()) : random.Next(s.Distinct) * 0.5,
                }).ToArray(),
                ParquetType.Boolean => Enumerable.Range(0, rows).Select(_ => random.Next(2) == 0).ToArray(),
                _ => Enumerable.Range(0, rows).Select(_ => random.Next(30) == 0 ? string.Empty : s.Distinct == int.MaxValue
                    ? new string([.. Enumerable.Range(0, random.Next(0, 40)).Select(_ => (char)random.Next(0x20, 0xD7FF))])
                    : $"v{random.Next(s.Distinct)}").ToArray(),
            };

            // A null string needs a nullable column; where one is not nullable, every value is present.
            columns.Add(new ColumnValues(column, values, nulls));
        }

        return columns;
    }
}
