using Backtest.IO.Tables;
using Backtest.Numerics;

namespace Backtest.Reports.Data;

/// <summary>
/// One typed column with what it means: the description and unit travel from the model
/// through the Parquet metadata into the report's tables, captions and footnotes.
/// </summary>
public sealed class DataColumn
{
    private DataColumn(string name, ColumnKind type, string description, string? unit, Array values, bool[]? nulls)
    {
        if (nulls is not null && nulls.Length != values.Length)
        {
            throw new ArgumentException($"column '{name}': {values.Length} values but {nulls.Length} null flags");
        }

        Name = name;
        Type = type;
        Description = description;
        Unit = string.IsNullOrWhiteSpace(unit) ? null : unit;
        Values = values;
        Nulls = nulls;
    }

    public string Name { get; }

    public ColumnKind Type { get; }

    public string Description { get; }

    /// <summary>Unit of the values (e.g. "USD", "days", "probability"), or null when none was given.</summary>
    public string? Unit { get; }

    public Array Values { get; }

    /// <summary>True where the value is null, or null when the column has no nulls.</summary>
    public bool[]? Nulls { get; }

    public int Length => Values.Length;

    /// <summary>Whether the model declared each value a per-path loss (<see cref="ColumnSpec.IsLoss"/>): zero or more, larger is worse.</summary>
    public bool IsLoss { get; private init; }

    /// <summary>The same column, declared a per-path loss.</summary>
    public DataColumn AsLoss() => new(Name, Type, Description, Unit, Values, Nulls) { IsLoss = true };

    /// <summary>Whether the column holds numbers a chart or a metric can use.</summary>
    public bool IsNumeric => Type is ColumnKind.Int32 or ColumnKind.Int64 or ColumnKind.Amount or ColumnKind.Double;

    public static DataColumn Doubles(string name, string description, string? unit, double[] values) => new(name, ColumnKind.Double, description, unit, values, null);

    /// <summary>Amounts in nano-units (10⁻⁹ of <paramref name="unit"/>).</summary>
    public static DataColumn Amounts(string name, string description, string? unit, long[] values, bool[]? nulls = null) => new(name, ColumnKind.Amount, description, unit, values, nulls);

    public static DataColumn Int64s(string name, string description, string? unit, long[] values, bool[]? nulls = null) => new(name, ColumnKind.Int64, description, unit, values, nulls);

    public static DataColumn Int32s(string name, string description, string? unit, int[] values, bool[]? nulls = null) => new(name, ColumnKind.Int32, description, unit, values, nulls);

    public static DataColumn Booleans(string name, string description, bool[] values, bool[]? nulls = null) => new(name, ColumnKind.Boolean, description, null, values, nulls);

    public static DataColumn Texts(string name, string description, string?[] values) =>
        new(name, ColumnKind.Text, description, null, values, values.Select(v => v is null).ToArray() is var n && n.Any(x => x) ? n : null);

    /// <summary>Dates as <see cref="DateOnly.DayNumber"/>s; nulls where a step has no date.</summary>
    public static DataColumn Dates(string name, string description, int[] dayNumbers, bool[]? nulls = null) => new(name, ColumnKind.Date, description, null, dayNumbers, nulls);

    /// <summary>A column of any type from its raw array (the run-folder loader's entry point).</summary>
    public static DataColumn FromArray(string name, ColumnKind type, string description, string? unit, Array values, bool[]? nulls)
    {
        var expected = type switch
        {
            ColumnKind.Int32 or ColumnKind.Date => typeof(int[]),
            ColumnKind.Int64 or ColumnKind.Amount => typeof(long[]),
            ColumnKind.Double => typeof(double[]),
            ColumnKind.Boolean => typeof(bool[]),
            _ => typeof(string[]),
        };
        if (values.GetType() != expected)
        {
            throw new ArgumentException($"column '{name}' of type {type} needs {expected.Name}, got {values.GetType().Name}");
        }

        return new(name, type, description, unit, values, nulls);
    }

    public bool IsNull(int row) => Nulls?[row] == true || (Type == ColumnKind.Text && ((string?[])Values)[row] is null);

    /// <summary>
    /// The value as a double for charts and statistics: amounts converted from nano-units
    /// (<see cref="Fixed.ToDouble"/>), dates as day numbers, NaN for null. Not for balances.
    /// </summary>
    public double Number(int row)
    {
        if (IsNull(row))
        {
            return double.NaN;
        }

        return Type switch
        {
            ColumnKind.Double => ((double[])Values)[row],
            ColumnKind.Amount => Fixed.ToDouble(((long[])Values)[row]),
            ColumnKind.Int64 => ((long[])Values)[row],
            ColumnKind.Int32 or ColumnKind.Date => ((int[])Values)[row],
            ColumnKind.Boolean => ((bool[])Values)[row] ? 1 : 0,
            _ => throw new InvalidOperationException($"column '{Name}' is text, not a number"),
        };
    }

    /// <summary>All values as doubles (see <see cref="Number"/>).</summary>
    public double[] Numbers() => Enumerable.Range(0, Length).Select(Number).ToArray();

    /// <summary>The value as text for keys and table cells: amounts exactly, dates in ISO 8601, "null" for null.</summary>
    public string Text(int row)
    {
        if (IsNull(row))
        {
            return "null";
        }

        return Type switch
        {
            ColumnKind.Text => ((string?[])Values)[row]!,
            ColumnKind.Amount => Fixed.Format(((long[])Values)[row]),
            ColumnKind.Date => Formatting.NumberFormat.Date(DateOnly.FromDayNumber(((int[])Values)[row])),
            ColumnKind.Boolean => ((bool[])Values)[row] ? "true" : "false",
            ColumnKind.Double => ((double[])Values)[row].ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ColumnKind.Int64 => ((long[])Values)[row].ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => ((int[])Values)[row].ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
    }
}

/// <summary>A named table of equal-length columns (a run's summary, paths or series).</summary>
public sealed class DataTable
{
    private readonly Dictionary<string, DataColumn> byName;

    public DataTable(string name, IReadOnlyList<DataColumn> columns)
    {
        Name = name;
        Columns = columns;
        RowCount = columns.Count == 0 ? 0 : columns[0].Length;
        byName = new Dictionary<string, DataColumn>(StringComparer.Ordinal);
        foreach (var c in columns)
        {
            if (c.Length != RowCount)
            {
                throw new InputException($"column '{c.Name}' has {c.Length} rows, the table has {RowCount}", file: name, key: c.Name);
            }

            if (!byName.TryAdd(c.Name, c))
            {
                throw new InputException("duplicate column", file: name, key: c.Name);
            }
        }
    }

    /// <summary>Where the table came from (e.g. "summary.parquet"), used in error messages.</summary>
    public string Name { get; }

    public IReadOnlyList<DataColumn> Columns { get; }

    public int RowCount { get; }

    public DataColumn? Find(string name) => byName.GetValueOrDefault(name);

    /// <summary>The column, or an <see cref="InputException"/> naming the table and the missing column.</summary>
    public DataColumn Column(string name) =>
        Find(name) ?? throw new InputException($"required column is missing (columns: {string.Join(", ", Columns.Select(c => c.Name))})", file: Name, key: name);
}
