namespace Backtest.Protocols.Waterfall;

/// <summary>The roles of seed 003's access control ("Security Features", 4).</summary>
public enum WaterfallRole
{
    /// <summary>The multi-sig that pauses and unpauses.</summary>
    Admin,

    /// <summary>The only caller of <see cref="WaterfallVault.AbsorbLoss"/>.</summary>
    ClaimsProcessor,

    /// <summary>The only caller of <see cref="WaterfallVault.DistributePremiums"/> and of coverage sales.</summary>
    PolicyFactory,
}

/// <summary>A refusal by the six-tier waterfall vault; <see cref="ProtocolException.Rule"/> names the rule.</summary>
public abstract class WaterfallException : ProtocolException
{
    protected WaterfallException(string rule, string detail)
        : base("waterfall", rule, detail)
    {
    }
}

/// <summary>The caller does not hold the role the operation requires.</summary>
public sealed class UnauthorizedCallerException : WaterfallException
{
    public UnauthorizedCallerException(string caller, WaterfallRole required, string operation)
        : base("Unauthorized", $"{operation} may only be called by the {required}, not by '{caller}'")
    {
        Caller = caller;
        Required = required;
    }

    public string Caller { get; }

    public WaterfallRole Required { get; }
}

/// <summary>Deposits, withdrawals and coverage sales are refused while the vault is paused.</summary>
public sealed class VaultPausedException : WaterfallException
{
    public VaultPausedException(string operation, PauseCause cause)
        : base("VaultPaused", $"{operation} refused while the vault is paused ({cause})") => Cause = cause;

    public PauseCause Cause { get; }
}

/// <summary>A tranche id outside 1–6.</summary>
public sealed class InvalidTrancheException : WaterfallException
{
    public InvalidTrancheException(int id)
        : base("InvalidTranche", $"tranche id {id} is not in 1..6") => Id = id;

    public int Id { get; }
}

/// <summary>A zero or negative amount, or one that would mint no tokens or release more coverage than was sold.</summary>
public sealed class InvalidAmountException : WaterfallException
{
    public InvalidAmountException(string detail)
        : base("InvalidAmount", detail)
    {
    }
}

/// <summary>A deposit below the minimum deposit (seed 003: 0.1).</summary>
public sealed class DepositBelowMinimumException : WaterfallException
{
    public DepositBelowMinimumException(long amount, long minimum)
        : base("DepositBelowMinimum", $"deposit of {Backtest.Numerics.Fixed.Format(amount)} is below the minimum {Backtest.Numerics.Fixed.Format(minimum)}")
    {
    }
}

/// <summary>A withdrawal of more tranche tokens than the account holds.</summary>
public sealed class InsufficientBalanceException : WaterfallException
{
    public InsufficientBalanceException(string account, Tranche tranche, long requested, long held)
        : base("InsufficientBalance", $"'{account}' asked to redeem {requested} {Tranches.Name(tranche)} tokens but holds {held}")
    {
    }
}

/// <summary>A withdrawal of tokens still inside their lock-up.</summary>
public sealed class LockupActiveException : WaterfallException
{
    public LockupActiveException(string account, Tranche tranche, long requested, long unlocked, long unlocksAt)
        : base("LockupActive", $"'{account}' asked to redeem {requested} {Tranches.Name(tranche)} tokens but only {unlocked} are unlocked; enough unlock at t = {unlocksAt}")
    {
        UnlocksAt = unlocksAt;
    }

    /// <summary>The first time at which the requested amount is unlocked.</summary>
    public long UnlocksAt { get; }
}

/// <summary>A deposit into a tranche whose capital losses took to zero while its tokens are outstanding.</summary>
public sealed class TrancheWipedOutException : WaterfallException
{
    public TrancheWipedOutException(Tranche tranche, long supply)
        : base("TrancheWipedOut", $"{Tranches.Name(tranche)} has no capital behind its {supply} tokens; it takes no new deposits")
    {
    }
}

/// <summary>An operation that would leave total capital below the coverage sold (invariant 4).</summary>
public sealed class InsufficientCollateralException : WaterfallException
{
    public InsufficientCollateralException(string operation, long capitalAfter, long coverageAfter)
        : base("InsufficientCollateral", $"{operation} would leave capital {Backtest.Numerics.Fixed.Format(capitalAfter)} below coverage sold {Backtest.Numerics.Fixed.Format(coverageAfter)}")
    {
    }
}
