namespace Backtest.Protocols.Reserve;

/// <summary>
/// Gyroscope's <c>StaticPercentageFeeHandler</c>: a per-vault, per-direction fee (18-decimal,
/// at most 0.2) applied after the safety checks, which see gross amounts. The fee stays in the
/// reserve.
/// </summary>
public static class ReserveFees
{
    /// <summary>The largest fee the handler accepts, 0.2.</summary>
    public static readonly Int128 MaxFee = 200_000_000_000_000_000;

    /// <summary>⌊amount · (1 − fee)⌋: what a mint is credited with or a redeem pays out.</summary>
    public static Int128 AfterFee(Int128 amount, Int128 fee) => Wad.MulDown(amount, Wad.One - fee);

    /// <summary>Refuses a fee outside [0, 0.2] the way the fee handler's setter does.</summary>
    public static Int128 Validate(Int128 fee, string what) =>
        fee < 0 || fee > MaxFee
            ? throw new ReserveGovernanceException(ReserveErrorCode.InvalidArgument, $"{what} {fee} is outside [0, {MaxFee}]")
            : fee;
}
