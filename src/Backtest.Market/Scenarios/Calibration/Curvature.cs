namespace Backtest.Market.Scenarios.Calibration;

/// <summary>Standard errors of a maximum-likelihood estimate from the curvature of its log-likelihood.</summary>
internal static class Curvature
{
    /// <summary>
    /// The asymptotic covariance of θ̂: the inverse of the observed information −∇²ℓ(θ̂), with the
    /// Hessian by central differences (steps hᵢ = 10⁻⁴·max(1, |θᵢ|)). Null when the information
    /// is not positive definite (a flat or boundary direction): then no standard errors are claimed.
    /// </summary>
    public static double[,]? Covariance(Func<double[], double> logLikelihood, double[] theta)
    {
        int n = theta.Length;
        var h = new double[n];
        for (int i = 0; i < n; i++)
        {
            h[i] = 1e-4 * Math.Max(1, Math.Abs(theta[i]));
        }

        double At(int i, double di, int j, double dj)
        {
            var point = (double[])theta.Clone();
            point[i] += di;
            point[j] += dj;
            return logLikelihood(point);
        }

        double center = logLikelihood(theta);
        var information = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            double second = (At(i, h[i], i, 0) - (2 * center) + At(i, -h[i], i, 0)) / (h[i] * h[i]);
            information[i, i] = -second;
            for (int j = 0; j < i; j++)
            {
                double mixed = (At(i, h[i], j, h[j]) - At(i, h[i], j, -h[j]) - At(i, -h[i], j, h[j]) + At(i, -h[i], j, -h[j])) / (4 * h[i] * h[j]);
                information[i, j] = -mixed;
                information[j, i] = -mixed;
            }
        }

        return LinearAlgebra.InvertPositiveDefinite(information);
    }

    /// <summary>√(covariance[i, i]), or NaN without a covariance.</summary>
    public static double StandardError(double[,]? covariance, int i) => covariance is null ? double.NaN : Math.Sqrt(covariance[i, i]);
}
