using Backtest.Numerics.Simd;

namespace Backtest.Numerics.Tests.Simd;

/// <summary>Runs one kernel call at a tier and captures its result or its fixed-point failure, for comparing tiers.</summary>
internal static class TierAssert
{
    public static IEnumerable<SimdTier> VectorTiers => SimdTiers.All.Where(t => t != SimdTier.Scalar);

    /// <summary>The kernel's output, or the <see cref="FixedPointException"/> it threw.</summary>
    public static (long[]? Result, FixedPointException? Error) Outcome(int length, Action<long[]> kernel)
    {
        var destination = new long[length];
        try
        {
            kernel(destination);
            return (destination, null);
        }
        catch (FixedPointException e)
        {
            return (null, e);
        }
    }

    /// <summary>Fails unless both outcomes are the same array or the same exception (type, operation, operands, element).</summary>
    public static void Same((long[]? Result, FixedPointException? Error) expected, (long[]? Result, FixedPointException? Error) actual, string context)
    {
        if (expected.Error is { } e)
        {
            Assert.True(actual.Error is not null, $"{context}: expected {e.Message}, got a result");
            Assert.Equal(e.GetType(), actual.Error.GetType());
            Assert.Equal(e.Operation, actual.Error.Operation);
            Assert.Equal(e.Operands, actual.Error.Operands);
            Assert.Equal(e.ElementIndex, actual.Error.ElementIndex);
            return;
        }

        Assert.True(actual.Error is null, $"{context}: expected a result, got {actual.Error?.Message}");
        Equal(expected.Result!, actual.Result!, context);
    }

    /// <summary>Fails at the first differing element, naming it.</summary>
    public static void Equal(ReadOnlySpan<long> expected, ReadOnlySpan<long> actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (expected[i] != actual[i])
            {
                Assert.Fail($"{context}: element {i} is {actual[i]}, expected {expected[i]}");
            }
        }
    }
}
