using System.Globalization;

namespace Backtest.Market;

/// <summary>
/// Evenly spaced UTC instants: step k is <see cref="FirstUtc"/> plus k · <see cref="Interval"/>
/// (each instant opens a bar of that length).
/// </summary>
public readonly record struct IntradayAxis : ITimeAxis<DateTime>
{
    /// <summary>An axis of <paramref name="length"/> instants <paramref name="interval"/> apart, from <paramref name="firstUtc"/> (which must be UTC).</summary>
    public IntradayAxis(DateTime firstUtc, TimeSpan interval, int length)
    {
        if (firstUtc.Kind != DateTimeKind.Utc)
        {
            throw new ArgumentException("the first instant must be a UTC time", nameof(firstUtc));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length > 0 && (DateTime.MaxValue.Ticks - firstUtc.Ticks) / interval.Ticks < length - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "the axis would run past the last representable instant");
        }

        FirstUtc = firstUtc;
        Interval = interval;
        Length = length;
    }

    /// <summary>The first instant (step 0), UTC.</summary>
    public DateTime FirstUtc { get; }

    /// <summary>The spacing between steps.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Number of steps.</summary>
    public int Length { get; }

    /// <summary>The instant of step <paramref name="step"/>, UTC.</summary>
    public DateTime TimeOf(int step) =>
        (uint)step < (uint)Length ? FirstUtc.AddTicks(step * Interval.Ticks) : throw new ArgumentOutOfRangeException(nameof(step), step, $"not a step of {this}");

    /// <summary>The step at instant <paramref name="timeUtc"/>; false if it is not UTC, off the axis or between steps.</summary>
    public bool TryStepOf(DateTime timeUtc, out int step)
    {
        long offset = timeUtc.Ticks - FirstUtc.Ticks;
        step = timeUtc.Kind == DateTimeKind.Utc && offset >= 0 && offset % Interval.Ticks == 0 && offset / Interval.Ticks < Length
            ? (int)(offset / Interval.Ticks)
            : -1;
        return step >= 0;
    }

    DateTime ITimeAxis<DateTime>.KeyOf(int step) => TimeOf(step);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{FirstUtc:yyyy-MM-ddTHH:mm:ssZ} + {Length} × {Interval}");
}
