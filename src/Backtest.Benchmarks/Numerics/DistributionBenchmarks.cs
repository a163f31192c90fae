using Backtest.Numerics;
using Backtest.Numerics.Random;
using BenchmarkDotNet.Attributes;

namespace Backtest.Benchmarks.Numerics;

/// <summary>
/// Samples per second of the distributions: one operation is one variate for one path, drawn
/// for paths 0 … Lanes − 1 at one (step, draw) through the public (dispatched) entry points.
/// The scalar rows show the per-path call for comparison.
/// </summary>
[Throughput("samples")]
public class DistributionBenchmarks
{
    private const int Lanes = 4096;
    private readonly RandomStream stream = RandomStream.Create(1, 2, 3);
    private readonly double[] values = new double[Lanes];
    private readonly double[] second = new double[Lanes];
    private readonly int[] counts = new int[Lanes];
    private readonly NormalDistribution normal = new(0, 1);
    private readonly LogNormalDistribution logNormal = new(-5.521460917862246, 1.0);
    private readonly ExponentialDistribution exponential = new(0.5);
    private readonly ParetoDistribution pareto = new(1.0, 2.5);
    private readonly UniformDistribution uniform = new(0.05, 0.25);
    private readonly PoissonDistribution claims = new(0.025);
    private readonly PoissonDistribution largePoisson = new(250);
    private readonly GammaDistribution gamma = new(2.5, 1.0);
    private readonly StudentTDistribution studentT = new(4);

    [Benchmark(OperationsPerInvoke = Lanes)]
    public void UniformFill() => uniform.Fill(stream, 0, 7, 1, values);

    [Benchmark(OperationsPerInvoke = 2 * Lanes)]
    public void UniformPairFill() => stream.FillUniform(0, 7, 1, values, second);

    [Benchmark(OperationsPerInvoke = Lanes)]
    public void NormalFill() => normal.Fill(stream, 0, 7, 1, values);

    [Benchmark(OperationsPerInvoke = Lanes)]
    public void NormalPerPath()
    {
        for (int i = 0; i < Lanes; i++)
        {
            values[i] = normal.Sample(stream, i, 7, 1);
        }
    }

    [Benchmark(OperationsPerInvoke = Lanes)]
    public void LogNormalFill() => logNormal.Fill(stream, 0, 7, 1, values);

    [Benchmark(OperationsPerInvoke = Lanes)]
    public void ExponentialFill() => exponential.Fill(stream, 0, 7, 1, values);

    [Benchmark(OperationsPerInvoke = Lanes)]
    public void ParetoFill() => pareto.Fill(stream, 0, 7, 1, values);

    [Benchmark(OperationsPerInvoke = Lanes)]
    public void PoissonClaimsFill() => claims.Fill(stream, 0, 7, 1, counts);

    [Benchmark(OperationsPerInvoke = Lanes)]
    public void PoissonPtrsFill() => largePoisson.Fill(stream, 0, 7, 1, counts);

    [Benchmark(OperationsPerInvoke = Lanes)]
    public void GammaFill() => gamma.Fill(stream, 0, 7, 1, values);

    [Benchmark(OperationsPerInvoke = Lanes)]
    public void StudentTFill() => studentT.Fill(stream, 0, 7, 1, values);

    [Benchmark(OperationsPerInvoke = Lanes)]
    public void DeterministicLogSpan() => DeterministicMath.Log(values, second);

    [GlobalSetup]
    public void Setup() => stream.FillUniform(0, 0, 0, values);
}
