using System.Text.Json;
using System.Text.RegularExpressions;

namespace Backtest.Cli.Tests.Notebooks;

/// <summary>
/// The constraints of Jupyter's nbformat v4.5 JSON schema (nbformat/v4/nbformat.v4.5.schema.json)
/// on a notebook file, checked field by field: required and allowed keys of the notebook, of each
/// cell kind and each output kind, their types, cell ids (pattern, length, unique), execution
/// counts, multi-line strings and MIME bundles. Returns every violation as "path: problem".
/// </summary>
internal static partial class Nbformat45
{
    private static readonly Dictionary<string, (string[] Required, string[] Allowed)> Cells = new()
    {
        ["code"] = (["id", "cell_type", "metadata", "source", "outputs", "execution_count"], ["id", "cell_type", "metadata", "source", "outputs", "execution_count"]),
        ["markdown"] = (["id", "cell_type", "metadata", "source"], ["id", "cell_type", "metadata", "source", "attachments"]),
        ["raw"] = (["id", "cell_type", "metadata", "source"], ["id", "cell_type", "metadata", "source", "attachments"]),
    };

    private static readonly Dictionary<string, (string[] Required, string[] Allowed)> Outputs = new()
    {
        ["execute_result"] = (["output_type", "data", "metadata", "execution_count"], ["output_type", "data", "metadata", "execution_count"]),
        ["display_data"] = (["output_type", "data", "metadata"], ["output_type", "data", "metadata"]),
        ["stream"] = (["output_type", "name", "text"], ["output_type", "name", "text"]),
        ["error"] = (["output_type", "ename", "evalue", "traceback"], ["output_type", "ename", "evalue", "traceback"]),
    };

    public static List<string> Violations(string json)
    {
        var problems = new List<string>();
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (!Keys(root, "notebook", ["metadata", "nbformat_minor", "nbformat", "cells"], ["metadata", "nbformat_minor", "nbformat", "cells"], problems))
        {
            return problems;
        }

        if (!(root.GetProperty("nbformat").TryGetInt32(out var major) && major == 4))
        {
            problems.Add("nbformat: must be the integer 4");
        }

        if (!(root.GetProperty("nbformat_minor").TryGetInt32(out var minor) && minor >= 5))
        {
            problems.Add("nbformat_minor: must be an integer of at least 5");
        }

        var metadata = root.GetProperty("metadata");
        if (metadata.ValueKind != JsonValueKind.Object)
        {
            problems.Add("metadata: must be an object");
        }
        else if (metadata.TryGetProperty("kernelspec", out var kernelspec))
        {
            foreach (var field in new[] { "name", "display_name" })
            {
                if (!(kernelspec.ValueKind == JsonValueKind.Object && kernelspec.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String))
                {
                    problems.Add($"metadata.kernelspec.{field}: must be a string");
                }
            }
        }

        var cells = root.GetProperty("cells");
        if (cells.ValueKind != JsonValueKind.Array)
        {
            problems.Add("cells: must be an array");
            return problems;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        int index = 0;
        foreach (var cell in cells.EnumerateArray())
        {
            Cell(cell, $"cells[{index++}]", ids, problems);
        }

        return problems;
    }

    private static void Cell(JsonElement cell, string path, HashSet<string> ids, List<string> problems)
    {
        if (cell.ValueKind != JsonValueKind.Object || !cell.TryGetProperty("cell_type", out var type) || type.ValueKind != JsonValueKind.String || !Cells.TryGetValue(type.GetString()!, out var keys))
        {
            problems.Add($"{path}: must be an object with cell_type code, markdown or raw");
            return;
        }

        Keys(cell, path, keys.Required, keys.Allowed, problems);
        if (cell.TryGetProperty("id", out var id))
        {
            if (id.ValueKind != JsonValueKind.String || !CellId().IsMatch(id.GetString()!))
            {
                problems.Add($"{path}.id: must match ^[a-zA-Z0-9-_]+$ with 1 to 64 characters");
            }
            else if (!ids.Add(id.GetString()!))
            {
                problems.Add($"{path}.id: '{id.GetString()}' is not unique");
            }
        }

        if (cell.TryGetProperty("metadata", out var metadata) && metadata.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{path}.metadata: must be an object");
        }

        if (cell.TryGetProperty("source", out var source))
        {
            MultilineString(source, $"{path}.source", problems);
        }

        if (cell.TryGetProperty("attachments", out var attachments))
        {
            if (attachments.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"{path}.attachments: must be an object");
            }
            else
            {
                foreach (var attachment in attachments.EnumerateObject())
                {
                    MimeBundle(attachment.Value, $"{path}.attachments.{attachment.Name}", problems);
                }
            }
        }

        if (cell.TryGetProperty("execution_count", out var count))
        {
            ExecutionCount(count, $"{path}.execution_count", problems);
        }

        if (!cell.TryGetProperty("outputs", out var outputs))
        {
            return;
        }

        if (outputs.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"{path}.outputs: must be an array");
            return;
        }

        int index = 0;
        foreach (var output in outputs.EnumerateArray())
        {
            Output(output, $"{path}.outputs[{index++}]", problems);
        }
    }

    private static void Output(JsonElement output, string path, List<string> problems)
    {
        if (output.ValueKind != JsonValueKind.Object || !output.TryGetProperty("output_type", out var type) || type.ValueKind != JsonValueKind.String || !Outputs.TryGetValue(type.GetString()!, out var keys))
        {
            problems.Add($"{path}: must be an object with output_type execute_result, display_data, stream or error");
            return;
        }

        if (!Keys(output, path, keys.Required, keys.Allowed, problems))
        {
            return;
        }

        switch (type.GetString())
        {
            case "execute_result":
                ExecutionCount(output.GetProperty("execution_count"), $"{path}.execution_count", problems);
                goto case "display_data";
            case "display_data":
                MimeBundle(output.GetProperty("data"), $"{path}.data", problems);
                if (output.GetProperty("metadata").ValueKind != JsonValueKind.Object)
                {
                    problems.Add($"{path}.metadata: must be an object");
                }

                break;
            case "stream":
                if (output.GetProperty("name").ValueKind != JsonValueKind.String)
                {
                    problems.Add($"{path}.name: must be a string");
                }

                MultilineString(output.GetProperty("text"), $"{path}.text", problems);
                break;
            default:
                foreach (var field in new[] { "ename", "evalue" })
                {
                    if (output.GetProperty(field).ValueKind != JsonValueKind.String)
                    {
                        problems.Add($"{path}.{field}: must be a string");
                    }
                }

                var traceback = output.GetProperty("traceback");
                if (traceback.ValueKind != JsonValueKind.Array || traceback.EnumerateArray().Any(line => line.ValueKind != JsonValueKind.String))
                {
                    problems.Add($"{path}.traceback: must be an array of strings");
                }

                break;
        }
    }

    private static void MimeBundle(JsonElement bundle, string path, List<string> problems)
    {
        if (bundle.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{path}: must be an object keyed by MIME type");
            return;
        }

        foreach (var entry in bundle.EnumerateObject())
        {
            if (!JsonMime().IsMatch(entry.Name))
            {
                MultilineString(entry.Value, $"{path}.{entry.Name}", problems);
            }
        }
    }

    private static void MultilineString(JsonElement value, string path, List<string> problems)
    {
        bool ok = value.ValueKind == JsonValueKind.String
            || (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(line => line.ValueKind == JsonValueKind.String));
        if (!ok)
        {
            problems.Add($"{path}: must be a string or an array of strings");
        }
    }

    private static void ExecutionCount(JsonElement value, string path, List<string> problems)
    {
        if (!(value.ValueKind == JsonValueKind.Null || (value.TryGetInt64(out var count) && count >= 0)))
        {
            problems.Add($"{path}: must be null or a non-negative integer");
        }
    }

    private static bool Keys(JsonElement element, string path, string[] required, string[] allowed, List<string> problems)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"{path}: must be an object");
            return false;
        }

        int before = problems.Count;
        problems.AddRange(required.Where(key => !element.TryGetProperty(key, out _)).Select(key => $"{path}.{key}: is required"));
        problems.AddRange(element.EnumerateObject().Where(p => !allowed.Contains(p.Name)).Select(p => $"{path}.{p.Name}: is not allowed"));
        return problems.Count == before;
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex CellId();

    [GeneratedRegex(@"^application/(.*\+)?json$")]
    private static partial Regex JsonMime();
}
