using Backtest.IO.Parquet;
using Backtest.IO.Tables;

namespace Backtest.Engine.Runs;

/// <summary>One Parquet file: identity columns, then extra leading columns, then a table's columns.</summary>
internal sealed class TableFile : IDisposable
{
    private readonly ParquetWriter writer;
    private readonly string studyName;

    public TableFile(string path, string studyName, IReadOnlyList<ColumnSpec> columns, ParquetWriterOptions options)
    {
        this.studyName = studyName;
        Columns = columns;
        writer = ParquetWriter.Create(path, new ParquetSchema(columns.Select(RunFolderWriter.ToParquet)), options);
        writer.SetMetadata(ColumnDescriptions.MetadataKey, ColumnDescriptions.ToJson(columns));
    }

    public IReadOnlyList<ColumnSpec> Columns { get; }

    /// <summary>Rows appended so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Identity values from the run, then <paramref name="leading"/> arrays (one per extra column), then the table's rows.</summary>
    public void Append(PlannedRun run, ColumnTable table, int offset, int count, Array[] leading)
    {
        writer.Append(0, Repeat(studyName, count));
        writer.Append(1, Repeat(run.Scenario.Name, count));
        writer.Append(2, Repeat(run.ParameterSet.Name, count));
        int column = RunFolderWriter.Identity.Count;
        foreach (var values in leading)
        {
            AppendArray(column++, values, 0, count, null);
        }

        for (int c = 0; c < table.Columns.Count; c++)
        {
            AppendArray(column++, table.Raw(c), offset, count, table.Nulls(c));
        }

        writer.EndBatch();
        Rows += count;
    }

    /// <summary>Ends the current row group here (a shard keeps one block per row group, so a merge reads a block at a time).</summary>
    public void EndRowGroup() => writer.FlushRowGroup();

    public void Close(string manifestJson)
    {
        writer.SetMetadata(ParquetWriter.ManifestKey, manifestJson);
        writer.Close();
    }

    public void Dispose() => writer.Dispose();

    private static string?[] Repeat(string value, int count) => Enumerable.Repeat<string?>(value, count).ToArray();

    private void AppendArray(int column, Array values, int offset, int count, bool[]? nulls)
    {
        var mask = nulls is null ? default : new ReadOnlySpan<bool>(nulls, offset, count);
        switch (values)
        {
            case long[] l:
                writer.Append(column, new ReadOnlySpan<long>(l, offset, count), mask);
                break;
            case int[] i:
                writer.Append(column, new ReadOnlySpan<int>(i, offset, count), mask);
                break;
            case double[] d:
                writer.Append(column, new ReadOnlySpan<double>(d, offset, count), mask);
                break;
            case bool[] b:
                writer.Append(column, new ReadOnlySpan<bool>(b, offset, count), mask);
                break;
            case string?[] s:
                writer.Append(column, new ReadOnlySpan<string?>(s, offset, count), mask);
                break;
            default:
                throw new ArgumentException($"unsupported column array {values.GetType()}");
        }
    }
}
