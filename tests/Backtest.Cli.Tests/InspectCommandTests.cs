using System.Text.Json;
using Backtest.IO.Parquet;

namespace Backtest.Cli.Tests;

public sealed class InspectCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("backtest-inspect-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Out, string Err) Invoke(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = BacktestCli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private string WriteSample()
    {
        string path = Path.Combine(_dir, "sample.parquet");
        var schema = new ParquetSchema(
            ParquetColumn.Int64("path"),
            ParquetColumn.Decimal("balance", 9, nullable: true),
            ParquetColumn.Double("price"),
            ParquetColumn.Date("day"),
            ParquetColumn.Timestamp("at"),
            ParquetColumn.String("label", nullable: true));
        using var writer = ParquetWriter.Create(path, schema, new ParquetWriterOptions { Metadata = new Dictionary<string, string> { [ParquetWriter.ManifestKey] = "{\"seed\":7}" } });
        writer.Append(0, [long.MaxValue, -1L, 2L]);
        writer.Append(1, [-1_500_000_000L, 0L, 7L], [false, true, false]);
        writer.Append(2, [0.1, double.NaN, -0.0]);
        writer.Append(3, [ParquetValues.ToDays(new DateOnly(2024, 2, 29)), 0, -1]);
        writer.Append(4, [ParquetValues.ToMicros(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc)) + 6, 0L, -1L]);
        writer.Append(5, ["ä", null, ""]);
        writer.Close();
        return path;
    }

    [Fact]
    public void JsonGivesEveryValueExactly()
    {
        var (code, output, error) = Invoke("inspect", WriteSample(), "--json");
        Assert.Equal((BacktestCli.Ok, string.Empty), (code, error));
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal(3, root.GetProperty("rows").GetInt64());
        Assert.Equal("DECIMAL(18,9)", root.GetProperty("schema")[1].GetProperty("type").GetString());
        Assert.Equal("{\"seed\":7}", root.GetProperty("metadata").GetProperty(ParquetWriter.ManifestKey).GetString());
        var data = root.GetProperty("data");
        Assert.Equal(["9223372036854775807", "-1", "2"], data.GetProperty("path").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(["-1.500000000", null, "0.000000007"], data.GetProperty("balance").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? null : v.GetString()));
        Assert.Equal(["0.1", "NaN", "-0"], data.GetProperty("price").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal([19782, 0, -1], data.GetProperty("day").EnumerateArray().Select(v => v.GetInt32()));
        Assert.Equal(["1704164645000006", "0", "-1"], data.GetProperty("at").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(["ä", null, ""], data.GetProperty("label").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? null : v.GetString()));
        var chunk = root.GetProperty("row_groups")[0].GetProperty("columns")[1];
        Assert.Equal(1, chunk.GetProperty("null_count").GetInt64());
        Assert.Equal("-1.500000000", chunk.GetProperty("min").GetString());
    }

    [Fact]
    public void TheTableShowsSchemaMetadataRowGroupsAndRows()
    {
        var (code, output, _) = Invoke("inspect", WriteSample(), "--rows", "2");
        Assert.Equal(BacktestCli.Ok, code);
        Assert.Contains("balance                  DECIMAL(18,9) NULL", output);
        Assert.Contains("backtest.manifest = {\"seed\":7}", output);
        Assert.Contains("row group 0: 3 rows", output);
        Assert.Contains("rows (first 2 of 3; --rows N for more)", output);
        Assert.Contains("2024-01-02T03:04:05.000006Z", output);
        var rows = output[output.IndexOf("rows (first", StringComparison.Ordinal)..].TrimEnd().Split('\n');
        Assert.Equal(4, rows.Length); // the heading, the column names and two rows
        Assert.StartsWith("  9223372036854775807", rows[2]);
    }

    [Fact]
    public void ACorruptFileIsOneLineAndExitCode2()
    {
        string path = Path.Combine(_dir, "broken.parquet");
        var bytes = File.ReadAllBytes(WriteSample());
        File.WriteAllBytes(path, bytes[..^3]);
        var (code, output, error) = Invoke("inspect", path);
        Assert.Equal(BacktestCli.BadInput, code);
        Assert.Equal(string.Empty, output);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith($"backtest: error: {path}: ", error);

        (code, _, error) = Invoke("inspect", Path.Combine(_dir, "missing.parquet"));
        Assert.Equal(BacktestCli.BadInput, code);
        Assert.Contains("file not found", error);
    }
}
