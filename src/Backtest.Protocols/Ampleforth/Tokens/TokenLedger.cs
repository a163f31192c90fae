using System.Numerics;
using Backtest.Numerics;

namespace Backtest.Protocols.Ampleforth.Tokens;

/// <summary>
/// A plain (non-rebasing) ERC-20 ledger in base units: tranche tokens, SPOT and the SPOT
/// balancers use <see cref="long"/>; the rollover vault's notes use <see cref="Int128"/>
/// because they start at 10⁶ notes per AMPL base unit. Transfers and burns beyond a balance
/// revert as the OpenZeppelin ERC-20 does; arithmetic overflow throws
/// <see cref="FixedPointOverflowException"/>. Allowances are not modelled: a contract that
/// pulls tokens does so as if approved (every caller in the system approves the maximum).
/// </summary>
public sealed class TokenLedger<T>
    where T : struct, IBinaryInteger<T>, ISignedNumber<T>
{
    private readonly Dictionary<int, T> _balances = [];
    private readonly Chain _chain;

    public TokenLedger(Chain chain, string name)
    {
        _chain = chain;
        Name = name;
    }

    /// <summary>The token's name, used in error messages.</summary>
    public string Name { get; }

    /// <summary>The sum of all balances.</summary>
    public T TotalSupply { get; private set; }

    /// <summary>Accounts with a non-zero balance and their balances.</summary>
    public IEnumerable<KeyValuePair<int, T>> Holders => _balances.Where(kv => kv.Value != T.Zero);

    public T BalanceOf(int account) => _balances.GetValueOrDefault(account);

    public void Mint(int to, T amount)
    {
        RequireNonNegative(amount);
        SetSupply(Add(TotalSupply, amount));
        SetBalance(to, Add(BalanceOf(to), amount));
    }

    public void Burn(int from, T amount)
    {
        RequireNonNegative(amount);
        T balance = BalanceOf(from);
        if (balance < amount)
        {
            throw new Erc20Exception(Name, Erc20Exception.BurnExceedsBalance, $"burn {amount} from #{from} holding {balance}");
        }

        SetBalance(from, balance - amount);
        SetSupply(TotalSupply - amount);
    }

    public void Transfer(int from, int to, T amount)
    {
        RequireNonNegative(amount);
        T balance = BalanceOf(from);
        if (balance < amount)
        {
            throw new Erc20Exception(Name, Erc20Exception.TransferExceedsBalance, $"transfer {amount} from #{from} holding {balance}");
        }

        SetBalance(from, balance - amount);
        SetBalance(to, Add(BalanceOf(to), amount));
    }

    private void SetBalance(int account, T value)
    {
        _chain.RecordEntry(_balances, account);
        _balances[account] = value;
    }

    private void SetSupply(T value)
    {
        T old = TotalSupply;
        _chain.Record(() => TotalSupply = old);
        TotalSupply = value;
    }

    private void RequireNonNegative(T amount)
    {
        if (T.IsNegative(amount))
        {
            throw new Erc20Exception(Name, Erc20Exception.NegativeAmount, $"amount {amount} is negative");
        }
    }

    private T Add(T a, T b)
    {
        try
        {
            return checked(a + b);
        }
        catch (OverflowException)
        {
            throw new FixedPointOverflowException(Name + ".Add", a, b);
        }
    }
}
