using System.Text;
using Backtest.IO.Csv;

namespace Backtest.IO.Tests.Csv;

public class CsvReaderTests
{
    private static List<string[]> ReadAll(string text, out IReadOnlyList<string> header)
    {
        using var reader = new CsvReader(new MemoryStream(Encoding.UTF8.GetBytes(text)), "t.csv");
        header = reader.Header;
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add([.. reader.Fields]);
        }

        return rows;
    }

    private static DataFileException Refused(string text) =>
        Assert.Throws<DataFileException>(() => ReadAll(text, out _));

    [Fact]
    public void ReadsHeaderAndRowsWithLfOrCrlfAndWithoutAFinalLineBreak()
    {
        var rows = ReadAll("a,b\r\n1,2\n3,4", out var header);
        Assert.Equal(["a", "b"], header);
        Assert.Equal([["1", "2"], ["3", "4"]], rows);
    }

    [Fact]
    public void QuotedFieldsHoldCommasLineBreaksAndDoubledQuotes()
    {
        var rows = ReadAll("a,b\n\"x,y\",\"line1\nline2 \"\"q\"\"\"\n\"\",plain\n", out _);
        Assert.Equal([["x,y", "line1\nline2 \"q\""], ["", "plain"]], rows);
    }

    [Fact]
    public void EmptyFieldsAreKeptAsEmptyStrings()
    {
        var rows = ReadAll("a,b,c\n,,\n1,,3\n", out _);
        Assert.Equal([["", "", ""], ["1", "", "3"]], rows);
    }

    [Fact]
    public void LineIsWhereTheRecordStartsCountingLineBreaksInsideQuotes()
    {
        using var reader = new CsvReader(new StringReader("a,b\n\"1\n2\n3\",x\n4,y\n"), "t.csv");
        Assert.Equal(1, reader.Line);
        Assert.True(reader.Read());
        Assert.Equal(2, reader.Line);
        Assert.True(reader.Read());
        Assert.Equal(5, reader.Line);
        Assert.False(reader.Read());
    }

    [Fact]
    public void ALeadingByteOrderMarkIsSkipped()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("\"ts\",\"v\"\n\"1\",\"2\"\n")).ToArray();
        using var reader = new CsvReader(new MemoryStream(bytes), "t.csv");
        Assert.Equal(["ts", "v"], reader.Header);
    }

    [Fact]
    public void AnEmptyFileHasNoHeader()
    {
        var e = Refused(string.Empty);
        Assert.Equal(("t.csv", 1, "header"), (e.File, e.Line, e.Key));
    }

    [Fact]
    public void ADuplicateColumnNameIsRefused()
    {
        var e = Refused("date,close,close\n");
        Assert.Equal((1, "close"), (e.Line, e.Key));
        Assert.Contains("duplicate", e.Reason);
    }

    [Fact]
    public void ARowWithTooFewFieldsNamesTheFirstMissingColumn()
    {
        var e = Refused("date,open,close\n2020-01-01,1,2\n2020-01-02,1\n");
        Assert.Equal("t.csv:3: close: the row has 2 fields but the header has 3", e.Message);
    }

    [Fact]
    public void ARowWithTooManyFieldsNamesTheExtraColumn()
    {
        var e = Refused("a,b\n1,2,3\n");
        Assert.Equal((2, "column 3"), (e.Line, e.Key));
    }

    [Fact]
    public void ABlankLineIsARaggedRow()
    {
        var e = Refused("a,b\n1,2\n\n3,4\n");
        Assert.Equal((3, "b"), (e.Line, e.Key));
    }

    [Fact]
    public void ABlankLineIsAnEmptyFieldWhenTheHeaderHasOneColumn()
    {
        Assert.Equal([[""], ["x"]], ReadAll("a\n\nx\n", out _));
    }

    [Fact]
    public void AQuoteInsideAnUnquotedFieldIsRefused()
    {
        var e = Refused("a,b\n1,2\"3\n");
        Assert.Equal((2, "b"), (e.Line, e.Key));
        Assert.Contains("quote inside an unquoted field", e.Reason);
    }

    [Fact]
    public void TextAfterAClosingQuoteIsRefused()
    {
        var e = Refused("a,b\n\"1\"x,2\n");
        Assert.Equal((2, "a"), (e.Line, e.Key));
        Assert.Contains("after a closing quote", e.Reason);
    }

    [Fact]
    public void AnUnclosedQuoteNamesTheLineItOpensOn()
    {
        var e = Refused("a,b\n1,2\n3,\"open\n\n");
        Assert.Equal((3, "b"), (e.Line, e.Key));
        Assert.Contains("not closed", e.Reason);
    }

    [Fact]
    public void ACarriageReturnWithoutLineFeedIsRefused()
    {
        var e = Refused("a,b\n1,2\r3,4\n");
        Assert.Equal((2, "b"), (e.Line, e.Key));
        Assert.Contains("carriage return", e.Reason);
    }

    [Fact]
    public void InvalidUtf8IsRefusedOnItsOwnLine()
    {
        var bytes = Encoding.UTF8.GetBytes("a,b\n1,2\n3,4\n5,x").Concat(new byte[] { 0xC3, 0x28, (byte)'\n' }).ToArray();
        var e = Assert.Throws<DataFileException>(() =>
        {
            using var reader = new CsvReader(new MemoryStream(bytes), "t.csv");
            while (reader.Read())
            {
            }
        });
        Assert.Equal((4, "b"), (e.Line, e.Key));
        Assert.Contains("UTF-8", e.Reason);
    }

    [Fact]
    public void OpeningAMissingFileNamesIt()
    {
        var path = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.csv");
        var e = Assert.Throws<DataFileException>(() => CsvReader.Open(path));
        Assert.Equal(path, e.File);
        Assert.Contains("not found", e.Reason);
    }

    [Fact]
    public void ErrorNamesTheCurrentLineAndColumn()
    {
        using var reader = new CsvReader(new StringReader("date,close\n2020-01-01,abc\n"), "data/x.csv");
        Assert.True(reader.Read());
        var e = reader.Error(1, "\"abc\" is not a number");
        Assert.Equal("data/x.csv:2: close: \"abc\" is not a number", e.Message);
        Assert.Equal(1, reader.IndexOf("close"));
        Assert.Equal(-1, reader.IndexOf("open"));
    }
}
