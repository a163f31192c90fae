using Backtest.Numerics;
using Backtest.Numerics.Random;

namespace Backtest.Market.Scenarios;

/// <summary>
/// Settings of <see cref="MonteCarloMarketScenario"/> shared by every AMPL model.
/// </summary>
public sealed record MonteCarloOptions
{
    /// <summary>Days per path (step 0 is the first day).</summary>
    public int Horizon { get; init; } = 365;

    /// <summary>The calendar day of step 0, if the paths should carry dates; null for undated paths.</summary>
    public DateOnly? StartDate { get; init; }

    /// <summary>x at step 0: ln(AMPL price / target) on the first day; 0 starts at the target.</summary>
    public double StartLogDeviation { get; init; }

    /// <summary>
    /// AMPL's target (USD) on the first day. Default: the latest target the bundled PCEPI file
    /// sets (<see cref="CalibratedParameters.LatestTarget"/>).
    /// </summary>
    public double StartTarget { get; init; } = CalibratedParameters.LatestTarget;

    /// <summary>
    /// Yearly growth of the target: target(t) = StartTarget · (1 + π)^(t / 365.25), a smooth stand-in
    /// for the monthly PCE steps. Default: PCEPI's compound growth over the bundled file
    /// (<see cref="CalibratedParameters.PceInflationPerYear"/>).
    /// </summary>
    public double AnnualInflation { get; init; } = CalibratedParameters.PceInflationPerYear;
}

/// <summary>
/// Monte Carlo market paths: AMPL's log deviation from an <see cref="IAmplDeviationModel"/>
/// (bootstrap, jump-diffusion or regime-switching), the target on a deterministic inflation path,
/// and USDC from a <see cref="UsdcDepegModel"/>. AMPL price = target · e^x with
/// <see cref="DeterministicMath.Exp(double)"/>. AMPL and USDC are drawn independently: the AMPL
/// history holds no USDC de-peg to estimate a dependence from.
/// <para><b>Draw indices</b> within each (path, step), from <c>firstDraw</c>: AMPL model
/// firstDraw + 0 … 3 (<see cref="AmplDraws"/> reserved, whatever the model uses), USDC
/// firstDraw + 4 … 6, so changing the AMPL model never moves USDC's numbers. A model of
/// another system sharing the run's stream starts its draws at firstDraw + <see cref="DrawsUsed"/> or later.</para>
/// <para><b>Supply.</b> The paths are prices only. AMPL's supply is a consequence of price
/// against target through the monetary policy, which lives in Backtest.Protocols; a consumer runs
/// the policy of the era over these paths (each day: the price as the market oracle's rate and
/// the target as the target rate, both converted to the oracle's 18-decimal fixed point with a
/// named rounding). The reversion the models fitted is the one the historical policy produced; the
/// prices do not react to a different policy a study might run.</para>
/// </summary>
public sealed class MonteCarloMarketScenario : IMarketScenario
{
    /// <summary>Draw indices reserved for the AMPL model.</summary>
    public const int AmplDraws = 4;

    /// <summary>Draw indices this scenario reads per step, from its first draw.</summary>
    public const int DrawsUsed = AmplDraws + 3;

    private const double DaysPerYear = 365.25;
    private readonly RandomStream stream;
    private readonly int firstDraw;
    private readonly double[] target;

    public MonteCarloMarketScenario(RandomStream stream, IAmplDeviationModel ampl, UsdcDepegModel usdc, MonteCarloOptions options, int firstDraw = 0)
    {
        if (ampl.DrawsPerStep > AmplDraws)
        {
            throw new ArgumentException($"the AMPL model reads {ampl.DrawsPerStep} draws per step; {AmplDraws} are reserved", nameof(ampl));
        }

        if (options.Horizon <= 0)
        {
            throw new InputException($"{options.Horizon} is not allowed: the horizon must be at least one day", key: nameof(options.Horizon));
        }

        Generation.Require(options.StartLogDeviation, true, nameof(options.StartLogDeviation), "must be finite");
        Generation.Require(options.StartTarget, options.StartTarget > 0, nameof(options.StartTarget), "must be > 0");
        Generation.Require(options.AnnualInflation, options.AnnualInflation > -1, nameof(options.AnnualInflation), "must be > −100%");
        ArgumentOutOfRangeException.ThrowIfNegative(firstDraw);
        this.stream = stream;
        this.firstDraw = firstDraw;
        Ampl = ampl;
        Usdc = usdc;
        Options = options;
        Days = options.StartDate is { } start ? new DailyAxis(start, options.Horizon) : null;
        target = new double[options.Horizon];
        double growthPerDay = DeterministicMath.Log(1 + options.AnnualInflation) / DaysPerYear;
        for (int t = 0; t < target.Length; t++)
        {
            target[t] = options.StartTarget * DeterministicMath.Exp(growthPerDay * t);
        }
    }

    public IAmplDeviationModel Ampl { get; }

    public UsdcDepegModel Usdc { get; }

    public MonteCarloOptions Options { get; }

    /// <inheritdoc/>
    public long PathCount => RandomStream.MaxPath + 1;

    /// <inheritdoc/>
    public int Steps => Options.Horizon;

    /// <inheritdoc/>
    public DailyAxis? Days { get; }

    /// <summary>The target on every step (the same on every path).</summary>
    public ReadOnlySpan<double> Target => target;

    /// <inheritdoc/>
    public void Fill(long firstPath, int count, MarketPathBatch batch)
    {
        MarketScenarios.CheckPaths(this, firstPath, count);
        batch.Begin(firstPath, count, Steps);
        int stride = batch.Capacity;
        Ampl.Fill(stream, firstDraw, Options.StartLogDeviation, firstPath, count, Steps, batch.AmplPriceBlock, stride);
        Usdc.Fill(stream, firstDraw + AmplDraws, firstPath, count, Steps, batch.UsdcPriceBlock, stride);
        for (int step = 0; step < Steps; step++)
        {
            var price = batch.AmplPrice(step);
            DeterministicMath.Exp(price, price);
            double level = target[step];
            for (int i = 0; i < price.Length; i++)
            {
                price[i] *= level;
            }

            batch.AmplTarget(step).Fill(level);
        }
    }
}
