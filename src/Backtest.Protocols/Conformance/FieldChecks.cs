using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace Backtest.Protocols.Conformance;

/// <summary>
/// Collects the comparisons of one vector: each expected field against what the model
/// computed. Integers, booleans and codes compare exactly; a tolerance applies only where the
/// vector file states one (its <c>*_real</c> fields, a vector's <c>tolerance</c>).
/// </summary>
internal sealed class FieldChecks
{
    private readonly List<(string Path, string Expected, string Actual)> mismatches = [];
    private int compared;

    /// <summary>Number of fields compared so far.</summary>
    public int Compared => compared;

    /// <summary>Exact comparison of texts.</summary>
    public void Text(string path, string expected, string actual)
    {
        compared++;
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            mismatches.Add((path, expected, actual));
        }
    }

    /// <summary>
    /// Exact comparison of an integer given as a JSON number or decimal string ("50.0" from a
    /// float simulation counts as 50; a value with a fraction never equals an integer).
    /// </summary>
    public void Integer(string path, JsonElement expected, BigInteger actual)
    {
        string text = Render(expected);
        string want = TryParseInteger(text, out var value) ? value.ToString(CultureInfo.InvariantCulture) : text;
        Text(path, want, actual.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Exact comparison of a decimal number (e.g. a price printed to the token's 7 decimals).</summary>
    public void Decimal(string path, JsonElement expected, decimal actual)
    {
        decimal want = expected.ValueKind == JsonValueKind.String ? decimal.Parse(expected.GetString()!, CultureInfo.InvariantCulture) : expected.GetDecimal();
        compared++;
        if (want != actual)
        {
            mismatches.Add((path, Render(expected), actual.ToString(CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>Exact comparison of a boolean.</summary>
    public void Bool(string path, JsonElement expected, bool actual) =>
        Text(path, expected.GetBoolean() ? "true" : "false", actual ? "true" : "false");

    /// <summary>Exact comparison of each element of an array of integers.</summary>
    public void Integers(string path, JsonElement expected, IReadOnlyList<Int128> actual)
    {
        if (!SameLength(path, expected, actual.Count))
        {
            return;
        }

        for (int i = 0; i < actual.Count; i++)
        {
            Integer($"{path}[{i}]", expected[i], actual[i]);
        }
    }

    /// <summary>Exact comparison of each element of an array of booleans.</summary>
    public void Bools(string path, JsonElement expected, IReadOnlyList<bool> actual)
    {
        if (!SameLength(path, expected, actual.Count))
        {
            return;
        }

        for (int i = 0; i < actual.Count; i++)
        {
            Bool($"{path}[{i}]", expected[i], actual[i]);
        }
    }

    /// <summary>
    /// A decimal given as a string or number against <paramref name="actual"/>, equal within
    /// <paramref name="relative"/> of the larger magnitude plus <paramref name="absolute"/>.
    /// The comparison runs in doubles: it judges, it never feeds a model.
    /// </summary>
    public void Near(string path, JsonElement expected, double actual, double relative, double absolute)
    {
        compared++;
        double e = double.Parse(expected.ValueKind == JsonValueKind.String ? expected.GetString()! : expected.GetRawText(), CultureInfo.InvariantCulture);
        if (!(Math.Abs(e - actual) <= (relative * Math.Max(Math.Abs(e), Math.Abs(actual))) + absolute))
        {
            mismatches.Add((path, Render(expected), actual.ToString("R", CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>
    /// A <c>*_real</c> field (an exact rational printed with a fixed number of decimals) against
    /// a fixed-point value <paramref name="raw"/>/10^<paramref name="scale"/>: equal within the
    /// file's relative tolerance <paramref name="relative"/> plus half a unit of the last printed decimal.
    /// </summary>
    public void Real(string path, JsonElement expected, Int128 raw, int scale, double relative)
    {
        string text = expected.GetString()!;
        int dot = text.IndexOf('.', StringComparison.Ordinal);
        int printed = dot < 0 ? 0 : text.Length - dot - 1;
        Near(path, expected, (double)raw / Math.Pow(10, scale), relative, 0.5 * Math.Pow(10, -printed));
    }

    /// <summary>Each element of a <c>*_real</c> array; see <see cref="Real"/>.</summary>
    public void Reals(string path, JsonElement expected, IReadOnlyList<Int128> raw, int scale, double relative)
    {
        if (!SameLength(path, expected, raw.Count))
        {
            return;
        }

        for (int i = 0; i < raw.Count; i++)
        {
            Real($"{path}[{i}]", expected[i], raw[i], scale, relative);
        }
    }

    /// <summary>Records a failure that is not a field comparison (e.g. an unexpected exception).</summary>
    public void Fail(string path, string expected, string actual)
    {
        compared++;
        mismatches.Add((path, expected, actual));
    }

    /// <summary>The vector's verdict: passed when every comparison matched and there was at least one.</summary>
    public VectorResult Result(string id)
    {
        if (compared == 0)
        {
            return new VectorResult(id, VectorOutcome.Failed, "fields to compare", "none compared", "the suite found no expected field it models");
        }

        if (mismatches.Count == 0)
        {
            return new VectorResult(id, VectorOutcome.Passed, $"{compared} fields", "all equal");
        }

        var shown = mismatches.Take(3).ToList();
        string more = mismatches.Count > shown.Count ? $" (+{mismatches.Count - shown.Count} more)" : string.Empty;
        return new VectorResult(
            id,
            VectorOutcome.Failed,
            string.Join("; ", shown.Select(m => $"{m.Path}={m.Expected}")),
            string.Join("; ", shown.Select(m => $"{m.Path}={m.Actual}")) + more,
            $"{mismatches.Count} of {compared} fields differ");
    }

    /// <summary>An integer from a JSON number or a decimal string; a non-integral value is a format error.</summary>
    public static BigInteger ParseInteger(JsonElement e) =>
        TryParseInteger(Render(e), out var value) ? value : throw new FormatException($"{Render(e)} is not an integer");

    private static bool TryParseInteger(string text, out BigInteger value)
    {
        int dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0 && text.AsSpan(dot + 1).TrimEnd('0').IsEmpty)
        {
            text = text[..dot];
        }

        return BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>An integer that must fit 128 bits (amounts, weights, prices).</summary>
    public static Int128 ParseInt128(JsonElement e) => (Int128)ParseInteger(e);

    /// <summary>
    /// An upper bound that may exceed 128 bits (Solidity's 2²⁵⁶ − 1 "no ceiling"): saturated at
    /// <see cref="Int128.MaxValue"/>, which no price reaches, so every comparison against it is unchanged.
    /// </summary>
    public static Int128 ParseUpperBound(JsonElement e)
    {
        var v = ParseInteger(e);
        return v > (BigInteger)Int128.MaxValue ? Int128.MaxValue : (Int128)v;
    }

    private bool SameLength(string path, JsonElement expected, int actual)
    {
        if (expected.GetArrayLength() == actual)
        {
            return true;
        }

        Fail($"{path}.length", expected.GetArrayLength().ToString(CultureInfo.InvariantCulture), actual.ToString(CultureInfo.InvariantCulture));
        return false;
    }

    private static string Render(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();
}
