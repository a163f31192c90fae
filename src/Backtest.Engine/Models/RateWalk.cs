using Backtest.Numerics;

namespace Backtest.Engine.Models;

/// <summary>
/// A lending rate as a log-normal mean-reverting walk: rate = mean·exp(x − σ²/(4κ)), x an exact
/// Ornstein–Uhlenbeck step per day, x ← x·e^(−κΔt) + σ·√((1 − e^(−2κΔt))/(2κ))·Z (σ√Δt·Z when
/// κ = 0; Δt = 1/365), so x's stationary variance is σ²/(2κ) and the stationary mean rate is
/// <c>mean</c>. Transcendentals are <see cref="DeterministicMath"/>'s.
/// </summary>
internal readonly struct RateWalk
{
    private const double Dt = 1.0 / 365;

    private readonly double decay;
    private readonly double deviation;
    private readonly double centre;

    public RateWalk(double volatility, double reversion)
    {
        decay = DeterministicMath.Exp(-reversion * Dt);
        deviation = reversion > 0 ? volatility * Math.Sqrt((1 - (decay * decay)) / (2 * reversion)) : volatility * Math.Sqrt(Dt);
        centre = reversion > 0 ? volatility * volatility / (4 * reversion) : 0;
    }

    /// <summary>The next day's x from today's and a standard normal draw.</summary>
    public double Step(double x, double z) => (x * decay) + (deviation * z);

    /// <summary>The rate at state <paramref name="x"/> for a walk around <paramref name="mean"/>.</summary>
    public double Rate(double mean, double x) => mean * DeterministicMath.Exp(x - centre);
}
