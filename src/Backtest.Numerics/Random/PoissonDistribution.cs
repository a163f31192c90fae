using Backtest.Numerics.Simd;

namespace Backtest.Numerics.Random;

/// <summary>
/// Poisson(λ), exact up to floating-point rounding, by one of two documented methods.
/// <para><b>λ &lt; 10: inversion</b> of the first uniform u of (path, step, draw). The table
/// T₀ = e^−λ, Tⱼ = Tⱼ₋₁ + pⱼ with pⱼ = pⱼ₋₁ · λ / j (double arithmetic, the deterministic exp) is
/// built once; it ends at the first j &gt; λ where adding pⱼ no longer changes T. The variate is the
/// number of entries Tⱼ ≤ u, so P(X = k) = Tₖ − Tₖ₋₁. Vectorised (<see cref="Fill"/>), bit-identical
/// to <see cref="Sample"/>; one uniform per variate, and for small λ most lanes stop after T₀.</para>
/// <para><b>λ ≥ 10: PTRS</b>, Hörmann's transformed rejection with squeeze ("The transformed
/// rejection method for generating Poisson random variables", Insurance: Mathematics and
/// Economics 12 (1993)). Each attempt reads the next continuation block of (path, step, draw):
/// U = its first uniform on the midpoint grid minus ½ (in (−½, ½)), V = its second uniform;
/// with b = 0.931 + 2.53√λ, a = −0.059 + 0.02483 b, 1/α = 1.1239 + 1.1328/(b − 3.4),
/// v_r = 0.9277 − 3.6224/(b − 2), u_s = ½ − |U|, k = ⌊(2a/u_s + b) U + λ + 0.43⌋: accept k at once
/// when u_s ≥ 0.07 and V ≤ v_r; reject when k &lt; 0 or (u_s &lt; 0.013 and V &gt; u_s); otherwise accept
/// when ln V + ln(1/α) − ln(a/u_s² + b) ≤ −λ + k ln λ − ln k!. ln k! is exact-table for k &lt; 10 and
/// Stirling's series to the x⁻¹³ term beyond.</para>
/// </summary>
public sealed class PoissonDistribution
{
    /// <summary>Means below this use inversion; from it on, PTRS.</summary>
    public const double InversionLimit = 10.0;

    /// <summary>Largest mean accepted (variates are <see cref="int"/>s).</summary>
    public const double MaxMean = 1 << 30;

    private const int Chunk = 256;

    private readonly double[] cumulative = [];
    private readonly double logMean;
    private readonly double b;
    private readonly double a;
    private readonly double logInverseAlpha;
    private readonly double vr;

    public PoissonDistribution(double mean)
    {
        if (!(mean > 0) || mean > MaxMean)
        {
            throw new ArgumentOutOfRangeException(nameof(mean), mean, $"mean must lie in (0, {MaxMean}]");
        }

        Mean = mean;
        if (mean < InversionLimit)
        {
            cumulative = CumulativeTable(mean);
            return;
        }

        logMean = DeterministicMath.Log(mean);
        b = 0.931 + (2.53 * Math.Sqrt(mean));
        a = -0.059 + (0.02483 * b);
        logInverseAlpha = DeterministicMath.Log(1.1239 + (1.1328 / (b - 3.4)));
        vr = 0.9277 - (3.6224 / (b - 2));
    }

    public double Mean { get; }

    /// <summary>The inversion table T₀ &lt; T₁ &lt; … (empty for the PTRS regime).</summary>
    internal ReadOnlySpan<double> Cumulative => cumulative;

    /// <summary>The variate of (path, step, draw).</summary>
    public int Sample(RandomStream stream, long path, int step, int draw)
    {
        if (Mean < InversionLimit)
        {
            return (int)LaneDriver.Apply(new CountAtOrBelow(cumulative), stream.Uniform(path, step, draw));
        }

        var cursor = new BlockCursor(stream, path, step, draw);
        return Ptrs(ref cursor);
    }

    /// <summary>
    /// Variates of paths firstPath, firstPath + 1, … at (step, draw), identical to
    /// <see cref="Sample"/> per path: vectorised for λ &lt; 10, one PTRS sample per path beyond.
    /// </summary>
    public void Fill(RandomStream stream, long firstPath, int step, int draw, Span<int> destination)
    {
        if (Mean >= InversionLimit)
        {
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = Sample(stream, firstPath + i, step, draw);
            }

            return;
        }

        Span<double> counts = stackalloc double[Chunk];
        for (int offset = 0; offset < destination.Length; offset += Chunk)
        {
            int length = Math.Min(Chunk, destination.Length - offset);
            Span<double> chunk = counts[..length];
            stream.FillUniform(firstPath + offset, step, draw, chunk);
            LaneDriver.Map(new CountAtOrBelow(cumulative), chunk, chunk);
            for (int i = 0; i < length; i++)
            {
                destination[offset + i] = (int)chunk[i];
            }
        }
    }

    /// <summary>The number of table entries at or below u, on any lane width.</summary>
    internal readonly struct CountAtOrBelow(double[] table) : ILaneMap
    {
        TD ILaneMap.Apply<TW, TL, TD>(TD u)
        {
            TD count = TW.BroadcastDouble(0.0);
            TL one = TW.AsInt64(TW.BroadcastDouble(1.0));
            foreach (double entry in table)
            {
                TL below = TW.LessThanOrEqualDouble(TW.BroadcastDouble(entry), u);
                if (TW.SignBits(below) == 0)
                {
                    break;
                }

                count = TW.AddDouble(count, TW.AsDouble(TW.And(below, one)));
            }

            return count;
        }
    }

    /// <summary>ln k! for a non-negative integer k held in a double.</summary>
    internal static double LogFactorial(double k)
    {
        if (k < SmallLogFactorials.Length)
        {
            return SmallLogFactorials[(int)k];
        }

        // Stirling's series for ln Γ(x) at x = k + 1 (coefficients B₂ₙ / (2n(2n − 1))).
        double x = k + 1;
        double inverse = 1.0 / x;
        double inverse2 = inverse * inverse;
        double series = inverse * ((1.0 / 12) - (inverse2 * ((1.0 / 360) - (inverse2 * ((1.0 / 1260) - (inverse2 * ((1.0 / 1680)
            - (inverse2 * ((1.0 / 1188) - (inverse2 * ((691.0 / 360360) - (inverse2 / 156))))))))))));
        return ((x - 0.5) * DeterministicMath.Log(x)) - x + HalfLogTwoPi + series;
    }

    private const double HalfLogTwoPi = 0.91893853320467274178;

    private static readonly double[] SmallLogFactorials = BuildSmallLogFactorials();

    private static double[] BuildSmallLogFactorials()
    {
        // k! is exact in a double for k < 10, so each entry is one rounding of the true ln k!.
        var table = new double[10];
        double factorial = 1;
        for (int k = 0; k < table.Length; k++)
        {
            factorial *= Math.Max(k, 1);
            table[k] = DeterministicMath.Log(factorial);
        }

        return table;
    }

    private static double[] CumulativeTable(double mean)
    {
        var table = new List<double>();
        double p = DeterministicMath.Exp(0.0 - mean);
        double total = p;
        table.Add(total);
        for (int j = 1; ; j++)
        {
            p = p * mean / j;
            double next = total + p;
            if (next == total && j > mean)
            {
                return [.. table];
            }

            total = next;
            table.Add(total);
        }
    }

    private int Ptrs(ref BlockCursor cursor)
    {
        while (true)
        {
            PhiloxBlock block = cursor.Next();
            double u = (block.First - 0.5) + (1.0 / 18014398509481984.0);
            double v = block.Second;
            double us = 0.5 - Math.Abs(u);
            double k = Math.Floor((((2 * a / us) + b) * u) + Mean + 0.43);
            if (us >= 0.07 && v <= vr)
            {
                return (int)k;
            }

            if (k < 0 || (us < 0.013 && v > us))
            {
                continue;
            }

            if (DeterministicMath.Log(v) + logInverseAlpha - DeterministicMath.Log((a / (us * us)) + b)
                <= (0.0 - Mean) + (k * logMean) - LogFactorial(k))
            {
                return (int)k;
            }
        }
    }
}
