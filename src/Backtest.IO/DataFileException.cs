namespace Backtest.IO;

/// <summary>
/// A data file that cannot be read as what it claims to be: malformed CSV, a wrong header, a
/// value that is not a number or a date, rows out of order, missing coverage. The message names
/// the file, the 1-based line and the field (column) at fault, e.g.
/// <c>data/ampl_usd_yahoo_daily.csv:812: close: "abc" is not a number</c>. Line and field are
/// absent only when the problem is the file as a whole (not found, unreadable).
/// </summary>
public sealed class DataFileException : InputException
{
    public DataFileException(string file, int? line, string? field, string reason, Exception? inner = null)
        : base(reason, file, line, field, inner)
    {
    }
}
