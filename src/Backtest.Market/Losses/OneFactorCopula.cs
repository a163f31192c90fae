using Backtest.Numerics;
using Backtest.Numerics.Random;

namespace Backtest.Market.Losses;

/// <summary>The dependence between the lines' defaults.</summary>
public enum CopulaFamily
{
    /// <summary>Latent X_i = √ρ Z + √(1 − ρ) ε_i, Z and ε_i standard normal (Vasicek's one-factor model).</summary>
    Gaussian,

    /// <summary>The Gaussian latent scaled by √(ν / W), W ~ χ²(ν) shared by all lines: tail dependence.</summary>
    StudentT,
}

/// <summary>
/// Correlated defaults of several lines of cover in one step: line i defaults when its latent
/// variable is at or below the threshold F⁻¹(pᵢ) (F the latent's distribution function: Φ for
/// the Gaussian copula, Student's t with ν degrees of freedom for the t copula), so each line
/// defaults with probability pᵢ and the common factor correlates them.
/// <para><b>Draws</b> of (path, step), from <c>firstDraw</c> on: Z from block firstDraw (first
/// uniform), W (t copula) from block firstDraw + 1 and its continuations
/// (<see cref="GammaDistribution"/>), εᵢ from block firstDraw + 2 + ⌊i/2⌋ (first uniform for even
/// i, second for odd). Normals are <see cref="NormalDistribution"/>'s (midpoint grid,
/// deterministic quantile).</para>
/// </summary>
public sealed class OneFactorCopula
{
    private static readonly NormalDistribution Standard = new(0, 1);
    private readonly double[] thresholds;
    private readonly double factorLoading;
    private readonly double idiosyncraticLoading;
    private readonly GammaDistribution? chiSquare;

    public OneFactorCopula(IReadOnlyList<double> defaultProbabilities, double correlation, CopulaFamily family, double degreesOfFreedom = 0)
    {
        ArgumentNullException.ThrowIfNull(defaultProbabilities);
        if (defaultProbabilities.Count == 0 || defaultProbabilities.Any(p => !(p > 0 && p < 1)))
        {
            throw new InputException("default probabilities must lie strictly between 0 and 1, one per line", key: "default_probabilities");
        }

        if (!(correlation is >= 0 and < 1))
        {
            throw new InputException($"correlation must lie in [0, 1), got {correlation}", key: "correlation");
        }

        if (family == CopulaFamily.StudentT && !(degreesOfFreedom > 0 && double.IsFinite(degreesOfFreedom)))
        {
            throw new InputException($"a t copula needs positive finite degrees of freedom, got {degreesOfFreedom}", key: "degrees_of_freedom");
        }

        Family = family;
        Correlation = correlation;
        DegreesOfFreedom = degreesOfFreedom;
        DefaultProbabilities = defaultProbabilities.ToArray();
        factorLoading = Math.Sqrt(correlation);
        idiosyncraticLoading = Math.Sqrt(1 - correlation);
        thresholds = defaultProbabilities
            .Select(p => family == CopulaFamily.Gaussian ? DeterministicMath.NormalQuantile(p) : StudentT.Quantile(p, degreesOfFreedom))
            .ToArray();
        chiSquare = family == CopulaFamily.StudentT ? new GammaDistribution(degreesOfFreedom / 2, 2) : null;
    }

    public CopulaFamily Family { get; }

    /// <summary>ρ, the correlation of any two lines' latent variables.</summary>
    public double Correlation { get; }

    public double DegreesOfFreedom { get; }

    public IReadOnlyList<double> DefaultProbabilities { get; }

    public int Lines => thresholds.Length;

    /// <summary>Draw indices a step uses, from firstDraw.</summary>
    public int DrawsPerStep => 2 + ((Lines + 1) / 2);

    /// <summary>Which lines default at (path, step).</summary>
    public void Defaults(RandomStream stream, long path, int step, int firstDraw, Span<bool> defaulted)
    {
        if (defaulted.Length != Lines)
        {
            throw new ArgumentException($"expected {Lines} lines, got {defaulted.Length}", nameof(defaulted));
        }

        double common = factorLoading * Standard.FromUniform(stream.Block(path, step, firstDraw).First);
        double scale = chiSquare is { } w ? Math.Sqrt(DegreesOfFreedom / w.Sample(stream, path, step, firstDraw + 1)) : 1.0;
        for (int i = 0; i < Lines; i += 2)
        {
            var block = stream.Block(path, step, firstDraw + 2 + (i >> 1));
            defaulted[i] = (common + (idiosyncraticLoading * Standard.FromUniform(block.First))) * scale <= thresholds[i];
            if (i + 1 < Lines)
            {
                defaulted[i + 1] = (common + (idiosyncraticLoading * Standard.FromUniform(block.Second))) * scale <= thresholds[i + 1];
            }
        }
    }
}
