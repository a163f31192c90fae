using System.Buffers.Binary;
using System.Reflection;
using Backtest.IO.Parquet.Format;

namespace Backtest.IO.Parquet;

/// <summary>
/// Writes a flat Parquet file as batches of column values arrive, holding in memory only the
/// current row group (already encoded and compressed) plus one page of raw values per column.
/// <para>
/// Use: <see cref="Create(string, ParquetSchema, ParquetWriterOptions?)"/>; for each batch,
/// <c>Append</c> the same number of rows to every column and call <see cref="EndBatch"/>; then
/// <see cref="Close"/>. A path-based writer writes to a hidden temporary file beside the target,
/// flushes it to disk and renames it to the target only in <see cref="Close"/>; if anything
/// fails, or the writer is disposed without <see cref="Close"/>, the temporary file is deleted,
/// so a <c>.parquet</c> file exists only when complete.
/// </para>
/// <para>
/// Format choices: data pages v1 (the most widely readable), each column chunk dictionary- or
/// PLAIN-encoded as <see cref="ParquetWriterOptions.Encoding"/> says, definition levels in the
/// RLE/bit-packing hybrid, chunk statistics, and a TYPE_ORDER column order for every column.
/// </para>
/// </summary>
public sealed class ParquetWriter : IDisposable
{
    /// <summary>The key-value metadata key under which a run's manifest (JSON) travels.</summary>
    public const string ManifestKey = "backtest.manifest";

    private static readonly byte[] Magic = "PAR1"u8.ToArray();

    private readonly Stream _output;
    private readonly bool _ownsOutput;
    private readonly string? _tempPath;
    private readonly ParquetWriterOptions _options;
    private readonly ColumnChunkWriter[] _columns;
    private readonly List<RowGroupModel> _rowGroups = [];
    private readonly List<KeyValuePair<string, string>> _metadata = [];
    private long _position;
    private long _rowsWritten;
    private State _state = State.Open;

    private ParquetWriter(ParquetSchema schema, ParquetWriterOptions options, Stream output, bool ownsOutput, string? path, string? tempPath)
    {
        Schema = schema;
        Path = path;
        _options = options;
        _output = output;
        _ownsOutput = ownsOutput;
        _tempPath = tempPath;
        _columns = [.. schema.Columns.Select(c => new ColumnChunkWriter(c, options, options.EncodingOf(c)))];
        foreach (var (key, value) in options.Metadata)
        {
            SetMetadata(key, value);
        }

        WriteRaw(Magic);
    }

    private enum State
    {
        Open,
        Closed,
        Failed,
    }

    public ParquetSchema Schema { get; }

    /// <summary>The final path, for a path-based writer.</summary>
    public string? Path { get; }

    /// <summary>Rows in row groups already written to the file.</summary>
    public long RowsWritten => _rowsWritten;

    /// <summary>Row groups already written to the file.</summary>
    public int RowGroupCount => _rowGroups.Count;

    /// <summary>Encoded bytes buffered for the current row group, the measure <see cref="ParquetWriterOptions.RowGroupBytes"/> limits.</summary>
    public long BufferedBytes => _columns.Sum(c => c.BufferedBytes);

    /// <summary>Bytes held by the writer's column buffers, used or not: its memory cost, bounded by the row group size and page limits.</summary>
    internal long RetainedBytes => _columns.Sum(c => c.RetainedBytes);

    /// <summary>
    /// Creates <paramref name="path"/> atomically: data goes to a hidden temporary file in the same
    /// directory, which <see cref="Close"/> flushes to disk and renames over <paramref name="path"/>.
    /// </summary>
    public static ParquetWriter Create(string path, ParquetSchema schema, ParquetWriterOptions? options = null) =>
        Create(path, schema, options, temp => new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16));

    /// <summary>Writes to a stream the caller owns (left open); no temporary file, no rename.</summary>
    public static ParquetWriter Create(Stream output, ParquetSchema schema, ParquetWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(schema);
        options ??= new ParquetWriterOptions();
        options.Validate(schema);
        return new ParquetWriter(schema, options, output, ownsOutput: false, path: null, tempPath: null);
    }

    /// <summary>Path-based creation with the temporary file's stream supplied, so tests can make it fail.</summary>
    internal static ParquetWriter Create(string path, ParquetSchema schema, ParquetWriterOptions? options, Func<string, Stream> openTemporary)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(schema);
        options ??= new ParquetWriterOptions();
        options.Validate(schema);
        string full = System.IO.Path.GetFullPath(path);
        string directory = System.IO.Path.GetDirectoryName(full)!;
        string temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        var stream = openTemporary(temp);
        try
        {
            return new ParquetWriter(schema, options, stream, ownsOutput: true, path: full, tempPath: temp);
        }
        catch
        {
            stream.Dispose();
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>Adds or replaces a key-value metadata entry; allowed until <see cref="Close"/>.</summary>
    public void SetMetadata(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        EnsureOpen();
        int existing = _metadata.FindIndex(kv => kv.Key == key);
        if (existing >= 0)
        {
            _metadata[existing] = new(key, value);
        }
        else
        {
            _metadata.Add(new(key, value));
        }
    }

    /// <summary>
    /// Appends values to an INT64, TIMESTAMP (microseconds since the Unix epoch, UTC) or DECIMAL
    /// (unscaled integers) column. <paramref name="nulls"/>, if given, has one flag per value: true
    /// marks a null, whose value is ignored. A DECIMAL value must have at most 18 digits
    /// (|value| ≤ <see cref="MaxDecimalUnscaled"/>), as its precision says; otherwise
    /// <see cref="ArgumentOutOfRangeException"/> and nothing of the batch is written.
    /// </summary>
    public void Append(int column, ReadOnlySpan<long> values, ReadOnlySpan<bool> nulls = default)
    {
        if ((uint)column < (uint)_columns.Length && _columns[column].Column.Type == ParquetType.Decimal)
        {
            CheckDecimalPrecision(_columns[column].Column, values, nulls);
        }

        AppendFixed(column, values, nulls, ParquetType.Int64, ParquetType.Timestamp, ParquetType.Decimal);
    }

    /// <summary>The largest unscaled DECIMAL(18, s) magnitude: 18 nines. <c>Fixed</c> amounts up to about 10⁹ units fit at scale 9.</summary>
    public const long MaxDecimalUnscaled = 999_999_999_999_999_999L;

    /// <summary>Appends values to an INT32 or DATE (days since 1970-01-01) column; see <see cref="Append(int, ReadOnlySpan{long}, ReadOnlySpan{bool})"/> for nulls.</summary>
    public void Append(int column, ReadOnlySpan<int> values, ReadOnlySpan<bool> nulls = default) =>
        AppendFixed(column, values, nulls, ParquetType.Int32, ParquetType.Date, ParquetType.Date);

    /// <summary>Appends values to a DOUBLE column, bit for bit (NaN and −0.0 included).</summary>
    public void Append(int column, ReadOnlySpan<double> values, ReadOnlySpan<bool> nulls = default) =>
        AppendFixed(column, values, nulls, ParquetType.Double, ParquetType.Double, ParquetType.Double);

    /// <summary>Appends values to a BOOLEAN column.</summary>
    public void Append(int column, ReadOnlySpan<bool> values, ReadOnlySpan<bool> nulls = default) =>
        AppendFixed(column, values, nulls, ParquetType.Boolean, ParquetType.Boolean, ParquetType.Boolean);

    /// <summary>
    /// Appends values to a STRING column, stored as UTF-8. A null element is a null value (the
    /// column must be nullable); a string that is not valid UTF-16 is rejected.
    /// </summary>
    public void Append(int column, ReadOnlySpan<string?> values, ReadOnlySpan<bool> nulls = default)
    {
        var writer = Column(column, ParquetType.String, ParquetType.String, ParquetType.String);
        CheckNulls(writer, values.Length, nulls);
        if (!writer.Column.Nullable && values.Contains(null))
        {
            throw new ArgumentException($"column '{writer.Column.Name}' is not nullable but was given a null string");
        }

        try
        {
            writer.AppendStrings(values, nulls);
        }
        catch
        {
            Fail();
            throw;
        }
    }

    /// <summary>
    /// Marks the end of a batch: every column must have been given the same number of rows. If
    /// the row group has reached <see cref="ParquetWriterOptions.RowGroupBytes"/> or
    /// <see cref="ParquetWriterOptions.RowGroupRows"/>, it is written to the file now.
    /// </summary>
    public void EndBatch()
    {
        long rows = BalancedRows();
        if (rows >= _options.RowGroupRows || BufferedBytes >= _options.RowGroupBytes)
        {
            FlushRowGroup();
        }
    }

    /// <summary>Writes the rows buffered so far as a row group now (nothing if there are none).</summary>
    public void FlushRowGroup()
    {
        long rows = BalancedRows();
        if (rows == 0)
        {
            return;
        }

        Guard(() =>
        {
            var group = new RowGroupModel { NumRows = rows, FileOffset = _position, Ordinal = checked((short)_rowGroups.Count) };
            foreach (var column in _columns)
            {
                var chunk = column.FlushChunk(_output, _position);
                _position += chunk.TotalCompressedSize;
                group.Columns.Add(chunk);
            }

            group.TotalByteSize = group.Columns.Sum(c => c.TotalUncompressedSize);
            group.TotalCompressedSize = group.Columns.Sum(c => c.TotalCompressedSize);
            _rowGroups.Add(group);
            _rowsWritten += rows;
        });
    }

    /// <summary>
    /// Writes the last row group and the footer; a path-based writer then flushes the file to
    /// disk and renames it to <see cref="Path"/>. On failure nothing is left at <see cref="Path"/>.
    /// </summary>
    public void Close()
    {
        FlushRowGroup();
        Guard(() =>
        {
            var footer = new ByteBuffer(4096);
            MetadataWriter.WriteFileMetadata(
                new FileMetadataModel
                {
                    Version = 1,
                    Schema = SchemaMapping.ToElements(Schema),
                    NumRows = _rowsWritten,
                    RowGroups = _rowGroups,
                    KeyValues = [.. _metadata.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value))],
                    CreatedBy = CreatedBy,
                    ColumnOrders = Schema.Count,
                },
                footer);
            WriteRaw(footer.Span);
            Span<byte> tail = stackalloc byte[8];
            BinaryPrimitives.WriteInt32LittleEndian(tail, footer.Length);
            Magic.CopyTo(tail[4..]);
            WriteRaw(tail);
            if (_output is FileStream file)
            {
                file.Flush(flushToDisk: true);
            }
            else
            {
                _output.Flush();
            }

            if (_ownsOutput)
            {
                _output.Dispose();
            }

            if (_tempPath is not null)
            {
                File.Move(_tempPath, Path!, overwrite: true);
            }
        });
        _state = State.Closed;
    }

    /// <summary>Closes nothing: if <see cref="Close"/> has not completed, abandons the file and deletes the temporary file.</summary>
    public void Dispose()
    {
        if (_state == State.Closed)
        {
            return;
        }

        _state = State.Failed;
        Abandon();
    }

    private static string CreatedBy
    {
        get
        {
            var version = typeof(ParquetWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            int plus = version.IndexOf('+', StringComparison.Ordinal);
            return plus < 0 ? $"backtest version {version}" : $"backtest version {version[..plus]} (build {version[(plus + 1)..]})";
        }
    }

    private void AppendFixed<T>(int column, ReadOnlySpan<T> values, ReadOnlySpan<bool> nulls, ParquetType a, ParquetType b, ParquetType c)
        where T : unmanaged
    {
        var writer = Column(column, a, b, c);
        CheckNulls(writer, values.Length, nulls);
        try
        {
            writer.Append(values, nulls);
        }
        catch
        {
            Fail();
            throw;
        }
    }

    private ColumnChunkWriter Column(int column, ParquetType a, ParquetType b, ParquetType c)
    {
        EnsureOpen();
        if ((uint)column >= (uint)_columns.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(column), column, $"the schema has {_columns.Length} columns");
        }

        var writer = _columns[column];
        var type = writer.Column.Type;
        if (type != a && type != b && type != c)
        {
            throw new ArgumentException($"column '{writer.Column.Name}' is {writer.Column.TypeName}; these values are for {string.Join(" or ", new[] { a, b, c }.Distinct())} columns");
        }

        return writer;
    }

    private static void CheckDecimalPrecision(ParquetColumn column, ReadOnlySpan<long> values, ReadOnlySpan<bool> nulls)
    {
        for (int i = 0; i < values.Length; i++)
        {
            long v = values[i];
            if ((v > MaxDecimalUnscaled || v < -MaxDecimalUnscaled) && (nulls.IsEmpty || !nulls[i]))
            {
                throw new ArgumentOutOfRangeException(nameof(values), v, $"column '{column.Name}' is {column.TypeName}: value {i} has more than 18 digits");
            }
        }
    }

    private static void CheckNulls(ColumnChunkWriter writer, int count, ReadOnlySpan<bool> nulls)
    {
        if (nulls.IsEmpty)
        {
            return;
        }

        if (nulls.Length != count)
        {
            throw new ArgumentException($"column '{writer.Column.Name}': {nulls.Length} null flags for {count} values");
        }

        if (!writer.Column.Nullable && nulls.Contains(true))
        {
            throw new ArgumentException($"column '{writer.Column.Name}' is not nullable but was given a null");
        }
    }

    private long BalancedRows()
    {
        EnsureOpen();
        long rows = _columns[0].PendingRows;
        foreach (var column in _columns)
        {
            if (column.PendingRows != rows)
            {
                throw new InvalidOperationException(
                    $"columns have different row counts in this batch: {string.Join(", ", _columns.Select(c => $"{c.Column.Name}={c.PendingRows}"))}");
            }
        }

        return rows;
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        try
        {
            _output.Write(bytes);
            _position += bytes.Length;
        }
        catch
        {
            Fail();
            throw;
        }
    }

    private void Guard(Action action)
    {
        EnsureOpen();
        try
        {
            action();
        }
        catch
        {
            Fail();
            throw;
        }
    }

    private void EnsureOpen()
    {
        if (_state != State.Open)
        {
            throw new InvalidOperationException(_state == State.Closed ? "the Parquet writer is closed" : "the Parquet writer failed earlier and its file was abandoned");
        }
    }

    private void Fail()
    {
        _state = State.Failed;
        Abandon();
    }

    private void Abandon()
    {
        if (_ownsOutput)
        {
            try
            {
                _output.Dispose();
            }
            catch (IOException)
            {
                // The data is being thrown away; a failing close changes nothing.
            }
        }

        if (_tempPath is not null)
        {
            TryDelete(_tempPath);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
