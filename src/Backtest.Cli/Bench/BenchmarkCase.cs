using System.Globalization;

namespace Backtest.Cli.Bench;

/// <summary>
/// One runnable benchmark: a BenchmarkDotNet method with one assignment of its class's
/// <c>[Params]</c>. <see cref="Id"/> is <c>Class.Method</c> followed by <c>(Name=Value,…)</c>
/// when the class has parameters, e.g. <c>FixedKernelsBenchmarks.MulDiv(Tier=Scalar)</c>; ids
/// are how the two builds of a comparison are matched.
/// </summary>
/// <param name="Id">The case's name.</param>
/// <param name="TypeName">Full name of the benchmark class.</param>
/// <param name="Method">The benchmark method.</param>
/// <param name="Parameters">The <c>[Params]</c> values of this case, as (name, value) in declaration order.</param>
/// <param name="OperationsPerInvoke">BenchmarkDotNet's <c>OperationsPerInvoke</c>: operations one call performs.</param>
/// <param name="Unit">What throughput counts, plural ("elements"); "operations" without a <c>[Throughput]</c> attribute.</param>
/// <param name="UnitsPerOperation">Units in one operation.</param>
/// <param name="Tracked">Whether the case is in the tracked set (<c>[Tracked]</c>).</param>
/// <param name="Unsupported">Why the quick harness cannot run the case (e.g. <c>[Arguments]</c>), or null.</param>
internal sealed record BenchmarkCase(
    string Id,
    string TypeName,
    string Method,
    IReadOnlyList<KeyValuePair<string, string>> Parameters,
    long OperationsPerInvoke,
    string Unit,
    long UnitsPerOperation,
    bool Tracked,
    string? Unsupported)
{
    /// <summary>Units of work in one call of the method.</summary>
    public double UnitsPerInvoke => (double)OperationsPerInvoke * UnitsPerOperation;

    /// <summary>Units per second for a call taking <paramref name="nanosecondsPerInvoke"/>.</summary>
    public double Throughput(double nanosecondsPerInvoke) => UnitsPerInvoke / (nanosecondsPerInvoke * 1e-9);

    /// <summary>The id of a method with parameter values.</summary>
    public static string MakeId(string typeName, string method, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        var shortType = typeName[(typeName.LastIndexOf('.') + 1)..];
        return parameters.Count == 0
            ? $"{shortType}.{method}"
            : $"{shortType}.{method}({string.Join(",", parameters.Select(p => $"{p.Key}={p.Value}"))})";
    }

    /// <summary>
    /// Whether the case matches a <c>--filter</c> pattern: a glob (<c>*</c> any run of
    /// characters, <c>?</c> one), case-insensitive, over the id or the id with the class's namespace.
    /// </summary>
    public bool Matches(string pattern)
    {
        var ns = TypeName.LastIndexOf('.') is var dot and >= 0 ? TypeName[..(dot + 1)] : string.Empty;
        return Glob.IsMatch(Id, pattern) || Glob.IsMatch(ns + Id, pattern);
    }

    /// <summary>Formats a throughput with an SI prefix: "41.2 M elements/s".</summary>
    public static string FormatThroughput(double perSecond, string unit)
    {
        var (scale, prefix) = Math.Abs(perSecond) switch
        {
            >= 1e9 => (1e9, "G"),
            >= 1e6 => (1e6, "M"),
            >= 1e3 => (1e3, "k"),
            _ => (1.0, string.Empty),
        };
        double shown = perSecond / scale;
        string digits = shown >= 100 ? "F0" : shown >= 10 ? "F1" : "F2";
        return $"{shown.ToString(digits, CultureInfo.InvariantCulture)} {(prefix.Length == 0 ? string.Empty : prefix + " ")}{unit}/s";
    }
}

/// <summary>Glob matching with <c>*</c> and <c>?</c>, case-insensitive.</summary>
internal static class Glob
{
    public static bool IsMatch(string text, string pattern)
    {
        // Iterative wildcard matching with backtracking to the last '*'.
        int t = 0, p = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToUpperInvariant(pattern[p]) == char.ToUpperInvariant(text[t])))
            {
                t++;
                p++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
