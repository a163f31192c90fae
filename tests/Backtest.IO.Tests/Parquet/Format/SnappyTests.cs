using System.Text;
using Backtest.IO.Parquet.Format;

namespace Backtest.IO.Tests.Parquet.Format;

public class SnappyTests
{
    private static byte[] Compress(ReadOnlySpan<byte> input)
    {
        var output = new ByteBuffer();
        Snappy.Compress(input, output);
        return output.Span.ToArray();
    }

    private static byte[] Decompress(byte[] stream, int length)
    {
        var output = new byte[length];
        Snappy.Decompress(stream, output, length);
        return output;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(61)]
    [InlineData(65_536)]
    [InlineData(200_003)]
    public void RandomDataRoundTripsWithoutGrowingPastTheBound(int length)
    {
        var input = new byte[length];
        new Random(length).NextBytes(input);
        var stream = Compress(input);
        Assert.True(stream.Length <= Snappy.MaxCompressedLength(length));
        Assert.Equal(input, Decompress(stream, length));
    }

    [Fact]
    public void RepetitiveDataCompressesWellAndRoundTrips()
    {
        var text = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 20_000).Select(i => $"path {i % 50} step {i % 7};")));
        var zeros = new byte[300_000];
        long[] walk = [.. Enumerable.Range(0, 40_000).Select(i => 1_000_000_000L + (i / 100))];
        var walkBytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(walk.AsSpan()).ToArray();
        // Ratios: 64-byte copies at three bytes each are the densest form, so zeros near 1/21;
        // the slowly walking integers repeat 8-byte patterns; the text repeats short phrases.
        foreach (var (input, ratio) in new[] { (text, 3), (zeros, 20), (walkBytes, 4) })
        {
            var stream = Compress(input);
            Assert.Equal(input, Decompress(stream, input.Length));
            Assert.True(stream.Length < input.Length / ratio, $"{stream.Length} of {input.Length} bytes");
        }
    }

    [Fact]
    public void DecodesHandBuiltStreamsWithEveryTagType()
    {
        // Literal "abcd" (tag 000011_00), then a 1-byte-offset copy (tag 01): length 4, offset 4.
        Assert.Equal("abcdabcd", Ascii(Decompress([8, 0b0000_1100, .. "abcd"u8, 0b000_000_01, 4], 8)));

        // 2-byte-offset copy (tag 10): length 6 (5 << 2), offset 3, little-endian.
        Assert.Equal("xyzxyzxyz", Ascii(Decompress([9, 0b0000_1000, .. "xyz"u8, (5 << 2) | 2, 3, 0], 9)));

        // 4-byte-offset copy (tag 11): length 3, offset 2.
        Assert.Equal("hihih", Ascii(Decompress([5, 0b0000_0100, .. "hi"u8, (2 << 2) | 3, 2, 0, 0, 0], 5)));

        // 1-byte-offset copy whose offset uses the tag's top three bits: offset 256 + 4 = 260.
        var prefix = Enumerable.Range(0, 260).Select(i => (byte)i).ToArray();
        byte[] longOffset = [.. Varint(264), 61 << 2 /* length-1 in two bytes */, 0x03, 0x01, .. prefix, 0b001_000_01, 4];
        Assert.Equal(prefix.Concat(prefix[..4]), Decompress(longOffset, 264));

        // Literal lengths stored after the tag in 1, 2, 3 and 4 bytes (tag values 60..63).
        foreach (int lengthBytes in new[] { 1, 2, 3, 4 })
        {
            int length = lengthBytes == 1 ? 200 : 300;
            var literal = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();
            var lengthField = BitConverter.GetBytes(literal.Length - 1)[..lengthBytes];
            byte[] stream = [.. Varint(length), (byte)((59 + lengthBytes) << 2), .. lengthField, .. literal];
            Assert.Equal(literal, Decompress(stream, length));
        }
    }

    [Fact]
    public void OverlappingCopiesRepeatTheBytesTheyWrite()
    {
        // The format description's example: "xababab" = literal "xab", copy offset 2 length 4.
        Assert.Equal("xababab", Ascii(Decompress([7, 0b0000_1000, .. "xab"u8, 0b000_000_01, 2], 7)));

        // Offset 1 turns one byte into a run: "a" then 63 more of it via a 2-byte-offset copy.
        Assert.Equal(new string('a', 64), Ascii(Decompress([64, 0, (byte)'a', (62 << 2) | 2, 1, 0], 64)));
    }

    [Theory]
    [InlineData(new byte[] { 4, 0b0000_0100, (byte)'a', (byte)'b', 0b000_000_01, 0 }, 4)] // copy offset 0
    [InlineData(new byte[] { 6, 0b0000_0100, (byte)'a', (byte)'b', 0b000_000_01, 3 }, 6)] // offset beyond the output so far
    [InlineData(new byte[] { 5, 0b0001_0000, (byte)'a', (byte)'b' }, 5)] // literal runs past the input
    [InlineData(new byte[] { 3, 0b0000_0100, (byte)'a', (byte)'b' }, 3)] // stream ends short of its length
    [InlineData(new byte[] { 2, 0b0000_1000, (byte)'a', (byte)'b', (byte)'c' }, 2)] // literal runs past the declared length
    [InlineData(new byte[] { 9, 0b0000_0100, (byte)'a', (byte)'b' }, 2)] // preamble disagrees with the page header
    [InlineData(new byte[] { 4, 0b0000_0100, (byte)'a', (byte)'b', 0b11 }, 4)] // 4-byte-offset copy cut short
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, 4)] // varint too long
    public void RejectsCorruptStreams(byte[] stream, int length) =>
        Assert.Throws<InvalidDataException>(() => Decompress(stream, length));

    [Fact]
    public void CompressedOutputIsDecodedByTheStreamsOwnPreamble()
    {
        var input = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("Snappy preamble ", 100)));
        var stream = Compress(input);
        int pos = 0;
        Assert.Equal((ulong)input.Length, RleHybrid.ReadUleb128(stream, ref pos));
    }

    private static string Ascii(byte[] bytes) => Encoding.ASCII.GetString(bytes);

    private static byte[] Varint(int value)
    {
        var buffer = new ByteBuffer();
        buffer.WriteUleb128((ulong)value);
        return buffer.Span.ToArray();
    }
}
