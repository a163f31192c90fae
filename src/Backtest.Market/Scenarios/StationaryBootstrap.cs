using Backtest.Numerics.Random;

namespace Backtest.Market.Scenarios;

/// <summary>
/// Settings of <see cref="StationaryBootstrapModel"/>. Default mean block length: the
/// Politis–White (2004, with Patton–Politis–White 2009's correction) stationary-bootstrap choice
/// for the squared residuals of the bundled history, rounded to whole days
/// (<see cref="CalibratedParameters.BootstrapMeanBlockLength"/>; docs/models/scenarios.md).
/// </summary>
public sealed record BootstrapOptions
{
    /// <summary>L ≥ 1: mean length of a resampled block in days (blocks are geometric with mean L; 1 resamples days independently).</summary>
    public double MeanBlockLength { get; init; } = CalibratedParameters.BootstrapMeanBlockLength;
}

/// <summary>
/// Politis and Romano's (1994) stationary bootstrap of the bundled history, applied to the
/// residuals of AMPL's mean-reverting log deviation rather than to raw price returns.
/// <para><b>Why residuals of the deviation.</b> AMPL's supply policy ties its price to the
/// target: every rebase scales supply by the deviation, so x = ln(price / target) is pulled back
/// and is the stationary quantity (over 2019–2022 an AR(1) fit of x's daily change on x has slope
/// −0.049 per day, a half-life of two weeks, some five standard errors from zero). Resampling raw
/// returns, or changes of x, in blocks gives a random walk: with AMPL's 9.7% daily volatility its
/// one-year spread would be e^(±1.9), an excursion the policy never let happen. Resampling levels
/// of x in blocks would keep the marginal but put a jump of the size of the whole range at every
/// block join. So x follows the fitted reversion and only the shocks are resampled:</para>
/// <code>x(t) = x(t−1) + a + b·x(t−1) + e[J(t)]</code>
/// <para>with (a, b) the least-squares fit of x's daily change on x over the history's observed
/// transitions and e its residuals (in time order, the two segments joined). The index J follows
/// the stationary bootstrap: J(1) is uniform on the n residuals; after that, with probability
/// 1/L a new block starts at a uniform index, otherwise J(t) = J(t−1) + 1 (mod n, wrapping
/// circularly). Within a block the residuals keep their historical order, so volatility
/// clustering and the sequence of jumps inside a block survive; every index is equally likely at
/// every step, so each step's shock has exactly the residuals' empirical distribution.</para>
/// <para><b>Draws</b> at step t ≥ 1: block (path, t, firstDraw); the first uniform decides a
/// new block (u &lt; 1/L, always at t = 1), the second picks its start ⌊u·n⌋.</para>
/// </summary>
public sealed class StationaryBootstrapModel : IAmplDeviationModel
{
    private readonly double[] residuals;

    /// <summary>Fits the reversion to <paramref name="history"/> and keeps its residuals for resampling.</summary>
    public StationaryBootstrapModel(AmplTransitions history, BootstrapOptions options)
    {
        Options = options;
        Generation.Require(options.MeanBlockLength, options.MeanBlockLength >= 1, nameof(options.MeanBlockLength), "must be ≥ 1 day");
        var fit = Calibration.AutoregressionFit.Fit(history);
        Intercept = fit.Intercept;
        Slope = fit.Slope;
        residuals = fit.Residuals;
        RestartProbability = 1.0 / options.MeanBlockLength;
    }

    public BootstrapOptions Options { get; }

    /// <summary>a: the fitted daily drift of x at x = 0.</summary>
    public double Intercept { get; }

    /// <summary>b: the fitted daily drift per unit of x.</summary>
    public double Slope { get; }

    /// <summary>The resampled residuals, in time order.</summary>
    public ReadOnlySpan<double> Residuals => residuals;

    /// <summary>1/L: the chance that a step starts a new block.</summary>
    public double RestartProbability { get; }

    /// <inheritdoc/>
    public int DrawsPerStep => 1;

    /// <inheritdoc/>
    public void Fill(RandomStream stream, int firstDraw, double start, long firstPath, int count, int steps, Span<double> logDeviation, int stride) =>
        Fill(stream, firstDraw, start, firstPath, count, steps, logDeviation, stride, []);

    /// <summary>The same fill, also writing each step's residual index J (step 0: −1) in the same layout when <paramref name="indices"/> is not empty.</summary>
    internal void Fill(RandomStream stream, int firstDraw, double start, long firstPath, int count, int steps, Span<double> logDeviation, int stride, Span<int> indices)
    {
        Generation.CheckLayout(count, steps, logDeviation.Length, stride);
        int length = residuals.Length;
        Span<double> x = stackalloc double[Generation.Chunk];
        Span<double> restart = stackalloc double[Generation.Chunk];
        Span<double> pick = stackalloc double[Generation.Chunk];
        Span<int> index = stackalloc int[Generation.Chunk];
        for (int offset = 0; offset < count; offset += Generation.Chunk)
        {
            int n = Math.Min(Generation.Chunk, count - offset);
            long path0 = firstPath + offset;
            x[..n].Fill(start);
            x[..n].CopyTo(logDeviation.Slice(offset, n));
            if (!indices.IsEmpty)
            {
                indices.Slice(offset, n).Fill(-1);
            }

            for (int step = 1; step < steps; step++)
            {
                stream.FillUniform(path0, step, firstDraw, restart[..n], pick[..n]);
                var row = logDeviation.Slice((step * stride) + offset, n);
                for (int i = 0; i < n; i++)
                {
                    int j = step == 1 || restart[i] < RestartProbability
                        ? Math.Min((int)(pick[i] * length), length - 1)
                        : (index[i] + 1 == length ? 0 : index[i] + 1);
                    index[i] = j;
                    double next = x[i] + Intercept + (Slope * x[i]) + residuals[j];
                    x[i] = next;
                    row[i] = next;
                }

                if (!indices.IsEmpty)
                {
                    index[..n].CopyTo(indices.Slice((step * stride) + offset, n));
                }
            }
        }
    }
}
