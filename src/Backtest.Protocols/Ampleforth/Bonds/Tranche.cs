using Backtest.Numerics;
using Backtest.Protocols.Ampleforth.Tokens;

namespace Backtest.Protocols.Ampleforth.Bonds;

/// <summary>
/// One tranche of a Buttonwood bond (<c>contracts/Tranche.sol</c>): an ERC-20 whose supply the
/// bond mints and burns, and, once the bond has matured, an account holding the collateral paid
/// to the tranche. Index 0 is the most senior (A); the last is the residual Z tranche.
/// </summary>
public sealed class Tranche
{
    internal Tranche(Chain chain, BondController bond, int index, int ratio, int account)
    {
        Bond = bond;
        Index = index;
        Ratio = ratio;
        Account = account;
        Token = new TokenLedger<long>(chain, $"{bond.Name}-{(index == bond.TrancheCount - 1 ? 'Z' : (char)('A' + index))}");
    }

    /// <summary>The parent bond.</summary>
    public BondController Bond { get; }

    /// <summary>Seniority: 0 is the senior-most.</summary>
    public int Index { get; }

    /// <summary>The tranche ratio out of <see cref="BondController.TrancheRatioGranularity"/>.</summary>
    public int Ratio { get; }

    /// <summary>The account holding this tranche's collateral after maturity.</summary>
    public int Account { get; }

    /// <summary>The tranche token's balances and supply (base units, same decimals as the collateral).</summary>
    public TokenLedger<long> Token { get; }

    public long TotalSupply => Token.TotalSupply;

    public long BalanceOf(int account) => Token.BalanceOf(account);

    public bool IsSenior => Index == 0;

    /// <summary>
    /// Tranche.redeem: burns <paramref name="amount"/> from <paramref name="from"/> and pays
    /// <c>collateralBalance·amount/totalSupply</c> (rounded down) to <paramref name="to"/>.
    /// </summary>
    internal long Redeem(int from, int to, long amount)
    {
        long supply = Token.TotalSupply;
        if (supply == 0)
        {
            throw new BondException(BondException.DivisionByZero, $"{Token.Name}: redeem {amount} with zero supply");
        }

        long collateralAmount = Fixed.MulDiv(Bond.Collateral.BalanceOf(Account), amount, supply, Rounding.Floor);
        Token.Burn(from, amount);
        Bond.Collateral.Transfer(Account, to, collateralAmount);
        return collateralAmount;
    }

    public override string ToString() => Token.Name;
}
