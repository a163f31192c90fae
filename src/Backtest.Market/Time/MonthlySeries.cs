namespace Backtest.Market;

/// <summary>One value (or gap) per calendar month of a <see cref="MonthlyAxis"/>, keyed by the month's first day.</summary>
public sealed class MonthlySeries<T> : RegularSeries<DateOnly, T>
    where T : struct
{
    public MonthlySeries(MonthlyAxis axis, ReadOnlySpan<T?> values)
        : base(axis, values)
    {
        Axis = axis;
    }

    /// <summary>The months, step by step.</summary>
    public MonthlyAxis Axis { get; }
}
