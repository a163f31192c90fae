namespace Backtest.Numerics.Random;

/// <summary>
/// Gamma with shape α and scale θ (mean αθ), by Marsaglia and Tsang's squeeze-and-reject method
/// ("A simple method for generating gamma variables", ACM TOMS 26 (2000)). Scalar only, since a
/// rejection loop has no fixed count. One variate reads continuation blocks of its (path, step,
/// draw) in order (<see cref="RandomStream"/>): for α &lt; 1 the first block's first uniform u
/// gives the boost factor (1 − u)^(1/α) applied to a Gamma(α + 1) variate; each attempt then uses
/// one block: Z = the standard normal of its first uniform (as <see cref="NormalDistribution"/>),
/// U = its second uniform, with d = α − ⅓, c = 1/√(9d), v = (1 + cZ)³, accepted when v &gt; 0 and
/// U &lt; 1 − 0.0331 Z⁴ or ln U &lt; Z²/2 + d(1 − v + ln v). Acceptance is above 95% for every α.
/// </summary>
public readonly struct GammaDistribution
{
    private readonly double d;
    private readonly double c;

    public GammaDistribution(double shape, double scale)
    {
        Shape = Sampling.Positive(shape, nameof(shape));
        Scale = Sampling.Positive(scale, nameof(scale));
        d = (shape < 1 ? shape + 1 : shape) - (1.0 / 3.0);
        c = 1.0 / Math.Sqrt(9.0 * d);
    }

    public double Shape { get; }

    public double Scale { get; }

    /// <summary>The variate of (path, step, draw).</summary>
    public double Sample(RandomStream stream, long path, int step, int draw)
    {
        var cursor = new BlockCursor(stream, path, step, draw);
        return Scale * Standard(ref cursor);
    }

    /// <summary>Variates of paths firstPath, firstPath + 1, … at (step, draw), one <see cref="Sample"/> per path (not vectorised).</summary>
    public void Fill(RandomStream stream, long firstPath, int step, int draw, Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = Sample(stream, firstPath + i, step, draw);
        }
    }

    /// <summary>A Gamma(α, 1) variate read from the cursor's blocks.</summary>
    internal double Standard(ref BlockCursor cursor)
    {
        double boost = 1.0;
        if (Shape < 1)
        {
            double v = 1.0 - cursor.Next().First;
            boost = DeterministicMath.Exp(DeterministicMath.Log(v) / Shape);
        }

        while (true)
        {
            PhiloxBlock block = cursor.Next();
            double z = Sampling.StandardNormal(block.First);
            double t = 1.0 + (c * z);
            if (t <= 0)
            {
                continue;
            }

            double v = t * t * t;
            double u = block.Second;
            double zz = z * z;
            if (u < 1.0 - (0.0331 * zz * zz) ||
                DeterministicMath.Log(u) < (0.5 * zz) + (d * (1.0 - v + DeterministicMath.Log(v))))
            {
                return d * v * boost;
            }
        }
    }
}
