using System.Text;
using Backtest.Reports.Data;
using Backtest.Reports.Document;
using Backtest.Reports.Formatting;

namespace Backtest.Reports.Assembly;

/// <summary>Options for building a report.</summary>
public sealed record ReportOptions
{
    /// <summary>
    /// What the recommendation section optimises. When null a default is derived from the
    /// summary (lowest run-like probability; see <see cref="ObjectiveDefaults"/>) and the report
    /// says it was not given.
    /// </summary>
    public Objective? Objective { get; init; }

    /// <summary>At most this many figures per chart rule; the report says when it shows fewer than it could.</summary>
    public int MaxFiguresPerRule { get; init; } = 8;

    /// <summary>
    /// Earlier runs of the same study from the run catalogue, shown in their own section; null
    /// when no catalogue was consulted (the section is then left out).
    /// </summary>
    public RunHistory? History { get; init; }
}

/// <summary>What the chart rules share while a report is built.</summary>
internal sealed class ReportContext
{
    private readonly HashSet<string> names = new(StringComparer.Ordinal);

    public ReportContext(RunData run, ReportOptions options)
    {
        Run = run;
        Options = options;
        View = new SummaryView(run);
    }

    public RunData Run { get; }

    public ReportOptions Options { get; }

    public SummaryView View { get; }

    /// <summary>The recommended parameter set per scenario (filled by the recommendation step, read by rules that show one set).</summary>
    public Dictionary<string, string> Recommended { get; } = new(StringComparer.Ordinal);

    /// <summary>Series variables already drawn by a more specific rule (e.g. <c>dr</c>), which the generic rule skips.</summary>
    public HashSet<string> ClaimedVariables { get; } = new(StringComparer.Ordinal);

    /// <summary>The parameter sets a per-set figure is drawn for: the first one, and the recommended one when it differs.</summary>
    public IReadOnlyList<string> FeaturedSets(string scenario)
    {
        var sets = Run.Runs().Where(r => r.Scenario == scenario).Select(r => r.ParameterSet).ToList();
        var featured = sets.Take(1).ToList();
        if (Recommended.TryGetValue(scenario, out var best) && !featured.Contains(best))
        {
            featured.Add(best);
        }

        return featured;
    }

    /// <summary>"first parameter set ps000" / "recommended parameter set ps004".</summary>
    public string SetRole(string scenario, string set) =>
        Recommended.TryGetValue(scenario, out var best) && best == set ? $"recommended parameter set {set}" : $"parameter set {set}";

    /// <summary>A unique figure name (file name without .svg) from its parts: lower case, digits and '-'.</summary>
    public string FigureName(params string[] parts)
    {
        var slug = new StringBuilder();
        foreach (char c in string.Join("-", parts).ToLowerInvariant())
        {
            slug.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        string name = string.Join("-", slug.ToString().Split('-', StringSplitOptions.RemoveEmptyEntries));
        string unique = name;
        for (int i = 2; !names.Add(unique); i++)
        {
            unique = $"{name}-{i}";
        }

        return unique;
    }

    /// <summary>"the first 1,000 of 200,000 paths" or "1 path (historical replay)".</summary>
    public string PathStatement(string scenario, string set)
    {
        long? paths = Run.PathCount(scenario, set);
        int? recorded = Run.Manifest.SeriesPaths;
        if (paths == 1)
        {
            return "a single path";
        }

        string total = paths is { } p ? NumberFormat.Integer(p) : "an unrecorded number of";
        return recorded is { } r && paths is { } q && r < q ? $"the first {NumberFormat.Integer(r)} of {total} paths" : $"{total} paths";
    }

    /// <summary>The horizon of a run, or "horizon not recorded".</summary>
    public string HorizonStatement(string scenario, string set) => Run.Horizon(scenario, set) is { } h ? $"horizon {h}" : "horizon not recorded";
}
