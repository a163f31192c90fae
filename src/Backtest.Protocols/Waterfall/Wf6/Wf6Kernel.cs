using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Backtest.Numerics;
using Backtest.Numerics.Simd;

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
/// <item>Rates come from the <see cref="RateTable"/> entries packed as (T[j+1] − T[j]) | T[j] &lt;&lt; 32,
/// all six tranches of a segment in one 64-byte row (one row load per lane), and due = floor(capital · rate / 2⁴²) is
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

    /// <summary>Longs per row of <see cref="_rows"/>.</summary>
    private const int RowLongs = 8;

    private readonly long[] _rows;
    private readonly long[] _initial;
    private readonly long _premium;
    private readonly long _coverage;

    /// <summary>Paths run together, days outside and vectors inside: their state fits the first-level cache.</summary>
    private const int ChunkPaths = 64;

    public Wf6Kernel(Wf6Terms terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        terms.Validate();
        Terms = terms;
        DailyRates = terms.DailyRates();
        _initial = terms.InitialCapital.ToArray();
        _premium = terms.DailyPremium;
        _coverage = terms.CoverageSold;

        // One 64-byte row per segment: tranche i's entry (T[j+1] − T[j]) | T[j] << 32 in column i
        // (the step in the low half, where a 32 × 32-bit multiply reads it), two columns of
        // padding. Pinned so the kernel can take its address.
        _rows = GC.AllocateArray<long>(RowLongs * (RateTable.Segments + 1), pinned: true);
        for (int i = 0; i < Tranches.Count; i++)
        {
            var values = DailyRates[i].Values;
            var steps = DailyRates[i].Steps;
            for (int j = 0; j <= RateTable.Segments; j++)
            {
                _rows[(j * RowLongs) + i] = steps[j] | (values[j] << 32);
            }
        }
    }

    public Wf6Terms Terms { get; }

    /// <summary>The daily rate tables, senior first.</summary>
    public IReadOnlyList<RateTable> DailyRates { get; }

    /// <summary>
    /// Runs every path of <paramref name="losses"/> into <paramref name="outputs"/> (index i = path
    /// i of the batch) at <paramref name="tier"/>: <see cref="SimdTier.Scalar"/> is the reference,
    /// one path at a time; the vector tiers give the same bits. A vector tier that is not
    /// accelerated in this process still runs, in software.
    /// </summary>
    public void Run(Wf6LossDays losses, Wf6Outputs outputs, SimdTier tier)
    {
        switch (tier)
        {
            case SimdTier.Scalar:
                RunScalar(losses, outputs, 0);
                break;
            case SimdTier.Vector128:
                RunVector<Width128, StepLanes128, Vector128<long>, Vector128<double>>(losses, outputs);
                break;
            case SimdTier.Vector256:
                RunVector<Width256, StepLanes256, Vector256<long>, Vector256<double>>(losses, outputs);
                break;
            case SimdTier.Vector512:
                RunVector<Width512, StepLanes512, Vector512<long>, Vector512<double>>(losses, outputs);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(tier), tier, "unknown SIMD tier");
        }
    }

    /// <summary>
    /// Runs every path of <paramref name="losses"/> in vectors of <typeparamref name="TW"/>'s
    /// width, the paths that do not fill a vector with the reference.
    /// </summary>
    private unsafe void RunVector<TW, TS, TV, TD>(Wf6LossDays losses, Wf6Outputs outputs)
        where TW : IVectorWidth<TV, TD>
        where TS : IStepLanes<TV>
        where TV : struct
        where TD : struct
    {
        RequireCapacity(losses, outputs);
        int vectorPaths = losses.Paths - (losses.Paths % TW.Count);
        var state = new ChunkState(Math.Min(ChunkPaths, vectorPaths));
        long* rows = (long*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_rows));
        for (int first = 0; first < vectorPaths; first += ChunkPaths)
        {
            RunChunk<TW, TS, TV, TD>(losses, first, Math.Min(ChunkPaths, vectorPaths - first), state, rows, outputs);
        }

        RunScalar(losses, outputs, vectorPaths);
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

    /// <summary>
    /// Days outside, vectors inside: consecutive vectors of a day are independent, so the
    /// processor overlaps their long dependency chains (one vector's day is a chain of about a
    /// hundred cycles). The chunk's state stays in the first-level cache. Compiled optimised at
    /// once: a run calls it a few hundred times, too few for tiered compilation to get there early.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void RunChunk<TW, TS, TV, TD>(Wf6LossDays losses, int first, int count, ChunkState s, long* rows, Wf6Outputs outputs)
        where TW : IVectorWidth<TV, TD>
        where TS : IStepLanes<TV>
        where TV : struct
        where TD : struct
    {
        int days = Terms.Days;
        s.Reset(losses, first, count, _initial, days);
        var k = new Constants<TW, TS, TV, TD>(_coverage);
        TV premium = TW.Broadcast(_premium);
        TV offsetMask = TW.Broadcast((1L << RateTable.OffsetBits) - 1);
        int stride = s.Stride;
        ref long capital = ref s.Capital[0];
        ref long totals = ref s.Total[0];
        ref long startTotals = ref s.StartOfDayTotal[0];
        ref long utilization = ref s.Utilization[0];

        for (int day = 1; day <= days; day++)
        {
            // Two passes over the chunk split each vector's day into two shorter dependency
            // chains (utilization; then rates, dues and payments), so more vectors are in flight.
            for (int v = 0; v < count; v += TW.Count)
            {
                TW.Store(UtilizationOf<TW, TS, TV, TD>(TW.Load(in totals, (nuint)v), in k), ref utilization, (nuint)v);
            }

            for (int v = 0; v < count; v += TW.Count)
            {
                TV u = TW.Load(in utilization, (nuint)v);
                TS.LoadRows(rows, TW.ShiftRightLogical(u, RateTable.OffsetBits), out TV e0, out TV e1, out TV e2, out TV e3, out TV e4, out TV e5);
                TV offset = TW.And(u, offsetMask);
                ref long c = ref Unsafe.Add(ref capital, v);
                TV c0 = TW.Load(in c, 0), c1 = TW.Load(in c, (nuint)stride), c2 = TW.Load(in c, (nuint)(2 * stride));
                TV c3 = TW.Load(in c, (nuint)(3 * stride)), c4 = TW.Load(in c, (nuint)(4 * stride)), c5 = TW.Load(in c, (nuint)(5 * stride));

                // Senior first: through tranche i the premium pays min(P, Σ_{j≤i} due_j) in all,
                // so tranche i gets the difference of two such minima; the same integers as
                // paying each in turn from what is left, with a shorter dependency chain.
                TV paid0 = TW.Min(Due<TW, TS, TV, TD>(c0, RateOf<TW, TS, TV, TD>(e0, offset)), premium);
                TV sum1 = TW.Add(paid0, Due<TW, TS, TV, TD>(c1, RateOf<TW, TS, TV, TD>(e1, offset)));
                TV paid1 = TW.Min(sum1, premium);
                TV sum2 = TW.Add(sum1, Due<TW, TS, TV, TD>(c2, RateOf<TW, TS, TV, TD>(e2, offset)));
                TV paid2 = TW.Min(sum2, premium);
                TV sum3 = TW.Add(sum2, Due<TW, TS, TV, TD>(c3, RateOf<TW, TS, TV, TD>(e3, offset)));
                TV paid3 = TW.Min(sum3, premium);
                TV sum4 = TW.Add(sum3, Due<TW, TS, TV, TD>(c4, RateOf<TW, TS, TV, TD>(e4, offset)));
                TV paid4 = TW.Min(sum4, premium);
                TV sum5 = TW.Add(sum4, Due<TW, TS, TV, TD>(c5, RateOf<TW, TS, TV, TD>(e5, offset)));
                TV paid5 = TW.Min(sum5, premium);
                TW.Store(TW.Add(c0, paid0), ref c, 0);
                TW.Store(TW.Add(c1, TW.Subtract(paid1, paid0)), ref c, (nuint)stride);
                TW.Store(TW.Add(c2, TW.Subtract(paid2, paid1)), ref c, (nuint)(2 * stride));
                TW.Store(TW.Add(c3, TW.Subtract(paid3, paid2)), ref c, (nuint)(3 * stride));
                TW.Store(TW.Add(c4, TW.Subtract(paid4, paid3)), ref c, (nuint)(4 * stride));
                TW.Store(TW.Add(c5, TW.Subtract(paid5, paid4)), ref c, (nuint)(5 * stride));
                ref long total = ref Unsafe.Add(ref totals, v);
                TV startOfDay = TW.Load(in total, 0);
                TW.Store(startOfDay, ref startTotals, (nuint)v);
                TW.Store(TW.Add(startOfDay, paid5), ref total, 0);
            }

            TakeLosses(losses.Amounts, s, day);
        }

        s.Write(first, count, _initial, outputs);
    }

    /// <summary>
    /// floor(min(1, coverage / total) · 2³²) per lane, for 0 ≤ total &lt; 2⁶⁰ (see the class summary).
    /// The estimate divides coverage · 2²⁴ by floor(total / 2⁸), both exact doubles: its relative
    /// error is below 2⁻⁴³, so it is within 0.001 of the real quotient (below 2³² when
    /// total &gt; coverage) and rounds to the floor or one above; a negative remainder
    /// coverage · 2³² − q · total (exact mod 2⁶⁴, as |remainder| &lt; 2⁶⁰) means one above.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV UtilizationOf<TW, TS, TV, TD>(TV total, in Constants<TW, TS, TV, TD> k)
        where TW : IVectorWidth<TV, TD>
        where TS : IStepLanes<TV>
        where TV : struct
        where TD : struct
    {
        // 2^52 + x holds x < 2^52 exactly in its mantissa, so or-ing the bits converts x exactly.
        TD scaled = TW.SubtractDouble(TW.AsDouble(TW.Or(TW.ShiftRightLogical(total, 8), k.MagicBits)), k.Magic);
        TD estimate = TW.DivideDouble(k.CoverageTimes2To24, scaled);
        TV q = TW.Min(TW.Subtract(TW.AsInt64(TW.AddDouble(estimate, k.Magic)), k.MagicBits), k.Low32);
        TV product = TW.Add(TW.MultiplyLow32(q, total), TW.ShiftLeft(TW.MultiplyLow32(q, TW.ShiftRightLogical(total, 32)), 32));
        TV remainder = TW.Subtract(k.CoverageShifted, product);
        q = TW.Add(q, TW.GreaterThan(k.Zero, remainder));
        return TW.Select(TW.GreaterThan(total, k.Coverage), q, k.One);
    }

    /// <summary>The tranche's daily rate at the lanes' utilization from its table entry: <see cref="RateTable.Evaluate"/> per lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV RateOf<TW, TS, TV, TD>(TV entry, TV offset)
        where TW : IVectorWidth<TV, TD>
        where TS : IStepLanes<TV>
        where TV : struct
        where TD : struct
    {
        return TW.Add(TW.ShiftRightLogical(entry, 32), TW.ShiftRightLogical(TW.MultiplyLow32(entry, offset), RateTable.OffsetBits));
    }

    /// <summary>floor(capital · rate / 2⁴²) per lane, from 32 × 32-bit products.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Due<TW, TS, TV, TD>(TV capital, TV rate)
        where TW : IVectorWidth<TV, TD>
        where TS : IStepLanes<TV>
        where TV : struct
        where TD : struct
    {
        TV high = TW.MultiplyLow32(TW.ShiftRightLogical(capital, 32), rate);
        TV low = TW.ShiftRightLogical(TW.MultiplyLow32(capital, rate), 32);
        return TW.ShiftRightLogical(TW.Add(high, low), RateTable.FractionBits - 32);
    }

    /// <summary>The loss step of the reference for the lanes with a loss today (the chunk's schedule).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void TakeLosses(ReadOnlySpan<long> amounts, ChunkState s, int day)
    {
        int stride = s.Stride;
        long[] capital = s.Capital, absorbed = s.Absorbed;
        int[] wiped = s.WipedDay;
        for (int e = s.DayStart[day - 1], end = s.DayStart[day]; e < end; e++)
        {
            int k = s.EventLane[e];
            long loss = amounts[s.EventIndex[e]];
            if (s.BreakerDay[k] < 0 && (Int128)loss * 10_000 > (Int128)s.StartOfDayTotal[k] * Terms.BreakerBps)
            {
                s.BreakerDay[k] = day;
            }

            long total = 0;
            for (int i = (Tranches.Count - 1) * stride; i >= 0; i -= stride)
            {
                long take = Math.Min(capital[i + k], loss);
                long left = capital[i + k] - take;
                capital[i + k] = left;
                loss -= take;
                absorbed[i + k] += take;
                if (left == 0 && wiped[i + k] < 0)
                {
                    wiped[i + k] = day;
                }

                total += left;
            }

            s.Shortfall[k] = Fixed.Add(s.Shortfall[k], loss);
            s.Total[k] = total;
            s.MinTotal[k] = Math.Min(s.MinTotal[k], total);
        }
    }

    /// <summary>Vectors the utilization needs every day, built once per chunk.</summary>
    private readonly struct Constants<TW, TS, TV, TD>
        where TW : IVectorWidth<TV, TD>
        where TS : IStepLanes<TV>
        where TV : struct
        where TD : struct
    {
        public Constants(long coverage)
        {
            Coverage = TW.Broadcast(coverage);
            CoverageShifted = TW.Broadcast(unchecked(coverage << 32));
            CoverageTimes2To24 = TW.BroadcastDouble(coverage * 16777216.0);
            Magic = TW.BroadcastDouble(4503599627370496.0);
            MagicBits = TW.Broadcast(0x4330_0000_0000_0000L);
            Low32 = TW.Broadcast(Wf6Kernel.Low32);
            One = TW.Broadcast(Utilization.One);
            Zero = TW.Broadcast(0);
        }

        public TV Coverage { get; }

        /// <summary>coverage · 2³² mod 2⁶⁴.</summary>
        public TV CoverageShifted { get; }

        /// <summary>coverage · 2²⁴ as a double (its rounding of coverage only moves the estimate, which the remainder corrects).</summary>
        public TD CoverageTimes2To24 { get; }

        /// <summary>2⁵² as a double, and its bits.</summary>
        public TD Magic { get; }

        public TV MagicBits { get; }

        public TV Low32 { get; }

        public TV One { get; }

        public TV Zero { get; }
    }

    /// <summary>Per-lane state of a chunk of paths, tranche-major where per tranche (index tranche · stride + lane).</summary>
    private sealed class ChunkState(int stride)
    {
        public int Stride { get; } = stride;

        public int First { get; private set; }

        public long[] Capital { get; } = new long[Tranches.Count * stride];

        /// <summary>Total capital per lane: at the start of the day in the first pass, at its end after the second.</summary>
        public long[] Total { get; } = new long[stride];

        /// <summary>Today's utilization per lane, from the first pass.</summary>
        public long[] Utilization { get; } = new long[stride];

        /// <summary>Total capital per lane at the start of today, for the breaker.</summary>
        public long[] StartOfDayTotal { get; } = new long[stride];

        /// <summary>The chunk's losses by day: those of day d are entries DayStart[d − 1] … DayStart[d] − 1.</summary>
        public int[] DayStart { get; private set; } = [];

        /// <summary>The lane of each scheduled loss.</summary>
        public int[] EventLane { get; private set; } = [];

        /// <summary>Each scheduled loss's index in the batch's loss days.</summary>
        public int[] EventIndex { get; private set; } = [];

        public long[] Absorbed { get; } = new long[Tranches.Count * stride];

        public int[] WipedDay { get; } = new int[Tranches.Count * stride];

        public int[] BreakerDay { get; } = new int[stride];

        public long[] Shortfall { get; } = new long[stride];

        public long[] MinTotal { get; } = new long[stride];

        public void Reset(Wf6LossDays losses, int first, int count, long[] initial, int days)
        {
            First = first;
            long initialTotal = initial.Sum();
            Schedule(losses, first, count, days);
            for (int k = 0; k < count; k++)
            {
                for (int i = 0; i < Tranches.Count; i++)
                {
                    Capital[(i * Stride) + k] = initial[i];
                    Absorbed[(i * Stride) + k] = 0;
                    WipedDay[(i * Stride) + k] = -1;
                }

                BreakerDay[k] = -1;
                Shortfall[k] = 0;
                Total[k] = initialTotal;
                MinTotal[k] = initialTotal;
            }
        }

        public void Write(int first, int count, long[] initial, Wf6Outputs outputs)
        {
            for (int k = 0; k < count; k++)
            {
                int lane = first + k;
                for (int i = 0; i < Tranches.Count; i++)
                {
                    long final = Capital[(i * Stride) + k];
                    outputs.FinalCapitalOf(i)[lane] = final;
                    outputs.PremiumsOf(i)[lane] = final - initial[i] + Absorbed[(i * Stride) + k];
                    outputs.WipedDayOf(i)[lane] = WipedDay[(i * Stride) + k];
                }

                outputs.BreakerDay[lane] = BreakerDay[k];
                outputs.Shortfall[lane] = Shortfall[k];
                outputs.MinTotalCapital[lane] = MinTotal[k];
            }
        }

        /// <summary>
        /// Sorts the chunk's losses by day (counting sort; lanes in order within a day), refusing
        /// loss days that do not increase within 1..days or losses that are not positive, as the
        /// reference does.
        /// </summary>
        private void Schedule(Wf6LossDays losses, int first, int count, int days)
        {
            int begin = losses.Offsets[first], end = losses.Offsets[first + count];
            if (DayStart.Length < days + 1)
            {
                DayStart = new int[days + 1];
            }

            if (EventLane.Length < end - begin)
            {
                EventLane = new int[Math.Max(end - begin, 2 * EventLane.Length)];
                EventIndex = new int[EventLane.Length];
            }

            Array.Clear(DayStart, 0, days + 1);
            for (int k = 0; k < count; k++)
            {
                int previous = 0;
                for (int e = losses.Offsets[first + k]; e < losses.Offsets[first + k + 1]; e++)
                {
                    int day = losses.Days[e];
                    if (day <= previous || day > days || losses.Amounts[e] <= 0)
                    {
                        throw new ArgumentException($"path {first + k}: loss days must increase within 1..{days} and losses be positive (day {day}, loss {losses.Amounts[e]})");
                    }

                    previous = day;
                    DayStart[day]++;
                }
            }

            for (int d = 1; d <= days; d++)
            {
                DayStart[d] += DayStart[d - 1];
            }

            // Fill from the back so each day's entries end up in lane order.
            for (int k = count - 1; k >= 0; k--)
            {
                for (int e = losses.Offsets[first + k + 1] - 1; e >= losses.Offsets[first + k]; e--)
                {
                    int slot = --DayStart[losses.Days[e]];
                    EventLane[slot] = k;
                    EventIndex[slot] = e;
                }
            }

            // Each DayStart[d] has been counted down to the start of day d's entries; shift so
            // that day d's entries are DayStart[d − 1] … DayStart[d] − 1.
            for (int d = 0; d < days; d++)
            {
                DayStart[d] = DayStart[d + 1];
            }

            DayStart[days] = end - begin;
        }
    }
}
