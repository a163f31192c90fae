using System.IO.Compression;

namespace Backtest.IO.Parquet;

/// <summary>Settings of a <see cref="ParquetWriter"/>. The defaults suit result tables of millions of rows.</summary>
public sealed class ParquetWriterOptions
{
    /// <summary>Page compression: <see cref="ParquetCodec.Uncompressed"/>, <see cref="ParquetCodec.Snappy"/> (default) or <see cref="ParquetCodec.Gzip"/>.</summary>
    public ParquetCodec Codec { get; init; } = ParquetCodec.Snappy;

    /// <summary>Deflate effort for <see cref="ParquetCodec.Gzip"/>.</summary>
    public CompressionLevel GzipLevel { get; init; } = CompressionLevel.Optimal;

    /// <summary>
    /// A row group is flushed at the end of the batch during which the encoded, compressed data
    /// buffered for it reaches this many bytes (default 64 MiB).
    /// </summary>
    public long RowGroupBytes { get; init; } = 64L << 20;

    /// <summary>A row group is flushed at the end of the batch during which it reaches this many rows (default 1,048,576).</summary>
    public long RowGroupRows { get; init; } = 1L << 20;

    /// <summary>A data page ends after this many bytes of PLAIN values (default 1 MiB).</summary>
    public int PageBytes { get; init; } = 1 << 20;

    /// <summary>A data page ends after this many rows (default 20,000).</summary>
    public int PageRows { get; init; } = 20_000;

    /// <summary>A column chunk's dictionary may grow to this many PLAIN-encoded bytes before the chunk falls back to PLAIN (default 1 MiB).</summary>
    public int DictionaryBytes { get; init; } = 1 << 20;

    /// <summary>Encoding of every column not named in <see cref="ColumnEncodings"/>.</summary>
    public ParquetColumnEncoding Encoding { get; init; } = ParquetColumnEncoding.Auto;

    /// <summary>Per-column encoding choices, by column name.</summary>
    public IReadOnlyDictionary<string, ParquetColumnEncoding> ColumnEncodings { get; init; } = new Dictionary<string, ParquetColumnEncoding>();

    /// <summary>Key-value metadata written in the footer (more can be added with <see cref="ParquetWriter.SetMetadata"/>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    internal void Validate(ParquetSchema schema)
    {
        if (Codec is not (ParquetCodec.Uncompressed or ParquetCodec.Snappy or ParquetCodec.Gzip))
        {
            throw new ArgumentException($"the writer supports UNCOMPRESSED, SNAPPY and GZIP, not {ParquetNames.Codec(Codec)}");
        }

        if (RowGroupBytes < 1 || RowGroupRows < 1 || PageBytes < 1 || PageRows < 1 || DictionaryBytes < 0)
        {
            throw new ArgumentException("row group, page and dictionary limits must be positive");
        }

        foreach (var name in ColumnEncodings.Keys)
        {
            if (!schema.Contains(name))
            {
                throw new ArgumentException($"an encoding is set for column '{name}', which is not in the schema");
            }
        }
    }

    internal ParquetColumnEncoding EncodingOf(ParquetColumn column) =>
        ColumnEncodings.TryGetValue(column.Name, out var encoding) ? encoding : column.Type == ParquetType.Boolean && Encoding == ParquetColumnEncoding.Dictionary ? ParquetColumnEncoding.Plain : Encoding;
}
