using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backtest.IO.Parquet.Format;

/// <summary>
/// A growable byte buffer that keeps its array across <see cref="Clear"/>, so a writer that
/// reuses it for every page and row group holds at most its peak size, never more.
/// </summary>
internal sealed class ByteBuffer
{
    private byte[] _data;

    public ByteBuffer(int initialCapacity = 256) => _data = new byte[Math.Max(16, initialCapacity)];

    public int Length { get; private set; }

    /// <summary>Bytes held by the underlying array (what this buffer costs in memory).</summary>
    public int Capacity => _data.Length;

    public ReadOnlySpan<byte> Span => _data.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _data.AsMemory(0, Length);

    public byte[] RawArray => _data;

    public void Clear() => Length = 0;

    /// <summary>Returns a span of <paramref name="count"/> writable bytes at the end and counts them as written.</summary>
    public Span<byte> Extend(int count)
    {
        EnsureRoom(count);
        var span = _data.AsSpan(Length, count);
        Length += count;
        return span;
    }

    /// <summary>Returns writable room for at least <paramref name="count"/> bytes without counting them; pair with <see cref="Advance"/>.</summary>
    public Span<byte> GetRoom(int count)
    {
        EnsureRoom(count);
        return _data.AsSpan(Length);
    }

    public void Advance(int count) => Length += count;

    /// <summary>Drops everything after the first <paramref name="length"/> bytes.</summary>
    public void Truncate(int length) => Length = length;

    public void Write(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Extend(bytes.Length));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteByte(byte value)
    {
        if (Length == _data.Length)
        {
            EnsureRoom(1);
        }

        _data[Length++] = value;
    }

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32LittleEndian(Extend(4), value);

    public void WriteUnmanaged<T>(ReadOnlySpan<T> values)
        where T : unmanaged => Write(MemoryMarshal.AsBytes(values));

    public void WriteUleb128(ulong value)
    {
        while (value >= 0x80)
        {
            WriteByte((byte)(value | 0x80));
            value >>= 7;
        }

        WriteByte((byte)value);
    }

    private void EnsureRoom(int count)
    {
        long needed = (long)Length + count;
        if (needed <= _data.Length)
        {
            return;
        }

        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException($"a Parquet buffer would exceed {Array.MaxLength} bytes; write smaller row groups");
        }

        long grown = Math.Max(needed, Math.Min((long)_data.Length * 2, Array.MaxLength));
        Array.Resize(ref _data, (int)grown);
    }
}
