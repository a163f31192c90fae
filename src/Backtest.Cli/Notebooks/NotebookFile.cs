using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Backtest.Cli.Notebooks;

/// <summary>
/// Reads and writes notebook files. Reading accepts nbformat 4 (any minor version) whose kernel
/// is Polyglot Notebooks' C# kernel (<c>metadata.kernelspec.name</c> = <c>.net-csharp</c>) and
/// whose code cells are C#, and refuses anything else with a <see cref="NotebookFormatException"/>
/// naming the field. Writing produces nbformat 4.5 the way Jupyter lays it out (keys sorted,
/// one-space indent, multi-line text as arrays of lines, a final newline), so the same notebook
/// always gives the same bytes.
/// </summary>
internal static partial class NotebookFile
{
    /// <summary>Polyglot Notebooks' kernel name for a notebook whose default language is C#.</summary>
    public const string CSharpKernel = ".net-csharp";

    /// <summary>The language name Polyglot Notebooks records on C# cells.</summary>
    public const string CSharpLanguage = "csharp";

    private static readonly string[] RootKeys = ["cells", "metadata", "nbformat", "nbformat_minor"];
    private static readonly string[] CodeKeys = ["id", "cell_type", "metadata", "source", "outputs", "execution_count"];
    private static readonly string[] TextKeys = ["id", "cell_type", "metadata", "source", "attachments"];

    /// <summary>Language markers Polyglot Notebooks accepts at the top of a C# cell.</summary>
    private static readonly string[] CSharpMarkers = ["#!csharp", "#!c#", "#!C#"];

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        IndentSize = 1,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Notebook Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new NotebookFormatException(path, null, "file not found", inner: e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new NotebookFormatException(path, null, $"cannot be read: {e.Message}", inner: e);
        }

        return Parse(text, path);
    }

    /// <summary>Parses and checks a notebook; <paramref name="file"/> names it in errors.</summary>
    public static Notebook Parse(string text, string file)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            int? line = e.LineNumber is { } l ? (int)l + 1 : null;
            throw new NotebookFormatException(file, null, $"not valid JSON: {FirstSentence(e.Message)}", line, e);
        }

        var reader = new Reader(file);
        var notebook = reader.Object(root, "the file");
        reader.OnlyKeys(notebook, RootKeys, null);
        int major = reader.Integer(notebook, "nbformat", null);
        if (major != Notebook.Format)
        {
            throw new NotebookFormatException(file, "nbformat", $"is {major}; the runner reads nbformat {Notebook.Format} (convert the notebook with Jupyter first)");
        }

        int minor = reader.Integer(notebook, "nbformat_minor", null);
        if (minor < 0)
        {
            throw new NotebookFormatException(file, "nbformat_minor", $"is {minor}; it must be 0 or more");
        }

        var metadata = reader.Object(reader.Required(notebook, "metadata", null), "metadata");
        CheckKernel(reader, metadata);
        var cellNodes = reader.Required(notebook, "cells", null) as JsonArray
            ?? throw new NotebookFormatException(file, "cells", "must be an array of cells");

        var cells = new List<NotebookCell>(cellNodes.Count);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < cellNodes.Count; i++)
        {
            cells.Add(ReadCell(reader, cellNodes[i], i + 1, ids));
        }

        return new Notebook((JsonObject)metadata.DeepClone(), AssignMissingIds(cells, ids));
    }

    /// <summary>The notebook as nbformat 4.5 JSON text.</summary>
    public static string Serialize(Notebook notebook)
    {
        var root = new JsonObject
        {
            ["cells"] = new JsonArray([.. notebook.Cells.Select(CellNode)]),
            ["metadata"] = notebook.Metadata.DeepClone(),
            ["nbformat"] = Notebook.Format,
            ["nbformat_minor"] = Notebook.FormatMinor,
        };
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteSorted(writer, root);
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Writes the notebook through a temporary file renamed over <paramref name="path"/>, so a reader never sees half a file.</summary>
    public static void Write(string path, Notebook notebook)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder))
        {
            throw new InputException($"the folder \"{folder}\" does not exist", key: "--out");
        }

        var temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        File.WriteAllText(temporary, Serialize(notebook), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>
    /// The cell's source as C# for the script session: a leading Polyglot language marker
    /// (<c>#!csharp</c>) becomes an empty line so line numbers in errors match the cell.
    /// </summary>
    public static string ScriptText(NotebookCell cell)
    {
        var lines = cell.Source.Split('\n');
        if (lines.Length > 0 && CSharpMarkers.Contains(lines[0].TrimEnd()))
        {
            lines[0] = string.Empty;
        }

        return string.Join('\n', lines);
    }

    /// <summary>Splits text after each newline, as nbformat stores multi-line strings (no trailing empty line).</summary>
    public static JsonArray Lines(string text)
    {
        var lines = new JsonArray();
        int start = 0;
        while (start < text.Length)
        {
            int end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end + 1;
            lines.Add(text[start..end]);
            start = end;
        }

        return lines;
    }

    private static void CheckKernel(Reader reader, JsonObject metadata)
    {
        var kernelspec = reader.Object(reader.Required(metadata, "kernelspec", "metadata"), "metadata.kernelspec");
        var name = reader.String(reader.Required(kernelspec, "name", "metadata.kernelspec"), "metadata.kernelspec.name");
        if (name != CSharpKernel)
        {
            throw new NotebookFormatException(reader.File, "metadata.kernelspec.name", $"is '{name}'; the runner executes Polyglot C# notebooks ('{CSharpKernel}')");
        }
    }

    private static NotebookCell ReadCell(Reader reader, JsonNode? node, int number, HashSet<string> ids)
    {
        string where = $"cell {number}";
        var cell = reader.Object(node, where);
        var type = reader.String(reader.Required(cell, "cell_type", where), $"{where} cell_type");
        var kind = type switch
        {
            "code" => CellKind.Code,
            "markdown" => CellKind.Markdown,
            "raw" => CellKind.Raw,
            _ => throw new NotebookFormatException(reader.File, $"{where} cell_type", $"is '{type}'; nbformat 4 cells are 'code', 'markdown' or 'raw'"),
        };
        reader.OnlyKeys(cell, kind == CellKind.Code ? CodeKeys : TextKeys, where);
        var metadata = reader.Object(reader.Required(cell, "metadata", where), $"{where} metadata");
        var source = reader.MultilineString(reader.Required(cell, "source", where), $"{where} source");
        string id = string.Empty;
        if (cell["id"] is { } idNode)
        {
            id = reader.String(idNode, $"{where} id");
            if (!CellIdPattern().IsMatch(id))
            {
                throw new NotebookFormatException(reader.File, $"{where} id", $"'{id}' is not a cell id: 1 to 64 letters, digits, '-' or '_'");
            }

            if (!ids.Add(id))
            {
                throw new NotebookFormatException(reader.File, $"{where} id", $"'{id}' is used by an earlier cell; cell ids must be unique");
            }
        }

        JsonObject? attachments = null;
        if (cell["attachments"] is { } attachmentNode)
        {
            attachments = (JsonObject)reader.Object(attachmentNode, $"{where} attachments").DeepClone();
        }

        if (kind == CellKind.Code)
        {
            if (cell["outputs"] is { } outputs && outputs is not JsonArray)
            {
                throw new NotebookFormatException(reader.File, $"{where} outputs", "must be an array");
            }

            if (cell["execution_count"] is { } count && !(count is JsonValue value && value.TryGetValue<long>(out var n) && n >= 0))
            {
                throw new NotebookFormatException(reader.File, $"{where} execution_count", "must be a non-negative integer or null");
            }

            CheckLanguage(reader, metadata, where);
            CheckRunnable(reader, source, where);
        }

        return new NotebookCell(id, kind, source, (JsonObject)metadata.DeepClone(), attachments, Outputs: kind == CellKind.Code ? [] : null);
    }

    private static void CheckLanguage(Reader reader, JsonObject metadata, string where)
    {
        foreach (var (section, field) in new[] { ("dotnet_interactive", "language"), ("polyglot_notebook", "kernelName") })
        {
            if (metadata[section] is JsonObject settings && settings[field] is { } value)
            {
                var language = reader.String(value, $"{where} metadata.{section}.{field}");
                if (language != CSharpLanguage)
                {
                    throw new NotebookFormatException(reader.File, $"{where} metadata.{section}.{field}", $"is '{language}'; the runner executes C# cells only ('{CSharpLanguage}')");
                }
            }
        }
    }

    /// <summary>Refuses what Polyglot Notebooks would run but a plain C# script session cannot: other kernels' magic commands and NuGet references.</summary>
    private static void CheckRunnable(Reader reader, string source, string where)
    {
        var lines = source.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.StartsWith("#!", StringComparison.Ordinal) && !(i == 0 && CSharpMarkers.Contains(line)))
            {
                throw new NotebookFormatException(reader.File, $"{where} line {i + 1}", $"'{line}' is a Polyglot magic command; the runner executes plain C# (only '#!csharp' on the first line is accepted)");
            }

            if (line.StartsWith("#r", StringComparison.Ordinal) && line.Contains("\"nuget:", StringComparison.OrdinalIgnoreCase))
            {
                throw new NotebookFormatException(reader.File, $"{where} line {i + 1}", "NuGet package references are not supported; the engine's assemblies are referenced already (see docs/notebooks.md)");
            }
        }
    }

    /// <summary>Gives cells without an id (files before nbformat 4.5) one from their position, skipping ids already taken.</summary>
    private static List<NotebookCell> AssignMissingIds(List<NotebookCell> cells, HashSet<string> taken)
    {
        for (int i = 0; i < cells.Count; i++)
        {
            if (cells[i].Id.Length > 0)
            {
                continue;
            }

            var id = $"cell-{i + 1}";
            for (int suffix = 2; taken.Contains(id); suffix++)
            {
                id = $"cell-{i + 1}-{suffix}";
            }

            taken.Add(id);
            cells[i] = cells[i] with { Id = id };
        }

        return cells;
    }

    private static JsonObject CellNode(NotebookCell cell)
    {
        var node = new JsonObject
        {
            ["id"] = cell.Id,
            ["cell_type"] = cell.Kind switch { CellKind.Code => "code", CellKind.Markdown => "markdown", _ => "raw" },
            ["metadata"] = cell.Metadata.DeepClone(),
            ["source"] = Lines(cell.Source),
        };
        if (cell.Kind == CellKind.Code)
        {
            node["execution_count"] = cell.ExecutionCount;
            node["outputs"] = new JsonArray([.. (cell.Outputs ?? []).Select(OutputNode)]);
        }
        else if (cell.Attachments is not null)
        {
            node["attachments"] = cell.Attachments.DeepClone();
        }

        return node;
    }

    private static JsonObject OutputNode(CellOutput output) => output switch
    {
        StreamOutput stream => new JsonObject
        {
            ["output_type"] = "stream",
            ["name"] = stream.Name,
            ["text"] = Lines(stream.Text),
        },
        DisplayOutput display => DisplayNode(display),
        ErrorOutput error => new JsonObject
        {
            ["output_type"] = "error",
            ["ename"] = error.Name,
            ["evalue"] = error.Value,
            ["traceback"] = new JsonArray([.. error.Traceback.Select(line => (JsonNode)line)]),
        },
        _ => throw new ArgumentException($"unknown output {output.GetType().Name}", nameof(output)),
    };

    private static JsonObject DisplayNode(DisplayOutput display)
    {
        var data = new JsonObject();
        foreach (var (mime, content) in display.Data)
        {
            data[mime] = Lines(content);
        }

        var node = new JsonObject
        {
            ["output_type"] = display.IsResult ? "execute_result" : "display_data",
            ["data"] = data,
            ["metadata"] = new JsonObject(),
        };
        if (display.IsResult)
        {
            node["execution_count"] = display.ExecutionCount;
        }

        return node;
    }

    /// <summary>Writes a node with every object's keys in ordinal order, as Jupyter writes notebooks.</summary>
    private static void WriteSorted(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteSorted(writer, value);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteSorted(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.TrimEnd('.') : message[..end];
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex CellIdPattern();

    /// <summary>Typed access to the JSON tree that throws <see cref="NotebookFormatException"/> naming the field.</summary>
    private sealed class Reader(string file)
    {
        public string File { get; } = file;

        public JsonObject Object(JsonNode? node, string key) =>
            node as JsonObject ?? throw new NotebookFormatException(File, key, $"must be a JSON object, not {Describe(node)}");

        public JsonNode Required(JsonObject parent, string name, string? parentKey) =>
            parent[name] ?? throw new NotebookFormatException(File, parentKey is null ? name : $"{parentKey} {name}", parent.ContainsKey(name) ? "must not be null" : "is missing");

        public string String(JsonNode node, string key) =>
            node is JsonValue value && value.TryGetValue<string>(out var text)
                ? text
                : throw new NotebookFormatException(File, key, $"must be a string, not {Describe(node)}");

        public int Integer(JsonObject parent, string name, string? parentKey)
        {
            var node = Required(parent, name, parentKey);
            return node is JsonValue value && value.TryGetValue<int>(out var number)
                ? number
                : throw new NotebookFormatException(File, name, $"must be an integer, not {Describe(node)}");
        }

        /// <summary>A string or an array of strings (joined), as nbformat stores text.</summary>
        public string MultilineString(JsonNode node, string key)
        {
            if (node is JsonArray lines)
            {
                var text = new StringBuilder();
                for (int i = 0; i < lines.Count; i++)
                {
                    text.Append(lines[i] is { } line ? String(line, $"{key}[{i}]") : throw new NotebookFormatException(File, $"{key}[{i}]", "must be a string, not null"));
                }

                return text.ToString();
            }

            return node is JsonValue value && value.TryGetValue<string>(out var single)
                ? single
                : throw new NotebookFormatException(File, key, $"must be a string or an array of strings, not {Describe(node)}");
        }

        public void OnlyKeys(JsonObject obj, string[] allowed, string? where)
        {
            foreach (var (key, _) in obj)
            {
                if (!allowed.Contains(key))
                {
                    throw new NotebookFormatException(File, where is null ? key : $"{where} {key}", $"is not an nbformat 4 field here (allowed: {string.Join(", ", allowed)})");
                }
            }
        }

        private static string Describe(JsonNode? node) => node switch
        {
            null => "null",
            JsonObject => "an object",
            JsonArray => "an array",
            _ => node.GetValueKind() switch
            {
                JsonValueKind.String => "a string",
                JsonValueKind.Number => "a number",
                JsonValueKind.True or JsonValueKind.False => "a boolean",
                _ => "a value",
            },
        };
    }
}
