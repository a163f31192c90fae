using System.Globalization;
using System.Text;
using Backtest.Market.Data;
using Backtest.Numerics.Random;

namespace Backtest.Market.Scenarios.Calibration;

/// <summary>Every fit behind <see cref="CalibratedParameters"/>, and the goodness-of-fit checks when asked for.</summary>
public sealed record CalibrationReport(
    DailyAxis Days,
    AutoregressionFit Line,
    double BlockLength,
    JumpDiffusionFit JumpDiffusion,
    RegimeSwitchingFit TwoRegimes,
    RegimeSwitchingFit ThreeRegimes,
    DepegShapeFit Depeg,
    UsdcCalibration Usdc,
    TargetCalibration Target,
    IReadOnlyList<ModelCheck> Checks)
{
    /// <summary>The report as Markdown: parameters with standard errors, likelihoods, and the goodness-of-fit tables.</summary>
    public string ToMarkdown() => CalibrationMarkdown.Write(this);
}

/// <summary>
/// Runs the calibration of the scenario generators on the bundled data. Deterministic: the same
/// data give the same bits on every machine and SIMD tier (all transcendental functions come from
/// <c>DeterministicMath</c>, the optimisers have fixed starts, and the goodness-of-fit paths come
/// from a fixed key).
/// </summary>
public static class ScenarioCalibration
{
    /// <summary>The seed of the goodness-of-fit simulations.</summary>
    public const ulong CheckSeed = 20190628;

    /// <summary>
    /// Fits every model to the files of <paramref name="dataFolder"/>; with
    /// <paramref name="checkPaths"/> &gt; 0, also simulates that many histories of each model for
    /// the goodness-of-fit tables.
    /// </summary>
    public static CalibrationReport Run(string dataFolder, int checkPaths = 0)
    {
        var history = MarketHistory.Load(dataFolder);
        var depegBars = HistoricalData.LoadUsdc15MinDepeg(Path.Combine(dataFolder, BundledData.UsdcUsd15MinDepeg.FileName));
        var usdcDaily = HistoricalData.LoadUsdcDaily(Path.Combine(dataFolder, BundledData.UsdcUsdYahooDaily.FileName));
        var pcepi = HistoricalData.LoadPcepi(Path.Combine(dataFolder, BundledData.UsPcepiMonthly.FileName));
        return Run(history, depegBars, usdcDaily, pcepi, checkPaths);
    }

    /// <summary>Fits every model to already loaded series.</summary>
    public static CalibrationReport Run(MarketHistory history, IntradaySeries<OhlcvBar> depegBars, DailySeries<OhlcvBar> usdcDaily, MonthlySeries<decimal> pcepi, int checkPaths = 0)
    {
        var moves = history.Transitions;
        var line = AutoregressionFit.Fit(moves);
        var squared = line.Residuals.Select(e => e * e).ToArray();
        double blockLength = BlockLength.PolitisWhite(squared);
        var jumpDiffusion = JumpDiffusionFit.Fit(moves);
        var two = RegimeSwitchingFit.Fit(moves, 2);
        var three = RegimeSwitchingFit.Fit(moves, 3);
        var checks = new List<ModelCheck>();
        if (checkPaths > 0)
        {
            IAmplDeviationModel[] models =
            [
                new StationaryBootstrapModel(moves, new BootstrapOptions { MeanBlockLength = Math.Round(blockLength) }),
                new JumpDiffusionModel(jumpDiffusion.Parameters),
                new JumpDiffusionModel(jumpDiffusion.WithoutReversion),
                new RegimeSwitchingModel(two.Parameters),
                new RegimeSwitchingModel(three.Parameters),
            ];
            string[] names = ["stationary bootstrap", "jump-diffusion (OU)", "jump-diffusion (κ = 0)", "2 regimes", "3 regimes"];
            for (int m = 0; m < models.Length; m++)
            {
                checks.Add(HistoryStatistics.Check(names[m], models[m], history, RandomStream.Create(CheckSeed, m, 0), checkPaths));
            }
        }

        return new CalibrationReport(
            history.Days,
            line,
            blockLength,
            jumpDiffusion,
            two,
            three,
            DepegShapeFit.Fit(depegBars),
            UsdcCalibration.Fit(usdcDaily),
            TargetCalibration.Fit(pcepi),
            checks);
    }
}

/// <summary>The Markdown form of a <see cref="CalibrationReport"/>.</summary>
internal static class CalibrationMarkdown
{
    public static string Write(CalibrationReport r)
    {
        var md = new StringBuilder();
        var jd = r.JumpDiffusion;
        md.AppendLine(Invariant($"# Scenario calibration ({r.Days})"));
        md.AppendLine();
        md.AppendLine(Invariant($"AMPL moves fitted: {jd.Observations} one-day changes of x = ln(close / target) between observed, complete days."));
        md.AppendLine();
        md.AppendLine("## Mean reversion (least squares, Δx = a + b·x + e) and the bootstrap");
        md.AppendLine();
        md.AppendLine("| a | b | half-life (days) | mean −a/b | residual sd | Politis–White L (squared residuals) |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|");
        md.AppendLine(Invariant($"| {E(r.Line.Intercept, r.Line.InterceptError)} | {E(r.Line.Slope, r.Line.SlopeError)} | {F(r.Line.HalfLifeDays)} | {F(r.Line.Mean)} | {F(r.Line.ResidualDeviation)} | {F(r.BlockLength)} |"));
        md.AppendLine();
        md.AppendLine("## Jump-diffusion (maximum likelihood)");
        md.AppendLine();
        md.AppendLine("| μ | κ (per day) | σ (per √day) | λ (per day) | μ_J | σ_J | ℓ | AIC | BIC |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        md.AppendLine(Invariant($"| {E(jd.LongRunLogDeviation)} | {E(jd.MeanReversionPerDay)} | {E(jd.VolatilityPerSqrtDay)} | {E(jd.JumpsPerDay)} | {E(jd.JumpMean)} | {E(jd.JumpVolatility)} | {F(jd.LogLikelihood)} | {F(jd.Aic)} | {F(jd.Bic)} |"));
        var w = jd.WithoutReversion;
        md.AppendLine(Invariant($"| — | 0 | {F(w.VolatilityPerSqrtDay)} | {F(w.JumpsPerDay)} | {F(w.JumpMean)} | {F(w.JumpVolatility)} | {F(jd.WithoutReversionLogLikelihood)} | | |"));
        md.AppendLine();
        md.AppendLine(Invariant($"Likelihood ratio of κ = 0 (χ², 2 degrees of freedom): {F(jd.ReversionLikelihoodRatio)}."));
        md.AppendLine();
        foreach (var fit in new[] { r.TwoRegimes, r.ThreeRegimes })
        {
            md.AppendLine(Invariant($"## {fit.Regimes} regimes (EM, {fit.Iterations} iterations): ℓ = {F(fit.LogLikelihood)}, AIC = {F(fit.Aic)}, BIC = {F(fit.Bic)}"));
            md.AppendLine();
            md.AppendLine("| regime | intercept a | slope b | volatility σ | stationary π | smoothed occupancy | transition row |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---|");
            for (int k = 0; k < fit.Regimes; k++)
            {
                var row = string.Join(", ", Enumerable.Range(0, fit.Regimes).Select(j => E(fit.Transition[(k * fit.Regimes) + j])));
                md.AppendLine(Invariant($"| {k} | {E(fit.Intercept[k])} | {E(fit.Slope[k])} | {E(fit.Volatility[k])} | {F(fit.Stationary[k])} | {F(fit.SmoothedOccupancy[k])} | {row} |"));
            }

            md.AppendLine();
        }

        var d = r.Depeg;
        md.AppendLine(Invariant($"## USDC de-peg shape (least squares on {d.Observations} 15-minute closes)"));
        md.AppendLine();
        md.AppendLine("| onset (UTC) | depth | T_f (h) | plateau r | τ (h) | T_h (h) | H (h) | RMS error |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        md.AppendLine(Invariant($"| {d.OnsetUtc:yyyy-MM-dd HH:mm} | {F(d.Shape.Depth)} | {F(d.Shape.HoursToTrough)} | {F(d.Shape.PlateauFraction)} | {F(d.Shape.ReboundHours)} | {F(d.Shape.HoursFromTroughToRecovery)} | {F(d.Shape.RecoveryHalfLifeHours)} | {F(d.RootMeanSquareError)} |"));
        md.AppendLine();
        md.AppendLine("| | first below 0.98 (UTC) | trough (UTC) | trough depth | anchor → trough (h) | hours below 0.99 | below 0.98 | below 0.95 |");
        md.AppendLine("|---|---|---|---:|---:|---:|---:|---:|");
        foreach (var (name, f) in new[] { ("data", d.Data), ("fitted shape", d.Model) })
        {
            md.AppendLine(Invariant($"| {name} | {d.OriginUtc.AddHours(f.AnchorHours):yyyy-MM-dd HH:mm} | {d.OriginUtc.AddHours(f.TroughHours):yyyy-MM-dd HH:mm} | {F(f.TroughDepth)} | {F(f.AnchorToTrough)} | {F(f.HoursBelow99)} | {F(f.HoursBelow98)} | {F(f.HoursBelow95)} |"));
        }

        md.AppendLine();
        md.AppendLine(Invariant($"USDC: baseline volatility {F(r.Usdc.BaselineVolatility)} per day, {F(r.Usdc.ShocksPerYear)} shocks per year ({UsdcCalibration.RecordedDepegs} in {r.Usdc.Days} days)."));
        md.AppendLine();
        md.AppendLine(Invariant($"Target: {F(r.Target.LatestTarget)} from {r.Target.LatestTargetFrom:yyyy-MM-dd}; PCEPI growth {F(r.Target.InflationPerYear)} per year ({r.Target.FirstMonth:yyyy-MM} .. {r.Target.LastMonth:yyyy-MM})."));
        if (r.Checks.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Goodness of fit: data, then each model's median [5%, 95%] over simulated histories of the data's length");
            md.AppendLine();
            md.AppendLine("| statistic | data | " + string.Join(" | ", r.Checks.Select(c => c.Model)) + " |");
            md.AppendLine("|---|---:|" + string.Concat(r.Checks.Select(_ => "---:|")));
            for (int s = 0; s < HistoryStatistics.Names.Count; s++)
            {
                var cells = r.Checks.Select(c => c.Statistics[s]).Select(c => Invariant($"{F(c.Median)} [{F(c.Low)}, {F(c.High)}]{(c.Inside ? string.Empty : " ✗")}"));
                md.AppendLine(Invariant($"| {HistoryStatistics.Names[s]} | {F(r.Checks[0].Statistics[s].Data)} | {string.Join(" | ", cells)} |"));
            }

            md.AppendLine();
            md.AppendLine("✗: the data's value lies outside the model's 5–95% band.");
        }

        md.AppendLine();
        md.AppendLine("## Committed values (round-trip digits)");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(Invariant($"jump-diffusion: {R(jd.Parameters.LongRunLogDeviation)} {R(jd.Parameters.MeanReversionPerDay)} {R(jd.Parameters.VolatilityPerSqrtDay)} {R(jd.Parameters.JumpsPerDay)} {R(jd.Parameters.JumpMean)} {R(jd.Parameters.JumpVolatility)}"));
        foreach (var fit in new[] { r.TwoRegimes, r.ThreeRegimes })
        {
            var p = fit.Parameters;
            md.AppendLine(Invariant($"{fit.Regimes} regimes: intercept [{Rs(p.Intercept)}] slope [{Rs(p.Slope)}] volatility [{Rs(p.Volatility)}] transition [{Rs(p.Transition)}]"));
        }

        md.AppendLine(Invariant($"bootstrap mean block length: {R(Math.Round(r.BlockLength))}"));
        var s0 = d.Shape;
        md.AppendLine(Invariant($"de-peg: {R(s0.Depth)} {R(s0.HoursToTrough)} {R(s0.PlateauFraction)} {R(s0.ReboundHours)} {R(s0.HoursFromTroughToRecovery)} {R(s0.RecoveryHalfLifeHours)}"));
        md.AppendLine(Invariant($"usdc: {R(r.Usdc.ShocksPerYear)} {R(r.Usdc.BaselineVolatility)}"));
        md.AppendLine(Invariant($"target: {R(r.Target.LatestTarget)} {R(r.Target.InflationPerYear)}"));
        md.AppendLine("```");
        return md.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string F(double value) => double.IsNaN(value) ? "n/a" : value.ToString("G4", CultureInfo.InvariantCulture);

    private static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Rs(IEnumerable<double> values) => string.Join(", ", values.Select(R));

    private static string E(Estimate e) => E(e.Value, e.StandardError);

    private static string E(double value, double error) => double.IsNaN(error) ? F(value) : Invariant($"{F(value)} ({F(error)})");
}
