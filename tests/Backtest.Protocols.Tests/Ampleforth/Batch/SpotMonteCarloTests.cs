using Backtest.Numerics.Random;
using Backtest.Protocols.Ampleforth.Batch;
using Backtest.Protocols.Ampleforth.Spot;

namespace Backtest.Protocols.Tests.Ampleforth.Batch;

/// <summary>
/// The batch Monte Carlo: the same per-path results on any number of threads and any batch
/// size, and the same as the contract model driven through the same price paths.
/// </summary>
public class SpotMonteCarloTests
{
    private const long Unit = 1_000_000_000;
    private const int Paths = 7;
    private const int Days = 240;

    private static readonly SpotMonteCarlo MonteCarlo = new(
        SpotBatchConfig.Mainnet(SpotVersion.V5, new DateOnly(2025, 7, 2), 10_000_000 * Unit),
        new SpotPriceModel(MeanReversion: 0.04, Volatility: 0.08),
        RandomStream.Create(11, 0, 0));

    [Fact]
    public void ResultsAreTheSameForEveryThreadCountAndBatchSize()
    {
        var reference = MonteCarlo.Run(firstPath: 3, Paths, Days, batchSize: Paths, threads: 1);
        foreach (var (batchSize, threads) in new[] { (1, 1), (2, 2), (3, 0), (4, 2) })
        {
            var other = MonteCarlo.Run(firstPath: 3, Paths, Days, batchSize, threads);
            Assert.Equal(-1, reference.FirstDifference(other));
        }

        Assert.All(reference.SupplyChanges, n => Assert.True(n > Days / 4, "the price paths barely rebased"));
        Assert.All(reference.Rollovers, n => Assert.True(n > 0, "a path never rolled over"));
        Assert.Contains(reference.Rebalances, n => n > 0);
        Assert.True(reference.FinalAmplSupply.Distinct().Count() == Paths, "paths are not distinct");
    }

    [Fact]
    public void TheBatchMatchesTheContractModelOnTheSamePricePaths()
    {
        var batch = MonteCarlo.Run(firstPath: 40, paths: 3, Days, batchSize: 2, threads: 2);
        var contracts = MonteCarlo.RunContractModel(firstPath: 40, paths: 3, Days);

        Assert.Equal(-1, batch.FirstDifference(contracts));
        Assert.Equal(contracts.FinalDeviationRatio, batch.FinalDeviationRatio);
    }

    [Fact]
    public void APathsResultsDependOnItsIndexNotOnItsLane()
    {
        var wide = MonteCarlo.Run(firstPath: 0, paths: 4, Days, batchSize: 4, threads: 1);
        var shifted = MonteCarlo.Run(firstPath: 2, paths: 2, Days, batchSize: 2, threads: 1);

        Assert.Equal(wide.FinalAmplSupply[2..], shifted.FinalAmplSupply);
        Assert.Equal(wide.FinalVaultTvl[2..], shifted.FinalVaultTvl);
        Assert.NotEqual(wide.FinalAmplSupply[0], wide.FinalAmplSupply[2]);
    }
}
