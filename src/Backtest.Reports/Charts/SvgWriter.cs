using System.Globalization;
using System.Text;

namespace Backtest.Reports.Charts;

/// <summary>
/// Writes SVG markup: elements with escaped attributes and text, coordinates rounded to
/// hundredths of a pixel in the invariant culture, so the same chart always gives the same
/// bytes. Attributes whose value is null are left out.
/// </summary>
internal sealed class SvgWriter
{
    private readonly StringBuilder text = new();
    private readonly Stack<string> open = new();

    public void Start(string element, params (string Name, string? Value)[] attributes)
    {
        Indent();
        text.Append('<').Append(element);
        AppendAttributes(attributes);
        text.Append(">\n");
        open.Push(element);
    }

    public void End()
    {
        var element = open.Pop();
        Indent();
        text.Append("</").Append(element).Append(">\n");
    }

    public void Empty(string element, params (string Name, string? Value)[] attributes)
    {
        Indent();
        text.Append('<').Append(element);
        AppendAttributes(attributes);
        text.Append("/>\n");
    }

    /// <summary>An element holding only text, e.g. <c>&lt;text&gt;</c> or <c>&lt;title&gt;</c>.</summary>
    public void TextElement(string element, string content, params (string Name, string? Value)[] attributes)
    {
        Indent();
        text.Append('<').Append(element);
        AppendAttributes(attributes);
        text.Append('>').Append(Escape(content)).Append("</").Append(element).Append(">\n");
    }

    public override string ToString()
    {
        if (open.Count != 0)
        {
            throw new InvalidOperationException($"unclosed SVG element <{open.Peek()}>");
        }

        return text.ToString();
    }

    /// <summary>A coordinate or length: at most two decimals, no exponent, no negative zero.</summary>
    public static string Num(double value)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"non-finite SVG coordinate {value.ToString(CultureInfo.InvariantCulture)}");
        }

        double rounded = Math.Round(value, 2, MidpointRounding.AwayFromZero);
        return (rounded == 0 ? 0 : rounded).ToString("0.##", CultureInfo.InvariantCulture);
    }

    /// <summary>A path's d attribute from a polyline: "M x y L x y …".</summary>
    public static string Polyline(IEnumerable<(double X, double Y)> points, bool close = false)
    {
        var d = new StringBuilder();
        foreach (var (x, y) in points)
        {
            d.Append(d.Length == 0 ? "M" : " L").Append(Num(x)).Append(' ').Append(Num(y));
        }

        if (close && d.Length > 0)
        {
            d.Append(" Z");
        }

        return d.ToString();
    }

    /// <summary>Escapes the five XML special characters and drops control characters XML forbids.</summary>
    public static string Escape(string value)
    {
        var sb = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                case < ' ' when c is not ('\t' or '\n' or '\r'): break;
                default: sb.Append(c); break;
            }
        }

        return sb.ToString();
    }

    private void AppendAttributes((string Name, string? Value)[] attributes)
    {
        foreach (var (name, value) in attributes)
        {
            if (value is not null)
            {
                text.Append(' ').Append(name).Append("=\"").Append(Escape(value)).Append('"');
            }
        }
    }

    private void Indent() => text.Append(' ', open.Count * 2);
}
