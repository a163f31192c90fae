using Backtest.Numerics;

namespace Backtest.Protocols.Ampleforth.Batch;

/// <summary>
/// What became of one operation in one lane on one day: <see cref="Ok"/>, <see cref="NotRequested"/>,
/// or the contract rule that refused it. Each refusal names the same (system, rule) pair the
/// contract model's <see cref="ProtocolException"/> carries (<see cref="SpotOutcomes.System"/>,
/// <see cref="SpotOutcomes.Rule"/>); a refused operation leaves the lane's state unchanged, as a
/// reverted transaction does.
/// </summary>
public enum SpotOutcome : byte
{
    /// <summary>The operation ran (it may have moved nothing, where the contract returns early without reverting).</summary>
    Ok = 0,

    /// <summary>No such operation was asked for in this lane today.</summary>
    NotRequested,

    AmplTransferExceedsBalance,
    AmplSupplyUnderflow,
    PolicyNotInRebaseWindow,
    PolicyRebaseTooSoon,
    PolicyInvalidOracleData,
    MathInt256Overflow,
    MathDivisionByZero,
    TrancheTransferExceedsBalance,
    TrancheBurnExceedsBalance,
    PerpTokenTransferExceedsBalance,
    PerpTokenBurnExceedsBalance,
    NoteBurnExceedsBalance,
    BondInvalidAmount,
    BondInvalidInitialAmount,
    BondAlreadyMature,
    BondNotMature,
    BondInvalidCallToMature,
    BondInvalidRedemptionRatio,
    BondDivisionByZero,
    PerpUnexpectedAsset,
    PerpUnacceptableRedemption,
    PerpUnacceptableRollover,
    PerpExceededMaxSupply,
    PerpExceededMaxMintPerTranche,
    PerpReserveCountOverLimit,
    PerpArithmeticUnderflow,
    PerpDivisionByZero,
    VaultUnacceptableDeposit,
    VaultUnacceptableRedemption,
    VaultUnacceptableSwap,
    VaultInsufficientDeployment,
    VaultInsufficientLiquidity,
    VaultDeployedCountOverLimit,
    VaultLastRebalanceTooRecent,
    VaultFeeAtLeastOneHundredPercent,
    VaultArithmeticUnderflow,
    VaultDivisionByZero,
    FeePolicyInvalidRange,
    FeePolicyDivisionByZero,
    FeePolicyValueOutOfRange,

    /// <summary>An amount left the 64-bit range of the model (<see cref="FixedPointOverflowException"/>): the operation is undone.</summary>
    Overflow,

    /// <summary>The model divided by zero outside a contract rule (<see cref="FixedPointDivideByZeroException"/>): the operation is undone.</summary>
    DivideByZero,
}

/// <summary>The contract names behind each <see cref="SpotOutcome"/>, and the outcome of a caught exception.</summary>
public static class SpotOutcomes
{
    private static readonly (string System, string Rule)[] Names = BuildNames();

    /// <summary>The contract (the <see cref="ProtocolException.System"/> of the model's exception) that refused, or "" for <see cref="SpotOutcome.Ok"/>/<see cref="SpotOutcome.NotRequested"/>.</summary>
    public static string System(SpotOutcome outcome) => Names[(int)outcome].System;

    /// <summary>The rule (the <see cref="ProtocolException.Rule"/> of the model's exception), or the outcome's name where no contract rule applies.</summary>
    public static string Rule(SpotOutcome outcome) => Names[(int)outcome].Rule;

    /// <summary>Whether the outcome is a refusal (neither <see cref="SpotOutcome.Ok"/> nor <see cref="SpotOutcome.NotRequested"/>).</summary>
    public static bool IsRefusal(SpotOutcome outcome) => outcome > SpotOutcome.NotRequested;

    /// <summary>
    /// The outcome the contract model's exception stands for: a <see cref="ProtocolException"/>
    /// by its (system, rule), a fixed-point overflow or division by zero by its kind. Any other
    /// exception, or a rule with no outcome, is an <see cref="ArgumentException"/>.
    /// </summary>
    public static SpotOutcome FromException(Exception exception)
    {
        switch (exception)
        {
            case FixedPointOverflowException:
                return SpotOutcome.Overflow;
            case FixedPointDivideByZeroException:
                return SpotOutcome.DivideByZero;
            case ProtocolException p:
                // Tranche tokens, SPOT and the notes are ERC-20 ledgers named after the token.
                string system = p is Erc20Exception ? Erc20System(p.System) : p.System;
                for (int i = (int)SpotOutcome.NotRequested + 1; i < Names.Length; i++)
                {
                    if (Names[i].System == system && Names[i].Rule == p.Rule)
                    {
                        return (SpotOutcome)i;
                    }
                }

                throw new ArgumentException($"no batch outcome stands for {p.System}: {p.Rule}", nameof(exception));
            default:
                throw new ArgumentException($"{exception.GetType().Name} is not a contract refusal", nameof(exception));
        }
    }

    private static string Erc20System(string token) => token switch
    {
        "SPOT" => "SPOT",
        "stAMPL" => "stAMPL",
        _ => "tranche",
    };

    private static (string, string)[] BuildNames()
    {
        var names = new (string, string)[(int)SpotOutcome.DivideByZero + 1];
        names[(int)SpotOutcome.Ok] = ("", nameof(SpotOutcome.Ok));
        names[(int)SpotOutcome.NotRequested] = ("", nameof(SpotOutcome.NotRequested));
        names[(int)SpotOutcome.AmplTransferExceedsBalance] = ("ampl", AmplTokenException.TransferExceedsBalance);
        names[(int)SpotOutcome.AmplSupplyUnderflow] = ("ampl", AmplTokenException.SupplyUnderflow);
        names[(int)SpotOutcome.PolicyNotInRebaseWindow] = ("amplPolicy", MonetaryPolicyException.NotInRebaseWindow);
        names[(int)SpotOutcome.PolicyRebaseTooSoon] = ("amplPolicy", MonetaryPolicyException.RebaseTooSoon);
        names[(int)SpotOutcome.PolicyInvalidOracleData] = ("amplPolicy", MonetaryPolicyException.InvalidOracleData);
        names[(int)SpotOutcome.MathInt256Overflow] = ("math", ContractMathException.Int256Overflow);
        names[(int)SpotOutcome.MathDivisionByZero] = ("math", ContractMathException.DivisionByZero);
        names[(int)SpotOutcome.TrancheTransferExceedsBalance] = ("tranche", Erc20Exception.TransferExceedsBalance);
        names[(int)SpotOutcome.TrancheBurnExceedsBalance] = ("tranche", Erc20Exception.BurnExceedsBalance);
        names[(int)SpotOutcome.PerpTokenTransferExceedsBalance] = ("SPOT", Erc20Exception.TransferExceedsBalance);
        names[(int)SpotOutcome.PerpTokenBurnExceedsBalance] = ("SPOT", Erc20Exception.BurnExceedsBalance);
        names[(int)SpotOutcome.NoteBurnExceedsBalance] = ("stAMPL", Erc20Exception.BurnExceedsBalance);
        names[(int)SpotOutcome.BondInvalidAmount] = ("bond", BondException.InvalidAmount);
        names[(int)SpotOutcome.BondInvalidInitialAmount] = ("bond", BondException.InvalidInitialAmount);
        names[(int)SpotOutcome.BondAlreadyMature] = ("bond", BondException.AlreadyMature);
        names[(int)SpotOutcome.BondNotMature] = ("bond", BondException.NotMature);
        names[(int)SpotOutcome.BondInvalidCallToMature] = ("bond", BondException.InvalidCallToMature);
        names[(int)SpotOutcome.BondInvalidRedemptionRatio] = ("bond", BondException.InvalidRedemptionRatio);
        names[(int)SpotOutcome.BondDivisionByZero] = ("bond", BondException.DivisionByZero);
        names[(int)SpotOutcome.PerpUnexpectedAsset] = ("perp", PerpException.UnexpectedAsset);
        names[(int)SpotOutcome.PerpUnacceptableRedemption] = ("perp", PerpException.UnacceptableRedemption);
        names[(int)SpotOutcome.PerpUnacceptableRollover] = ("perp", PerpException.UnacceptableRollover);
        names[(int)SpotOutcome.PerpExceededMaxSupply] = ("perp", PerpException.ExceededMaxSupply);
        names[(int)SpotOutcome.PerpExceededMaxMintPerTranche] = ("perp", PerpException.ExceededMaxMintPerTranche);
        names[(int)SpotOutcome.PerpReserveCountOverLimit] = ("perp", PerpException.ReserveCountOverLimit);
        names[(int)SpotOutcome.PerpArithmeticUnderflow] = ("perp", PerpException.ArithmeticUnderflow);
        names[(int)SpotOutcome.PerpDivisionByZero] = ("perp", PerpException.DivisionByZero);
        names[(int)SpotOutcome.VaultUnacceptableDeposit] = ("vault", RolloverVaultException.UnacceptableDeposit);
        names[(int)SpotOutcome.VaultUnacceptableRedemption] = ("vault", RolloverVaultException.UnacceptableRedemption);
        names[(int)SpotOutcome.VaultUnacceptableSwap] = ("vault", RolloverVaultException.UnacceptableSwap);
        names[(int)SpotOutcome.VaultInsufficientDeployment] = ("vault", RolloverVaultException.InsufficientDeployment);
        names[(int)SpotOutcome.VaultInsufficientLiquidity] = ("vault", RolloverVaultException.InsufficientLiquidity);
        names[(int)SpotOutcome.VaultDeployedCountOverLimit] = ("vault", RolloverVaultException.DeployedCountOverLimit);
        names[(int)SpotOutcome.VaultLastRebalanceTooRecent] = ("vault", RolloverVaultException.LastRebalanceTooRecent);
        names[(int)SpotOutcome.VaultFeeAtLeastOneHundredPercent] = ("vault", RolloverVaultException.FeeAtLeastOneHundredPercent);
        names[(int)SpotOutcome.VaultArithmeticUnderflow] = ("vault", RolloverVaultException.ArithmeticUnderflow);
        names[(int)SpotOutcome.VaultDivisionByZero] = ("vault", RolloverVaultException.DivisionByZero);
        names[(int)SpotOutcome.FeePolicyInvalidRange] = ("feePolicy", FeePolicyException.InvalidRange);
        names[(int)SpotOutcome.FeePolicyDivisionByZero] = ("feePolicy", FeePolicyException.DivisionByZero);
        names[(int)SpotOutcome.FeePolicyValueOutOfRange] = ("feePolicy", FeePolicyException.ValueOutOfRange);
        names[(int)SpotOutcome.Overflow] = ("", nameof(SpotOutcome.Overflow));
        names[(int)SpotOutcome.DivideByZero] = ("", nameof(SpotOutcome.DivideByZero));
        return names;
    }
}
