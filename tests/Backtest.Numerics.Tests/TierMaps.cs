using System.Runtime.Intrinsics;
using Backtest.Numerics.Simd;

namespace Backtest.Numerics.Tests;

/// <summary>Runs a lane map on one named tier (1 = scalar, else the vector width in bits).</summary>
internal static class TierMaps
{
    public static double[] Log(int width, double[] x) => Run(new DeterministicMath.LogMap(), width, x);

    public static double[] Exp(int width, double[] x) => Run(new DeterministicMath.ExpMap(), width, x);

    public static double[] NormalQuantile(int width, double[] x) => Run(new DeterministicMath.NormalQuantileMap(), width, x);

    public static double[] Run<TMap>(TMap map, int width, double[] x)
        where TMap : struct, ILaneMap
    {
        var destination = new double[x.Length];
        switch (width)
        {
            case 1:
                LaneDriver.Map<TMap, ScalarWidth, long, double>(map, x, destination);
                break;
            case 128:
                LaneDriver.Map<TMap, Width128, Vector128<long>, Vector128<double>>(map, x, destination);
                break;
            case 256:
                LaneDriver.Map<TMap, Width256, Vector256<long>, Vector256<double>>(map, x, destination);
                break;
            case 512:
                LaneDriver.Map<TMap, Width512, Vector512<long>, Vector512<double>>(map, x, destination);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(width));
        }

        return destination;
    }
}
