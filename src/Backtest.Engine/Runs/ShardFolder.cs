using Backtest.Engine.Models;
using Backtest.IO.Parquet;
using Backtest.IO.Tables;

namespace Backtest.Engine.Runs;

/// <summary>
/// The folder shards of one study write into (a shared file system, or one folder per machine
/// gathered later), Hive-partitioned so DuckDB, pandas and Spark read each table as one dataset:
/// <code>
/// paths/shard=I/part.parquet    the path rows of shard I's blocks (columns as paths.parquet, one block per row group)
/// series/shard=I/part.parquet   per-step values of the recorded paths (the first series_paths) in shard I's blocks
/// shards/shard=I.json           shard I's manifest, written last: it exists only when the shard is complete
/// .staging/shard=I.PID/         shard I while it runs (left behind only by a crash; safe to delete then)
/// </code>
/// A shard writes nothing outside its own partitions, manifest and staging folder.
/// </summary>
public static class ShardFolder
{
    public const string PathsFolder = "paths";
    public const string SeriesFolder = "series";
    public const string ManifestsFolder = "shards";
    public const string StagingFolder = ".staging";
    public const string PartFile = "part.parquet";

    /// <summary>The partition folder name of a shard: <c>shard=I</c>.</summary>
    public static string Partition(int index) => $"shard={index}";

    /// <summary>A shard's path rows, relative to the shard folder ('/'-separated).</summary>
    public static string PathsPart(int index) => $"{PathsFolder}/{Partition(index)}/{PartFile}";

    /// <summary>A shard's recorded per-step values, relative to the shard folder.</summary>
    public static string SeriesPart(int index) => $"{SeriesFolder}/{Partition(index)}/{PartFile}";

    /// <summary>A shard's manifest, relative to the shard folder.</summary>
    public static string ManifestFile(int index) => $"{ManifestsFolder}/{Partition(index)}.json";

    /// <summary>The full path of a relative shard file under <paramref name="root"/>.</summary>
    public static string Resolve(string root, string relative) => Path.Combine(root, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The columns of a series part: identity, path, step, then the model's series variables.</summary>
    public static IReadOnlyList<ColumnSpec> SeriesPartColumns(IReadOnlyList<ColumnSpec> variables) =>
    [
        .. RunFolderWriter.Identity,
        RunFolderWriter.PathColumn,
        ColumnSpec.Int32("step", "step index (0 = the first simulated step)"),
        .. variables,
    ];

    /// <summary>Refuses a target that is a file, or a folder holding anything but shards (e.g. a run folder or a source tree).</summary>
    internal static void CheckRoot(string root)
    {
        if (File.Exists(root))
        {
            throw new InputException("the output path is a file, not a folder", file: root);
        }

        string[] known = [PathsFolder, SeriesFolder, ManifestsFolder, StagingFolder];
        var stranger = Directory.Exists(root)
            ? Directory.EnumerateFileSystemEntries(root).Select(Path.GetFileName).FirstOrDefault(name => !known.Contains(name))
            : null;
        if (stranger is not null)
        {
            throw new InputException($"the output folder holds \"{stranger}\", so it is not a shard folder (only {string.Join(", ", known)}); choose another --out", file: root);
        }
    }

    /// <summary>
    /// Refuses to add a shard beside shards of another run (another study, seed, path count,
    /// shard count or engine build), which could never be merged with it; found before any work.
    /// </summary>
    internal static void CheckSiblings(string root, ShardIdentity identity, int index)
    {
        var manifests = Path.Combine(root, ManifestsFolder);
        if (!Directory.Exists(manifests))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(manifests, "shard=*.json").Order(StringComparer.Ordinal))
        {
            if (file == Resolve(root, ManifestFile(index)))
            {
                continue;
            }

            var sibling = ShardManifest.Read(file);
            if (identity.Difference(sibling.Identity, withInputs: false) is { } difference)
            {
                throw new InputException(
                    $"this folder holds shard {sibling.Index} of another run ({difference}); shards of one run share a folder — choose another --out or remove it",
                    file: file);
            }
        }
    }

    /// <summary>A fresh staging folder for a shard's files.</summary>
    internal static string CreateStaging(string root, int index)
    {
        var staging = Path.Combine(root, StagingFolder, $"{Partition(index)}.{Environment.ProcessId}");
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        return staging;
    }

    /// <summary>
    /// Moves a finished shard's files from staging into place: first its old manifest goes (so a
    /// crash from here on leaves the shard visibly incomplete, never complete with mixed files),
    /// then the two partitions replace any earlier ones, then the manifest is renamed into place.
    /// </summary>
    internal static void Promote(string staging, string root, int index)
    {
        var manifest = Resolve(root, ManifestFile(index));
        Directory.CreateDirectory(Path.GetDirectoryName(manifest)!);
        File.Delete(manifest);
        foreach (var (folder, name) in new[] { (PathsFolder, "paths"), (SeriesFolder, "series") })
        {
            var target = Path.Combine(root, folder, Partition(index));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (Directory.Exists(target))
            {
                Directory.Move(target, Path.Combine(staging, $"replaced-{name}"));
            }

            Directory.Move(Path.Combine(staging, name), target);
        }

        File.Move(Path.Combine(staging, "manifest.json"), manifest);
        // The .staging folder itself stays: removing it could race with another shard creating its own in it.
        FolderPromotion.TryDelete(staging);
    }
}

/// <summary>Writes a shard's two Parquet parts into its staging folder.</summary>
internal sealed class ShardFolderWriter : IDisposable
{
    private readonly TableFile paths;
    private readonly TableFile series;

    public ShardFolderWriter(string staging, RunPlan plan)
    {
        var options = new ParquetWriterOptions();
        var first = plan.Runs[0].Simulation;
        Directory.CreateDirectory(Path.Combine(staging, "paths"));
        Directory.CreateDirectory(Path.Combine(staging, "series"));
        paths = new TableFile(Path.Combine(staging, "paths", ShardFolder.PartFile), plan.Study.Name, RunFolderWriter.PathFileColumns(first), options);
        series = new TableFile(Path.Combine(staging, "series", ShardFolder.PartFile), plan.Study.Name, ShardFolder.SeriesPartColumns(first.SeriesVariables), options);
    }

    public long PathRows => paths.Rows;

    public long SeriesRows => series.Rows;

    /// <summary>Appends simulated rows; at the end of a block the row group ends too.</summary>
    public void AppendPaths(PlannedRun run, ColumnTable table, PathSlot slot)
    {
        paths.Append(run, table, slot.Offset, slot.Count, [RunFolderWriter.Sequence(slot.FirstPath, slot.Count)]);
        if (slot.EndsRange)
        {
            paths.EndRowGroup();
        }
    }

    /// <summary>Appends the per-step values of the recorded paths among the run's simulated ones: one row per (path, step), in path then step order.</summary>
    public void AppendSeries(PlannedRun run, SeriesRecorder recorder)
    {
        var table = new ColumnTable([ColumnSpec.Int32("step", string.Empty), .. recorder.Variables], recorder.Steps);
        var step = table.Int32(0);
        for (int s = 0; s < recorder.Steps; s++)
        {
            step[s] = s;
        }

        foreach (var range in run.Simulated)
        {
            for (long p = range.First; p < Math.Min(range.End, recorder.RecordedPaths); p++)
            {
                for (int v = 0; v < recorder.Variables.Count; v++)
                {
                    for (int s = 0; s < recorder.Steps; s++)
                    {
                        if (recorder.Variables[v].Kind == ColumnKind.Double)
                        {
                            table.Double(1 + v)[s] = recorder.Real(v, p, s);
                        }
                        else
                        {
                            table.Int64(1 + v)[s] = recorder.Integer(v, p, s);
                        }
                    }
                }

                series.Append(run, table, 0, recorder.Steps, [Enumerable.Repeat(p, recorder.Steps).ToArray()]);
            }
        }
    }

    public void Complete(string manifestJson)
    {
        paths.Close(manifestJson);
        series.Close(manifestJson);
    }

    public void Dispose()
    {
        paths.Dispose();
        series.Dispose();
    }
}
