using System.Collections.Concurrent;
using System.Numerics;

namespace Backtest.Protocols.Waterfall;

/// <summary>
/// An APY curve evaluated in integer arithmetic only, so every machine and every SIMD tier
/// gets the same bits. The curve's rate per period (APY / periods per year) is tabulated at
/// 2^<see cref="SegmentBits"/> + 1 equally spaced utilizations and interpolated linearly.
/// <para>
/// <b>Table.</b> Entry j is the exact real rate at U = j / 2^14, rounded to the nearest
/// 2^−<see cref="FractionBits"/> (ties up). The exact values come from integer recurrences on
/// 192-bit fixed-point <see cref="BigInteger"/>s: ln(1 + j/N) as a sum of atanh(1/(2N + 2k − 1))
/// series, e^(2j/N) and e^(5 − 10j/N) as repeated products of one series-evaluated factor;
/// their error (below 2^−160) never changes a rounded entry in practice and is far below the
/// bound that follows.
/// </para>
/// <para>
/// <b>Evaluation.</b> rate(U) = T[j] + floor((T[j+1] − T[j]) · f / 2^18), with j = U >> 18 and
/// f = U mod 2^18 (U in 2^−32 units, <see cref="Utilization"/>). Monotone and within
/// [T[0], T[N]] because the shapes are monotone.
/// </para>
/// <para>
/// <b>Error bound</b> (against the real formula at the same U, in APY per year):
/// h²/8 · (MAX − MIN) · max|g''| for the linear interpolation (h = 2^−14, g the curve's shape)
/// plus 1.5 · periods · 2^−42 for the rounding of the entries and of the interpolation.
/// max|g''| is 0 (FLAT, LINEAR), 2 (QUADRATIC), 1/ln 2 (LOGARITHMIC), 100/(6√3) (SIGMOIDAL)
/// and 4e²/(e² − 1) (EXPONENTIAL). For seed 003's curves the worst is EXPONENTIAL at
/// 2.2 × 10⁻¹⁰ (plus 1.2 × 10⁻¹⁰ for a 365-period table): below 10⁻⁹ for every tranche.
/// </para>
/// </summary>
public sealed class RateTable
{
    /// <summary>Rates are in units of 2^−42 per period.</summary>
    public const int FractionBits = 42;

    /// <summary>log₂ of the number of interpolation segments over U ∈ [0, 1].</summary>
    public const int SegmentBits = 14;

    /// <summary>Number of segments (N); the table has N + 1 entries.</summary>
    public const int Segments = 1 << SegmentBits;

    /// <summary>Bits of U below the segment index: the interpolation fraction.</summary>
    public const int OffsetBits = Utilization.FractionBits - SegmentBits;

    private const int WorkBits = 192;
    private static readonly ConcurrentDictionary<(ApyCurve, int), RateTable> Cache = new();

    private readonly long[] _values;
    private readonly long[] _steps;

    private RateTable(ApyCurve curve, int periodsPerYear, long[] values)
    {
        Curve = curve;
        PeriodsPerYear = periodsPerYear;
        _values = values;
        LowerBound = RoundedRate(curve.MinBps, periodsPerYear);
        UpperBound = RoundedRate(curve.MaxBps, periodsPerYear);
        _steps = new long[values.Length];
        for (int j = 0; j < Segments; j++)
        {
            _steps[j] = values[j + 1] - values[j];
        }
    }

    /// <summary>The curve tabulated.</summary>
    public ApyCurve Curve { get; }

    /// <summary>Periods per year: 1 for APY, 365 for a daily rate.</summary>
    public int PeriodsPerYear { get; }

    /// <summary>Table entries T[0..N], rates in 2^−42 per period.</summary>
    public ReadOnlySpan<long> Values => _values;

    /// <summary>T[j+1] − T[j] for j &lt; N, and 0 at N (so U = 1 needs no special case).</summary>
    public ReadOnlySpan<long> Steps => _steps;

    /// <summary>MIN APY per period in 2^−42 units, rounded to nearest: the lower bound of invariant 5.</summary>
    public long LowerBound { get; }

    /// <summary>MAX APY per period in 2^−42 units, rounded to nearest: the upper bound of invariant 5.</summary>
    public long UpperBound { get; }

    /// <summary>The documented bound on |rate(U) − exact(U)|, as APY per year (for reports and tests).</summary>
    public double AbsoluteErrorBound
    {
        get
        {
            double h = 1.0 / Segments;
            double e2 = Math.Exp(2);
            double curvature = Curve.Kind switch
            {
                CurveKind.Flat or CurveKind.Linear => 0,
                CurveKind.Quadratic => 2,
                CurveKind.Logarithmic => 1 / Math.Log(2),
                CurveKind.Sigmoidal => 100 / (6 * Math.Sqrt(3)),
                CurveKind.Exponential => 4 * e2 / (e2 - 1),
                _ => throw new InvalidOperationException($"unknown curve kind {Curve.Kind}"),
            };
            return (h * h / 8 * (Curve.MaxBps - Curve.MinBps) / 10_000.0 * curvature) + (1.5 * PeriodsPerYear / (double)(1L << FractionBits));
        }
    }

    /// <summary>The table for a curve (built once per curve and period, then shared).</summary>
    public static RateTable For(ApyCurve curve, int periodsPerYear)
    {
        ArgumentNullException.ThrowIfNull(curve);
        curve.Validate("curve");
        if (periodsPerYear is < 1 or > 366 * 24 * 3600)
        {
            throw new ArgumentOutOfRangeException(nameof(periodsPerYear), periodsPerYear, "periods per year must be between 1 and one per second");
        }

        return Cache.GetOrAdd((curve, periodsPerYear), key => new RateTable(key.Item1, key.Item2, Build(key.Item1, key.Item2)));
    }

    /// <summary>
    /// The rate per period at utilization <paramref name="u"/> (2^−32 units, 0 ≤ u ≤ 2³²), in
    /// 2^−42 units: the interpolation the class summary defines, rounded down.
    /// </summary>
    public long Evaluate(long u)
    {
        if ((ulong)u > (ulong)Utilization.One)
        {
            throw new ArgumentOutOfRangeException(nameof(u), u, "utilization must lie in [0, 2^32]");
        }

        int j = (int)(u >> OffsetBits);
        long f = u & ((1L << OffsetBits) - 1);
        return _values[j] + ((_steps[j] * f) >> OffsetBits);
    }

    /// <summary>A rate in 2^−42 units as APY per year (a fraction, 0.04 = 4%), for reports only.</summary>
    public double ToAnnualDouble(long rate) => rate * (double)PeriodsPerYear / (1L << FractionBits);

    private static long RoundedRate(int bps, int periodsPerYear)
    {
        BigInteger num = (BigInteger)bps << FractionBits;
        BigInteger den = (BigInteger)10_000 * periodsPerYear;
        return (long)((num + (den / 2)) / den);
    }

    private static long[] Build(ApyCurve curve, int periodsPerYear)
    {
        BigInteger one = BigInteger.One << WorkBits;
        BigInteger[] shape = curve.Kind switch
        {
            CurveKind.Flat => new BigInteger[Segments + 1],
            CurveKind.Linear => Enumerable.Range(0, Segments + 1).Select(j => (one * j) >> SegmentBits).ToArray(),
            CurveKind.Quadratic => Enumerable.Range(0, Segments + 1).Select(j => (one * j * j) >> (2 * SegmentBits)).ToArray(),
            CurveKind.Logarithmic => LogShape(one),
            CurveKind.Sigmoidal => SigmoidShape(one),
            CurveKind.Exponential => ExponentialShape(one),
            _ => throw new InvalidOperationException($"unknown curve kind {curve.Kind}"),
        };

        // rate = (MIN + (MAX − MIN)·g) / 10⁴ / periods, scaled by 2^42 and rounded half up.
        BigInteger den = (BigInteger)10_000 * periodsPerYear << WorkBits;
        BigInteger half = den / 2;
        var values = new long[Segments + 1];
        for (int j = 0; j <= Segments; j++)
        {
            BigInteger num = ((curve.MinBps * one) + ((curve.MaxBps - curve.MinBps) * shape[j])) << FractionBits;
            values[j] = (long)((num + half) / den);
        }

        return values;
    }

    /// <summary>ln(1 + j/N) / ln 2: cumulative sums of ln((N + k)/(N + k − 1)) = 2·atanh(1/(2N + 2k − 1)).</summary>
    private static BigInteger[] LogShape(BigInteger one)
    {
        var cumulative = new BigInteger[Segments + 1];
        for (int k = 1; k <= Segments; k++)
        {
            BigInteger d = (2 * Segments) + (2 * k) - 1;
            BigInteger d2 = d * d;
            BigInteger power = d;
            BigInteger atanh = BigInteger.Zero;
            for (int n = 0; ; n++)
            {
                BigInteger term = one / ((2 * n + 1) * power);
                if (term.IsZero)
                {
                    break;
                }

                atanh += term;
                power *= d2;
            }

            cumulative[k] = cumulative[k - 1] + (2 * atanh);
        }

        BigInteger ln2 = cumulative[Segments];
        return cumulative.Select(s => s * one / ln2).ToArray();
    }

    /// <summary>(e^(2j/N) − 1)/(e² − 1), with e^(2j/N) the j-th power of e^(2/N).</summary>
    private static BigInteger[] ExponentialShape(BigInteger one)
    {
        BigInteger step = Exp(2, Segments, one);
        var power = new BigInteger[Segments + 1];
        power[0] = one;
        for (int j = 1; j <= Segments; j++)
        {
            power[j] = (power[j - 1] * step) >> WorkBits;
        }

        BigInteger span = power[Segments] - one;
        return power.Select(p => (p - one) * one / span).ToArray();
    }

    /// <summary>1/(1 + e^(5 − 10j/N)), with e^(5 − 10j/N) = e⁵ times the j-th power of e^(−10/N).</summary>
    private static BigInteger[] SigmoidShape(BigInteger one)
    {
        BigInteger decay = (one * one) / Exp(10, Segments, one);
        BigInteger factor = Exp(5, 1, one);
        var shape = new BigInteger[Segments + 1];
        for (int j = 0; j <= Segments; j++)
        {
            shape[j] = (one * one) / (one + factor);
            factor = (factor * decay) >> WorkBits;
        }

        return shape;
    }

    /// <summary>e^(p/q) for positive p/q by its Taylor series, scaled by <paramref name="one"/>.</summary>
    private static BigInteger Exp(int p, int q, BigInteger one)
    {
        BigInteger sum = BigInteger.Zero;
        BigInteger term = one;
        for (int n = 1; !term.IsZero; n++)
        {
            sum += term;
            term = term * p / ((BigInteger)q * n);
        }

        return sum;
    }
}
