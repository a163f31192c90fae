using System.Globalization;
using Backtest.Numerics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Backtest.Engine.Studies;

/// <summary>
/// Reads typed values out of a YAML document, naming the file, line and key path of anything
/// wrong. Quoted scalars are text: a quoted number is refused where a number is expected, so
/// a typo cannot silently turn into a default.
/// </summary>
internal sealed class YamlValues(string file)
{
    public string File { get; } = file;

    public YamlMappingNode LoadRoot(string text)
    {
        var stream = new YamlStream();
        var parser = new Parser(new StringReader(text));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            throw new StudyException($"not valid YAML: {e.InnerException?.Message ?? e.Message}", File, (int)e.Start.Line);
        }
        catch (InvalidOperationException)
        {
            // The YAML scanner throws this when the text ends inside an open construct.
            var line = parser.Current is { } last ? (int)last.End.Line : text.Count(c => c == '\n') + 1;
            throw new StudyException("not valid YAML: the file ends inside an unclosed list, mapping or quote", File, line);
        }

        if (stream.Documents.Count != 1)
        {
            throw new StudyException($"expected one YAML document, found {stream.Documents.Count}", File);
        }

        return stream.Documents[0].RootNode as YamlMappingNode
            ?? throw Error(stream.Documents[0].RootNode, null, "the study must be a mapping of keys to values");
    }

    public StudyException Error(YamlNode node, string? key, string message) =>
        new(message, File, (int)node.Start.Line, key);

    /// <summary>The entries of a mapping, refusing duplicate keys and keys outside <paramref name="allowed"/> (when given).</summary>
    public IReadOnlyList<(string Key, YamlNode KeyNode, YamlNode Value)> Entries(YamlNode node, string path, IReadOnlyCollection<string>? allowed = null)
    {
        var mapping = node as YamlMappingNode ?? throw Error(node, path, $"expected a mapping, got {Describe(node)}");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var entries = new List<(string, YamlNode, YamlNode)>();
        foreach (var (k, v) in mapping.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? throw Error(k, path, "keys must be plain words");
            var full = Join(path, name);
            if (!seen.Add(name))
            {
                throw Error(k, full, "duplicate key");
            }

            if (allowed is not null && !allowed.Contains(name))
            {
                throw Error(k, full, $"unknown key (expected one of: {string.Join(", ", allowed)})");
            }

            entries.Add((name, k, v));
        }

        return entries;
    }

    public IReadOnlyList<YamlNode> Sequence(YamlNode node, string path) =>
        (node as YamlSequenceNode)?.Children.ToList() ?? throw Error(node, path, $"expected a list, got {Describe(node)}");

    public string Text(YamlNode node, string path)
    {
        var scalar = node as YamlScalarNode ?? throw Error(node, path, $"expected text, got {Describe(node)}");
        return scalar.Value ?? string.Empty;
    }

    public string Word(YamlNode node, string path)
    {
        var text = Text(node, path);
        if (text.Length == 0 || !text.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '-'))
        {
            throw Error(node, path, $"\"{text}\" must be lower-case letters, digits, '_' or '-'");
        }

        return text;
    }

    public long Integer(YamlNode node, string path, long min = long.MinValue, long max = long.MaxValue)
    {
        var text = PlainScalar(node, path, "a whole number");
        if (!long.TryParse(text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw Error(node, path, $"expected a whole number, got \"{text}\"");
        }

        if (value < min || value > max)
        {
            throw Error(node, path, $"{value} is outside {min}..{max}");
        }

        return value;
    }

    /// <summary>A value for a declared parameter, converted to its kind and checked against its bounds.</summary>
    public object Parameter(ParameterSpec spec, YamlNode node, string path)
    {
        object value = spec.Kind switch
        {
            ParameterKind.Integer => Integer(node, path),
            ParameterKind.Amount => Amount(node, path),
            ParameterKind.Real => Real(node, path),
            ParameterKind.Boolean => Boolean(node, path),
            ParameterKind.Choice => Choice(spec, node, path),
            ParameterKind.Date => Date(node, path),
            ParameterKind.IntegerList => Sequence(node, path).Select((n, i) => Integer(n, $"{path}[{i}]")).ToArray(),
            ParameterKind.AmountList => Sequence(node, path).Select((n, i) => Amount(n, $"{path}[{i}]")).ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(spec)),
        };
        if (spec.CheckBounds(value) is { } problem)
        {
            throw Error(node, path, problem);
        }

        return value;
    }

    private long Amount(YamlNode node, string path)
    {
        var text = PlainScalar(node, path, "a number");
        if (!decimal.TryParse(text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var d))
        {
            throw Error(node, path, $"expected a number, got \"{text}\"");
        }

        try
        {
            return Fixed.FromDecimal(d);
        }
        catch (Exception e) when (e is FormatException or FixedPointException)
        {
            throw Error(node, path, $"{text} is not an amount: at most {Fixed.Decimals} decimals and ±9.2e9");
        }
    }

    private double Real(YamlNode node, string path)
    {
        var text = PlainScalar(node, path, "a number");
        if (!double.TryParse(text.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
        {
            throw Error(node, path, $"expected a number, got \"{text}\"");
        }

        return d;
    }

    private bool Boolean(YamlNode node, string path) => PlainScalar(node, path, "true or false") switch
    {
        "true" => true,
        "false" => false,
        var other => throw Error(node, path, $"expected true or false, got \"{other}\""),
    };

    private string Choice(ParameterSpec spec, YamlNode node, string path)
    {
        var text = Text(node, path);
        return spec.Choices!.Contains(text)
            ? text
            : throw Error(node, path, $"\"{text}\" is not one of: {string.Join(", ", spec.Choices!)}");
    }

    private DateOnly Date(YamlNode node, string path)
    {
        var text = PlainScalar(node, path, "a date (YYYY-MM-DD)");
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw Error(node, path, $"expected a date YYYY-MM-DD, got \"{text}\"");
    }

    private string PlainScalar(YamlNode node, string path, string expected)
    {
        if (node is not YamlScalarNode scalar)
        {
            throw Error(node, path, $"expected {expected}, got {Describe(node)}");
        }

        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted)
        {
            throw Error(node, path, $"expected {expected}, got the quoted text \"{scalar.Value}\"");
        }

        return scalar.Value ?? string.Empty;
    }

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    private static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s => $"\"{s.Value}\"",
        _ => "an alias",
    };
}
