using System.Text;
using Backtest.IO.Csv;
using Backtest.Testing.Fuzz;

namespace Backtest.IO.Tests.Csv;

public class CsvFuzzTests
{
    private static readonly byte[][] Seeds =
    [
        Encoding.UTF8.GetBytes("date,open,close\r\n2020-01-01,1.5,2\r\n2020-01-02,,\r\n"),
        Encoding.UTF8.GetBytes("a,b,c\n\"x,y\",\"multi\nline\",\"say \"\"hi\"\"\"\n1,2,3\n\"\",,\"\"\n"),
        Encoding.UTF8.GetBytes("\uFEFF\"timestamp\",\"supply\"\n\"1560542488000\",\"50000000\"\n\"1561925053000\",\"51321143.18170629\""),
    ];

    private static int ReadAll(byte[] input)
    {
        using var reader = new CsvReader(new MemoryStream(input), "fuzz.csv");
        int rows = 0;
        while (reader.Read())
        {
            Assert.Equal(reader.Header.Count, reader.Fields.Count);
            rows++;
        }

        return rows;
    }

    [Fact]
    public async Task MalformedInputsEndInRowsOrADataFileExceptionNeverAnotherExceptionOrAHang()
    {
        // A hang fails the test through the timeout instead of stalling the run.
        var (accepted, refused) = await Task.Run(() => new InputFuzzer(seed: 4180).Run(Seeds, cases: 6000, input => ReadAll(input)))
            .WaitAsync(TimeSpan.FromSeconds(60));

        // Both outcomes must be common, or the mutations are not reaching the parser's branches.
        Assert.True(accepted > 500 && refused > 500, $"accepted {accepted}, refused {refused}");
    }
}
