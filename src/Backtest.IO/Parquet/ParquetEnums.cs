namespace Backtest.IO.Parquet;

/// <summary>Compression codecs of the Parquet format, numbered as in parquet.thrift. The writer supports <see cref="Uncompressed"/>, <see cref="Snappy"/> and <see cref="Gzip"/>; the reader names the others when it meets them.</summary>
public enum ParquetCodec
{
    Uncompressed = 0,
    Snappy = 1,
    Gzip = 2,
    Lzo = 3,
    Brotli = 4,
    Lz4 = 5,
    Zstd = 6,
    Lz4Raw = 7,
}

/// <summary>Value encodings of the Parquet format, numbered as in parquet.thrift (reported by the reader).</summary>
public enum ParquetEncoding
{
    Plain = 0,
    PlainDictionary = 2,
    Rle = 3,
    BitPacked = 4,
    DeltaBinaryPacked = 5,
    DeltaLengthByteArray = 6,
    DeltaByteArray = 7,
    RleDictionary = 8,
    ByteStreamSplit = 9,
}

/// <summary>How the writer encodes one column's values.</summary>
public enum ParquetColumnEncoding
{
    /// <summary>
    /// Dictionary first; a column chunk falls back to PLAIN for the rest of its row group as soon
    /// as a page does not shrink under the dictionary (indices plus the entries it added are not
    /// smaller than the plain page) or the dictionary outgrows its size limit. Booleans are PLAIN.
    /// </summary>
    Auto,

    /// <summary>PLAIN only.</summary>
    Plain,

    /// <summary>Dictionary even where it does not pay, falling back to PLAIN only when the dictionary outgrows its size limit. Not for booleans.</summary>
    Dictionary,
}

/// <summary>The spec's upper-case names for enum values, as other Parquet tools print them.</summary>
public static class ParquetNames
{
    public static string Codec(ParquetCodec codec) => codec switch
    {
        ParquetCodec.Uncompressed => "UNCOMPRESSED",
        ParquetCodec.Snappy => "SNAPPY",
        ParquetCodec.Gzip => "GZIP",
        ParquetCodec.Lzo => "LZO",
        ParquetCodec.Brotli => "BROTLI",
        ParquetCodec.Lz4 => "LZ4",
        ParquetCodec.Zstd => "ZSTD",
        ParquetCodec.Lz4Raw => "LZ4_RAW",
        _ => $"codec {(int)codec}",
    };

    public static string Encoding(ParquetEncoding encoding) => encoding switch
    {
        ParquetEncoding.Plain => "PLAIN",
        ParquetEncoding.PlainDictionary => "PLAIN_DICTIONARY",
        ParquetEncoding.Rle => "RLE",
        ParquetEncoding.BitPacked => "BIT_PACKED",
        ParquetEncoding.DeltaBinaryPacked => "DELTA_BINARY_PACKED",
        ParquetEncoding.DeltaLengthByteArray => "DELTA_LENGTH_BYTE_ARRAY",
        ParquetEncoding.DeltaByteArray => "DELTA_BYTE_ARRAY",
        ParquetEncoding.RleDictionary => "RLE_DICTIONARY",
        ParquetEncoding.ByteStreamSplit => "BYTE_STREAM_SPLIT",
        _ => $"encoding {(int)encoding}",
    };
}
