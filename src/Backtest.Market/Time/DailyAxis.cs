using System.Globalization;

namespace Backtest.Market;

/// <summary>
/// Consecutive calendar days: step k is <see cref="First"/> plus k days. Dates are UTC calendar
/// dates, the day convention of every bundled daily series. Scenarios share one axis so that a
/// step index means the same day in every series of a study.
/// </summary>
public readonly record struct DailyAxis : ITimeAxis<DateOnly>
{
    /// <summary>An axis of <paramref name="length"/> days starting on <paramref name="first"/>.</summary>
    public DailyAxis(DateOnly first, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length > 0 && DateOnly.MaxValue.DayNumber - first.DayNumber < length - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "the axis would run past the last representable date");
        }

        First = first;
        Length = length;
    }

    /// <summary>The first day (step 0).</summary>
    public DateOnly First { get; }

    /// <summary>Number of days.</summary>
    public int Length { get; }

    /// <summary>The last day; throws on an empty axis.</summary>
    public DateOnly Last => Length > 0 ? First.AddDays(Length - 1) : throw new InvalidOperationException("an empty axis has no last day");

    /// <summary>The days from <paramref name="first"/> to <paramref name="last"/>, both included.</summary>
    public static DailyAxis Between(DateOnly first, DateOnly last)
    {
        if (last < first)
        {
            throw new ArgumentException($"last day {Format(last)} is before first day {Format(first)}", nameof(last));
        }

        return new DailyAxis(first, last.DayNumber - first.DayNumber + 1);
    }

    /// <summary>The date of step <paramref name="step"/>.</summary>
    public DateOnly DateOf(int step) =>
        (uint)step < (uint)Length ? First.AddDays(step) : throw new ArgumentOutOfRangeException(nameof(step), step, $"not a step of {this}");

    /// <summary>The step of <paramref name="date"/>; throws if the date is off the axis.</summary>
    public int StepOf(DateOnly date) =>
        TryStepOf(date, out int step) ? step : throw new ArgumentOutOfRangeException(nameof(date), Format(date), $"not a day of {this}");

    /// <inheritdoc/>
    public bool TryStepOf(DateOnly date, out int step)
    {
        long offset = (long)date.DayNumber - First.DayNumber;
        step = offset >= 0 && offset < Length ? (int)offset : -1;
        return step >= 0;
    }

    /// <summary>Whether <paramref name="date"/> is a day of the axis.</summary>
    public bool Contains(DateOnly date) => TryStepOf(date, out _);

    /// <summary>The days in step order.</summary>
    public IEnumerable<DateOnly> Dates
    {
        get
        {
            for (int k = 0; k < Length; k++)
            {
                yield return First.AddDays(k);
            }
        }
    }

    /// <summary>The days on both axes (empty, starting at the later first day, if they do not overlap).</summary>
    public DailyAxis Intersect(DailyAxis other)
    {
        var first = First > other.First ? First : other.First;
        if (Length == 0 || other.Length == 0)
        {
            return new DailyAxis(first, 0);
        }

        var last = Last < other.Last ? Last : other.Last;
        return last < first ? new DailyAxis(first, 0) : Between(first, last);
    }

    DateOnly ITimeAxis<DateOnly>.KeyOf(int step) => DateOf(step);

    public override string ToString() =>
        Length == 0 ? $"empty axis at {Format(First)}" : $"{Format(First)}..{Format(Last)} ({Length} days)";

    internal static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
