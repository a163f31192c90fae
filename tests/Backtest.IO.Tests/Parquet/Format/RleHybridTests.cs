using Backtest.IO.Parquet.Format;
using FsCheck;
using FsCheck.Fluent;

namespace Backtest.IO.Tests.Parquet.Format;

public class RleHybridTests
{
    [Fact]
    public void DecodesTheSpecificationsExample()
    {
        // parquet-format rle-bitpacked.md: a bit-packed run of 8·2 values then an RLE run of eight 1s.
        byte[] stream = [0b0000_0101, 0b1110_1011, 0b0000_0010, 0b0001_0000, 0b0000_0001];
        var values = new int[24];
        RleHybrid.Decode(stream, 1, values);
        Assert.Equal([1, 1, 0, 1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1], values);
    }

    [Fact]
    public void PacksLeastSignificantBitFirstAsTheSpecificationShows()
    {
        // Encodings.md: 0..7 at bit width 3 packs to 10001000 11000110 11111010.
        var buffer = new ByteBuffer();
        RleHybrid.WriteBitPackedRun([0, 1, 2, 3, 4, 5, 6, 7], 3, buffer);
        Assert.Equal([0b0000_0011, 0b1000_1000, 0b1100_0110, 0b1111_1010], buffer.Span.ToArray());
    }

    [Fact]
    public void LongRunsBecomeRleRunsAndMixedValuesAreBitPacked()
    {
        var buffer = new ByteBuffer();
        int[] values = [.. Enumerable.Repeat(5, 1000), 1, 2, 3];
        RleHybrid.Encode(values, 3, buffer);
        // One RLE run (header 2000 as ULEB128, one value byte) and one bit-packed group (1 + 3 bytes).
        Assert.Equal(2 + 1 + 1 + 3, buffer.Length);
        var decoded = new int[values.Length];
        RleHybrid.Decode(buffer.Span, 3, decoded);
        Assert.Equal(values, decoded);
    }

    [Fact]
    public void RoundTripsAnyValuesAtAnyWidth()
    {
        var property = Prop.ForAll(
            Gen.Choose(0, 32).SelectMany(width => Gen.ArrayOf(Gen.OneOf(Gen.Choose(0, 3), Gen.Choose(int.MinValue, int.MaxValue))).Select(v => (width, v))).ToArbitrary(),
            input =>
            {
                var (width, raw) = input;
                long mask = width == 32 ? uint.MaxValue : (1L << width) - 1;
                int[] values = [.. raw.Select(v => (int)(v & mask))];
                var buffer = new ByteBuffer();
                RleHybrid.Encode(values, width, buffer);
                var decoded = new int[values.Length];
                RleHybrid.Decode(buffer.Span, width, decoded);
                return decoded.SequenceEqual(values);
            });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), property);
    }

    [Theory]
    [InlineData(new byte[] { 0b0000_0011 }, 1, 8)] // bit-packed run with no body
    [InlineData(new byte[] { 0b0000_0100 }, 1, 2)] // RLE run with no value byte
    [InlineData(new byte[] { 0b0000_0100, 1 }, 1, 3)] // runs end before the values do
    [InlineData(new byte[] { 0b0000_0100, 2 }, 1, 2)] // RLE value wider than the bit width
    [InlineData(new byte[] { 0b0000_0100, 1 }, 33, 2)] // bit width above 32
    [InlineData(new byte[] { 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80 }, 1, 2)] // header varint too long
    public void RejectsCorruptRuns(byte[] stream, int width, int count) =>
        Assert.Throws<InvalidDataException>(() => RleHybrid.Decode(stream, width, new int[count]));
}
