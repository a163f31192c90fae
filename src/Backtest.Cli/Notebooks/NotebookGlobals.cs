namespace Backtest.Cli.Notebooks;

/// <summary>
/// What a notebook's code can use besides the imported namespaces: the members of this class
/// are in scope in every cell.
/// </summary>
public sealed class NotebookGlobals
{
    private CellOutputSink? sink;

    internal NotebookGlobals(string notebookDirectory)
    {
        NotebookDirectory = notebookDirectory;
    }

    /// <summary>The absolute path of the folder holding the notebook file (for paths that must not depend on where the runner was started).</summary>
    public string NotebookDirectory { get; }

    /// <summary>Cancelled when the running cell reaches its time budget; pass it to long work (e.g. <c>RunOptions.Cancellation</c>) so it stops rather than running on unseen.</summary>
    public CancellationToken CellCancellation { get; private set; }

    /// <summary>
    /// Shows <paramref name="value"/> as an output of the running cell now, as a returned value
    /// would be shown (a chart as SVG, a table as text; docs/notebooks.md). Named as in Polyglot
    /// Notebooks so cells read the same in both.
    /// </summary>
#pragma warning disable IDE1006 // the lower-case name is Polyglot Notebooks' own
    public void display(object? value)
#pragma warning restore IDE1006
    {
        var current = sink ?? throw new InvalidOperationException("display() is only available while a cell runs");
        if (DisplayFormatter.Format(value, current.NextChartId) is { } data)
        {
            current.Display(data);
        }
    }

    internal void Begin(CellOutputSink cellSink, CancellationToken cancellation)
    {
        sink = cellSink;
        CellCancellation = cancellation;
    }
}
