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
}
