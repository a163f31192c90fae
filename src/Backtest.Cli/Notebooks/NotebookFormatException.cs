namespace Backtest.Cli.Notebooks;

/// <summary>
/// A notebook file the runner cannot take: not JSON, not nbformat 4, not a C# Polyglot
/// notebook, or a cell it cannot execute. <see cref="InputException.Key"/> is the JSON path of
/// the field at fault (e.g. <c>cells[3].source</c>).
/// </summary>
internal sealed class NotebookFormatException(string file, string? key, string reason, int? line = null, Exception? inner = null)
    : InputException(reason, file, line, key, inner)
{
}
