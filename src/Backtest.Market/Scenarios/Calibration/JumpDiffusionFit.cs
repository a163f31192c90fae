using Backtest.Numerics;

namespace Backtest.Market.Scenarios.Calibration;

/// <summary>A fitted parameter with its asymptotic standard error (NaN where none is claimed).</summary>
public readonly record struct Estimate(double Value, double StandardError);

/// <summary>
/// The maximum-likelihood fit of <see cref="JumpDiffusionModel"/> to observed one-day moves of
/// the log deviation, with the restricted κ = 0 fit (a geometric Brownian motion with jumps
/// around the target) for comparison.
/// </summary>
public sealed record JumpDiffusionFit(
    JumpDiffusionOptions Parameters,
    Estimate LongRunLogDeviation,
    Estimate MeanReversionPerDay,
    Estimate VolatilityPerSqrtDay,
    Estimate JumpsPerDay,
    Estimate JumpMean,
    Estimate JumpVolatility,
    double LogLikelihood,
    int Observations,
    int Evaluations,
    JumpDiffusionOptions WithoutReversion,
    double WithoutReversionLogLikelihood)
{
    /// <summary>Free parameters of the full model.</summary>
    public const int ParameterCount = 6;

    /// <summary>Akaike's criterion, 2k − 2ℓ.</summary>
    public double Aic => (2 * ParameterCount) - (2 * LogLikelihood);

    /// <summary>Schwarz's criterion, k ln n − 2ℓ.</summary>
    public double Bic => (ParameterCount * DeterministicMath.Log(Observations)) - (2 * LogLikelihood);

    /// <summary>The likelihood-ratio statistic of κ = 0 against the full model: 2(ℓ − ℓ₀), compared with χ² (2 degrees of freedom: κ and μ).</summary>
    public double ReversionLikelihoodRatio => 2 * (LogLikelihood - WithoutReversionLogLikelihood);

    /// <summary>
    /// Maximises the likelihood of <paramref name="history"/>'s moves by Nelder–Mead over
    /// θ = (μ, ln κ, ln σ, ln λ, μ_J, ln σ_J), from a few fixed starting points set from the
    /// least-squares line (the best of the runs is kept), with λ ≤ 10 per day. Standard errors come
    /// from the observed information (<see cref="Curvature"/>) by the delta method. Deterministic.
    /// </summary>
    public static JumpDiffusionFit Fit(AmplTransitions history)
    {
        var line = AutoregressionFit.Fit(history);
        double spread = line.ResidualDeviation;
        double mu0 = double.IsNaN(line.Mean) ? 0 : line.Mean;
        double kappa0 = line.Slope is < 0 and > -1 ? 0.0 - DeterministicMath.Log(1 + line.Slope) : 0.01;
        double Full(double[] theta) => -LogLikelihoodOf(history, Unpack(theta));
        double[][] starts =
        [
            [mu0, Ln(kappa0), Ln(0.5 * spread), Ln(0.5), 0, Ln(1.5 * spread)],
            [mu0, Ln(kappa0), Ln(0.7 * spread), Ln(0.05), 0, Ln(3 * spread)],
            [mu0, Ln(kappa0), Ln(0.3 * spread), Ln(2), 0, Ln(spread)],
        ];
        double[] steps = [0.1, 0.5, 0.3, 0.5, 0.02, 0.3];
        var best = BestOf(Full, starts, steps);
        var theta = best.Point;
        var covariance = Curvature.Covariance(t => -Full(t), theta);
        var parameters = Unpack(theta);
        Estimate Logged(int i, double value) => new(value, value * Curvature.StandardError(covariance, i));
        Estimate Plain(int i, double value) => new(value, Curvature.StandardError(covariance, i));

        double Restricted(double[] t) => -LogLikelihoodOf(history, UnpackWithoutReversion(t));
        double[][] restrictedStarts =
        [
            [Ln(0.5 * spread), Ln(0.5), 0, Ln(1.5 * spread)],
            [Ln(0.7 * spread), Ln(0.05), 0, Ln(3 * spread)],
        ];
        var restricted = BestOf(Restricted, restrictedStarts, [0.3, 0.5, 0.02, 0.3]);

        return new JumpDiffusionFit(
            parameters,
            Plain(0, parameters.LongRunLogDeviation),
            Logged(1, parameters.MeanReversionPerDay),
            Logged(2, parameters.VolatilityPerSqrtDay),
            Logged(3, parameters.JumpsPerDay),
            Plain(4, parameters.JumpMean),
            Logged(5, parameters.JumpVolatility),
            -best.Value,
            history.Count,
            best.Evaluations + restricted.Evaluations,
            UnpackWithoutReversion(restricted.Point),
            -restricted.Value);
    }

    /// <summary>ℓ: the sum of the log transition densities of every move, or −∞ where the parameters are out of bounds.</summary>
    public static double LogLikelihoodOf(AmplTransitions history, JumpDiffusionOptions p)
    {
        if (!(p.JumpsPerDay is > 0 and <= MaxJumpsPerDay) || !(p.VolatilityPerSqrtDay > 1e-8) || !(p.JumpVolatility > 1e-8)
            || !(p.MeanReversionPerDay is >= 0 and <= 5) || !double.IsFinite(p.LongRunLogDeviation) || !double.IsFinite(p.JumpMean))
        {
            return double.NegativeInfinity;
        }

        var (decay, s) = JumpDiffusionModel.Discretise(p.MeanReversionPerDay, p.VolatilityPerSqrtDay);
        var densities = new double[history.Count];
        JumpDiffusionModel.LogTransitionDensities(p.LongRunLogDeviation, decay, s, p.JumpsPerDay, p.JumpMean, p.JumpVolatility, history.From, history.To, densities);
        double sum = 0;
        foreach (double d in densities)
        {
            sum += d;
        }

        return sum;
    }

    /// <summary>Upper bound on λ during the search (per day).</summary>
    public const double MaxJumpsPerDay = 10;

    private static Minimum BestOf(Func<double[], double> objective, double[][] starts, double[] steps)
    {
        Minimum? best = null;
        int evaluations = 0;
        foreach (var start in starts)
        {
            var run = NelderMead.Minimize(objective, start, steps);
            evaluations += run.Evaluations;
            if (best is null || run.Value < best.Value.Value)
            {
                best = run;
            }
        }

        return best!.Value with { Evaluations = evaluations };
    }

    private static JumpDiffusionOptions Unpack(double[] t) => new()
    {
        LongRunLogDeviation = t[0],
        MeanReversionPerDay = DeterministicMath.Exp(t[1]),
        VolatilityPerSqrtDay = DeterministicMath.Exp(t[2]),
        JumpsPerDay = DeterministicMath.Exp(t[3]),
        JumpMean = t[4],
        JumpVolatility = DeterministicMath.Exp(t[5]),
    };

    private static JumpDiffusionOptions UnpackWithoutReversion(double[] t) => new()
    {
        LongRunLogDeviation = 0,
        MeanReversionPerDay = 0,
        VolatilityPerSqrtDay = DeterministicMath.Exp(t[0]),
        JumpsPerDay = DeterministicMath.Exp(t[1]),
        JumpMean = t[2],
        JumpVolatility = DeterministicMath.Exp(t[3]),
    };

    private static double Ln(double value) => DeterministicMath.Log(value);
}
