using System.Runtime.Intrinsics;
using Backtest.Numerics.Simd;

namespace Backtest.Numerics.Tests.Simd;

/// <summary>
/// Every lane operation of every vector width gives, lane by lane, what <see cref="ScalarWidth"/>
/// gives for that lane's operands: the property every kernel written over the widths relies on
/// for bit-identical tiers. Operands mix random bits with the edge cases of each view.
/// </summary>
public class VectorWidthTests
{
    private static readonly long[] EdgeLongs =
        [0, 1, -1, long.MinValue, long.MaxValue, 0xFFFF_FFFFL, 1L << 32, -(1L << 32), 0x4338_0000_0000_0000L];

    private static readonly double[] EdgeDoubles =
        [0.0, -0.0, 1.0, -1.5, 0.5, 2.5, -2.5, double.Epsilon, -double.Epsilon, 2.2250738585072014e-308, double.MaxValue,
         double.PositiveInfinity, double.NegativeInfinity, double.NaN, 4503599627370497.5, -6755399441055744.0, 1e300, -1e-300];

    [Fact]
    public void Vector128LanesMatchTheScalarWidth() => AssertMatchesScalar<Width128, Vector128<long>, Vector128<double>>();

    [Fact]
    public void Vector256LanesMatchTheScalarWidth() => AssertMatchesScalar<Width256, Vector256<long>, Vector256<double>>();

    [Fact]
    public void Vector512LanesMatchTheScalarWidth() => AssertMatchesScalar<Width512, Vector512<long>, Vector512<double>>();

    [Fact]
    public void ScalarWidthHoldsOneWordInTheLowHalf()
    {
        Assert.Equal(1, ScalarWidth.WordCount);
        Assert.Equal(0xFFFF_FFFFL, ScalarWidth.BroadcastWord(uint.MaxValue));
        ScalarWidth.MultiplyWords(ScalarWidth.BroadcastWord(0xFFFF_FFFFu), 0xFFFF_FFFFu, out long high, out long low);
        Assert.Equal(0xFFFF_FFFEL, high);
        Assert.Equal(1L, low);
        Assert.Throws<ArgumentOutOfRangeException>(() => ScalarWidth.GetLane(5, 1));
    }

    private static void AssertMatchesScalar<TW, TL, TD>()
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct
    {
        var random = new System.Random(20261122);
        int n = TW.Count;
        for (int round = 0; round < 200; round++)
        {
            long[] x = Operands(random, n, round);
            long[] y = Operands(random, n, round + 1);
            long[] mask = [.. Enumerable.Range(0, n).Select(_ => random.Next(2) == 0 ? 0L : -1L)];
            double[] dx = Doubles(random, n, round);
            double[] dy = Doubles(random, n, round + 3);
            TL vx = Load<TW, TL, TD>(x), vy = Load<TW, TL, TD>(y), vm = Load<TW, TL, TD>(mask);
            TD wx = LoadDoubles<TW, TL, TD>(dx), wy = LoadDoubles<TW, TL, TD>(dy);

            Lanes<TW, TL, TD>(TW.Add(vx, vy), i => ScalarWidth.Add(x[i], y[i]));
            Lanes<TW, TL, TD>(TW.Subtract(vx, vy), i => ScalarWidth.Subtract(x[i], y[i]));
            Lanes<TW, TL, TD>(TW.MultiplyLow(vx, vy), i => ScalarWidth.MultiplyLow(x[i], y[i]));
            Lanes<TW, TL, TD>(TW.MultiplyLow32(vx, vy), i => ScalarWidth.MultiplyLow32(x[i], y[i]));
            Lanes<TW, TL, TD>(TW.And(vx, vy), i => ScalarWidth.And(x[i], y[i]));
            Lanes<TW, TL, TD>(TW.Or(vx, vy), i => ScalarWidth.Or(x[i], y[i]));
            Lanes<TW, TL, TD>(TW.Xor(vx, vy), i => ScalarWidth.Xor(x[i], y[i]));
            Lanes<TW, TL, TD>(TW.GreaterThan(vx, vy), i => ScalarWidth.GreaterThan(x[i], y[i]));
            Lanes<TW, TL, TD>(TW.EqualTo(vx, vx), i => ScalarWidth.EqualTo(x[i], x[i]));
            Lanes<TW, TL, TD>(TW.EqualTo(vx, vy), i => ScalarWidth.EqualTo(x[i], y[i]));
            Lanes<TW, TL, TD>(TW.Min(vx, vy), i => ScalarWidth.Min(x[i], y[i]));
            Lanes<TW, TL, TD>(TW.Max(vx, vy), i => ScalarWidth.Max(x[i], y[i]));
            Lanes<TW, TL, TD>(TW.Select(vm, vx, vy), i => ScalarWidth.Select(mask[i], x[i], y[i]));
            foreach (int count in (int[])[1, 11, 21, 26, 32, 52, 63])
            {
                Lanes<TW, TL, TD>(TW.ShiftLeft(vx, count), i => ScalarWidth.ShiftLeft(x[i], count));
                Lanes<TW, TL, TD>(TW.ShiftRightLogical(vx, count), i => ScalarWidth.ShiftRightLogical(x[i], count));
            }

            Assert.Equal(Enumerable.Range(0, n).Sum(i => (long)ScalarWidth.SignBits(x[i]) << i), TW.SignBits(vx));
            Assert.Equal(x[n - 1], TW.GetLane(vx, n - 1));
            Lanes<TW, TL, TD>(TW.Broadcast(x[0]), _ => ScalarWidth.Broadcast(x[0]));
            Lanes<TW, TL, TD>(TW.Zero, _ => ScalarWidth.Zero);

            Lanes<TW, TL, TD>(TW.AsInt64(TW.ToDouble(vx)), i => ScalarWidth.AsInt64(ScalarWidth.ToDouble(x[i])));
            Lanes<TW, TL, TD>(TW.AsInt64(TW.AsDouble(vx)), i => ScalarWidth.AsInt64(ScalarWidth.AsDouble(x[i])));
            Lanes<TW, TL, TD>(TW.AsInt64(TW.BroadcastDouble(dx[0])), _ => ScalarWidth.AsInt64(ScalarWidth.BroadcastDouble(dx[0])));
            DoubleLanes<TW, TL, TD>(TW.AddDouble(wx, wy), i => ScalarWidth.AddDouble(dx[i], dy[i]));
            DoubleLanes<TW, TL, TD>(TW.SubtractDouble(wx, wy), i => ScalarWidth.SubtractDouble(dx[i], dy[i]));
            DoubleLanes<TW, TL, TD>(TW.MultiplyDouble(wx, wy), i => ScalarWidth.MultiplyDouble(dx[i], dy[i]));
            DoubleLanes<TW, TL, TD>(TW.DivideDouble(wx, wy), i => ScalarWidth.DivideDouble(dx[i], dy[i]));
            DoubleLanes<TW, TL, TD>(TW.SqrtDouble(wx), i => ScalarWidth.SqrtDouble(dx[i]));
            DoubleLanes<TW, TL, TD>(TW.AbsDouble(wx), i => ScalarWidth.AbsDouble(dx[i]));
            DoubleLanes<TW, TL, TD>(TW.FloorDouble(wx), i => ScalarWidth.FloorDouble(dx[i]));
            DoubleLanes<TW, TL, TD>(TW.SelectDouble(vm, wx, wy), i => ScalarWidth.SelectDouble(mask[i], dx[i], dy[i]));
            Lanes<TW, TL, TD>(TW.GreaterThanDouble(wx, wy), i => ScalarWidth.GreaterThanDouble(dx[i], dy[i]));
            Lanes<TW, TL, TD>(TW.LessThanDouble(wx, wy), i => ScalarWidth.LessThanDouble(dx[i], dy[i]));
            Lanes<TW, TL, TD>(TW.LessThanOrEqualDouble(wx, wy), i => ScalarWidth.LessThanOrEqualDouble(dx[i], dy[i]));
            Lanes<TW, TL, TD>(TW.EqualToDouble(wx, wx), i => ScalarWidth.EqualToDouble(dx[i], dx[i]));
            Lanes<TW, TL, TD>(TW.EqualToDouble(wx, wy), i => ScalarWidth.EqualToDouble(dx[i], dy[i]));

            AssertWordsMatchScalar<TW, TL, TD>(random);
        }
    }

    /// <summary>The word view: each 32-bit word of a vector behaves as the one word of a scalar lane.</summary>
    private static void AssertWordsMatchScalar<TW, TL, TD>(System.Random random)
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct
    {
        int words = TW.WordCount;
        Assert.Equal(2 * TW.Count, words);
        uint[] source = [.. Enumerable.Range(0, words).Select(_ => (uint)random.NextInt64(0, 1L << 32))];
        uint multiplier = random.Next(4) == 0 ? uint.MaxValue : (uint)random.NextInt64(0, 1L << 32);
        long[] asLanes = new long[TW.Count];
        Buffer.BlockCopy(source, 0, asLanes, 0, sizeof(long) * TW.Count);
        TL x = Load<TW, TL, TD>(asLanes);

        TW.MultiplyWords(x, multiplier, out TL high, out TL low);
        uint[] highWords = StoreWords<TW, TL, TD>(high), lowWords = StoreWords<TW, TL, TD>(low);
        for (int j = 0; j < words; j++)
        {
            ScalarWidth.MultiplyWords(ScalarWidth.BroadcastWord(source[j]), multiplier, out long scalarHigh, out long scalarLow);
            Assert.Equal((uint)scalarHigh, highWords[j]);
            Assert.Equal((uint)scalarLow, lowWords[j]);
        }

        uint start = random.Next(2) == 0 ? uint.MaxValue - 2 : source[0];
        Assert.Equal(Enumerable.Range(0, words).Select(j => unchecked(start + (uint)j)), StoreWords<TW, TL, TD>(TW.WordSequence(start)));
        Assert.Equal(Enumerable.Repeat(source[1], words), StoreWords<TW, TL, TD>(TW.BroadcastWord(source[1])));
        Lanes<TW, TL, TD>(TW.LoadWidenedWords(in source[0], 1), i => ScalarWidth.LoadWidenedWords(in source[0], (nuint)(i + 1)));
    }

    private static long[] Operands(System.Random random, int n, int round) =>
        [.. Enumerable.Range(0, n).Select(i => (round + i) % 3 == 0 ? EdgeLongs[random.Next(EdgeLongs.Length)] : random.NextInt64(long.MinValue, long.MaxValue))];

    private static double[] Doubles(System.Random random, int n, int round) =>
        [.. Enumerable.Range(0, n).Select(i => ((round + i) % 3) switch
        {
            0 => EdgeDoubles[random.Next(EdgeDoubles.Length)],
            1 => BitConverter.Int64BitsToDouble(random.NextInt64(long.MinValue, long.MaxValue)),
            _ => (random.NextDouble() - 0.5) * Math.Pow(2, random.Next(-60, 60)),
        })];

    private static TL Load<TW, TL, TD>(long[] lanes)
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct => TW.Load(in lanes[0], 0);

    private static TD LoadDoubles<TW, TL, TD>(double[] lanes)
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct => TW.AsDouble(Load<TW, TL, TD>([.. lanes.Select(BitConverter.DoubleToInt64Bits)]));

    private static uint[] StoreWords<TW, TL, TD>(TL value)
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct
    {
        var words = new uint[TW.WordCount];
        TW.StoreWords(value, ref words[0], 0);
        return words;
    }

    private static void Lanes<TW, TL, TD>(TL actual, Func<int, long> expected)
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct
    {
        var lanes = new long[TW.Count];
        TW.Store(actual, ref lanes[0], 0);
        Assert.Equal(Enumerable.Range(0, TW.Count).Select(expected), lanes);
    }

    private static void DoubleLanes<TW, TL, TD>(TD actual, Func<int, double> expected)
        where TW : IVectorWidth<TL, TD>
        where TL : struct
        where TD : struct =>
        Lanes<TW, TL, TD>(TW.AsInt64(actual), i => BitConverter.DoubleToInt64Bits(expected(i)));
}
