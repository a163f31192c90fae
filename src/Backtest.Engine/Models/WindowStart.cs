namespace Backtest.Engine.Models;

/// <summary>
/// A per-step quantity as it stood at the start of the run window, the base the
/// <see cref="Metrics.RunObserver"/> measures window redemptions against: snapshot 0 is the state
/// before step 0, snapshot s + 1 the state after step s, and the window ending at step s starts at
/// snapshot max(0, s + 1 − window). Models report critical fractions through it, so
/// <c>min_headroom</c> compares a critical fraction and a redemption share of the same claims.
/// </summary>
internal sealed class WindowStart(int steps, int window)
{
    private readonly double[] snapshots = new double[steps + 1];

    /// <summary>The value before step 0.</summary>
    public void Begin(double value) => snapshots[0] = value;

    /// <summary>Records the value after <paramref name="step"/> and returns the value at the start of the window ending there.</summary>
    public double Record(int step, double value)
    {
        snapshots[step + 1] = value;
        return snapshots[Math.Max(0, step + 1 - window)];
    }
}
