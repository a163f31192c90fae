namespace Backtest.Market.Scenarios.Calibration;

/// <summary>The outcome of a minimisation: the best point, its value and the function evaluations spent.</summary>
public readonly record struct Minimum(double[] Point, double Value, int Evaluations);

/// <summary>
/// Nelder–Mead simplex minimisation (reflection 1, expansion 2, contraction ½, shrink ½; Lagarias
/// et al. 1998's rules), deterministic: the same function and start give the same bits. It stops
/// when the simplex's values differ by less than <c>tolerance</c> (relative) and its vertices by
/// less than <c>tolerance</c> (relative to the best point), then restarts from the best point
/// with the initial steps until a restart improves the value by less than <c>tolerance</c>
/// (relative), which guards against the simplex collapsing early. A non-finite value counts as +∞,
/// which is how the fits express bounds.
/// </summary>
internal static class NelderMead
{
    public static Minimum Minimize(Func<double[], double> function, double[] start, double[] steps, double tolerance = 1e-10, int maxEvaluations = 20_000)
    {
        int evaluations = 0;
        double Evaluate(double[] point)
        {
            evaluations++;
            double value = function(point);
            return double.IsFinite(value) ? value : double.PositiveInfinity;
        }

        double[] best = (double[])start.Clone();
        double bestValue = Evaluate(best);
        while (true)
        {
            var (point, value) = Run(Evaluate, best, steps, tolerance, maxEvaluations, () => evaluations);
            bool improved = value < bestValue - (tolerance * (Math.Abs(bestValue) + 1e-300));
            if (value <= bestValue)
            {
                best = point;
                bestValue = value;
            }

            if (!improved || evaluations >= maxEvaluations)
            {
                return new Minimum(best, bestValue, evaluations);
            }
        }
    }

    private static (double[] Point, double Value) Run(Func<double[], double> evaluate, double[] start, double[] steps, double tolerance, int maxEvaluations, Func<int> spent)
    {
        int n = start.Length;
        var vertices = new double[n + 1][];
        var values = new double[n + 1];
        vertices[0] = (double[])start.Clone();
        values[0] = evaluate(vertices[0]);
        for (int i = 0; i < n; i++)
        {
            vertices[i + 1] = (double[])start.Clone();
            vertices[i + 1][i] += steps[i];
            values[i + 1] = evaluate(vertices[i + 1]);
        }

        var order = new int[n + 1];
        var centroid = new double[n];
        while (true)
        {
            for (int i = 0; i <= n; i++)
            {
                order[i] = i;
            }

            // A stable insertion sort: ties keep their vertex order, so the run is reproducible.
            for (int i = 1; i <= n; i++)
            {
                int current = order[i];
                int j = i - 1;
                while (j >= 0 && values[order[j]] > values[current])
                {
                    order[j + 1] = order[j];
                    j--;
                }

                order[j + 1] = current;
            }

            int bestIndex = order[0];
            int worst = order[n];
            int secondWorst = order[n - 1];
            if (Converged(vertices, values, bestIndex, worst, tolerance) || spent() >= maxEvaluations)
            {
                return (vertices[bestIndex], values[bestIndex]);
            }

            Array.Clear(centroid);
            for (int i = 0; i < n; i++)
            {
                var vertex = vertices[order[i]];
                for (int d = 0; d < n; d++)
                {
                    centroid[d] += vertex[d];
                }
            }

            for (int d = 0; d < n; d++)
            {
                centroid[d] /= n;
            }

            var reflected = Along(centroid, vertices[worst], -1.0);
            double reflectedValue = evaluate(reflected);
            if (reflectedValue < values[bestIndex])
            {
                var expanded = Along(centroid, vertices[worst], -2.0);
                double expandedValue = evaluate(expanded);
                (vertices[worst], values[worst]) = expandedValue < reflectedValue ? (expanded, expandedValue) : (reflected, reflectedValue);
                continue;
            }

            if (reflectedValue < values[secondWorst])
            {
                (vertices[worst], values[worst]) = (reflected, reflectedValue);
                continue;
            }

            bool outside = reflectedValue < values[worst];
            var contracted = outside ? Along(centroid, vertices[worst], -0.5) : Along(centroid, vertices[worst], 0.5);
            double contractedValue = evaluate(contracted);
            if (contractedValue < (outside ? reflectedValue : values[worst]))
            {
                (vertices[worst], values[worst]) = (contracted, contractedValue);
                continue;
            }

            for (int i = 0; i <= n; i++)
            {
                if (i == bestIndex)
                {
                    continue;
                }

                for (int d = 0; d < n; d++)
                {
                    vertices[i][d] = vertices[bestIndex][d] + (0.5 * (vertices[i][d] - vertices[bestIndex][d]));
                }

                values[i] = evaluate(vertices[i]);
            }
        }
    }

    /// <summary>centroid + t · (point − centroid).</summary>
    private static double[] Along(double[] centroid, double[] point, double t)
    {
        var result = new double[centroid.Length];
        for (int d = 0; d < result.Length; d++)
        {
            result[d] = centroid[d] + (t * (point[d] - centroid[d]));
        }

        return result;
    }

    private static bool Converged(double[][] vertices, double[] values, int best, int worst, double tolerance)
    {
        if (!(values[worst] - values[best] <= tolerance * (Math.Abs(values[best]) + 1e-300)))
        {
            return false;
        }

        foreach (var vertex in vertices)
        {
            for (int d = 0; d < vertex.Length; d++)
            {
                if (Math.Abs(vertex[d] - vertices[best][d]) > tolerance * Math.Max(1, Math.Abs(vertices[best][d])) * 1e4)
                {
                    return false;
                }
            }
        }

        return true;
    }
}
