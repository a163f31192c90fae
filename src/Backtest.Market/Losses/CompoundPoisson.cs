using Backtest.Numerics.Random;

namespace Backtest.Market.Losses;

/// <summary>
/// A compound-Poisson loss per step: N ~ Poisson(λ) claims, each an independent draw of the
/// severity; the step's loss S = X₁ + … + X_N, so E[S] = λ E[X] and Var[S] = λ E[X²].
/// <para><b>Draws</b> of (path, step), from <c>firstDraw</c> on: the count at firstDraw
/// (<see cref="PoissonDistribution"/>), claim i's size from block firstDraw + 1 + ⌊i/2⌋ (its
/// first uniform for even i, its second for odd i). A step reads at most
/// <see cref="DrawsPerStep"/> draws, so other components can start there.</para>
/// </summary>
public sealed class CompoundPoisson
{
    /// <summary>Claims one step may hold.</summary>
    public const int MaxClaimsPerStep = 1 << 20;

    /// <summary>Draw indices a step may use, from firstDraw.</summary>
    public const int DrawsPerStep = 1 + (MaxClaimsPerStep / 2);

    private readonly PoissonDistribution count;

    public CompoundPoisson(double intensity, ISeverity severity)
    {
        ArgumentNullException.ThrowIfNull(severity);
        count = new PoissonDistribution(intensity);
        Severity = severity;
    }

    /// <summary>λ, the expected number of claims per step.</summary>
    public double Intensity => count.Mean;

    public ISeverity Severity { get; }

    /// <summary>E[S] = λ E[X].</summary>
    public double ExpectedLoss => Intensity * Severity.Mean;

    /// <summary>Var[S] = λ E[X²].</summary>
    public double Variance => Intensity * Severity.SecondMoment;

    /// <summary>The number of claims of (path, step).</summary>
    public int Claims(RandomStream stream, long path, int step, int firstDraw)
    {
        int n = count.Sample(stream, path, step, firstDraw);
        return n <= MaxClaimsPerStep ? n : throw new InvalidOperationException($"{n} claims in one step exceed {MaxClaimsPerStep}");
    }

    /// <summary>Claim <paramref name="claim"/>'s size at (path, step).</summary>
    public double ClaimSize(RandomStream stream, long path, int step, int firstDraw, int claim)
    {
        var block = stream.Block(path, step, firstDraw + 1 + (claim >> 1));
        return Severity.Quantile((claim & 1) == 0 ? block.First : block.Second);
    }

    /// <summary>S for (path, step): the sum of its claims.</summary>
    public double StepLoss(RandomStream stream, long path, int step, int firstDraw)
    {
        int n = Claims(stream, path, step, firstDraw);
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += ClaimSize(stream, path, step, firstDraw, i);
        }

        return sum;
    }
}

/// <summary>
/// Catastrophes: with probability <paramref name="Probability"/> per step, one further loss of
/// size Uniform(<paramref name="MinSize"/>, <paramref name="MaxSize"/>). Draw: block
/// (path, step, firstDraw); its first uniform decides whether, its second how large.
/// </summary>
public sealed record CatastropheJumps(double Probability, double MinSize, double MaxSize)
{
    /// <summary>Draw indices a step uses.</summary>
    public const int DrawsPerStep = 1;

    /// <summary>E[jump per step] = p (a + b) / 2.</summary>
    public double ExpectedLoss => Probability * (MinSize + MaxSize) / 2;

    /// <summary>The jump of (path, step), 0 when there is none.</summary>
    public double StepLoss(RandomStream stream, long path, int step, int firstDraw)
    {
        Validate();
        var block = stream.Block(path, step, firstDraw);
        return block.First < Probability ? Size(block.Second) : 0;
    }

    /// <summary>The size for a uniform u: a + (b − a) u.</summary>
    public double Size(double u) => MinSize + ((MaxSize - MinSize) * u);

    public void Validate()
    {
        if (!(Probability is >= 0 and <= 1) || !double.IsFinite(MinSize) || !double.IsFinite(MaxSize) || MinSize < 0 || MaxSize < MinSize)
        {
            throw new ArgumentOutOfRangeException(nameof(Probability), $"catastrophe probability {Probability} must lie in [0, 1] and sizes 0 <= {MinSize} <= {MaxSize}");
        }
    }
}
