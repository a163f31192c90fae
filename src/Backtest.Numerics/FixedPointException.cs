using System.Globalization;

namespace Backtest.Numerics;

/// <summary>A fixed-point operation could not give an exact, in-range result.</summary>
public class FixedPointException : ArithmeticException
{
    public FixedPointException(string kind, string operation, IReadOnlyList<string> operands)
        : base($"fixed-point {kind} in {operation}({string.Join(", ", operands)})")
    {
        Operation = operation;
        Operands = operands;
    }

    /// <summary>The operation that failed, e.g. "MulDiv".</summary>
    public string Operation { get; }

    /// <summary>The raw operands, in order, as invariant-culture integers.</summary>
    public IReadOnlyList<string> Operands { get; }

    protected static string[] Describe(object[] operands) =>
        operands.Select(o => Convert.ToString(o, CultureInfo.InvariantCulture) ?? "null").ToArray();
}

/// <summary>The exact result does not fit the target integer type. Never wraps.</summary>
public sealed class FixedPointOverflowException : FixedPointException
{
    public FixedPointOverflowException(string operation, params object[] operands)
        : base("overflow", operation, Describe(operands))
    {
    }
}

/// <summary>A division by zero inside a fixed-point operation.</summary>
public sealed class FixedPointDivideByZeroException : FixedPointException
{
    public FixedPointDivideByZeroException(string operation, params object[] operands)
        : base("division by zero", operation, Describe(operands))
    {
    }
}
