using System.Text.Json;

namespace Backtest.Protocols.Conformance;

/// <summary>One vector as a handler sees it.</summary>
/// <param name="Vector">The whole vector (for fields such as <c>tolerance</c>).</param>
/// <param name="Input">Its inputs.</param>
/// <param name="Expected">Its expected results (never read to compute).</param>
/// <param name="Model">The algorithm variant it assumes ("" when the file names none).</param>
internal readonly record struct VectorCase(JsonElement Vector, JsonElement Input, JsonElement Expected, string Model);

/// <summary>
/// A suite whose vectors name their kind in one field: each vector goes to the handler for its
/// kind, a model refusal of the suite's exception type is compared with what the vector
/// expected, and an unknown kind is a failure naming the vector.
/// </summary>
public abstract class DispatchingVectorSuite<TRefusal> : IVectorSuite
    where TRefusal : ProtocolException
{
    public abstract string Name { get; }

    public abstract bool Accepts(JsonElement document);

    /// <summary>The field naming a vector's kind ("kind", "category").</summary>
    internal abstract string KindField { get; }

    /// <summary>The field holding a vector's inputs ("input", "inputs").</summary>
    internal abstract string InputField { get; }

    /// <summary>The handler for a kind, or null for a kind the suite does not model.</summary>
    internal abstract Action<VectorCase, FieldChecks>? HandlerFor(string kind);

    /// <summary>Compares a refusal by the model with the vector's expectation.</summary>
    internal abstract void Refused(TRefusal refusal, JsonElement expected, FieldChecks checks);

    /// <summary>
    /// Why a vector is not run, decided from its kind, model and inputs (never its expected
    /// values): e.g. it records a reference contract's defect the model does not copy. Null runs it.
    /// </summary>
    internal virtual string? ExclusionReason(VectorCase vector, string kind) => null;

    public IEnumerable<VectorResult> Run(JsonElement document)
    {
        foreach (var vector in document.GetProperty("vectors").EnumerateArray())
        {
            string id = vector.GetProperty("id").GetString()!;
            string kind = vector.GetProperty(KindField).GetString()!;
            string model = vector.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : string.Empty;
            var expected = vector.GetProperty("expected");
            var vectorCase = new VectorCase(vector, vector.GetProperty(InputField), expected, model);
            if (ExclusionReason(vectorCase, kind) is { } reason)
            {
                yield return new VectorResult(id, VectorOutcome.Excluded, string.Empty, string.Empty, reason);
                continue;
            }

            var handler = HandlerFor(kind);
            if (handler is null)
            {
                yield return new VectorResult(id, VectorOutcome.Failed, $"a known {KindField}", kind, $"unrecognised vector {KindField}");
                continue;
            }

            var checks = new FieldChecks();
            try
            {
                handler(vectorCase, checks);
            }
            catch (TRefusal refusal)
            {
                Refused(refusal, expected, checks);
            }
            catch (Exception e) when (e is ProtocolException or KeyNotFoundException or FormatException or InvalidOperationException or ArgumentException or ArithmeticException)
            {
                // Another system's refusal, a field the vector lacks or a malformed value fails
                // this vector alone, naming what went wrong.
                checks.Fail("run", "a result", $"{e.GetType().Name}: {e.Message}");
            }

            yield return checks.Result(id);
        }
    }
}
