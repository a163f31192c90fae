using Backtest.Numerics;
using Backtest.Numerics.Random;

namespace Backtest.Market.Scenarios;

/// <summary>
/// The shape of one USDC de-peg: its deviation below the peg D(s) = depth · f(s), s hours after
/// onset, with f rising linearly to 1 at the trough, rebounding toward a plateau, then decaying:
/// <code>
/// f(s) = s / T_f                                  0 ≤ s &lt; T_f            (fall to the trough)
///      = r + (1 − r)·e^(−(s − T_f)/τ)              T_f ≤ s &lt; T_f + T_h     (rebound to the plateau r)
///      = f(T_f + T_h) · 2^(−(s − T_f − T_h)/H)     s ≥ T_f + T_h           (recovery, half-life H)
/// </code>
/// and f = 0 before onset and from <see cref="EndHours"/> (20 half-lives into the recovery,
/// where f is below 10⁻⁶ of its plateau) on. Fitted to March 2023 by
/// <see cref="Calibration.DepegShapeFit"/>.
/// </summary>
public readonly record struct DepegShape(double Depth, double HoursToTrough, double PlateauFraction, double ReboundHours, double HoursFromTroughToRecovery, double RecoveryHalfLifeHours)
{
    private const double Ln2 = 0.6931471805599453094;

    /// <summary>Recovery half-lives after which the shock is over.</summary>
    public const int HalfLivesToEnd = 20;

    /// <summary>Hours from onset after which the deviation is taken as zero.</summary>
    public double EndHours => HoursToTrough + HoursFromTroughToRecovery + (HalfLivesToEnd * RecoveryHalfLifeHours);

    /// <summary>D(s): the fraction below the peg, <paramref name="hoursSinceOnset"/> after onset.</summary>
    public double Deviation(double hoursSinceOnset) => Depth * Profile(hoursSinceOnset);

    /// <summary>f(s), in [0, 1].</summary>
    public double Profile(double s)
    {
        if (!(s > 0) || s >= EndHours)
        {
            return 0;
        }

        if (s < HoursToTrough)
        {
            return s / HoursToTrough;
        }

        double recoveryStart = HoursToTrough + HoursFromTroughToRecovery;
        if (s < recoveryStart)
        {
            return PlateauFraction + ((1 - PlateauFraction) * DeterministicMath.Exp((HoursToTrough - s) / ReboundHours));
        }

        double atRecovery = PlateauFraction + ((1 - PlateauFraction) * DeterministicMath.Exp((0.0 - HoursFromTroughToRecovery) / ReboundHours));
        return atRecovery * DeterministicMath.Exp((recoveryStart - s) * Ln2 / RecoveryHalfLifeHours);
    }

    /// <summary>The same shape with every duration multiplied by <paramref name="factor"/> and the depth set to <paramref name="depth"/>.</summary>
    public DepegShape Scaled(double depth, double factor) =>
        new(depth, HoursToTrough * factor, PlateauFraction, ReboundHours * factor, HoursFromTroughToRecovery * factor, RecoveryHalfLifeHours * factor);
}

/// <summary>
/// Parameters of <see cref="UsdcDepegModel"/>. Defaults are calibrated (docs/models/scenarios.md):
/// the shape is the least-squares fit to the 15-minute bars of March 2023
/// (<see cref="CalibratedParameters.MarchDepeg"/>); the arrival rate counts that event as the one
/// de-peg of its kind in the 2,736 days of bundled USDC history; no noise between shocks (see
/// <see cref="BaselineVolatility"/>).
/// </summary>
public sealed record UsdcDepegOptions
{
    /// <summary>Mean number of shocks per year of 365.25 days (Poisson arrivals).</summary>
    public double ShocksPerYear { get; init; } = CalibratedParameters.UsdcShocksPerYear;

    /// <summary>Fraction below the peg at the trough (median depth when <see cref="DepthDispersion"/> &gt; 0), in (0, 1).</summary>
    public double Depth { get; init; } = CalibratedParameters.MarchDepeg.Depth;

    /// <summary>T_f: hours from onset to the trough.</summary>
    public double HoursToTrough { get; init; } = CalibratedParameters.MarchDepeg.HoursToTrough;

    /// <summary>r: the plateau after the first rebound, as a fraction of the depth, in [0, 1].</summary>
    public double PlateauFraction { get; init; } = CalibratedParameters.MarchDepeg.PlateauFraction;

    /// <summary>τ: time constant (hours) of the rebound from the trough to the plateau.</summary>
    public double ReboundHours { get; init; } = CalibratedParameters.MarchDepeg.ReboundHours;

    /// <summary>T_h: hours from the trough to the start of the final recovery.</summary>
    public double HoursFromTroughToRecovery { get; init; } = CalibratedParameters.MarchDepeg.HoursFromTroughToRecovery;

    /// <summary>H: half-life (hours) of the final recovery.</summary>
    public double RecoveryHalfLifeHours { get; init; } = CalibratedParameters.MarchDepeg.RecoveryHalfLifeHours;

    /// <summary>Multiplies every duration of the shape (median factor when <see cref="DurationDispersion"/> &gt; 0); 2 makes a de-peg last twice as long.</summary>
    public double DurationScale { get; init; } = 1;

    /// <summary>σ of ln(depth) across shocks (log-normal around <see cref="Depth"/>); 0: every shock has the same depth.</summary>
    public double DepthDispersion { get; init; }

    /// <summary>σ of ln(duration factor) across shocks (log-normal around <see cref="DurationScale"/>); 0: every shock lasts the same.</summary>
    public double DurationDispersion { get; init; }

    /// <summary>
    /// Standard deviation of USDC's daily log price outside shocks (independent from day to day).
    /// Default 0: the price stays exactly at the peg between shocks. The bundled history's
    /// day-to-day scale is <see cref="CalibratedParameters.UsdcBaselineVolatility"/> (2.6 × 10⁻⁴),
    /// which moves nothing the SPOT contracts check (BillBroker's band is ±1%) and would cost a
    /// normal variate per path-day, more than the rest of the USDC model; set it to that value
    /// to include the noise.
    /// </summary>
    public double BaselineVolatility { get; init; }

    /// <summary>A step at which every path has a shock starting at the beginning of that day, besides the random ones; null for none.</summary>
    public int? ShockAtStep { get; init; }

    /// <summary>The shape at the median depth and duration.</summary>
    public DepegShape Shape => new DepegShape(Depth, HoursToTrough, PlateauFraction, ReboundHours, HoursFromTroughToRecovery, RecoveryHalfLifeHours).Scaled(Depth, DurationScale);
}

/// <summary>
/// USDC's price: 1 USD, times independent daily noise, times (1 − D) for every shock in progress.
/// Shocks arrive as a Poisson process in time (<see cref="UsdcDepegOptions.ShocksPerYear"/>);
/// each follows <see cref="DepegShape"/> from its onset, with its depth and durations optionally
/// log-normally dispersed. The price at hour h of a path is
/// <code>P(h) = e^(σ·Z_d) · Π_shocks (1 − D_k(h − onset_k))</code>
/// where d is the day h falls in; daily steps take h at the end of the day (the daily close), and
/// intraday bars the end of each bar, so the last bar of a day equals that day's daily value.
/// <para><b>Arrivals.</b> Day t has a shock with probability p = 1 − e^(−λ/365.25) (at most one
/// random arrival a day; two in one day have probability about (λ/365.25)²/2, 7 × 10⁻⁸ at the
/// default rate), with onset at hour 24·(t + u/p) for the first uniform u &lt; p, which is uniform
/// within the day. At most <see cref="MaxActiveShocks"/> shocks are tracked per path; a new one
/// beyond that replaces the oldest.</para>
/// <para><b>Draws</b> at step t ≥ 0: block (path, t, firstDraw): arrival and onset from the first
/// uniform, Z_t from the second by normal inversion (not read when σ = 0); block (path, t, firstDraw + 1): the
/// dispersion normals of a random shock (first: depth, second: duration), read only on an arrival
/// with dispersion; block (path, t, firstDraw + 2): the same for the shock of
/// <see cref="UsdcDepegOptions.ShockAtStep"/>.</para>
/// </summary>
public sealed class UsdcDepegModel
{
    /// <summary>Shocks tracked at once per path.</summary>
    public const int MaxActiveShocks = 4;

    /// <summary>Deepest shock a dispersed depth is capped at (the price stays positive).</summary>
    public const double MaxDepth = 0.99;

    private const double DaysPerYear = 365.25;
    private static readonly NormalDistribution StandardNormal = new(0, 1);

    public UsdcDepegModel(UsdcDepegOptions options)
    {
        Options = options;
        Generation.Require(options.ShocksPerYear, options.ShocksPerYear >= 0 && options.ShocksPerYear <= 365.25 * 20, nameof(options.ShocksPerYear), "must lie in [0, 7305]");
        Generation.Require(options.Depth, options.Depth > 0 && options.Depth <= MaxDepth, nameof(options.Depth), $"must lie in (0, {MaxDepth}]");
        Generation.Require(options.HoursToTrough, options.HoursToTrough > 0, nameof(options.HoursToTrough), "must be > 0");
        Generation.Require(options.PlateauFraction, options.PlateauFraction >= 0 && options.PlateauFraction <= 1, nameof(options.PlateauFraction), "must lie in [0, 1]");
        Generation.Require(options.ReboundHours, options.ReboundHours > 0, nameof(options.ReboundHours), "must be > 0");
        Generation.Require(options.HoursFromTroughToRecovery, options.HoursFromTroughToRecovery >= 0, nameof(options.HoursFromTroughToRecovery), "must be ≥ 0");
        Generation.Require(options.RecoveryHalfLifeHours, options.RecoveryHalfLifeHours > 0, nameof(options.RecoveryHalfLifeHours), "must be > 0");
        Generation.Require(options.DurationScale, options.DurationScale > 0, nameof(options.DurationScale), "must be > 0");
        Generation.Require(options.DepthDispersion, options.DepthDispersion >= 0, nameof(options.DepthDispersion), "must be ≥ 0");
        Generation.Require(options.DurationDispersion, options.DurationDispersion >= 0, nameof(options.DurationDispersion), "must be ≥ 0");
        Generation.Require(options.BaselineVolatility, options.BaselineVolatility >= 0 && options.BaselineVolatility < 1, nameof(options.BaselineVolatility), "must lie in [0, 1)");
        if (options.ShockAtStep is < 0)
        {
            throw new InputException($"{options.ShockAtStep} is not allowed: must be ≥ 0", key: nameof(options.ShockAtStep));
        }

        Shape = new DepegShape(options.Depth, options.HoursToTrough, options.PlateauFraction, options.ReboundHours, options.HoursFromTroughToRecovery, options.RecoveryHalfLifeHours);
        ArrivalProbability = 1 - DeterministicMath.Exp(0.0 - (options.ShocksPerYear / DaysPerYear));
    }

    public UsdcDepegOptions Options { get; }

    /// <summary>The shape at unit duration scale and the median depth.</summary>
    public DepegShape Shape { get; }

    /// <summary>p: the chance that a day has a random shock.</summary>
    public double ArrivalProbability { get; }

    /// <summary>Draw indices read per step, from the first draw.</summary>
    public int DrawsPerStep => 3;

    /// <summary>Daily closes of paths firstPath … + count − 1 for days 0 … steps − 1, step-major with <paramref name="stride"/>.</summary>
    public void Fill(RandomStream stream, int firstDraw, long firstPath, int count, int steps, Span<double> price, int stride) =>
        FillBars(stream, firstDraw, firstPath, count, steps, 1, price, stride);

    /// <summary>
    /// Prices at the end of each of <paramref name="barsPerDay"/> equal bars of days 0 … days − 1
    /// (96 for 15-minute bars): output step t · barsPerDay + b is the end of bar b of day t, with
    /// the same shocks and daily noise as <see cref="Fill"/>.
    /// </summary>
    public void FillIntraday(RandomStream stream, int firstDraw, long firstPath, int count, int days, int barsPerDay, Span<double> price, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(barsPerDay);
        FillBars(stream, firstDraw, firstPath, count, days, barsPerDay, price, stride);
    }

    private void FillBars(RandomStream stream, int firstDraw, long firstPath, int count, int days, int barsPerDay, Span<double> price, int stride)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(days);
        if ((long)days * barsPerDay > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(days), days, "days × bars per day exceed the step range");
        }

        Generation.CheckLayout(count, days * barsPerDay, price.Length, stride);
        const int Chunk = Generation.Chunk;
        Span<double> arrival = stackalloc double[Chunk];
        Span<double> noise = stackalloc double[Chunk];
        Span<double> onset = stackalloc double[Chunk * MaxActiveShocks];
        Span<double> depth = stackalloc double[Chunk * MaxActiveShocks];
        Span<double> scale = stackalloc double[Chunk * MaxActiveShocks];
        Span<int> active = stackalloc int[Chunk];
        double volatility = Options.BaselineVolatility;
        for (int offset = 0; offset < count; offset += Chunk)
        {
            int n = Math.Min(Chunk, count - offset);
            long path0 = firstPath + offset;
            active[..n].Clear();
            int shocked = 0;
            for (int day = 0; day < days; day++)
            {
                if (volatility > 0)
                {
                    stream.FillUniform(path0, day, firstDraw, arrival[..n], noise[..n]);
                    StandardNormal.FromUniform(noise[..n], noise[..n]);
                    for (int i = 0; i < n; i++)
                    {
                        noise[i] *= volatility;
                    }

                    DeterministicMath.Exp(noise[..n], noise[..n]);
                }
                else
                {
                    // No noise: the second uniform is not needed, nor its normal inversion (most of the cost).
                    stream.FillUniform(path0, day, firstDraw, arrival[..n]);
                    noise[..n].Fill(1.0);
                }
                for (int i = 0; i < n; i++)
                {
                    if (arrival[i] < ArrivalProbability)
                    {
                        double hour = 24 * (day + (arrival[i] / ArrivalProbability));
                        shocked += Start(stream, path0 + i, day, firstDraw + 1, hour, i, onset, depth, scale, active);
                    }

                    if (day == Options.ShockAtStep)
                    {
                        shocked += Start(stream, path0 + i, day, firstDraw + 2, 24.0 * day, i, onset, depth, scale, active);
                    }
                }

                for (int bar = 0; bar < barsPerDay; bar++)
                {
                    var row = price.Slice((((day * barsPerDay) + bar) * stride) + offset, n);
                    noise[..n].CopyTo(row);
                    if (shocked == 0)
                    {
                        continue;
                    }

                    double hour = 24 * (day + ((bar + 1) / (double)barsPerDay));
                    for (int i = 0; i < n; i++)
                    {
                        for (int k = 0; k < active[i]; k++)
                        {
                            int slot = (i * MaxActiveShocks) + k;
                            row[i] *= 1 - Shape.Scaled(depth[slot], scale[slot]).Deviation(hour - onset[slot]);
                        }
                    }
                }

                shocked -= Retire(24.0 * (day + 1), n, onset, depth, scale, active);
            }
        }
    }

    /// <summary>Adds a shock to lane i (replacing the oldest if the lane is full); returns 1 if the lane had none before.</summary>
    private int Start(RandomStream stream, long path, int day, int draw, double onsetHour, int i, Span<double> onset, Span<double> depth, Span<double> scale, Span<int> active)
    {
        double shockDepth = Options.Depth;
        double shockScale = Options.DurationScale;
        if (Options.DepthDispersion > 0 || Options.DurationDispersion > 0)
        {
            var block = stream.Block(path, day, draw);
            shockDepth = Math.Min(MaxDepth, shockDepth * DeterministicMath.Exp(Options.DepthDispersion * StandardNormal.FromUniform(block.First)));
            shockScale *= DeterministicMath.Exp(Options.DurationDispersion * StandardNormal.FromUniform(block.Second));
        }

        int basis = i * MaxActiveShocks;
        int wasActive = active[i];
        if (wasActive == MaxActiveShocks)
        {
            for (int k = 1; k < MaxActiveShocks; k++)
            {
                onset[basis + k - 1] = onset[basis + k];
                depth[basis + k - 1] = depth[basis + k];
                scale[basis + k - 1] = scale[basis + k];
            }

            active[i]--;
        }

        int slot = basis + active[i];
        onset[slot] = onsetHour;
        depth[slot] = shockDepth;
        scale[slot] = shockScale;
        active[i]++;
        return wasActive == 0 ? 1 : 0;
    }

    /// <summary>Drops the shocks over by <paramref name="hour"/>; returns how many lanes became shock-free.</summary>
    private int Retire(double hour, int n, Span<double> onset, Span<double> depth, Span<double> scale, Span<int> active)
    {
        int cleared = 0;
        for (int i = 0; i < n; i++)
        {
            if (active[i] == 0)
            {
                continue;
            }

            int basis = i * MaxActiveShocks;
            int kept = 0;
            for (int k = 0; k < active[i]; k++)
            {
                int slot = basis + k;
                if (hour - onset[slot] < Shape.EndHours * scale[slot])
                {
                    onset[basis + kept] = onset[slot];
                    depth[basis + kept] = depth[slot];
                    scale[basis + kept] = scale[slot];
                    kept++;
                }
            }

            cleared += kept == 0 ? 1 : 0;
            active[i] = kept;
        }

        return cleared;
    }
}
