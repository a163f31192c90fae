using Backtest.Numerics;

namespace Backtest.Market.Scenarios.Calibration;

/// <summary>
/// The maximum-likelihood fit of <see cref="RegimeSwitchingModel"/> by the EM algorithm
/// (Baum–Welch with Hamilton's filter and its backward smoother), regimes ordered by volatility.
/// <see cref="LogLikelihood"/> is ℓ with the fitted initial distribution of each segment.
/// </summary>
public sealed record RegimeSwitchingFit(
    RegimeSwitchingOptions Parameters,
    IReadOnlyList<Estimate> Intercept,
    IReadOnlyList<Estimate> Slope,
    IReadOnlyList<Estimate> Volatility,
    IReadOnlyList<Estimate> Transition,
    IReadOnlyList<double> InitialDistribution,
    IReadOnlyList<double> Stationary,
    IReadOnlyList<double> SmoothedOccupancy,
    double LogLikelihood,
    int Observations,
    int Iterations)
{
    /// <summary>Regimes.</summary>
    public int Regimes => Parameters.Regimes;

    /// <summary>Free parameters: K intercepts, slopes and volatilities, K(K − 1) transition probabilities, K − 1 initial probabilities.</summary>
    public int ParameterCount => (3 * Regimes) + (Regimes * (Regimes - 1)) + (Regimes - 1);

    /// <summary>Akaike's criterion, 2k − 2ℓ.</summary>
    public double Aic => (2 * ParameterCount) - (2 * LogLikelihood);

    /// <summary>Schwarz's criterion, k ln n − 2ℓ.</summary>
    public double Bic => (ParameterCount * DeterministicMath.Log(Observations)) - (2 * LogLikelihood);

    /// <summary>Transition probabilities below this are at the boundary: held fixed for the standard errors, which are NaN for them.</summary>
    public const double BoundaryProbability = 1e-6;

    private const double TwoPi = 6.283185307179586476925;

    /// <summary>
    /// Fits K regimes to <paramref name="history"/>. Each segment of the history is a run of the
    /// chain from a common initial distribution (a free parameter). EM starts from the moves split
    /// into K groups by the size of |Δx| (each group's RMS as its volatility, zero intercept and
    /// slope, transition matrix with <paramref name="persistence"/> on the diagonal) and iterates
    /// until ℓ rises by less than 10⁻¹⁰ (or 20,000 iterations). Standard errors: observed
    /// information of ℓ in (a, b, ln σ, within-row logits of P relative to the diagonal), the
    /// initial distribution held fixed, by the delta method.
    /// </summary>
    public static RegimeSwitchingFit Fit(AmplTransitions history, int regimes, double persistence = 0.9)
    {
        if (regimes < 2 || regimes > RegimeSwitchingModel.MaxRegimes)
        {
            throw new ArgumentOutOfRangeException(nameof(regimes), regimes, $"2..{RegimeSwitchingModel.MaxRegimes} regimes");
        }

        var state = Initial(history, regimes, persistence);
        double previous = double.NegativeInfinity;
        int iteration = 0;
        var work = new Work(history.Count, regimes);
        while (true)
        {
            double ll = EStep(history, state, work);
            iteration++;
            if (ll - previous < 1e-10 || iteration >= 20_000)
            {
                break;
            }

            previous = ll;
            MStep(history, state, work);
        }

        // The last E-step ran on the current parameters: its smoothed probabilities are theirs.
        var occupancy = new double[regimes];
        for (int t = 0; t < history.Count; t++)
        {
            for (int k = 0; k < regimes; k++)
            {
                occupancy[k] += work.Smoothed[t, k] / history.Count;
            }
        }

        var sorted = Enumerable.Range(0, regimes).OrderBy(k => state.Sigma[k]).ToArray();
        var ordered = state.Permute(sorted);
        occupancy = [.. sorted.Select(k => occupancy[k])];
        var options = ordered.ToOptions();
        var stationary = RegimeSwitchingModel.StationaryDistribution(options.Transition, regimes);
        var errors = StandardErrors(history, ordered);
        double finalLikelihood = Filter(history, ordered);
        return new RegimeSwitchingFit(
            options,
            [.. Enumerable.Range(0, regimes).Select(k => new Estimate(ordered.A[k], errors.A[k]))],
            [.. Enumerable.Range(0, regimes).Select(k => new Estimate(ordered.B[k], errors.B[k]))],
            [.. Enumerable.Range(0, regimes).Select(k => new Estimate(ordered.Sigma[k], errors.Sigma[k]))],
            [.. Enumerable.Range(0, regimes * regimes).Select(i => new Estimate(ordered.P[i], errors.P[i]))],
            ordered.Pi0,
            stationary,
            occupancy,
            finalLikelihood,
            history.Count,
            iteration);
    }

    /// <summary>ℓ by Hamilton's filter, each segment started from the state's initial distribution.</summary>
    private static double Filter(AmplTransitions history, State state)
    {
        int k = state.K;
        Span<double> filtered = stackalloc double[k];
        Span<double> predicted = stackalloc double[k];
        double ll = 0;
        for (int t = 0; t < history.Count; t++)
        {
            if (history.StartsSegment[t])
            {
                state.Pi0.CopyTo(predicted);
            }
            else
            {
                Predict(state, filtered, predicted);
            }

            double total = 0;
            for (int j = 0; j < k; j++)
            {
                filtered[j] = predicted[j] * state.Density(j, history.From[t], history.Change(t));
                total += filtered[j];
            }

            if (!(total > 0))
            {
                return double.NegativeInfinity;
            }

            for (int j = 0; j < k; j++)
            {
                filtered[j] /= total;
            }

            ll += DeterministicMath.Log(total);
        }

        return ll;
    }

    private static void Predict(State state, ReadOnlySpan<double> filtered, Span<double> predicted)
    {
        int k = state.K;
        for (int j = 0; j < k; j++)
        {
            double sum = 0;
            for (int i = 0; i < k; i++)
            {
                sum += filtered[i] * state.P[(i * k) + j];
            }

            predicted[j] = sum;
        }
    }

    /// <summary>Forward–backward pass: fills the smoothed regime and pair probabilities; returns ℓ.</summary>
    private static double EStep(AmplTransitions history, State state, Work work)
    {
        int n = history.Count;
        int k = state.K;
        double ll = 0;
        Span<double> predicted = stackalloc double[k];
        for (int t = 0; t < n; t++)
        {
            for (int j = 0; j < k; j++)
            {
                work.Density[t, j] = state.Density(j, history.From[t], history.Change(t));
            }

            if (history.StartsSegment[t])
            {
                state.Pi0.CopyTo(predicted);
            }
            else
            {
                for (int j = 0; j < k; j++)
                {
                    double sum = 0;
                    for (int i = 0; i < k; i++)
                    {
                        sum += work.Forward[t - 1, i] * state.P[(i * k) + j];
                    }

                    predicted[j] = sum;
                }
            }

            double total = 0;
            for (int j = 0; j < k; j++)
            {
                work.Forward[t, j] = predicted[j] * work.Density[t, j];
                total += work.Forward[t, j];
            }

            for (int j = 0; j < k; j++)
            {
                work.Forward[t, j] /= total;
            }

            work.Scale[t] = total;
            ll += DeterministicMath.Log(total);
        }

        for (int t = n - 1; t >= 0; t--)
        {
            bool lastOfSegment = t == n - 1 || history.StartsSegment[t + 1];
            for (int i = 0; i < k; i++)
            {
                double sum = 1;
                if (!lastOfSegment)
                {
                    sum = 0;
                    for (int j = 0; j < k; j++)
                    {
                        sum += state.P[(i * k) + j] * work.Density[t + 1, j] * work.Backward[t + 1, j];
                    }

                    sum /= work.Scale[t + 1];
                }

                work.Backward[t, i] = sum;
            }

            for (int i = 0; i < k; i++)
            {
                work.Smoothed[t, i] = work.Forward[t, i] * work.Backward[t, i];
            }
        }

        Array.Clear(work.Pairs);
        for (int t = 0; t + 1 < n; t++)
        {
            if (history.StartsSegment[t + 1])
            {
                continue;
            }

            for (int i = 0; i < k; i++)
            {
                for (int j = 0; j < k; j++)
                {
                    work.Pairs[(i * k) + j] += work.Forward[t, i] * state.P[(i * k) + j] * work.Density[t + 1, j] * work.Backward[t + 1, j] / work.Scale[t + 1];
                }
            }
        }

        return ll;
    }

    /// <summary>Closed-form maximisation: P from the pair counts, π₀ from the segment starts, each regime's line by weighted least squares.</summary>
    private static void MStep(AmplTransitions history, State state, Work work)
    {
        int n = history.Count;
        int k = state.K;
        for (int i = 0; i < k; i++)
        {
            double row = 0;
            for (int j = 0; j < k; j++)
            {
                row += work.Pairs[(i * k) + j];
            }

            for (int j = 0; j < k; j++)
            {
                state.P[(i * k) + j] = row > 0 ? work.Pairs[(i * k) + j] / row : (i == j ? 1 : 0);
            }
        }

        int segments = 0;
        Array.Clear(state.Pi0);
        for (int t = 0; t < n; t++)
        {
            if (history.StartsSegment[t])
            {
                segments++;
                for (int j = 0; j < k; j++)
                {
                    state.Pi0[j] += work.Smoothed[t, j];
                }
            }
        }

        for (int j = 0; j < k; j++)
        {
            state.Pi0[j] /= segments;
        }

        for (int j = 0; j < k; j++)
        {
            double w = 0, wx = 0, wy = 0, wxx = 0, wxy = 0;
            for (int t = 0; t < n; t++)
            {
                double g = work.Smoothed[t, j];
                double x = history.From[t];
                double y = history.Change(t);
                w += g;
                wx += g * x;
                wy += g * y;
                wxx += g * x * x;
                wxy += g * x * y;
            }

            double determinant = (w * wxx) - (wx * wx);
            state.B[j] = ((w * wxy) - (wx * wy)) / determinant;
            state.A[j] = (wy - (state.B[j] * wx)) / w;
            double squares = 0;
            for (int t = 0; t < n; t++)
            {
                double r = history.Change(t) - state.A[j] - (state.B[j] * history.From[t]);
                squares += work.Smoothed[t, j] * r * r;
            }

            state.Sigma[j] = Math.Max(Math.Sqrt(squares / w), 1e-8);
        }
    }

    private static State Initial(AmplTransitions history, int k, double persistence)
    {
        int n = history.Count;
        var bySize = Enumerable.Range(0, n).OrderBy(t => Math.Abs(history.Change(t))).ThenBy(t => t).ToArray();
        var state = new State(k);
        for (int j = 0; j < k; j++)
        {
            double squares = 0;
            int from = j * n / k, to = (j + 1) * n / k;
            for (int r = from; r < to; r++)
            {
                double y = history.Change(bySize[r]);
                squares += y * y;
            }

            state.Sigma[j] = Math.Sqrt(squares / (to - from));
            state.Pi0[j] = 1.0 / k;
            for (int i = 0; i < k; i++)
            {
                state.P[(i * k) + j] = i == j ? persistence : (1 - persistence) / (k - 1);
            }
        }

        return state;
    }

    private static (double[] A, double[] B, double[] Sigma, double[] P) StandardErrors(AmplTransitions history, State fitted)
    {
        int k = fitted.K;
        var free = new List<(int Row, int Column)>();
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < k; j++)
            {
                if (i != j && fitted.P[(i * k) + j] >= BoundaryProbability && fitted.P[(i * k) + i] >= BoundaryProbability)
                {
                    free.Add((i, j));
                }
            }
        }

        var theta = new double[(3 * k) + free.Count];
        for (int j = 0; j < k; j++)
        {
            theta[j] = fitted.A[j];
            theta[k + j] = fitted.B[j];
            theta[(2 * k) + j] = DeterministicMath.Log(fitted.Sigma[j]);
        }

        for (int f = 0; f < free.Count; f++)
        {
            var (i, j) = free[f];
            theta[(3 * k) + f] = DeterministicMath.Log(fitted.P[(i * k) + j] / fitted.P[(i * k) + i]);
        }

        State Unpack(double[] t)
        {
            var s = fitted.Clone();
            for (int j = 0; j < k; j++)
            {
                s.A[j] = t[j];
                s.B[j] = t[k + j];
                s.Sigma[j] = DeterministicMath.Exp(t[(2 * k) + j]);
            }

            // Rows with free entries: p_ij ∝ e^(η_ij), with the diagonal and boundary entries keeping their weights relative to the diagonal.
            for (int i = 0; i < k; i++)
            {
                var weights = new double[k];
                for (int j = 0; j < k; j++)
                {
                    weights[j] = fitted.P[(i * k) + j] / fitted.P[(i * k) + i];
                }

                for (int f = 0; f < free.Count; f++)
                {
                    if (free[f].Row == i)
                    {
                        weights[free[f].Column] = DeterministicMath.Exp(t[(3 * k) + f]);
                    }
                }

                double total = weights.Sum();
                for (int j = 0; j < k; j++)
                {
                    s.P[(i * k) + j] = weights[j] / total;
                }
            }

            return s;
        }

        var covariance = Curvature.Covariance(t => Filter(history, Unpack(t)), theta);
        var a = new double[k];
        var b = new double[k];
        var sigma = new double[k];
        var p = Enumerable.Repeat(double.NaN, k * k).ToArray();
        for (int j = 0; j < k; j++)
        {
            a[j] = Curvature.StandardError(covariance, j);
            b[j] = Curvature.StandardError(covariance, k + j);
            sigma[j] = fitted.Sigma[j] * Curvature.StandardError(covariance, (2 * k) + j);
        }

        if (covariance is not null)
        {
            // Delta method: ∂p_ij/∂η_il = p_ij(δ_jl − p_il) for the free logits η_il of row i.
            for (int i = 0; i < k; i++)
            {
                var rowFree = Enumerable.Range(0, free.Count).Where(f => free[f].Row == i).ToArray();
                if (rowFree.Length == 0)
                {
                    continue;
                }

                for (int j = 0; j < k; j++)
                {
                    double pij = fitted.P[(i * k) + j];
                    if (pij < BoundaryProbability)
                    {
                        continue;
                    }

                    double variance = 0;
                    foreach (int f in rowFree)
                    {
                        int l = free[f].Column;
                        double gf = pij * ((j == l ? 1 : 0) - fitted.P[(i * k) + l]);
                        foreach (int g in rowFree)
                        {
                            int m = free[g].Column;
                            double gg = pij * ((j == m ? 1 : 0) - fitted.P[(i * k) + m]);
                            variance += gf * covariance[(3 * k) + f, (3 * k) + g] * gg;
                        }
                    }

                    p[(i * k) + j] = Math.Sqrt(variance);
                }
            }
        }

        return (a, b, sigma, p);
    }

    private sealed class Work(int n, int k)
    {
        public double[,] Density { get; } = new double[n, k];

        public double[,] Forward { get; } = new double[n, k];

        public double[,] Backward { get; } = new double[n, k];

        public double[,] Smoothed { get; } = new double[n, k];

        public double[] Scale { get; } = new double[n];

        public double[] Pairs { get; } = new double[k * k];
    }

    private sealed class State(int k)
    {
        public int K { get; } = k;

        public double[] A { get; private init; } = new double[k];

        public double[] B { get; private init; } = new double[k];

        public double[] Sigma { get; private init; } = new double[k];

        public double[] P { get; private init; } = new double[k * k];

        public double[] Pi0 { get; set; } = new double[k];

        public static State From(RegimeSwitchingOptions o) => new(o.Regimes)
        {
            A = [.. o.Intercept],
            B = [.. o.Slope],
            Sigma = [.. o.Volatility],
            P = [.. o.Transition],
        };

        public double Density(int j, double x, double y)
        {
            double z = (y - A[j] - (B[j] * x)) / Sigma[j];
            return DeterministicMath.Exp(-0.5 * z * z) / (Sigma[j] * Math.Sqrt(TwoPi));
        }

        public State Clone() => new(K) { A = [.. A], B = [.. B], Sigma = [.. Sigma], P = [.. P], Pi0 = [.. Pi0] };

        public State Permute(int[] order) => new(K)
        {
            A = [.. order.Select(j => A[j])],
            B = [.. order.Select(j => B[j])],
            Sigma = [.. order.Select(j => Sigma[j])],
            P = [.. order.SelectMany(i => order.Select(j => P[(i * K) + j]))],
            Pi0 = [.. order.Select(j => Pi0[j])],
        };

        public RegimeSwitchingOptions ToOptions() => new()
        {
            Intercept = [.. A],
            Slope = [.. B],
            Volatility = [.. Sigma],
            Transition = [.. P],
        };
    }
}
