namespace Backtest.IO.Tables;

/// <summary>The type of an output column; each maps to one Parquet physical/logical type.</summary>
public enum ColumnKind
{
    /// <summary>32-bit integer (INT32).</summary>
    Int32,

    /// <summary>64-bit integer (INT64).</summary>
    Int64,

    /// <summary>Fixed-point amount, 9 decimals (INT64 as DECIMAL(18, 9)): exact.</summary>
    Amount,

    /// <summary>IEEE double (DOUBLE): probabilities, ratios, statistics that are not balances.</summary>
    Double,

    /// <summary>BOOLEAN.</summary>
    Boolean,

    /// <summary>UTF-8 text (BYTE_ARRAY STRING).</summary>
    Text,

    /// <summary>Calendar date (INT32 DATE, days since 1970-01-01).</summary>
    Date,
}

/// <summary>One output column: snake_case name, type, and what it means (quoted by docs and reports).</summary>
public sealed record ColumnSpec(string Name, ColumnKind Kind, string Description)
{
    /// <summary>Unit of the values (e.g. "USD", "AMPL", "days", "probability").</summary>
    public string? Unit { get; init; }

    /// <summary>Whether the column may hold nulls (e.g. a date on a step without one).</summary>
    public bool Nullable { get; init; }

    /// <summary>
    /// Whether each value is a loss on one path: zero or more, larger is worse, in <see cref="Unit"/>.
    /// Reports draw the distribution of every per-path column so marked (histogram and exceedance curve).
    /// </summary>
    public bool IsLoss { get; init; }

    public static ColumnSpec Int32(string name, string description, string? unit = null) => new(name, ColumnKind.Int32, description) { Unit = unit };

    public static ColumnSpec Int64(string name, string description, string? unit = null) => new(name, ColumnKind.Int64, description) { Unit = unit };

    public static ColumnSpec Amount(string name, string description, string? unit = null) => new(name, ColumnKind.Amount, description) { Unit = unit };

    public static ColumnSpec Double(string name, string description, string? unit = null) => new(name, ColumnKind.Double, description) { Unit = unit };

    public static ColumnSpec Boolean(string name, string description) => new(name, ColumnKind.Boolean, description);

    public static ColumnSpec Text(string name, string description) => new(name, ColumnKind.Text, description);

    public static ColumnSpec Date(string name, string description) => new(name, ColumnKind.Date, description);
}

/// <summary>
/// A table held as one typed array per column (structure of arrays): models fill it, the run
/// writer streams it to Parquet. Int32 and Date columns use <c>int[]</c>; Int64 and Amount use
/// <c>long[]</c>; Double <c>double[]</c>; Boolean <c>bool[]</c>; Text <c>string?[]</c>. Nullable
/// columns carry a parallel "is null" mask.
/// </summary>
public sealed class ColumnTable
{
    private readonly Array[] data;
    private readonly bool[]?[] nulls;
    private readonly Dictionary<string, int> index;

    public ColumnTable(IReadOnlyList<ColumnSpec> columns, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        Columns = columns;
        RowCount = rows;
        index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < columns.Count; i++)
        {
            if (!index.TryAdd(columns[i].Name, i))
            {
                throw new ArgumentException($"duplicate column name '{columns[i].Name}'", nameof(columns));
            }
        }

        data = columns.Select(c => Allocate(c.Kind, rows)).ToArray();
        nulls = columns.Select(c => c.Nullable ? new bool[rows] : null).ToArray();
    }

    public IReadOnlyList<ColumnSpec> Columns { get; }

    public int RowCount { get; }

    public int IndexOf(string name) =>
        index.TryGetValue(name, out var i) ? i : throw new KeyNotFoundException($"no column named '{name}'");

    public int[] Int32(int column) => As<int>(column, ColumnKind.Int32, ColumnKind.Date);

    public long[] Int64(int column) => As<long>(column, ColumnKind.Int64, ColumnKind.Amount);

    public double[] Double(int column) => As<double>(column, ColumnKind.Double);

    public bool[] Boolean(int column) => As<bool>(column, ColumnKind.Boolean);

    public string?[] Text(int column) => As<string?>(column, ColumnKind.Text);

    public int[] Int32(string name) => Int32(IndexOf(name));

    public long[] Int64(string name) => Int64(IndexOf(name));

    public double[] Double(string name) => Double(IndexOf(name));

    public bool[] Boolean(string name) => Boolean(IndexOf(name));

    public string?[] Text(string name) => Text(IndexOf(name));

    /// <summary>The raw array of a column, whatever its type.</summary>
    public Array Raw(int column) => data[column];

    /// <summary>The null mask of a nullable column (true = null), or null for a required column.</summary>
    public bool[]? Nulls(int column) => nulls[column];

    private T[] As<T>(int column, params ColumnKind[] kinds)
    {
        var spec = Columns[column];
        if (!kinds.Contains(spec.Kind))
        {
            throw new InvalidOperationException($"column '{spec.Name}' is {spec.Kind}, not {string.Join(" or ", kinds)}");
        }

        return (T[])data[column];
    }

    private static Array Allocate(ColumnKind kind, int rows) => kind switch
    {
        ColumnKind.Int32 or ColumnKind.Date => new int[rows],
        ColumnKind.Int64 or ColumnKind.Amount => new long[rows],
        ColumnKind.Double => new double[rows],
        ColumnKind.Boolean => new bool[rows],
        ColumnKind.Text => new string?[rows],
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
