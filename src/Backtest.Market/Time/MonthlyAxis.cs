namespace Backtest.Market;

/// <summary>
/// Consecutive calendar months: step k is <see cref="FirstMonth"/> plus k months. A month is
/// named by its first day (the convention of FRED's <c>observation_date</c>).
/// </summary>
public readonly record struct MonthlyAxis : ITimeAxis<DateOnly>
{
    /// <summary>An axis of <paramref name="length"/> months starting with the month of <paramref name="firstMonth"/>, which must be a first day.</summary>
    public MonthlyAxis(DateOnly firstMonth, int length)
    {
        if (firstMonth.Day != 1)
        {
            throw new ArgumentException($"a month is named by its first day, not {DailyAxis.Format(firstMonth)}", nameof(firstMonth));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length > 0 && MonthIndex(DateOnly.MaxValue) - MonthIndex(firstMonth) < length - 1)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, "the axis would run past the last representable month");
        }

        FirstMonth = firstMonth;
        Length = length;
    }

    /// <summary>The first day of the first month (step 0).</summary>
    public DateOnly FirstMonth { get; }

    /// <summary>Number of months.</summary>
    public int Length { get; }

    /// <summary>The first day of month <paramref name="step"/>.</summary>
    public DateOnly MonthOf(int step) =>
        (uint)step < (uint)Length ? FirstMonth.AddMonths(step) : throw new ArgumentOutOfRangeException(nameof(step), step, $"not a step of {this}");

    /// <summary>The step of the month that starts on <paramref name="month"/>; false if that is not a first day or is off the axis.</summary>
    public bool TryStepOf(DateOnly month, out int step)
    {
        int offset = MonthIndex(month) - MonthIndex(FirstMonth);
        step = month.Day == 1 && offset >= 0 && offset < Length ? offset : -1;
        return step >= 0;
    }

    /// <summary>The first day of the month <paramref name="date"/> falls in.</summary>
    public static DateOnly MonthContaining(DateOnly date) => new(date.Year, date.Month, 1);

    DateOnly ITimeAxis<DateOnly>.KeyOf(int step) => MonthOf(step);

    public override string ToString() =>
        Length == 0 ? $"empty axis at {FirstMonth:yyyy-MM}" : $"{FirstMonth:yyyy-MM}..{MonthOf(Length - 1):yyyy-MM} ({Length} months)";

    private static int MonthIndex(DateOnly date) => (date.Year * 12) + date.Month - 1;
}
