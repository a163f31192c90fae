using Backtest.Engine.Models;
using Backtest.Engine.Runs;
using Backtest.Engine.Studies;
using Backtest.IO.Parquet;
using Backtest.Market.Data;

namespace Backtest.Engine.Tests.Runs;

/// <summary>
/// Every model the engine ships, not only the test model, shards and merges into its whole run:
/// each model's scenario kinds, parameter sweeps, recorded series and summary go through the
/// slice, the shard files and the merge's recomputation.
/// </summary>
public sealed class ShippedModelShardingTests : IDisposable
{
    /// <summary>
    /// A small study per shipped model, with every scenario kind it has and a sweep, so its runs
    /// are several blocks dealt over 3 shards.
    /// </summary>
    private static readonly Dictionary<string, string> Studies = new(StringComparer.Ordinal)
    {
        // 2 runs of 2,500 paths: blocks 0-2 and 3-5, each shard one block of each run; the
        // recorded paths (the first 1,100) span blocks 0 and 1, so two shards hold series rows.
        ["wf6"] = """
            name: wf6-sharded
            model: wf6
            seed: 5
            paths: 2500
            series_paths: 1100
            scenarios:
              - name: reference
                kind: monte_carlo
            parameters:
              days: 60
            sweep:
              product:
                premium_rate: [0.10, 0.15]
            """,

        // The agent models: 4 runs of one block each (the reserve's replay: one path), so each
        // shard holds at least one run and shard 0 two.
        ["waterfall"] = """
            name: waterfall-sharded
            model: waterfall
            seed: 8
            paths: 12
            series_paths: 5
            scenarios:
              - name: claims
                kind: monte_carlo
                steps: 40
              - name: catastrophe
                kind: monte_carlo
                steps: 40
                shock_step: 10
                shock_loss: 0.05
            sweep:
              product:
                coverage: [50000000, 80000000]
            """,
        ["saffron"] = """
            name: saffron-sharded
            model: saffron
            seed: 9
            paths: 12
            series_paths: 5
            scenarios:
              - name: base
                kind: monte_carlo
                epoch_days: 7
                redemption_days: 8
              - name: crunch
                kind: monte_carlo
                epoch_days: 7
                redemption_days: 8
                shock_step: 8
                bad_debt_loss: 0.1
            sweep:
              product:
                a_multiplier: [3, 20]
            """,
        ["reserve"] = """
            name: reserve-sharded
            model: reserve
            seed: 10
            paths: 12
            series_paths: 5
            scenarios:
              - name: crash
                kind: monte_carlo
                steps: 30
                shock_step: 10
                shock_drop: 0.5
              - name: replay
                kind: historical
                start: 2019-07-01
                end: 2019-08-15
            sweep:
              product:
                max_deviation: [0.05, 0.3]
            """,
        ["defindex"] = """
            name: defindex-sharded
            model: defindex
            seed: 11
            paths: 12
            series_paths: 5
            scenarios:
              - name: default-day-10
                kind: monte_carlo
                steps: 30
                shock_step: 10
                default_loss: 0.3
            sweep:
              product:
                idle_share: [0.02, 0.3]
                liquidation_cost_bps: [0, 200]
            """,

        // 10 runs of one block each (history: one path; the Monte Carlo kinds: 3 paths, 2 recorded),
        // shard I of 3 taking runs I, I + 3, .... The stress scenario is importance sampled, so its
        // summary weighs paths by their likelihood ratios; the bootstrap one has a USDC de-peg.
        ["spot"] = """
            name: spot-sharded
            model: spot
            seed: 3
            paths: 3
            series_paths: 2
            scenarios:
              - name: history
                kind: history
                end: 2019-07-22
              - name: stress
                kind: stress
                horizon_days: 25
                tilt: 0.5
              - name: bootstrap_depeg
                kind: bootstrap
                horizon_days: 25
                depeg_day: 5
              - name: jump_diffusion
                kind: jump_diffusion
                horizon_days: 25
              - name: regime
                kind: regime
                horizon_days: 25
            parameters:
              spot_version: v5
              protocol_share: 0
            sweep:
              list:
                - {}
                - tranche_ratio: 200/800
            """,
    };

    private readonly string root = Directory.CreateTempSubdirectory("backtest-model-shards-").FullName;

    private readonly string data = DataFiles.LocateFolder();

    public void Dispose() => Directory.Delete(root, recursive: true);

    public static TheoryData<string> Models() => [.. ModelCatalog.Default.Names];

    [Fact]
    public void EveryShippedModelHasAStudyHereWithEachOfItsScenarioKinds()
    {
        Assert.Equal(ModelCatalog.Default.Names, Studies.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, yaml) in Studies)
        {
            var study = StudyLoader.Parse(yaml, $"{name}.yaml", ModelCatalog.Default);
            Assert.Equal(study.Model.ScenarioKinds.Select(k => k.Name).Order(StringComparer.Ordinal), study.Scenarios.Select(s => s.Kind.Name).Distinct().Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void ThreeShardsMergeIntoTheWholeRunValueForValue(string model)
    {
        var study = StudyLoader.Parse(Studies[model], $"{model}.yaml", ModelCatalog.Default);
        var single = Path.Combine(root, "single");
        var whole = StudyRunner.Run(study, new RunOptions(single, data));

        var shards = Path.Combine(root, "shards");
        for (int index = 0; index < 3; index++)
        {
            StudyRunner.Run(study, new RunOptions(shards, data) { Shard = new ShardSpec(index, 3) });
        }

        // Every shard simulated something, so the merged tables really come from three processes' files.
        foreach (int index in new[] { 0, 1, 2 })
        {
            Assert.True(ShardManifest.Read(Path.Combine(shards, "shards", $"shard={index}.json")).PathRows > 0, $"shard {index} has no path rows");
        }

        var merged = ShardMerger.Merge(new MergeOptions([shards], Path.Combine(root, "merged"), data, ModelCatalog.Default));
        long values = RunFolderComparison.AssertSameTables(single, merged.Directory);

        long paths = whole.Plan.Runs.Sum(r => r.Simulation.Paths);
        using var table = ParquetReader.Open(Path.Combine(single, "paths.parquet"));
        Assert.Equal(paths, table.RowCount);
        Assert.True(values > paths * table.Schema.Count, "every path row, and the summary and series, were compared");
        using var series = ParquetReader.Open(Path.Combine(single, "series.parquet"));
        Assert.True(series.RowCount > 0, "the study records series");
    }
}
