using Backtest.Protocols.Ampleforth.Batch;
using Backtest.Protocols.Ampleforth.Spot;

namespace Backtest.Protocols.Tests.Ampleforth.Batch;

/// <summary>
/// The batch simulator against the contract model: random paths driven through both day by
/// day, every output and every state variable compared exactly every day. The coverage checks
/// make sure the paths reach what they are meant to test (impaired seniors, every flow and its
/// refusals, rollovers, both rebalance directions).
/// </summary>
public class SpotBatchEqualityTests
{
    private const long Unit = 1_000_000_000;
    private static readonly DateOnly V5Launch = new(2025, 7, 2);

    [Fact]
    public void V5StressedPathsMatchTheContractModelForThreeYears()
    {
        var config = SpotBatchConfig.Mainnet(SpotVersion.V5, V5Launch, 10_000_000 * Unit);
        var coverage = SpotEqualityHarness.Run(config, lanes: 4, days: 3 * 365, seed: 1, SpotPathGenerator.Profile.Stressed);

        Assert.Equal(4 * 3 * 365, coverage.LaneDays);
        Assert.True(coverage.Count("seniorImpaired") > 0, "no path impaired a senior");
        Assert.True(coverage.Count("deploy:Ok") > 0);
        Assert.True(coverage.Count("rebalance:Ok:-1") > 0 && coverage.Count("rebalance:Ok:1") > 0, "the rebalance did not run both ways");
        Assert.True(coverage.Count("feePaid") > 0);
        foreach (string flow in new[] { "perpRedeem", "vaultRedeem", "swapPerps", "swapAmpl", "perpMint", "vaultDeposit" })
        {
            Assert.True(coverage.Count($"{flow}:Ok") > 0, $"{flow} never succeeded");
            Assert.True(coverage.Outcomes.Any(o => o.Key.StartsWith($"{flow}:", StringComparison.Ordinal) && o.Key != $"{flow}:Ok" && o.Key != $"{flow}:NotRequested"), $"{flow} was never refused");
        }
    }

    [Theory]
    [InlineData(SpotVersion.V3)]
    [InlineData(SpotVersion.V4)]
    public void V3AndV4PathsWithFlatFeesAndTheSigmoidRolloverFeeMatchTheContractModel(SpotVersion version)
    {
        var policy = new SubscriptionFeePolicy
        {
            PerpMintFeePercFlat = SpotFeePolicy.One / 200,
            PerpBurnFeePercFlat = SpotFeePolicy.One / 100,
            VaultMintFeePercFlat = SpotFeePolicy.One / 500,
            VaultBurnFeePercFlat = SpotFeePolicy.One / 250,
            VaultUnderlyingToPerpSwapFeePerc = SpotFeePolicy.One / 100,
            VaultPerpToUnderlyingSwapFeePerc = SpotFeePolicy.One / 50,
            VaultDeploymentFee = Unit / 10,
        };
        var mainnet = SpotBatchConfig.Mainnet(version, new DateOnly(2024, 9, 12), 5_000_000 * Unit);
        var config = mainnet with
        {
            FeePolicy = policy,
            Seed = SpotSeed.AtDeviationRatioOne(version, policy, 250, 5_000_000 * Unit),
            Perp = new SpotPerpSettings(MinTrancheMaturitySec: 7 * 86_400, MaxTrancheMaturitySec: 31 * 86_400),
            Vault = new SpotVaultSettings(ReservedSubscriptionPerc: SpotFeePolicy.One / 20),
        };

        var coverage = SpotEqualityHarness.Run(config, lanes: 3, days: 365, seed: (int)version, SpotPathGenerator.Profile.Stressed);

        Assert.True(coverage.Count("deploy:Ok") > 0);
        Assert.True(coverage.Count("feePaid") > 0);
        Assert.True(coverage.Count("swapAmpl:Ok") > 0 && coverage.Count("swapPerps:Ok") > 0, "v3/v4 swaps never ran");
        Assert.True(coverage.Count("rebalance:NotRequested:0") == 3 * 365, "v3/v4 have no rebalance");
    }
}
