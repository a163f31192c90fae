using System.Globalization;
using System.Numerics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Backtest.Protocols.Conformance.Ampleforth;

/// <summary>Reads one vector's fields and records expected/actual pairs for an exact comparison.</summary>
internal sealed partial class VectorReader(JsonElement vector)
{
    private readonly List<(string Key, string Expected, string Actual)> _checks = [];

    public JsonElement Vector { get; } = vector;

    public string Id => Vector.GetProperty("id").GetString() ?? "?";

    public string Category => Vector.TryGetProperty("category", out var c) ? c.GetString() ?? string.Empty : string.Empty;

    public JsonElement Params => Vector.TryGetProperty("params", out var p) ? p : default;

    public JsonElement Inputs => Vector.TryGetProperty("inputs", out var i) ? i : default;

    public JsonElement Expected => Vector.GetProperty("expected");

    /// <summary>A string field of an object, or null (numbers are returned as their text).</summary>
    public static string? Text(JsonElement obj, string name)
    {
        if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out var v))
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => v.GetRawText(),
        };
    }

    public static string Required(JsonElement obj, string name) =>
        Text(obj, name) ?? throw new FormatException($"missing field '{name}'");

    /// <summary>A decimal string as an integer at <paramref name="decimals"/> places; digits beyond are truncated toward zero.</summary>
    public static BigInteger Scaled(string text, int decimals)
    {
        text = text.Trim();
        bool negative = text.StartsWith('-');
        text = text.TrimStart('+', '-');
        string[] parts = text.Split('.');
        string whole = parts[0].Length == 0 ? "0" : parts[0];
        string frac = parts.Length > 1 ? parts[1] : string.Empty;
        frac = frac.Length > decimals ? frac[..decimals] : frac.PadRight(decimals, '0');
        var value = BigInteger.Parse(whole + frac, NumberStyles.None, CultureInfo.InvariantCulture);
        return negative ? -value : value;
    }

    /// <summary>The first signed decimal number in a text ("+25 (melded)" → 25, "DR 0.5" → 0.5).</summary>
    public static string FirstNumber(string text)
    {
        var m = NumberPattern().Match(text);
        return m.Success ? m.Value : throw new FormatException($"no number in '{text}'");
    }

    /// <summary>"[0.95,1.05]" → (0.95, 1.05) as decimal strings.</summary>
    public static (string Lower, string Upper) Range(string text)
    {
        var numbers = NumberPattern().Matches(text);
        if (numbers.Count < 2)
        {
            throw new FormatException($"'{text}' is not a range");
        }

        return (numbers[0].Value, numbers[1].Value);
    }

    public void Check(string key, BigInteger expected, BigInteger actual) =>
        _checks.Add((key, expected.ToString(CultureInfo.InvariantCulture), actual.ToString(CultureInfo.InvariantCulture)));

    public void Check(string key, string expected, string actual) => _checks.Add((key, expected, actual));

    public VectorResult Result()
    {
        if (_checks.Count == 0)
        {
            return new VectorResult(Id, VectorOutcome.Failed, "?", "?", "the vector has no expected value this suite compares");
        }

        bool pass = _checks.All(c => c.Expected == c.Actual);
        string expected = string.Join("; ", _checks.Select(c => $"{c.Key}={c.Expected}"));
        string actual = string.Join("; ", _checks.Select(c => $"{c.Key}={c.Actual}"));
        return new VectorResult(Id, pass ? VectorOutcome.Passed : VectorOutcome.Failed, expected, actual);
    }

    [GeneratedRegex(@"[-+]?\d+(?:\.\d+)?")]
    private static partial Regex NumberPattern();
}
