namespace Backtest.Protocols.DeFindex;

/// <summary>
/// The vault contract's <c>ContractError</c> codes (paltalabs/defindex
/// apps/contracts/vault/src/error.rs at HEAD) that the model raises.
/// </summary>
public enum DeFindexError
{
    MaximumFeeExceeded = 106,
    AmountNotAllowed = 110,
    InsufficientBalance = 111,
    WrongAmountsLength = 112,
    WrongLockedFees = 113,
    InsufficientManagedFunds = 114,
    InsufficientAmount = 117,
    NoOptimalAmounts = 118,
    ArithmeticError = 120,
    AmountOverTotalSupply = 124,
    NoInstructions = 125,
    UnwindMoreThanAvailable = 128,
    InsufficientFeesToRelease = 129,
    Unauthorized = 130,
    StrategyNotFound = 140,
    StrategyWithdrawError = 142,
    StrategyPaused = 144,
    InsufficientOutputAmount = 160,
}

/// <summary>A vault operation the DeFindex contract would panic on, named "Name (code)" as the contract's error.</summary>
public class DeFindexException : ProtocolException
{
    public DeFindexException(DeFindexError error, string detail)
        : base("defindex", Describe(error), detail)
    {
        Error = error;
    }

    /// <summary>The contract error.</summary>
    public DeFindexError Error { get; }

    /// <summary>"NoOptimalAmounts (118)".</summary>
    public static string Describe(DeFindexError error) => $"{error} ({(int)error})";
}

/// <summary>A call by an account that holds none of the roles the operation needs (<c>Unauthorized (130)</c>).</summary>
public sealed class DeFindexRoleException : DeFindexException
{
    public DeFindexRoleException(int caller, string operation, IReadOnlyList<DeFindexRole> allowed)
        : base(DeFindexError.Unauthorized, $"account {caller} may not {operation}; allowed: {string.Join(", ", allowed)}")
    {
        Caller = caller;
        Allowed = allowed;
    }

    /// <summary>The account that called.</summary>
    public int Caller { get; }

    /// <summary>The roles that may call the operation.</summary>
    public IReadOnlyList<DeFindexRole> Allowed { get; }
}
