namespace Backtest.IO.Parquet.Format;

/// <summary>
/// The RLE / bit-packing hybrid of the Parquet format (parquet-format Encodings.md, "Run Length
/// Encoding / Bit-Packing Hybrid"; rle-bitpacked.md). A stream is a sequence of runs, each led by
/// a ULEB128 header: an even header h is an RLE run of h/2 copies of one value stored in
/// ceil(bitWidth/8) little-endian bytes; an odd header h is a bit-packed run of (h/2)·8 values,
/// packed least-significant bit first. Used for definition levels, dictionary indices and
/// RLE-encoded booleans.
/// </summary>
internal static class RleHybrid
{
    /// <summary>Bits needed for values 0..<paramref name="maxValue"/>.</summary>
    public static int BitWidth(int maxValue) => maxValue <= 0 ? 0 : 32 - int.LeadingZeroCount(maxValue);

    /// <summary>
    /// Encodes <paramref name="values"/> (each below 2^bitWidth). Runs of eight or more equal values
    /// become RLE runs; everything else is bit-packed in groups of eight, the last group padded
    /// with zeros (readers take only the values they expect).
    /// </summary>
    public static void Encode(ReadOnlySpan<int> values, int bitWidth, ByteBuffer output)
    {
        int n = values.Length;
        int pos = 0;
        while (pos < n)
        {
            int run = RunLength(values, pos);
            if (run >= 8)
            {
                WriteRleRun(values[pos], run, bitWidth, output);
                pos += run;
                continue;
            }

            int start = pos;
            do
            {
                pos += 8;
            }
            while (pos < n && RunLength(values, pos) < 8);

            int count = Math.Min(pos, n) - start;
            WriteBitPackedRun(values.Slice(start, count), bitWidth, output);
            pos = Math.Min(pos, n);
        }
    }

    /// <summary>Writes <paramref name="count"/> copies of one value as a single RLE run.</summary>
    public static void WriteRleRun(int value, int count, int bitWidth, ByteBuffer output)
    {
        output.WriteUleb128((ulong)(uint)count << 1);
        int valueBytes = (bitWidth + 7) / 8;
        for (int b = 0; b < valueBytes; b++)
        {
            output.WriteByte((byte)(value >> (8 * b)));
        }
    }

    /// <summary>Bit-packs values LSB first (Encodings.md, point 1), as whole groups of eight.</summary>
    public static void WriteBitPackedRun(ReadOnlySpan<int> values, int bitWidth, ByteBuffer output)
    {
        int groups = (values.Length + 7) / 8;
        output.WriteUleb128(((ulong)(uint)groups << 1) | 1);
        var body = output.Extend(groups * bitWidth);
        body.Clear();
        ulong accumulator = 0;
        int bits = 0;
        int written = 0;
        for (int i = 0; i < groups * 8; i++)
        {
            ulong v = i < values.Length ? (uint)values[i] : 0u;
            accumulator |= v << bits;
            bits += bitWidth;
            while (bits >= 8)
            {
                body[written++] = (byte)accumulator;
                accumulator >>= 8;
                bits -= 8;
            }
        }
    }

    /// <summary>
    /// Decodes exactly <paramref name="output"/>.Length values from <paramref name="data"/>.
    /// Throws <see cref="InvalidDataException"/> when the runs end before that many values, a run's
    /// body runs past the data, or the bit width is above 32.
    /// </summary>
    public static void Decode(ReadOnlySpan<byte> data, int bitWidth, Span<int> output)
    {
        if (bitWidth is < 0 or > 32)
        {
            throw new InvalidDataException($"RLE/bit-packed bit width {bitWidth} is outside 0..32");
        }

        int pos = 0;
        int produced = 0;
        int valueBytes = (bitWidth + 7) / 8;
        while (produced < output.Length)
        {
            if (pos >= data.Length)
            {
                throw new InvalidDataException($"RLE/bit-packed data ends after {produced} of {output.Length} values");
            }

            ulong header = ReadUleb128(data, ref pos);
            if ((header & 1) == 0)
            {
                ulong repeat = header >> 1;
                if (valueBytes > data.Length - pos)
                {
                    throw new InvalidDataException("RLE run value runs past the end of its data");
                }

                uint value = 0;
                for (int b = 0; b < valueBytes; b++)
                {
                    value |= (uint)data[pos + b] << (8 * b);
                }

                pos += valueBytes;
                if (bitWidth < 32 && value >> bitWidth != 0)
                {
                    throw new InvalidDataException($"RLE run value {value} does not fit bit width {bitWidth}");
                }

                int take = (int)Math.Min(repeat, (ulong)(output.Length - produced));
                output.Slice(produced, take).Fill((int)value);
                produced += take;
            }
            else
            {
                ulong groups = header >> 1;
                ulong bodyBytes = groups * (ulong)bitWidth;
                if (groups > int.MaxValue || bodyBytes > (ulong)(data.Length - pos))
                {
                    throw new InvalidDataException("bit-packed run runs past the end of its data");
                }

                int values = (int)Math.Min(groups * 8, (ulong)(output.Length - produced));
                Unpack(data.Slice(pos, (int)bodyBytes), bitWidth, output.Slice(produced, values));
                produced += values;
                pos += (int)bodyBytes;
            }
        }
    }

    /// <summary>Reads a ULEB128 of at most 10 bytes; also used for the Snappy preamble and page lengths.</summary>
    public static ulong ReadUleb128(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length)
            {
                throw new InvalidDataException("varint runs past the end of its data");
            }

            byte b = data[pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new InvalidDataException("varint longer than 10 bytes");
    }

    private static void Unpack(ReadOnlySpan<byte> body, int bitWidth, Span<int> output)
    {
        if (bitWidth == 0)
        {
            output.Clear();
            return;
        }

        ulong mask = bitWidth == 32 ? uint.MaxValue : (1UL << bitWidth) - 1;
        ulong accumulator = 0;
        int bits = 0;
        int read = 0;
        for (int i = 0; i < output.Length; i++)
        {
            while (bits < bitWidth)
            {
                accumulator |= (ulong)body[read++] << bits;
                bits += 8;
            }

            output[i] = (int)(uint)(accumulator & mask);
            accumulator >>= bitWidth;
            bits -= bitWidth;
        }
    }

    private static int RunLength(ReadOnlySpan<int> values, int start)
    {
        int v = values[start];
        int end = start + 1;
        while (end < values.Length && values[end] == v)
        {
            end++;
        }

        return end - start;
    }
}
