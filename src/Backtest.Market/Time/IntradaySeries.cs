namespace Backtest.Market;

/// <summary>One value (or gap) per instant of an <see cref="IntradayAxis"/>, keyed by UTC time.</summary>
public sealed class IntradaySeries<T> : RegularSeries<DateTime, T>
    where T : struct
{
    public IntradaySeries(IntradayAxis axis, ReadOnlySpan<T?> values)
        : base(axis, values)
    {
        Axis = axis;
    }

    /// <summary>The instants, step by step.</summary>
    public IntradayAxis Axis { get; }
}
