namespace Backtest.Protocols.Reserve;

/// <summary>
/// A vault's calibration as governance last set it (Gyroscope's <c>PersistedVaultMetadata</c>
/// without the flow parameters): the weight being moved to, the weight it starts from, when the
/// move began and how long it takes, and the vault price at calibration from which price drift
/// is measured. Weights and prices are 18-decimal fixed point; times are unix seconds.
/// </summary>
public readonly record struct VaultCalibration(
    Int128 PriceAtCalibration,
    Int128 WeightAtCalibration,
    Int128 WeightAtPreviousCalibration,
    long TimeOfCalibration,
    long WeightTransitionDuration)
{
    /// <summary>
    /// The governance weight at <paramref name="now"/> (<c>scheduleWeight</c>): the previous
    /// weight moved linearly toward the calibrated weight over the transition duration,
    /// prev + (cur − prev)·min(elapsed/duration, 1). The step is rounded down, so the result is
    /// rounded toward the previous weight; at or past the end (and for duration 0) it is
    /// exactly the calibrated weight. A time before the calibration reverts ("underflow"),
    /// as the contract's checked subtraction does.
    /// </summary>
    public Int128 ScheduledWeight(long now)
    {
        if (now < TimeOfCalibration)
        {
            throw new ReserveArithmeticException(
                ReserveErrorCode.Underflow,
                $"schedule read at {now}, before its calibration time {TimeOfCalibration}");
        }

        long elapsed = now - TimeOfCalibration;
        if (elapsed >= WeightTransitionDuration)
        {
            return WeightAtCalibration;
        }

        Int128 fraction = Wad.DivDown(elapsed, WeightTransitionDuration);
        Int128 step = Wad.MulDown(Wad.AbsSub(WeightAtCalibration, WeightAtPreviousCalibration), fraction);
        return WeightAtCalibration > WeightAtPreviousCalibration
            ? WeightAtPreviousCalibration + step
            : WeightAtPreviousCalibration - step;
    }
}
