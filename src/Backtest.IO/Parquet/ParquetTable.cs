using System.Text;

namespace Backtest.IO.Parquet;

/// <summary>Rows of a Parquet file (or one row group) held in memory, by column, with a row view for reports and notebooks.</summary>
public sealed class ParquetTable
{
    private readonly ParquetColumnData[] _columns;

    internal ParquetTable(ParquetSchema schema, IReadOnlyList<ParquetColumnData> columns, int rowCount)
    {
        Schema = schema;
        _columns = [.. columns];
        RowCount = rowCount;
    }

    public ParquetSchema Schema { get; }

    public int RowCount { get; }

    public IReadOnlyList<ParquetColumnData> Columns => _columns;

    public ParquetColumnData this[string column] => _columns[Schema.IndexOf(column)];

    public ParquetColumnData this[int column] => _columns[column];

    public ParquetRow Row(int index) =>
        (uint)index < (uint)RowCount ? new ParquetRow(this, index) : throw new ArgumentOutOfRangeException(nameof(index), index, $"the table has {RowCount} rows");

    public IEnumerable<ParquetRow> Rows
    {
        get
        {
            for (int i = 0; i < RowCount; i++)
            {
                yield return new ParquetRow(this, i);
            }
        }
    }
}

/// <summary>One row of a <see cref="ParquetTable"/>; values are boxed as <see cref="ParquetColumnData.GetValue"/> describes.</summary>
public readonly struct ParquetRow
{
    private readonly ParquetTable _table;

    internal ParquetRow(ParquetTable table, int index)
    {
        _table = table;
        Index = index;
    }

    public int Index { get; }

    public object? this[int column] => _table.Columns[column].GetValue(Index);

    public object? this[string column] => _table[column].GetValue(Index);

    /// <summary>The value in <paramref name="column"/> as exact text (<see cref="ParquetColumnData.FormatValue"/>), or <c>null</c>.</summary>
    public string Format(int column) => _table.Columns[column].FormatValue(Index) ?? "null";

    /// <summary><c>name=value, …</c> with values as exact text.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var column in _table.Columns)
        {
            if (text.Length > 0)
            {
                text.Append(", ");
            }

            text.Append(column.Column.Name).Append('=').Append(column.FormatValue(Index) ?? "null");
        }

        return text.ToString();
    }
}
