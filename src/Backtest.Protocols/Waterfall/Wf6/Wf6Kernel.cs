using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Backtest.Numerics;

namespace Backtest.Protocols.Waterfall.Wf6;

/// <summary>
/// WF6 over a batch of paths, structure of arrays: one vector per state variable, one lane per
/// path, every path bit-identical to <see cref="Wf6Reference"/> at every vector width.
/// <para>
/// What makes it fast without changing a bit:
/// <list type="bullet">
/// <item>Losses are rare (about 2.5% of path-days), so the loss days are given as a list and a
/// day without a loss in any lane of a vector is premiums only. A loss day runs the reference's
/// loss step for just its lanes.</item>
/// <item>Capital only falls on a loss day, so a tranche can only reach 0, and the total capital
/// only reach a new low, at the end of a loss day: those outputs are updated there only.
/// Premiums paid are final − initial + losses absorbed, an exact identity, so they are not
/// summed daily.</item>
/// <item>U = floor(coverage · 2³² / total) without a vector division: a double estimate
/// (within 1.5 · 10⁻⁶ of the real quotient, so its rounding is the floor or one above) corrected
/// by the sign of the remainder coverage · 2³² − q · total, computed exactly in wrapping 64-bit
/// arithmetic because |remainder| &lt; 2 · total &lt; 2⁶¹.</item>
/// <item>Rates come from the <see cref="RateTable"/> entries packed as T | (T[j+1] − T[j]) &lt;&lt; 32
/// (one gather per tranche), and due = floor(capital · rate / 2⁴²) is
/// (capital_hi · rate + floor(capital_lo · rate / 2³²)) &gt;&gt; 10 with 32 × 32-bit products.
/// <see cref="Wf6Terms.Validate"/> keeps every operand in range (rate &lt; 2³², capital &lt; 2⁶⁰).</item>
/// </list>
/// When all capital is gone the fast path takes U = 1 where the reference takes U = 0; every
/// due is then 0 either way.
/// </para>
/// </summary>
public sealed class Wf6Kernel
{
    private const long Low32 = 0xFFFF_FFFFL;
    private const double TwoTo52 = 4503599627370496.0;
    private const long TwoTo52Bits = 0x4330_0000_0000_0000L;

    private readonly long[] _packed;
    private readonly bool[] _constantRate;
    private readonly long[] _initial;
    private readonly long _premium;
    private readonly long _coverage;

    public Wf6Kernel(Wf6Terms terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        terms.Validate();
        Terms = terms;
        DailyRates = terms.DailyRates();
        _initial = terms.InitialCapital.ToArray();
        _premium = terms.DailyPremium;
        _coverage = terms.CoverageSold;

        // Pinned so the gathers can take its address for the life of the kernel.
        const int entries = RateTable.Segments + 1;
        _packed = GC.AllocateUninitializedArray<long>(Tranches.Count * entries, pinned: true);
        _constantRate = new bool[Tranches.Count];
        for (int i = 0; i < Tranches.Count; i++)
        {
            var values = DailyRates[i].Values;
            var steps = DailyRates[i].Steps;
            for (int j = 0; j < entries; j++)
            {
                _packed[(i * entries) + j] = values[j] | (steps[j] << 32);
            }

            _constantRate[i] = values[0] == values[^1];
        }
    }

    public Wf6Terms Terms { get; }

    /// <summary>The daily rate tables, senior first.</summary>
    public IReadOnlyList<RateTable> DailyRates { get; }

    /// <summary>Runs every path of <paramref name="losses"/> with the reference, one path at a time.</summary>
    public void RunScalar(Wf6LossDays losses, Wf6Outputs outputs) => RunScalar(losses, outputs, 0);

    /// <summary>Runs every path of <paramref name="losses"/> in vectors of <typeparamref name="TW"/>'s width, the remainder with the reference.</summary>
    internal unsafe void RunVector<TW, TV, TD>(Wf6LossDays losses, Wf6Outputs outputs)
        where TW : ILaneWidth<TV, TD>
        where TV : struct
        where TD : struct
    {
        RequireCapacity(losses, outputs);
        int paths = losses.Paths;
        var state = new BlockState(TW.Count);
        long* packed = (long*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_packed));
        int first = 0;
        for (; first + TW.Count <= paths; first += TW.Count)
        {
            RunBlock<TW, TV, TD>(losses, first, state, packed, outputs);
        }

        RunScalar(losses, outputs, first);
    }

    private void RunScalar(Wf6LossDays losses, Wf6Outputs outputs, int first)
    {
        RequireCapacity(losses, outputs);
        for (int lane = first; lane < losses.Paths; lane++)
        {
            Wf6Reference.RunPath(Terms, DailyRates, losses, lane, outputs);
        }
    }

    private static void RequireCapacity(Wf6LossDays losses, Wf6Outputs outputs)
    {
        if (outputs.Capacity < losses.Paths)
        {
            throw new ArgumentException($"outputs hold {outputs.Capacity} paths, the batch has {losses.Paths}");
        }
    }

    private unsafe void RunBlock<TW, TV, TD>(Wf6LossDays losses, int first, BlockState s, long* packed, Wf6Outputs outputs)
        where TW : ILaneWidth<TV, TD>
        where TV : struct
        where TD : struct
    {
        int w = TW.Count;
        s.Reset(losses, first, _initial);

        TV c0 = TW.Create(_initial[0]), c1 = TW.Create(_initial[1]), c2 = TW.Create(_initial[2]);
        TV c3 = TW.Create(_initial[3]), c4 = TW.Create(_initial[4]), c5 = TW.Create(_initial[5]);
        TV nextDay = TW.Load(ref s.NextDay[0]);
        TV premium = TW.Create(_premium);
        const int entries = RateTable.Segments + 1;
        long* t0 = packed, t1 = packed + entries, t2 = packed + (2 * entries), t3 = packed + (3 * entries), t4 = packed + (4 * entries), t5 = packed + (5 * entries);

        int days = Terms.Days;
        for (int day = 1; day <= days; day++)
        {
            TV total = TW.Add(TW.Add(TW.Add(c0, c1), TW.Add(c2, c3)), TW.Add(c4, c5));
            TV u = UtilizationOf<TW, TV, TD>(total, _coverage);
            TV segment = TW.ShiftRightLogical(u, RateTable.OffsetBits);
            TV offset = TW.And(u, TW.Create((1L << RateTable.OffsetBits) - 1));

            TV left = premium;
            Pay<TW, TV, TD>(ref c0, RateOf<TW, TV, TD>(t0, _constantRate[0], segment, offset), ref left);
            Pay<TW, TV, TD>(ref c1, RateOf<TW, TV, TD>(t1, _constantRate[1], segment, offset), ref left);
            Pay<TW, TV, TD>(ref c2, RateOf<TW, TV, TD>(t2, _constantRate[2], segment, offset), ref left);
            Pay<TW, TV, TD>(ref c3, RateOf<TW, TV, TD>(t3, _constantRate[3], segment, offset), ref left);
            Pay<TW, TV, TD>(ref c4, RateOf<TW, TV, TD>(t4, _constantRate[4], segment, offset), ref left);
            Pay<TW, TV, TD>(ref c5, RateOf<TW, TV, TD>(t5, _constantRate[5], segment, offset), ref left);

            uint hits = TW.SignBits(TW.EqualTo(nextDay, TW.Create(day)));
            if (hits != 0)
            {
                ref long cap = ref s.Capital[0];
                TW.Store(c0, ref cap);
                TW.Store(c1, ref Unsafe.Add(ref cap, w));
                TW.Store(c2, ref Unsafe.Add(ref cap, 2 * w));
                TW.Store(c3, ref Unsafe.Add(ref cap, 3 * w));
                TW.Store(c4, ref Unsafe.Add(ref cap, 4 * w));
                TW.Store(c5, ref Unsafe.Add(ref cap, 5 * w));
                TW.Store(total, ref s.Total[0]);
                TakeLosses(losses, s, hits, day);
                c0 = TW.Load(ref cap);
                c1 = TW.Load(ref Unsafe.Add(ref cap, w));
                c2 = TW.Load(ref Unsafe.Add(ref cap, 2 * w));
                c3 = TW.Load(ref Unsafe.Add(ref cap, 3 * w));
                c4 = TW.Load(ref Unsafe.Add(ref cap, 4 * w));
                c5 = TW.Load(ref Unsafe.Add(ref cap, 5 * w));
                nextDay = TW.Load(ref s.NextDay[0]);
            }
        }

        ref long final = ref s.Capital[0];
        TW.Store(c0, ref final);
        TW.Store(c1, ref Unsafe.Add(ref final, w));
        TW.Store(c2, ref Unsafe.Add(ref final, 2 * w));
        TW.Store(c3, ref Unsafe.Add(ref final, 3 * w));
        TW.Store(c4, ref Unsafe.Add(ref final, 4 * w));
        TW.Store(c5, ref Unsafe.Add(ref final, 5 * w));
        s.Write(losses, first, _initial, outputs, days);
    }

    /// <summary>floor(min(1, coverage / total) · 2³²) per lane, for totals below 2⁶⁰ (see the class summary).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV UtilizationOf<TW, TV, TD>(TV total, long coverage)
        where TW : ILaneWidth<TV, TD>
        where TV : struct
        where TD : struct
    {
        // total as a double from two exactly converted 32-bit halves (2^52 + x has x in its mantissa).
        TV magicBits = TW.Create(TwoTo52Bits);
        TD magic = TW.CreateDouble(TwoTo52);
        TV hi = TW.ShiftRightLogical(total, 32);
        TV lo = TW.And(total, TW.Create(Low32));
        TD hiD = TW.SubtractDouble(TW.AsDouble(TW.Or(hi, magicBits)), magic);
        TD loD = TW.SubtractDouble(TW.AsDouble(TW.Or(lo, magicBits)), magic);
        TD totalD = TW.AddDouble(TW.MultiplyDouble(hiD, TW.CreateDouble(4294967296.0)), loD);

        // Round the estimate to an integer (ulp of 2^52 + q is 1), then make it the floor.
        TD estimate = TW.DivideDouble(TW.CreateDouble(coverage * 4294967296.0), totalD);
        TV q = TW.Min(TW.Subtract(TW.AsInt64(TW.AddDouble(estimate, magic)), magicBits), TW.Create(Low32));
        TV product = TW.Add(TW.MultiplyLow32(q, lo), TW.ShiftLeft(TW.MultiplyLow32(q, hi), 32));
        TV remainder = TW.Subtract(TW.Create(unchecked(coverage << 32)), product);
        q = TW.Add(q, TW.GreaterThan(TW.Create(0), remainder));
        q = TW.Subtract(q, TW.GreaterThan(remainder, TW.Subtract(total, TW.Create(1))));
        return TW.Select(TW.GreaterThan(total, TW.Create(coverage)), q, TW.Create(Utilization.One));
    }

    /// <summary>The tranche's daily rate at the lanes' utilization: <see cref="RateTable.Evaluate"/> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe TV RateOf<TW, TV, TD>(long* table, bool constant, TV segment, TV offset)
        where TW : ILaneWidth<TV, TD>
        where TV : struct
        where TD : struct
    {
        if (constant)
        {
            return TW.Create(table[0] & Low32);
        }

        TV entry = TW.Gather(table, segment);
        TV step = TW.ShiftRightLogical(entry, 32);
        return TW.Add(TW.And(entry, TW.Create(Low32)), TW.ShiftRightLogical(TW.MultiplyLow32(step, offset), RateTable.OffsetBits));
    }

    /// <summary>Pays min(floor(capital · rate / 2⁴²), left) into the capital.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pay<TW, TV, TD>(ref TV capital, TV rate, ref TV left)
        where TW : ILaneWidth<TV, TD>
        where TV : struct
        where TD : struct
    {
        TV high = TW.MultiplyLow32(TW.ShiftRightLogical(capital, 32), rate);
        TV low = TW.ShiftRightLogical(TW.MultiplyLow32(capital, rate), 32);
        TV due = TW.ShiftRightLogical(TW.Add(high, low), RateTable.FractionBits - 32);
        TV paid = TW.Min(due, left);
        capital = TW.Add(capital, paid);
        left = TW.Subtract(left, paid);
    }

    /// <summary>The loss step of the reference for the lanes that have a loss today.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void TakeLosses(Wf6LossDays losses, BlockState s, uint hits, int day)
    {
        int w = s.Width;
        while (hits != 0)
        {
            int k = BitOperations.TrailingZeroCount(hits);
            hits &= hits - 1;
            int index = s.Next[k]++;
            long loss = losses.Amounts[index];
            if (loss <= 0 || (s.Next[k] < s.End[k] && losses.Days[s.Next[k]] <= day))
            {
                throw new ArgumentException($"path {s.First + k}: loss days must increase and losses be positive (day {day}, loss {loss})");
            }

            if (s.BreakerDay[k] < 0 && (Int128)loss * 10_000 > (Int128)s.Total[k] * Terms.BreakerBps)
            {
                s.BreakerDay[k] = day;
            }

            long total = 0;
            for (int i = Tranches.Count - 1; i >= 0; i--)
            {
                ref long capital = ref s.Capital[(i * w) + k];
                long take = Math.Min(capital, loss);
                capital -= take;
                loss -= take;
                s.Absorbed[(i * w) + k] += take;
                if (capital == 0 && s.WipedDay[(i * w) + k] < 0)
                {
                    s.WipedDay[(i * w) + k] = day;
                }

                total += capital;
            }

            s.Shortfall[k] = Fixed.Add(s.Shortfall[k], loss);
            s.MinTotal[k] = Math.Min(s.MinTotal[k], total);
            s.NextDay[k] = s.Next[k] < s.End[k] ? losses.Days[s.Next[k]] : long.MaxValue;
        }
    }

    /// <summary>Per-lane state of one vector of paths, tranche-major where per tranche.</summary>
    private sealed class BlockState(int width)
    {
        public int Width { get; } = width;

        public int First { get; private set; }

        public long[] Capital { get; } = new long[Tranches.Count * width];

        public long[] Total { get; } = new long[width];

        public long[] NextDay { get; } = new long[width];

        public int[] Next { get; } = new int[width];

        public int[] End { get; } = new int[width];

        public long[] Absorbed { get; } = new long[Tranches.Count * width];

        public int[] WipedDay { get; } = new int[Tranches.Count * width];

        public int[] BreakerDay { get; } = new int[width];

        public long[] Shortfall { get; } = new long[width];

        public long[] MinTotal { get; } = new long[width];

        public void Reset(Wf6LossDays losses, int first, long[] initial)
        {
            First = first;
            long initialTotal = initial.Sum();
            for (int k = 0; k < Width; k++)
            {
                Next[k] = losses.Offsets[first + k];
                End[k] = losses.Offsets[first + k + 1];
                NextDay[k] = Next[k] < End[k] ? losses.Days[Next[k]] : long.MaxValue;
                BreakerDay[k] = -1;
                Shortfall[k] = 0;
                MinTotal[k] = initialTotal;
            }

            Array.Clear(Absorbed);
            Array.Fill(WipedDay, -1);
        }

        public void Write(Wf6LossDays losses, int first, long[] initial, Wf6Outputs outputs, int days)
        {
            for (int k = 0; k < Width; k++)
            {
                if (Next[k] != End[k])
                {
                    throw new ArgumentException($"path {first + k}: a loss day lies outside 1..{days}");
                }

                int lane = first + k;
                for (int i = 0; i < Tranches.Count; i++)
                {
                    long final = Capital[(i * Width) + k];
                    outputs.FinalCapitalOf(i)[lane] = final;
                    outputs.PremiumsOf(i)[lane] = final - initial[i] + Absorbed[(i * Width) + k];
                    outputs.WipedDayOf(i)[lane] = WipedDay[(i * Width) + k];
                }

                outputs.BreakerDay[lane] = BreakerDay[k];
                outputs.Shortfall[lane] = Shortfall[k];
                outputs.MinTotalCapital[lane] = MinTotal[k];
            }
        }
    }
}
