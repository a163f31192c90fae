namespace Backtest.Protocols.Reserve;

/// <summary>What the reserve state computation needs of one vault.</summary>
/// <param name="Price">Vault price in USD, 18-decimal fixed point.</param>
/// <param name="Decimals">Decimals of the vault token (balances are raw units).</param>
/// <param name="Balance">Raw vault-token units held by the reserve.</param>
/// <param name="Calibration">Governance weights and calibration price.</param>
public readonly record struct VaultPosition(Int128 Price, int Decimals, Int128 Balance, VaultCalibration Calibration);

/// <summary>
/// The reserve's weights at one moment (Gyroscope <c>ReserveManager.getReserveState</c>), one
/// entry per vault in registry order. Weights, values and returns are 18-decimal fixed point.
/// </summary>
/// <param name="ScheduledWeights">Governance weights interpolated over the transition.</param>
/// <param name="UsdValues">⌊price · balance scaled to 18 decimals⌋ per vault.</param>
/// <param name="TotalUsd">Σ USD values.</param>
/// <param name="CurrentWeights">⌊usd/total⌋, or the scheduled weights when the reserve is empty.</param>
/// <param name="WeightedReturns">⌊⌊price/priceAtCalibration⌋ · scheduled⌋: the price-drift-adjusted weight before normalising.</param>
/// <param name="ReturnsSum">Σ weighted returns.</param>
/// <param name="TargetWeights">⌈return/sum⌉ per vault, trimmed in registry order so they sum to exactly 1 (all 0 when the sum is 0).</param>
public sealed record ReserveStateSnapshot(
    Int128[] ScheduledWeights,
    Int128[] UsdValues,
    Int128 TotalUsd,
    Int128[] CurrentWeights,
    Int128[] WeightedReturns,
    Int128 ReturnsSum,
    Int128[] TargetWeights)
{
    /// <summary>Computes the state of the vaults at <paramref name="now"/> (unix seconds).</summary>
    public static ReserveStateSnapshot Compute(ReadOnlySpan<VaultPosition> vaults, long now)
    {
        int n = vaults.Length;
        var scheduled = new Int128[n];
        var usd = new Int128[n];
        Int128 total = 0;
        for (int i = 0; i < n; i++)
        {
            scheduled[i] = vaults[i].Calibration.ScheduledWeight(now);
            usd[i] = Wad.MulDown(vaults[i].Price, Wad.ScaleFrom(vaults[i].Balance, vaults[i].Decimals));
            total += usd[i];
        }

        var current = new Int128[n];
        for (int i = 0; i < n; i++)
        {
            // An empty reserve has no weights of its own; Gyroscope falls back to the schedule so
            // the first mint has to follow the governance weights.
            current[i] = total == 0 ? scheduled[i] : Wad.DivDown(usd[i], total);
        }

        var returns = new Int128[n];
        Int128 returnsSum = 0;
        for (int i = 0; i < n; i++)
        {
            returns[i] = Wad.MulDown(Wad.DivDown(vaults[i].Price, vaults[i].Calibration.PriceAtCalibration), scheduled[i]);
            returnsSum += returns[i];
        }

        return new ReserveStateSnapshot(scheduled, usd, total, current, returns, returnsSum, NormaliseTargets(returns, returnsSum));
    }

    /// <summary>
    /// Targets as Gyroscope rounds them: each ⌈r/R⌉, with the running sum capped at 1 so the
    /// last vaults in registry order absorb the excess of the upward rounding. Σ = 1 exactly
    /// whenever R &gt; 0; every target is 0 when R = 0 (all prices or weights zero).
    /// </summary>
    private static Int128[] NormaliseTargets(Int128[] returns, Int128 returnsSum)
    {
        var targets = new Int128[returns.Length];
        if (returnsSum == 0)
        {
            return targets;
        }

        Int128 assigned = 0;
        for (int i = 0; i < returns.Length; i++)
        {
            Int128 share = Wad.DivUp(returns[i], returnsSum);
            if (assigned + share > Wad.One)
            {
                share = Wad.One - assigned;
            }

            targets[i] = share;
            assigned += share;
        }

        return targets;
    }
}
