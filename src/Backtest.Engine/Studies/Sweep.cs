using System.Numerics;
using Backtest.Numerics.Random;

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

/// <summary>One dimension of a Latin hypercube: a numeric parameter and its inclusive range.</summary>
/// <param name="Key">The parameter's name.</param>
/// <param name="Kind">Its kind: <see cref="ParameterKind.Integer"/>, <see cref="ParameterKind.Amount"/> or <see cref="ParameterKind.Real"/>.</param>
/// <param name="Low">The lower end as the parameter's kind holds it: <see cref="long"/> for integers and amounts (nano-units), <see cref="double"/> for reals.</param>
/// <param name="High">The upper end, in the same type as <paramref name="Low"/>.</param>
public sealed record LhsRange(string Key, ParameterKind Kind, object Low, object High);

/// <summary>
/// A Latin hypercube of <c>samples</c> points over numeric ranges. Each range is cut into
/// <c>samples</c> equal strata; every stratum of every parameter holds exactly one point, and
/// the strata of different parameters are paired by independent random permutations. Within
/// its stratum a point sits at a uniformly drawn position. Draws come from Philox4x32-10 keyed
/// by the sweep's own <c>seed</c> (not the study's path seed, so <c>--seed</c> re-draws paths over
/// the same design): the permutation of parameter j uses (path k, step j, draw 1) for
/// Fisher–Yates position k, the position of point i uses the 53-bit uniform of (path i, step j, draw 0).
/// Integers and amounts are mapped exactly: value = low + ⌊(high − low + 1) · t⌋ in the kind's
/// units with t = (stratum + u) / samples, so every integer (or nano-unit) in the range is equally
/// likely; reals use low + (high − low) · t in double arithmetic.
/// </summary>
public sealed class LhsSweep : Sweep
{
    private const ulong LhsSalt = 0x4C48_535F_5357_4550UL; // "LHS_SWEP": keeps design draws apart from path streams
    private static readonly BigInteger UniformScale = BigInteger.One << 53;

    private readonly IReadOnlyList<LhsRange> ranges;
    private readonly int samples;
    private readonly ulong seed;

    public LhsSweep(IReadOnlyList<LhsRange> ranges, int samples, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        if (ranges.Count == 0)
        {
            throw new ArgumentException("a Latin hypercube needs at least one range", nameof(ranges));
        }

        this.ranges = ranges;
        this.samples = samples;
        this.seed = seed;
        Keys = ranges.Select(r => r.Key).ToList();
    }

    public override IReadOnlyList<string> Keys { get; }

    /// <summary>The stratum (0 … samples − 1) each point occupies in each range: <c>Strata()[j][i]</c> for range j, point i.</summary>
    public int[][] Strata()
    {
        var stream = Stream();
        var strata = new int[ranges.Count][];
        for (int j = 0; j < ranges.Count; j++)
        {
            var permutation = Enumerable.Range(0, samples).ToArray();
            for (int k = samples - 1; k > 0; k--)
            {
                // Lemire's multiply-shift maps a 32-bit word onto 0..k; the bias (< k / 2³²) is immaterial for a design.
                int r = (int)(((ulong)stream.Block(k, j, 1).Word0 * (ulong)(k + 1)) >> 32);
                (permutation[k], permutation[r]) = (permutation[r], permutation[k]);
            }

            strata[j] = permutation;
        }

        return strata;
    }

    public override IReadOnlyList<IReadOnlyDictionary<string, object>> Points()
    {
        var stream = Stream();
        var strata = Strata();
        var points = new List<IReadOnlyDictionary<string, object>>(samples);
        for (int i = 0; i < samples; i++)
        {
            var point = new Dictionary<string, object>(StringComparer.Ordinal);
            for (int j = 0; j < ranges.Count; j++)
            {
                var block = stream.Block(i, j, 0);
                ulong u53 = ((ulong)block.Word0 << 21) | (block.Word1 >> 11);
                point[ranges[j].Key] = Place(ranges[j], strata[j][i], u53);
            }

            points.Add(point);
        }

        return points;
    }

    private object Place(LhsRange range, int stratum, ulong u53)
    {
        if (range.Kind == ParameterKind.Real)
        {
            double low = (double)range.Low, high = (double)range.High;
            double t = (stratum + u53 * (1.0 / 9007199254740992.0)) / samples;
            return Math.Min(high, low + ((high - low) * t));
        }

        long lo = (long)range.Low, hi = (long)range.High;
        var numerator = ((BigInteger)stratum * UniformScale) + u53;
        var offset = ((BigInteger)hi - lo + 1) * numerator / (samples * UniformScale);
        return (long)(lo + offset);
    }

    private RandomStream Stream()
    {
        ulong key = RandomStream.SplitMix64(seed ^ LhsSalt);
        return new RandomStream((uint)key, (uint)(key >> 32));
    }
}
