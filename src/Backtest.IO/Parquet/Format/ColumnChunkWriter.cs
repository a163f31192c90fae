using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Backtest.IO.Parquet.Format;

/// <summary>
/// Buffers one column's values for the current row group as finished, compressed data pages
/// (v1), and writes the chunk — dictionary page first, if any — when the row group is flushed.
/// A page holds at most <see cref="ParquetWriterOptions.PageRows"/> rows and about
/// <see cref="ParquetWriterOptions.PageBytes"/> bytes of PLAIN values, so the raw values held
/// at any time are one page's worth; everything else is already encoded.
/// </summary>
internal sealed class ColumnChunkWriter
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ParquetColumn _column;
    private readonly PhysicalType _physical;
    private readonly int _width;
    private readonly ParquetWriterOptions _options;
    private readonly ParquetColumnEncoding _encoding;
    private readonly ByteBuffer _plain;
    private readonly int[] _levels;
    private readonly int[] _indices;
    private readonly ByteBuffer _body = new(1024);
    private readonly ByteBuffer _compressed = new(1024);
    private readonly ByteBuffer _dictionaryPage = new(64);
    private readonly ByteBuffer _chunk = new(4096);
    private readonly ValueDictionary? _dictionary;

    private int _pageRows;
    private int _pageNulls;
    private bool _dictionaryActive;
    private bool _usedPlain;
    private bool _usedDictionary;
    private long _chunkRows;
    private long _chunkNulls;
    private long _chunkUncompressed;
    private readonly ColumnStatistics _stats;

    public ColumnChunkWriter(ParquetColumn column, ParquetWriterOptions options, ParquetColumnEncoding encoding)
    {
        _column = column;
        _options = options;
        _physical = SchemaMapping.Physical(column.Type);
        _width = _physical switch
        {
            PhysicalType.Int32 => 4,
            PhysicalType.Int64 or PhysicalType.Double => 8,
            PhysicalType.Boolean => 1,
            _ => 0,
        };
        if (column.Type == ParquetType.Boolean && encoding == ParquetColumnEncoding.Dictionary)
        {
            throw new ArgumentException($"column '{column.Name}': booleans are always PLAIN; dictionary encoding is not offered for them");
        }

        _encoding = column.Type == ParquetType.Boolean ? ParquetColumnEncoding.Plain : encoding;
        _plain = new ByteBuffer(Math.Min(options.PageBytes, options.PageRows * Math.Max(_width, 8)) + 64);
        _levels = column.Nullable ? new int[options.PageRows] : [];
        _indices = _encoding == ParquetColumnEncoding.Plain ? [] : new int[options.PageRows];
        _dictionary = _encoding == ParquetColumnEncoding.Plain ? null : new ValueDictionary(_width);
        _dictionaryActive = _dictionary is not null;
        _stats = new ColumnStatistics(column.Type);
    }

    public ParquetColumn Column => _column;

    /// <summary>Rows appended to the current row group so far.</summary>
    public long PendingRows => _chunkRows + _pageRows;

    /// <summary>Encoded bytes waiting for the row group to be flushed (the row-group size measure).</summary>
    public long BufferedBytes => _chunk.Length + _plain.Length + (_dictionary?.EncodedBytes ?? 0);

    /// <summary>Bytes held by this column's buffers, used or not: what it costs in memory.</summary>
    public long RetainedBytes =>
        _plain.Capacity + _body.Capacity + _compressed.Capacity + _dictionaryPage.Capacity + _chunk.Capacity +
        (4L * (_levels.Length + _indices.Length)) + (_dictionary?.RetainedBytes ?? 0);

    public void Append<T>(ReadOnlySpan<T> values, ReadOnlySpan<bool> nulls)
        where T : unmanaged
    {
        int done = 0;
        while (done < values.Length)
        {
            int take = Math.Min(values.Length - done, RoomInPage(Math.Max(_width, 1)));
            var slice = values.Slice(done, take);
            if (nulls.IsEmpty || !nulls.Slice(done, take).Contains(true))
            {
                _plain.WriteUnmanaged(slice);
                _stats.Update(slice);
                MarkPresent(take);
            }
            else
            {
                var mask = nulls.Slice(done, take);
                for (int i = 0; i < take; i++)
                {
                    if (mask[i])
                    {
                        MarkNull();
                    }
                    else
                    {
                        var one = slice.Slice(i, 1);
                        _plain.WriteUnmanaged(one);
                        _stats.Update(one);
                        MarkPresent(1);
                    }
                }
            }

            done += take;
            if (PageFull())
            {
                FinishPage();
            }
        }
    }

    public void AppendStrings(ReadOnlySpan<string?> values, ReadOnlySpan<bool> nulls)
    {
        for (int i = 0; i < values.Length; i++)
        {
            string? value = values[i];
            if (value is null || (!nulls.IsEmpty && nulls[i]))
            {
                MarkNull();
            }
            else
            {
                int count;
                try
                {
                    count = StrictUtf8.GetByteCount(value);
                }
                catch (EncoderFallbackException)
                {
                    throw new ArgumentException($"column '{_column.Name}': string {i} is not valid UTF-16 (it has a lone surrogate), so it has no UTF-8 form");
                }

                var room = _plain.Extend(4 + count);
                BinaryPrimitives.WriteInt32LittleEndian(room, count);
                StrictUtf8.GetBytes(value, room[4..]);
                _stats.UpdateBytes(room[4..]);
                MarkPresent(1);
            }

            if (PageFull())
            {
                FinishPage();
            }
        }
    }

    /// <summary>Ends the current page, if it has rows: encodes, compresses and buffers it.</summary>
    public void FinishPage()
    {
        if (_pageRows == 0)
        {
            return;
        }

        _body.Clear();
        if (_column.Nullable)
        {
            WriteDefinitionLevels();
        }

        int valuesStart = _body.Length;
        int nonNull = _pageRows - _pageNulls;
        // A page of nulls only has no values to index; it stays PLAIN (and empty) whatever the chunk does.
        bool dictionaryPage = _dictionaryActive && nonNull > 0 && TryWriteDictionaryIndices(nonNull, valuesStart);
        if (!dictionaryPage)
        {
            _body.Truncate(valuesStart);
            if (_column.Type == ParquetType.Boolean)
            {
                PackBooleans(_plain.Span, _body);
            }
            else
            {
                _body.Write(_plain.Span);
            }

            _usedPlain = true;
        }

        WritePage(PageType.DataPage, _body.Span, _pageRows, dictionaryPage ? (int)ParquetEncoding.RleDictionary : (int)ParquetEncoding.Plain, _chunk);
        _chunkRows += _pageRows;
        _chunkNulls += _pageNulls;
        _pageRows = 0;
        _pageNulls = 0;
        _plain.Clear();
    }

    /// <summary>
    /// Writes the column chunk (dictionary page, then the buffered data pages) to
    /// <paramref name="output"/>, which stands at file offset <paramref name="fileOffset"/>, and
    /// resets for the next row group. Returns the chunk's metadata.
    /// </summary>
    public ColumnChunkModel FlushChunk(Stream output, long fileOffset)
    {
        FinishPage();
        long written = 0;
        long uncompressed = _chunkUncompressed;
        long? dictionaryOffset = null;
        if (_usedDictionary)
        {
            _dictionaryPage.Clear();
            uncompressed += WritePage(PageType.DictionaryPage, _dictionary!.Encoded, _dictionary.Count, (int)ParquetEncoding.Plain, _dictionaryPage);
            output.Write(_dictionaryPage.Span);
            dictionaryOffset = fileOffset;
            written = _dictionaryPage.Length;
        }

        output.Write(_chunk.Span);
        written += _chunk.Length;

        var encodings = new List<int>(3);
        if (_usedPlain || _usedDictionary)
        {
            encodings.Add((int)ParquetEncoding.Plain);
        }

        encodings.Add((int)ParquetEncoding.Rle);
        if (_usedDictionary)
        {
            encodings.Add((int)ParquetEncoding.RleDictionary);
        }

        var chunk = new ColumnChunkModel
        {
            Type = (int)_physical,
            Encodings = encodings,
            Path = [_column.Name],
            Codec = (int)_options.Codec,
            NumValues = _chunkRows,
            TotalUncompressedSize = uncompressed,
            TotalCompressedSize = written,
            DataPageOffset = fileOffset + (dictionaryOffset is null ? 0 : _dictionaryPage.Length),
            DictionaryPageOffset = dictionaryOffset,
            Statistics = _stats.ToModel(_chunkNulls),
            HasMetaData = true,
        };

        _chunk.Clear();
        _dictionary?.Clear();
        _dictionaryActive = _dictionary is not null;
        _usedPlain = false;
        _usedDictionary = false;
        _chunkRows = 0;
        _chunkNulls = 0;
        _chunkUncompressed = 0;
        _stats.Reset();
        return chunk;
    }

    private void MarkNull()
    {
        if (!_column.Nullable)
        {
            throw new ArgumentException($"column '{_column.Name}' is not nullable but was given a null");
        }

        _levels[_pageRows++] = 0;
        _pageNulls++;
    }

    private void MarkPresent(int count)
    {
        if (_column.Nullable)
        {
            _levels.AsSpan(_pageRows, count).Fill(1);
        }

        _pageRows += count;
    }

    private int RoomInPage(int width)
    {
        int byRows = _options.PageRows - _pageRows;
        int byBytes = Math.Max(1, (_options.PageBytes - _plain.Length + width - 1) / width);
        return Math.Max(1, Math.Min(byRows, byBytes));
    }

    private bool PageFull() => _pageRows >= _options.PageRows || _plain.Length >= _options.PageBytes;

    private void WriteDefinitionLevels()
    {
        int lengthAt = _body.Length;
        _body.Extend(4);
        if (_pageNulls == 0)
        {
            RleHybrid.WriteRleRun(1, _pageRows, 1, _body);
        }
        else
        {
            RleHybrid.Encode(_levels.AsSpan(0, _pageRows), 1, _body);
        }

        BinaryPrimitives.WriteInt32LittleEndian(_body.RawArray.AsSpan(lengthAt), _body.Length - lengthAt - 4);
    }

    /// <summary>
    /// Dictionary-encodes the page's values into the body. Returns false (and undoes the
    /// dictionary entries this page added) when the dictionary would outgrow its limit or, under
    /// <see cref="ParquetColumnEncoding.Auto"/>, when the page would not get smaller; the chunk
    /// then stays PLAIN until the next row group.
    /// </summary>
    private bool TryWriteDictionaryIndices(int nonNull, int valuesStart)
    {
        var dictionary = _dictionary!;
        int entriesBefore = dictionary.Count;
        int bytesBefore = dictionary.EncodedBytes;
        var plain = _plain.Span;
        if (_width == 8)
        {
            var keys = MemoryMarshal.Cast<byte, ulong>(plain[..(8 * nonNull)]);
            for (int i = 0; i < keys.Length; i++)
            {
                _indices[i] = dictionary.GetOrAddFixed(keys[i]);
            }
        }
        else if (_width == 4)
        {
            var keys = MemoryMarshal.Cast<byte, uint>(plain[..(4 * nonNull)]);
            for (int i = 0; i < keys.Length; i++)
            {
                _indices[i] = dictionary.GetOrAddFixed(keys[i]);
            }
        }
        else
        {
            for (int i = 0, at = 0; i < nonNull; i++)
            {
                int length = BinaryPrimitives.ReadInt32LittleEndian(plain[at..]);
                _indices[i] = dictionary.GetOrAdd(plain.Slice(at, 4 + length));
                at += 4 + length;
            }
        }

        bool fits = dictionary.EncodedBytes <= _options.DictionaryBytes;
        if (fits)
        {
            int bitWidth = Math.Max(1, RleHybrid.BitWidth(dictionary.Count - 1));
            _body.WriteByte((byte)bitWidth);
            RleHybrid.Encode(_indices.AsSpan(0, nonNull), bitWidth, _body);
            int dictionaryCost = _body.Length - valuesStart + (dictionary.EncodedBytes - bytesBefore);
            if (_encoding == ParquetColumnEncoding.Dictionary || dictionaryCost < plain.Length)
            {
                _usedDictionary = true;
                return true;
            }
        }

        dictionary.Truncate(entriesBefore);
        _dictionaryActive = false;
        return false;
    }

    private static void PackBooleans(ReadOnlySpan<byte> values, ByteBuffer output)
    {
        var packed = output.Extend((values.Length + 7) / 8);
        packed.Clear();
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] != 0)
            {
                packed[i >> 3] |= (byte)(1 << (i & 7));
            }
        }
    }

    /// <summary>Compresses a page body and appends header plus body to <paramref name="output"/>; returns the uncompressed size counted with the header.</summary>
    private long WritePage(PageType type, ReadOnlySpan<byte> body, int values, int encoding, ByteBuffer output)
    {
        ReadOnlySpan<byte> stored = body;
        if (_options.Codec != ParquetCodec.Uncompressed)
        {
            _compressed.Clear();
            PageCompression.Compress(_options.Codec, body, _compressed, _options.GzipLevel);
            stored = _compressed.Span;
        }

        int headerStart = output.Length;
        MetadataWriter.WritePageHeader(
            new PageHeaderModel
            {
                Type = (int)type,
                UncompressedSize = body.Length,
                CompressedSize = stored.Length,
                NumValues = values,
                Encoding = encoding,
                DefinitionLevelEncoding = (int)ParquetEncoding.Rle,
                RepetitionLevelEncoding = (int)ParquetEncoding.Rle,
            },
            output);
        int headerLength = output.Length - headerStart;
        output.Write(stored);
        long uncompressed = headerLength + body.Length;
        if (type == PageType.DataPage)
        {
            _chunkUncompressed += uncompressed;
        }

        return uncompressed;
    }
}
