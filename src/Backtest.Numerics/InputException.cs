namespace Backtest;

/// <summary>
/// Bad input from the user: a study file, a data file, a command-line argument. The message
/// names what and where (file, line, key) so it can be printed as one line; the CLI turns it
/// into exit code 2. Subclasses say which kind of input was wrong.
/// </summary>
public class InputException : Exception
{
    public InputException(string message, string? file = null, int? line = null, string? key = null, Exception? inner = null)
        : base(Compose(message, file, line, key), inner)
    {
        File = file;
        Line = line;
        Key = key;
        Reason = message;
    }

    /// <summary>The file the problem is in, if any.</summary>
    public string? File { get; }

    /// <summary>1-based line in <see cref="File"/>, if known.</summary>
    public int? Line { get; }

    /// <summary>The key, field or column at fault, if any.</summary>
    public string? Key { get; }

    /// <summary>The reason alone, without the location.</summary>
    public string Reason { get; }

    private static string Compose(string message, string? file, int? line, string? key)
    {
        var where = file is null ? string.Empty : line is null ? $"{file}: " : $"{file}:{line}: ";
        var what = key is null ? string.Empty : $"{key}: ";
        return where + what + message;
    }
}
