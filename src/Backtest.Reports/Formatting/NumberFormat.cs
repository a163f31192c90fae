using System.Globalization;

namespace Backtest.Reports.Formatting;

/// <summary>How a value is shown in a chart label or a table cell.</summary>
public enum ValueFormat
{
    /// <summary>Plain decimal number with thousands separators (1,250.5).</summary>
    Number,

    /// <summary>A fraction shown as a percentage (0.05 → 5%).</summary>
    Percent,

    /// <summary>Magnitudes of 10,000 and more with a suffix: k (10³), M (10⁶), B (10⁹), T (10¹²) (so "12.5k", never "1.2k"); smaller ones as <see cref="Number"/>.</summary>
    Compact,

    /// <summary>A calendar date stored as <see cref="DateOnly.DayNumber"/>.</summary>
    Date,
}

/// <summary>
/// Deterministic number formatting (invariant culture, never exponent noise such as
/// 0.30000000000000004): values are rounded to a chosen number of decimals before printing,
/// negative zero prints as 0, and the decimals come from the step between neighbouring values
/// (axis ticks) or from significant digits (table cells).
/// </summary>
public static class NumberFormat
{
    private const int MaxDecimals = 12;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly (double Scale, string Suffix)[] CompactScales =
    [
        (1e12, "T"),
        (1e9, "B"),
        (1e6, "M"),
        (1e3, "k"),
    ];

    /// <summary>
    /// Digits after the decimal point needed to show a quantity of size <paramref name="magnitude"/>
    /// with <paramref name="significant"/> significant digits (never negative, at most 12).
    /// </summary>
    public static int DecimalsFor(double magnitude, int significant)
    {
        magnitude = Math.Abs(magnitude);
        if (magnitude == 0 || !double.IsFinite(magnitude))
        {
            return 0;
        }

        int exponent = (int)Math.Floor(Math.Log10(magnitude) + 1e-12);
        return Math.Clamp(significant - 1 - exponent, 0, MaxDecimals);
    }

    /// <summary>
    /// <paramref name="value"/> rounded half away from zero to <paramref name="decimals"/> digits,
    /// with thousands separators; "−" signs are ASCII hyphens so the text stays ASCII-safe.
    /// Four-digit integer parts print without a separator when <paramref name="groupFourDigits"/>
    /// is false (so "1234 [1200, 1270]" stays unambiguous inside an interval).
    /// </summary>
    public static string Fixed(double value, int decimals, bool groupFourDigits = true)
    {
        if (double.IsNaN(value))
        {
            return "n/a";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "∞" : "-∞";
        }

        decimals = Math.Clamp(decimals, 0, MaxDecimals);
        double rounded = Math.Round(value, decimals, MidpointRounding.AwayFromZero);
        if (rounded == 0)
        {
            rounded = 0; // drops the sign of -0
        }

        bool group = groupFourDigits || Math.Abs(rounded) >= 10_000;
        return rounded.ToString((group ? "N" : "F") + decimals.ToString(Invariant), Invariant);
    }

    /// <summary>
    /// A value with <paramref name="significant"/> significant digits in the given format, for
    /// prose and table cells.
    /// </summary>
    public static string Significant(double value, ValueFormat format, int significant = 3) =>
        Format(value, format, Math.Abs(value), significant, 0);

    /// <summary>
    /// An estimate with its interval, all three with the same decimals: "0.012 [0.009, 0.016]".
    /// The decimals show the largest of the three with two significant digits and the interval's
    /// width with at least one, so a narrow interval is never printed as "[0.01, 0.01]".
    /// </summary>
    public static string Interval(double value, double lower, double upper, ValueFormat format)
    {
        double largest = Math.Max(Math.Abs(value), Math.Max(Math.Abs(lower), Math.Abs(upper)));
        double width = Math.Abs(upper - lower);
        string Cell(double v) => Format(v, format, largest, 2, width);
        return $"{Cell(value)} [{Cell(lower)}, {Cell(upper)}]";
    }

    /// <summary>
    /// An estimate with its standard error: the estimate with three significant digits, the
    /// standard error with two, each in its own magnitude ("0.494 ± 0.0035", "28.2M ± 490").
    /// </summary>
    public static string WithStandardError(double value, double standardError, ValueFormat format) =>
        double.IsFinite(standardError) ? $"{Significant(value, format)} ± {Significant(Math.Abs(standardError), format, 2)}" : Significant(value, format);

    /// <summary>
    /// Axis tick labels: every tick gets the same decimals, chosen from the tick step, so the
    /// labels of one axis line up ("0.0, 0.5, 1.0"; "0%, 25%, 50%"; "0, 5M, 10M").
    /// </summary>
    public static string[] Ticks(IReadOnlyList<double> ticks, double step, ValueFormat format)
    {
        var labels = new string[ticks.Count];
        if (format == ValueFormat.Date)
        {
            throw new ArgumentException("date ticks are labelled by DateTicks", nameof(format));
        }

        double largest = ticks.Count == 0 ? 0 : ticks.Max(Math.Abs);
        for (int i = 0; i < ticks.Count; i++)
        {
            labels[i] = format switch
            {
                ValueFormat.Percent => Fixed(ticks[i] * 100, StepDecimals(step * 100)) + "%",
                ValueFormat.Compact when CompactScale(largest) is var (scale, suffix) && scale > 1 && largest >= 10_000 =>
                    ticks[i] == 0 ? "0" : Fixed(ticks[i] / scale, StepDecimals(step / scale)) + suffix,
                _ => Fixed(ticks[i], StepDecimals(step)),
            };
        }

        return labels;
    }

    /// <summary>
    /// A parameter value as short as it can be without losing precision up to 10 significant
    /// digits: 0.5, 0.001, 80,000,000 (no trailing zeros, no exponent).
    /// </summary>
    public static string Plain(double value)
    {
        if (!double.IsFinite(value))
        {
            return Fixed(value, 0);
        }

        string text = Fixed(value, DecimalsFor(value, 10));
        return text.Contains('.', StringComparison.Ordinal) ? text.TrimEnd('0').TrimEnd('.') : text;
    }

    /// <summary>An integer with thousands separators (counts: paths, steps).</summary>
    public static string Integer(long value) => value.ToString("N0", Invariant);

    /// <summary>A calendar date as ISO 8601 (2020-03-15).</summary>
    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", Invariant);

    /// <summary>A day number (<see cref="DateOnly.DayNumber"/>) as ISO 8601.</summary>
    public static string Date(double dayNumber) => Date(DateOnly.FromDayNumber((int)Math.Round(dayNumber)));

    /// <summary>Decimals that resolve a 1-2-5 step exactly (step 0.25 → 2, 5 → 0).</summary>
    internal static int StepDecimals(double step)
    {
        step = Math.Abs(step);
        if (step == 0 || !double.IsFinite(step))
        {
            return 0;
        }

        for (int d = 0; d <= MaxDecimals; d++)
        {
            double scaled = step * Math.Pow(10, d);
            if (Math.Abs(scaled - Math.Round(scaled)) < 1e-9 * Math.Max(1, scaled))
            {
                return d;
            }
        }

        return MaxDecimals;
    }

    private static string Format(double value, ValueFormat format, double largest, int significant, double width)
    {
        if (!double.IsFinite(value))
        {
            return Fixed(value, 0);
        }

        switch (format)
        {
            case ValueFormat.Percent:
                int pd = Math.Max(DecimalsFor(largest * 100, significant), width > 0 ? DecimalsFor(width * 100, 1) : 0);
                return Fixed(value * 100, pd, groupFourDigits: false) + "%";
            case ValueFormat.Compact when CompactScale(largest) is var (scale, suffix) && scale > 1 && largest >= 10_000:
                int cd = Math.Max(DecimalsFor(largest / scale, significant), width > 0 ? DecimalsFor(width / scale, 1) : 0);
                return Fixed(value / scale, cd) + suffix;
            case ValueFormat.Date:
                return Date(value);
            default:
                int d = Math.Max(DecimalsFor(largest, significant), width > 0 ? DecimalsFor(width, 1) : 0);
                return Fixed(value, d, groupFourDigits: width == 0);
        }
    }

    private static (double Scale, string Suffix) CompactScale(double largest)
    {
        foreach (var (scale, suffix) in CompactScales)
        {
            if (largest >= scale)
            {
                return (scale, suffix);
            }
        }

        return (1, string.Empty);
    }
}
