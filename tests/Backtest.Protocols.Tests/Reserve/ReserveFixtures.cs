using Backtest.Protocols.Reserve;

namespace Backtest.Protocols.Tests.Reserve;

internal static class ReserveFixtures
{
    public static readonly Int128 One = Wad.One;

    /// <summary>x as an 18-decimal value (x given in thousandths for weights and prices).</summary>
    public static Int128 Milli(long thousandths) => thousandths * (One / 1000);

    public static Int128 Tokens(long whole) => whole * One;

    /// <summary>A reserve of stable 18-decimal vaults at price 1 with the given balances and calibrated weights (thousandths).</summary>
    public static TranchedReserve Stable(long[] balances, long[] weightsMilli, FlowLimit? limit = null, Int128? mintFee = null, Int128? redeemFee = null)
    {
        var flow = limit ?? new FlowLimit(FlowLimit.MemoryForHalfLife(1579), Tokens(1_000_000_000));
        var vaults = balances.Select((_, i) => new ReserveVault($"V{i + 1}", 18, true, PricedToken.DefaultPeg.Floor, PricedToken.DefaultPeg.Ceiling, mintFee ?? 0, redeemFee ?? 0, flow)).ToArray();
        var calibrations = weightsMilli.Select(w => new VaultCalibration(One, Milli(w), Milli(w), 0, 1)).ToArray();
        return new TranchedReserve(vaults, [.. balances.Select(Tokens)], [.. balances.Select(_ => One)], calibrations, ReserveSafetyParameters.Gyroscope, FlowGuardParameters.Gyroscope);
    }

    public static Int128[] Amounts(params long[] whole) => [.. whole.Select(Tokens)];
}
