using System.Globalization;

namespace Backtest.Market.Data;

/// <summary>
/// The number syntax of the tidy files: an optional minus sign, digits, and optionally a point
/// followed by digits (no exponent, no plus sign, no spaces, no thousands separators). Parsing is
/// exact: a number with more digits than <see cref="decimal"/> holds is refused, never rounded.
/// </summary>
internal static class PlainDecimal
{
    private const int MaxDigits = 28;

    /// <summary>The exact value of <paramref name="text"/>, or false and the reason it is refused.</summary>
    public static bool TryParse(string text, out decimal value, out string problem)
    {
        value = 0;
        problem = $"\"{TidyReader.Show(text)}\" is not a number (plain decimal notation expected, e.g. 1.0375)";
        int start = text.StartsWith('-') ? 1 : 0;
        int integerDigits = 0, fractionDigits = 0, significantDigits = 0;
        bool afterPoint = false;
        for (int i = start; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '.' && !afterPoint && integerDigits > 0)
            {
                afterPoint = true;
                continue;
            }

            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            if (afterPoint)
            {
                fractionDigits++;
            }
            else
            {
                integerDigits++;
            }

            if (c != '0' || significantDigits > 0)
            {
                significantDigits++;
            }
        }

        if (integerDigits == 0 || (afterPoint && fractionDigits == 0))
        {
            return false;
        }

        if (significantDigits > MaxDigits || fractionDigits > MaxDigits)
        {
            problem = $"\"{TidyReader.Show(text)}\" has more than {MaxDigits} significant digits or decimals and cannot be held exactly";
            return false;
        }

        value = decimal.Parse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        return true;
    }
}
