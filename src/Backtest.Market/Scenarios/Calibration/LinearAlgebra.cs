namespace Backtest.Market.Scenarios.Calibration;

/// <summary>The small dense linear algebra the fits need, in plain IEEE arithmetic (deterministic).</summary>
internal static class LinearAlgebra
{
    /// <summary>
    /// Solves A·v = c for the n × (n + 1) augmented matrix [A | c] by Gaussian elimination with
    /// partial pivoting (the matrix is overwritten). Throws <see cref="ArgumentException"/> if A is singular.
    /// </summary>
    public static double[] Solve(double[,] augmented, int n)
    {
        for (int column = 0; column < n; column++)
        {
            int pivot = column;
            for (int row = column + 1; row < n; row++)
            {
                if (Math.Abs(augmented[row, column]) > Math.Abs(augmented[pivot, column]))
                {
                    pivot = row;
                }
            }

            if (augmented[pivot, column] == 0)
            {
                throw new ArgumentException("the system is singular", nameof(augmented));
            }

            for (int j = 0; j <= n; j++)
            {
                (augmented[column, j], augmented[pivot, j]) = (augmented[pivot, j], augmented[column, j]);
            }

            for (int row = column + 1; row < n; row++)
            {
                double factor = augmented[row, column] / augmented[column, column];
                for (int j = column; j <= n; j++)
                {
                    augmented[row, j] -= factor * augmented[column, j];
                }
            }
        }

        var solution = new double[n];
        for (int row = n - 1; row >= 0; row--)
        {
            double sum = augmented[row, n];
            for (int j = row + 1; j < n; j++)
            {
                sum -= augmented[row, j] * solution[j];
            }

            solution[row] = sum / augmented[row, row];
        }

        return solution;
    }

    /// <summary>The inverse of a symmetric positive-definite matrix by Cholesky factorisation, or null if it is not positive definite.</summary>
    public static double[,]? InvertPositiveDefinite(double[,] matrix)
    {
        int n = matrix.GetLength(0);
        var lower = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = matrix[i, j];
                for (int k = 0; k < j; k++)
                {
                    sum -= lower[i, k] * lower[j, k];
                }

                if (i == j)
                {
                    if (!(sum > 0))
                    {
                        return null;
                    }

                    lower[i, i] = Math.Sqrt(sum);
                }
                else
                {
                    lower[i, j] = sum / lower[j, j];
                }
            }
        }

        // L⁻¹ by forward substitution, then A⁻¹ = L⁻ᵀ L⁻¹.
        var inverseLower = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            inverseLower[i, i] = 1 / lower[i, i];
            for (int j = 0; j < i; j++)
            {
                double sum = 0;
                for (int k = j; k < i; k++)
                {
                    sum -= lower[i, k] * inverseLower[k, j];
                }

                inverseLower[i, j] = sum / lower[i, i];
            }
        }

        var inverse = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double sum = 0;
                for (int k = i; k < n; k++)
                {
                    sum += inverseLower[k, i] * inverseLower[k, j];
                }

                inverse[i, j] = sum;
                inverse[j, i] = sum;
            }
        }

        return inverse;
    }
}
