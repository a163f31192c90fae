using System.Runtime.Intrinsics;
using Backtest.Numerics.Simd;
using Backtest.Numerics.Random;

namespace Backtest.Numerics.Tests.Random;

public class PhiloxTests
{
    // Known answers published with Random123 (kat_vectors, philox4x32_10).
    [Theory]
    [InlineData(0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void MatchesRandom123KnownAnswers(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint o0, uint o1, uint o2, uint o3) =>
        Assert.Equal(new PhiloxBlock(o0, o1, o2, o3), Philox4x32.Compute(c0, c1, c2, c3, k0, k1));

    [Fact]
    public void EveryVectorTierMatchesTheKnownAnswersInEveryLane()
    {
        AssertTierKnownAnswer<Width128, Vector128<long>, Vector128<double>>();
        AssertTierKnownAnswer<Width256, Vector256<long>, Vector256<double>>();
        AssertTierKnownAnswer<Width512, Vector512<long>, Vector512<double>>();
    }

    [Fact]
    public void BlockUsesTheDocumentedCounterLayout()
    {
        var stream = new RandomStream(0xa4093822u, 0x299f31d0u);
        long path = (0x1234L << 32) | 0x89ABCDEF;
        Assert.Equal(Philox4x32.Compute(7, 11, 0x89ABCDEF, 0x1234, stream.Key0, stream.Key1), stream.Block(path, 11, 7));
        Assert.Equal(Philox4x32.Compute(7, 11, 0x89ABCDEF, 0x0003_1234, stream.Key0, stream.Key1), stream.Block(path, 11, 7, 3));
    }

    [Fact]
    public void KeyIsTheDocumentedSplitMixHash()
    {
        // SplitMix64 seeded with 0 yields 0xE220A8397B1DCDAF first (its published first output).
        Assert.Equal(0xE220A8397B1DCDAFUL, RandomStream.SplitMix64(0x9E3779B97F4A7C15UL));
        ulong expected = RandomStream.SplitMix64(RandomStream.SplitMix64(42UL + 0x9E3779B97F4A7C15UL) ^ ((3UL << 32) | 5UL));
        var stream = RandomStream.Create(42, 3, 5);
        Assert.Equal((uint)expected, stream.Key0);
        Assert.Equal((uint)(expected >> 32), stream.Key1);
    }

    [Fact]
    public void DistinctRunsOfOneSeedGetDistinctKeys()
    {
        var keys = new HashSet<RandomStream>();
        for (int scenario = 0; scenario < 40; scenario++)
        {
            for (int parameterSet = 0; parameterSet < 40; parameterSet++)
            {
                Assert.True(keys.Add(RandomStream.Create(7, scenario, parameterSet)));
            }
        }

        Assert.NotEqual(RandomStream.Create(7, 0, 0), RandomStream.Create(8, 0, 0));
    }

    public static TheoryData<int> Lengths() => new(0, 1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 255, 256, 257, 1000);

    [Theory]
    [MemberData(nameof(Lengths))]
    public void EveryTierFillsTheSameBlocksAsThePerPathCall(int length)
    {
        var stream = RandomStream.Create(2024, 1, 2);
        long firstPath = 123_456_789_000L + length;
        var expected = new PhiloxBlock[length];
        for (int i = 0; i < length; i++)
        {
            expected[i] = stream.Block(firstPath + i, 17, 3);
        }

        AssertFill<ScalarWidth, long, double>(stream, firstPath, 17, 3, expected);
        AssertFill<Width128, Vector128<long>, Vector128<double>>(stream, firstPath, 17, 3, expected);
        AssertFill<Width256, Vector256<long>, Vector256<double>>(stream, firstPath, 17, 3, expected);
        AssertFill<Width512, Vector512<long>, Vector512<double>>(stream, firstPath, 17, 3, expected);
        AssertPublicFill(stream, firstPath, 17, 3, expected);
    }

    [Fact]
    public void FillCarriesAcrossThe32BitPathBoundary()
    {
        var stream = RandomStream.Create(1, 0, 0);
        long firstPath = (1L << 32) - 21;
        var expected = Enumerable.Range(0, 50).Select(i => stream.Block(firstPath + i, 2, 9)).ToArray();
        Assert.Equal(Philox4x32.Compute(9, 2, 0, 1, stream.Key0, stream.Key1), expected[21]);
        AssertFill<Width128, Vector128<long>, Vector128<double>>(stream, firstPath, 2, 9, expected);
        AssertFill<Width256, Vector256<long>, Vector256<double>>(stream, firstPath, 2, 9, expected);
        AssertFill<Width512, Vector512<long>, Vector512<double>>(stream, firstPath, 2, 9, expected);
    }

    [Fact]
    public void UniformsAreThe53BitConversionOfTheWords()
    {
        var block = new PhiloxBlock(0xFFFFFFFF, 0xFFFFFFFF, 0, 0x800);
        Assert.Equal(1.0 - Math.Pow(2, -53), block.First);
        Assert.Equal(Math.Pow(2, -53), block.Second);
        Assert.Equal(0.5, new PhiloxBlock(0x80000000, 0, 0, 0).First);
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void EveryTierFillsTheSameUniformsAsTheBlocks(int length)
    {
        var stream = RandomStream.Create(99, 4, 0);
        var expectedFirst = new double[length];
        var expectedSecond = new double[length];
        for (int i = 0; i < length; i++)
        {
            var block = stream.Block(500 + i, 1, 2);
            expectedFirst[i] = block.First;
            expectedSecond[i] = block.Second;
        }

        AssertUniforms<ScalarWidth, long, double>(stream, expectedFirst, expectedSecond);
        AssertUniforms<Width128, Vector128<long>, Vector128<double>>(stream, expectedFirst, expectedSecond);
        AssertUniforms<Width256, Vector256<long>, Vector256<double>>(stream, expectedFirst, expectedSecond);
        AssertUniforms<Width512, Vector512<long>, Vector512<double>>(stream, expectedFirst, expectedSecond);

        var first = new double[length];
        stream.FillUniform(500, 1, 2, first);
        Assert.Equal(expectedFirst.Bits(), first.Bits());
    }

    [Fact]
    public void IndicesOutsideTheCounterLayoutAreRefused()
    {
        var stream = RandomStream.Create(1, 0, 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.Block(-1, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.Block(RandomStream.MaxPath + 1, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.Block(0, -1, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.Block(0, 0, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.Block(0, 0, 0, RandomStream.MaxContinuation + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.FillUniform(RandomStream.MaxPath - 2, 0, 0, new double[4]));
        stream.FillUniform(RandomStream.MaxPath - 3, 0, 0, new double[4]);
        Assert.Throws<ArgumentException>(() => stream.FillUniform(0, 0, 0, new double[4], new double[3]));
    }

    private static void AssertTierKnownAnswer<TW, TL, TD>()
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct
    {
        var c0 = TW.BroadcastWord(0x243f6a88u);
        var c1 = TW.BroadcastWord(0x85a308d3u);
        var c2 = TW.BroadcastWord(0x13198a2eu);
        var c3 = TW.BroadcastWord(0x03707344u);
        Philox4x32.Permute<TW, TL, TD>(ref c0, ref c1, ref c2, ref c3, 0xa4093822u, 0x299f31d0u);
        var outputs = new uint[4 * TW.WordCount];
        TW.StoreWords(c0, ref outputs[0], 0);
        TW.StoreWords(c1, ref outputs[0], (nuint)TW.WordCount);
        TW.StoreWords(c2, ref outputs[0], (nuint)(2 * TW.WordCount));
        TW.StoreWords(c3, ref outputs[0], (nuint)(3 * TW.WordCount));
        uint[] expected = [0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u];
        for (int word = 0; word < 4; word++)
        {
            for (int lane = 0; lane < TW.WordCount; lane++)
            {
                Assert.Equal(expected[word], outputs[(word * TW.WordCount) + lane]);
            }
        }
    }

    private static void AssertFill<TW, TL, TD>(RandomStream stream, long firstPath, int step, int draw, PhiloxBlock[] expected)
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct =>
        AssertFilled(expected, (w0, w1, w2, w3) => stream.FillBlocks<TW, TL, TD>(firstPath, step, draw, w0, w1, w2, w3));

    private static void AssertPublicFill(RandomStream stream, long firstPath, int step, int draw, PhiloxBlock[] expected) =>
        AssertFilled(expected, (w0, w1, w2, w3) => stream.FillBlocks(firstPath, step, draw, w0, w1, w2, w3));

    private static void AssertFilled(PhiloxBlock[] expected, Action<uint[], uint[], uint[], uint[]> fill)
    {
        var w = Enumerable.Range(0, 4).Select(_ => new uint[expected.Length]).ToArray();
        fill(w[0], w[1], w[2], w[3]);
        Assert.Equal(expected, Enumerable.Range(0, expected.Length).Select(i => new PhiloxBlock(w[0][i], w[1][i], w[2][i], w[3][i])));
    }

    private static void AssertUniforms<TW, TL, TD>(RandomStream stream, double[] expectedFirst, double[] expectedSecond)
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct
    {
        var first = new double[expectedFirst.Length];
        var second = new double[expectedSecond.Length];
        stream.FillUniform<TW, TL, TD>(500, 1, 2, first, second);
        Assert.Equal(expectedFirst.Bits(), first.Bits());
        Assert.Equal(expectedSecond.Bits(), second.Bits());
    }
}
