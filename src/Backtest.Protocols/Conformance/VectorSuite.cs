using System.Text.Json;

namespace Backtest.Protocols.Conformance;

/// <summary>The verdict on one numeric vector.</summary>
public enum VectorOutcome
{
    Passed,
    Failed,

    /// <summary>Not run against the model, for the stated reason (e.g. it records a reference contract's defect that the engine does not copy).</summary>
    Excluded,
}

/// <summary>One vector's result: what the source expected and what the model computed.</summary>
public sealed record VectorResult(string Id, VectorOutcome Outcome, string Expected, string Actual, string? Reason = null);

/// <summary>
/// Runs the vectors of one system's vector file (the schemas of shared/spec/vectors) through
/// the engine's own model. A suite never consults the expected values to compute its answer.
/// </summary>
public interface IVectorSuite
{
    /// <summary>Short name, e.g. "ampleforth".</summary>
    string Name { get; }

    /// <summary>Whether this suite owns the document (by its "system" field or its content).</summary>
    bool Accepts(JsonElement document);

    /// <summary>Runs every vector in the document, in file order. A vector the suite cannot
    /// recognise is a failure naming its id, never silently skipped.</summary>
    IEnumerable<VectorResult> Run(JsonElement document);
}

/// <summary>Every suite the engine has; <c>backtest conformance</c> picks the one that accepts a file.</summary>
public static class VectorSuites
{
    public static IReadOnlyList<IVectorSuite> All { get; } =
    [
        new Ampleforth.AmpleforthVectorSuite(),
        new ReserveVectorSuite(),
        new SaffronVectorSuite(),
        new DeFindexVectorSuite(),
        new TonsuranceVectorSuite(),
    ];

    /// <summary>The suite for a document, or null when none accepts it.</summary>
    public static IVectorSuite? For(JsonElement document) => All.FirstOrDefault(s => s.Accepts(document));
}
