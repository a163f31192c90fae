namespace Backtest.Engine.Studies;

/// <summary>
/// A sweep over model parameters: a tree of combinators that resolves to an ordered list of
/// points (parameter name → value). Semantics, fixed so a study means one thing:
/// <list type="bullet">
/// <item><c>product</c>: every combination of its factors; the first factor varies slowest (nested loops in the order written). Size = product of the factors' sizes.</item>
/// <item><c>zip</c>: parameters with lists of equal length, taken position by position. Size = that length.</item>
/// <item><c>list</c>: the points exactly as written; a point leaves unnamed parameters at their base value.</item>
/// <item><c>lhs</c>: a Latin hypercube: <c>samples</c> points, each parameter's range cut into that many equal strata, one point per stratum per parameter, strata paired by a seeded random permutation.</item>
/// </list>
/// No parameter may appear in two factors of one product (that would be ambiguous).
/// </summary>
public abstract class Sweep
{
    /// <summary>The parameters this sweep sets.</summary>
    public abstract IReadOnlyList<string> Keys { get; }

    /// <summary>The points, in order.</summary>
    public abstract IReadOnlyList<IReadOnlyDictionary<string, object>> Points();
}

/// <summary>One parameter over a list of values (a product factor written as <c>name: [v1, v2]</c>).</summary>
public sealed class AxisSweep(string key, IReadOnlyList<object> values) : Sweep
{
    public override IReadOnlyList<string> Keys { get; } = [key];

    public override IReadOnlyList<IReadOnlyDictionary<string, object>> Points() =>
        values.Select(v => (IReadOnlyDictionary<string, object>)new Dictionary<string, object>(StringComparer.Ordinal) { [key] = v }).ToList();
}

/// <summary>Every combination of the factors; the first factor varies slowest.</summary>
public sealed class ProductSweep(IReadOnlyList<Sweep> factors) : Sweep
{
    public override IReadOnlyList<string> Keys { get; } = factors.SelectMany(f => f.Keys).ToList();

    public override IReadOnlyList<IReadOnlyDictionary<string, object>> Points()
    {
        IReadOnlyList<IReadOnlyDictionary<string, object>> acc = [new Dictionary<string, object>(StringComparer.Ordinal)];
        foreach (var factor in factors)
        {
            var points = factor.Points();
            acc = acc.SelectMany(outer => points.Select(inner =>
            {
                var merged = new Dictionary<string, object>(outer, StringComparer.Ordinal);
                foreach (var (k, v) in inner)
                {
                    merged[k] = v;
                }

                return (IReadOnlyDictionary<string, object>)merged;
            })).ToList();
        }

        return acc;
    }
}

/// <summary>Parameters taken position by position from equal-length lists.</summary>
public sealed class ZipSweep(IReadOnlyList<(string Key, IReadOnlyList<object> Values)> columns) : Sweep
{
    public override IReadOnlyList<string> Keys { get; } = columns.Select(c => c.Key).ToList();

    public override IReadOnlyList<IReadOnlyDictionary<string, object>> Points() =>
        Enumerable.Range(0, columns.Count == 0 ? 0 : columns[0].Values.Count)
            .Select(i => (IReadOnlyDictionary<string, object>)columns.ToDictionary(c => c.Key, c => c.Values[i], StringComparer.Ordinal))
            .ToList();
}

/// <summary>Points exactly as written.</summary>
public sealed class ListSweep(IReadOnlyList<IReadOnlyDictionary<string, object>> points) : Sweep
{
    public override IReadOnlyList<string> Keys { get; } = points.SelectMany(p => p.Keys).Distinct(StringComparer.Ordinal).ToList();

    public override IReadOnlyList<IReadOnlyDictionary<string, object>> Points() => points;
}
