using Backtest.Numerics;
using Backtest.Numerics.Simd;
using BenchmarkDotNet.Attributes;

namespace Backtest.Benchmarks.Numerics;

/// <summary>
/// The fixed-point array kernels per tier. One operation is one element, so the Op/s column
/// reads as elements per second. Operands are of the waterfall's magnitudes: capitals of
/// 10⁷–10⁸ units times a yearly rate, divided by 365 units (a daily accrual). The regression
/// gate tracks mulDiv on the scalar tier (the specification) and on Vector256 (AVX2).
/// </summary>
[Config(typeof(InstructionSetsConfig))]
[Throughput("elements")]
public class FixedKernelsBenchmarks
{
    private const int Elements = 4096;
    private const long DaysPerYear = 365 * Fixed.One;

    private readonly long[] _capital = new long[Elements];
    private readonly long[] _rate = new long[Elements];
    private readonly long[] _destination = new long[Elements];

    [Params(SimdTier.Scalar, SimdTier.Vector128, SimdTier.Vector256, SimdTier.Vector512)]
    public SimdTier Tier { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(42);
        for (int i = 0; i < Elements; i++)
        {
            _capital[i] = random.NextInt64(10_000_000, 100_000_000) * Fixed.One;
            _rate[i] = random.NextInt64(40_000_000, 250_000_000);
        }
    }

    [Benchmark(OperationsPerInvoke = Elements)]
    [Tracked("Tier=Scalar", "Tier=Vector256")]
    public void MulDiv() => FixedKernels.MulDiv(_capital, _rate, DaysPerYear, Rounding.Floor, _destination, Tier);

    [Benchmark(OperationsPerInvoke = Elements)]
    public void MulDivByScalar() => FixedKernels.MulDiv(_capital, 65_000_000, DaysPerYear, Rounding.Floor, _destination, Tier);

    [Benchmark(OperationsPerInvoke = Elements)]
    public void Add() => FixedKernels.Add(_capital, _rate, _destination, Tier);

    [Benchmark(OperationsPerInvoke = Elements)]
    public void Min() => FixedKernels.Min(_capital, _rate, _destination, Tier);

    [Benchmark(OperationsPerInvoke = Elements)]
    public Int128 Sum() => FixedKernels.Sum(_capital, Tier);
}
