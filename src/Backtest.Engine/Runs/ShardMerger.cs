using System.Diagnostics;
using System.Globalization;
using Backtest.Engine.Models;
using Backtest.Engine.Studies;
using Backtest.IO.Parquet;
using Backtest.IO.Tables;

namespace Backtest.Engine.Runs;

/// <summary>What to merge, where to, and with which models and data (the summaries are recomputed).</summary>
public sealed record MergeOptions(IReadOnlyList<string> ShardFolders, string OutputDirectory, string DataDirectory, ModelCatalog Models)
{
    /// <summary>Called with the staging folder after the data files are written, before it is moved into place (the report goes here).</summary>
    public Action<string, RunResult>? Finishing { get; init; }
}

/// <summary>A shard folder set that cannot be merged: the message names the shard and what is wrong.</summary>
public sealed class ShardMergeException(string message, string? file = null) : InputException(message, file);

/// <summary>
/// Combines the shards of a study into one run folder equal, value for value, to the folder a
/// single process would have written: path rows in the same order, each run's summary
/// recomputed by the model from all its path rows, and the series recomputed from the recorded
/// paths' per-step values. Before anything is written it checks that the shards are all there
/// (0..N−1, each once, each complete), come from one engine build, study, seed, path count and
/// input data, and that the data folder here holds the same input files. Memory: one run's path
/// table (as in a single run) plus about one block per shard.
/// </summary>
public static class ShardMerger
{
    public static RunResult Merge(MergeOptions options)
    {
        var target = Path.GetFullPath(options.OutputDirectory);
        var roots = options.ShardFolders.Select(Path.GetFullPath).ToList();
        foreach (var root in roots)
        {
            if (Inside(target, root) || Inside(root, target))
            {
                throw new ShardMergeException("--out must be outside the shard folders (and not contain one)", root);
            }
        }

        FolderPromotion.CheckTarget(target);
        var shards = Collect(roots);
        var reference = shards[0].Record;
        var study = LoadStudy(reference, options.Models);
        var data = new DataAccess(options.DataDirectory);
        var plan = RunPlan.Create(study, data);
        CheckData(Manifest.Inputs(data), reference);
        var slice = new ShardSlice(reference.Count, [.. plan.Runs.Select(r => r.Simulation.Paths)]);
        CheckRuns(plan, slice, shards);

        var staging = FolderPromotion.CreateStaging(target);
        var parts = new List<PartReader>();
        try
        {
            var pathColumns = RunFolderWriter.PathFileColumns(plan.Runs[0].Simulation);
            var seriesColumns = ShardFolder.SeriesPartColumns(plan.Runs[0].Simulation.SeriesVariables);
            var pathParts = shards.Select(s => Open(parts, s, s.Record.PathsFile, s.Record.PathRows, pathColumns)).ToList();
            var seriesParts = shards.Select(s => Open(parts, s, s.Record.SeriesFile, s.Record.SeriesRows, seriesColumns)).ToList();
            var timings = new List<RunTiming>();
            var summaries = new List<(PlannedRun, ColumnTable)>();
            using (var writer = new RunFolderWriter(staging, plan))
            {
                foreach (var run in plan.Runs)
                {
                    var simulation = run.Simulation;
                    int paths = (int)simulation.Paths;
                    var table = new ColumnTable(simulation.PathColumns, paths);
                    for (int block = 0; block < slice.Blocks(run.Index); block++)
                    {
                        var range = slice.Block(run.Index, block);
                        pathParts[slice.ShardOf(run.Index, block)].ReadPaths(plan.Study.Name, run, range, table);
                    }

                    // The single run's batch grid, so the writer sees the same batches as there.
                    int batchSize = Math.Max(1, simulation.BatchSize);
                    for (int offset = 0; offset < paths; offset += batchSize)
                    {
                        writer.AppendPaths(run, table, offset, Math.Min(batchSize, paths - offset), offset);
                    }

                    var summary = simulation.Summarize(table);
                    writer.AppendSummary(run, summary);
                    summaries.Add((run, summary));

                    var recorder = new SeriesRecorder(simulation.SeriesVariables, (int)Math.Min(study.SeriesPaths, simulation.Paths), simulation.Steps);
                    for (int s = 0; s < shards.Count; s++)
                    {
                        foreach (var range in slice.Owned(run.Index, s))
                        {
                            for (long path = range.First; path < Math.Min(range.End, recorder.RecordedPaths); path++)
                            {
                                seriesParts[s].ReadSeries(plan.Study.Name, run, path, recorder);
                            }
                        }
                    }

                    writer.AppendSeries(run, SeriesStatistics.Build(simulation, recorder));
                    timings.Add(new RunTiming(run.Scenario.Name, run.ParameterSet.Name,
                        TimeSpan.FromSeconds(shards.Sum(s => s.Record.Runs[run.Index].WallSeconds))));
                }

                foreach (var part in parts)
                {
                    part.CheckFinished();
                }

                var result = new RunResult(target, plan, shards.Min(s => s.Record.Started), DateTimeOffset.UtcNow, timings)
                {
                    Summaries = summaries,
                    Shards = [.. shards.Select(s => s.Record)],
                };
                var manifest = Manifest.Build(result, reference.Identity.Inputs);
                writer.Complete(manifest);
                File.WriteAllText(Path.Combine(staging, "manifest.json"), manifest);
                DisposeAll(parts);
                options.Finishing?.Invoke(staging, result);
                FolderPromotion.Promote(staging, target);
                return result;
            }
        }
        catch
        {
            DisposeAll(parts);
            FolderPromotion.TryDelete(staging);
            throw;
        }
    }

    /// <summary>A complete shard and the folder it was found in.</summary>
    private sealed record FoundShard(string Root, ShardRecord Record);

    /// <summary>
    /// Finds every shard in the folders and returns them by index, or refuses: a shard folder
    /// that is not one, a shard found twice, an incomplete shard, shards that differ, a missing one.
    /// </summary>
    private static List<FoundShard> Collect(IReadOnlyList<string> roots)
    {
        var complete = new SortedDictionary<int, FoundShard>();
        var partitions = new List<(int Index, string Folder)>();
        var attempts = new List<(int Index, string Folder)>();
        foreach (var root in roots)
        {
            if (!Directory.Exists(root))
            {
                throw new ShardMergeException("shard folder not found", root);
            }

            if (!new[] { ShardFolder.PathsFolder, ShardFolder.ManifestsFolder, ShardFolder.StagingFolder }.Any(f => Directory.Exists(Path.Combine(root, f))))
            {
                throw new ShardMergeException($"not a shard folder (no {ShardFolder.PathsFolder}/ or {ShardFolder.ManifestsFolder}/ inside)", root);
            }

            foreach (var (index, file) in Indexed(Path.Combine(root, ShardFolder.ManifestsFolder), files: true, ".json"))
            {
                var record = ShardManifest.Read(file);
                if (record.Index != index)
                {
                    throw new ShardMergeException($"the manifest says shard {record.Index} but is named for shard {index}", file);
                }

                if (complete.TryGetValue(index, out var seen))
                {
                    throw new ShardMergeException($"shard {index} is given twice: in {seen.Root} and in {root}");
                }

                complete[index] = new FoundShard(root, record);
            }

            partitions.AddRange(Indexed(Path.Combine(root, ShardFolder.PathsFolder), files: false, string.Empty));
            partitions.AddRange(Indexed(Path.Combine(root, ShardFolder.SeriesFolder), files: false, string.Empty));
            attempts.AddRange(Directory.Exists(Path.Combine(root, ShardFolder.StagingFolder))
                ? Directory.EnumerateDirectories(Path.Combine(root, ShardFolder.StagingFolder), "shard=*")
                    .Select(d => (Index: IndexOf(Path.GetFileName(d).Split('.')[0]) ?? -1, Folder: d))
                : []);
        }

        if (complete.Count == 0)
        {
            throw new ShardMergeException(
                $"no complete shard in {string.Join(", ", roots)} (shard I is complete when {ShardFolder.ManifestsFolder}/shard=I.json exists)");
        }

        var reference = complete.First().Value;
        int count = reference.Record.Count;
        foreach (var shard in complete.Values.Skip(1))
        {
            if (reference.Record.Identity.Difference(shard.Record.Identity) is { } difference)
            {
                throw new ShardMergeException(
                    $"shard {shard.Record.Index} is not from the same run as shard {reference.Record.Index}: {difference}", shard.Record.File);
            }
        }

        foreach (var (index, folder) in partitions.Where(p => !complete.ContainsKey(p.Index)).OrderBy(p => p.Index))
        {
            throw new ShardMergeException(
                $"shard {index} of {count} is incomplete: {folder} exists but shard {index}'s manifest does not (it crashed or is still running); run it again", folder);
        }

        for (int index = 0; index < count; index++)
        {
            if (!complete.ContainsKey(index))
            {
                var attempt = attempts.FirstOrDefault(a => a.Index == index).Folder;
                throw new ShardMergeException(
                    $"shard {index} of {count} is missing" + (attempt is null ? string.Empty : $" (an unfinished attempt is in {attempt}: it crashed or is still running)"));
            }
        }

        var extra = complete.Keys.FirstOrDefault(i => i >= count, -1);
        if (extra >= 0)
        {
            throw new ShardMergeException($"shard {extra} is beyond the {count} shards of this run", complete[extra].Record.File);
        }

        return [.. complete.Values];
    }

    /// <summary>Entries named <c>shard=I</c> (+ suffix) in a folder, with I.</summary>
    private static IEnumerable<(int Index, string Path)> Indexed(string folder, bool files, string suffix)
    {
        if (!Directory.Exists(folder))
        {
            return [];
        }

        var entries = files ? Directory.EnumerateFiles(folder, $"shard=*{suffix}") : Directory.EnumerateDirectories(folder, "shard=*");
        return entries
            .Select(e => (Index: IndexOf(Path.GetFileName(e)[..^suffix.Length]), Path: e))
            .Where(e => e.Index is not null)
            .Select(e => (e.Index!.Value, e.Path))
            .OrderBy(e => e.Item1)
            .ToList();
    }

    private static int? IndexOf(string name) =>
        name.StartsWith("shard=", StringComparison.Ordinal) && int.TryParse(name.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out int index) ? index : null;

    /// <summary>The study as the shards ran it: their text with their resolved seed and path count.</summary>
    private static Study LoadStudy(ShardRecord shard, ModelCatalog models)
    {
        var study = StudyLoader.Parse(shard.StudyText, shard.StudyFile, models, new StudyOverrides(shard.Identity.Paths, shard.Identity.Seed));
        if (study.SeriesPaths != shard.Identity.SeriesPaths || Manifest.StudySha256(study) != shard.Identity.StudySha256)
        {
            throw new ShardMergeException("the study text in the manifest does not resolve to the study the shards ran (edited manifest?)", shard.File);
        }

        return study;
    }

    /// <summary>Every data file the plan read here must be the shards' file, byte for byte (by SHA-256).</summary>
    private static void CheckData(IReadOnlyList<InputFile> here, ShardRecord shard)
    {
        var theirs = shard.Identity.Inputs.ToDictionary(i => i.Name, i => i.Sha256, StringComparer.Ordinal);
        foreach (var input in here)
        {
            if (!theirs.TryGetValue(input.Name, out var sha))
            {
                throw new ShardMergeException($"the study reads {input.Name} here, which the shards did not record reading; merge with the shards' data folder (--data)");
            }

            if (sha != input.Sha256)
            {
                throw new ShardMergeException($"{input.Name} differs from the shards' (sha256 {input.Sha256} here, {sha} on the shards); merge with the shards' data folder (--data)");
            }
        }
    }

    /// <summary>The plan here must have the shards' runs, and each shard's rows the slice's counts.</summary>
    private static void CheckRuns(RunPlan plan, ShardSlice slice, IReadOnlyList<FoundShard> shards)
    {
        foreach (var shard in shards)
        {
            var record = shard.Record;
            if (record.Runs.Count != plan.Runs.Count)
            {
                throw new ShardMergeException($"shard {record.Index} has {record.Runs.Count} runs but the study resolves to {plan.Runs.Count} here", record.File);
            }

            foreach (var run in plan.Runs)
            {
                var theirs = record.Runs[run.Index];
                if (theirs.Scenario != run.Scenario.Name || theirs.ParameterSet != run.ParameterSet.Name || theirs.Paths != run.Simulation.Paths || theirs.Steps != run.Simulation.Steps)
                {
                    throw new ShardMergeException(
                        $"run {run.Index} of shard {record.Index} is {theirs.Scenario}/{theirs.ParameterSet} with {theirs.Paths} paths of {theirs.Steps} steps, but {run.Label} with {run.Simulation.Paths} of {run.Simulation.Steps} here",
                        record.File);
                }

                if (theirs.SimulatedPaths != slice.OwnedPaths(run.Index, record.Index))
                {
                    throw new ShardMergeException(
                        $"shard {record.Index} simulated {theirs.SimulatedPaths} paths of run {run.Label}, but its slice holds {slice.OwnedPaths(run.Index, record.Index)}", record.File);
                }
            }
        }
    }

    private static PartReader Open(List<PartReader> parts, FoundShard shard, string relative, long rows, IReadOnlyList<ColumnSpec> columns)
    {
        var part = new PartReader(ShardFolder.Resolve(shard.Root, relative), shard.Record.Index, rows, columns);
        parts.Add(part);
        return part;
    }

    private static void DisposeAll(List<PartReader> parts)
    {
        parts.ForEach(p => p.Dispose());
        parts.Clear();
    }

    private static bool Inside(string path, string folder) =>
        string.Equals(path, folder, StringComparison.Ordinal) || path.StartsWith(folder.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>
    /// Reads a shard's part file front to back, one row group at a time, checking that every row
    /// is the one the slice says comes next (study, scenario, parameter set, path, step).
    /// </summary>
    private sealed class PartReader : IDisposable
    {
        private readonly ParquetReader reader;
        private readonly int shard;
        private ParquetTable? group;
        private int groupIndex = -1;
        private int position;
        private long consumed;

        public PartReader(string file, int shard, long expectedRows, IReadOnlyList<ColumnSpec> columns)
        {
            this.shard = shard;
            if (!File.Exists(file))
            {
                throw new ShardMergeException($"shard {shard} is incomplete: its manifest lists {file}, which does not exist", file);
            }

            try
            {
                reader = ParquetReader.Open(file);
            }
            catch (ParquetFormatException e)
            {
                throw new ShardMergeException($"shard {shard}'s file is not readable Parquet: {e.Message}", file);
            }

            var expected = columns.Select(RunFolderWriter.ToParquet).ToList();
            if (!reader.Schema.Columns.SequenceEqual(expected))
            {
                reader.Dispose();
                throw new ShardMergeException($"shard {shard}'s file has columns ({string.Join(", ", reader.Schema.Columns)}), not the model's ({string.Join(", ", expected)})", file);
            }

            if (reader.RowCount != expectedRows)
            {
                reader.Dispose();
                throw new ShardMergeException($"shard {shard}'s file has {reader.RowCount} rows but its manifest says {expectedRows}", file);
            }
        }

        /// <summary>Copies the rows of <paramref name="range"/> into the same rows of the run's path table.</summary>
        public void ReadPaths(string study, PlannedRun run, PathRange range, ColumnTable table)
        {
            int done = 0;
            while (done < range.Count)
            {
                var (rows, start, count) = Next(range.Count - done);
                var path = rows[3].Int64Values;
                for (int i = 0; i < count; i++)
                {
                    Expect(study, run, rows, start + i, path[start + i] == range.First + done + i, $"path {range.First + done + i}");
                }

                for (int c = 0; c < table.Columns.Count; c++)
                {
                    Copy(rows[4 + c], start, count, table, c, (int)range.First + done);
                }

                done += count;
            }
        }

        /// <summary>Reads one recorded path's per-step values into the recorder.</summary>
        public void ReadSeries(string study, PlannedRun run, long path, SeriesRecorder recorder)
        {
            int step = 0;
            while (step < recorder.Steps)
            {
                var (rows, start, count) = Next(recorder.Steps - step);
                for (int i = 0; i < count; i++, step++)
                {
                    int row = start + i;
                    Expect(study, run, rows, row, rows[3].Int64Values[row] == path && rows[4].Int32Values[row] == step, $"path {path} step {step}");
                    for (int v = 0; v < recorder.Variables.Count; v++)
                    {
                        var values = rows[5 + v];
                        if (values.IsNull(row))
                        {
                            throw Error($"a null {recorder.Variables[v].Name} at path {path} step {step}");
                        }

                        if (recorder.Variables[v].Kind == ColumnKind.Double)
                        {
                            recorder.Set(v, path, step, values.DoubleValues[row]);
                        }
                        else
                        {
                            recorder.Set(v, path, step, values.Int64Values[row]);
                        }
                    }
                }
            }
        }

        /// <summary>Every row must have been read: rows left over are rows the slice does not give this shard.</summary>
        public void CheckFinished()
        {
            if (consumed != reader.RowCount)
            {
                throw Error($"{reader.RowCount - consumed} rows are left over after the shard's slice");
            }
        }

        public void Dispose() => reader.Dispose();

        private (ParquetTable Rows, int Start, int Count) Next(int wanted)
        {
            while (group is null || position == group.RowCount)
            {
                if (++groupIndex >= reader.RowGroups.Count)
                {
                    throw Error("the file ends before the shard's slice does");
                }

                group = reader.ReadRowGroup(groupIndex);
                position = 0;
            }

            int start = position;
            int count = Math.Min(wanted, group.RowCount - position);
            position += count;
            consumed += count;
            return (group, start, count);
        }

        private void Expect(string study, PlannedRun run, ParquetTable rows, int row, bool keyMatches, string what)
        {
            if (rows[0].StringValues[row] != study || rows[1].StringValues[row] != run.Scenario.Name || rows[2].StringValues[row] != run.ParameterSet.Name || !keyMatches)
            {
                throw Error($"expected {study}/{run.Label} {what} next, found {rows[0].StringValues[row]}/{rows[1].StringValues[row]}/{rows[2].StringValues[row]} ({rows.Row(row)})");
            }
        }

        private static void Copy(ParquetColumnData source, int start, int count, ColumnTable table, int column, int offset)
        {
            switch (table.Raw(column))
            {
                case long[] l:
                    source.Int64Values.Slice(start, count).CopyTo(l.AsSpan(offset));
                    break;
                case int[] i:
                    source.Int32Values.Slice(start, count).CopyTo(i.AsSpan(offset));
                    break;
                case double[] d:
                    source.DoubleValues.Slice(start, count).CopyTo(d.AsSpan(offset));
                    break;
                case bool[] b:
                    source.BooleanValues.Slice(start, count).CopyTo(b.AsSpan(offset));
                    break;
                case string?[] s:
                    source.StringValues.Slice(start, count).CopyTo(s.AsSpan(offset));
                    break;
                default:
                    throw new InvalidOperationException($"unsupported column array {table.Raw(column).GetType()}");
            }

            if (table.Nulls(column) is { } nulls && source.NullCount > 0)
            {
                source.Nulls.Slice(start, count).CopyTo(nulls.AsSpan(offset));
            }
        }

        private ShardMergeException Error(string message) => new($"shard {shard}: {message}", reader.Path);
    }
}
