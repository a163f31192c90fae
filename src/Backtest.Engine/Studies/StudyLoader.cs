using Backtest.Engine.Models;
using YamlDotNet.RepresentationModel;

namespace Backtest.Engine.Studies;

/// <summary>Command-line values that replace the study file's.</summary>
public sealed record StudyOverrides(long? Paths = null, ulong? Seed = null, int? Threads = null);

/// <summary>
/// Reads a study file (YAML) and checks it completely before anything runs: unknown keys,
/// wrong types, values out of range, unknown models, scenario kinds or parameters, and bad
/// sweeps are errors naming the file, line and key.
/// </summary>
public static class StudyLoader
{
    /// <summary>Top-level keys of a study file.</summary>
    public static readonly IReadOnlyList<string> TopLevelKeys =
        ["name", "description", "model", "seed", "paths", "threads", "series_paths", "shards", "scenarios", "parameters", "sweep"];

    /// <summary>Refuses sweeps larger than this many parameter sets (a typo guard; split bigger grids into studies or shards).</summary>
    public const int MaxParameterSets = 100_000;

    public const long DefaultPaths = 10_000;
    public const int DefaultSeriesPaths = 1_000;

    public static Study Load(string path, ModelCatalog catalog, StudyOverrides? overrides = null)
    {
        if (!System.IO.File.Exists(path))
        {
            throw new StudyException("study file not found", path);
        }

        return Parse(System.IO.File.ReadAllText(path), path, catalog, overrides);
    }

    public static Study Parse(string text, string file, ModelCatalog catalog, StudyOverrides? overrides = null)
    {
        var yaml = new YamlValues(file);
        var root = yaml.LoadRoot(text);
        var entries = yaml.Entries(root, string.Empty, TopLevelKeys).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

        YamlNode Required(string key) =>
            entries.TryGetValue(key, out var node) ? node : throw new StudyException("missing required key", file, (int)root.Start.Line, key);

        var name = entries.TryGetValue("name", out var nameNode) ? yaml.Word(nameNode, "name") : DefaultName(file);
        var description = entries.TryGetValue("description", out var d) ? yaml.Text(d, "description") : string.Empty;

        var modelNode = Required("model");
        var modelName = yaml.Text(modelNode, "model");
        var model = catalog.Find(modelName)
            ?? throw yaml.Error(modelNode, "model", $"unknown model \"{modelName}\" (known: {string.Join(", ", catalog.Names)})");

        ulong seed = overrides?.Seed ?? (entries.TryGetValue("seed", out var s) ? (ulong)yaml.Integer(s, "seed", 0) : 0UL);
        long paths = overrides?.Paths ?? (entries.TryGetValue("paths", out var p) ? yaml.Integer(p, "paths", 1, 1L << 40) : DefaultPaths);
        int threads = overrides?.Threads ?? (entries.TryGetValue("threads", out var t) ? (int)yaml.Integer(t, "threads", 0, 4096) : 0);
        int seriesPaths = entries.TryGetValue("series_paths", out var sp) ? (int)yaml.Integer(sp, "series_paths", 0, 100_000) : DefaultSeriesPaths;
        int? shards = entries.TryGetValue("shards", out var sh) ? (int)yaml.Integer(sh, "shards", 1, Runs.ShardSpec.MaxCount) : null;

        var scenarios = ReadScenarios(yaml, Required("scenarios"), model);
        var baseValues = ReadParameters(yaml, entries.GetValueOrDefault("parameters"), model);
        var (sets, swept) = ReadSweep(yaml, entries.GetValueOrDefault("sweep"), model, baseValues);

        return new Study(name, description, file, text, model, seed, paths, threads, (int)Math.Min(seriesPaths, paths),
            scenarios, sets, swept) { Shards = shards };
    }

    private static string DefaultName(string file)
    {
        var stem = Path.GetFileNameWithoutExtension(file).ToLowerInvariant();
        return new string(stem.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '-').ToArray());
    }

    private static List<ResolvedScenario> ReadScenarios(YamlValues yaml, YamlNode node, IModel model)
    {
        var items = yaml.Sequence(node, "scenarios");
        if (items.Count == 0)
        {
            throw yaml.Error(node, "scenarios", "a study needs at least one scenario");
        }

        var scenarios = new List<ResolvedScenario>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++)
        {
            var path = $"scenarios[{i}]";
            var fields = yaml.Entries(items[i], path).ToDictionary(e => e.Key, e => (e.KeyNode, e.Value), StringComparer.Ordinal);
            if (!fields.TryGetValue("kind", out var kindField))
            {
                throw yaml.Error(items[i], $"{path}.kind", $"missing required key (kinds: {string.Join(", ", model.ScenarioKinds.Select(k => k.Name))})");
            }

            var kindName = yaml.Text(kindField.Value, $"{path}.kind");
            var kind = model.ScenarioKinds.FirstOrDefault(k => k.Name == kindName)
                ?? throw yaml.Error(kindField.Value, $"{path}.kind", $"unknown scenario kind \"{kindName}\" for model {model.Name} (known: {string.Join(", ", model.ScenarioKinds.Select(k => k.Name))})");

            var name = fields.TryGetValue("name", out var n) ? yaml.Word(n.Value, $"{path}.name") : kind.Name;
            if (!names.Add(name))
            {
                throw yaml.Error(fields.TryGetValue("name", out var nn) ? nn.KeyNode : items[i], $"{path}.name", $"two scenarios are named \"{name}\"");
            }

            var given = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var (key, (keyNode, value)) in fields)
            {
                if (key is "name" or "kind")
                {
                    continue;
                }

                var spec = kind.Parameters.FirstOrDefault(ps => ps.Name == key)
                    ?? throw yaml.Error(keyNode, $"{path}.{key}", $"unknown key for scenario kind {kind.Name} (expected: {string.Join(", ", kind.Parameters.Select(ps => ps.Name).Prepend("kind").Prepend("name"))})");
                given[key] = yaml.Parameter(spec, value, $"{path}.{key}");
            }

            scenarios.Add(new ResolvedScenario(i, name, kind, new ParameterValues(kind.Parameters, given)));
        }

        return scenarios;
    }

    private static ParameterValues ReadParameters(YamlValues yaml, YamlNode? node, IModel model)
    {
        var given = new Dictionary<string, object>(StringComparer.Ordinal);
        if (node is not null)
        {
            foreach (var (key, keyNode, value) in yaml.Entries(node, "parameters"))
            {
                var spec = FindParameter(yaml, model, key, keyNode, $"parameters.{key}");
                given[key] = yaml.Parameter(spec, value, $"parameters.{key}");
            }
        }

        return new ParameterValues(model.Parameters, given);
    }

    private static ParameterSpec FindParameter(YamlValues yaml, IModel model, string key, YamlNode at, string path) =>
        model.Parameters.FirstOrDefault(ps => ps.Name == key)
        ?? throw yaml.Error(at, path, $"unknown parameter of model {model.Name} (known: {string.Join(", ", model.Parameters.Select(ps => ps.Name))})");

    private static (List<ParameterSet> Sets, List<string> Swept) ReadSweep(YamlValues yaml, YamlNode? node, IModel model, ParameterValues baseValues)
    {
        if (node is null)
        {
            return ([new ParameterSet(0, baseValues)], []);
        }

        var sweep = ReadCombinator(yaml, node, "sweep", model);
        var points = sweep.Points();
        if (points.Count == 0)
        {
            throw yaml.Error(node, "sweep", "the sweep has no points");
        }

        if (points.Count > MaxParameterSets)
        {
            throw yaml.Error(node, "sweep", $"the sweep has {points.Count} parameter sets, more than the {MaxParameterSets} allowed in one study");
        }

        var sets = points.Select((pt, i) => new ParameterSet(i, baseValues.With(pt))).ToList();
        return (sets, sweep.Keys.ToList());
    }

    private static readonly string[] Combinators = ["product", "zip", "list", "lhs"];

    /// <summary>A mapping with exactly one combinator key: product, zip, list or lhs.</summary>
    private static Sweep ReadCombinator(YamlValues yaml, YamlNode node, string path, IModel model)
    {
        var entries = yaml.Entries(node, path, Combinators);
        if (entries.Count != 1)
        {
            throw yaml.Error(node, path, "expected exactly one of: product, zip, list, lhs");
        }

        var (kind, _, body) = entries[0];
        var here = $"{path}.{kind}";
        return kind switch
        {
            "product" => ReadProduct(yaml, body, here, model),
            "zip" => ReadZip(yaml, body, here, model),
            "lhs" => ReadLhs(yaml, body, here, model),
            _ => ReadList(yaml, body, here, model),
        };
    }

    /// <summary>
    /// <c>product:</c> is either a mapping of axes (<c>name: [values]</c>, and nested
    /// <c>zip</c>/<c>list</c>/<c>product</c> keys), or a list of such mappings; factors in written order.
    /// </summary>
    private static Sweep ReadProduct(YamlValues yaml, YamlNode body, string path, IModel model)
    {
        var factors = new List<Sweep>();
        IEnumerable<(YamlNode Node, string Path)> groups = body is YamlSequenceNode seq
            ? seq.Children.Select((n, i) => (n, $"{path}[{i}]"))
            : [(body, path)];
        foreach (var (group, groupPath) in groups)
        {
            foreach (var (key, keyNode, value) in yaml.Entries(group, groupPath))
            {
                var here = $"{groupPath}.{key}";
                factors.Add(Combinators.Contains(key)
                    ? ReadCombinator(yaml, new YamlMappingNode(new KeyValuePair<YamlNode, YamlNode>(keyNode, value)), groupPath, model)
                    : new AxisSweep(key, ReadValues(yaml, value, here, FindParameter(yaml, model, key, keyNode, here))));
            }
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var key in factors.SelectMany(f => f.Keys))
        {
            if (!seen.Add(key))
            {
                throw yaml.Error(body, $"{path}.{key}", "the parameter appears in two factors of one product");
            }
        }

        return new ProductSweep(factors);
    }

    private static Sweep ReadZip(YamlValues yaml, YamlNode body, string path, IModel model)
    {
        var columns = new List<(string, IReadOnlyList<object>)>();
        int? length = null;
        string? firstKey = null;
        foreach (var (key, keyNode, value) in yaml.Entries(body, path))
        {
            var here = $"{path}.{key}";
            var values = ReadValues(yaml, value, here, FindParameter(yaml, model, key, keyNode, here));
            if (length is { } n && values.Count != n)
            {
                throw yaml.Error(value, here, $"zip lists must have equal lengths: {firstKey} has {n}, {key} has {values.Count}");
            }

            length ??= values.Count;
            firstKey ??= key;
            columns.Add((key, values));
        }

        if (columns.Count == 0)
        {
            throw yaml.Error(body, path, "zip needs at least one parameter");
        }

        return new ZipSweep(columns);
    }

    /// <summary>
    /// <c>lhs:</c> with <c>samples</c> (points), <c>ranges</c> (numeric parameter → [low, high],
    /// both inclusive and within the parameter's bounds) and an optional <c>seed</c> (default 1)
    /// that fixes the design independently of the study's path seed.
    /// </summary>
    private static Sweep ReadLhs(YamlValues yaml, YamlNode body, string path, IModel model)
    {
        var entries = yaml.Entries(body, path, ["samples", "ranges", "seed"]).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        if (!entries.TryGetValue("samples", out var samplesNode))
        {
            throw yaml.Error(body, $"{path}.samples", "a Latin hypercube needs samples: the number of points");
        }

        if (!entries.TryGetValue("ranges", out var rangesNode))
        {
            throw yaml.Error(body, $"{path}.ranges", "a Latin hypercube needs ranges: parameter: [low, high]");
        }

        int samples = (int)yaml.Integer(samplesNode, $"{path}.samples", 1, MaxParameterSets);
        ulong seed = entries.TryGetValue("seed", out var seedNode) ? (ulong)yaml.Integer(seedNode, $"{path}.seed", 0) : 1UL;
        var ranges = new List<LhsRange>();
        foreach (var (key, keyNode, value) in yaml.Entries(rangesNode, $"{path}.ranges"))
        {
            var here = $"{path}.ranges.{key}";
            var spec = FindParameter(yaml, model, key, keyNode, here);
            if (spec.Kind is not (ParameterKind.Integer or ParameterKind.Amount or ParameterKind.Real))
            {
                throw yaml.Error(keyNode, here, $"a Latin hypercube samples numeric parameters only; {key} is {spec.Kind.ToString().ToLowerInvariant()} (sweep it with product, zip or list)");
            }

            var ends = yaml.Sequence(value, here);
            if (ends.Count != 2)
            {
                throw yaml.Error(value, here, $"expected [low, high], got {ends.Count} values");
            }

            object low = yaml.Parameter(spec, ends[0], $"{here}[0]"), high = yaml.Parameter(spec, ends[1], $"{here}[1]");
            bool ordered = spec.Kind == ParameterKind.Real ? (double)low < (double)high : (long)low < (long)high;
            if (!ordered)
            {
                throw yaml.Error(value, here, "the range's low end must be below its high end");
            }

            ranges.Add(new LhsRange(key, spec.Kind, low, high));
        }

        if (ranges.Count == 0)
        {
            throw yaml.Error(rangesNode, $"{path}.ranges", "a Latin hypercube needs at least one range");
        }

        return new LhsSweep(ranges, samples, seed);
    }

    private static Sweep ReadList(YamlValues yaml, YamlNode body, string path, IModel model)
    {
        var points = new List<IReadOnlyDictionary<string, object>>();
        var items = yaml.Sequence(body, path);
        for (int i = 0; i < items.Count; i++)
        {
            var point = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var (key, keyNode, value) in yaml.Entries(items[i], $"{path}[{i}]"))
            {
                var here = $"{path}[{i}].{key}";
                point[key] = yaml.Parameter(FindParameter(yaml, model, key, keyNode, here), value, here);
            }

            points.Add(point);
        }

        return new ListSweep(points);
    }

    private static List<object> ReadValues(YamlValues yaml, YamlNode node, string path, ParameterSpec spec)
    {
        var items = yaml.Sequence(node, path);
        if (items.Count == 0)
        {
            throw yaml.Error(node, path, "an axis needs at least one value");
        }

        return items.Select((n, i) => yaml.Parameter(spec, n, $"{path}[{i}]")).ToList();
    }
}
