using Backtest.Numerics;
using Backtest.Protocols.Ampleforth.Bonds;

namespace Backtest.Protocols.Ampleforth.Spot;

/// <summary>
/// The SPOT helper libraries' tranche arithmetic (spot-contracts <c>_utils/TrancheHelpers.sol</c>,
/// <c>BondTranchesHelpers.sol</c>, <c>PerpHelpers.sol</c>), for two-tranche bonds.
/// </summary>
public static class TrancheMath
{
    /// <summary>
    /// (claim, supply) of a tranche: after maturity the collateral the tranche holds; before, the
    /// senior's min(supply, C) or the junior's C − min(D − juniorSupply, C).
    /// </summary>
    public static (long Claim, long Supply) Collateralization(Tranche tranche)
    {
        var bond = tranche.Bond;
        long supply = tranche.TotalSupply;
        if (bond.IsMature)
        {
            return (bond.Collateral.BalanceOf(tranche.Account), supply);
        }

        if (bond.TrancheCount != 2)
        {
            throw new BondException(BondException.UnacceptableTrancheLength, $"{bond} has {bond.TrancheCount} tranches");
        }

        long collateral = bond.CollateralBalance;
        if (tranche.Index == 1)
        {
            long seniorClaim = Math.Min(bond.TotalDebt - supply, collateral);
            return (collateral - seniorClaim, supply);
        }

        return (Math.Min(supply, collateral), supply);
    }

    /// <summary>The value of <paramref name="amount"/> of a tranche in collateral: claim·amount/supply rounded up (TrancheManager.computeTrancheValue).</summary>
    public static long TrancheValue(Tranche tranche, long amount)
    {
        var (claim, supply) = Collateralization(tranche);
        if (supply == 0)
        {
            throw new BondException(BondException.DivisionByZero, $"{tranche} has no supply to value against");
        }

        return Fixed.MulDiv(claim, amount, supply, Rounding.Ceiling);
    }

    /// <summary>
    /// The largest ratio-matched (senior, junior) amounts redeemable early from the given
    /// balances: the junior balance trimmed to a multiple of its ratio and the seniors it needs;
    /// if the seniors fall short, the senior balance trimmed to a multiple of its ratio and the
    /// juniors it needs. If one amount is zero both are.
    /// </summary>
    public static (long Senior, long Junior) RedeemableTrancheAmounts(int seniorRatio, int juniorRatio, long seniorBalance, long juniorBalance)
    {
        long junior = juniorBalance - (juniorBalance % juniorRatio);
        long senior = Fixed.MulDiv(junior, seniorRatio, juniorRatio, Rounding.Floor);
        if (senior > seniorBalance)
        {
            senior = seniorBalance - (seniorBalance % seniorRatio);
            junior = Fixed.MulDiv(senior, juniorRatio, seniorRatio, Rounding.Floor);
        }

        return (senior, junior);
    }

    /// <summary>
    /// PerpHelpers.estimateUnderlyingAmtToTranche: the seniors S = ceil(ceil(X·TVL/supply)·S_A/claim_A)
    /// to mint X perps, and the collateral Y = ceil(ceil(S·C/D)·1000/r) to tranche for them (each
    /// factor skipped when its denominator is empty). Over-estimates, never under.
    /// </summary>
    public static (long UnderlyingToTranche, long SeniorToDeposit) EstimateUnderlyingAmtToTranche(
        long perpTVL, long perpSupply, long bondCollateral, long bondTotalDebt, long seniorSupply, int seniorRatio, long perpAmtToMint)
    {
        long seniors = perpSupply > 0 ? Fixed.MulDiv(perpAmtToMint, perpTVL, perpSupply, Rounding.Ceiling) : perpAmtToMint;
        if (seniorSupply > 0)
        {
            long claim = Math.Min(seniorSupply, bondCollateral);
            if (claim == 0)
            {
                throw new BondException(BondException.DivisionByZero, "the deposit senior has no collateral claim");
            }

            seniors = Fixed.MulDiv(seniors, seniorSupply, claim, Rounding.Ceiling);
        }

        long underlying = bondTotalDebt > 0 ? Fixed.MulDiv(seniors, bondCollateral, bondTotalDebt, Rounding.Ceiling) : seniors;
        underlying = Fixed.MulDiv(underlying, BondController.TrancheRatioGranularity, seniorRatio, Rounding.Ceiling);
        return (underlying, seniors);
    }
}
