using System.Text;

namespace Backtest.IO.Parquet.Format;

/// <summary>Type codes of the Thrift compact protocol (thrift doc/specs/thrift-compact-protocol.md).</summary>
internal enum ThriftType : byte
{
    Stop = 0,
    BooleanTrue = 1,
    BooleanFalse = 2,
    Byte = 3,
    I16 = 4,
    I32 = 5,
    I64 = 6,
    Double = 7,
    Binary = 8,
    List = 9,
    Set = 10,
    Map = 11,
    Struct = 12,
    Uuid = 13,
}

/// <summary>
/// Writes Thrift compact-protocol structs: field headers carry the id as a delta from the
/// previous field of the same struct, integers are zigzag varints, binaries are
/// varint-length-prefixed. Callers write fields in increasing id order, as the short form needs.
/// </summary>
internal sealed class ThriftCompactWriter(ByteBuffer output)
{
    private readonly Stack<short> _enclosingLastIds = new();
    private short _lastId;

    public void BeginStruct()
    {
        _enclosingLastIds.Push(_lastId);
        _lastId = 0;
    }

    public void EndStruct()
    {
        output.WriteByte((byte)ThriftType.Stop);
        _lastId = _enclosingLastIds.Pop();
    }

    public void FieldI32(short id, int value)
    {
        FieldHeader(id, ThriftType.I32);
        I32(value);
    }

    public void FieldI64(short id, long value)
    {
        FieldHeader(id, ThriftType.I64);
        output.WriteUleb128(ZigZag(value));
    }

    public void FieldI16(short id, short value)
    {
        FieldHeader(id, ThriftType.I16);
        I32(value);
    }

    public void FieldBool(short id, bool value) => FieldHeader(id, value ? ThriftType.BooleanTrue : ThriftType.BooleanFalse);

    public void FieldBinary(short id, ReadOnlySpan<byte> value)
    {
        FieldHeader(id, ThriftType.Binary);
        Binary(value);
    }

    public void FieldString(short id, string value)
    {
        FieldHeader(id, ThriftType.Binary);
        String(value);
    }

    /// <summary>Starts a struct-valued field; follow with its fields and <see cref="EndStruct"/>.</summary>
    public void FieldStructBegin(short id)
    {
        FieldHeader(id, ThriftType.Struct);
        BeginStruct();
    }

    /// <summary>A union member or marker struct with no fields of its own.</summary>
    public void FieldEmptyStruct(short id)
    {
        FieldStructBegin(id);
        EndStruct();
    }

    public void FieldListBegin(short id, ThriftType elementType, int count)
    {
        FieldHeader(id, ThriftType.List);
        ListHeader(elementType, count);
    }

    public void ListHeader(ThriftType elementType, int count)
    {
        if (count < 15)
        {
            output.WriteByte((byte)((count << 4) | (byte)elementType));
        }
        else
        {
            output.WriteByte((byte)(0xF0 | (byte)elementType));
            output.WriteUleb128((uint)count);
        }
    }

    public void I32(int value) => output.WriteUleb128(ZigZag(value));

    public void String(string value)
    {
        int count = Encoding.UTF8.GetByteCount(value);
        output.WriteUleb128((uint)count);
        Encoding.UTF8.GetBytes(value, output.Extend(count));
    }

    public void Binary(ReadOnlySpan<byte> value)
    {
        output.WriteUleb128((uint)value.Length);
        output.Write(value);
    }

    private void FieldHeader(short id, ThriftType type)
    {
        int delta = id - _lastId;
        if (delta is > 0 and <= 15)
        {
            output.WriteByte((byte)((delta << 4) | (byte)type));
        }
        else
        {
            output.WriteByte((byte)type);
            output.WriteUleb128(ZigZag(id));
        }

        _lastId = id;
    }

    private static ulong ZigZag(long value) => (ulong)((value << 1) ^ (value >> 63));
}

/// <summary>
/// Reads Thrift compact-protocol structs from a byte span with every length checked against
/// the bytes that remain, so a corrupt length can neither read past the end nor ask for a
/// buffer larger than the input. Errors are <see cref="InvalidDataException"/> with the
/// offset of the fault; the Parquet reader adds the file and the place.
/// </summary>
internal ref struct ThriftCompactReader
{
    private const int MaxNesting = 64;
    private readonly ReadOnlySpan<byte> _data;
    private readonly long _baseOffset;
    private readonly Stack<short> _enclosingLastIds;
    private short _lastId;
    private bool _pendingBool;

    /// <param name="data">The bytes to read.</param>
    /// <param name="baseOffset">Offset of <paramref name="data"/> in the file, for error messages.</param>
    public ThriftCompactReader(ReadOnlySpan<byte> data, long baseOffset)
    {
        _data = data;
        _baseOffset = baseOffset;
        _enclosingLastIds = new Stack<short>();
        Position = 0;
        _lastId = 0;
        _pendingBool = false;
    }

    public int Position { get; private set; }

    public readonly int Remaining => _data.Length - Position;

    public readonly long FileOffset => _baseOffset + Position;

    public void BeginStruct()
    {
        if (_enclosingLastIds.Count >= MaxNesting)
        {
            throw Fail($"Thrift structs nested deeper than {MaxNesting}");
        }

        _enclosingLastIds.Push(_lastId);
        _lastId = 0;
    }

    public void EndStruct() => _lastId = _enclosingLastIds.Pop();

    /// <summary>Reads the next field header; returns false at the struct's stop byte.</summary>
    public bool NextField(out short id, out ThriftType type)
    {
        byte header = ReadByte();
        if (header == 0)
        {
            id = 0;
            type = ThriftType.Stop;
            return false;
        }

        type = (ThriftType)(header & 0x0F);
        int delta = header >> 4;
        if (delta != 0)
        {
            id = (short)(_lastId + delta);
        }
        else
        {
            int longFormId = ReadZigZag32();
            id = longFormId is < short.MinValue or > short.MaxValue ? throw Fail("field id out of range") : (short)longFormId;
        }

        if (type is ThriftType.BooleanTrue or ThriftType.BooleanFalse)
        {
            _pendingBool = type == ThriftType.BooleanTrue;
        }
        else if (type > ThriftType.Uuid || type == ThriftType.Stop)
        {
            throw Fail($"unknown Thrift field type {(int)type}");
        }

        _lastId = id;
        return true;
    }

    public int ReadI32(ThriftType type)
    {
        Expect(type, ThriftType.I32);
        return ReadZigZag32();
    }

    public short ReadI16(ThriftType type)
    {
        Expect(type, ThriftType.I16);
        int value = ReadZigZag32();
        return value is < short.MinValue or > short.MaxValue ? throw Fail("i16 out of range") : (short)value;
    }

    public sbyte ReadI8(ThriftType type)
    {
        Expect(type, ThriftType.Byte);
        return (sbyte)ReadByte();
    }

    public long ReadI64(ThriftType type)
    {
        Expect(type, ThriftType.I64);
        ulong raw = ReadVarint(10);
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    public bool ReadBool(ThriftType type)
    {
        if (type is not (ThriftType.BooleanTrue or ThriftType.BooleanFalse))
        {
            throw Fail($"expected a bool field, found Thrift type {type}");
        }

        return _pendingBool;
    }

    public ReadOnlySpan<byte> ReadBinary(ThriftType type)
    {
        Expect(type, ThriftType.Binary);
        return ReadBinaryValue();
    }

    public string ReadString(ThriftType type)
    {
        var bytes = ReadBinary(type);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Fail("a Thrift string is not valid UTF-8");
        }
    }

    /// <summary>Reads a list header; the count is checked against the remaining bytes (every element takes at least one).</summary>
    public int ReadListHeader(ThriftType fieldType, out ThriftType elementType)
    {
        Expect(fieldType, ThriftType.List);
        return ReadCollectionHeader(out elementType);
    }

    public string ReadStringElement()
    {
        var bytes = ReadBinaryValue();
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Fail("a Thrift string is not valid UTF-8");
        }
    }

    public int ReadI32Element() => ReadZigZag32();

    public void ExpectElement(ThriftType actual, ThriftType expected)
    {
        if (actual != expected)
        {
            throw Fail($"expected list elements of Thrift type {expected}, found {actual}");
        }
    }

    /// <summary>Skips a value of the given type, recursing into containers with a depth limit.</summary>
    public void Skip(ThriftType type) => Skip(type, 0);

    /// <summary>An error whose <c>Data["offset"]</c> is the file offset reached.</summary>
    public readonly InvalidDataException Fail(string reason) => new(reason) { Data = { ["offset"] = FileOffset } };

    private void Skip(ThriftType type, int depth)
    {
        if (depth > MaxNesting)
        {
            throw Fail($"Thrift values nested deeper than {MaxNesting}");
        }

        switch (type)
        {
            case ThriftType.BooleanTrue:
            case ThriftType.BooleanFalse:
                return;
            case ThriftType.Byte:
                ReadByte();
                return;
            case ThriftType.I16:
            case ThriftType.I32:
                ReadVarint(5);
                return;
            case ThriftType.I64:
                ReadVarint(10);
                return;
            case ThriftType.Double:
                Take(8);
                return;
            case ThriftType.Uuid:
                Take(16);
                return;
            case ThriftType.Binary:
                ReadBinaryValue();
                return;
            case ThriftType.List:
            case ThriftType.Set:
            {
                int count = ReadCollectionHeader(out var element);
                for (int i = 0; i < count; i++)
                {
                    SkipElement(element, depth + 1);
                }

                return;
            }

            case ThriftType.Map:
            {
                uint count = (uint)ReadVarint(5);
                if (count == 0)
                {
                    return;
                }

                if (count > (uint)Remaining)
                {
                    throw Fail($"Thrift map of {count} entries exceeds the {Remaining} bytes left");
                }

                byte kinds = ReadByte();
                for (uint i = 0; i < count; i++)
                {
                    SkipElement((ThriftType)(kinds >> 4), depth + 1);
                    SkipElement((ThriftType)(kinds & 0x0F), depth + 1);
                }

                return;
            }

            case ThriftType.Struct:
            {
                BeginStruct();
                while (NextField(out _, out var fieldType))
                {
                    Skip(fieldType, depth + 1);
                }

                EndStruct();
                return;
            }

            default:
                throw Fail($"unknown Thrift type {(int)type}");
        }
    }

    private void SkipElement(ThriftType element, int depth)
    {
        // Inside containers a bool is one byte, not folded into a field header.
        if (element is ThriftType.BooleanTrue or ThriftType.BooleanFalse)
        {
            ReadByte();
        }
        else
        {
            Skip(element, depth);
        }
    }

    private int ReadCollectionHeader(out ThriftType elementType)
    {
        byte header = ReadByte();
        elementType = (ThriftType)(header & 0x0F);
        int count = header >> 4;
        if (count == 15)
        {
            ulong large = ReadVarint(5);
            if (large > int.MaxValue)
            {
                throw Fail("Thrift list size beyond 2^31");
            }

            count = (int)large;
        }

        if (count > Remaining)
        {
            throw Fail($"Thrift list of {count} elements exceeds the {Remaining} bytes left");
        }

        return count;
    }

    private ReadOnlySpan<byte> ReadBinaryValue()
    {
        ulong length = ReadVarint(5);
        if (length > (ulong)Remaining)
        {
            throw Fail($"Thrift binary of {length} bytes exceeds the {Remaining} bytes left");
        }

        return Take((int)length);
    }

    private void Expect(ThriftType actual, ThriftType expected)
    {
        if (actual != expected)
        {
            throw Fail($"expected Thrift type {expected}, found {actual}");
        }
    }

    private int ReadZigZag32()
    {
        ulong raw = ReadVarint(5);
        if (raw > uint.MaxValue)
        {
            throw Fail("i32 varint out of range");
        }

        uint u = (uint)raw;
        return (int)(u >> 1) ^ -(int)(u & 1);
    }

    private ulong ReadVarint(int maxBytes)
    {
        ulong result = 0;
        for (int i = 0; i < maxBytes; i++)
        {
            byte b = ReadByte();
            result |= (ulong)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                return result;
            }
        }

        throw Fail("varint longer than its type allows");
    }

    private byte ReadByte()
    {
        if (Position >= _data.Length)
        {
            throw Fail("Thrift data ends early");
        }

        return _data[Position++];
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining)
        {
            throw Fail("Thrift data ends early");
        }

        var slice = _data.Slice(Position, count);
        Position += count;
        return slice;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
