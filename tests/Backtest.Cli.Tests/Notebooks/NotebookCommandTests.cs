using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using static Backtest.Cli.Tests.Notebooks.TestNotebook;

namespace Backtest.Cli.Tests.Notebooks;

public sealed class NotebookCommandTests : IDisposable
{
    private readonly TestNotebook notebook = new();

    public void Dispose() => notebook.Dispose();

    private static JsonArray Outputs(JsonArray cells, int index) => cells[index]!["outputs"]!.AsArray();

    private static string Kind(JsonNode? output) => output!["output_type"]!.GetValue<string>();

    private static string Data(JsonNode? output, string mime) => Text(output!["data"]![mime]);

    [Fact]
    public void StateCarriesFromCellToCell()
    {
        notebook.Code("using System.Numerics;\nrecord Point(int X, int Y);\nvar p = new Point(2, 3);")
            .Markdown("between")
            .Code("var q = p with { Y = 5 };\nBigInteger.Pow(q.Y, 2) + p.X");

        var (code, error, cells) = notebook.Run();

        Assert.Equal((BacktestCli.Ok, string.Empty), (code, error));
        Assert.Equal(1, cells[0]!["execution_count"]!.GetValue<int>());
        Assert.Empty(Outputs(cells, 0));
        Assert.Equal(2, cells[2]!["execution_count"]!.GetValue<int>());
        var result = Assert.Single(Outputs(cells, 2));
        Assert.Equal("execute_result", Kind(result));
        Assert.Equal(2, result!["execution_count"]!.GetValue<int>());
        Assert.Equal("27", Data(result, "text/plain"));
    }

    [Fact]
    public void ConsoleOutputOfTheCellAndOfTheThreadsItStartsIsCapturedInOrder()
    {
        notebook.Code("""
            Console.WriteLine("a");
            Console.Error.WriteLine("b");
            Console.Write("c\n");
            await Task.Run(() => Console.WriteLine("from a task"));
            Parallel.For(0, 2, i => { if (i == 1) Console.WriteLine("from a worker"); });
            display("shown");
            Console.WriteLine("last");
            """);

        var (code, _, cells) = notebook.Run();

        Assert.Equal(BacktestCli.Ok, code);
        var outputs = Outputs(cells, 0);
        Assert.Equal(["stream", "stream", "stream", "display_data", "stream"], outputs.Select(Kind));
        Assert.Equal(["stdout", "stderr", "stdout"], outputs.Take(3).Select(o => o!["name"]!.GetValue<string>()));
        Assert.Equal("a\n", Text(outputs[0]!["text"]));
        Assert.Equal("b\n", Text(outputs[1]!["text"]));
        Assert.Equal("c\nfrom a task\nfrom a worker\n", Text(outputs[2]!["text"]));
        Assert.Equal("shown", Data(outputs[3], "text/plain"));
        Assert.Equal("last\n", Text(outputs[4]!["text"]));
    }

    [Fact]
    public void AStatementCellShowsNothingAndAReturnedValueIsTheResult()
    {
        notebook.Code("var items = Enumerable.Range(1, 30).Select(i => new { i, square = i * i }).ToList();")
            .Code("items");

        var (code, _, cells) = notebook.Run();

        Assert.Equal(BacktestCli.Ok, code);
        Assert.Empty(Outputs(cells, 0));
        var table = Data(Assert.Single(Outputs(cells, 1)), "text/plain").Split('\n');
        Assert.Equal(" i  square", table[0]);
        Assert.Equal("--  ------", table[1]);
        Assert.Equal(" 1       1", table[2]);
        Assert.Equal("20     400", table[21]);
        Assert.Equal("(first 20 of 30 rows)", table[22]);
    }

    [Fact]
    public void ChartsAndSvgStringsAreSvgDisplayDataWithIdsUniqueInTheNotebook()
    {
        notebook.Code("""
            var chart = new Histogram { Title = "Losses", ValueAxis = new AxisSpec("Loss", "USD"), Values = [1.0, 2.0, 2.5, 4.0] };
            display(chart);
            display(chart.ToSvg("mine"));
            chart
            """)
            .Code("chart");

        var (code, _, cells) = notebook.Run();

        Assert.Equal(BacktestCli.Ok, code);
        var first = Outputs(cells, 0);
        Assert.Equal(["display_data", "display_data", "execute_result"], first.Select(Kind));
        var svgs = first.Append(Outputs(cells, 1).Single()).Select(o => Data(o, "image/svg+xml")).ToList();
        var roots = svgs.Select(svg => XDocument.Parse(svg).Root!).ToList();
        Assert.All(roots, root => Assert.Equal("{http://www.w3.org/2000/svg}svg", root.Name.ToString()));
        var ids = roots.Select(root => root.Attribute("aria-labelledby")!.Value.Split(' ')[0]).ToList();
        Assert.Equal(["cell1-chart1-title", "mine-title", "cell1-chart2-title", "cell2-chart1-title"], ids);
        Assert.Equal("Losses", Data(first[0], "text/plain"));
    }

    [Fact]
    public void AFailingCellStopsTheRunWithItsNumberAndTheErrorRecorded()
    {
        notebook.Code("Console.WriteLine(\"fine\");")
            .Markdown("the next cell fails")
            .Code("Console.WriteLine(\"partial\");\nthrow new InvalidOperationException(\"the reason\\nsecond line\");")
            .Code("Console.WriteLine(\"never\");");
        var path = notebook.Save();

        var (code, output, error) = Invoke("notebook", "run", path);

        Assert.Equal(BacktestCli.Failed, code);
        Assert.Equal("backtest: error: " + path + ": cell 3 failed: System.InvalidOperationException: the reason second line\n", error);
        Assert.Contains("stopped at cell 3", output);
        var cells = JsonNode.Parse(File.ReadAllText(path))!["cells"]!.AsArray();
        Assert.Equal("fine\n", Text(Outputs(cells, 0)[0]!["text"]));
        var failed = Outputs(cells, 2);
        Assert.Equal(["stream", "error"], failed.Select(Kind));
        Assert.Equal("System.InvalidOperationException", failed[1]!["ename"]!.GetValue<string>());
        Assert.Equal("the reason\nsecond line", failed[1]!["evalue"]!.GetValue<string>());
        var trace = failed[1]!["traceback"]!.AsArray().Select(l => l!.GetValue<string>()).ToList();
        Assert.Contains(trace, line => line.Contains("cell 3:line 2", StringComparison.Ordinal));
        Assert.DoesNotContain(trace, line => line.Contains("Microsoft.CodeAnalysis.Scripting", StringComparison.Ordinal));
        Assert.Null(cells[3]!["execution_count"]);
        Assert.Empty(Outputs(cells, 3));
    }

    [Fact]
    public void ACompileErrorNamesTheLineAndColumnWithinTheCell()
    {
        notebook.Code("#!csharp\nvar a = 1;\nint b = \"text\";");

        var (code, error, cells) = notebook.Run();

        Assert.Equal(BacktestCli.Failed, code);
        Assert.Contains("cell 1 does not compile: line 3, column 9: error CS0029", error);
        Assert.Single(error.TrimEnd().Split('\n'));
        var failure = Assert.Single(Outputs(cells, 0));
        Assert.Equal("CompilationError", failure!["ename"]!.GetValue<string>());
    }

    [Fact]
    public void ACellPastItsTimeBudgetIsReportedAndItsCancellationSignalled()
    {
        var marker = Path.Combine(notebook.Folder, "cancelled.txt");
        // The budget covers compiling the cell too: a first cell warms the compiler, so on a busy
        // machine the looping cell is not abandoned before its code starts.
        notebook.Code("1")
            .Code($"Console.WriteLine(\"started\");\nwhile (!CellCancellation.IsCancellationRequested) Thread.Sleep(20);\nFile.WriteAllText(@\"{marker}\", \"yes\");")
            .Code("Console.WriteLine(\"never\");");
        var clock = Stopwatch.StartNew();

        var (code, error, cells) = notebook.Run("--cell-timeout", "3");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"the run took {clock.Elapsed}");
        Assert.Equal(BacktestCli.Failed, code);
        Assert.Contains("cell 2 did not finish within its time budget of 3 s", error);
        Assert.Equal("TimeoutException", Outputs(cells, 1).Last()!["ename"]!.GetValue<string>());
        Assert.Null(cells[2]!["execution_count"]);
        var deadline = Stopwatch.StartNew();
        while (!File.Exists(marker) && deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            Thread.Sleep(20);
        }

        Assert.True(File.Exists(marker), "the abandoned cell never saw CellCancellation cancelled");
    }

    [Fact]
    public void OutputIsInTheInvariantCultureWhateverTheCallersCulture()
    {
        var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        comma.NumberFormat.NumberDecimalSeparator = ",";
        notebook.Code("Console.WriteLine(1.5);\n$\"{2.5}\"");
        var before = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = comma;
        try
        {
            var (code, _, cells) = notebook.Run();

            Assert.Equal(BacktestCli.Ok, code);
            Assert.Equal("1.5\n", Text(Outputs(cells, 0)[0]!["text"]));
            Assert.Equal("2.5", Data(Outputs(cells, 0)[1], "text/plain"));
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void RunningTwiceGivesTheSameBytesAndCheckAcceptsOnlyACurrentFile()
    {
        notebook.Markdown("# Title").Code("Console.WriteLine(\"x\");\nvar table = new[] { (a: 1, b: 0.1 + 0.2) };\ndisplay(table);\nnew LineChart { Title = \"t\", XAxis = AxisSpec.Steps(), YAxis = new AxisSpec(\"y\", \"\"), Series = [new LineSeries(\"s\", [0.0, 1, 2], [1.0, 3, 2])] }");
        var path = notebook.Save();

        Assert.Equal(BacktestCli.Ok, Invoke("notebook", "run", path).Code);
        var first = File.ReadAllBytes(path);
        Assert.Equal(BacktestCli.Ok, Invoke("notebook", "run", path).Code);
        Assert.Equal(first, File.ReadAllBytes(path));

        var (checkCode, _, checkError) = Invoke("notebook", "run", path, "--check");
        Assert.Equal((BacktestCli.Ok, string.Empty), (checkCode, checkError));
        Assert.Equal(first, File.ReadAllBytes(path));

        File.WriteAllText(path, File.ReadAllText(path).Replace("\"x\\n\"", "\"y\\n\"", StringComparison.Ordinal));
        var stale = File.ReadAllBytes(path);
        var (code, _, error) = Invoke("notebook", "run", path, "--check");
        Assert.Equal(BacktestCli.Failed, code);
        Assert.Contains("cell 2 differs from a fresh run", error);
        Assert.Equal(stale, File.ReadAllBytes(path));
    }

    [Fact]
    public void TheWrittenNotebookIsValidNbformat45WithEveryKindOfOutput()
    {
        notebook.Markdown("text").Code("Console.WriteLine(\"out\");\nConsole.Error.WriteLine(\"err\");\ndisplay(new Dictionary<string, int> { [\"k\"] = 1 });\n42")
            .Code(string.Empty)
            .Code("throw new Exception(\"stop\");")
            .Code("1");

        var (code, _, _) = notebook.Run();

        Assert.Equal(BacktestCli.Failed, code);
        var written = File.ReadAllText(Path.Combine(notebook.Folder, "out.ipynb"));
        Assert.Empty(Nbformat45.Violations(written));
        var kinds = JsonNode.Parse(written)!["cells"]!.AsArray().SelectMany(c => c!["outputs"]?.AsArray() ?? []).Select(Kind).ToHashSet();
        Assert.Equal(["stream", "display_data", "execute_result", "error"], kinds);
    }

    [Fact]
    public void TheValidatorFindsWhatBreaksTheSchema()
    {
        notebook.Code("1");
        notebook.Run();
        var root = JsonNode.Parse(File.ReadAllText(Path.Combine(notebook.Folder, "out.ipynb")))!;
        var cell = root["cells"]![0]!.AsObject();
        cell.Remove("id");
        cell["outputs"]![0]!.AsObject()["stray"] = 1;
        root["nbformat_minor"] = 4;

        var problems = Nbformat45.Violations(root.ToJsonString());

        Assert.Equal(["nbformat_minor: must be an integer of at least 5", "cells[0].id: is required", "cells[0].outputs[0].stray: is not allowed"], problems);
    }

    [Fact]
    public void ByDefaultTheNotebookIsReplacedKeepingSourcesMetadataAndMarkdown()
    {
        var path = Path.Combine(notebook.Folder, "in-place.ipynb");
        var original = new JsonObject
        {
            ["cells"] = new JsonArray(
                new JsonObject { ["cell_type"] = "markdown", ["id"] = "intro", ["metadata"] = new JsonObject { ["tags"] = new JsonArray("a") }, ["source"] = new JsonArray("# Ünïcode — title\n", "line two"), ["attachments"] = new JsonObject { ["x.png"] = new JsonObject { ["image/png"] = "AAAA" } } },
                new JsonObject { ["cell_type"] = "code", ["id"] = "compute", ["metadata"] = new JsonObject { ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" } }, ["execution_count"] = 9, ["outputs"] = new JsonArray(new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = "stale" }), ["source"] = "NotebookDirectory" }),
            ["metadata"] = new JsonObject { ["kernelspec"] = Kernel()["kernelspec"]!.DeepClone(), ["custom"] = new JsonObject { ["z"] = 1, ["a"] = 2 } },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        File.WriteAllText(path, original.ToJsonString());

        var (code, output, _) = Invoke("notebook", "run", path);

        Assert.Equal(BacktestCli.Ok, code);
        Assert.Contains($"wrote {path}", output);
        var written = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.True(JsonNode.DeepEquals(original["metadata"], written["metadata"]));
        var markdown = written["cells"]![0]!;
        Assert.True(JsonNode.DeepEquals(original["cells"]![0], markdown));
        var compute = written["cells"]![1]!;
        Assert.Equal("compute", compute["id"]!.GetValue<string>());
        Assert.Equal("NotebookDirectory", Text(compute["source"]));
        Assert.Equal(1, compute["execution_count"]!.GetValue<int>());
        Assert.Equal(notebook.Folder, Data(Assert.Single(compute["outputs"]!.AsArray()), "text/plain"));
    }

    [Fact]
    public void EmptyCellsAreNotRunAndMissingIdsAreGivenByPosition()
    {
        notebook.Code(string.Empty).Code("  \n").Code("1");

        var (code, _, cells) = notebook.Run();

        Assert.Equal(BacktestCli.Ok, code);
        Assert.Equal(["cell-1", "cell-2", "cell-3"], cells.Select(c => c!["id"]!.GetValue<string>()));
        Assert.Null(cells[0]!["execution_count"]);
        Assert.Null(cells[1]!["execution_count"]);
        Assert.Equal(1, cells[2]!["execution_count"]!.GetValue<int>());
    }

    [Fact]
    public void StreamOutputIsCutAtItsLimitAndSaysSo()
    {
        notebook.Code($"Console.Write(new string('x', {Backtest.Cli.Notebooks.CellOutputSink.MaxStreamChars + 10}));\nConsole.WriteLine(\"dropped\");");

        var (code, _, cells) = notebook.Run();

        Assert.Equal(BacktestCli.Ok, code);
        var text = Text(Assert.Single(Outputs(cells, 0))!["text"]);
        Assert.StartsWith(new string('x', Backtest.Cli.Notebooks.CellOutputSink.MaxStreamChars), text, StringComparison.Ordinal);
        Assert.EndsWith("output truncated after 200,000 characters\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("dropped", text, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "this is not json", "not valid JSON" },
        { """{"cells": [], "metadata": {}, "nbformat": 4, "nbformat": 4, "nbformat_minor": 5}""", "not valid JSON" },
        { """{"cells": [], "metadata": {"kernelspec": {"name": ".net-csharp", "display_name": "C#"}}, "nbformat": 3, "nbformat_minor": 0}""", "nbformat: is 3" },
        { """{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}""", "metadata kernelspec: is missing" },
        { """{"cells": [], "metadata": {"kernelspec": {"name": "python3", "display_name": "Python"}}, "nbformat": 4, "nbformat_minor": 5}""", "metadata.kernelspec.name: is 'python3'" },
        { """{"cells": {}, "metadata": {"kernelspec": {"name": ".net-csharp", "display_name": "C#"}}, "nbformat": 4, "nbformat_minor": 5}""", "cells: must be an array" },
        { """{"cells": [{"cell_type": "widget", "metadata": {}, "source": ""}], "metadata": {"kernelspec": {"name": ".net-csharp", "display_name": "C#"}}, "nbformat": 4, "nbformat_minor": 5}""", "cell 1 cell_type: is 'widget'" },
        { """{"cells": [{"cell_type": "code", "metadata": {}, "source": 7, "outputs": []}], "metadata": {"kernelspec": {"name": ".net-csharp", "display_name": "C#"}}, "nbformat": 4, "nbformat_minor": 5}""", "cell 1 source: must be a string or an array of strings, not a number" },
        { """{"cells": [{"cell_type": "markdown", "metadata": {}, "source": "", "outputs": []}], "metadata": {"kernelspec": {"name": ".net-csharp", "display_name": "C#"}}, "nbformat": 4, "nbformat_minor": 5}""", "cell 1 outputs: is not an nbformat 4 field here" },
        { """{"cells": [{"cell_type": "markdown", "id": "a", "metadata": {}, "source": ""}, {"cell_type": "markdown", "id": "a", "metadata": {}, "source": ""}], "metadata": {"kernelspec": {"name": ".net-csharp", "display_name": "C#"}}, "nbformat": 4, "nbformat_minor": 5}""", "cell 2 id: 'a' is used by an earlier cell" },
        { """{"cells": [{"cell_type": "code", "metadata": {"dotnet_interactive": {"language": "fsharp"}}, "source": "1", "outputs": []}], "metadata": {"kernelspec": {"name": ".net-csharp", "display_name": "C#"}}, "nbformat": 4, "nbformat_minor": 5}""", "cell 1 metadata.dotnet_interactive.language: is 'fsharp'" },
        { """{"cells": [{"cell_type": "code", "metadata": {}, "source": "#r \"nuget: Foo, 1.0\"", "outputs": []}], "metadata": {"kernelspec": {"name": ".net-csharp", "display_name": "C#"}}, "nbformat": 4, "nbformat_minor": 5}""", "cell 1 line 1: NuGet package references are not supported" },
        { """{"cells": [{"cell_type": "code", "metadata": {}, "source": "1\n#!time", "outputs": []}], "metadata": {"kernelspec": {"name": ".net-csharp", "display_name": "C#"}}, "nbformat": 4, "nbformat_minor": 5}""", "cell 1 line 2: '#!time' is a Polyglot magic command" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void AMalformedNotebookIsBadInputNamingWhatIsWrongAndRunsNothing(string json, string expected)
    {
        var path = Path.Combine(notebook.Folder, "bad.ipynb");
        File.WriteAllText(path, json);

        var (code, _, error) = Invoke("notebook", "run", path);

        Assert.Equal(BacktestCli.BadInput, code);
        Assert.StartsWith($"backtest: error: {path}", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Single(error.TrimEnd().Split('\n'));
        Assert.Equal(json, File.ReadAllText(path));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("NaN")]
    public void ANonPositiveTimeBudgetIsBadInput(string seconds)
    {
        notebook.Code("1");

        var (code, _, error) = Invoke("notebook", "run", notebook.Save(), "--cell-timeout", seconds);

        Assert.Equal(BacktestCli.BadInput, code);
        Assert.Contains("--cell-timeout", error);
    }

    [Fact]
    public void AMissingFileIsBadInput()
    {
        var (code, _, error) = Invoke("notebook", "run", Path.Combine(notebook.Folder, "none.ipynb"));

        Assert.Equal(BacktestCli.BadInput, code);
        Assert.Contains("none.ipynb: file not found", error);
    }
}
