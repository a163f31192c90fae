namespace Backtest.IO.Parquet.Format;

/// <summary>
/// Serialises the footer and page headers with the Thrift compact protocol, using the field
/// ids of parquet.thrift. Only the fields the codec writes are emitted, in increasing id order.
/// </summary>
internal static class MetadataWriter
{
    public static void WriteFileMetadata(FileMetadataModel file, ByteBuffer output)
    {
        var w = new ThriftCompactWriter(output);
        w.BeginStruct();
        w.FieldI32(1, file.Version);
        w.FieldListBegin(2, ThriftType.Struct, file.Schema.Count);
        foreach (var element in file.Schema)
        {
            WriteSchemaElement(w, element);
        }

        w.FieldI64(3, file.NumRows);
        w.FieldListBegin(4, ThriftType.Struct, file.RowGroups.Count);
        foreach (var rowGroup in file.RowGroups)
        {
            WriteRowGroup(w, rowGroup);
        }

        if (file.KeyValues.Count > 0)
        {
            w.FieldListBegin(5, ThriftType.Struct, file.KeyValues.Count);
            foreach (var (key, value) in file.KeyValues)
            {
                w.BeginStruct();
                w.FieldString(1, key);
                if (value is not null)
                {
                    w.FieldString(2, value);
                }

                w.EndStruct();
            }
        }

        if (file.CreatedBy is not null)
        {
            w.FieldString(6, file.CreatedBy);
        }

        if (file.ColumnOrders > 0)
        {
            w.FieldListBegin(7, ThriftType.Struct, file.ColumnOrders);
            for (int i = 0; i < file.ColumnOrders; i++)
            {
                // ColumnOrder union, member 1: TypeDefinedOrder (an empty struct).
                w.BeginStruct();
                w.FieldEmptyStruct(1);
                w.EndStruct();
            }
        }

        w.EndStruct();
    }

    public static void WritePageHeader(PageHeaderModel page, ByteBuffer output)
    {
        var w = new ThriftCompactWriter(output);
        w.BeginStruct();
        w.FieldI32(1, page.Type);
        w.FieldI32(2, page.UncompressedSize);
        w.FieldI32(3, page.CompressedSize);
        if (page.Type == (int)PageType.DataPage)
        {
            w.FieldStructBegin(5);
            w.FieldI32(1, page.NumValues);
            w.FieldI32(2, page.Encoding);
            w.FieldI32(3, page.DefinitionLevelEncoding);
            w.FieldI32(4, page.RepetitionLevelEncoding);
            w.EndStruct();
        }
        else
        {
            w.FieldStructBegin(7);
            w.FieldI32(1, page.NumValues);
            w.FieldI32(2, page.Encoding);
            w.EndStruct();
        }

        w.EndStruct();
    }

    private static void WriteSchemaElement(ThriftCompactWriter w, SchemaElementModel e)
    {
        w.BeginStruct();
        if (e.Type is int type)
        {
            w.FieldI32(1, type);
        }

        if (e.Repetition is int repetition)
        {
            w.FieldI32(3, repetition);
        }

        w.FieldString(4, e.Name);
        if (e.NumChildren is int children)
        {
            w.FieldI32(5, children);
        }

        if (e.ConvertedType is int converted)
        {
            w.FieldI32(6, converted);
        }

        if (e.Scale is int scale)
        {
            w.FieldI32(7, scale);
        }

        if (e.Precision is int precision)
        {
            w.FieldI32(8, precision);
        }

        if (e.Logical is { } logical)
        {
            w.FieldStructBegin(10);
            w.FieldStructBegin(logical.Kind);
            switch (logical.Kind)
            {
                case LogicalKinds.Decimal:
                    w.FieldI32(1, logical.Scale);
                    w.FieldI32(2, logical.Precision);
                    break;
                case LogicalKinds.Timestamp:
                    w.FieldBool(1, logical.IsAdjustedToUtc);
                    w.FieldStructBegin(2);
                    w.FieldEmptyStruct(logical.TimeUnit);
                    w.EndStruct();
                    break;
            }

            w.EndStruct();
            w.EndStruct();
        }

        w.EndStruct();
    }

    private static void WriteRowGroup(ThriftCompactWriter w, RowGroupModel g)
    {
        w.BeginStruct();
        w.FieldListBegin(1, ThriftType.Struct, g.Columns.Count);
        foreach (var c in g.Columns)
        {
            w.BeginStruct();
            w.FieldI64(2, 0);
            w.FieldStructBegin(3);
            w.FieldI32(1, c.Type);
            w.FieldListBegin(2, ThriftType.I32, c.Encodings.Count);
            foreach (int encoding in c.Encodings)
            {
                w.I32(encoding);
            }

            w.FieldListBegin(3, ThriftType.Binary, c.Path.Count);
            foreach (string part in c.Path)
            {
                w.String(part);
            }

            w.FieldI32(4, c.Codec);
            w.FieldI64(5, c.NumValues);
            w.FieldI64(6, c.TotalUncompressedSize);
            w.FieldI64(7, c.TotalCompressedSize);
            w.FieldI64(9, c.DataPageOffset);
            if (c.DictionaryPageOffset is long dictionary)
            {
                w.FieldI64(11, dictionary);
            }

            if (c.Statistics is { } s)
            {
                w.FieldStructBegin(12);
                if (s.Max is not null)
                {
                    w.FieldBinary(1, s.Max);
                }

                if (s.Min is not null)
                {
                    w.FieldBinary(2, s.Min);
                }

                if (s.NullCount is long nulls)
                {
                    w.FieldI64(3, nulls);
                }

                if (s.MaxValue is not null)
                {
                    w.FieldBinary(5, s.MaxValue);
                }

                if (s.MinValue is not null)
                {
                    w.FieldBinary(6, s.MinValue);
                }

                if (s.MaxValue is not null)
                {
                    w.FieldBool(7, true);
                }

                if (s.MinValue is not null)
                {
                    w.FieldBool(8, true);
                }

                if (s.NanCount is long nans)
                {
                    w.FieldI64(9, nans);
                }

                w.EndStruct();
            }

            w.EndStruct();
            w.EndStruct();
        }

        w.FieldI64(2, g.TotalByteSize);
        w.FieldI64(3, g.NumRows);
        if (g.FileOffset is long offset)
        {
            w.FieldI64(5, offset);
        }

        if (g.TotalCompressedSize is long compressed)
        {
            w.FieldI64(6, compressed);
        }

        if (g.Ordinal is short ordinal)
        {
            w.FieldI16(7, ordinal);
        }

        w.EndStruct();
    }
}

/// <summary>
/// Parses the footer and page headers. Unknown fields are skipped, as Thrift allows; a field of
/// an unexpected wire type, a length past the data or a missing required field is an
/// <see cref="InvalidDataException"/> naming the byte offset.
/// </summary>
internal static class MetadataReader
{
    public static FileMetadataModel ReadFileMetadata(ReadOnlySpan<byte> data, long baseOffset)
    {
        var r = new ThriftCompactReader(data, baseOffset);
        var file = new FileMetadataModel();
        bool hasSchema = false, hasRows = false, hasRowGroups = false;
        r.BeginStruct();
        while (r.NextField(out short id, out var type))
        {
            switch (id)
            {
                case 1:
                    file.Version = r.ReadI32(type);
                    break;
                case 2:
                {
                    int count = r.ReadListHeader(type, out var element);
                    r.ExpectElement(element, ThriftType.Struct);
                    for (int i = 0; i < count; i++)
                    {
                        file.Schema.Add(ReadSchemaElement(ref r));
                    }

                    hasSchema = true;
                    break;
                }

                case 3:
                    file.NumRows = r.ReadI64(type);
                    hasRows = true;
                    break;
                case 4:
                {
                    int count = r.ReadListHeader(type, out var element);
                    r.ExpectElement(element, ThriftType.Struct);
                    for (int i = 0; i < count; i++)
                    {
                        file.RowGroups.Add(ReadRowGroup(ref r));
                    }

                    hasRowGroups = true;
                    break;
                }

                case 5:
                {
                    int count = r.ReadListHeader(type, out var element);
                    r.ExpectElement(element, ThriftType.Struct);
                    for (int i = 0; i < count; i++)
                    {
                        file.KeyValues.Add(ReadKeyValue(ref r));
                    }

                    break;
                }

                case 6:
                    file.CreatedBy = r.ReadString(type);
                    break;
                case 7:
                {
                    int count = r.ReadListHeader(type, out var element);
                    r.ExpectElement(element, ThriftType.Struct);
                    for (int i = 0; i < count; i++)
                    {
                        r.Skip(ThriftType.Struct);
                    }

                    file.ColumnOrders = count;
                    break;
                }

                case 8:
                    file.Encrypted = true;
                    r.Skip(type);
                    break;
                default:
                    r.Skip(type);
                    break;
            }
        }

        r.EndStruct();
        if (!hasSchema || !hasRows || !hasRowGroups)
        {
            throw r.Fail($"file metadata lacks its required {(!hasSchema ? "schema" : !hasRows ? "num_rows" : "row_groups")}");
        }

        return file;
    }

    /// <summary>Reads one page header and returns its length in bytes.</summary>
    public static int ReadPageHeader(ReadOnlySpan<byte> data, long baseOffset, out PageHeaderModel page)
    {
        var r = new ThriftCompactReader(data, baseOffset);
        page = new PageHeaderModel { Type = -1, UncompressedSize = -1, CompressedSize = -1 };
        r.BeginStruct();
        while (r.NextField(out short id, out var type))
        {
            switch (id)
            {
                case 1:
                    page.Type = r.ReadI32(type);
                    break;
                case 2:
                    page.UncompressedSize = r.ReadI32(type);
                    break;
                case 3:
                    page.CompressedSize = r.ReadI32(type);
                    break;
                case 5:
                    ReadValuesHeader(ref r, type, page, data: true);
                    break;
                case 7:
                    ReadValuesHeader(ref r, type, page, data: false);
                    break;
                default:
                    r.Skip(type);
                    break;
            }
        }

        r.EndStruct();
        if (page.Type < 0 || page.UncompressedSize < 0 || page.CompressedSize < 0)
        {
            throw r.Fail("page header lacks its type or sizes, or has a negative size");
        }

        return r.Position;
    }

    /// <summary>
    /// Reads a DataPageHeader (fields 1 num_values, 2 encoding, 3 and 4 the level encodings) or a
    /// DictionaryPageHeader (1 num_values, 2 encoding, 3 is_sorted, skipped).
    /// </summary>
    private static void ReadValuesHeader(ref ThriftCompactReader r, ThriftType type, PageHeaderModel page, bool data)
    {
        Expect(ref r, type, ThriftType.Struct);
        page.HasDataHeader |= data;
        page.HasDictionaryHeader |= !data;
        page.NumValues = -1;
        page.Encoding = -1;
        r.BeginStruct();
        while (r.NextField(out short id, out var fieldType))
        {
            switch (id)
            {
                case 1:
                    page.NumValues = r.ReadI32(fieldType);
                    break;
                case 2:
                    page.Encoding = r.ReadI32(fieldType);
                    break;
                case 3 when data:
                    page.DefinitionLevelEncoding = r.ReadI32(fieldType);
                    break;
                case 4 when data:
                    page.RepetitionLevelEncoding = r.ReadI32(fieldType);
                    break;
                default:
                    r.Skip(fieldType);
                    break;
            }
        }

        r.EndStruct();
        if (page.NumValues < 0 || page.Encoding < 0)
        {
            throw r.Fail($"{(data ? "data" : "dictionary")} page header lacks num_values or encoding, or they are negative");
        }
    }

    private static SchemaElementModel ReadSchemaElement(ref ThriftCompactReader r)
    {
        var e = new SchemaElementModel();
        bool hasName = false;
        r.BeginStruct();
        while (r.NextField(out short id, out var type))
        {
            switch (id)
            {
                case 1:
                    e.Type = r.ReadI32(type);
                    break;
                case 2:
                    e.TypeLength = r.ReadI32(type);
                    break;
                case 3:
                    e.Repetition = r.ReadI32(type);
                    break;
                case 4:
                    e.Name = r.ReadString(type);
                    hasName = true;
                    break;
                case 5:
                    e.NumChildren = r.ReadI32(type);
                    break;
                case 6:
                    e.ConvertedType = r.ReadI32(type);
                    break;
                case 7:
                    e.Scale = r.ReadI32(type);
                    break;
                case 8:
                    e.Precision = r.ReadI32(type);
                    break;
                case 10:
                    e.Logical = ReadLogicalType(ref r, type);
                    break;
                default:
                    r.Skip(type);
                    break;
            }
        }

        r.EndStruct();
        if (!hasName)
        {
            throw r.Fail("schema element lacks its name");
        }

        return e;
    }

    private static LogicalTypeModel? ReadLogicalType(ref ThriftCompactReader r, ThriftType type)
    {
        Expect(ref r, type, ThriftType.Struct);
        LogicalTypeModel? logical = null;
        r.BeginStruct();
        while (r.NextField(out short kind, out var memberType))
        {
            if (memberType != ThriftType.Struct)
            {
                r.Skip(memberType);
                continue;
            }

            logical = new LogicalTypeModel { Kind = kind };
            r.BeginStruct();
            while (r.NextField(out short id, out var fieldType))
            {
                switch ((kind, id))
                {
                    case (LogicalKinds.Decimal, 1):
                        logical.Scale = r.ReadI32(fieldType);
                        break;
                    case (LogicalKinds.Decimal, 2):
                        logical.Precision = r.ReadI32(fieldType);
                        break;
                    case (LogicalKinds.Timestamp, 1):
                        logical.IsAdjustedToUtc = r.ReadBool(fieldType);
                        break;
                    case (LogicalKinds.Timestamp, 2):
                        logical.TimeUnit = ReadUnionMember(ref r, fieldType);
                        break;
                    case (LogicalKinds.Integer, 1):
                        logical.BitWidth = r.ReadI8(fieldType);
                        break;
                    case (LogicalKinds.Integer, 2):
                        logical.IsSigned = r.ReadBool(fieldType);
                        break;
                    default:
                        r.Skip(fieldType);
                        break;
                }
            }

            r.EndStruct();
        }

        r.EndStruct();
        return logical;
    }

    private static short ReadUnionMember(ref ThriftCompactReader r, ThriftType type)
    {
        Expect(ref r, type, ThriftType.Struct);
        short member = 0;
        r.BeginStruct();
        while (r.NextField(out short id, out var fieldType))
        {
            member = id;
            r.Skip(fieldType);
        }

        r.EndStruct();
        return member;
    }

    private static KeyValuePair<string, string?> ReadKeyValue(ref ThriftCompactReader r)
    {
        string? key = null, value = null;
        r.BeginStruct();
        while (r.NextField(out short id, out var type))
        {
            switch (id)
            {
                case 1:
                    key = r.ReadString(type);
                    break;
                case 2:
                    value = r.ReadString(type);
                    break;
                default:
                    r.Skip(type);
                    break;
            }
        }

        r.EndStruct();
        return new KeyValuePair<string, string?>(key ?? throw r.Fail("key-value metadata entry lacks its key"), value);
    }

    private static RowGroupModel ReadRowGroup(ref ThriftCompactReader r)
    {
        var g = new RowGroupModel();
        bool hasColumns = false, hasRows = false;
        r.BeginStruct();
        while (r.NextField(out short id, out var type))
        {
            switch (id)
            {
                case 1:
                {
                    int count = r.ReadListHeader(type, out var element);
                    r.ExpectElement(element, ThriftType.Struct);
                    for (int i = 0; i < count; i++)
                    {
                        g.Columns.Add(ReadColumnChunk(ref r));
                    }

                    hasColumns = true;
                    break;
                }

                case 2:
                    g.TotalByteSize = r.ReadI64(type);
                    break;
                case 3:
                    g.NumRows = r.ReadI64(type);
                    hasRows = true;
                    break;
                case 5:
                    g.FileOffset = r.ReadI64(type);
                    break;
                case 6:
                    g.TotalCompressedSize = r.ReadI64(type);
                    break;
                case 7:
                    g.Ordinal = r.ReadI16(type);
                    break;
                default:
                    r.Skip(type);
                    break;
            }
        }

        r.EndStruct();
        if (!hasColumns || !hasRows)
        {
            throw r.Fail("row group lacks its columns or num_rows");
        }

        return g;
    }

    private static ColumnChunkModel ReadColumnChunk(ref ThriftCompactReader r)
    {
        var c = new ColumnChunkModel();
        r.BeginStruct();
        while (r.NextField(out short id, out var type))
        {
            switch (id)
            {
                case 1:
                    c.FilePath = r.ReadString(type);
                    break;
                case 3:
                    ReadColumnMetaData(ref r, type, c);
                    break;
                default:
                    r.Skip(type);
                    break;
            }
        }

        r.EndStruct();
        return c;
    }

    private static void ReadColumnMetaData(ref ThriftCompactReader r, ThriftType type, ColumnChunkModel c)
    {
        Expect(ref r, type, ThriftType.Struct);
        c.HasMetaData = true;
        int seen = 0;
        r.BeginStruct();
        while (r.NextField(out short id, out var fieldType))
        {
            switch (id)
            {
                case 1:
                    c.Type = r.ReadI32(fieldType);
                    seen |= 1;
                    break;
                case 2:
                {
                    int count = r.ReadListHeader(fieldType, out var element);
                    r.ExpectElement(element, ThriftType.I32);
                    for (int i = 0; i < count; i++)
                    {
                        c.Encodings.Add(r.ReadI32Element());
                    }

                    break;
                }

                case 3:
                {
                    int count = r.ReadListHeader(fieldType, out var element);
                    r.ExpectElement(element, ThriftType.Binary);
                    for (int i = 0; i < count; i++)
                    {
                        c.Path.Add(r.ReadStringElement());
                    }

                    seen |= 2;
                    break;
                }

                case 4:
                    c.Codec = r.ReadI32(fieldType);
                    seen |= 4;
                    break;
                case 5:
                    c.NumValues = r.ReadI64(fieldType);
                    seen |= 8;
                    break;
                case 6:
                    c.TotalUncompressedSize = r.ReadI64(fieldType);
                    break;
                case 7:
                    c.TotalCompressedSize = r.ReadI64(fieldType);
                    seen |= 16;
                    break;
                case 9:
                    c.DataPageOffset = r.ReadI64(fieldType);
                    seen |= 32;
                    break;
                case 11:
                    c.DictionaryPageOffset = r.ReadI64(fieldType);
                    break;
                case 12:
                    c.Statistics = ReadStatistics(ref r, fieldType);
                    break;
                default:
                    r.Skip(fieldType);
                    break;
            }
        }

        r.EndStruct();
        if (seen != 63)
        {
            throw r.Fail("column metadata lacks a required field (type, path, codec, num_values, total_compressed_size or data_page_offset)");
        }
    }

    private static StatisticsModel ReadStatistics(ref ThriftCompactReader r, ThriftType type)
    {
        Expect(ref r, type, ThriftType.Struct);
        var s = new StatisticsModel();
        r.BeginStruct();
        while (r.NextField(out short id, out var fieldType))
        {
            switch (id)
            {
                case 1:
                    s.Max = r.ReadBinary(fieldType).ToArray();
                    break;
                case 2:
                    s.Min = r.ReadBinary(fieldType).ToArray();
                    break;
                case 3:
                    s.NullCount = r.ReadI64(fieldType);
                    break;
                case 4:
                    s.DistinctCount = r.ReadI64(fieldType);
                    break;
                case 5:
                    s.MaxValue = r.ReadBinary(fieldType).ToArray();
                    break;
                case 6:
                    s.MinValue = r.ReadBinary(fieldType).ToArray();
                    break;
                case 9:
                    s.NanCount = r.ReadI64(fieldType);
                    break;
                default:
                    r.Skip(fieldType);
                    break;
            }
        }

        r.EndStruct();
        return s;
    }

    private static void Expect(ref ThriftCompactReader r, ThriftType actual, ThriftType expected)
    {
        if (actual != expected)
        {
            throw r.Fail($"expected Thrift type {expected}, found {actual}");
        }
    }
}
