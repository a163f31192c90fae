namespace Backtest.Market.Scenarios;

/// <summary>
/// Market prices for a batch of paths over a scenario's whole horizon, in structure-of-arrays
/// form: for each step, one contiguous span per variable with one element per path of the
/// batch (element i is path <see cref="FirstPath"/> + i). A consumer that steps a protocol
/// through time reads <c>AmplPrice(step)</c> and friends as SIMD lanes.
/// <para>Values are doubles in USD per token: inputs to a model, which turns each into an
/// amount with a rounding it names (e.g. <c>Fixed.FromDouble</c>, or a floor to 18 decimals
/// for an oracle reading). A batch is reused across calls to
/// <see cref="IMarketScenario.Fill"/>: the buffers are allocated once, at construction.</para>
/// </summary>
public sealed class MarketPathBatch
{
    private readonly double[] amplPrice;
    private readonly double[] amplTarget;
    private readonly double[] usdcPrice;

    /// <summary>Buffers for up to <paramref name="capacity"/> paths of <paramref name="steps"/> steps each.</summary>
    public MarketPathBatch(int capacity, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        if ((long)capacity * steps > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, $"{capacity} paths × {steps} steps exceed one array; use smaller batches");
        }

        Capacity = capacity;
        Steps = steps;
        amplPrice = new double[capacity * steps];
        amplTarget = new double[capacity * steps];
        usdcPrice = new double[capacity * steps];
    }

    /// <summary>The most paths one fill can hold.</summary>
    public int Capacity { get; }

    /// <summary>Steps per path (the scenario's horizon).</summary>
    public int Steps { get; }

    /// <summary>The first path of the last fill.</summary>
    public long FirstPath { get; private set; }

    /// <summary>The number of paths of the last fill (the length of every span).</summary>
    public int Count { get; private set; }

    /// <summary>AMPL's market price (USD per AMPL) at <paramref name="step"/>, one element per path.</summary>
    public Span<double> AmplPrice(int step) => Row(amplPrice, step);

    /// <summary>AMPL's target price (USD per AMPL) at <paramref name="step"/>, one element per path.</summary>
    public Span<double> AmplTarget(int step) => Row(amplTarget, step);

    /// <summary>USDC's price (USD per USDC) at <paramref name="step"/>, one element per path.</summary>
    public Span<double> UsdcPrice(int step) => Row(usdcPrice, step);

    /// <summary>Marks the batch as holding paths firstPath … firstPath + count − 1, before a scenario writes them.</summary>
    internal void Begin(long firstPath, int count, int scenarioSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(firstPath);
        if (count <= 0 || count > Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"a batch of capacity {Capacity} holds 1..{Capacity} paths");
        }

        if (scenarioSteps != Steps)
        {
            throw new ArgumentException($"the batch has {Steps} steps but the scenario's horizon is {scenarioSteps}; create the batch with the scenario's Steps");
        }

        FirstPath = firstPath;
        Count = count;
    }

    /// <summary>The whole buffer of a variable as one step-major block (stride <see cref="Capacity"/>), for the generators.</summary>
    internal Span<double> AmplPriceBlock => amplPrice;

    internal Span<double> AmplTargetBlock => amplTarget;

    internal Span<double> UsdcPriceBlock => usdcPrice;

    private Span<double> Row(double[] values, int step)
    {
        if ((uint)step >= (uint)Steps)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, $"steps are 0..{Steps - 1}");
        }

        return values.AsSpan(step * Capacity, Count);
    }
}
