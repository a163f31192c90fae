namespace Backtest.Market;

/// <summary>
/// A regular time axis: <see cref="Length"/> steps, each with one key (a date, a month, an
/// instant), consecutive and evenly spaced. <c>TryStepOf(KeyOf(k))</c> gives back k.
/// </summary>
public interface ITimeAxis<TKey>
{
    /// <summary>Number of steps.</summary>
    int Length { get; }

    /// <summary>The key of step <paramref name="step"/> (0-based); throws <see cref="ArgumentOutOfRangeException"/> off the axis.</summary>
    TKey KeyOf(int step);

    /// <summary>The step whose key is <paramref name="key"/>; false (and −1) if no step has it.</summary>
    bool TryStepOf(TKey key, out int step);
}
