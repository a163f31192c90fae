namespace Backtest.Numerics.Random;

/// <summary>
/// Student's t with ν degrees of freedom, location and scale: location + scale · Z / √(V / ν)
/// with Z standard normal and V chi-square(ν) = Gamma(ν/2, scale 2), independent. Scalar only.
/// One variate reads continuation blocks of its (path, step, draw) in order: the first block's
/// first uniform gives Z (as <see cref="NormalDistribution"/>), the following blocks feed
/// <see cref="GammaDistribution"/>'s rejection loop for V.
/// </summary>
public readonly struct StudentTDistribution
{
    private readonly GammaDistribution chiSquare;

    public StudentTDistribution(double degreesOfFreedom, double location = 0.0, double scale = 1.0)
    {
        DegreesOfFreedom = Sampling.Positive(degreesOfFreedom, nameof(degreesOfFreedom));
        Location = Sampling.Finite(location, nameof(location));
        Scale = Sampling.Positive(scale, nameof(scale));
        chiSquare = new GammaDistribution(degreesOfFreedom / 2, 2.0);
    }

    public double DegreesOfFreedom { get; }

    public double Location { get; }

    public double Scale { get; }

    /// <summary>The variate of (path, step, draw).</summary>
    public double Sample(RandomStream stream, long path, int step, int draw)
    {
        var cursor = new BlockCursor(stream, path, step, draw);
        double z = Sampling.StandardNormal(cursor.Next().First);
        double v = chiSquare.Scale * chiSquare.Standard(ref cursor);
        return Location + (Scale * (z / Math.Sqrt(v / DegreesOfFreedom)));
    }

    /// <summary>Variates of paths firstPath, firstPath + 1, … at (step, draw), one <see cref="Sample"/> per path (not vectorised).</summary>
    public void Fill(RandomStream stream, long firstPath, int step, int draw, Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = Sample(stream, firstPath + i, step, draw);
        }
    }
}
