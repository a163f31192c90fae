namespace Backtest.IO.Parquet;

/// <summary>
/// A Parquet file that this codec cannot read: not Parquet at all (bad magic), damaged
/// (truncated footer, a length that points past the end of the file, a bad page header) or
/// using a feature the codec does not support (the message names the encoding, codec or type).
/// The message is one line naming the file, the column and row group where known, and the
/// byte offset of the structure at fault.
/// </summary>
public sealed class ParquetFormatException : InputException
{
    public ParquetFormatException(string file, string reason, long? offset = null, int? rowGroup = null, string? column = null, Exception? inner = null)
        : base(Describe(reason, offset, rowGroup), file: file, key: column is null ? null : $"column '{column}'", inner: inner)
    {
        Offset = offset;
        RowGroup = rowGroup;
        Column = column;
    }

    /// <summary>Byte offset from the start of the file of the structure at fault, if known.</summary>
    public long? Offset { get; }

    /// <summary>0-based row group index, if the fault is inside one.</summary>
    public int? RowGroup { get; }

    /// <summary>Column name, if the fault is inside one column.</summary>
    public string? Column { get; }

    private static string Describe(string reason, long? offset, int? rowGroup)
    {
        var where = new List<string>(2);
        if (rowGroup is not null)
        {
            where.Add($"row group {rowGroup}");
        }

        if (offset is not null)
        {
            where.Add($"byte offset {offset}");
        }

        return where.Count == 0 ? reason : $"{reason} ({string.Join(", ", where)})";
    }
}
