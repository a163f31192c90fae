using System.Globalization;
using Backtest.IO;
using Backtest.IO.Csv;

namespace Backtest.Market.Data;

/// <summary>What a number field may hold besides being a number.</summary>
internal enum NumberRule
{
    /// <summary>Greater than zero: a price, a supply, an index level (a missing value is an empty field, never 0).</summary>
    Positive,

    /// <summary>Zero or more: a volume, a market capitalisation.</summary>
    NonNegative,
}

/// <summary>
/// Reads a tidy data file through <see cref="CsvReader"/>: checks the header against the
/// expected columns and parses fields into dates, instants and exact numbers, turning every
/// problem into a <see cref="DataFileException"/> at the current line and column.
/// </summary>
internal sealed class TidyReader
{
    private readonly CsvReader csv;

    public TidyReader(CsvReader csv, IReadOnlyList<string> columns)
    {
        this.csv = csv;
        var header = csv.Header;
        for (int i = 0; i < Math.Max(columns.Count, header.Count); i++)
        {
            string? problem = i >= header.Count ? "this column is missing from the header"
                : i >= columns.Count ? "unexpected column in the header"
                : header[i] != columns[i] ? $"the header has \"{Show(header[i])}\" where \"{columns[i]}\" belongs"
                : null;
            if (problem is not null)
            {
                var field = i < columns.Count ? columns[i] : Show(header[i]);
                throw new DataFileException(csv.File, csv.Line, field, $"{problem} (expected header: {string.Join(',', columns)})");
            }
        }
    }

    public string File => csv.File;

    public int Line => csv.Line;

    public bool Read() => csv.Read();

    public string ColumnName(int column) => csv.Header[column];

    public string Text(int column) => csv[column];

    public bool IsEmpty(int column) => csv[column].Length == 0;

    public DataFileException Error(int column, string reason) => csv.Error(column, reason);

    /// <summary>
    /// Whether the row is a gap: true if every column from <paramref name="firstValueColumn"/> on
    /// is empty, false if none is, an error if only some are.
    /// </summary>
    public bool IsGap(int firstValueColumn)
    {
        int empty = 0;
        int firstEmpty = -1;
        for (int i = firstValueColumn; i < csv.Header.Count; i++)
        {
            if (IsEmpty(i))
            {
                empty++;
                firstEmpty = firstEmpty < 0 ? i : firstEmpty;
            }
        }

        if (empty > 0 && empty < csv.Header.Count - firstValueColumn)
        {
            throw Error(firstEmpty, "empty while other values on the row are present (a gap leaves every value of the row empty)");
        }

        return empty > 0;
    }

    public DateOnly Date(int column)
    {
        var text = csv[column];
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw Error(column, $"\"{Show(text)}\" is not a date (YYYY-MM-DD expected)");
    }

    /// <summary>A month, named by its first day.</summary>
    public DateOnly Month(int column)
    {
        var date = Date(column);
        return date.Day == 1 ? date : throw Error(column, $"{csv[column]} is not the first day of a month (a month is dated by its first day)");
    }

    /// <summary>A UTC instant in the form 2023-03-11T08:30:00Z.</summary>
    public DateTime Timestamp(int column)
    {
        var text = csv[column];
        return DateTime.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw Error(column, $"\"{Show(text)}\" is not a UTC timestamp (YYYY-MM-DDTHH:MM:SSZ expected)");
    }

    /// <summary>A whole number of at most nine digits, at least <paramref name="minimum"/>.</summary>
    public int Integer(int column, int minimum)
    {
        var text = csv[column];
        if (text.Length is 0 or > 9 || !text.All(char.IsAsciiDigit))
        {
            throw Error(column, $"\"{Show(text)}\" is not a whole number (digits only, at most nine)");
        }

        int value = int.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return value >= minimum ? value : throw Error(column, $"{value} is below the minimum {minimum}");
    }

    public decimal Number(int column, NumberRule rule)
    {
        var text = csv[column];
        if (!PlainDecimal.TryParse(text, out var value, out var problem))
        {
            throw Error(column, problem);
        }

        return rule switch
        {
            NumberRule.Positive when value <= 0 => throw Error(column, $"{text} is not positive (a missing value is an empty field, never 0)"),
            NumberRule.NonNegative when value < 0 => throw Error(column, $"{text} is negative"),
            _ => value,
        };
    }

    /// <summary>Field text for a one-line error message: control characters escaped, cut to a readable length.</summary>
    public static string Show(string text) => DataFileException.Printable(text, maxLength: 40);
}
