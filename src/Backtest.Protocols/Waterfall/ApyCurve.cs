namespace Backtest.Protocols.Waterfall;

/// <summary>The bonding-curve shapes of seed 003 ("Bonding Curves", U = utilization in [0, 1]).</summary>
public enum CurveKind
{
    /// <summary>APY(U) = MIN.</summary>
    Flat,

    /// <summary>APY(U) = MIN + (MAX − MIN)·ln(1 + U)/ln 2.</summary>
    Logarithmic,

    /// <summary>APY(U) = MIN + (MAX − MIN)·U.</summary>
    Linear,

    /// <summary>
    /// APY(U) = MIN + (MAX − MIN)/(1 + e^(−10(U − 0.5))), as the seed writes it: not normalised,
    /// so APY(0) = MIN + 0.00669·(MAX − MIN) and APY(1) = MAX − 0.00669·(MAX − MIN).
    /// </summary>
    Sigmoidal,

    /// <summary>APY(U) = MIN + (MAX − MIN)·U².</summary>
    Quadratic,

    /// <summary>APY(U) = MIN + (MAX − MIN)·(e^(2U) − 1)/(e² − 1).</summary>
    Exponential,
}

/// <summary>
/// One tranche's APY curve: its shape and its MIN and MAX APY in basis points (1 bp = 0.01%).
/// Evaluated through a <see cref="RateTable"/>, never with floating point.
/// </summary>
public sealed record ApyCurve(CurveKind Kind, int MinBps, int MaxBps)
{
    /// <summary>The largest APY a curve may name: 100% a year.</summary>
    public const int MaxApyBps = 10_000;

    /// <summary>Refuses a curve whose bounds are negative, above 100% or inverted.</summary>
    public void Validate(string key)
    {
        if (!Enum.IsDefined(Kind))
        {
            throw new InputException($"unknown curve kind {(int)Kind}", key: key);
        }

        if (MinBps < 0 || MaxBps > MaxApyBps || MinBps > MaxBps)
        {
            throw new InputException($"APY bounds must satisfy 0 <= MIN <= MAX <= {MaxApyBps} bps, got MIN {MinBps}, MAX {MaxBps}", key: key);
        }
    }

    /// <summary>Seed 003's curve for a tranche (the table "Tranche Structure").</summary>
    public static ApyCurve Seed003(Tranche tranche) => tranche switch
    {
        Tranche.SureBtc => new(CurveKind.Flat, 400, 400),
        Tranche.SureSnr => new(CurveKind.Logarithmic, 650, 1000),
        Tranche.SureMezz => new(CurveKind.Linear, 900, 1500),
        Tranche.SureJnr => new(CurveKind.Sigmoidal, 1250, 1600),
        Tranche.SureJnrPlus => new(CurveKind.Quadratic, 1600, 2200),
        Tranche.SureEqt => new(CurveKind.Exponential, 1500, 2500),
        _ => throw new ArgumentOutOfRangeException(nameof(tranche), tranche, "tranche ids run from 1 to 6"),
    };
}
