using System.Numerics;

namespace Backtest.Protocols.Ampleforth.Policy;

/// <summary>One era of the AMPL monetary policy: the parameters in force from <see cref="From"/> on.</summary>
public sealed record AmplPolicyEra(string Name, DateTimeOffset From, PolicyParameters Parameters, string Source) : IDatedEra;

/// <summary>
/// Maps a date to the monetary policy in force (shared/spec/ampleforth.md §0.1). Parameters are
/// data: a study may replace the table. The mainnet table uses each contract version's
/// <c>initialize()</c> defaults; the switch dates the repositories do not record are the
/// approximate months the spec gives, placed at the first of the month (documented per era).
/// </summary>
public sealed class AmplPolicyTimeline(IReadOnlyList<AmplPolicyEra> eras) : EraTimeline<AmplPolicyEra>(eras)
{
    /// <summary>The mainnet history as the spec reconstructs it.</summary>
    public static AmplPolicyTimeline Mainnet { get; } = new(BuildMainnet());

    private static List<AmplPolicyEra> BuildMainnet()
    {
        const long Day = 86_400;
        BigInteger fivePercent = RebaseFunction.Fp18("0.05");
        BigInteger baseCpi = RebaseFunction.Fp18("100");
        var launch = new PolicyParameters(new LinearRebase(30), fivePercent, Day, 72_000, 900, TargetOracleKind.IndexOverBase, InvalidOracleRule.Revert, baseCpi);
        var lag10 = launch with { Function = new LinearRebase(10), RebaseWindowOffsetSec = 7_200 };
        var aip5 = lag10 with
        {
            Function = new SigmoidRebase(RebaseFunction.Fp18("-0.10"), RebaseFunction.Fp18("0.10"), RebaseFunction.Fp18("3")),
            RebaseWindowLengthSec = 1_200,
        };
        var targetOracle = aip5 with { TargetOracle = TargetOracleKind.TargetRate };
        var sep2024 = targetOracle with
        {
            Function = new SigmoidRebase(RebaseFunction.Fp18("-0.077"), RebaseFunction.Fp18("0.05"), RebaseFunction.Fp18("45")),
            DeviationThreshold = RebaseFunction.Fp18("0.025"),
        };
        var oct2024 = sep2024 with { InvalidOracle = InvalidOracleRule.ZeroSupplyDelta };
        var twoCurves = oct2024 with
        {
            Function = new DoubleSigmoidRebase(RebaseFunction.Fp18("-0.077"), RebaseFunction.Fp18("0.05"), RebaseFunction.Fp18("45"), RebaseFunction.Fp18("45")),
        };

        return
        [
            new("launch: linear, lag 30", Date(2019, 6, 14), launch, "UFragmentsPolicy 2019 init; lag 30 seen in the supply history until 2019-10-29"),
            new("linear, lag 10, 02:00 UTC", Date(2019, 10, 30), lag10, "supply history: lag 10 and 02:00 rebases from 2019-10-31"),
            new("AIP-5 sigmoid", Date(2022, 3, 1), aip5, "ampleforth-contracts 3cca866; mainnet switch ~2022-02/03 (approximate)"),
            new("target-rate oracle", Date(2023, 10, 1), targetOracle, "ampleforth-contracts a868c40 (2023-10, approximate)"),
            new("single sigmoid -7.7%/+5%, 2.5% threshold", Date(2024, 9, 1), sep2024, "ampleforth-contracts fd13c8b (2024-09, approximate)"),
            new("invalid oracle => no change", Date(2024, 10, 1), oct2024, "spec §5.1: since October 2024 (approximate)"),
            new("two curves", Date(2025, 4, 1), twoCurves, "ampleforth-contracts 0e7f9d1 (2025-03/04, approximate)"),
        ];
    }
}
