using System.Globalization;
using Backtest.Reports.Formatting;
using FsCheck;
using FsCheck.Fluent;

namespace Backtest.Reports.Tests.Formatting;

public sealed class NumberFormatTests
{
    [Fact]
    public void Binary_noise_never_reaches_the_text()
    {
        Assert.Equal("0.30000000000000004", (0.1 + 0.2).ToString("R", CultureInfo.InvariantCulture));
        Assert.Equal("0.3", NumberFormat.Ticks([0.1 + 0.2], 0.1, ValueFormat.Number)[0]);
        Assert.Equal("0.3", NumberFormat.Plain(0.1 + 0.2));
        Assert.Equal("0.300", NumberFormat.Significant(0.1 + 0.2, ValueFormat.Number));
    }

    [Fact]
    public void Interval_has_the_stated_shape_with_shared_decimals()
    {
        Assert.Equal("0.012 [0.009, 0.016]", NumberFormat.Interval(0.012, 0.009, 0.016, ValueFormat.Number));
        Assert.Equal("0.50 [0.49, 0.51]", NumberFormat.Interval(0.5, 0.49, 0.51, ValueFormat.Number));

        // A narrow interval gets enough decimals to show its width.
        Assert.Equal("0.5000 [0.4998, 0.5003]", NumberFormat.Interval(0.5, 0.4998, 0.5003, ValueFormat.Number));
        Assert.Equal("1.2% [0.9%, 1.6%]", NumberFormat.Interval(0.012, 0.009, 0.016, ValueFormat.Percent));
        Assert.Equal("24.9M [24.7M, 25.1M]", NumberFormat.Interval(24.9e6, 24.7e6, 25.1e6, ValueFormat.Compact));

        // Four-digit numbers inside an interval print without a separator that would read as the bracket's comma.
        Assert.Equal("1234 [1200, 1270]", NumberFormat.Interval(1234, 1200, 1270, ValueFormat.Number));
    }

    [Fact]
    public void Negative_zero_prints_as_zero()
    {
        Assert.Equal("0.00", NumberFormat.Fixed(-0.0001, 2));
        Assert.Equal("0", NumberFormat.Fixed(-0.0, 0));
        Assert.Equal("0", NumberFormat.Ticks([-0.0], 1, ValueFormat.Number)[0]);
    }

    [Fact]
    public void Tick_labels_of_one_axis_share_their_decimals()
    {
        Assert.Equal(["0.0", "0.5", "1.0", "1.5"], NumberFormat.Ticks([0, 0.5, 1, 1.5], 0.5, ValueFormat.Number));
        Assert.Equal(["0%", "25%", "50%"], NumberFormat.Ticks([0, 0.25, 0.5], 0.25, ValueFormat.Percent));
        Assert.Equal(["0", "5M", "10M", "15M"], NumberFormat.Ticks([0, 5e6, 10e6, 15e6], 5e6, ValueFormat.Compact));
        // Suffixes from 10,000 on, as in table cells: "0.2k" of a unit would be harder to read than 200.
        Assert.Equal(["0", "2,500", "5,000"], NumberFormat.Ticks([0, 2500, 5000], 2500, ValueFormat.Compact));
        Assert.Equal(["0", "10k", "20k"], NumberFormat.Ticks([0, 10000, 20000], 10000, ValueFormat.Compact));
        Assert.Equal(["10,000", "20,000"], NumberFormat.Ticks([10000, 20000], 10000, ValueFormat.Number));
    }

    [Fact]
    public void Standard_errors_keep_two_significant_digits_in_their_own_magnitude()
    {
        Assert.Equal("0.494 ± 0.0035", NumberFormat.WithStandardError(0.4939, 0.003535, ValueFormat.Number));
        Assert.Equal("28.2M ± 490", NumberFormat.WithStandardError(28_186_740, 490.2, ValueFormat.Compact));
        Assert.Equal("1.00 ± 0", NumberFormat.WithStandardError(1, 0, ValueFormat.Number));
        Assert.Equal("0.494", NumberFormat.WithStandardError(0.4939, double.NaN, ValueFormat.Number));
        Assert.Equal("0.494 ± 0.0035", new Backtest.Reports.Document.Estimate(0.4939) { StandardError = 0.003535 }.Format(ValueFormat.Number));
    }

    [Fact]
    public void Special_values_are_named()
    {
        Assert.Equal("n/a", NumberFormat.Fixed(double.NaN, 2));
        Assert.Equal("∞", NumberFormat.Fixed(double.PositiveInfinity, 2));
        Assert.Equal("1,500", NumberFormat.Integer(1500));
        Assert.Equal("2020-03-15", NumberFormat.Date(new DateOnly(2020, 3, 15)));
        Assert.Equal("80,000,000", NumberFormat.Plain(8e7));
        Assert.Equal("0.001", NumberFormat.Plain(0.001));
    }

    [Fact]
    public void Fixed_text_is_plain_decimal_and_within_half_a_unit_of_the_last_digit()
    {
        var prop = Prop.ForAll(
            Gen.Choose(-1_000_000_000, 1_000_000_000).Zip(Gen.Choose(-9, 6)).Zip(Gen.Choose(0, 8)).ToArbitrary(),
            t =>
            {
                var ((mantissa, exponent), decimals) = t;
                double value = mantissa * Math.Pow(10, exponent);
                string text = NumberFormat.Fixed(value, decimals);
                double back = double.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);
                return !text.Contains('E', StringComparison.OrdinalIgnoreCase)
                    && Math.Abs(back - value) <= (0.5 * Math.Pow(10, -decimals)) + (Math.Abs(value) * 1e-15)
                    && (text.Split('.') is [_] ? decimals == 0 : text.Split('.')[1].Length == decimals);
            });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), prop);
    }
}
