namespace Backtest.Cli.Notebooks;

/// <summary>How to run a notebook.</summary>
/// <param name="NotebookDirectory">The folder the notebook lives in (<see cref="NotebookGlobals.NotebookDirectory"/>).</param>
internal sealed record NotebookRunOptions(string NotebookDirectory)
{
    public static readonly TimeSpan DefaultCellBudget = TimeSpan.FromMinutes(5);

    /// <summary>The longest one cell may run before it is reported as a failure.</summary>
    public TimeSpan CellBudget { get; init; } = DefaultCellBudget;
}

/// <summary>A cell that stopped the run: its 1-based number among all cells and the one-line reason.</summary>
internal sealed record CellFailure(int CellNumber, string Summary);

/// <summary>The executed notebook, how many code cells ran, and the failure that stopped the run, if any.</summary>
internal sealed record NotebookRunResult(Notebook Executed, int CellsRun, CellFailure? Failure)
{
    public bool Succeeded => Failure is null;
}

/// <summary>
/// Executes a notebook's C# cells in order in one script session. Markdown and raw cells pass
/// through; empty code cells are left unrun (no count, no outputs), as Jupyter leaves them.
/// Execution counts number the cells that ran from 1. The first failing cell stops the run: it
/// keeps the outputs it produced and gets the error as its last output, and every later code
/// cell is cleared, so the written notebook never shows outputs of a run that did not happen.
/// </summary>
internal static class NotebookRunner
{
    public static NotebookRunResult Run(Notebook notebook, NotebookRunOptions options)
    {
        var session = new ScriptSession(new NotebookGlobals(Path.GetFullPath(options.NotebookDirectory)));
        var cells = new List<NotebookCell>(notebook.Cells.Count);
        CellFailure? failure = null;
        int executed = 0;
        for (int i = 0; i < notebook.Cells.Count; i++)
        {
            var cell = notebook.Cells[i];
            if (cell.Kind != CellKind.Code)
            {
                cells.Add(cell);
                continue;
            }

            if (failure is not null || string.IsNullOrWhiteSpace(cell.Source))
            {
                cells.Add(cell.Cleared());
                continue;
            }

            executed++;
            var sink = new CellOutputSink(executed);
            var run = session.Run(NotebookFile.ScriptText(cell), i + 1, sink, options.CellBudget);
            cells.Add(cell with { ExecutionCount = executed, Outputs = run.Outputs });
            if (run.Failure is not null)
            {
                failure = new CellFailure(i + 1, run.Failure);
            }
        }

        return new NotebookRunResult(notebook with { Cells = cells }, executed, failure);
    }
}
