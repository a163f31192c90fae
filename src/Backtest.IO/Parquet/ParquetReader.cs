using System.Buffers.Binary;
using System.Text;
using Backtest.IO.Parquet.Format;
using Microsoft.Win32.SafeHandles;

namespace Backtest.IO.Parquet;

/// <summary>
/// Reads flat Parquet files: this codec's own and other writers' files that keep to the same
/// subset (v1 data pages; PLAIN, dictionary and RLE encodings; UNCOMPRESSED, SNAPPY, GZIP; the
/// types of <see cref="ParquetType"/>). <see cref="Open(string)"/> reads and checks the footer; column
/// data is read on demand, one column chunk at a time. Anything damaged or unsupported is a
/// <see cref="ParquetFormatException"/> naming the file, the place and the reason.
/// </summary>
public sealed class ParquetReader : IDisposable
{
    /// <summary>
    /// A column chunk may declare at most this many values per stored byte once it is past
    /// <see cref="UnconditionalRows"/> rows. Real files stay far below it (a page of 20,000
    /// equal values still takes some 30 bytes); a corrupt count beyond it would only size a
    /// huge buffer, so it is refused.
    /// </summary>
    internal const int MaxValuesPerByte = 2048;

    /// <summary>Row counts up to this are accepted whatever the chunk's size.</summary>
    internal const int UnconditionalRows = 1 << 20;

    private static readonly byte[] Magic = "PAR1"u8.ToArray();

    private readonly ByteSource _source;
    private readonly FileMetadataModel _footer;

    private ParquetReader(string path, ByteSource source, FileMetadataModel footer, ParquetSchema schema)
    {
        Path = path;
        _source = source;
        _footer = footer;
        Schema = schema;
        var metadata = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in footer.KeyValues)
        {
            metadata[key] = value;
        }

        Metadata = metadata;
        RowGroups = [.. footer.RowGroups.Select((g, i) => Describe(g, i))];
    }

    public string Path { get; }

    public ParquetSchema Schema { get; }

    public long RowCount => _footer.NumRows;

    /// <summary>The writing application, as the file says (<c>created_by</c>).</summary>
    public string? CreatedBy => _footer.CreatedBy;

    /// <summary>Key-value metadata from the footer (for a repeated key, the last value).</summary>
    public IReadOnlyDictionary<string, string?> Metadata { get; }

    public IReadOnlyList<ParquetRowGroupInfo> RowGroups { get; }

    /// <summary>The run manifest stored under <see cref="ParquetWriter.ManifestKey"/>, if any.</summary>
    public string? Manifest => Metadata.TryGetValue(ParquetWriter.ManifestKey, out var manifest) ? manifest : null;

    /// <summary>Opens a file and reads its footer; throws <see cref="ParquetFormatException"/> for anything but a readable flat Parquet file.</summary>
    public static ParquetReader Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        SafeFileHandle file;
        try
        {
            file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ParquetFormatException(path, e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : $"cannot open: {e.Message}", inner: e);
        }

        return Open(path, new FileSource(file));
    }

    /// <summary>Reads a file held in memory; <paramref name="name"/> stands for the path in messages.</summary>
    internal static ParquetReader Open(byte[] data, string name) => Open(name, new MemorySource(data));

    private static ParquetReader Open(string path, ByteSource source)
    {
        try
        {
            var (footer, schema) = ReadFooter(path, source, source.Length);
            return new ParquetReader(path, source, footer, schema);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    /// <summary>One column of one row group.</summary>
    public ParquetColumnData ReadColumn(int rowGroup, int column)
    {
        if ((uint)rowGroup >= (uint)_footer.RowGroups.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(rowGroup), rowGroup, $"the file has {_footer.RowGroups.Count} row groups");
        }

        if ((uint)column >= (uint)Schema.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(column), column, $"the schema has {Schema.Count} columns");
        }

        var group = _footer.RowGroups[rowGroup];
        var chunk = group.Columns[column];
        var schemaColumn = Schema[column];
        int rows = (int)group.NumRows;
        long start = chunk.StartOffset;
        var bytes = new byte[chunk.TotalCompressedSize];
        _source.Read(bytes, start);
        var decoder = new ColumnChunkReader(schemaColumn, (PhysicalType)chunk.Type, (ParquetCodec)chunk.Codec);
        try
        {
            return decoder.Read(bytes, start, rows);
        }
        catch (InvalidDataException e)
        {
            long offset = e.Data["offset"] is long at ? at : decoder.PageOffset;
            throw new ParquetFormatException(Path, e.Message, offset, rowGroup, schemaColumn.Name, e);
        }
    }

    /// <summary>One column of one row group, by name.</summary>
    public ParquetColumnData ReadColumn(int rowGroup, string column) => ReadColumn(rowGroup, Schema.IndexOf(column));

    /// <summary>One column across all row groups.</summary>
    public ParquetColumnData ReadColumn(string column)
    {
        int index = Schema.IndexOf(column);
        var parts = new List<ParquetColumnData>(_footer.RowGroups.Count);
        for (int g = 0; g < _footer.RowGroups.Count; g++)
        {
            parts.Add(ReadColumn(g, index));
        }

        return ParquetColumnData.Concat(Schema[index], parts);
    }

    /// <summary>All columns of one row group.</summary>
    public ParquetTable ReadRowGroup(int rowGroup)
    {
        var columns = new ParquetColumnData[Schema.Count];
        for (int c = 0; c < columns.Length; c++)
        {
            columns[c] = ReadColumn(rowGroup, c);
        }

        return new ParquetTable(Schema, columns, (int)_footer.RowGroups[rowGroup].NumRows);
    }

    /// <summary>The whole file in memory; for files that fit (use <see cref="ReadRows"/> or row groups otherwise).</summary>
    public ParquetTable ReadTable()
    {
        var columns = new ParquetColumnData[Schema.Count];
        for (int c = 0; c < columns.Length; c++)
        {
            columns[c] = ReadColumn(Schema[c].Name);
        }

        return new ParquetTable(Schema, columns, columns[0].Count);
    }

    /// <summary>Every row in file order, holding one row group in memory at a time.</summary>
    public IEnumerable<ParquetRow> ReadRows()
    {
        for (int g = 0; g < _footer.RowGroups.Count; g++)
        {
            var table = ReadRowGroup(g);
            foreach (var row in table.Rows)
            {
                yield return row;
            }
        }
    }

    public void Dispose() => _source.Dispose();

    private static (FileMetadataModel Footer, ParquetSchema Schema) ReadFooter(string path, ByteSource file, long length)
    {
        if (length < 12)
        {
            throw new ParquetFormatException(path, $"not a Parquet file: {length} bytes is too short for the magic numbers and footer");
        }

        Span<byte> head = stackalloc byte[4];
        Span<byte> tail = stackalloc byte[8];
        file.Read(head, 0);
        file.Read(tail, length - 8);
        if (!head.SequenceEqual(Magic))
        {
            throw new ParquetFormatException(path, "not a Parquet file: bad magic number at the start (expected PAR1)", 0);
        }

        if (tail[4..].SequenceEqual("PARE"u8))
        {
            throw new ParquetFormatException(path, "unsupported: the footer is encrypted", length - 4);
        }

        if (!tail[4..].SequenceEqual(Magic))
        {
            throw new ParquetFormatException(path, "not a Parquet file, or truncated: bad magic number at the end (expected PAR1)", length - 4);
        }

        int footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        long footerStart = length - 8 - (long)footerLength;
        if (footerLength <= 0 || footerStart < 4)
        {
            throw new ParquetFormatException(path, $"truncated or corrupt footer: its length field says {footerLength} bytes, the file has {length - 12} to hold it", length - 8);
        }

        var bytes = new byte[footerLength];
        file.Read(bytes, footerStart);
        FileMetadataModel footer;
        try
        {
            footer = MetadataReader.ReadFileMetadata(bytes, footerStart);
        }
        catch (InvalidDataException e)
        {
            throw new ParquetFormatException(path, "corrupt footer: " + e.Message, e.Data["offset"] as long? ?? footerStart, inner: e);
        }

        if (footer.Encrypted)
        {
            throw new ParquetFormatException(path, "unsupported: the file is encrypted", footerStart);
        }

        string? reason = SchemaMapping.TryFromElements(footer.Schema, out var schema, out var column);
        if (reason is not null)
        {
            throw new ParquetFormatException(path, reason, footerStart, column: column);
        }

        Validate(path, footer, schema!, footerStart);
        return (footer, schema!);
    }

    /// <summary>
    /// Checks what the footer's numbers must agree on before any of them sizes a buffer: row
    /// counts add up, every chunk has one value per row and lies between the leading magic and
    /// the footer, and its type, path and codec are ones this reader knows.
    /// </summary>
    private static void Validate(string path, FileMetadataModel footer, ParquetSchema schema, long footerStart)
    {
        long total = 0;
        for (int g = 0; g < footer.RowGroups.Count; g++)
        {
            var group = footer.RowGroups[g];
            if (group.NumRows < 0 || group.NumRows > Array.MaxLength)
            {
                throw new ParquetFormatException(path, $"row group declares {group.NumRows} rows (this reader takes 0..{Array.MaxLength} per row group)", footerStart, g);
            }

            total += group.NumRows;
            if (group.Columns.Count != schema.Count)
            {
                throw new ParquetFormatException(path, $"row group has {group.Columns.Count} column chunks for {schema.Count} columns", footerStart, g);
            }

            for (int c = 0; c < schema.Count; c++)
            {
                var chunk = group.Columns[c];
                var column = schema[c];
                string? fault = ChunkFault(chunk, column, group.NumRows, footerStart);
                if (fault is not null)
                {
                    throw new ParquetFormatException(path, fault, footerStart, g, column.Name);
                }
            }
        }

        if (total != footer.NumRows)
        {
            throw new ParquetFormatException(path, $"footer declares {footer.NumRows} rows but its row groups hold {total}", footerStart);
        }
    }

    private static string? ChunkFault(ColumnChunkModel chunk, ParquetColumn column, long rows, long footerStart)
    {
        if (!chunk.HasMetaData)
        {
            return "column chunk lacks its metadata";
        }

        if (chunk.FilePath is not null)
        {
            return "unsupported: column data in another file";
        }

        if (chunk.Path.Count != 1 || chunk.Path[0] != column.Name)
        {
            return $"column chunk path '{string.Join('.', chunk.Path)}' does not match the schema";
        }

        var expected = column.Type == ParquetType.Decimal && chunk.Type == (int)PhysicalType.Int32 ? PhysicalType.Int32 : SchemaMapping.Physical(column.Type);
        if (chunk.Type != (int)expected)
        {
            return $"column chunk type {SchemaMapping.PhysicalName((PhysicalType)chunk.Type)} does not match the schema's {SchemaMapping.PhysicalName(expected)}";
        }

        if (chunk.Codec is not ((int)ParquetCodec.Uncompressed or (int)ParquetCodec.Snappy or (int)ParquetCodec.Gzip))
        {
            return $"unsupported compression codec {ParquetNames.Codec((ParquetCodec)chunk.Codec)} (this reader takes UNCOMPRESSED, SNAPPY and GZIP)";
        }

        if (chunk.NumValues != rows)
        {
            return $"column chunk declares {chunk.NumValues} values for a row group of {rows} rows";
        }

        long start = chunk.StartOffset;
        if (start < 4 || chunk.TotalCompressedSize <= 0 || chunk.TotalCompressedSize > footerStart - start)
        {
            return $"column chunk at byte {start} of {chunk.TotalCompressedSize} bytes lies outside the data between the magic number and the footer";
        }

        if (rows > UnconditionalRows && rows > MaxValuesPerByte * chunk.TotalCompressedSize)
        {
            return $"column chunk declares {rows} values in {chunk.TotalCompressedSize} bytes, implausibly many (limit {MaxValuesPerByte} per byte)";
        }

        return null;
    }

    private ParquetRowGroupInfo Describe(RowGroupModel group, int index)
    {
        var columns = new ParquetColumnChunkInfo[group.Columns.Count];
        for (int c = 0; c < columns.Length; c++)
        {
            var chunk = group.Columns[c];
            columns[c] = new ParquetColumnChunkInfo(
                Schema[c].Name,
                (ParquetCodec)chunk.Codec,
                [.. chunk.Encodings.Select(e => (ParquetEncoding)e)],
                chunk.NumValues,
                chunk.StartOffset,
                chunk.TotalCompressedSize,
                chunk.TotalUncompressedSize,
                chunk.DictionaryPageOffset is > 0,
                chunk.Statistics is null ? null : DescribeStatistics(chunk.Statistics, Schema[c], (PhysicalType)chunk.Type));
        }

        return new ParquetRowGroupInfo(index, group.NumRows, columns.Sum(c => c.CompressedBytes), columns.Sum(c => c.UncompressedBytes), columns);
    }

    private static ParquetStatistics DescribeStatistics(StatisticsModel s, ParquetColumn column, PhysicalType physical)
    {
        bool legacyUsable = column.Type != ParquetType.String;
        var min = s.MinValue ?? (legacyUsable ? s.Min : null);
        var max = s.MaxValue ?? (legacyUsable ? s.Max : null);
        return new ParquetStatistics(s.NullCount, s.NanCount, s.DistinctCount, DecodeBound(min, column, physical), DecodeBound(max, column, physical));
    }

    /// <summary>A statistics bound as a value, or null when it is absent or not the width its type needs.</summary>
    private static object? DecodeBound(byte[]? bytes, ParquetColumn column, PhysicalType physical)
    {
        if (bytes is null)
        {
            return null;
        }

        int width = physical switch
        {
            PhysicalType.Int64 or PhysicalType.Double => 8,
            PhysicalType.Int32 => 4,
            PhysicalType.Boolean => 1,
            _ => -1,
        };
        if (width > 0 && bytes.Length != width)
        {
            return null;
        }

        long integer = width switch
        {
            8 => BinaryPrimitives.ReadInt64LittleEndian(bytes),
            4 => BinaryPrimitives.ReadInt32LittleEndian(bytes),
            1 => bytes[0],
            _ => 0,
        };
        return column.Type switch
        {
            ParquetType.Int64 => integer,
            ParquetType.Int32 => (int)integer,
            ParquetType.Double => BitConverter.Int64BitsToDouble(integer),
            ParquetType.Boolean => integer != 0,
            ParquetType.String => Encoding.UTF8.GetString(bytes),
            ParquetType.Date => integer is >= -719_162 and <= 2_932_896 ? ParquetValues.FromDays((int)integer) : null,
            ParquetType.Timestamp => integer is >= -62_135_596_800_000_000L and <= 253_402_300_799_999_999L ? ParquetValues.FromMicros(integer) : null,
            ParquetType.Decimal => ParquetValues.ToDecimal(integer, column.DecimalScale),
            _ => null,
        };
    }

    /// <summary>Where the file's bytes come from: a file on disk, or memory (tests).</summary>
    private abstract class ByteSource : IDisposable
    {
        public abstract long Length { get; }

        /// <summary>Fills <paramref name="buffer"/> from <paramref name="offset"/>; callers have checked the range lies within <see cref="Length"/>.</summary>
        public abstract void Read(Span<byte> buffer, long offset);

        public virtual void Dispose()
        {
        }
    }

    private sealed class FileSource(SafeFileHandle file) : ByteSource
    {
        public override long Length { get; } = RandomAccess.GetLength(file);

        public override void Read(Span<byte> buffer, long offset)
        {
            int done = 0;
            while (done < buffer.Length)
            {
                int read = RandomAccess.Read(file, buffer[done..], offset + done);
                if (read == 0)
                {
                    throw new IOException("the file became shorter while being read");
                }

                done += read;
            }
        }

        public override void Dispose() => file.Dispose();
    }

    private sealed class MemorySource(byte[] data) : ByteSource
    {
        public override long Length => data.Length;

        public override void Read(Span<byte> buffer, long offset) => data.AsSpan((int)offset, buffer.Length).CopyTo(buffer);
    }
}
