using System.Text.Json;
using System.Text.Json.Nodes;

namespace Backtest.Cli.Tests.Notebooks;

/// <summary>Builds small Polyglot C# notebooks for the tests and runs them through the command.</summary>
internal sealed class TestNotebook : IDisposable
{
    private readonly List<JsonObject> cells = [];

    public TestNotebook()
    {
        Folder = Directory.CreateTempSubdirectory("backtest-notebook-").FullName;
    }

    public string Folder { get; }

    public static JsonObject Kernel() => new()
    {
        ["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" },
    };

    public TestNotebook Code(string source)
    {
        cells.Add(new JsonObject
        {
            ["cell_type"] = "code",
            ["execution_count"] = null,
            ["metadata"] = new JsonObject { ["dotnet_interactive"] = new JsonObject { ["language"] = "csharp" } },
            ["outputs"] = new JsonArray(),
            ["source"] = source,
        });
        return this;
    }

    public TestNotebook Markdown(string source)
    {
        cells.Add(new JsonObject { ["cell_type"] = "markdown", ["metadata"] = new JsonObject(), ["source"] = source });
        return this;
    }

    public string Json() => new JsonObject
    {
        ["cells"] = new JsonArray([.. cells.Select(c => c.DeepClone())]),
        ["metadata"] = Kernel(),
        ["nbformat"] = 4,
        ["nbformat_minor"] = 4,
    }.ToJsonString();

    /// <summary>Writes the notebook as <paramref name="name"/> in <see cref="Folder"/> and returns its path.</summary>
    public string Save(string name = "test.ipynb")
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, Json());
        return path;
    }

    public static (int Code, string Out, string Err) Invoke(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = BacktestCli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs the notebook into <c>out.ipynb</c>; returns the exit code, stderr and the written notebook's cells.</summary>
    public (int Code, string Err, JsonArray Cells) Run(params string[] extra)
    {
        var output = Path.Combine(Folder, "out.ipynb");
        File.Delete(output);
        var (code, _, error) = Invoke(["notebook", "run", Save(), "--out", output, .. extra]);
        var written = File.Exists(output) ? JsonNode.Parse(File.ReadAllText(output))!["cells"]!.AsArray() : [];
        return (code, error, written);
    }

    /// <summary>A multi-line string field of nbformat (an array of lines) joined back.</summary>
    public static string Text(JsonNode? lines) => lines switch
    {
        JsonArray array => string.Concat(array.Select(l => l!.GetValue<string>())),
        JsonValue value => value.GetValue<string>(),
        _ => throw new JsonException("not a multi-line string"),
    };

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
