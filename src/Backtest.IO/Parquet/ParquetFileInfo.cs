namespace Backtest.IO.Parquet;

/// <summary>
/// Statistics of one column chunk as the file stores them. <see cref="Min"/> and <see cref="Max"/>
/// are boxed like <see cref="ParquetColumnData.GetValue"/> (long, int, double, bool, string,
/// DateOnly, DateTime, decimal); taken from min_value/max_value, or from the deprecated
/// min/max where those are absent and their signed order agrees with the type (not for strings).
/// </summary>
public sealed record ParquetStatistics(long? NullCount, long? NanCount, long? DistinctCount, object? Min, object? Max);

/// <summary>One column chunk of a row group: how it is stored and its statistics.</summary>
public sealed record ParquetColumnChunkInfo(
    string Column,
    ParquetCodec Codec,
    IReadOnlyList<ParquetEncoding> Encodings,
    long ValueCount,
    long FileOffset,
    long CompressedBytes,
    long UncompressedBytes,
    bool HasDictionaryPage,
    ParquetStatistics? Statistics);

/// <summary>One row group: its rows and its column chunks, in schema order.</summary>
public sealed record ParquetRowGroupInfo(int Index, long RowCount, long CompressedBytes, long UncompressedBytes, IReadOnlyList<ParquetColumnChunkInfo> Columns);
