using Backtest.Reports.Formatting;

namespace Backtest.Reports.Document;

/// <summary>
/// What a reported number is: its definition and the statements every risk number must carry
/// (docs: run_metrics) — the statistic or percentile, the horizon, the loss class, the path
/// count and how its interval was computed. Statements left null are either not applicable or
/// given per row of a table (a table then shows "paths" and "horizon" columns).
/// </summary>
/// <param name="Key">Stable identifier (the summary column name, plus a row qualifier where a run has several rows).</param>
/// <param name="Label">Short header text, e.g. "P(wiped out)".</param>
/// <param name="Definition">What the number measures, in words.</param>
public sealed record MetricDescriptor(string Key, string Label, string Definition)
{
    public string? Unit { get; init; }

    public ValueFormat Format { get; init; } = ValueFormat.Number;

    /// <summary>The statistic, e.g. "probability (share of paths)", "mean", "99th percentile (VaR)".</summary>
    public string? Statistic { get; init; }

    /// <summary>e.g. "1,095 days"; null when it varies by row.</summary>
    public string? Horizon { get; init; }

    /// <summary>e.g. "tier 6 (SURE-EQT), insolvency loss"; null when not a loss or when it varies by row.</summary>
    public string? LossClass { get; init; }

    /// <summary>How the interval was computed, e.g. "95% Wilson score interval"; null for a number without one.</summary>
    public string? Interval { get; init; }

    /// <summary>Paths the number is computed over; null when it varies by row.</summary>
    public long? Paths { get; init; }

    /// <summary>Whether smaller or larger is better, when the metric has a direction (used for ranking and frontiers).</summary>
    public Charts.Direction? Better { get; init; }

    /// <summary>The header as printed: label with its unit.</summary>
    public string Header => Unit is null || Unit.Length == 0 ? Label : $"{Label} ({Unit})";

    /// <summary>The statements as (name, text) pairs, "given per row" where a table carries them in its rows.</summary>
    public IReadOnlyList<(string Name, string Text)> Statements(bool perRow)
    {
        var list = new List<(string, string)> { ("definition", Definition) };
        if (Statistic is not null)
        {
            list.Add(("statistic", Statistic));
        }

        list.Add(("horizon", Horizon ?? (perRow ? "per row (horizon column)" : "not recorded")));
        if (LossClass is not null)
        {
            list.Add(("loss class", LossClass));
        }

        list.Add(("paths", Paths is { } p ? NumberFormat.Integer(p) : perRow ? "per row (paths column)" : "not recorded"));
        list.Add(("interval", Interval ?? "none reported"));
        if (Unit is not null)
        {
            list.Add(("unit", Unit));
        }

        return list;
    }

    /// <summary>
    /// What the column means wherever it appears, as one sentence: definition, statistic, loss
    /// class, interval method and unit, without the paths and horizon a table states itself.
    /// </summary>
    public string DefinitionText() =>
        string.Join("; ", Statements(perRow: true).Where(s => s.Name is not ("paths" or "horizon")).Select(s => s.Name == "definition" ? s.Text.TrimEnd('.') : $"{s.Name}: {s.Text}")) + ".";

    /// <summary>The statements as one sentence, for captions and footnotes.</summary>
    public string StatementText(bool perRow) =>
        string.Join("; ", Statements(perRow).Select(s => s.Name == "definition" ? s.Text.TrimEnd('.') : $"{s.Name}: {s.Text}")) + ".";
}

/// <summary>A number with its optional interval bounds or standard error (same units).</summary>
public sealed record Estimate(double Value, double? Lower = null, double? Upper = null)
{
    /// <summary>The standard error the model reported instead of an interval (a <c>NAME_se</c> column), if any.</summary>
    public double? StandardError { get; init; }

    public bool HasInterval => Lower is not null && Upper is not null;

    /// <summary>"0.012 [0.009, 0.016]" with an interval, "0.012 ± 0.0011" with a standard error, "0.012" without, "n/a" for NaN.</summary>
    public string Format(ValueFormat format) =>
        double.IsNaN(Value) ? "n/a"
        : HasInterval ? NumberFormat.Interval(Value, Lower!.Value, Upper!.Value, format)
        : StandardError is { } se ? NumberFormat.WithStandardError(Value, se, format)
        : NumberFormat.Significant(Value, format);
}

/// <summary>
/// Reads statistics out of column names (a small vocabulary, so a summary column called
/// <c>loss_var_99</c> is stated as "99th percentile (VaR)" even when its description is terse).
/// </summary>
public static class StatisticVocabulary
{
    /// <summary>The statistic a column name implies, or null.</summary>
    public static string? FromName(string name, string? unit)
    {
        var parts = name.ToLowerInvariant().Split('_');
        for (int i = 0; i < parts.Length; i++)
        {
            string part = parts[i];
            string? next = i + 1 < parts.Length ? parts[i + 1] : null;
            if (Percent(part, "var", next) is { } v)
            {
                return $"{Ordinal(v)} percentile of the loss (value at risk)";
            }

            if (Percent(part, "es", next) is { } es)
            {
                return $"mean loss beyond the {Ordinal(es)} percentile (expected shortfall)";
            }

            if (part.Length == 3 && part[0] == 'p' && int.TryParse(part.AsSpan(1), out int q) && q is > 0 and < 100)
            {
                return $"{Ordinal(q)} percentile";
            }

            if (part is "median")
            {
                return "median (50th percentile)";
            }

            if (part is "mean" or "expected")
            {
                return "mean over paths";
            }
        }

        if (unit is "probability" || parts.Contains("probability") || parts[0] == "p")
        {
            return "probability (share of paths)";
        }

        return null;
    }

    private static int? Percent(string part, string prefix, string? next)
    {
        if (part == prefix && next is not null && int.TryParse(next, out int a) && a is > 0 and < 100)
        {
            return a;
        }

        return part.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(part.AsSpan(prefix.Length), out int b) && b is > 0 and < 100 ? b : null;
    }

    private static string Ordinal(int n) => n % 100 is 11 or 12 or 13 ? $"{n}th" : (n % 10) switch { 1 => $"{n}st", 2 => $"{n}nd", 3 => $"{n}rd", _ => $"{n}th" };
}
