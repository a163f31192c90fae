using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Backtest.Reports.Data;

namespace Backtest.Cli.Commands;

/// <summary>
/// <c>backtest publish [RUN] [--to DIR] [--check]</c>: the published report of a study
/// (<c>reports/default/</c> for the default study) is a run folder's report, summary and manifest.
/// Without RUN the default study is run first, so one command regenerates the committed copy;
/// <c>--check</c> compares instead of writing and fails when the statistics differ.
/// </summary>
internal static class PublishCommand
{
    public const string DefaultDestination = "reports/default";

    /// <summary>Files of a run folder that make up a published report (besides report/).</summary>
    private static readonly string[] RunFiles = ["summary.parquet", "manifest.json"];

    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var run = new Argument<string?>("RUN")
        {
            Description = $"A run folder written by 'backtest run'. Default: run {RunCommand.DefaultStudy} first (into a temporary folder).",
            DefaultValueFactory = _ => null,
        };
        var to = new Option<string>("--to")
        {
            Description = $"Folder of the published report. Default: {DefaultDestination}.",
            DefaultValueFactory = _ => DefaultDestination,
        };
        var check = new Option<bool>("--check") { Description = "Compare the run's statistics with the published copy instead of writing it; exit 1 if they differ." };
        var command = new Command("publish", "Publish a run's report, summary and manifest (reports/default/ for the default study), or check the published copy is current.")
        {
            run, to, check,
        };
        command.SetAction(parse =>
        {
            string? source = parse.GetValue(run);
            string? scratch = null;
            try
            {
                if (source is null)
                {
                    scratch = Path.Combine(Path.GetTempPath(), "backtest-publish-" + Guid.NewGuid().ToString("N"));
                    source = Path.Combine(scratch, "run");
                    // A published report lists no run of this machine's catalogue, and a scratch run is not one to keep there.
                    int code = BacktestCli.Run(["run", RunCommand.DefaultStudy, "--out", source, "--no-catalog"], stdout, stderr);
                    if (code != BacktestCli.Ok)
                    {
                        return code;
                    }
                }

                RequireRunFolder(source);
                string destination = parse.GetValue(to)!;
                string described = scratch is null ? source : $"a fresh run of {RunCommand.DefaultStudy}";
                return parse.GetValue(check) ? Check(source, described, destination, stdout, stderr) : Publish(source, described, destination, stdout);
            }
            finally
            {
                if (scratch is not null && Directory.Exists(scratch))
                {
                    Directory.Delete(scratch, recursive: true);
                }
            }
        });
        return command;
    }

    private static void RequireRunFolder(string folder)
    {
        foreach (var file in RunFiles.Append(Path.Combine("report", "index.html")))
        {
            if (!File.Exists(Path.Combine(folder, file)))
            {
                throw new InputException($"not a complete run folder: {file} is missing", file: folder);
            }
        }
    }

    /// <summary>Writes the published copy beside its destination and swaps it in, so a failure leaves the old copy.</summary>
    private static int Publish(string source, string described, string destination, TextWriter stdout)
    {
        string full = Path.GetFullPath(destination);
        string staging = full.TrimEnd(Path.DirectorySeparatorChar) + ".publishing";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        foreach (var file in Directory.GetFiles(Path.Combine(source, "report")))
        {
            File.Copy(file, Path.Combine(staging, Path.GetFileName(file)));
        }

        foreach (var file in RunFiles)
        {
            File.Copy(Path.Combine(source, file), Path.Combine(staging, file));
        }

        if (Directory.Exists(full))
        {
            Directory.Delete(full, recursive: true);
        }

        Directory.Move(staging, full);
        stdout.WriteLine($"published {described} to {destination} ({Directory.GetFiles(full).Length} files)");
        return BacktestCli.Ok;
    }

    private static int Check(string source, string described, string published, TextWriter stdout, TextWriter stderr)
    {
        if (!File.Exists(Path.Combine(published, "summary.parquet")) || !File.Exists(Path.Combine(published, "manifest.json")))
        {
            stderr.WriteLine($"backtest: error: {published} holds no published report (summary.parquet and manifest.json); publish one with 'backtest publish'");
            return BacktestCli.Failed;
        }

        var differences = CompareManifests(Path.Combine(published, "manifest.json"), Path.Combine(source, "manifest.json"))
            .Concat(CompareSummaries(Path.Combine(published, "summary.parquet"), Path.Combine(source, "summary.parquet")))
            .ToList();
        if (differences.Count == 0)
        {
            stdout.WriteLine($"{published} is current: the study, seed, paths and every summary statistic equal those of {described}");
            return BacktestCli.Ok;
        }

        stderr.WriteLine($"backtest: {published} is out of date ({differences.Count} difference{(differences.Count == 1 ? string.Empty : "s")} from {described}); regenerate it with 'dotnet run --project src/Backtest.Cli -c Release -- publish'");
        foreach (var line in differences.Take(20))
        {
            stderr.WriteLine($"  {line}");
        }

        if (differences.Count > 20)
        {
            stderr.WriteLine($"  … and {differences.Count - 20} more");
        }

        return BacktestCli.Failed;
    }

    /// <summary>What fixes the statistics: the study text, seed, paths and the resolved scenarios and parameter sets. Times, machine and commit are aside.</summary>
    private static IEnumerable<string> CompareManifests(string publishedFile, string currentFile)
    {
        using var published = JsonDocument.Parse(File.ReadAllText(publishedFile));
        using var current = JsonDocument.Parse(File.ReadAllText(currentFile));
        foreach (var path in new[] { "study.sha256", "seed", "paths", "series_paths", "scenarios", "parameter_sets" })
        {
            string a = Find(published.RootElement, path), b = Find(current.RootElement, path);
            if (a != b)
            {
                yield return $"manifest {path}: published {Abbreviate(a)}, now {Abbreviate(b)}";
            }
        }

        static string Find(JsonElement root, string path)
        {
            var element = root;
            foreach (var part in path.Split('.'))
            {
                if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(part, out element))
                {
                    return "(missing)";
                }
            }

            return element.GetRawText();
        }

        static string Abbreviate(string text) => text.Length <= 60 ? text : text[..57] + "...";
    }

    /// <summary>Every column, row and value of the two summaries; doubles must agree bit for bit (the engine is deterministic).</summary>
    private static IEnumerable<string> CompareSummaries(string publishedFile, string currentFile)
    {
        var published = RunFolder.ReadTable(publishedFile);
        var current = RunFolder.ReadTable(currentFile);
        var publishedNames = published.Columns.Select(c => $"{c.Name}:{c.Type}").ToList();
        var currentNames = current.Columns.Select(c => $"{c.Name}:{c.Type}").ToList();
        if (!publishedNames.SequenceEqual(currentNames))
        {
            yield return $"summary columns: published [{string.Join(", ", publishedNames.Except(currentNames))}] not in the run, run [{string.Join(", ", currentNames.Except(publishedNames))}] not published, or a different order";
            yield break;
        }

        if (published.RowCount != current.RowCount)
        {
            yield return $"summary rows: published {published.RowCount}, now {current.RowCount}";
            yield break;
        }

        var label = LabelColumns(current);
        for (int c = 0; c < current.Columns.Count; c++)
        {
            var a = published.Columns[c];
            var b = current.Columns[c];
            for (int r = 0; r < current.RowCount; r++)
            {
                if (!SameValue(a, b, r))
                {
                    yield return $"summary {label(r)} {b.Name}: published {a.Text(r)}, now {b.Text(r)}";
                }
            }
        }
    }

    private static Func<int, string> LabelColumns(DataTable table)
    {
        var scenario = table.Columns.FirstOrDefault(c => c.Name == "scenario");
        var set = table.Columns.FirstOrDefault(c => c.Name == "param_set");
        return r => scenario is null || set is null
            ? $"row {r.ToString(CultureInfo.InvariantCulture)}"
            : $"{scenario.Text(r)}/{set.Text(r)} (row {r.ToString(CultureInfo.InvariantCulture)})";
    }

    private static bool SameValue(DataColumn a, DataColumn b, int row)
    {
        if (a.IsNull(row) || b.IsNull(row))
        {
            return a.IsNull(row) == b.IsNull(row);
        }

        return (a.Values, b.Values) switch
        {
            (double[] x, double[] y) => BitConverter.DoubleToInt64Bits(x[row]) == BitConverter.DoubleToInt64Bits(y[row]),
            _ => Equals(a.Values.GetValue(row), b.Values.GetValue(row)),
        };
    }
}
