using System.Globalization;
using Backtest.Numerics;

namespace Backtest.Engine.Studies;

/// <summary>The type of a model or scenario parameter, which fixes how a study value is read.</summary>
public enum ParameterKind
{
    /// <summary>A whole number (<see cref="long"/>).</summary>
    Integer,

    /// <summary>An exact decimal with at most 9 places, held as a fixed-point amount (<see cref="Fixed"/>).</summary>
    Amount,

    /// <summary>A real number for model inputs that are not balances (volatilities, intensities), held as <see cref="double"/>.</summary>
    Real,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>One of a fixed set of words.</summary>
    Choice,

    /// <summary>A calendar date, <c>YYYY-MM-DD</c>.</summary>
    Date,

    /// <summary>A list of whole numbers, e.g. tranche ratios <c>[250, 750]</c>.</summary>
    IntegerList,

    /// <summary>A list of exact decimals (fixed-point amounts).</summary>
    AmountList,
}

/// <summary>
/// What a model or scenario kind accepts for one parameter: name, type, default, bounds and
/// meaning. Studies are validated against these before anything runs.
/// </summary>
public sealed record ParameterSpec(string Name, ParameterKind Kind, object Default, string Description)
{
    /// <summary>Unit for documentation and reports (e.g. "USD", "days", "fraction").</summary>
    public string? Unit { get; init; }

    /// <summary>Inclusive lower bound for numeric kinds (and every element of lists).</summary>
    public decimal? Min { get; init; }

    /// <summary>Inclusive upper bound for numeric kinds (and every element of lists).</summary>
    public decimal? Max { get; init; }

    /// <summary>The allowed words of a <see cref="ParameterKind.Choice"/>.</summary>
    public IReadOnlyList<string>? Choices { get; init; }

    public static ParameterSpec Integer(string name, long @default, string description, long? min = null, long? max = null, string? unit = null) =>
        new(name, ParameterKind.Integer, @default, description) { Min = min, Max = max, Unit = unit };

    public static ParameterSpec Amount(string name, string @default, string description, string? min = null, string? max = null, string? unit = null) =>
        new(name, ParameterKind.Amount, Fixed.Parse(@default), description)
        {
            Min = min is null ? null : decimal.Parse(min, CultureInfo.InvariantCulture),
            Max = max is null ? null : decimal.Parse(max, CultureInfo.InvariantCulture),
            Unit = unit,
        };

    public static ParameterSpec Real(string name, double @default, string description, double? min = null, double? max = null, string? unit = null) =>
        new(name, ParameterKind.Real, @default, description) { Min = (decimal?)min, Max = (decimal?)max, Unit = unit };

    public static ParameterSpec Boolean(string name, bool @default, string description) =>
        new(name, ParameterKind.Boolean, @default, description);

    public static ParameterSpec Choice(string name, string @default, string description, params string[] choices) =>
        new(name, ParameterKind.Choice, @default, description) { Choices = choices };

    public static ParameterSpec Date(string name, DateOnly @default, string description) =>
        new(name, ParameterKind.Date, @default, description);

    public static ParameterSpec IntegerList(string name, long[] @default, string description, long? min = null, long? max = null) =>
        new(name, ParameterKind.IntegerList, @default, description) { Min = min, Max = max };

    public static ParameterSpec AmountList(string name, string[] @default, string description) =>
        new(name, ParameterKind.AmountList, @default.Select(Fixed.Parse).ToArray(), description);

    /// <summary>The canonical text of a value of this parameter (manifests, tables, hashes).</summary>
    public string Format(object value) => Kind switch
    {
        ParameterKind.Integer => ((long)value).ToString(CultureInfo.InvariantCulture),
        ParameterKind.Amount => Fixed.Format((long)value),
        ParameterKind.Real => ((double)value).ToString("R", CultureInfo.InvariantCulture),
        ParameterKind.Boolean => (bool)value ? "true" : "false",
        ParameterKind.Choice => (string)value,
        ParameterKind.Date => ((DateOnly)value).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ParameterKind.IntegerList => "[" + string.Join(", ", ((long[])value).Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]",
        ParameterKind.AmountList => "[" + string.Join(", ", ((long[])value).Select(Fixed.Format)) + "]",
        _ => throw new ArgumentOutOfRangeException(nameof(value)),
    };

    /// <summary>A value as a double, for numeric parameters swept on continuous axes (LHS, heatmaps).</summary>
    public double ToDouble(object value) => Kind switch
    {
        ParameterKind.Integer => (long)value,
        ParameterKind.Amount => Fixed.ToDouble((long)value),
        ParameterKind.Real => (double)value,
        _ => throw new InvalidOperationException($"parameter {Name} is not numeric"),
    };

    /// <summary>Whether a value lies within <see cref="Min"/>..<see cref="Max"/> (lists: every element).</summary>
    public string? CheckBounds(object value)
    {
        IEnumerable<decimal> numbers = Kind switch
        {
            ParameterKind.Integer => [(long)value],
            ParameterKind.Amount => [Fixed.ToDecimal((long)value)],
            ParameterKind.Real => double.IsFinite((double)value) ? [(decimal)(double)value] : [],
            ParameterKind.IntegerList => ((long[])value).Select(v => (decimal)v),
            ParameterKind.AmountList => ((long[])value).Select(Fixed.ToDecimal),
            _ => [],
        };
        if (Kind == ParameterKind.Real && !double.IsFinite((double)value))
        {
            return "must be a finite number";
        }

        foreach (var n in numbers)
        {
            if (Min is { } min && n < min)
            {
                return $"{n.ToString(CultureInfo.InvariantCulture)} is below the minimum {min.ToString(CultureInfo.InvariantCulture)}";
            }

            if (Max is { } max && n > max)
            {
                return $"{n.ToString(CultureInfo.InvariantCulture)} is above the maximum {max.ToString(CultureInfo.InvariantCulture)}";
            }
        }

        return null;
    }
}

/// <summary>
/// Resolved values of a set of parameters: every declared parameter has a value (the study's
/// or the default), typed as its <see cref="ParameterKind"/> says.
/// </summary>
public sealed class ParameterValues
{
    private readonly Dictionary<string, object> values;
    private readonly Dictionary<string, ParameterSpec> specs;

    public ParameterValues(IReadOnlyList<ParameterSpec> specs, IReadOnlyDictionary<string, object> given)
    {
        this.specs = specs.ToDictionary(s => s.Name, StringComparer.Ordinal);
        values = specs.ToDictionary(s => s.Name, s => given.TryGetValue(s.Name, out var v) ? v : s.Default, StringComparer.Ordinal);
        Specs = specs;
    }

    /// <summary>The declared parameters, in declaration order.</summary>
    public IReadOnlyList<ParameterSpec> Specs { get; }

    public object this[string name] =>
        values.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"no parameter named '{name}'");

    public long Integer(string name) => (long)Get(name, ParameterKind.Integer);

    /// <summary>A fixed-point amount (nano-units).</summary>
    public long Amount(string name) => (long)Get(name, ParameterKind.Amount);

    public double Real(string name) => (double)Get(name, ParameterKind.Real);

    public bool Boolean(string name) => (bool)Get(name, ParameterKind.Boolean);

    public string Choice(string name) => (string)Get(name, ParameterKind.Choice);

    public DateOnly Date(string name) => (DateOnly)Get(name, ParameterKind.Date);

    public long[] IntegerList(string name) => (long[])Get(name, ParameterKind.IntegerList);

    public long[] AmountList(string name) => (long[])Get(name, ParameterKind.AmountList);

    /// <summary>Canonical text of a parameter's value.</summary>
    public string Format(string name) => specs[name].Format(this[name]);

    /// <summary>Every parameter as name → canonical text, in declaration order.</summary>
    public IEnumerable<KeyValuePair<string, string>> Formatted() =>
        Specs.Select(s => new KeyValuePair<string, string>(s.Name, s.Format(values[s.Name])));

    /// <summary>A copy with some values replaced (sweeps).</summary>
    public ParameterValues With(IReadOnlyDictionary<string, object> overrides)
    {
        var merged = new Dictionary<string, object>(values, StringComparer.Ordinal);
        foreach (var (k, v) in overrides)
        {
            merged[k] = v;
        }

        return new ParameterValues(Specs, merged);
    }

    private object Get(string name, ParameterKind kind)
    {
        if (!specs.TryGetValue(name, out var spec))
        {
            throw new KeyNotFoundException($"no parameter named '{name}'");
        }

        if (spec.Kind != kind)
        {
            throw new InvalidOperationException($"parameter '{name}' is {spec.Kind}, not {kind}");
        }

        return values[name];
    }
}
