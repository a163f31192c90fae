using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Backtest.IO.Parquet.Format;

/// <summary>
/// A column chunk's dictionary: distinct values in first-seen order, kept as their PLAIN
/// encoding so the entries buffer is the dictionary page body as it stands. Values are keyed by
/// their encoded bytes, so doubles are told apart bit for bit (−0.0 from +0.0, NaN payloads).
/// Open addressing with linear probing; <see cref="Truncate"/> drops the newest entries when a
/// page falls back to PLAIN.
/// </summary>
internal sealed class ValueDictionary
{
    private readonly int _fixedWidth;
    private readonly ByteBuffer _entries = new(4096);
    private int[] _offsets = new int[256];
    private int[] _hashes = new int[256];
    private int[] _slots = new int[512];
    private ulong[] _keys = new ulong[256];
    private readonly byte[] _scratch = new byte[8];
    private ulong _lastKey;
    private int _lastIndex = -1;

    /// <param name="fixedWidth">Bytes per value (4 or 8), or 0 for length-prefixed byte arrays.</param>
    public ValueDictionary(int fixedWidth) => _fixedWidth = fixedWidth;

    public int Count { get; private set; }

    /// <summary>Size of the PLAIN-encoded entries: the dictionary page body.</summary>
    public int EncodedBytes => _entries.Length;

    public ReadOnlySpan<byte> Encoded => _entries.Span;

    public long RetainedBytes => _entries.Capacity + (4L * (_offsets.Length + _hashes.Length + _slots.Length)) + (8L * _keys.Length);

    public void Clear()
    {
        Count = 0;
        _lastIndex = -1;
        _entries.Clear();
        Array.Clear(_slots);
    }

    /// <summary>The index of <paramref name="encoded"/> (one PLAIN-encoded value), adding it if new.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetOrAdd(ReadOnlySpan<byte> encoded)
    {
        int hash = Hash(encoded);
        int mask = _slots.Length - 1;
        int slot = hash & mask;
        while (true)
        {
            int entry = _slots[slot] - 1;
            if (entry < 0)
            {
                return Add(encoded, hash, slot);
            }

            if (_hashes[entry] == hash && Entry(entry).SequenceEqual(encoded))
            {
                return entry;
            }

            slot = (slot + 1) & mask;
        }
    }

    /// <summary>
    /// The index of a fixed-width value given as its raw bits (<paramref name="key"/>, the value's
    /// PLAIN bytes read little-endian), adding it if new. Equal bits are one entry, so this agrees
    /// with <see cref="GetOrAdd"/>; repeats of the previous value are answered without hashing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int GetOrAddFixed(ulong key)
    {
        if (key == _lastKey && _lastIndex >= 0)
        {
            return _lastIndex;
        }

        int hash = Mix(key);
        int mask = _slots.Length - 1;
        int slot = hash & mask;
        int entry;
        while ((entry = _slots[slot] - 1) >= 0 && _keys[entry] != key)
        {
            slot = (slot + 1) & mask;
        }

        if (entry < 0)
        {
            entry = AddFixed(key, hash, slot);
        }

        _lastKey = key;
        _lastIndex = entry;
        return entry;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private int AddFixed(ulong key, int hash, int slot)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_scratch, key);
        return Add(_scratch.AsSpan(0, _fixedWidth), hash, slot);
    }

    /// <summary>Keeps only the first <paramref name="count"/> entries.</summary>
    public void Truncate(int count)
    {
        if (count >= Count)
        {
            return;
        }

        _entries.Truncate(count == 0 ? 0 : _offsets[count]);
        Count = count;
        _lastIndex = -1;
        Rehash(_slots.Length);
    }

    private ReadOnlySpan<byte> Entry(int index)
    {
        int start = _offsets[index];
        int end = index + 1 < Count ? _offsets[index + 1] : _entries.Length;
        return _entries.Span[start..end];
    }

    private int Add(ReadOnlySpan<byte> encoded, int hash, int slot)
    {
        int index = Count;
        if (index == _offsets.Length)
        {
            Array.Resize(ref _offsets, index * 2);
            Array.Resize(ref _hashes, index * 2);
            Array.Resize(ref _keys, index * 2);
        }

        if (_fixedWidth > 0)
        {
            _keys[index] = _fixedWidth == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(encoded) : BinaryPrimitives.ReadUInt32LittleEndian(encoded);
        }

        _offsets[index] = _entries.Length;
        _hashes[index] = hash;
        _entries.Write(encoded);
        _slots[slot] = index + 1;
        Count = index + 1;
        if (Count * 2 > _slots.Length)
        {
            Rehash(_slots.Length * 2);
        }

        return index;
    }

    private void Rehash(int size)
    {
        if (_slots.Length != size)
        {
            _slots = new int[size];
        }
        else
        {
            Array.Clear(_slots);
        }

        int mask = size - 1;
        for (int i = 0; i < Count; i++)
        {
            int slot = _hashes[i] & mask;
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            _slots[slot] = i + 1;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Hash(ReadOnlySpan<byte> encoded)
    {
        ulong key = _fixedWidth switch
        {
            8 => BinaryPrimitives.ReadUInt64LittleEndian(encoded),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(encoded),
            _ => (ulong)ByteArrayHash(encoded),
        };
        return Mix(key);
    }

    /// <summary>
    /// A full 64-bit avalanche (the MurmurHash3 finaliser's constants), so keys whose low bits are
    /// all zero — integral doubles, round amounts — still spread over the table's low bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Mix(ulong key)
    {
        key ^= key >> 33;
        key *= 0xFF51AFD7ED558CCDUL;
        key ^= key >> 33;
        key *= 0xC4CEB9FE1A85EC53UL;
        key ^= key >> 33;
        return (int)key;
    }

    private static int ByteArrayHash(ReadOnlySpan<byte> bytes)
    {
        var hash = default(HashCode);
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }
}
