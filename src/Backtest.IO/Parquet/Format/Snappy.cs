using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Backtest.IO.Parquet.Format;

/// <summary>
/// The Snappy block format, written from its format description (google/snappy
/// format_description.txt): a ULEB128 uncompressed length, then elements whose tag byte's low
/// two bits say literal (00), copy with a 1-byte offset (01, length 4..11, offset below 2048),
/// copy with a 2-byte offset (10, length 1..64) or copy with a 4-byte offset (11). A copy may
/// overlap the bytes it produces (offset below length), which repeats a pattern.
/// </summary>
internal static class Snappy
{
    private const int BlockSize = 1 << 16;
    private const int HashBits = 14;
    private const int MinMatch = 4;

    /// <summary>An upper bound of the compressed size of <paramref name="length"/> input bytes.</summary>
    public static int MaxCompressedLength(int length) => 32 + length + (length / 6);

    /// <summary>
    /// Compresses <paramref name="input"/> and appends the stream to <paramref name="output"/>.
    /// Matching is greedy with a hash of the next four bytes, within 64 KiB blocks so every
    /// offset fits the two-byte copy form; long runs without matches are skipped over faster.
    /// </summary>
    public static void Compress(ReadOnlySpan<byte> input, ByteBuffer output)
    {
        var room = output.GetRoom(MaxCompressedLength(input.Length));
        int o = WriteVarint(room, (uint)input.Length);
        Span<ushort> table = stackalloc ushort[1 << HashBits];
        for (int blockStart = 0; blockStart < input.Length; blockStart += BlockSize)
        {
            var block = input.Slice(blockStart, Math.Min(BlockSize, input.Length - blockStart));
            o = CompressBlock(block, room, o, table);
        }

        output.Advance(o);
    }

    /// <summary>
    /// Decompresses a whole Snappy stream whose preamble must declare exactly
    /// <paramref name="expectedLength"/> bytes. Every tag, length and offset is checked, so
    /// corrupt input gives <see cref="InvalidDataException"/>, never an out-of-range read.
    /// </summary>
    public static void Decompress(ReadOnlySpan<byte> input, Span<byte> output, int expectedLength)
    {
        int ip = 0;
        ulong declared = RleHybrid.ReadUleb128(input, ref ip);
        if (declared != (ulong)expectedLength || output.Length < expectedLength)
        {
            throw new InvalidDataException($"Snappy stream declares {declared} bytes where the page header says {expectedLength}");
        }

        int op = 0;
        while (ip < input.Length)
        {
            byte tag = input[ip++];
            switch (tag & 3)
            {
                case 0:
                {
                    long length = (tag >> 2) + 1;
                    if (length > 60)
                    {
                        int lengthBytes = (int)length - 60;
                        if (lengthBytes > input.Length - ip)
                        {
                            throw new InvalidDataException("Snappy literal length runs past the end of the stream");
                        }

                        length = 0;
                        for (int b = 0; b < lengthBytes; b++)
                        {
                            length |= (long)input[ip + b] << (8 * b);
                        }

                        length += 1;
                        ip += lengthBytes;
                    }

                    if (length > input.Length - ip || length > expectedLength - op)
                    {
                        throw new InvalidDataException($"Snappy literal of {length} bytes runs past the end of the stream or the output");
                    }

                    input.Slice(ip, (int)length).CopyTo(output[op..]);
                    ip += (int)length;
                    op += (int)length;
                    break;
                }

                case 1:
                {
                    if (ip >= input.Length)
                    {
                        throw new InvalidDataException("Snappy copy runs past the end of the stream");
                    }

                    int length = ((tag >> 2) & 7) + 4;
                    int offset = ((tag >> 5) << 8) | input[ip++];
                    op = Copy(output, op, offset, length, expectedLength);
                    break;
                }

                case 2:
                {
                    if (input.Length - ip < 2)
                    {
                        throw new InvalidDataException("Snappy copy runs past the end of the stream");
                    }

                    int offset = BinaryPrimitives.ReadUInt16LittleEndian(input[ip..]);
                    ip += 2;
                    op = Copy(output, op, offset, (tag >> 2) + 1, expectedLength);
                    break;
                }

                default:
                {
                    if (input.Length - ip < 4)
                    {
                        throw new InvalidDataException("Snappy copy runs past the end of the stream");
                    }

                    uint offset = BinaryPrimitives.ReadUInt32LittleEndian(input[ip..]);
                    ip += 4;
                    op = Copy(output, op, offset > int.MaxValue ? int.MaxValue : (int)offset, (tag >> 2) + 1, expectedLength);
                    break;
                }
            }
        }

        if (op != expectedLength)
        {
            throw new InvalidDataException($"Snappy stream yields {op} bytes where it declares {expectedLength}");
        }
    }

    private static int Copy(Span<byte> output, int op, int offset, int length, int limit)
    {
        if (offset == 0 || offset > op)
        {
            throw new InvalidDataException($"Snappy copy offset {offset} is not within the {op} bytes produced so far");
        }

        if (length > limit - op)
        {
            throw new InvalidDataException($"Snappy copy of {length} bytes runs past the declared length");
        }

        int from = op - offset;
        if (offset >= length)
        {
            output.Slice(from, length).CopyTo(output[op..]);
        }
        else
        {
            // Overlapping: each byte may be one this copy has just written.
            for (int i = 0; i < length; i++)
            {
                output[op + i] = output[from + i];
            }
        }

        return op + length;
    }

    private static int CompressBlock(ReadOnlySpan<byte> block, Span<byte> output, int o, Span<ushort> table)
    {
        int n = block.Length;
        int literalStart = 0;
        if (n >= MinMatch + 4)
        {
            table.Clear();
            int limit = n - MinMatch;
            int pos = 0;
            int misses = 0;
            while (pos <= limit)
            {
                uint current = BinaryPrimitives.ReadUInt32LittleEndian(block[pos..]);
                int hash = Hash(current);
                int candidate = table[hash];
                table[hash] = (ushort)pos;
                if (candidate >= pos || BinaryPrimitives.ReadUInt32LittleEndian(block[candidate..]) != current)
                {
                    // After many misses in a row the data is probably incompressible: step further.
                    pos += 1 + (misses++ >> 5);
                    continue;
                }

                misses = 0;
                int length = MatchLength(block, candidate, pos);

                o = EmitLiteral(block[literalStart..pos], output, o);
                o = EmitCopy(pos - candidate, length, output, o);
                pos += length;
                literalStart = pos;
                if (pos <= limit && pos >= 2)
                {
                    // Index the positions just behind the match so the next one can find them.
                    table[Hash(BinaryPrimitives.ReadUInt32LittleEndian(block[(pos - 1)..]))] = (ushort)(pos - 1);
                }
            }
        }

        return EmitLiteral(block[literalStart..], output, o);
    }

    /// <summary>How far the bytes at <paramref name="pos"/> repeat those at <paramref name="candidate"/> (at least four, already known equal).</summary>
    private static int MatchLength(ReadOnlySpan<byte> block, int candidate, int pos)
    {
        int n = block.Length;
        int length = MinMatch;
        while (pos + length + 8 <= n)
        {
            ulong difference = BinaryPrimitives.ReadUInt64LittleEndian(block[(candidate + length)..]) ^
                               BinaryPrimitives.ReadUInt64LittleEndian(block[(pos + length)..]);
            if (difference != 0)
            {
                return length + (System.Numerics.BitOperations.TrailingZeroCount(difference) >> 3);
            }

            length += 8;
        }

        while (pos + length < n && block[candidate + length] == block[pos + length])
        {
            length++;
        }

        return length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(uint fourBytes) => (int)((fourBytes * 0x1E35A7BDu) >> (32 - HashBits));

    private static int EmitLiteral(ReadOnlySpan<byte> literal, Span<byte> output, int o)
    {
        if (literal.IsEmpty)
        {
            return o;
        }

        int n = literal.Length - 1;
        if (n < 60)
        {
            output[o++] = (byte)(n << 2);
        }
        else
        {
            int lengthBytes = n < 1 << 8 ? 1 : n < 1 << 16 ? 2 : n < 1 << 24 ? 3 : 4;
            output[o++] = (byte)((59 + lengthBytes) << 2);
            for (int b = 0; b < lengthBytes; b++)
            {
                output[o++] = (byte)(n >> (8 * b));
            }
        }

        literal.CopyTo(output[o..]);
        return o + literal.Length;
    }

    private static int EmitCopy(int offset, int length, Span<byte> output, int o)
    {
        // Split long matches into 64-byte copies, keeping at least 4 bytes for the final element.
        while (length >= 68)
        {
            o = EmitCopyUpTo64(offset, 64, output, o);
            length -= 64;
        }

        if (length > 64)
        {
            o = EmitCopyUpTo64(offset, 60, output, o);
            length -= 60;
        }

        return EmitCopyUpTo64(offset, length, output, o);
    }

    private static int EmitCopyUpTo64(int offset, int length, Span<byte> output, int o)
    {
        if (length is >= 4 and <= 11 && offset < 2048)
        {
            output[o++] = (byte)(1 | ((length - 4) << 2) | ((offset >> 8) << 5));
            output[o++] = (byte)offset;
        }
        else
        {
            output[o++] = (byte)(2 | ((length - 1) << 2));
            output[o++] = (byte)offset;
            output[o++] = (byte)(offset >> 8);
        }

        return o;
    }

    private static int WriteVarint(Span<byte> output, uint value)
    {
        int o = 0;
        while (value >= 0x80)
        {
            output[o++] = (byte)(value | 0x80);
            value >>= 7;
        }

        output[o++] = (byte)value;
        return o;
    }
}
