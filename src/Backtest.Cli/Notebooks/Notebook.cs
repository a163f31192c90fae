using System.Text.Json.Nodes;

namespace Backtest.Cli.Notebooks;

/// <summary>The kinds of cell nbformat 4 defines.</summary>
internal enum CellKind
{
    Code,
    Markdown,
    Raw,
}

/// <summary>
/// A Jupyter notebook (nbformat 4) as the runner reads and writes it: notebook metadata kept as
/// it was read, and the cells in order. Outputs of code cells are the runner's own; outputs read
/// from a file are dropped, since running the notebook replaces them.
/// </summary>
internal sealed record Notebook(JsonObject Metadata, IReadOnlyList<NotebookCell> Cells)
{
    /// <summary>The major format version read and written.</summary>
    public const int Format = 4;

    /// <summary>The minor version written: 4.5 is the first with cell ids, which the runner always writes.</summary>
    public const int FormatMinor = 5;
}

/// <summary>
/// One cell. <paramref name="Metadata"/> and <paramref name="Attachments"/> are kept as read.
/// <paramref name="ExecutionCount"/> and <paramref name="Outputs"/> belong to code cells only:
/// a count of null means the cell has not run.
/// </summary>
internal sealed record NotebookCell(
    string Id,
    CellKind Kind,
    string Source,
    JsonObject Metadata,
    JsonObject? Attachments = null,
    int? ExecutionCount = null,
    IReadOnlyList<CellOutput>? Outputs = null)
{
    /// <summary>A code cell as if never run: no count, no outputs.</summary>
    public NotebookCell Cleared() => this with { ExecutionCount = null, Outputs = Kind == CellKind.Code ? [] : null };
}

/// <summary>One output of a code cell (nbformat's <c>output</c> definitions).</summary>
internal abstract record CellOutput;

/// <summary>Text the cell wrote to standard output or standard error (<paramref name="Name"/> is <c>stdout</c> or <c>stderr</c>).</summary>
internal sealed record StreamOutput(string Name, string Text) : CellOutput;

/// <summary>
/// A value shown while the cell ran (<c>display_data</c>) or the value the cell returned
/// (<c>execute_result</c>, when <paramref name="ExecutionCount"/> is set), as representations
/// keyed by MIME type (<c>text/plain</c>, <c>image/svg+xml</c>).
/// </summary>
internal sealed record DisplayOutput(IReadOnlyDictionary<string, string> Data, int? ExecutionCount = null) : CellOutput
{
    public bool IsResult => ExecutionCount is not null;
}

/// <summary>An error that stopped the cell: the exception's type, its message, and the lines of its trace.</summary>
internal sealed record ErrorOutput(string Name, string Value, IReadOnlyList<string> Traceback) : CellOutput;
