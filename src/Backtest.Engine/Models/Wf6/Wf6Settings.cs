using Backtest.Market.Losses;
using Backtest.Protocols.Waterfall.Wf6;

namespace Backtest.Engine.Models.Wf6;

/// <summary>
/// Everything that defines a WF6 run (shared/spec/wf6_workload.md): the vault side
/// (<see cref="Wf6Terms"/>) and the claim process: per day N ~ Poisson(<see cref="ClaimIntensity"/>)
/// claims of coverage · min(1, X), X ~ LogNormal(<see cref="SeverityMu"/>, <see cref="SeveritySigma"/>),
/// and with probability <see cref="CatastropheProbability"/> a catastrophe of coverage · V,
/// V ~ Uniform(<see cref="CatastropheMin"/>, <see cref="CatastropheMax"/>).
/// </summary>
public sealed record Wf6Settings
{
    public required Wf6Terms Terms { get; init; }

    public double ClaimIntensity { get; init; } = 0.025;

    /// <summary>μ of ln X (WF6: ln 0.004).</summary>
    public double SeverityMu { get; init; } = Math.Log(0.004);

    public double SeveritySigma { get; init; } = 1.0;

    public double CatastropheProbability { get; init; } = 0.0005;

    public double CatastropheMin { get; init; } = 0.05;

    public double CatastropheMax { get; init; } = 0.25;

    /// <summary>The WF6 reference workload.</summary>
    public static Wf6Settings Reference { get; } = new() { Terms = Wf6Terms.Reference };

    /// <summary>The claim process, drawn by event times (<see cref="EventTimeLossModel"/>).</summary>
    public EventTimeLossModel LossModel() => new(
        Terms.CoverageSold,
        ClaimIntensity,
        new LogNormalSeverity(SeverityMu, SeveritySigma),
        new CatastropheJumps(CatastropheProbability, CatastropheMin, CatastropheMax),
        Terms.Days);
}
