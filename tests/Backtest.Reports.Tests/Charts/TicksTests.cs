using Backtest.Reports.Charts;
using Backtest.Reports.Formatting;
using FsCheck;
using FsCheck.Fluent;

namespace Backtest.Reports.Tests.Charts;

public sealed class TicksTests
{
    [Fact]
    public void Linear_ticks_use_1_2_5_steps_and_cover_the_range()
    {
        var t = NiceTicks.Linear(0.013, 0.97, 6);
        Assert.Equal(0.2, t.Step);
        Assert.Equal([0, 0.2, 0.4, 0.6, 0.8, 1.0], t.Values);

        var u = NiceTicks.Linear(-3.2, 17, 6);
        Assert.Equal(5, u.Step);
        Assert.Equal([-5, 0, 5, 10, 15, 20], u.Values);
    }

    [Fact]
    public void Linear_ticks_are_exact_multiples_of_the_step()
    {
        var t = NiceTicks.Linear(0, 0.7, 8);
        Assert.Equal(0.1, t.Step);
        Assert.Contains(0.3, t.Values); // not 0.30000000000000004
        Assert.Contains(0.7, t.Values);
    }

    [Fact]
    public void Degenerate_ranges_are_widened_not_refused()
    {
        var constant = NiceTicks.Linear(5, 5, 5);
        Assert.True(constant.Min < 5 && constant.Max > 5);
        var zero = NiceTicks.Linear(0, 0, 5);
        Assert.True(zero.Min < 0 && zero.Max > 0);
        Assert.Throws<ArgumentException>(() => NiceTicks.Linear(double.NaN, 1, 5));
        Assert.Throws<ArgumentException>(() => NiceTicks.Linear(0, double.PositiveInfinity, 5));
    }

    [Fact]
    public void Outer_ticks_cover_data_that_is_a_step_multiple_up_to_rounding()
    {
        // -11500 · 10⁻⁴ is one ulp below -1.15, the tick the 1e-9 tolerance would otherwise pick.
        double lo = -11500 * Math.Pow(10, -4), hi = -8697 * Math.Pow(10, -4);
        var ticks = NiceTicks.Linear(lo, hi, 9);
        Assert.True(ticks.Min <= lo, $"min tick {ticks.Min:R} above data {lo:R}");
        Assert.True(ticks.Max >= hi, $"max tick {ticks.Max:R} below data {hi:R}");
    }

    [Fact]
    public void Linear_ticks_hold_for_any_range()
    {
        var prop = Prop.ForAll(
            Gen.Choose(-1_000_000, 1_000_000).Zip(Gen.Choose(1, 2_000_000)).Zip(Gen.Choose(-8, 8)).Zip(Gen.Choose(2, 12)).ToArbitrary(),
            t =>
            {
                var (((start, length), exponent), maxCount) = t;
                double lo = start * Math.Pow(10, exponent), hi = (start + length) * Math.Pow(10, exponent);
                var ticks = NiceTicks.Linear(lo, hi, maxCount);
                double mantissa = ticks.Step / Math.Pow(10, Math.Floor(Math.Log10(ticks.Step) + 1e-9));
                bool oneTwoFive = new[] { 1.0, 2.0, 5.0 }.Any(m => Math.Abs(mantissa - m) < 1e-6);
                bool covers = ticks.Min <= lo && ticks.Max >= hi;
                bool evenlySpaced = ticks.Values.Zip(ticks.Values.Skip(1)).All(p => Math.Abs(p.Second - p.First - ticks.Step) <= ticks.Step * 1e-6);
                var labels = NumberFormat.Ticks(ticks.Values, ticks.Step, ValueFormat.Number);
                return oneTwoFive && covers && evenlySpaced && ticks.Count <= Math.Max(maxCount, 3) && labels.Distinct().Count() == labels.Length;
            });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(400), prop);
    }

    [Fact]
    public void Log_ticks_are_decades_with_subdivisions_for_short_ranges()
    {
        Assert.Equal([1e-4, 1e-3, 1e-2, 1e-1, 1], NiceTicks.Log(1.0 / 1500, 1).Values);
        Assert.Equal([1, 2, 5, 10], NiceTicks.Log(1, 9).Values);
        Assert.Throws<ArgumentException>(() => NiceTicks.Log(0, 1));
    }

    [Fact]
    public void Date_ticks_pick_a_calendar_unit_and_align_to_it()
    {
        var start = new DateOnly(2020, 1, 1).DayNumber;
        var (years, yearLabels) = NiceTicks.Dates(start, new DateOnly(2029, 6, 1).DayNumber, 6);
        Assert.Equal(["2020", "2022", "2024", "2026", "2028"], yearLabels);
        Assert.Equal(new DateOnly(2022, 1, 1).DayNumber, years.Values[1]);

        var (_, monthLabels) = NiceTicks.Dates(start, new DateOnly(2020, 12, 31).DayNumber, 5);
        Assert.Equal(["Jan 2020", "Apr 2020", "Jul 2020", "Oct 2020"], monthLabels);

        var (_, dayLabels) = NiceTicks.Dates(new DateOnly(2023, 3, 9).DayNumber, new DateOnly(2023, 3, 18).DayNumber, 6);
        Assert.Equal("2023-03-09", dayLabels[0]);
        Assert.True(dayLabels.Length <= 6);

        var (single, _) = NiceTicks.Dates(start, start, 5);
        Assert.True(single.Count >= 1);
    }
}
