using System.Globalization;

namespace Backtest.Numerics;

/// <summary>A fixed-point operation could not give an exact, in-range result.</summary>
public class FixedPointException : ArithmeticException
{
    public FixedPointException(string kind, string operation, IReadOnlyList<string> operands)
        : this(kind, operation, operands, null)
    {
    }

    protected FixedPointException(string kind, string operation, IReadOnlyList<string> operands, int? elementIndex)
        : base($"fixed-point {kind} in {operation}({string.Join(", ", operands)})" +
               (elementIndex is int index ? $" at element {index.ToString(CultureInfo.InvariantCulture)}" : string.Empty))
    {
        Kind = kind;
        Operation = operation;
        Operands = operands;
        ElementIndex = elementIndex;
    }

    /// <summary>The operation that failed, e.g. "MulDiv".</summary>
    public string Operation { get; }

    /// <summary>The raw operands, in order, as invariant-culture integers.</summary>
    public IReadOnlyList<string> Operands { get; }

    /// <summary>
    /// For a failure inside an array kernel, the index of the failing element in the kernel's
    /// spans (the first failing one: kernels stop there); null for a single operation.
    /// </summary>
    public int? ElementIndex { get; }

    private string Kind { get; }

    /// <summary>The same failure, located at element <paramref name="index"/> of an array kernel.</summary>
    public virtual FixedPointException AtElement(int index) => new(Kind, Operation, Operands, index);

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

    private FixedPointOverflowException(string operation, IReadOnlyList<string> operands, int elementIndex)
        : base("overflow", operation, operands, elementIndex)
    {
    }

    /// <inheritdoc/>
    public override FixedPointOverflowException AtElement(int index) => new(Operation, Operands, index);
}

/// <summary>A division by zero inside a fixed-point operation.</summary>
public sealed class FixedPointDivideByZeroException : FixedPointException
{
    public FixedPointDivideByZeroException(string operation, params object[] operands)
        : base("division by zero", operation, Describe(operands))
    {
    }

    private FixedPointDivideByZeroException(string operation, IReadOnlyList<string> operands, int elementIndex)
        : base("division by zero", operation, operands, elementIndex)
    {
    }

    /// <inheritdoc/>
    public override FixedPointDivideByZeroException AtElement(int index) => new(Operation, Operands, index);
}
