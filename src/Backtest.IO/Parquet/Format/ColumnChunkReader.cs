using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Backtest.IO.Parquet.Format;

/// <summary>
/// Decodes one column chunk: an optional dictionary page, then v1 data pages whose values are
/// PLAIN, RLE_DICTIONARY / PLAIN_DICTIONARY or (booleans) RLE, with RLE-hybrid definition
/// levels for optional columns. Every size read from the file is checked against the bytes
/// that hold it before it is used; faults are <see cref="InvalidDataException"/>s, and
/// <see cref="PageOffset"/> tells the caller which page was being read.
/// </summary>
internal sealed class ColumnChunkReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ParquetColumn _column;
    private readonly PhysicalType _physical;
    private readonly ParquetCodec _codec;
    private byte[] _pageBuffer = [];
    private int[] _scratch = [];
    private Array? _dictionary;
    private int _dictionaryCount;

    public ColumnChunkReader(ParquetColumn column, PhysicalType physical, ParquetCodec codec)
    {
        _column = column;
        _physical = physical;
        _codec = codec;
    }

    /// <summary>File offset of the page being decoded, for error messages.</summary>
    public long PageOffset { get; private set; }

    /// <summary>Decodes <paramref name="rows"/> values from the chunk's bytes, which start at file offset <paramref name="chunkOffset"/>.</summary>
    public ParquetColumnData Read(ReadOnlySpan<byte> chunk, long chunkOffset, int rows)
    {
        var values = ColumnArrays.Create(_column.Type, rows);
        bool[]? nulls = _column.Nullable ? new bool[rows] : null;
        int done = 0;
        int pos = 0;
        PageOffset = chunkOffset;
        while (done < rows)
        {
            PageOffset = chunkOffset + pos;
            if (pos >= chunk.Length)
            {
                throw new InvalidDataException($"column chunk ends after {done} of its {rows} values");
            }

            int headerLength = MetadataReader.ReadPageHeader(chunk[pos..], chunkOffset + pos, out var page);
            int bodyStart = pos + headerLength;
            if (page.CompressedSize > chunk.Length - bodyStart)
            {
                throw new InvalidDataException($"page of {page.CompressedSize} bytes runs past the end of its column chunk ({chunk.Length - bodyStart} bytes left)");
            }

            var stored = chunk.Slice(bodyStart, page.CompressedSize);
            pos = bodyStart + page.CompressedSize;
            switch ((PageType)page.Type)
            {
                case PageType.DictionaryPage:
                    if (!page.HasDictionaryHeader)
                    {
                        throw new InvalidDataException("dictionary page without its dictionary page header");
                    }

                    if (_dictionary is not null || done > 0)
                    {
                        throw new InvalidDataException("a dictionary page after the chunk's first page");
                    }

                    ReadDictionary(Decompress(stored, page), page);
                    break;
                case PageType.DataPage:
                    if (!page.HasDataHeader)
                    {
                        throw new InvalidDataException("data page without its data page header");
                    }

                    if (page.NumValues > rows - done)
                    {
                        throw new InvalidDataException($"data page holds {page.NumValues} values, more than the {rows - done} left in its column chunk");
                    }

                    ReadDataPage(Decompress(stored, page), page, values, nulls, done);
                    done += page.NumValues;
                    break;
                case PageType.IndexPage:
                    break;
                case PageType.DataPageV2:
                    throw new InvalidDataException("unsupported page type DATA_PAGE_V2 (only v1 data pages are read)");
                default:
                    throw new InvalidDataException($"bad page header: unknown page type {page.Type}");
            }
        }

        return new ParquetColumnData(_column, rows, values, nulls);
    }

    private ReadOnlySpan<byte> Decompress(ReadOnlySpan<byte> stored, PageHeaderModel page)
    {
        if (_codec == ParquetCodec.Uncompressed)
        {
            if (page.UncompressedSize != stored.Length)
            {
                throw new InvalidDataException($"uncompressed page declares {page.UncompressedSize} bytes but stores {stored.Length}");
            }

            return stored;
        }

        if (page.UncompressedSize > PageCompression.MaxUncompressedSize(_codec, stored.Length))
        {
            throw new InvalidDataException($"page declares {page.UncompressedSize} uncompressed bytes, more than {ParquetNames.Codec(_codec)} can expand {stored.Length} bytes to");
        }

        if (_pageBuffer.Length < page.UncompressedSize)
        {
            _pageBuffer = new byte[Math.Max(page.UncompressedSize, Math.Min(2 * _pageBuffer.Length, Array.MaxLength))];
        }

        var output = _pageBuffer.AsSpan(0, page.UncompressedSize);
        PageCompression.Decompress(_codec, stored, output);
        return output;
    }

    private void ReadDictionary(ReadOnlySpan<byte> body, PageHeaderModel page)
    {
        if (page.Encoding is not ((int)ParquetEncoding.Plain or (int)ParquetEncoding.PlainDictionary))
        {
            throw new InvalidDataException($"unsupported dictionary page encoding {ParquetNames.Encoding((ParquetEncoding)page.Encoding)}");
        }

        if (_physical == PhysicalType.Boolean)
        {
            throw new InvalidDataException("unsupported dictionary page for a BOOLEAN column");
        }

        int count = page.NumValues;
        if (count > MaxPlainValues(body.Length))
        {
            throw new InvalidDataException($"dictionary page declares {count} values in {body.Length} bytes");
        }

        _dictionary = PhysicalArray(count);
        _dictionaryCount = count;
        int used = DecodePlain(body, _dictionary, count);
        if (used > body.Length)
        {
            throw new InvalidDataException("dictionary values run past the end of their page");
        }
    }

    private void ReadDataPage(ReadOnlySpan<byte> body, PageHeaderModel page, Array values, bool[]? nulls, int start)
    {
        int count = page.NumValues;
        int nonNull = count;
        int pos = 0;
        if (_column.Nullable)
        {
            if (page.DefinitionLevelEncoding != (int)ParquetEncoding.Rle)
            {
                throw new InvalidDataException($"unsupported definition level encoding {ParquetNames.Encoding((ParquetEncoding)page.DefinitionLevelEncoding)}");
            }

            int length = ReadLength(body, ref pos, "definition levels");
            var levels = Scratch(count);
            RleHybrid.Decode(body.Slice(pos, length), 1, levels);
            pos += length;
            var mask = nulls.AsSpan(start, count);
            nonNull = 0;
            for (int i = 0; i < count; i++)
            {
                bool present = levels[i] != 0;
                mask[i] = !present;
                nonNull += present ? 1 : 0;
            }
        }

        var data = body[pos..];
        var dense = nonNull == count ? null : PhysicalArray(nonNull);
        var target = dense ?? values;
        int targetStart = dense is null ? start : 0;
        switch ((ParquetEncoding)page.Encoding)
        {
            case ParquetEncoding.Plain:
                if (nonNull > MaxPlainValues(data.Length))
                {
                    throw new InvalidDataException($"page declares {nonNull} PLAIN values in {data.Length} bytes");
                }

                DecodePlain(data, target, nonNull, targetStart);
                break;
            case ParquetEncoding.RleDictionary:
            case ParquetEncoding.PlainDictionary:
                DecodeDictionaryIndices(data, target, nonNull, targetStart);
                break;
            case ParquetEncoding.Rle when _physical == PhysicalType.Boolean:
            {
                int rlePos = 0;
                int length = ReadLength(data, ref rlePos, "RLE booleans");
                var bits = Scratch(nonNull);
                RleHybrid.Decode(data.Slice(rlePos, length), 1, bits);
                var output = ((bool[])target).AsSpan(targetStart, nonNull);
                for (int i = 0; i < nonNull; i++)
                {
                    output[i] = bits[i] != 0;
                }

                break;
            }

            default:
                throw new InvalidDataException($"unsupported encoding {ParquetNames.Encoding((ParquetEncoding)page.Encoding)} for {SchemaMapping.PhysicalName(_physical)} values");
        }

        if (dense is not null)
        {
            Scatter(dense, values, nulls.AsSpan(start, count), start);
        }
    }

    private void DecodeDictionaryIndices(ReadOnlySpan<byte> data, Array target, int count, int targetStart)
    {
        if (_dictionary is null)
        {
            throw new InvalidDataException("dictionary-encoded page but the chunk has no dictionary page");
        }

        if (count == 0)
        {
            return;
        }

        if (data.IsEmpty)
        {
            throw new InvalidDataException("dictionary-encoded page lacks its bit width");
        }

        var indices = Scratch(count);
        RleHybrid.Decode(data[1..], data[0], indices);
        foreach (int index in indices)
        {
            if ((uint)index >= (uint)_dictionaryCount)
            {
                throw new InvalidDataException($"dictionary index {(uint)index} is beyond the dictionary's {_dictionaryCount} entries");
            }
        }

        switch (target)
        {
            case long[] longs when _dictionary is long[] entries:
                Gather(entries, indices, longs.AsSpan(targetStart, count));
                break;
            case int[] ints when _dictionary is int[] entries:
                Gather(entries, indices, ints.AsSpan(targetStart, count));
                break;
            case double[] doubles when _dictionary is double[] entries:
                Gather(entries, indices, doubles.AsSpan(targetStart, count));
                break;
            case string?[] strings when _dictionary is string?[] entries:
                Gather(entries, indices, strings.AsSpan(targetStart, count));
                break;
            default:
                throw new InvalidDataException("dictionary type does not match the column");
        }
    }

    private static void Gather<T>(T[] entries, ReadOnlySpan<int> indices, Span<T> output)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            output[i] = entries[indices[i]];
        }
    }

    /// <summary>Decodes <paramref name="count"/> PLAIN values into <paramref name="target"/>; returns the bytes used.</summary>
    private int DecodePlain(ReadOnlySpan<byte> data, Array target, int count, int targetStart = 0)
    {
        switch (_physical)
        {
            case PhysicalType.Int64:
            case PhysicalType.Double:
                return CopyFixed<long>(data, target, count, targetStart);
            case PhysicalType.Int32:
                if (target is long[] widened)
                {
                    // DECIMAL stored as INT32: widen to the unscaled INT64 the codec reports.
                    var ints = MemoryMarshal.Cast<byte, int>(Need(data, 4L * count));
                    for (int i = 0; i < count; i++)
                    {
                        widened[targetStart + i] = ints[i];
                    }

                    return 4 * count;
                }

                return CopyFixed<int>(data, target, count, targetStart);
            case PhysicalType.Boolean:
            {
                var bits = Need(data, (count + 7L) / 8);
                var output = ((bool[])target).AsSpan(targetStart, count);
                for (int i = 0; i < count; i++)
                {
                    output[i] = (bits[i >> 3] & (1 << (i & 7))) != 0;
                }

                return bits.Length;
            }

            case PhysicalType.ByteArray:
            {
                var output = ((string?[])target).AsSpan(targetStart, count);
                int pos = 0;
                for (int i = 0; i < count; i++)
                {
                    int length = ReadLength(data, ref pos, "string");
                    try
                    {
                        output[i] = StrictUtf8.GetString(data.Slice(pos, length));
                    }
                    catch (DecoderFallbackException)
                    {
                        throw new InvalidDataException("a string value is not valid UTF-8");
                    }

                    pos += length;
                }

                return pos;
            }

            default:
                throw new InvalidDataException($"unsupported physical type {SchemaMapping.PhysicalName(_physical)}");
        }
    }

    private static int CopyFixed<T>(ReadOnlySpan<byte> data, Array target, int count, int targetStart)
        where T : unmanaged
    {
        int width = Marshal.SizeOf<T>();
        var source = Need(data, (long)width * count);
        var destination = MemoryMarshal.AsBytes(target switch
        {
            long[] a => MemoryMarshal.Cast<long, T>(a.AsSpan(targetStart, count)),
            double[] a => MemoryMarshal.Cast<double, T>(a.AsSpan(targetStart, count)),
            int[] a => MemoryMarshal.Cast<int, T>(a.AsSpan(targetStart, count)),
            _ => throw new InvalidDataException("value type does not match the column"),
        });
        source.CopyTo(destination);
        return source.Length;
    }

    private static void Scatter(Array dense, Array values, ReadOnlySpan<bool> nullMask, int start)
    {
        switch (values)
        {
            case long[] v:
                ScatterTyped((long[])dense, v.AsSpan(start, nullMask.Length), nullMask);
                break;
            case int[] v:
                ScatterTyped((int[])dense, v.AsSpan(start, nullMask.Length), nullMask);
                break;
            case double[] v:
                ScatterTyped((double[])dense, v.AsSpan(start, nullMask.Length), nullMask);
                break;
            case bool[] v:
                ScatterTyped((bool[])dense, v.AsSpan(start, nullMask.Length), nullMask);
                break;
            case string?[] v:
                ScatterTyped((string?[])dense, v.AsSpan(start, nullMask.Length), nullMask);
                break;
        }
    }

    private static void ScatterTyped<T>(T[] dense, Span<T> output, ReadOnlySpan<bool> nullMask)
    {
        int next = 0;
        for (int i = 0; i < output.Length; i++)
        {
            if (!nullMask[i])
            {
                output[i] = dense[next++];
            }
        }
    }

    /// <summary>An array of the physical values: DECIMAL on INT32 is widened to long like INT64.</summary>
    private Array PhysicalArray(int count) => _physical switch
    {
        PhysicalType.Int32 when _column.Type == ParquetType.Decimal => new long[count],
        _ => ColumnArrays.Create(_column.Type, count),
    };

    /// <summary>The most PLAIN values <paramref name="bytes"/> bytes can hold: a bound checked before sizing any array by a count from the file.</summary>
    private long MaxPlainValues(int bytes) => _physical switch
    {
        PhysicalType.Int64 or PhysicalType.Double => bytes / 8,
        PhysicalType.Int32 or PhysicalType.ByteArray => bytes / 4,
        _ => 8L * bytes,
    };

    private Span<int> Scratch(int count)
    {
        if (_scratch.Length < count)
        {
            _scratch = new int[count];
        }

        return _scratch.AsSpan(0, count);
    }

    private static int ReadLength(ReadOnlySpan<byte> data, ref int pos, string what)
    {
        if (data.Length - pos < 4)
        {
            throw new InvalidDataException($"{what} length runs past the end of the page");
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(data[pos..]);
        pos += 4;
        if (length < 0 || length > data.Length - pos)
        {
            throw new InvalidDataException($"{what} of {length} bytes runs past the end of the page ({data.Length - pos} bytes left)");
        }

        return length;
    }

    private static ReadOnlySpan<byte> Need(ReadOnlySpan<byte> data, long bytes) =>
        bytes <= data.Length ? data[..(int)bytes] : throw new InvalidDataException($"page needs {bytes} bytes of values but has {data.Length}");
}
