namespace Backtest.IO.Parquet.Format;

/// <summary>Physical types of parquet.thrift <c>Type</c>.</summary>
internal enum PhysicalType
{
    Boolean = 0,
    Int32 = 1,
    Int64 = 2,
    Int96 = 3,
    Float = 4,
    Double = 5,
    ByteArray = 6,
    FixedLenByteArray = 7,
}

/// <summary>parquet.thrift <c>PageType</c>.</summary>
internal enum PageType
{
    DataPage = 0,
    IndexPage = 1,
    DictionaryPage = 2,
    DataPageV2 = 3,
}

/// <summary>parquet.thrift <c>ConvertedType</c> values the codec writes or maps.</summary>
internal static class ConvertedTypes
{
    public const int Utf8 = 0;
    public const int Enum = 4;
    public const int Decimal = 5;
    public const int Date = 6;
    public const int TimestampMillis = 9;
    public const int TimestampMicros = 10;
    public const int Int32 = 17;
    public const int Int64 = 18;
    public const int Json = 19;
}

/// <summary>Field ids of the parquet.thrift <c>LogicalType</c> union members the codec writes or maps.</summary>
internal static class LogicalKinds
{
    public const short String = 1;
    public const short Enum = 4;
    public const short Decimal = 5;
    public const short Date = 6;
    public const short Timestamp = 8;
    public const short Integer = 10;
    public const short Json = 12;
}

/// <summary>parquet.thrift <c>Statistics</c>; values are PLAIN-encoded, byte arrays without a length prefix.</summary>
internal sealed class StatisticsModel
{
    public byte[]? Max { get; set; }

    public byte[]? Min { get; set; }

    public long? NullCount { get; set; }

    public long? DistinctCount { get; set; }

    public byte[]? MaxValue { get; set; }

    public byte[]? MinValue { get; set; }

    public long? NanCount { get; set; }
}

/// <summary>parquet.thrift <c>LogicalType</c>: the union member's id and the parameters the codec uses.</summary>
internal sealed class LogicalTypeModel
{
    public short Kind { get; set; }

    public int Scale { get; set; }

    public int Precision { get; set; }

    public bool IsAdjustedToUtc { get; set; }

    /// <summary>TimeUnit member id: 1 millis, 2 micros, 3 nanos.</summary>
    public short TimeUnit { get; set; }

    public int BitWidth { get; set; }

    public bool IsSigned { get; set; }
}

/// <summary>parquet.thrift <c>SchemaElement</c>.</summary>
internal sealed class SchemaElementModel
{
    public int? Type { get; set; }

    public int? TypeLength { get; set; }

    public int? Repetition { get; set; }

    public string Name { get; set; } = string.Empty;

    public int? NumChildren { get; set; }

    public int? ConvertedType { get; set; }

    public int? Scale { get; set; }

    public int? Precision { get; set; }

    public LogicalTypeModel? Logical { get; set; }
}

/// <summary>parquet.thrift <c>ColumnChunk</c> with its <c>ColumnMetaData</c> flattened in.</summary>
internal sealed class ColumnChunkModel
{
    public int Type { get; set; }

    public List<int> Encodings { get; set; } = [];

    public List<string> Path { get; set; } = [];

    public int Codec { get; set; }

    public long NumValues { get; set; }

    public long TotalUncompressedSize { get; set; }

    public long TotalCompressedSize { get; set; }

    public long DataPageOffset { get; set; }

    public long? DictionaryPageOffset { get; set; }

    public StatisticsModel? Statistics { get; set; }

    public bool HasMetaData { get; set; }

    public string? FilePath { get; set; }

    /// <summary>The first byte of the chunk: its dictionary page when it has one, else its first data page.</summary>
    public long StartOffset => DictionaryPageOffset is > 0 and var d && d < DataPageOffset ? d : DataPageOffset;
}

/// <summary>parquet.thrift <c>RowGroup</c>.</summary>
internal sealed class RowGroupModel
{
    public List<ColumnChunkModel> Columns { get; set; } = [];

    public long TotalByteSize { get; set; }

    public long NumRows { get; set; }

    public long? FileOffset { get; set; }

    public long? TotalCompressedSize { get; set; }

    public short? Ordinal { get; set; }
}

/// <summary>parquet.thrift <c>FileMetaData</c>, the footer.</summary>
internal sealed class FileMetadataModel
{
    public int Version { get; set; } = 1;

    public List<SchemaElementModel> Schema { get; set; } = [];

    public long NumRows { get; set; }

    public List<RowGroupModel> RowGroups { get; set; } = [];

    public List<KeyValuePair<string, string?>> KeyValues { get; set; } = [];

    public string? CreatedBy { get; set; }

    /// <summary>Number of ColumnOrder entries; the writer emits TYPE_ORDER for every leaf.</summary>
    public int ColumnOrders { get; set; }

    public bool Encrypted { get; set; }
}

/// <summary>parquet.thrift <c>PageHeader</c> with the v1 data or dictionary header flattened in.</summary>
internal sealed class PageHeaderModel
{
    public int Type { get; set; }

    public int UncompressedSize { get; set; }

    public int CompressedSize { get; set; }

    public int NumValues { get; set; }

    public int Encoding { get; set; }

    public int DefinitionLevelEncoding { get; set; }

    public int RepetitionLevelEncoding { get; set; }

    public bool HasDataHeader { get; set; }

    public bool HasDictionaryHeader { get; set; }
}
