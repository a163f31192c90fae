using System.Text.Json;

namespace Backtest.IO.Tables;

/// <summary>
/// The column descriptions every Parquet file of a run carries in its key-value metadata
/// under <see cref="MetadataKey"/>: a JSON list of <c>{name, kind, description, unit}</c>, plus
/// <c>"loss": true</c> on a per-path loss column (<see cref="ColumnSpec.IsLoss"/>), so a reader
/// knows what each column means and which are exact amounts.
/// </summary>
public static class ColumnDescriptions
{
    public const string MetadataKey = "backtest.columns";

    public static string ToJson(IEnumerable<ColumnSpec> columns) => JsonSerializer.Serialize(
        columns.Select(c =>
        {
            var entry = new Dictionary<string, object?>
            {
                ["name"] = c.Name,
                ["kind"] = c.Kind.ToString(),
                ["description"] = c.Description,
                ["unit"] = c.Unit,
            };
            if (c.IsLoss)
            {
                entry["loss"] = true;
            }

            return entry;
        }));

    /// <summary>Parses the list; anything else is an <see cref="InputException"/> naming <paramref name="file"/>.</summary>
    public static IReadOnlyDictionary<string, ColumnSpec> Parse(string json, string file)
    {
        var result = new Dictionary<string, ColumnSpec>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in JsonDocument.Parse(json).RootElement.EnumerateArray())
            {
                var name = entry.GetProperty("name").GetString() ?? throw new InvalidOperationException("a column has no name");
                var kindText = entry.GetProperty("kind").GetString();
                if (!Enum.TryParse<ColumnKind>(kindText, out var kind) || !Enum.IsDefined(kind))
                {
                    throw new InputException($"unknown column kind \"{kindText}\" in {MetadataKey}", file: file, key: name);
                }

                var unit = entry.TryGetProperty("unit", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
                var description = entry.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString()! : string.Empty;
                bool loss = entry.TryGetProperty("loss", out var l) && l.ValueKind == JsonValueKind.True;
                result[name] = new ColumnSpec(name, kind, description) { Unit = unit, IsLoss = loss };
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InputException($"{MetadataKey} metadata is not a column list: {e.Message}", file: file);
        }

        return result;
    }
}
