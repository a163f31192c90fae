using System.Globalization;
using System.Text;

namespace Backtest.IO;

/// <summary>
/// A data file that cannot be read as what it claims to be: malformed CSV, a wrong header, a
/// value that is not a number or a date, rows out of order, missing coverage. The message names
/// the file, the 1-based line and the field (column) at fault, e.g.
/// <c>data/ampl_usd_yahoo_daily.csv:812: close: "abc" is not a number</c>. Line and field are
/// absent only when the problem is the file as a whole (not found, unreadable). The message is
/// always one line: control characters in the field name and reason are escaped.
/// </summary>
public sealed class DataFileException : InputException
{
    public DataFileException(string file, int? line, string? field, string reason, Exception? inner = null)
        : base(Printable(reason), file, line, field is null ? null : Printable(field), inner)
    {
    }

    /// <summary>
    /// <paramref name="text"/> with control characters written as <c>\uXXXX</c> and, beyond
    /// <paramref name="maxLength"/> characters, cut and ended with "...", for quoting file
    /// content in a one-line message.
    /// </summary>
    public static string Printable(string text, int maxLength = int.MaxValue)
    {
        bool cut = text.Length > maxLength;
        var shown = new StringBuilder();
        foreach (char c in cut ? text[..Math.Max(0, maxLength - 3)] : text)
        {
            if (char.IsControl(c))
            {
                shown.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                shown.Append(c);
            }
        }

        return cut ? shown.Append("...").ToString() : shown.ToString();
    }
}
