namespace Backtest.Protocols.Reserve;

/// <summary>
/// Gyroscope's error codes (<c>libraries/Errors.sol</c> of gyrostable/gyd-core) for the reserve
/// checks, with the numeric string the contracts return. <see cref="Underflow"/> stands for
/// Solidity's checked-arithmetic revert, which has no code.
/// </summary>
public enum ReserveErrorCode
{
    /// <summary>"25" ZERO_DIVISION, e.g. a zero calibration price.</summary>
    ZeroDivision = 25,

    /// <summary>"31" INVALID_ARGUMENT, e.g. a flow update whose last seen block is in the future, or weights not summing to 1.</summary>
    InvalidArgument = 31,

    /// <summary>"52" NOT_SAFE_TO_MINT.</summary>
    NotSafeToMint = 52,

    /// <summary>"53" NOT_SAFE_TO_REDEEM.</summary>
    NotSafeToRedeem = 53,

    /// <summary>"55" TOKEN_PRICES_TOO_SMALL: some vault has no priced token at or above the minimum token price.</summary>
    TokenPricesTooSmall = 55,

    /// <summary>"56" TRYING_TO_REDEEM_MORE_THAN_VAULT_CONTAINS.</summary>
    RedeemMoreThanVaultContains = 56,

    /// <summary>"60" VAULT_FLOW_TOO_HIGH: the short-term flow would exceed the vault's threshold.</summary>
    VaultFlowTooHigh = 60,

    /// <summary>"61" OPERATION_SUCCEEDS_BUT_SAFETY_MODE_ACTIVATED: not a revert; the flow crossed the buffer and the vault's direction is locked.</summary>
    SafetyModeActivatedByOperation = 61,

    /// <summary>"62" ORACLE_GUARDIAN_TIME_LIMIT: a guardian lock longer than allowed.</summary>
    OracleGuardianTimeLimit = 62,

    /// <summary>"65" safety mode active: the vault's direction is locked until its last safety block (inclusive).</summary>
    SafetyModeActive = 65,

    /// <summary>Solidity's checked-arithmetic revert (no numeric code), e.g. a schedule read before its calibration time.</summary>
    Underflow = 1000,
}

/// <summary>Names and wire codes of <see cref="ReserveErrorCode"/>.</summary>
public static class ReserveErrorCodes
{
    /// <summary>The Gyroscope constant name, e.g. "NOT_SAFE_TO_MINT".</summary>
    public static string RuleName(this ReserveErrorCode code) => code switch
    {
        ReserveErrorCode.ZeroDivision => "ZERO_DIVISION",
        ReserveErrorCode.InvalidArgument => "INVALID_ARGUMENT",
        ReserveErrorCode.NotSafeToMint => "NOT_SAFE_TO_MINT",
        ReserveErrorCode.NotSafeToRedeem => "NOT_SAFE_TO_REDEEM",
        ReserveErrorCode.TokenPricesTooSmall => "TOKEN_PRICES_TOO_SMALL",
        ReserveErrorCode.RedeemMoreThanVaultContains => "TRYING_TO_REDEEM_MORE_THAN_VAULT_CONTAINS",
        ReserveErrorCode.VaultFlowTooHigh => "VAULT_FLOW_TOO_HIGH",
        ReserveErrorCode.SafetyModeActivatedByOperation => "OPERATION_SUCCEEDS_BUT_SAFETY_MODE_ACTIVATED",
        ReserveErrorCode.OracleGuardianTimeLimit => "ORACLE_GUARDIAN_TIME_LIMIT",
        ReserveErrorCode.SafetyModeActive => "SAFETY_MODE_ACTIVATED",
        ReserveErrorCode.Underflow => "ARITHMETIC_UNDERFLOW",
        _ => throw new ArgumentOutOfRangeException(nameof(code), code, "unknown reserve error code"),
    };

    /// <summary>The string the contracts return ("52", …; "underflow" for a checked-arithmetic revert).</summary>
    public static string Wire(this ReserveErrorCode code) =>
        code == ReserveErrorCode.Underflow ? "underflow" : ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A reserve operation the Gyroscope contracts would revert, named by its error code.</summary>
public class ReserveException : ProtocolException
{
    public ReserveException(ReserveErrorCode code, string detail)
        : base("reserve", code.RuleName(), detail)
    {
        Code = code;
    }

    /// <summary>The Gyroscope error code.</summary>
    public ReserveErrorCode Code { get; }
}

/// <summary>A checked-arithmetic revert inside the reserve maths (zero division, underflow, a block going backwards).</summary>
public sealed class ReserveArithmeticException : ReserveException
{
    public ReserveArithmeticException(ReserveErrorCode code, string detail)
        : base(code, detail)
    {
    }
}

/// <summary>
/// A mint or redeem refused by the safety checks (weights, prices, flows). <see cref="Outcome"/>
/// carries everything the checks computed, so a caller can see why.
/// </summary>
public sealed class ReserveSafetyException : ReserveException
{
    public ReserveSafetyException(ReserveErrorCode code, string detail, ReserveOperationOutcome outcome)
        : base(code, detail)
    {
        Outcome = outcome;
    }

    /// <summary>The checks' full result for the refused operation (nothing was persisted).</summary>
    public ReserveOperationOutcome Outcome { get; }
}

/// <summary>A governance or guardian action refused (weights not summing to 1, a guardian lock too long).</summary>
public sealed class ReserveGovernanceException : ReserveException
{
    public ReserveGovernanceException(ReserveErrorCode code, string detail)
        : base(code, detail)
    {
    }
}
