using System.Runtime.Intrinsics;
using Backtest.Numerics.Random;
using Backtest.Numerics.Simd;
using BenchmarkDotNet.Attributes;

namespace Backtest.Benchmarks.Numerics;

/// <summary>
/// Philox4x32-10 throughput: one operation is one output word (a block is four), for paths
/// 0 … Lanes − 1 at one (step, draw). Compares the per-path call with each SIMD tier
/// (Vector512 runs in software where the CPU lacks AVX-512). The regression gate tracks the
/// dispatched fill, the entry point models call.
/// </summary>
[Throughput("words")]
public class PhiloxBenchmarks
{
    private const int Lanes = 4096;
    private readonly RandomStream stream = RandomStream.Create(1, 2, 3);
    private readonly uint[] w0 = new uint[Lanes];
    private readonly uint[] w1 = new uint[Lanes];
    private readonly uint[] w2 = new uint[Lanes];
    private readonly uint[] w3 = new uint[Lanes];

    [Benchmark(Baseline = true, OperationsPerInvoke = 4 * Lanes)]
    public void PerPathBlock()
    {
        for (int i = 0; i < Lanes; i++)
        {
            PhiloxBlock block = stream.Block(i, 7, 1);
            w0[i] = block.Word0;
            w1[i] = block.Word1;
            w2[i] = block.Word2;
            w3[i] = block.Word3;
        }
    }

    [Benchmark(OperationsPerInvoke = 4 * Lanes)]
    public void FillScalarTier() => stream.FillBlocks<ScalarWidth, long, double>(0, 7, 1, w0, w1, w2, w3);

    [Benchmark(OperationsPerInvoke = 4 * Lanes)]
    public void FillVector128() => stream.FillBlocks<Width128, Vector128<long>, Vector128<double>>(0, 7, 1, w0, w1, w2, w3);

    [Benchmark(OperationsPerInvoke = 4 * Lanes)]
    public void FillVector256() => stream.FillBlocks<Width256, Vector256<long>, Vector256<double>>(0, 7, 1, w0, w1, w2, w3);

    [Benchmark(OperationsPerInvoke = 4 * Lanes)]
    public void FillVector512() => stream.FillBlocks<Width512, Vector512<long>, Vector512<double>>(0, 7, 1, w0, w1, w2, w3);

    [Benchmark(OperationsPerInvoke = 4 * Lanes)]
    [Tracked]
    public void FillDispatched() => stream.FillBlocks(0, 7, 1, w0, w1, w2, w3);
}
