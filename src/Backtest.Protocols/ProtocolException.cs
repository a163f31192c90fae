namespace Backtest.Protocols;

/// <summary>
/// An operation a contract would revert: the model refuses it and names the rule, the way
/// the contract's custom error or require message would. Models subclass this per system so
/// callers (agents, tests) can catch one system's refusals and count them.
/// </summary>
public class ProtocolException : InvalidOperationException
{
    public ProtocolException(string system, string rule, string detail)
        : base($"{system}: {rule}: {detail}")
    {
        System = system;
        Rule = rule;
        Detail = detail;
    }

    /// <summary>The system whose rule refused the operation, e.g. "perp", "waterfall".</summary>
    public string System { get; }

    /// <summary>The rule, named like the contract's error, e.g. "UnacceptableDeposit".</summary>
    public string Rule { get; }

    /// <summary>What was asked and why it was refused, with the numbers.</summary>
    public string Detail { get; }
}
