using Backtest.Engine.Studies;
using Backtest.IO.Tables;
using Backtest.IO.Parquet;

namespace Backtest.Engine.Runs;

/// <summary>
/// Writes the Parquet files of a run folder (<c>paths</c>, <c>summary</c>, <c>series</c>) into
/// a directory, each streamed row group by row group and made visible only when complete.
/// Every file carries its columns' descriptions under <see cref="ColumnDescriptions.MetadataKey"/>
/// and the run's manifest under <see cref="ParquetWriter.ManifestKey"/>.
/// </summary>
public sealed class RunFolderWriter : IDisposable
{
    private readonly string directory;
    private readonly RunPlan plan;
    private readonly ParquetWriterOptions options;
    private readonly TableFile paths;
    private readonly TableFile series;
    private TableFile? summary;

    public RunFolderWriter(string directory, RunPlan plan, ParquetCodec codec = ParquetCodec.Snappy)
    {
        this.directory = directory;
        this.plan = plan;
        options = new ParquetWriterOptions { Codec = codec };
        var first = plan.Runs[0].Simulation;
        paths = new TableFile(Path.Combine(directory, "paths.parquet"), plan.Study.Name, PathFileColumns(first), options);
        series = new TableFile(Path.Combine(directory, "series.parquet"), plan.Study.Name, [.. Identity, .. SeriesStatistics.Columns(first.SeriesVariables)], options);
    }

    /// <summary>The identity columns every table starts with.</summary>
    public static IReadOnlyList<ColumnSpec> Identity { get; } =
    [
        ColumnSpec.Text("study", "study name"),
        ColumnSpec.Text("scenario", "scenario name"),
        ColumnSpec.Text("param_set", "parameter set name (see the manifest for its values)"),
    ];

    /// <summary>The path column after the identity.</summary>
    public static ColumnSpec PathColumn { get; } = ColumnSpec.Int64("path", "path index within the run (0-based)");

    /// <summary>The columns of a path file (<c>paths.parquet</c>, and a shard's part of it): identity, path, the model's per-path columns.</summary>
    public static IReadOnlyList<ColumnSpec> PathFileColumns(Models.ISimulation simulation) => [.. Identity, PathColumn, .. simulation.PathColumns];

    /// <summary>Appends rows <paramref name="offset"/>..+<paramref name="count"/> of a run's path table, which hold paths <paramref name="firstPath"/>.. in order.</summary>
    public void AppendPaths(PlannedRun run, ColumnTable table, int offset, int count, long firstPath)
    {
        paths.Append(run, table, offset, count, [Sequence(firstPath, count)]);
    }

    /// <summary>first, first + 1, …, first + count − 1.</summary>
    internal static long[] Sequence(long first, int count)
    {
        var values = new long[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = first + i;
        }

        return values;
    }

    /// <summary>Appends a run's summary rows, with its swept parameter values as columns after the identity.</summary>
    public void AppendSummary(PlannedRun run, ColumnTable table)
    {
        var swept = plan.Study.SweptParameters.Select(name => run.ParameterSet.Values.Specs.First(s => s.Name == name)).ToList();
        summary ??= new TableFile(Path.Combine(directory, "summary.parquet"), plan.Study.Name, [.. Identity, .. swept.Select(ParameterColumn), .. table.Columns], options);
        if (!summary.Columns.Skip(Identity.Count + swept.Count).SequenceEqual(table.Columns))
        {
            throw new InvalidOperationException($"model {plan.Study.Model.Name} gives run {run.Label} other summary columns than earlier runs");
        }

        var parameterColumns = swept.Select(spec => ParameterValues(spec, run.ParameterSet.Values[spec.Name], table.RowCount)).ToArray();
        summary.Append(run, table, 0, table.RowCount, parameterColumns);
    }

    /// <summary>Appends a run's series rows (from <see cref="SeriesStatistics.Build"/>).</summary>
    public void AppendSeries(PlannedRun run, ColumnTable table) => series.Append(run, table, 0, table.RowCount, []);

    /// <summary>Stamps every file with the manifest and closes it (each becomes visible under its final name).</summary>
    public void Complete(string manifestJson)
    {
        if (summary is null)
        {
            throw new InvalidOperationException("no summary was written");
        }

        foreach (var file in new[] { paths, summary, series })
        {
            file.Close(manifestJson);
        }
    }

    public void Dispose()
    {
        paths.Dispose();
        series.Dispose();
        summary?.Dispose();
    }

    /// <summary>The Parquet column for a column spec.</summary>
    public static ParquetColumn ToParquet(ColumnSpec spec) => spec.Kind switch
    {
        ColumnKind.Int32 => ParquetColumn.Int32(spec.Name, spec.Nullable),
        ColumnKind.Int64 => ParquetColumn.Int64(spec.Name, spec.Nullable),
        ColumnKind.Amount => ParquetColumn.Decimal(spec.Name, Numerics.Fixed.Decimals, spec.Nullable),
        ColumnKind.Double => ParquetColumn.Double(spec.Name, spec.Nullable),
        ColumnKind.Boolean => ParquetColumn.Boolean(spec.Name, spec.Nullable),
        ColumnKind.Text => ParquetColumn.String(spec.Name, spec.Nullable),
        ColumnKind.Date => ParquetColumn.Date(spec.Name, spec.Nullable),
        _ => throw new ArgumentOutOfRangeException(nameof(spec)),
    };

    private static ColumnSpec ParameterColumn(ParameterSpec spec)
    {
        var description = $"swept parameter: {spec.Description}";
        return spec.Kind switch
        {
            ParameterKind.Integer => ColumnSpec.Int64(spec.Name, description, spec.Unit),
            ParameterKind.Amount => ColumnSpec.Amount(spec.Name, description, spec.Unit),
            ParameterKind.Real => ColumnSpec.Double(spec.Name, description, spec.Unit),
            ParameterKind.Boolean => ColumnSpec.Boolean(spec.Name, description),
            ParameterKind.Date => ColumnSpec.Date(spec.Name, description),
            _ => ColumnSpec.Text(spec.Name, description),
        };
    }

    private static Array ParameterValues(ParameterSpec spec, object value, int rows) => spec.Kind switch
    {
        ParameterKind.Integer or ParameterKind.Amount => Enumerable.Repeat((long)value, rows).ToArray(),
        ParameterKind.Real => Enumerable.Repeat((double)value, rows).ToArray(),
        ParameterKind.Boolean => Enumerable.Repeat((bool)value, rows).ToArray(),
        ParameterKind.Date => Enumerable.Repeat(((DateOnly)value).DayNumber - SeriesStatistics.UnixEpochDay, rows).ToArray(),
        _ => Enumerable.Repeat<string?>(spec.Format(value), rows).ToArray(),
    };
}
