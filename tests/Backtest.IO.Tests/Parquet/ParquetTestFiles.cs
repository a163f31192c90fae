using Backtest.IO.Parquet;

namespace Backtest.IO.Tests.Parquet;

/// <summary>A temporary directory per test, removed afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(PathName = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "backtest-parquet-" + Guid.NewGuid().ToString("N")));

    public string PathName { get; }

    public string File(string name) => System.IO.Path.Combine(PathName, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(PathName, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Column values held as typed arrays with null masks, to write and compare.</summary>
public sealed class ColumnValues(ParquetColumn column, Array values, bool[]? nulls)
{
    public ParquetColumn Column { get; } = column;

    public Array Values { get; } = values;

    public bool[]? Nulls { get; } = nulls;

    public int Count => Values.Length;

    public ColumnValues Slice(int start, int count)
    {
        var values = Array.CreateInstance(Values.GetType().GetElementType()!, count);
        Array.Copy(Values, start, values, 0, count);
        return new ColumnValues(Column, values, Nulls?[start..(start + count)]);
    }

    public void AppendTo(ParquetWriter writer, int index)
    {
        var nulls = Nulls is null ? default : Nulls.AsSpan();
        switch (Values)
        {
            case long[] v: writer.Append(index, v, nulls); break;
            case int[] v: writer.Append(index, v, nulls); break;
            case double[] v: writer.Append(index, v, nulls); break;
            case bool[] v: writer.Append(index, v, nulls); break;
            case string?[] v: writer.Append(index, v, nulls); break;
            default: throw new InvalidOperationException(Values.GetType().Name);
        }
    }

    /// <summary>Asserts that what was read equals what was written, value for value (doubles bit for bit).</summary>
    public void AssertEqual(ParquetColumnData read)
    {
        Assert.Equal(Column, read.Column);
        Assert.Equal(Count, read.Count);
        for (int i = 0; i < Count; i++)
        {
            bool isNull = (Nulls?[i] ?? false) || (Values is string?[] s && s[i] is null);
            Assert.True(isNull == read.IsNull(i), $"{Column.Name} row {i}: null expected {isNull}");
            if (isNull)
            {
                continue;
            }

            switch (Values)
            {
                case long[] v: Assert.Equal(v[i], read.Int64Values[i]); break;
                case int[] v: Assert.Equal(v[i], read.Int32Values[i]); break;
                case double[] v: Assert.Equal(BitConverter.DoubleToInt64Bits(v[i]), BitConverter.DoubleToInt64Bits(read.DoubleValues[i])); break;
                case bool[] v: Assert.Equal(v[i], read.BooleanValues[i]); break;
                case string?[] v: Assert.Equal(v[i], read.StringValues[i]); break;
            }
        }
    }
}

public static class ParquetTestData
{
    /// <summary>Writes columns in batches of <paramref name="batch"/> rows.</summary>
    public static void Write(ParquetWriter writer, IReadOnlyList<ColumnValues> columns, int batch)
    {
        int rows = columns[0].Count;
        for (int start = 0; start < rows; start += batch)
        {
            int count = Math.Min(batch, rows - start);
            for (int c = 0; c < columns.Count; c++)
            {
                columns[c].Slice(start, count).AppendTo(writer, c);
            }

            writer.EndBatch();
        }
    }

    /// <summary>Every column type, nullable and not, with awkward values (extremes, NaN, −0.0, non-ASCII text).</summary>
    public static List<ColumnValues> AllTypes(int rows, int seed)
    {
        var random = new Random(seed);
        bool[] Nulls(int every) => [.. Enumerable.Range(0, rows).Select(i => i % every == 3)];
        long[] longs = [.. Enumerable.Range(0, rows).Select(i => i switch { 0 => long.MinValue, 1 => long.MaxValue, _ => random.NextInt64(-1_000_000_000_000, 1_000_000_000_000) })];
        double[] doubles = [.. Enumerable.Range(0, rows).Select(i => i switch { 0 => double.NaN, 1 => -0.0, 2 => double.NegativeInfinity, 4 => double.Epsilon, _ => (random.NextDouble() - 0.5) * 1e6 })];
        string?[] strings = [.. Enumerable.Range(0, rows).Select(i => i % 11 == 5 ? null : i % 3 == 0 ? $"Ωmega-{i % 17}-✓" : $"s{random.Next(50)}")];
        return
        [
            new(ParquetColumn.Int64("path_id"), Enumerable.Range(0, rows).Select(i => (long)(i / 10)).ToArray(), null),
            new(ParquetColumn.Int64("balance", nullable: true), longs, Nulls(7)),
            new(ParquetColumn.Int32("step"), Enumerable.Range(0, rows).Select(i => i % 1000 - 500).ToArray(), null),
            new(ParquetColumn.Int32("maybe_int", nullable: true), Enumerable.Range(0, rows).Select(i => i == 0 ? int.MinValue : i == 1 ? int.MaxValue : random.Next()).ToArray(), Nulls(5)),
            new(ParquetColumn.Double("price"), doubles, null),
            new(ParquetColumn.Double("ratio", nullable: true), Enumerable.Range(0, rows).Select(_ => random.NextDouble()).ToArray(), Nulls(4)),
            new(ParquetColumn.Boolean("ran"), Enumerable.Range(0, rows).Select(_ => random.Next(3) == 0).ToArray(), null),
            new(ParquetColumn.Boolean("flag", nullable: true), Enumerable.Range(0, rows).Select(i => i % 2 == 0).ToArray(), Nulls(6)),
            new(ParquetColumn.String("label", nullable: true), strings, null),
            new(ParquetColumn.String("scenario"), Enumerable.Range(0, rows).Select(i => $"scenario_{i % 4}").ToArray(), null),
            new(ParquetColumn.Date("day", nullable: true), Enumerable.Range(0, rows).Select(i => 17_000 + i).ToArray(), Nulls(9)),
            new(ParquetColumn.Timestamp("at"), Enumerable.Range(0, rows).Select(i => 1_546_300_800_000_000L + (i * 3_600_000_000L) + random.Next(1_000_000)).ToArray(), null),
            new(ParquetColumn.Decimal("amount", 9, nullable: true), Enumerable.Range(0, rows).Select(i => i == 0 ? -ParquetWriter.MaxDecimalUnscaled : i == 1 ? ParquetWriter.MaxDecimalUnscaled : random.NextInt64(-10_000_000_000_000, 10_000_000_000_000)).ToArray(), Nulls(8)),
            new(ParquetColumn.Decimal("fee_rate", 4), Enumerable.Range(0, rows).Select(i => (long)(i % 25)).ToArray(), null),
        ];
    }

    public static ParquetSchema SchemaOf(IEnumerable<ColumnValues> columns) => new(columns.Select(c => c.Column));

    /// <summary>Reads every column of every row group and compares with what was written.</summary>
    public static void AssertRoundTrip(string path, IReadOnlyList<ColumnValues> columns)
    {
        using var reader = ParquetReader.Open(path);
        Assert.Equal(SchemaOf(columns).Columns, reader.Schema.Columns);
        Assert.Equal(columns[0].Count, reader.RowCount);
        foreach (var (expected, index) in columns.Select((c, i) => (c, i)))
        {
            expected.AssertEqual(reader.ReadColumn(expected.Column.Name));
        }
    }
}
