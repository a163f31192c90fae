using System.Globalization;

namespace Backtest.Reports.Charts;

/// <summary>
/// Colours that stay distinguishable with the common colour-vision deficiencies: the
/// Okabe–Ito categorical palette (Okabe and Ito, "Color Universal Design", 2008) for series,
/// and viridis (van der Walt and Smith, matplotlib, 2015) for continuous scales.
/// </summary>
public static class Palette
{
    /// <summary>
    /// Okabe–Ito, ordered so the first colours have the most contrast on white. Its yellow
    /// (#F0E442) is replaced by a mid grey: yellow lines on white fall far below a 3:1 contrast.
    /// </summary>
    public static readonly IReadOnlyList<string> Categorical =
    [
        "#0072B2", // blue
        "#D55E00", // vermillion
        "#009E73", // bluish green
        "#CC79A7", // reddish purple
        "#E69F00", // orange
        "#56B4E9", // sky blue
        "#000000", // black
        "#8C8C8C", // grey in place of yellow
    ];

    /// <summary>Text and axis colours (contrast ratios on white above 7:1 and 4.5:1).</summary>
    public const string Ink = "#1a1a1a";

    public const string MutedInk = "#4d4d4d";

    public const string Grid = "#e3e3e3";

    public const string Axis = "#767676";

    /// <summary>Fill of cells and bins that have no data (drawn with a hatch, so never mistaken for a value).</summary>
    public const string NoData = "#f2f2f2";

    /// <summary>Highlight for reference bands such as an equilibrium range.</summary>
    public const string ReferenceBand = "#009E73";

    // viridis at 0, 1/8, …, 1
    private static readonly (byte R, byte G, byte B)[] Viridis =
    [
        (0x44, 0x01, 0x54), (0x47, 0x2d, 0x7b), (0x3b, 0x52, 0x8b), (0x2c, 0x72, 0x8e), (0x21, 0x91, 0x8c),
        (0x28, 0xae, 0x80), (0x5e, 0xc9, 0x62), (0xad, 0xdc, 0x30), (0xfd, 0xe7, 0x25),
    ];

    /// <summary>Series colour by index; indices past the palette repeat it (charts add dash patterns then).</summary>
    public static string Series(int index) => Categorical[index % Categorical.Count];

    /// <summary>A dash pattern for series past the palette's length, so the 9th series differs from the 1st.</summary>
    public static string? Dash(int index) => (index / Categorical.Count) switch
    {
        0 => null,
        1 => "6 3",
        2 => "2 2",
        _ => "8 3 2 3",
    };

    /// <summary>The viridis colour at t ∈ [0, 1] (clamped), as #rrggbb.</summary>
    public static string Sequential(double t)
    {
        var (r, g, b) = SequentialRgb(t);
        return string.Create(CultureInfo.InvariantCulture, $"#{r:x2}{g:x2}{b:x2}");
    }

    /// <summary>Dark or white text, whichever contrasts more with the viridis colour at t.</summary>
    public static string TextOn(double t)
    {
        var (r, g, b) = SequentialRgb(t);
        double luminance = (0.2126 * Linear(r)) + (0.7152 * Linear(g)) + (0.0722 * Linear(b));
        double againstBlack = (luminance + 0.05) / 0.05;
        double againstWhite = 1.05 / (luminance + 0.05);
        return againstBlack >= againstWhite ? Ink : "#ffffff";
    }

    private static (byte R, byte G, byte B) SequentialRgb(double t)
    {
        t = double.IsNaN(t) ? 0 : Math.Clamp(t, 0, 1);
        double position = t * (Viridis.Length - 1);
        int i = Math.Min((int)position, Viridis.Length - 2);
        double f = position - i;
        var (a, b) = (Viridis[i], Viridis[i + 1]);
        byte Mix(byte x, byte y) => (byte)Math.Round(x + ((y - x) * f));
        return (Mix(a.R, b.R), Mix(a.G, b.G), Mix(a.B, b.B));
    }

    private static double Linear(byte channel)
    {
        double c = channel / 255.0;
        return c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
    }
}
