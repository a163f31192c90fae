using Backtest.Cli.Notebooks;
using Backtest.IO.Parquet;
using Backtest.IO.Tables;
using Backtest.Reports.Charts;
using Backtest.Reports.Data;

namespace Backtest.Cli.Tests.Notebooks;

public sealed class DisplayFormatterTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("backtest-display-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static string[] Lines(object value) => DisplayFormatter.Text(value).TrimEnd('\n').Split('\n');

    [Fact]
    public void AParquetTableShowsItsFirstRowsExactlyWithNumbersRightAligned()
    {
        var path = Path.Combine(folder, "t.parquet");
        var schema = new ParquetSchema(ParquetColumn.Int64("path"), ParquetColumn.Decimal("capital", 9, nullable: true), ParquetColumn.String("name"));
        using (var writer = ParquetWriter.Create(path, schema))
        {
            writer.Append(0, [.. Enumerable.Range(0, 25).Select(i => (long)i)]);
            writer.Append(1, [.. Enumerable.Range(0, 25).Select(i => i * 1_500_000_000L)], [.. Enumerable.Range(0, 25).Select(i => i == 1)]);
            writer.Append(2, [.. Enumerable.Range(0, 25).Select(i => (string?)$"n{i}")]);
            writer.Close();
        }

        using var reader = ParquetReader.Open(path);
        var lines = Lines(reader.ReadTable());

        Assert.Equal("path       capital  name", lines[0]);
        Assert.Equal("----  ------------  ----", lines[1]);
        Assert.Equal("   0   0.000000000  n0", lines[2]);
        Assert.Equal("   1          null  n1", lines[3]);
        Assert.Equal("  19  28.500000000  n19", lines[21]);
        Assert.Equal("(first 20 of 25 rows)", lines[22]);
        Assert.Equal(23, lines.Length);

        var file = Lines(reader);
        Assert.Equal("t.parquet: 25 rows in 1 row group(s)", file[0]);
        Assert.Equal("capital  DECIMAL(18,9)  yes", file[4]);
    }

    [Fact]
    public void ColumnAndReportTablesShowAmountsAndDatesExactly()
    {
        var columns = new[] { ColumnSpec.Amount("amount", "a"), ColumnSpec.Date("day", "d"), ColumnSpec.Double("p", "p") };
        var table = new ColumnTable(columns, 2);
        table.Int64("amount")[0] = 1_500_000_000;
        table.Int64("amount")[1] = -7;
        table.Int32("day")[0] = ParquetValues.ToDays(new DateOnly(2019, 11, 4));
        table.Double("p")[0] = 0.1 + 0.2;

        Assert.Equal(["      amount  day                           p", "------------  ----------  -------------------", "         1.5  2019-11-04  0.30000000000000004", "-0.000000007  1970-01-01                    0", "(2 rows)"], Lines(table));

        var report = new DataTable("summary", [DataColumn.Texts("tier", "t", ["SURE-BTC"]), DataColumn.Amounts("mean", "m", "USD", [25_000_000_000_000_000L])]);
        Assert.Equal(["tier          mean", "--------  --------", "SURE-BTC  25000000", "(1 row)"], Lines(report));
    }

    [Fact]
    public void SequencesOfRecordsTuplesAndValuesBecomeTables()
    {
        Assert.Equal(["Name   Value", "-----  -----", "alpha    0.5", "(1 row)"], Lines(new List<Sample> { new("alpha", 0.5) }));
        Assert.Equal(["Item1  Item2", "-----  -----", "    1  true", "(1 row)"], Lines(new[] { (1, true) }));
        Assert.Equal(["value", "-----", "    3", "   10", "(2 rows)"], Lines(new[] { 3, 10 }));
        Assert.Equal(["key  value", "---  ------", "a    [1, 2]", "(1 row)"], Lines(new Dictionary<string, int[]> { ["a"] = [1, 2] }));
        Assert.Equal("(first 20 rows; the rest not counted)", Lines(Enumerable.Range(0, 1_000_000).Select(i => i))[^1]);
        Assert.Equal("[1, 2, 3, 4, 5, …]", DisplayFormatter.Scalar(Enumerable.Range(1, 100)));
    }

    [Fact]
    public void ValuesAreInvariantText()
    {
        Assert.Equal("0.30000000000000004", DisplayFormatter.Scalar(0.1 + 0.2));
        Assert.Equal("2019-11-04", DisplayFormatter.Scalar(new DateOnly(2019, 11, 4)));
        Assert.Equal("2019-11-04T12:30:00", DisplayFormatter.Scalar(new DateTime(2019, 11, 4, 12, 30, 0)));
        Assert.Equal("true", DisplayFormatter.Scalar(true));
        Assert.Equal("1234567.5", DisplayFormatter.Scalar(1234567.5m));
        Assert.Equal("Sample { Name = a, Value = 1 }", DisplayFormatter.Text(new Sample("a", 1)));
    }

    [Fact]
    public void ChartsAndSvgDocumentsAreImagesAndNullShowsNothing()
    {
        var chart = new BarChart { Title = "Bars", Categories = ["a"], CategoryTitle = "c", ValueAxis = new AxisSpec("v", ""), Series = [new BarSeries("s", [1.0])] };
        var bundle = DisplayFormatter.Format(chart, () => "x1")!;
        Assert.Equal(["image/svg+xml", "text/plain"], bundle.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(chart.ToSvg("x1"), bundle["image/svg+xml"]);
        Assert.Equal("Bars", bundle["text/plain"]);

        Assert.True(DisplayFormatter.IsSvgDocument("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>\n"));
        Assert.False(DisplayFormatter.IsSvgDocument("<svg> is how a chart starts"));
        Assert.Equal(["text/plain"], DisplayFormatter.Format("<svg> is how a chart starts", () => "unused")!.Keys);
        Assert.Null(DisplayFormatter.Format(null, () => "unused"));
    }

    [Fact]
    public void LongAndMultiLineCellsAreFlattenedAndCut()
    {
        var line = Lines(new[] { new Sample(new string('a', 100) + "\nb", 1) })[2];

        Assert.Equal(new string('a', TextTable.MaxCellWidth - 1) + "…      1", line);
    }

    private sealed record Sample(string Name, double Value);
}
