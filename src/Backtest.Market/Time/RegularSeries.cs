namespace Backtest.Market;

/// <summary>
/// Values on a regular time axis with explicit gaps: step k holds a value or <c>null</c> where
/// the source has none. Gaps are never filled, interpolated or zeroed here; a consumer that
/// needs a value every step decides how to bridge them and says so.
/// </summary>
public abstract class RegularSeries<TKey, T>
    where T : struct
{
    private readonly ITimeAxis<TKey> axis;
    private readonly T?[] values;

    protected RegularSeries(ITimeAxis<TKey> axis, ReadOnlySpan<T?> values)
    {
        if (values.Length != axis.Length)
        {
            throw new ArgumentException($"{values.Length} values for an axis of {axis.Length} steps", nameof(values));
        }

        this.axis = axis;
        this.values = values.ToArray();
    }

    /// <summary>Number of steps, gaps included.</summary>
    public int Length => values.Length;

    /// <summary>The value at step <paramref name="step"/>, or null for a gap.</summary>
    public T? this[int step] => (uint)step < (uint)values.Length
        ? values[step]
        : throw new ArgumentOutOfRangeException(nameof(step), step, $"not a step of a series of {values.Length}");

    /// <summary>Every step's value in step order, null for gaps.</summary>
    public ReadOnlySpan<T?> Values => values;

    /// <summary>Number of gaps.</summary>
    public int GapCount => values.Count(v => !v.HasValue);

    /// <summary>The keys of the gaps, in order.</summary>
    public IEnumerable<TKey> Gaps => Enumerable.Range(0, values.Length).Where(k => !values[k].HasValue).Select(axis.KeyOf);

    /// <summary>The keys and values of the steps that are not gaps, in order.</summary>
    public IEnumerable<(TKey Key, T Value)> Observations =>
        Enumerable.Range(0, values.Length).Where(k => values[k].HasValue).Select(k => (axis.KeyOf(k), values[k]!.Value));

    /// <summary>The value at <paramref name="key"/>, or null for a gap; throws if the key is not on the axis.</summary>
    public T? At(TKey key) =>
        axis.TryStepOf(key, out int step) ? values[step] : throw new ArgumentOutOfRangeException(nameof(key), key, $"not on the axis {axis}");

    /// <summary>The value at <paramref name="key"/>; false if the key is off the axis or a gap.</summary>
    public bool TryGetValue(TKey key, out T value)
    {
        if (axis.TryStepOf(key, out int step) && values[step] is { } present)
        {
            value = present;
            return true;
        }

        value = default;
        return false;
    }
}
