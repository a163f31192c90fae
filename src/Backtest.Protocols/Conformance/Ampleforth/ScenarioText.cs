using System.Text.RegularExpressions;

namespace Backtest.Protocols.Conformance.Ampleforth;

/// <summary>Pulls numbers out of the prose setups of scenario vectors; a missing pattern is a format error, never a guess.</summary>
internal static class ScenarioText
{
    /// <summary>The capture groups of the first match of <paramref name="pattern"/> (case-insensitive).</summary>
    public static string[] Numbers(string text, string pattern)
    {
        var m = Regex.Match(text, pattern, RegexOptions.IgnoreCase);
        if (!m.Success)
        {
            throw new FormatException($"'{text}' does not match /{pattern}/");
        }

        return m.Groups.Cast<Group>().Skip(1).Select(g => g.Value).ToArray();
    }

    /// <summary>The capture groups of the first match, or null.</summary>
    public static string[]? TryNumbers(string text, string pattern)
    {
        var m = Regex.Match(text, pattern, RegexOptions.IgnoreCase);
        return m.Success ? m.Groups.Cast<Group>().Skip(1).Select(g => g.Value).ToArray() : null;
    }

    /// <summary>A percentage like "-10%" or "+0.5%" as a fraction (−0.1, 0.005).</summary>
    public static decimal Percent(string text) =>
        decimal.Parse(text.TrimEnd('%'), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture) / 100m;

    public static decimal Decimal(string text) =>
        decimal.Parse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
}
