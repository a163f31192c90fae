namespace Backtest.Cli.Tests;

public class CliContractTests
{
    internal static (int Code, string Out, string Err) Invoke(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = BacktestCli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void HelpListsTheCommandsAndSucceeds()
    {
        var (code, output, _) = Invoke("--help");
        Assert.Equal(BacktestCli.Ok, code);
        Assert.Contains("run", output);
        Assert.Contains("conformance", output);
        Assert.Contains("data", output);
        Assert.Contains("inspect", output);
        Assert.Contains("runs", output);
        Assert.Contains("bench", output);
        Assert.DoesNotContain("bench-worker", output);
    }

    [Fact]
    public void VersionPrintsTheEngineVersion()
    {
        var (code, output, _) = Invoke("--version");
        Assert.Equal(BacktestCli.Ok, code);
        Assert.Equal(BacktestCli.Version, output.Trim());
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("run", "--no-such-option")]
    [InlineData("conformance")]
    [InlineData("bench", "--rounds", "0")]
    [InlineData("bench", "--baseline", "HEAD~1", "--rounds", "4")]
    [InlineData("bench", "--list", "--baseline", "HEAD")]
    [InlineData("bench", "--bogus")]
    [InlineData("bench", "--rounds", "many")]
    [InlineData("runs")]
    [InlineData("runs", "compare", "1")]
    [InlineData("bench-worker", "/no/such/Backtest.Benchmarks.dll")]
    public void BadArgumentsGiveOneLineAndExitCode2(params string[] args)
    {
        var (code, _, error) = Invoke(args);
        Assert.Equal(BacktestCli.BadInput, code);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.StartsWith("backtest: error: ", error);
    }

    [Fact]
    public void AMissingStudyFileIsBadInputNamingTheFile()
    {
        var (code, _, error) = Invoke("run", "no/such/study.yaml");
        Assert.Equal(BacktestCli.BadInput, code);
        Assert.Contains("no/such/study.yaml", error);
    }

    [Fact]
    public void AnUnexpectedFailureIsOneLineAndExitCode1NotACrash()
    {
        // Output that fails mid-command (a closed pipe, a full disk) is not bad input.
        var stderr = new StringWriter();
        var code = BacktestCli.Run(["inspect", "--help"], new FailingWriter(), stderr);
        Assert.Equal(BacktestCli.Failed, code);
        Assert.StartsWith("backtest: internal error: IOException: the pipe is closed", stderr.ToString());
    }

    private sealed class FailingWriter : TextWriter
    {
        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

        public override void Write(char value) => throw new IOException("the pipe is closed");
    }
}
