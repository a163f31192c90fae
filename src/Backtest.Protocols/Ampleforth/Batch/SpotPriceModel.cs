using Backtest.Numerics;
using Backtest.Numerics.Random;

namespace Backtest.Protocols.Ampleforth.Batch;

/// <summary>
/// AMPL's market price for a SPOT Monte Carlo: the log deviation from target
/// x = ln(market/target) follows x(t+1) = (1 − κ)·x(t) + σ·Z(t), Z standard normal drawn from
/// the counter-based stream at (path, day, 0), clamped to ±<see cref="MaxAbsDeviation"/> so a
/// wild parameter set cannot reach a zero or overflowing rate. The target is 1 USD throughout;
/// both oracles always report valid values.
/// </summary>
/// <param name="MeanReversion">κ, the share of the deviation that decays each day, in [0, 1].</param>
/// <param name="Volatility">σ, the daily standard deviation of the log price, ≥ 0.</param>
/// <param name="StartDeviation">x before the first day (0: at target).</param>
public sealed record SpotPriceModel(double MeanReversion, double Volatility, double StartDeviation = 0)
{
    /// <summary>The largest |x| a path reaches: prices stay within a factor e⁴ ≈ 55 of target.</summary>
    public const double MaxAbsDeviation = 4.0;

    /// <summary>The 18-decimal target rate (1 USD).</summary>
    public static readonly Int128 TargetRate = (Int128)1_000_000_000_000_000_000L;

    /// <summary>Roughly AMPL's own daily behaviour: 5 % daily volatility, a deviation that halves in about two weeks.</summary>
    public static SpotPriceModel Reference { get; } = new(0.05, 0.05);

    /// <summary>Checks the parameters; an <see cref="ArgumentOutOfRangeException"/> names the one out of range.</summary>
    public void Validate()
    {
        if (!(MeanReversion is >= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(MeanReversion), MeanReversion, "the mean reversion must lie in [0, 1]");
        }

        if (!(Volatility >= 0 && double.IsFinite(Volatility)))
        {
            throw new ArgumentOutOfRangeException(nameof(Volatility), Volatility, "the volatility must be finite and non-negative");
        }

        if (!(Math.Abs(StartDeviation) <= MaxAbsDeviation))
        {
            throw new ArgumentOutOfRangeException(nameof(StartDeviation), StartDeviation, $"the start deviation must lie in ±{MaxAbsDeviation}");
        }
    }

    /// <summary>
    /// Advances the deviations of paths firstPath … firstPath + x.Length − 1 to day
    /// <paramref name="day"/> and writes each path's market and target rates (18 decimals) into
    /// lanes [0, x.Length) of <paramref name="inputs"/>. A path's rates depend only on the stream,
    /// its index and the day, never on which lanes share the call. <paramref name="scratch"/> is
    /// working space at least as long as x.
    /// </summary>
    public void Advance(RandomStream stream, long firstPath, int day, Span<double> x, Span<double> scratch, SpotDayInputs inputs)
    {
        var z = scratch[..x.Length];
        new NormalDistribution(0, Volatility).Fill(stream, firstPath, day, 0, z);
        double keep = 1 - MeanReversion;
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = Math.Clamp((keep * x[i]) + z[i], -MaxAbsDeviation, MaxAbsDeviation);
        }

        DeterministicMath.Exp(x, z);
        for (int i = 0; i < x.Length; i++)
        {
            // Nano-units by the named conversion, then to the oracle's 18 decimals.
            inputs.MarketRate[i] = (Int128)Fixed.FromDouble(z[i]) * 1_000_000_000;
            inputs.TargetRate[i] = TargetRate;
        }
    }
}
