namespace Backtest.Protocols.Saffron;

/// <summary>
/// An operation the Saffron pool contract would revert, named by its <c>require</c> message
/// (e.g. "v1: can't add_liquidity into AA tranche", "can't add 0").
/// </summary>
public sealed class SaffronException : ProtocolException
{
    public SaffronException(string rule, string detail)
        : base("saffron", rule, detail)
    {
    }

    /// <summary>"pool shutdown".</summary>
    public const string PoolShutdown = "pool shutdown";

    /// <summary>"can't add 0".</summary>
    public const string ZeroAmount = "can't add 0";

    /// <summary>"v1: can't add_liquidity into AA tranche".</summary>
    public const string NoAATranche = "v1: can't add_liquidity into AA tranche";

    /// <summary>"v1: must be epoch 1 only", with the pool's configured epoch in place of 1.</summary>
    public static string WrongEpoch(int epoch) => $"v1: must be epoch {epoch} only";

    /// <summary>The epoch has not ended, so it cannot be wound down.</summary>
    public const string EpochNotOver = "can't wind down before epoch ended";

    /// <summary>The epoch was already wound down.</summary>
    public const string AlreadyWoundDown = "epoch already wound down";

    /// <summary>Liquidity can only be removed after the epoch is wound down.</summary>
    public const string NotWoundDown = "can't remove liquidity before wind down";

    /// <summary>A redemption asks for more dsec or principal than the tranche holds.</summary>
    public const string InsufficientTokens = "insufficient dsec or principal";
}
