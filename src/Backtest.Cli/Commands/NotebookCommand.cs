using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Backtest.Cli.Notebooks;

namespace Backtest.Cli.Commands;

/// <summary><c>backtest notebook run FILE</c>: executes a C# notebook and writes it back with its outputs.</summary>
internal static class NotebookCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var file = new Argument<string>("FILE") { Description = "A Polyglot Notebooks C# notebook (.ipynb, nbformat 4)." };
        var output = new Option<string?>("--out")
        {
            HelpName = "FILE",
            Description = "Where to write the executed notebook. Default: FILE itself (its sources are never changed; outputs and counts are replaced). With --check, nothing is written unless --out is given.",
        };
        var check = new Option<bool>("--check")
        {
            Description = "Fail (exit 1) unless FILE already holds exactly what this run produces: the committed outputs are current.",
        };
        var timeout = new Option<double?>("--cell-timeout")
        {
            HelpName = "SECONDS",
            Description = $"Time budget of each cell; a cell still running then fails the run. Default: {NotebookRunOptions.DefaultCellBudget.TotalSeconds:0} s.",
        };
        var run = new Command("run", "Execute the C# cells in order in one session and write the notebook with their outputs (see docs/notebooks.md).")
        {
            file, output, check, timeout,
        };
        run.SetAction(parse => Run(parse.GetValue(file)!, parse.GetValue(output), parse.GetValue(check), parse.GetValue(timeout), stdout, stderr));
        return new Command("notebook", "C# notebooks (notebooks/).") { run };
    }

    internal static int Run(string path, string? outputPath, bool check, double? timeoutSeconds, TextWriter stdout, TextWriter stderr)
    {
        if (timeoutSeconds is { } seconds && !(seconds > 0 && seconds <= TimeSpan.MaxValue.TotalSeconds / 2))
        {
            throw new InputException("must be a positive number of seconds", key: "--cell-timeout");
        }

        var notebook = NotebookFile.Read(path);
        var options = new NotebookRunOptions(Path.GetDirectoryName(Path.GetFullPath(path))!)
        {
            CellBudget = timeoutSeconds is { } budget ? TimeSpan.FromSeconds(budget) : NotebookRunOptions.DefaultCellBudget,
        };
        var clock = Stopwatch.StartNew();
        var result = NotebookRunner.Run(notebook, options);
        var wall = clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture);
        var target = outputPath ?? (check ? null : path);
        if (target is not null)
        {
            NotebookFile.Write(target, result.Executed);
        }

        var written = target is null ? string.Empty : $"; wrote {target}";
        if (result.Failure is { } failure)
        {
            stdout.WriteLine($"ran {path}: stopped at cell {failure.CellNumber} after {result.CellsRun} code cells in {wall} s{written}");
            stderr.WriteLine($"backtest: error: {path}: {failure.Summary}");
            return BacktestCli.Failed;
        }

        stdout.WriteLine($"ran {path}: {result.CellsRun} code cells in {wall} s{written}");
        if (check && Staleness(path, result.Executed) is { } stale)
        {
            stderr.WriteLine($"backtest: error: {path}: {stale}; run 'backtest notebook run {path}' and commit the result");
            return BacktestCli.Failed;
        }

        return BacktestCli.Ok;
    }

    /// <summary>Null when the file is byte for byte the executed notebook; otherwise where the first difference is.</summary>
    private static string? Staleness(string path, Notebook executed)
    {
        var fresh = NotebookFile.Serialize(executed);
        var committed = File.ReadAllText(path);
        if (committed == fresh)
        {
            return null;
        }

        var freshCells = JsonNode.Parse(fresh)!["cells"]!.AsArray();
        var committedCells = JsonNode.Parse(committed)!["cells"]!.AsArray();
        for (int i = 0; i < freshCells.Count; i++)
        {
            if (!JsonNode.DeepEquals(freshCells[i], committedCells[i]))
            {
                return $"cell {i + 1} differs from a fresh run (outputs, execution count or layout)";
            }
        }

        return "the file differs from a fresh run outside the cells (metadata, format version or layout)";
    }
}
