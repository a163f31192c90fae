using Backtest.Numerics.Lanes;

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
                LaneDriver.Map<TMap, ScalarLane>(map, x, destination);
                break;
            case 128:
                LaneDriver.Map<TMap, Lane128>(map, x, destination);
                break;
            case 256:
                LaneDriver.Map<TMap, Lane256>(map, x, destination);
                break;
            case 512:
                LaneDriver.Map<TMap, Lane512>(map, x, destination);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(width));
        }

        return destination;
    }
}
