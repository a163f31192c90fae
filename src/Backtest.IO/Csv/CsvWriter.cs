namespace Backtest.IO.Csv;

/// <summary>
/// Writes RFC 4180 CSV that <see cref="CsvReader"/> reads back field for field: a header row,
/// then rows with exactly as many fields. A field is quoted (with inner quotes doubled) only
/// when it holds a comma, a quote, a line break or a leading byte-order mark; every row ends
/// with LF, so files diff cleanly. Fields may not hold U+FFFD, which the reader takes for a
/// decoding error.
/// </summary>
public sealed class CsvWriter
{
    private static readonly char[] NeedsQuoting = [',', '"', '\r', '\n'];

    private readonly TextWriter target;
    private readonly int columns;

    /// <summary>Writes <paramref name="header"/> to <paramref name="target"/> at once.</summary>
    public CsvWriter(TextWriter target, IReadOnlyList<string> header)
    {
        if (header.Count == 0)
        {
            throw new ArgumentException("a CSV header needs at least one column", nameof(header));
        }

        if (header.Distinct(StringComparer.Ordinal).Count() != header.Count)
        {
            throw new ArgumentException("column names must be distinct", nameof(header));
        }

        this.target = target;
        columns = header.Count;
        WriteFields(header);
    }

    /// <summary>Writes one row; it must have as many fields as the header.</summary>
    public void WriteRow(IReadOnlyList<string> fields)
    {
        if (fields.Count != columns)
        {
            throw new ArgumentException($"the row has {fields.Count} fields but the header has {columns}", nameof(fields));
        }

        WriteFields(fields);
    }

    private void WriteFields(IReadOnlyList<string> fields)
    {
        for (int i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                target.Write(',');
            }

            var field = fields[i];
            if (field.Contains('\uFFFD', StringComparison.Ordinal))
            {
                throw new ArgumentException($"field {i + 1} holds U+FFFD, which CsvReader refuses as a decoding error", nameof(fields));
            }

            if (field.IndexOfAny(NeedsQuoting) >= 0 || (i == 0 && field.StartsWith('\uFEFF')))
            {
                target.Write('"');
                target.Write(field.Replace("\"", "\"\"", StringComparison.Ordinal));
                target.Write('"');
            }
            else
            {
                target.Write(field);
            }
        }

        target.Write('\n');
    }
}
