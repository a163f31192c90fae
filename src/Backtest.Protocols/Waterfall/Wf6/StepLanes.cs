using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backtest.Protocols.Waterfall.Wf6;

/// <summary>
/// What the WF6 day step needs at one vector width beyond the library's <see cref="Backtest.Numerics.Simd.IVectorWidth{TL, TD}"/>:
/// one table row per lane transposed into one vector per column (row loads and unpacks;
/// cheaper than a gather per column on the processors measured). Every path gives the same bits.
/// </summary>
internal interface IStepLanes<TV>
    where TV : struct
{
    /// <summary>
    /// For each lane, row <paramref name="row"/>[lane] of a table of rows of 8 longs, transposed:
    /// <paramref name="e0"/> holds every lane's column 0, …, <paramref name="e5"/> column 5
    /// (columns 6 and 7 are padding). Rows must be in range.
    /// </summary>
    static abstract unsafe void LoadRows(long* table, TV row, out TV e0, out TV e1, out TV e2, out TV e3, out TV e4, out TV e5);
}

internal readonly struct StepLanes128 : IStepLanes<Vector128<long>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void LoadRows(long* table, Vector128<long> row, out Vector128<long> e0, out Vector128<long> e1, out Vector128<long> e2, out Vector128<long> e3, out Vector128<long> e4, out Vector128<long> e5)
    {
        long* r0 = table + (row.GetElement(0) << 3), r1 = table + (row.GetElement(1) << 3);
        Transpose(Vector128.Load(r0), Vector128.Load(r1), out e0, out e1);
        Transpose(Vector128.Load(r0 + 2), Vector128.Load(r1 + 2), out e2, out e3);
        Transpose(Vector128.Load(r0 + 4), Vector128.Load(r1 + 4), out e4, out e5);
    }

    /// <summary>[a0, a1], [b0, b1] → [a0, b0], [a1, b1].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose(Vector128<long> a, Vector128<long> b, out Vector128<long> low, out Vector128<long> high)
    {
        if (Sse2.IsSupported)
        {
            low = Sse2.UnpackLow(a, b);
            high = Sse2.UnpackHigh(a, b);
        }
        else
        {
            low = Vector128.Create(a.GetElement(0), b.GetElement(0));
            high = Vector128.Create(a.GetElement(1), b.GetElement(1));
        }
    }
}

internal readonly struct StepLanes256 : IStepLanes<Vector256<long>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void LoadRows(long* table, Vector256<long> row, out Vector256<long> e0, out Vector256<long> e1, out Vector256<long> e2, out Vector256<long> e3, out Vector256<long> e4, out Vector256<long> e5)
    {
        long* r0 = table + (row.GetElement(0) << 3), r1 = table + (row.GetElement(1) << 3);
        long* r2 = table + (row.GetElement(2) << 3), r3 = table + (row.GetElement(3) << 3);
        if (Avx2.IsSupported)
        {
            // Columns 0-3: a 4 × 4 transpose of the four rows' first halves.
            Vector256<long> a = Vector256.Load(r0), b = Vector256.Load(r1), c = Vector256.Load(r2), d = Vector256.Load(r3);
            Vector256<long> ab0 = Avx2.UnpackLow(a, b), ab1 = Avx2.UnpackHigh(a, b), cd0 = Avx2.UnpackLow(c, d), cd1 = Avx2.UnpackHigh(c, d);
            e0 = Avx2.Permute2x128(ab0, cd0, 0x20);
            e1 = Avx2.Permute2x128(ab1, cd1, 0x20);
            e2 = Avx2.Permute2x128(ab0, cd0, 0x31);
            e3 = Avx2.Permute2x128(ab1, cd1, 0x31);

            // Columns 4-5: rows 0 and 2, then 1 and 3, in the two halves, then unpacked.
            Vector256<long> ac = Vector256.Create(Vector128.Load(r0 + 4), Vector128.Load(r2 + 4));
            Vector256<long> bd = Vector256.Create(Vector128.Load(r1 + 4), Vector128.Load(r3 + 4));
            e4 = Avx2.UnpackLow(ac, bd);
            e5 = Avx2.UnpackHigh(ac, bd);
        }
        else
        {
            e0 = Vector256.Create(r0[0], r1[0], r2[0], r3[0]);
            e1 = Vector256.Create(r0[1], r1[1], r2[1], r3[1]);
            e2 = Vector256.Create(r0[2], r1[2], r2[2], r3[2]);
            e3 = Vector256.Create(r0[3], r1[3], r2[3], r3[3]);
            e4 = Vector256.Create(r0[4], r1[4], r2[4], r3[4]);
            e5 = Vector256.Create(r0[5], r1[5], r2[5], r3[5]);
        }
    }
}

internal readonly struct StepLanes512 : IStepLanes<Vector512<long>>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void LoadRows(long* table, Vector512<long> row, out Vector512<long> e0, out Vector512<long> e1, out Vector512<long> e2, out Vector512<long> e3, out Vector512<long> e4, out Vector512<long> e5)
    {
        StepLanes256.LoadRows(table, row.GetLower(), out var l0, out var l1, out var l2, out var l3, out var l4, out var l5);
        StepLanes256.LoadRows(table, row.GetUpper(), out var h0, out var h1, out var h2, out var h3, out var h4, out var h5);
        e0 = Vector512.Create(l0, h0);
        e1 = Vector512.Create(l1, h1);
        e2 = Vector512.Create(l2, h2);
        e3 = Vector512.Create(l3, h3);
        e4 = Vector512.Create(l4, h4);
        e5 = Vector512.Create(l5, h5);
    }
}
