using Backtest.IO.Csv;
using FsCheck;
using FsCheck.Fluent;

namespace Backtest.IO.Tests.Csv;

public class CsvWriterTests
{
    private static string Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        var text = new StringWriter();
        var writer = new CsvWriter(text, header);
        foreach (var row in rows)
        {
            writer.WriteRow(row);
        }

        return text.ToString();
    }

    [Fact]
    public void QuotesOnlyFieldsThatNeedIt()
    {
        var text = Write(["date", "note"], [["2020-01-01", "plain"], ["2020-01-02", "a,b"], ["2020-01-03", "say \"hi\""], ["2020-01-04", "two\nlines"], ["2020-01-05", ""]]);
        Assert.Equal("date,note\n2020-01-01,plain\n2020-01-02,\"a,b\"\n2020-01-03,\"say \"\"hi\"\"\"\n2020-01-04,\"two\nlines\"\n2020-01-05,\n", text);
    }

    [Fact]
    public void RefusesRaggedRowsDuplicateColumnsAndTheReplacementCharacter()
    {
        Assert.Throws<ArgumentException>(() => Write(["a", "b"], [["1"]]));
        Assert.Throws<ArgumentException>(() => Write(["a", "a"], []));
        Assert.Throws<ArgumentException>(() => Write(["a"], [["\uFFFD"]]));
    }

    [Fact]
    public void WhatTheWriterWritesTheReaderReadsBackFieldForField()
    {
        var character = Gen.Elements('a', 'Z', '0', '.', '-', ' ', ',', '"', '\r', '\n', '\uFEFF', 'é', '€');
        var field = Gen.ArrayOf(character).Select(chars => new string(chars));
        var table =
            from columns in Gen.Choose(1, 5)
            from header in Gen.ArrayOf(field, columns).Where(h => h.Distinct().Count() == h.Length)
            from rowCount in Gen.Choose(0, 6)
            from rows in Gen.ArrayOf(Gen.ArrayOf(field, columns), rowCount)
            select (header, rows);

        var property = Prop.ForAll(table.ToArbitrary(), t =>
        {
            var text = Write(t.header, t.rows);
            using var reader = new CsvReader(new StringReader(text), "roundtrip.csv");
            var read = new List<string[]>();
            while (reader.Read())
            {
                read.Add([.. reader.Fields]);
            }

            return reader.Header.SequenceEqual(t.header) && read.Count == t.rows.Length && read.Zip(t.rows).All(p => p.First.SequenceEqual(p.Second));
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), property);
    }
}
