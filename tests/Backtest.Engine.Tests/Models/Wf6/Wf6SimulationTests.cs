using Backtest.Engine.Models;
using Backtest.Engine.Models.Wf6;
using Backtest.Engine.Studies;
using Backtest.IO.Tables;
using Backtest.Numerics;
using Backtest.Numerics.Random;
using Backtest.Numerics.Simd;
using Backtest.Protocols.Waterfall.Wf6;

namespace Backtest.Engine.Tests.Models.Wf6;

public class Wf6SimulationTests
{
    /// <summary>Claims ten times as often and big catastrophes: tiers are wiped, shortfall and breakers occur.</summary>
    private static readonly Wf6Settings Stressed = Wf6Settings.Reference with
    {
        ClaimIntensity = 0.25,
        CatastropheProbability = 0.004,
        CatastropheMin = 0.2,
        CatastropheMax = 0.9,
    };

    private static readonly RandomStream Stream = RandomStream.Create(7, 0, 0);

    private static void AssertSame(Wf6Outputs a, Wf6Outputs b)
    {
        Assert.Equal(a.FinalCapital, b.FinalCapital);
        Assert.Equal(a.WipedDay, b.WipedDay);
        Assert.Equal(a.Premiums, b.Premiums);
        Assert.Equal(a.BreakerDay, b.BreakerDay);
        Assert.Equal(a.Shortfall, b.Shortfall);
        Assert.Equal(a.MinTotalCapital, b.MinTotalCapital);
    }

    [Fact]
    public void OneTwoAndEightThreadsGiveTheSameOutputs()
    {
        var simulation = new Wf6Simulation(Wf6Settings.Reference, Stream);
        var one = simulation.Run(3_001, threads: 1, batchSize: 256);
        AssertSame(one, simulation.Run(3_001, threads: 2, batchSize: 256));
        AssertSame(one, simulation.Run(3_001, threads: 8, batchSize: 256));
    }

    [Fact]
    public void EveryTierGivesTheReferencesBitsOnStressedPaths()
    {
        var reference = new Wf6Simulation(Stressed, Stream, SimdTier.Scalar).Run(203, threads: 2, batchSize: 64);
        Assert.Contains(reference.Shortfall, s => s > 0);
        Assert.Contains(reference.BreakerDay, d => d > 0);
        Assert.Contains(reference.WipedDay, d => d > 0);
        foreach (var tier in new[] { SimdTier.Vector128, SimdTier.Vector256, SimdTier.Vector512 })
        {
            AssertSame(reference, new Wf6Simulation(Stressed, Stream, tier).Run(203, threads: 2, batchSize: 64));
        }
    }

    [Fact]
    public void EveryTierGivesTheReferencesBitsOnWf6Paths()
    {
        var reference = new Wf6Simulation(Wf6Settings.Reference, Stream, SimdTier.Scalar).Run(500, threads: 2, batchSize: 128);
        Assert.Contains(reference.FinalCapital, c => c < Wf6Terms.Reference.InitialCapital[5]);
        AssertSame(reference, new Wf6Simulation(Wf6Settings.Reference, Stream, SimdTiers.Widest).Run(500, threads: 1, batchSize: 500));
    }

    [Fact]
    public void TheSummaryCountsMeansQuantilesAndProbabilities()
    {
        // Four paths with known outcomes; tier 6 (initial 10M) loses 0, 1M, 10M (wiped) and gains 0.5M.
        var outputs = new Wf6Outputs(4);
        var terms = Wf6Terms.Reference;
        for (int i = 0; i < 6; i++)
        {
            outputs.FinalCapitalOf(i).Fill(terms.InitialCapital[i]);
            outputs.WipedDayOf(i).Fill(-1);
        }

        long million = 1_000_000 * Fixed.One;
        long[] eqt = [10 * million, 9 * million, 0, (10 * million) + (million / 2)];
        eqt.CopyTo(outputs.FinalCapitalOf(5));
        outputs.WipedDayOf(5)[2] = 400;
        outputs.BreakerDay[2] = 399;
        outputs.Shortfall[2] = 5;
        outputs.BreakerDay[1] = -1;
        Array.Fill(outputs.BreakerDay, -1, 0, 2);
        outputs.BreakerDay[3] = -1;

        var summary = Wf6Results.Summarize(terms, Wf6Results.ToTable(outputs));
        int row = 5;
        Assert.Equal(6, summary.Int32("tier")[row]);
        Assert.Equal("SURE-EQT", summary.Text("name")[row]);
        Assert.Equal(4, summary.Int64("paths")[row]);
        Assert.Equal(((29 * million) + (million / 2)) / 4, summary.Int64("mean_final")[row]);
        Assert.Equal(0.5, summary.Double("p_impaired")[row]);
        Assert.Equal(0.25, summary.Double("p_wiped")[row]);
        Assert.Equal(11 * million / 4, summary.Int64("mean_loss")[row]);
        Assert.Equal(10 * million, summary.Int64("var99_loss")[row]);
        Assert.Equal(1e7, summary.Double("es99_loss")[row]);
        Assert.Equal(0.25, summary.Double("p_breaker")[row]);
        Assert.Equal(0.25, summary.Double("p_shortfall")[row]);
        Assert.Equal(Math.Sqrt(0.25 * 0.75 / 4), summary.Double("p_shortfall_se")[row]);
        Assert.Equal(0, summary.Double("p_impaired")[0]);
        Assert.Equal(terms.InitialCapital[0], summary.Int64("mean_final")[0]);
    }

    [Fact]
    public void TheStudyFileLoadsAsTheReferenceWorkload()
    {
        string file = Path.Combine(RepositoryRoot(), "studies", "wf6.yaml");
        var study = StudyLoader.Load(file, ModelCatalog.Default);
        Assert.Equal("wf6", study.Model.Name);
        Assert.Equal(200_000, study.Paths);
        var settings = Wf6Model.Settings(study.ParameterSets.Single().Values);
        Assert.Equal(Wf6Settings.Reference with { Terms = settings.Terms }, settings);
        Assert.Equal(Wf6Terms.Reference.InitialCapital, settings.Terms.InitialCapital);
        Assert.Equal(Wf6Terms.Reference.Curves, settings.Terms.Curves);
        Assert.Equal(Wf6Terms.Reference.DailyPremium, settings.Terms.DailyPremium);
        Assert.Equal(Wf6Terms.Reference with { InitialCapital = settings.Terms.InitialCapital, Curves = settings.Terms.Curves }, settings.Terms);
    }

    [Fact]
    public void TheModelRunsBatchesIntoThePathTableAndSummarises()
    {
        var model = new Wf6Model();
        var parameters = new ParameterValues(model.Parameters, new Dictionary<string, object>());
        var scenario = new ResolvedScenario(0, "reference", model.ScenarioKinds[0], new ParameterValues([], new Dictionary<string, object>()));
        var context = new SimulationContext("t", 7, 0, scenario, 0, parameters, 40, 0, null!);
        var simulation = model.Create(context);
        var table = new ColumnTable(simulation.PathColumns, 40);
        var batch = new PathBatch(table, 0, 0, 40, new SeriesRecorder([], 0, simulation.Steps));
        simulation.RunBatch(batch);
        var direct = new Wf6Simulation(Wf6Settings.Reference, RandomStream.Create(7, 0, 0)).Run(40, 1);
        Assert.Equal(direct.FinalCapitalOf(5).ToArray(), table.Int64("final_capital_t6"));
        Assert.Equal(direct.MinTotalCapital, table.Int64("min_total_capital"));
        Assert.Equal(6, simulation.Summarize(table).RowCount);
    }

    [Fact]
    public void ParametersThatAreNotWholeBasisPointsOrOutOfRangeAreRefused()
    {
        var model = new Wf6Model();
        ParameterValues With(string key, object value) => new(model.Parameters, new Dictionary<string, object> { [key] = value });
        Assert.Equal("premium_rate", Assert.Throws<InputException>(() => Wf6Model.Settings(With("premium_rate", Fixed.Parse("0.15005")))).Key);
        Assert.Throws<InputException>(() => Wf6Model.Settings(With("initial_capital", new[] { Fixed.One })));
        Assert.Throws<InputException>(() => Wf6Model.Settings(With("catastrophe_max", 0.01)));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Backtest.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("repository root not found");
    }
}
