namespace Backtest.Market;

/// <summary>One value (or gap) per calendar day of a <see cref="DailyAxis"/>.</summary>
public sealed class DailySeries<T> : RegularSeries<DateOnly, T>
    where T : struct
{
    public DailySeries(DailyAxis axis, ReadOnlySpan<T?> values)
        : base(axis, values)
    {
        Axis = axis;
    }

    /// <summary>The days, step by step.</summary>
    public DailyAxis Axis { get; }

    /// <summary>The series of <paramref name="selector"/> applied to every value; gaps stay gaps.</summary>
    public DailySeries<TResult> Select<TResult>(Func<T, TResult> selector)
        where TResult : struct
    {
        var mapped = new TResult?[Length];
        for (int k = 0; k < mapped.Length; k++)
        {
            mapped[k] = this[k] is { } value ? selector(value) : null;
        }

        return new DailySeries<TResult>(Axis, mapped);
    }
}
