namespace Backtest.Protocols.Ampleforth;

/// <summary>
/// A revert of one of the Ampleforth-family contracts (AMPL, its monetary policy, Buttonwood
/// bonds, the SPOT perp, the rollover vault, the fee policies, the balancers). The rule is the
/// contract's custom error or require message; <see cref="ProtocolException.System"/> names the
/// contract.
/// </summary>
public class AmpleforthException : ProtocolException
{
    public AmpleforthException(string system, string rule, string detail)
        : base(system, rule, detail)
    {
    }
}

/// <summary>A revert of the AMPL token (UFragments): a transfer or rebase the token refuses.</summary>
public sealed class AmplTokenException(string rule, string detail) : AmpleforthException("ampl", rule, detail)
{
    public const string TransferExceedsBalance = "TransferExceedsBalance";
    public const string InvalidAmount = "InvalidAmount";
    public const string SupplyUnderflow = "SupplyUnderflow";
}

/// <summary>A revert of the AMPL monetary policy (UFragmentsPolicy).</summary>
public sealed class MonetaryPolicyException(string rule, string detail) : AmpleforthException("amplPolicy", rule, detail)
{
    public const string NotInRebaseWindow = "NotInRebaseWindow";
    public const string RebaseTooSoon = "RebaseTooSoon";
    public const string InvalidOracleData = "InvalidOracleData";
}

/// <summary>
/// A checked-arithmetic revert inside the contracts' shared fixed-point libraries (the
/// sigmoid, <c>twoPower</c>, int256 products): Solidity 0.8 panics and SafeMathInt requires.
/// </summary>
public sealed class ContractMathException(string rule, string detail) : AmpleforthException("math", rule, detail)
{
    public const string Int256Overflow = "Int256Overflow";
    public const string ExponentTooLarge = "ExpTooLarge";
    public const string DivisionByZero = "DivisionByZero";
    public const string SafeCastOverflow = "SafeCastOverflow";
}

/// <summary>A revert of a plain ERC-20 ledger (tranche tokens, SPOT, vault notes).</summary>
public sealed class Erc20Exception(string token, string rule, string detail) : AmpleforthException(token, rule, detail)
{
    public const string TransferExceedsBalance = "TransferExceedsBalance";
    public const string BurnExceedsBalance = "BurnExceedsBalance";
    public const string NegativeAmount = "NegativeAmount";
}

/// <summary>A revert of a Buttonwood BondController, its tranches or the bond issuer.</summary>
public sealed class BondException(string rule, string detail) : AmpleforthException("bond", rule, detail)
{
    public const string InvalidAmount = "InvalidAmount";
    public const string InvalidInitialAmount = "InvalidInitialAmount";
    public const string AlreadyMature = "AlreadyMature";
    public const string NotMature = "NotMature";
    public const string DepositLimit = "DepositLimit";
    public const string InvalidCallToMature = "InvalidCallToMature";
    public const string InvalidRedeemAmounts = "InvalidRedeemAmounts";
    public const string InvalidRedemptionRatio = "InvalidRedemptionRatio";
    public const string MinimumValidDebt = "ExpectedMinimumValidDebt";
    public const string InvalidTrancheRatios = "InvalidTrancheRatios";
    public const string InvalidTrancheCount = "InvalidTrancheCount";
    public const string InvalidMaturityDate = "InvalidMaturityDate";
    public const string InvalidFee = "NewFeeTooHigh";
    public const string InvalidTranche = "InvalidTrancheAddress";
    public const string DivisionByZero = "DivisionByZero";
    public const string UnacceptableTrancheRatios = "UnacceptableTrancheRatios";
    public const string UnacceptableTrancheLength = "UnacceptableTrancheLength";
}

/// <summary>A revert of the SPOT perpetual tranche contract.</summary>
public sealed class PerpException(string rule, string detail) : AmpleforthException("perp", rule, detail)
{
    public const string Paused = "Paused";
    public const string UnauthorizedCall = "UnauthorizedCall";
    public const string UnexpectedAsset = "UnexpectedAsset";
    public const string UnacceptableDeposit = "UnacceptableDeposit";
    public const string UnacceptableRedemption = "UnacceptableRedemption";
    public const string UnacceptableRollover = "UnacceptableRollover";
    public const string UnacceptableRolloverAmt = "UnacceptableRolloverAmt";
    public const string UnacceptableParams = "UnacceptableParams";
    public const string ExceededMaxSupply = "ExceededMaxSupply";
    public const string ExceededMaxMintPerTranche = "ExceededMaxMintPerTranche";
    public const string ReserveCountOverLimit = "ReserveCountOverLimit";
    public const string InvalidPerc = "InvalidPerc";
    public const string ArithmeticUnderflow = "ArithmeticUnderflow";
    public const string DivisionByZero = "DivisionByZero";
    public const string NoVault = "NoVault";
    public const string UnsupportedInVersion = "UnsupportedInVersion";
}

/// <summary>A revert of the rollover vault (stAMPL).</summary>
public sealed class RolloverVaultException(string rule, string detail) : AmpleforthException("vault", rule, detail)
{
    public const string Paused = "Paused";
    public const string UnacceptableDeposit = "UnacceptableDeposit";
    public const string UnacceptableRedemption = "UnacceptableRedemption";
    public const string UnacceptableSwap = "UnacceptableSwap";
    public const string InsufficientDeployment = "InsufficientDeployment";
    public const string InsufficientLiquidity = "InsufficientLiquidity";
    public const string DeployedCountOverLimit = "DeployedCountOverLimit";
    public const string LastRebalanceTooRecent = "LastRebalanceTooRecent";
    public const string UnexpectedAsset = "UnexpectedAsset";
    public const string FeeAtLeastOneHundredPercent = "FeeAtLeastOneHundredPercent";
    public const string ArithmeticUnderflow = "ArithmeticUnderflow";
    public const string DivisionByZero = "DivisionByZero";
    public const string UnsupportedInVersion = "UnsupportedInVersion";
}

/// <summary>A revert of a SPOT fee policy or fee strategy.</summary>
public sealed class FeePolicyException(string rule, string detail) : AmpleforthException("feePolicy", rule, detail)
{
    public const string InvalidRange = "InvalidRange";
    public const string InvalidFees = "InvalidFees";
    public const string InvalidPerc = "InvalidPerc";
    public const string InvalidSigmoidAsymptotes = "InvalidSigmoidAsymptotes";
    public const string InvalidTargetSRBounds = "InvalidTargetSRBounds";
    public const string InvalidDRBounds = "InvalidDRBounds";
    public const string DivisionByZero = "DivisionByZero";
    public const string ValueOutOfRange = "ValueOutOfRange";
}

/// <summary>A revert of the peripheral balancers (DRBalancerVault, BillBroker).</summary>
public sealed class BalancerException(string system, string rule, string detail) : AmpleforthException(system, rule, detail)
{
    public const string LastRebalanceTooRecent = "LastRebalanceTooRecent";
    public const string SlippageTooHigh = "SlippageTooHigh";
    public const string InvalidLagFactor = "InvalidLagFactor";
    public const string InvalidPerc = "InvalidPerc";
    public const string InvalidDRBound = "InvalidDRBound";
    public const string UnreliablePrice = "UnreliablePrice";
    public const string UnacceptableSwap = "UnacceptableSwap";
    public const string DivisionByZero = "DivisionByZero";
    public const string ArithmeticUnderflow = "ArithmeticUnderflow";
    public const string ArithmeticOverflow = "ArithmeticOverflow";
    public const string InvalidARBound = "InvalidARBound";
    public const string UnexpectedARDelta = "UnexpectedARDelta";
    public const string Paused = "Paused";
    public const string UnsupportedInVersion = "UnsupportedInVersion";
}

/// <summary>A revert of the concentrated-liquidity SPOT-USDC pool (Uniswap-v3-style positions and swaps).</summary>
public sealed class PoolException(string rule, string detail) : AmpleforthException("pool", rule, detail)
{
    public const string InvalidRange = "InvalidRange";
    public const string ZeroLiquidity = "ZeroLiquidity";
    public const string ZeroAmount = "ZeroAmount";
    public const string UnknownPosition = "UnknownPosition";
    public const string InsufficientLiquidity = "InsufficientLiquidity";
    public const string PriceLimit = "PriceLimit";
    public const string AmountOverflow = "AmountOverflow";
}

/// <summary>A revert of seed 000's AMPL-USDC vault (deploy into the SPOT system and the SPOT-USDC pool).</summary>
public sealed class AmplUsdcVaultException(string rule, string detail) : AmpleforthException("amplUsdcVault", rule, detail)
{
    public const string ZeroDeposit = "ZeroDeposit";
    public const string UnreliablePrice = "UnreliablePrice";
    public const string InvalidRedemption = "InvalidRedemption";
    public const string RebalanceTooSoon = "RebalanceTooSoon";
    public const string NothingToDeploy = "NothingToDeploy";
    public const string InvalidConfig = "InvalidConfig";
    public const string UnsupportedInVersion = "UnsupportedInVersion";
}
