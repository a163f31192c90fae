using System.Text;

namespace Backtest.IO.Csv;

/// <summary>
/// A strict reader of RFC 4180 CSV with a required header row. Fields are separated by commas;
/// a field may be quoted with <c>"</c>, inside which commas, line breaks and doubled quotes
/// (<c>""</c>) stand for themselves. Records end with CRLF or LF (the one leniency beyond the
/// RFC, which names only CRLF); the last record may lack a line break. Everything else is refused
/// with a <see cref="DataFileException"/> naming the file, the 1-based line and the column:
/// a quote inside an unquoted field, text after a closing quote, an unclosed quote, a carriage
/// return without a line feed, a row whose field count differs from the header's (a blank line
/// counts as a row with one empty field), a duplicate column name, and text that is
/// not valid UTF-8 (found as the replacement character U+FFFD, which no data file has reason to
/// hold, so the error points at the exact line). A leading byte-order mark is skipped.
/// </summary>
public sealed class CsvReader : IDisposable
{
    private const int EndOfInput = -1;

    private const char Replacement = '\uFFFD';

    // Invalid bytes decode to U+FFFD and are refused where the parser meets them, so the error
    // names the line they are on (a throwing decoder fails a whole buffer ahead of the parser).
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly TextReader source;
    private readonly char[] buffer = new char[16 * 1024];
    private readonly List<string> fields = [];
    private readonly StringBuilder text = new();
    private string[]? header;
    private int position;
    private int filled;
    private int physicalLine = 1;

    /// <summary>Reads CSV text from <paramref name="source"/>; <paramref name="file"/> names it in errors.</summary>
    public CsvReader(TextReader source, string file)
    {
        this.source = source;
        File = file;
        if (Peek() == '\uFEFF')
        {
            position++;
        }

        if (!ReadFields())
        {
            throw new DataFileException(file, 1, "header", "the file is empty; a header row is required");
        }

        header = [.. fields];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < header.Length; i++)
        {
            if (!seen.Add(header[i]))
            {
                throw new DataFileException(file, Line, ColumnName(i), "duplicate column name in the header");
            }
        }
    }

    /// <summary>Reads UTF-8 CSV from <paramref name="stream"/>; <paramref name="file"/> names it in errors.</summary>
    public CsvReader(Stream stream, string file)
        : this(new StreamReader(stream, Utf8, detectEncodingFromByteOrderMarks: false), file)
    {
    }

    /// <summary>The name the errors give for the input (normally its path).</summary>
    public string File { get; }

    /// <summary>The column names, in file order.</summary>
    public IReadOnlyList<string> Header => header!;

    /// <summary>The 1-based line on which the current record (or the header, before the first <see cref="Read"/>) starts.</summary>
    public int Line { get; private set; }

    /// <summary>The current record's fields, as many as the header has.</summary>
    public IReadOnlyList<string> Fields => fields;

    /// <summary>The current record's field in column <paramref name="column"/> (0-based).</summary>
    public string this[int column] => fields[column];

    /// <summary>Opens the UTF-8 file at <paramref name="path"/>; a missing or unreadable file is a <see cref="DataFileException"/>.</summary>
    public static CsvReader Open(string path)
    {
        Stream stream;
        try
        {
            stream = System.IO.File.OpenRead(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataFileException(path, null, null, "file not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(path, null, null, $"cannot be read: {e.Message}", e);
        }

        try
        {
            return new CsvReader(stream, path);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Advances to the next record; false at the end of the input.</summary>
    public bool Read()
    {
        if (!ReadFields())
        {
            return false;
        }

        if (fields.Count != header!.Length)
        {
            throw new DataFileException(File, Line, ColumnName(Math.Min(fields.Count, header.Length)), $"the row has {fields.Count} fields but the header has {header.Length}");
        }

        return true;
    }

    /// <summary>The 0-based index of the column named <paramref name="name"/>, or −1.</summary>
    public int IndexOf(string name) => Array.IndexOf(header!, name);

    /// <summary>An error at the current record's line in column <paramref name="column"/>.</summary>
    public DataFileException Error(int column, string reason) => new(File, Line, ColumnName(column), reason);

    public void Dispose() => source.Dispose();

    private string ColumnName(int column) =>
        header is not null && column < header.Length && header[column].Length > 0 ? header[column] : $"column {column + 1}";

    /// <summary>Parses one record into <see cref="fields"/>; false if the input ended before it began.</summary>
    private bool ReadFields()
    {
        fields.Clear();
        Line = physicalLine;
        if (Peek() == EndOfInput)
        {
            return false;
        }

        while (true)
        {
            text.Clear();
            int terminator = Peek() == '"' ? ReadQuoted() : ReadUnquoted();
            fields.Add(text.ToString());
            if (terminator != ',')
            {
                return true;
            }
        }
    }

    /// <summary>Reads an unquoted field and its terminator; returns ',' or the record end.</summary>
    private int ReadUnquoted()
    {
        while (true)
        {
            int c = Next();
            switch (c)
            {
                case ',':
                case EndOfInput:
                    return c;
                case '\n':
                    physicalLine++;
                    return c;
                case '\r':
                    return EndOfLineAfterCarriageReturn();
                case '"':
                    throw FieldError("a quote inside an unquoted field (quote the whole field and double the quote)");
                case Replacement:
                    throw FieldError(NotUtf8);
                default:
                    text.Append((char)c);
                    break;
            }
        }
    }

    /// <summary>Reads a quoted field (from its opening quote) and its terminator.</summary>
    private int ReadQuoted()
    {
        int openedOn = physicalLine;
        Next();
        while (true)
        {
            int c = Next();
            if (c == EndOfInput)
            {
                throw new DataFileException(File, openedOn, ColumnName(fields.Count), "a quoted field is not closed before the end of the file");
            }

            if (c == '"')
            {
                if (Peek() != '"')
                {
                    break;
                }

                Next();
            }
            else if (c == '\n')
            {
                physicalLine++;
            }
            else if (c == Replacement)
            {
                throw FieldError(NotUtf8);
            }

            text.Append((char)c);
        }

        int after = Next();
        switch (after)
        {
            case ',':
            case EndOfInput:
                return after;
            case '\n':
                physicalLine++;
                return after;
            case '\r':
                return EndOfLineAfterCarriageReturn();
            default:
                throw FieldError($"unexpected {Describe(after)} after a closing quote (expected a comma or the end of the line)");
        }
    }

    private int EndOfLineAfterCarriageReturn()
    {
        if (Next() != '\n')
        {
            throw FieldError("a carriage return not followed by a line feed");
        }

        physicalLine++;
        return '\n';
    }

    private const string NotUtf8 = "the text is not valid UTF-8 (or holds the replacement character U+FFFD)";

    private DataFileException FieldError(string reason) => new(File, physicalLine, ColumnName(fields.Count), reason);

    private static string Describe(int c) =>
        c is >= 0x20 and < 0x7F ? $"'{(char)c}'" : $"character U+{c:X4}";

    private int Peek()
    {
        if (position == filled && !Fill())
        {
            return EndOfInput;
        }

        return buffer[position];
    }

    private int Next()
    {
        int c = Peek();
        if (c != EndOfInput)
        {
            position++;
        }

        return c;
    }

    private bool Fill()
    {
        filled = source.Read(buffer, 0, buffer.Length);
        position = 0;
        return filled > 0;
    }
}
