namespace Backtest.Protocols.Reserve;

/// <summary>
/// How the outside-band rule compares distances to the target. Gyroscope requires a vault that
/// ends outside its band to end strictly closer to its target than it started; the MYCO note
/// writes "new deviation ≤ old deviation".
/// </summary>
public enum ImprovementRule
{
    /// <summary>|resulting − target| &lt; |current − target| (Gyroscope, the default).</summary>
    StrictlyCloser,

    /// <summary>|resulting − target| ≤ |current − target| (the MYCO note's wording): an unchanged weight passes.</summary>
    NotFurther,
}

/// <summary>One token priced inside a vault, with its peg range if it is a stablecoin (18-decimal USD).</summary>
public readonly record struct PricedToken(bool IsStable, Int128 Price, Int128 PegFloor, Int128 PegCeiling)
{
    /// <summary>Gyroscope's default peg range for stable assets, [0.95, 1.05] (tests/support/types.py).</summary>
    public static readonly (Int128 Floor, Int128 Ceiling) DefaultPeg = (950_000_000_000_000_000, 1_050_000_000_000_000_000);

    /// <summary>Not a stablecoin, or a stablecoin inside its peg range (bounds inclusive).</summary>
    public bool OnPeg => !IsStable || (PegFloor <= Price && Price <= PegCeiling);

    /// <summary>A stablecoin priced under its floor: the only depeg that can block a mint.</summary>
    public bool BelowFloor => IsStable && Price < PegFloor;
}

/// <summary>One entry of an order as the reserve safety check sees it (registry order, every vault listed).</summary>
/// <param name="Balance">Raw vault-token units held by the reserve before the operation.</param>
/// <param name="Decimals">Decimals of the vault token.</param>
/// <param name="Price">Vault price, 18-decimal USD.</param>
/// <param name="CurrentWeight">Weight before the operation (from the reserve state).</param>
/// <param name="TargetWeight">Price-drift-adjusted target (from the reserve state).</param>
/// <param name="Amount">Raw units minted into or redeemed from the vault (gross, before fees).</param>
/// <param name="PricedTokens">The vault's underlying tokens with their prices and peg ranges.</param>
public sealed record SafetyOrderEntry(
    Int128 Balance,
    int Decimals,
    Int128 Price,
    Int128 CurrentWeight,
    Int128 TargetWeight,
    Int128 Amount,
    IReadOnlyList<PricedToken> PricedTokens);

/// <summary>Parameters of the reserve safety check (all 18-decimal).</summary>
/// <param name="MaxDeviation">Band half-width relative to the target (<c>maxAllowedVaultDeviation</c>): 0.1 in Gyroscope's deploy constants.</param>
/// <param name="MinTokenPrice">Prices below this are dust (<c>minTokenPrice</c>): 10⁻⁵ in the deploy constants.</param>
/// <param name="Improvement">How a vault outside its band must move.</param>
public sealed record ReserveSafetyParameters(Int128 MaxDeviation, Int128 MinTokenPrice, ImprovementRule Improvement = ImprovementRule.StrictlyCloser)
{
    /// <summary>Gyroscope's deployed values: ε = 0.1, minimum token price 10⁻⁵, strict improvement.</summary>
    public static ReserveSafetyParameters Gyroscope { get; } = new(100_000_000_000_000_000, 10_000_000_000_000);
}

/// <summary>
/// The reserve safety check's verdict and everything it computed. <see cref="Error"/> is null
/// when the operation is allowed. After a redeem-feasibility failure (56) nothing else was
/// computed and the arrays are empty.
/// </summary>
public sealed record ReserveSafetyResult(
    ReserveErrorCode? Error,
    Int128[] ResultingWeights,
    Int128 ResultingTotalUsd,
    bool[] WithinEpsilon,
    bool AllWithinEpsilon,
    bool SafeOutsideEpsilon,
    bool EpsilonSafe,
    bool[] VaultAllStablecoinsOnPeg,
    bool[] VaultAtLeastOnePriceLargeEnough,
    bool? StablecoinSafe)
{
    /// <summary>Whether the check let the operation through.</summary>
    public bool Allowed => Error is null;
}

/// <summary>
/// Gyroscope's <c>ReserveSafetyManager</c> (<c>isMintSafe</c> / <c>isRedeemSafe</c>): the weight
/// band around the price-drift-adjusted targets, the rebalancing-only rule outside it, the
/// dust-price rule and (on mints) the stablecoin peg rule.
/// </summary>
public static class ReserveSafetyCheck
{
    /// <summary>
    /// Checks an order. Redeem: any amount above its vault's balance → 56. Then a vault none of
    /// whose priced tokens reaches the minimum price → 55. Then the weight rule: resulting
    /// weights ⌊A·p/T⌋ (0 when T = 0) pass when every vault ends inside its band
    /// |target − resulting| ≤ ⌈target·ε⌉, or when every vault that ends outside moves closer
    /// (per <see cref="ReserveSafetyParameters.Improvement"/>); vaults ending inside are not
    /// examined. A mint must also be stablecoin-safe: all stables on peg, or none below its
    /// floor, or every off-peg vault's weight strictly falls. Failing the weight (or peg) rule
    /// gives 52 on mints and 53 on redeems.
    /// </summary>
    public static ReserveSafetyResult Evaluate(bool mint, IReadOnlyList<SafetyOrderEntry> order, ReserveSafetyParameters parameters)
    {
        int n = order.Count;
        if (!mint)
        {
            for (int i = 0; i < n; i++)
            {
                if (order[i].Amount > order[i].Balance)
                {
                    return new ReserveSafetyResult(ReserveErrorCode.RedeemMoreThanVaultContains, [], 0, [], false, false, false, [], [], null);
                }
            }
        }

        var resultingUsd = new Int128[n];
        Int128 total = 0;
        for (int i = 0; i < n; i++)
        {
            var e = order[i];
            Int128 resultingBalance = mint ? e.Balance + e.Amount : e.Balance - e.Amount;
            resultingUsd[i] = Wad.MulDown(Wad.ScaleFrom(resultingBalance, e.Decimals), e.Price);
            total += resultingUsd[i];
        }

        var resulting = new Int128[n];
        var bands = new (Int128 Target, Int128 Resulting)[n];
        for (int i = 0; i < n; i++)
        {
            resulting[i] = total == 0 ? Int128.Zero : Wad.DivDown(resultingUsd[i], total);
            bands[i] = (order[i].TargetWeight, resulting[i]);
        }

        bool[] within = WithinEpsilon(bands, parameters.MaxDeviation);
        bool allWithin = Array.TrueForAll(within, w => w);
        var moves = new (Int128 Target, Int128 Current, Int128 Resulting, bool Within)[n];
        for (int i = 0; i < n; i++)
        {
            moves[i] = (order[i].TargetWeight, order[i].CurrentWeight, resulting[i], within[i]);
        }

        bool safeOutside = SafeOutsideEpsilon(moves, parameters.Improvement);
        bool epsilonSafe = allWithin || safeOutside;

        var onPeg = new bool[n];
        var largeEnough = new bool[n];
        bool allOnPeg = true, allLargeEnough = true, anyBelowFloor = false;
        for (int i = 0; i < n; i++)
        {
            onPeg[i] = true;
            foreach (var token in order[i].PricedTokens)
            {
                onPeg[i] &= token.OnPeg;
                largeEnough[i] |= token.Price >= parameters.MinTokenPrice;
                anyBelowFloor |= token.BelowFloor;
            }

            allOnPeg &= onPeg[i];
            allLargeEnough &= largeEnough[i];
        }

        bool? stablecoinSafe = null;
        if (mint)
        {
            bool offPegWeightsFall = true;
            for (int i = 0; i < n; i++)
            {
                offPegWeightsFall &= onPeg[i] || resulting[i] < order[i].CurrentWeight;
            }

            stablecoinSafe = allOnPeg || !anyBelowFloor || offPegWeightsFall;
        }

        ReserveErrorCode? error =
            !allLargeEnough ? ReserveErrorCode.TokenPricesTooSmall
            : mint ? (epsilonSafe && stablecoinSafe == true ? null : ReserveErrorCode.NotSafeToMint)
            : (epsilonSafe ? null : ReserveErrorCode.NotSafeToRedeem);

        return new ReserveSafetyResult(error, resulting, total, within, allWithin, safeOutside, epsilonSafe, onPeg, largeEnough, stablecoinSafe);
    }

    /// <summary>
    /// The outside-band rule alone (<c>_safeToExecuteOutsideEpsilon</c>) over precomputed
    /// weights and band flags: true when every vault flagged outside moves closer to its target.
    /// </summary>
    public static bool SafeOutsideEpsilon(ReadOnlySpan<(Int128 Target, Int128 Current, Int128 Resulting, bool Within)> vaults, ImprovementRule rule)
    {
        foreach (var v in vaults)
        {
            if (v.Within)
            {
                continue;
            }

            Int128 after = Wad.AbsSub(v.Resulting, v.Target);
            Int128 before = Wad.AbsSub(v.Current, v.Target);
            if (rule == ImprovementRule.StrictlyCloser ? after >= before : after > before)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether each resulting weight is inside its band, |target − resulting| ≤ ⌈target·ε⌉ (<c>_updateMetaDataWithEpsilonStatus</c>).</summary>
    public static bool[] WithinEpsilon(ReadOnlySpan<(Int128 Target, Int128 Resulting)> vaults, Int128 maxDeviation)
    {
        var within = new bool[vaults.Length];
        for (int i = 0; i < vaults.Length; i++)
        {
            within[i] = Wad.AbsSub(vaults[i].Target, vaults[i].Resulting) <= Wad.MulUp(vaults[i].Target, maxDeviation);
        }

        return within;
    }
}
