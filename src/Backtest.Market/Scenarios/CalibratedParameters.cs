namespace Backtest.Market.Scenarios;

/// <summary>
/// The calibrated defaults of the scenario generators, fitted to the bundled data by
/// <see cref="Calibration.ScenarioCalibration"/> and committed here (printed by
/// <c>backtest scenarios fit</c>; figures and method in docs/models/scenarios.md). A test refits
/// from data/ and requires these exact values, so a change of data or method shows up as a
/// failing test rather than as silently different defaults.
/// </summary>
public static class CalibratedParameters
{
    /// <summary>Merton/Ornstein–Uhlenbeck jump-diffusion of ln(AMPL / target), per day (maximum likelihood).</summary>
    public static class JumpDiffusion
    {
        public const double LongRunLogDeviation = -0.2165725526950137;
        public const double MeanReversionPerDay = 0.016140540361615986;
        public const double VolatilityPerSqrtDay = 0.03601255041916637;
        public const double JumpsPerDay = 0.564988556048187;
        public const double JumpMean = 0.0034185583400393217;
        public const double JumpVolatility = 0.11488673477835597;
    }

    /// <summary>Two-regime switching autoregression (EM), regimes by rising volatility.</summary>
    public static class TwoRegimes
    {
        public static IReadOnlyList<double> Intercept { get; } = Array.AsReadOnly([-0.0004999989047225638, 0.003030523753199927]);
        public static IReadOnlyList<double> Slope { get; } = Array.AsReadOnly([0.001137448486089354, -0.0932397933449646]);
        public static IReadOnlyList<double> Volatility { get; } = Array.AsReadOnly([0.04033680318834111, 0.14450010729312399]);
        public static IReadOnlyList<double> Transition { get; } = Array.AsReadOnly([0.9241713182009813, 0.07582868179901874, 0.12420261502491736, 0.8757973849750826]);
    }

    /// <summary>Three-regime switching autoregression (EM), regimes by rising volatility; the default regime model.</summary>
    public static class ThreeRegimes
    {
        public static IReadOnlyList<double> Intercept { get; } = Array.AsReadOnly([0.00040270380958939994, -0.004396760343926603, 0.018601605945943674]);
        public static IReadOnlyList<double> Slope { get; } = Array.AsReadOnly([0.0007721778250418757, -0.02727442879531529, -0.11698474971492485]);
        public static IReadOnlyList<double> Volatility { get; } = Array.AsReadOnly([0.0239280361974753, 0.07004779826812653, 0.19461012099502176]);
        public static IReadOnlyList<double> Transition { get; } = Array.AsReadOnly([0.9037003644813029, 0.09189417219502252, 0.004405463323674617, 0.045011525527316035, 0.9056704838719049, 0.04931799060077918, 2.076108123559459E-10, 0.18611160999664894, 0.8138883897957402]);
    }

    /// <summary>Mean block length (days) of the stationary bootstrap: Politis–White on the squared residuals, rounded.</summary>
    public const double BootstrapMeanBlockLength = 15;

    /// <summary>The shape of the March 2023 USDC de-peg (least squares on the 15-minute bars).</summary>
    public static class MarchDepeg
    {
        public const double Depth = 0.1028086187472837;
        public const double HoursToTrough = 13.450297279093988;
        public const double PlateauFraction = 0.4133675726197607;
        public const double ReboundHours = 2.383861072731353;
        public const double HoursFromTroughToRecovery = 26.971047500207366;
        public const double RecoveryHalfLifeHours = 4.584028193293554;
    }

    /// <summary>USDC de-pegs per year: one in the 2,736 days of bundled daily history.</summary>
    public const double UsdcShocksPerYear = 0.13349780701754385;

    /// <summary>USDC's daily log-price volatility outside de-pegs (robust scale of the daily closes).</summary>
    public const double UsdcBaselineVolatility = 0.00025574006219663425;

    /// <summary>AMPL's target on the latest day the bundled PCEPI file sets it (USD).</summary>
    public const double LatestTarget = 1.23928986;

    /// <summary>PCEPI's compound growth per year over the bundled file.</summary>
    public const double PceInflationPerYear = 0.022026096533467987;
}
