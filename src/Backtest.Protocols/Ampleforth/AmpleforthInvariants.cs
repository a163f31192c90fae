using System.Numerics;
using Backtest.Numerics;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Spot;
using Backtest.Protocols.Ampleforth.Tokens;

namespace Backtest.Protocols.Ampleforth;

/// <summary>The outcome of one invariant check: whether it holds and the numbers behind the verdict.</summary>
public readonly record struct InvariantResult(string Name, bool Holds, string Detail)
{
    public override string ToString() => $"{Name}: {(Holds ? "holds" : "VIOLATED")} ({Detail})";
}

/// <summary>
/// The system invariants a replay checks every day. Each is computed independently of the code
/// path it checks (exact rationals, raw balances), so a model defect shows as a violation.
/// </summary>
public static class AmpleforthInvariants
{
    /// <summary>
    /// AMPL is conserved: transfers move gons exactly, so the gons of all accounts (holders, bonds,
    /// tranches, perp, vault) always sum to TOTAL_GONS; a rebase only changes the conversion rate.
    /// Read in base units, Σ balances lies in [supply − holders, supply] (each read rounds down).
    /// </summary>
    public static InvariantResult AmplConservation(AmplToken token)
    {
        BigInteger gons = BigInteger.Zero;
        BigInteger balances = BigInteger.Zero;
        int holders = 0;
        foreach (var (account, g) in token.GonHolders)
        {
            gons += g.ToBigInteger();
            balances += token.BalanceOf(account);
            holders++;
        }

        bool gonsConserved = gons == AmplToken.TotalGons.ToBigInteger();
        bool balancesBounded = balances <= token.TotalSupply && balances >= token.TotalSupply - holders;
        return new InvariantResult(
            "AMPL conservation",
            gonsConserved && balancesBounded,
            $"Σgons {(gonsConserved ? "=" : "≠")} TOTAL_GONS; Σbalances {balances} vs supply {token.TotalSupply} over {holders} holders");
    }

    /// <summary>Buttonwood's own invariant: total debt equals the sum of the tranche supplies.</summary>
    public static InvariantResult BondDebt(BondController bond)
    {
        long supplies = bond.Tranches.Sum(t => t.TotalSupply);
        return new InvariantResult($"{bond} debt", supplies == bond.TotalDebt, $"totalDebt {bond.TotalDebt}, Σ tranche supplies {supplies}");
    }

    /// <summary>
    /// The v5 deviation ratio the model reports equals the contracts' fixed-point definition of
    /// vaultTVL ÷ perpTVL ÷ targetSystemRatio: it lies within one unit (10⁻⁸) below the exact
    /// quotient, the most two floor divisions can lose when the target is at least 1.
    /// </summary>
    public static InvariantResult DeviationRatio(long perpTVL, long vaultTVL, long targetSystemRatio, Int128 reported)
    {
        if (perpTVL <= 0 || targetSystemRatio <= 0)
        {
            return new InvariantResult("deviation ratio", false, $"undefined for perpTVL {perpTVL}, target {targetSystemRatio}");
        }

        BigInteger one = SpotFeePolicy.One;
        BigInteger exact = (BigInteger)vaultTVL * one * one / ((BigInteger)perpTVL * targetSystemRatio);
        BigInteger slack = targetSystemRatio >= one ? 1 : (one + targetSystemRatio - 1) / targetSystemRatio;
        bool holds = (BigInteger)reported <= exact && (BigInteger)reported >= exact - slack;
        return new InvariantResult("deviation ratio", holds, $"reported {reported}, exact floor {exact}");
    }

    /// <summary>The deviation-ratio check on a live v5 system.</summary>
    public static InvariantResult DeviationRatio(RolloverVault vault)
    {
        if (vault.FeePolicy is not DeviationFeePolicy policy)
        {
            return new InvariantResult("deviation ratio", false, $"SPOT {vault.Version} does not define the system ratio");
        }

        var s = vault.QuerySystemTvl();
        return DeviationRatio(s.PerpTVL, s.VaultTVL, policy.TargetSystemRatio, vault.DeviationRatio());
    }

    /// <summary>
    /// A senior is worth par exactly when its bond still covers it: before maturity the perp
    /// values a unit of senior at 1 if and only if the bond's collateral C is at least the senior
    /// supply, i.e. the bond's CDR (C/D) is at least the senior's share of the debt (the tranche
    /// ratio up to rounding dust). Checks the perp's valuation against that rule.
    /// </summary>
    public static InvariantResult SeniorAtPar(PerpetualTranche perp, BondController bond)
    {
        if (bond.IsMature || bond.TrancheCount != 2 || bond.Senior.TotalSupply == 0)
        {
            return new InvariantResult($"{bond} senior par", true, "not applicable (mature, not two tranches, or empty)");
        }

        long unit = Fixed.One;
        bool covered = bond.CollateralBalance >= bond.Senior.TotalSupply;
        bool atPar = perp.TrancheValue(bond.Senior, unit, Rounding.Floor) == unit;
        decimal cdr = bond.TotalDebt == 0 ? 0 : (decimal)bond.CollateralBalance / bond.TotalDebt;
        return new InvariantResult(
            $"{bond} senior par",
            covered == atPar,
            $"CDR {cdr:0.######} vs senior share {(decimal)bond.Senior.TotalSupply / bond.TotalDebt:0.######} (ratio {bond.Senior.Ratio}/1000); valued at par: {atPar}");
    }

    /// <summary>Every daily check over a v5 system: AMPL conservation, each bond's debt, DR, and par for every senior the perp holds.</summary>
    public static IReadOnlyList<InvariantResult> CheckSystem(RolloverVault vault, IEnumerable<BondController> bonds)
    {
        var results = new List<InvariantResult> { AmplConservation(vault.Underlying) };
        foreach (var bond in bonds)
        {
            results.Add(BondDebt(bond));
        }

        if (vault.Version == SpotVersion.V5 && vault.Perp.GetTVL() > 0)
        {
            results.Add(DeviationRatio(vault));
        }

        foreach (var tranche in vault.Perp.ReserveTranches)
        {
            results.Add(SeniorAtPar(vault.Perp, tranche.Bond));
        }

        return results;
    }
}
