using Backtest.Numerics.Simd;

namespace Backtest.Numerics.Tests.Simd;

/// <summary>
/// The mulDiv kernels against a BigInteger oracle, a million cases per family, at every tier,
/// under every rounding; cases that throw are compared tier by tier (type, operands, element).
/// </summary>
public class FixedKernelsMulDivTests
{
    private const int Chunks = 1000;
    private const int ThrowingCasesChecked = 1000;
    private static readonly Rounding[] Roundings = [Rounding.Floor, Rounding.Ceiling, Rounding.TowardZero];

    [Fact]
    public void MulDivByAnArrayMatchesTheOracleAtEveryTier() => CheckFamily(byArray: true, seed: 20_261_121);

    [Fact]
    public void MulDivByAScalarMatchesTheOracleAtEveryTier() => CheckFamily(byArray: false, seed: 20_261_122);

    private static void CheckFamily(bool byArray, int seed)
    {
        var cases = new MulDivCases(seed);
        var random = new System.Random(seed);
        var throwing = new List<(long A, long B, long C)>();
        int checkedCases = 0;
        var probed = new Dictionary<string, int> { ["tie"] = 0, ["exact"] = 0, ["negative divisor"] = 0, ["|q| > 2^62"] = 0, ["|a*b| > 2^111"] = 0, ["|c| > 2^61"] = 0 };
        for (int chunk = 0; chunk < Chunks; chunk++)
        {
            // Lengths around 1000 so blocks end at every lane offset.
            int length = 997 + (chunk % 9);
            long c = cases.Divisor();
            long sharedB = cases.Multiplier(c);
            var a = new long[length];
            var b = new long[length];
            var expected = Roundings.Select(_ => new long[length]).ToArray();
            for (int i = 0; i < length;)
            {
                long bi = byArray ? cases.Multiplier(c) : sharedB;
                long ai = cases.Multiplicand(bi, c);
                long?[] oracle = MulDivOracle.Expected(ai, bi, c);
                if (oracle.Any(q => q is null))
                {
                    throwing.Add((ai, bi, c));
                    continue;
                }

                a[i] = ai;
                b[i] = bi;
                Count(probed, ai, bi, c);
                for (int r = 0; r < Roundings.Length; r++)
                {
                    expected[r][i] = oracle[(int)Roundings[r]]!.Value;
                }

                i++;
            }

            for (int r = 0; r < Roundings.Length; r++)
            {
                foreach (SimdTier tier in SimdTiers.All)
                {
                    var actual = new long[length];
                    if (byArray)
                    {
                        FixedKernels.MulDiv(a, b, c, Roundings[r], actual, tier);
                    }
                    else
                    {
                        FixedKernels.MulDiv(a, sharedB, c, Roundings[r], actual, tier);
                    }

                    TierAssert.Equal(expected[r], actual, $"{tier} {Roundings[r]} c={c} b={(byArray ? "array" : sharedB)}");
                }
            }

            checkedCases += length;
        }

        Assert.True(checkedCases >= 1_000_000, $"only {checkedCases} cases");

        // The cases must really reach the places a vector mulDiv can go wrong.
        Assert.True(probed.Values.All(n => n >= 10_000), string.Join(", ", probed.Select(p => $"{p.Key}: {p.Value}")));
        Assert.True(throwing.Count >= ThrowingCasesChecked, $"only {throwing.Count} throwing cases were generated");
        foreach (var (a, b, c) in throwing.Take(ThrowingCasesChecked))
        {
            CheckThrowingCase(a, b, c, byArray, random);
        }
    }

    private static void Count(Dictionary<string, int> probed, long a, long b, long c)
    {
        Int128 product = (Int128)a * b;
        Int128 remainder = product % c;
        Int128 magnitude = Int128.Abs(product);
        probed["tie"] += 2 * Int128.Abs(remainder) == Int128.Abs(c) ? 1 : 0;
        probed["exact"] += remainder == 0 ? 1 : 0;
        probed["negative divisor"] += c < 0 ? 1 : 0;
        probed["|q| > 2^62"] += Int128.Abs(product / c) > (Int128)1 << 62 ? 1 : 0;
        probed["|a*b| > 2^111"] += magnitude > (Int128)1 << 111 ? 1 : 0;
        probed["|c| > 2^61"] += Int128.Abs(c) > (Int128)1 << 61 ? 1 : 0;
    }

    /// <summary>
    /// Puts a case that throws under some rounding among harmless elements and checks every tier
    /// fails (or not) exactly as the oracle and the scalar tier do, at the same element.
    /// </summary>
    private static void CheckThrowingCase(long a, long b, long c, bool byArray, System.Random random)
    {
        int length = random.Next(1, 24);
        int position = random.Next(length);
        var aArray = new long[length];
        var bArray = Enumerable.Repeat(b, length).ToArray();
        aArray[position] = a;
        foreach (Rounding rounding in Roundings)
        {
            long? oracle = MulDivOracle.Expected(a, b, c, rounding);
            Action<long[]> Kernel(SimdTier tier) => destination =>
            {
                if (byArray)
                {
                    FixedKernels.MulDiv(aArray, bArray, c, rounding, destination, tier);
                }
                else
                {
                    FixedKernels.MulDiv(aArray, b, c, rounding, destination, tier);
                }
            };

            var scalar = TierAssert.Outcome(length, Kernel(SimdTier.Scalar));
            string context = $"MulDiv({a}, {b}, {c}) {rounding} at {position} of {length}";

            // Element 0 fails first when c = 0 even if the probed case sits later.
            int failingElement = c == 0 ? 0 : position;
            if (oracle is null)
            {
                Assert.True(scalar.Error is not null, $"{context}: scalar tier returned a result");
                Assert.Equal(failingElement, scalar.Error.ElementIndex);
                Assert.Equal(["" + aArray[failingElement], "" + b, "" + c], scalar.Error.Operands);
                Assert.IsType(c == 0 ? typeof(FixedPointDivideByZeroException) : typeof(FixedPointOverflowException), scalar.Error);
            }
            else
            {
                Assert.Equal(oracle.Value, scalar.Result![position]);
            }

            foreach (SimdTier tier in TierAssert.VectorTiers)
            {
                TierAssert.Same(scalar, TierAssert.Outcome(length, Kernel(tier)), $"{context} {tier}");
            }
        }
    }
}
