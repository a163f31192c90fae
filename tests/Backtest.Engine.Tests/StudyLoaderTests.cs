using Backtest.Engine.Models;
using Backtest.Engine.Studies;
using Backtest.Numerics;

namespace Backtest.Engine.Tests;

public class StudyLoaderTests
{
    private static readonly ModelCatalog Catalog = new([new TestModel()]);

    private static Study Parse(string yaml, StudyOverrides? overrides = null) =>
        StudyLoader.Parse(yaml, "studies/t.yaml", Catalog, overrides);

    private static StudyException Fails(string yaml) => Assert.Throws<StudyException>(() => Parse(yaml));

    private const string Minimal = """
        name: t
        model: testwalk
        scenarios:
          - kind: mc
        """;

    [Fact]
    public void AMinimalStudyGetsDefaults()
    {
        var study = Parse(Minimal);
        Assert.Equal("t", study.Name);
        Assert.Equal(StudyLoader.DefaultPaths, study.Paths);
        Assert.Single(study.ParameterSets);
        Assert.Equal(Fixed.Parse("0.001"), study.ParameterSets[0].Values.Amount("drift"));
        Assert.Equal(30, study.Scenarios[0].Settings.Integer("steps"));
        Assert.Equal("mc", study.Scenarios[0].Name);
    }

    [Fact]
    public void ParametersAreTypedAndExact()
    {
        var study = Parse(Minimal + """

            parameters:
              drift: 0.000000001
              lag: 30
              vol: 1e-3
              enabled: false
              version: v3
              ratios: [200, 800]
            """);
        var v = study.ParameterSets[0].Values;
        Assert.Equal(1, v.Amount("drift"));
        Assert.Equal(30, v.Integer("lag"));
        Assert.Equal(0.001, v.Real("vol"));
        Assert.False(v.Boolean("enabled"));
        Assert.Equal("v3", v.Choice("version"));
        Assert.Equal([200L, 800L], v.IntegerList("ratios"));
    }

    [Fact]
    public void OverridesReplaceTheFilesValues()
    {
        var study = Parse(Minimal + "\npaths: 50\nseed: 3\n", new StudyOverrides(Paths: 7, Seed: 9, Threads: 2));
        Assert.Equal(7, study.Paths);
        Assert.Equal(9UL, study.Seed);
        Assert.Equal(2, study.Threads);
    }

    [Theory]
    [InlineData("name: t\nmodel: testwalk\nscenarios:\n  - kind: mc\nbogus: 1\n", 5, "bogus", "unknown key")]
    [InlineData("name: t\nmodel: testwalk\nscenarios:\n  - kind: mc\nparameters:\n  lag: ten\n", 6, "parameters.lag", "whole number")]
    [InlineData("name: t\nmodel: testwalk\nscenarios:\n  - kind: mc\nparameters:\n  lag: \"10\"\n", 6, "parameters.lag", "quoted")]
    [InlineData("name: t\nmodel: testwalk\nscenarios:\n  - kind: mc\nparameters:\n  lagg: 10\n", 6, "parameters.lagg", "unknown parameter")]
    [InlineData("name: t\nmodel: testwalk\nscenarios:\n  - kind: mc\nparameters:\n  lag: 0\n", 6, "parameters.lag", "below the minimum")]
    [InlineData("name: t\nmodel: testwalk\nscenarios:\n  - kind: mc\nparameters:\n  drift: 0.0000000001\n", 6, "parameters.drift", "at most 9 decimals")]
    [InlineData("name: t\nmodel: testwalk\nscenarios:\n  - kind: mc\nparameters:\n  version: v9\n", 6, "parameters.version", "not one of")]
    [InlineData("name: t\nmodel: nosuch\nscenarios:\n  - kind: mc\n", 2, "model", "unknown model")]
    [InlineData("name: t\nmodel: testwalk\nscenarios:\n  - kind: lunar\n", 4, "scenarios[0].kind", "unknown scenario kind")]
    [InlineData("name: t\nmodel: testwalk\nscenarios:\n  - kind: mc\n    stepz: 3\n", 5, "scenarios[0].stepz", "unknown key")]
    [InlineData("name: t\nmodel: testwalk\nscenarios:\n  - kind: mc\n  - kind: mc\n", 5, "scenarios[1].name", "two scenarios")]
    [InlineData("name: t\nmodel: testwalk\nscenarios: []\n", 3, "scenarios", "at least one")]
    [InlineData("name: t\nmodel: testwalk\nscenarios:\n  - kind: mc\npaths: -1\n", 5, "paths", "outside")]
    [InlineData("name: t\nmodel: testwalk\n", 1, "scenarios", "missing")]
    [InlineData("name: T!\nmodel: testwalk\nscenarios:\n  - kind: mc\n", 1, "name", "lower-case")]
    public void MistakesNameTheLineAndKey(string yaml, int line, string key, string reason)
    {
        var e = Fails(yaml);
        Assert.Equal(line, e.Line);
        Assert.Equal(key, e.Key);
        Assert.Contains(reason, e.Message);
        Assert.StartsWith($"studies/t.yaml:{line}: {key}: ", e.Message);
    }

    [Fact]
    public void BrokenYamlNamesTheLine()
    {
        var e = Fails("name: t\nmodel: [unclosed\nscenarios:\n");
        Assert.Contains("not valid YAML", e.Message);
        Assert.NotNull(e.Line);
    }

    [Fact]
    public void ADuplicateKeyIsRefusedWithItsLine()
    {
        var e = Fails("name: t\nmodel: testwalk\nmodel: testwalk\nscenarios:\n  - kind: mc\n");
        Assert.Equal(3, e.Line);
        Assert.Contains("Duplicate key", e.Message);
    }

    [Fact]
    public void AMissingStudyFileIsAnInputError() =>
        Assert.Throws<StudyException>(() => StudyLoader.Load("no/such/file.yaml", Catalog));

    [Fact]
    public void ProductVariesTheFirstFactorSlowest()
    {
        var study = Parse(Minimal + """

            sweep:
              product:
                lag: [1, 2, 3]
                version: [v1, v5]
            """);
        Assert.Equal(6, study.ParameterSets.Count);
        Assert.Equal(["1/v1", "1/v5", "2/v1", "2/v5", "3/v1", "3/v5"],
            study.ParameterSets.Select(p => $"{p.Values.Integer("lag")}/{p.Values.Choice("version")}"));
        Assert.Equal(["lag", "version"], study.SweptParameters);
        Assert.Equal("ps005", study.ParameterSets[5].Name);
    }

    [Fact]
    public void ZipPairsPositionByPosition()
    {
        var study = Parse(Minimal + """

            sweep:
              zip:
                lag: [1, 2, 3]
                drift: [0.1, 0.2, 0.3]
            """);
        Assert.Equal(3, study.ParameterSets.Count);
        Assert.Equal(Fixed.Parse("0.3"), study.ParameterSets[2].Values.Amount("drift"));
        Assert.Equal(3, study.ParameterSets[2].Values.Integer("lag"));
    }

    [Fact]
    public void ProductOfAxisAndZipCountsMultiply()
    {
        var study = Parse(Minimal + """

            sweep:
              product:
                - version: [v1, v3, v5]
                - zip:
                    lag: [1, 2]
                    drift: [0.1, 0.2]
            """);
        Assert.Equal(6, study.ParameterSets.Count);
    }

    [Fact]
    public void ListTakesPointsAsWrittenAndKeepsBaseValuesElsewhere()
    {
        var study = Parse(Minimal + """

            parameters:
              lag: 99
            sweep:
              list:
                - {drift: 0.5}
                - {drift: 0.25, lag: 7}
            """);
        Assert.Equal(2, study.ParameterSets.Count);
        Assert.Equal(99, study.ParameterSets[0].Values.Integer("lag"));
        Assert.Equal(7, study.ParameterSets[1].Values.Integer("lag"));
    }

    [Fact]
    public void ZipOfUnequalLengthsNamesTheKeys()
    {
        var e = Fails(Minimal + "\nsweep:\n  zip:\n    lag: [1, 2]\n    drift: [0.1]\n");
        Assert.Equal("sweep.zip.drift", e.Key);
        Assert.Contains("lag has 2, drift has 1", e.Message);
        Assert.Equal(8, e.Line);
    }

    [Fact]
    public void ASweepOfAnUnknownParameterNamesIt()
    {
        var e = Fails(Minimal + "\nsweep:\n  product:\n    lagg: [1, 2]\n");
        Assert.Equal("sweep.product.lagg", e.Key);
        Assert.Contains("unknown parameter", e.Message);
    }

    [Fact]
    public void AParameterInTwoFactorsIsAmbiguous()
    {
        var e = Fails(Minimal + "\nsweep:\n  product:\n    - lag: [1, 2]\n    - zip:\n        lag: [3, 4]\n");
        Assert.Contains("two factors", e.Message);
    }

    [Fact]
    public void ASweepNeedsExactlyOneCombinator()
    {
        var e = Fails(Minimal + "\nsweep:\n  grid:\n    lag: [1]\n");
        Assert.Equal("sweep.grid", e.Key);
    }

    private const string LhsStudy = Minimal + """

        sweep:
          lhs:
            samples: 40
            seed: 7
            ranges:
              drift: [-0.5, 0.5]
              lag: [1, 1000]
              vol: [0.01, 0.21]
        """;

    [Fact]
    public void LatinHypercubePutsOnePointInEveryStratumOfEveryRange()
    {
        var study = Parse(LhsStudy);
        Assert.Equal(40, study.ParameterSets.Count);
        Assert.Equal(["drift", "lag", "vol"], study.SweptParameters);

        // Stratum k of a range [lo, hi] with 40 samples covers lo + (hi − lo + 1)·[k, k+1)/40 (in the kind's units).
        var drift = study.ParameterSets.Select(p => (double)(p.Values.Amount("drift") - Fixed.Parse("-0.5")) / (Fixed.Parse("1") + 1)).ToList();
        var lag = study.ParameterSets.Select(p => (p.Values.Integer("lag") - 1) / 1000.0).ToList();
        var vol = study.ParameterSets.Select(p => (p.Values.Real("vol") - 0.01) / 0.2).ToList();
        foreach (var unit in new[] { drift, lag, vol })
        {
            Assert.All(unit, t => Assert.InRange(t, 0, 1));
            var strata = unit.Select(t => (int)Math.Floor(t * 40)).Order().ToList();
            Assert.Equal(Enumerable.Range(0, 40), strata);
        }

        // Independent pairing: the strata of two ranges are not the identity pairing.
        Assert.NotEqual(drift.Select(t => (int)(t * 40)), lag.Select(t => (int)(t * 40)));
    }

    [Fact]
    public void LatinHypercubeIsFixedByItsOwnSeed()
    {
        string Points(string yaml) => string.Join(";", Parse(yaml).ParameterSets.Select(p => p.Values.Formatted().Select(kv => $"{kv.Key}={kv.Value}").Aggregate((a, b) => a + "," + b)));
        Assert.Equal(Points(LhsStudy), Points(LhsStudy));
        Assert.Equal(Points(LhsStudy), Points(LhsStudy + "\nseed: 12345\n"));
        Assert.NotEqual(Points(LhsStudy), Points(LhsStudy.Replace("seed: 7", "seed: 8", StringComparison.Ordinal)));
    }

    [Fact]
    public void LatinHypercubeCombinesWithAnAxisInAProduct()
    {
        var study = Parse(Minimal + """

            sweep:
              product:
                - version: [v1, v5]
                - lhs:
                    samples: 5
                    ranges:
                      lag: [10, 20]
            """);
        Assert.Equal(10, study.ParameterSets.Count);
        Assert.All(study.ParameterSets, p => Assert.InRange(p.Values.Integer("lag"), 10, 20));
    }

    [Theory]
    [InlineData("  lhs:\n    samples: 4\n    ranges:\n      version: [v1, v5]\n", "sweep.lhs.ranges.version", "numeric parameters only")]
    [InlineData("  lhs:\n    samples: 4\n    ranges:\n      lag: [5, 5]\n", "sweep.lhs.ranges.lag", "low end must be below")]
    [InlineData("  lhs:\n    samples: 4\n    ranges:\n      lag: [1, 2, 3]\n", "sweep.lhs.ranges.lag", "expected [low, high]")]
    [InlineData("  lhs:\n    samples: 4\n    ranges:\n      lag: [1, 5000]\n", "sweep.lhs.ranges.lag[1]", "")]
    [InlineData("  lhs:\n    samples: 0\n    ranges:\n      lag: [1, 5]\n", "sweep.lhs.samples", "")]
    [InlineData("  lhs:\n    ranges:\n      lag: [1, 5]\n", "sweep.lhs.samples", "needs samples")]
    [InlineData("  lhs:\n    samples: 4\n    ranges:\n      lagg: [1, 5]\n", "sweep.lhs.ranges.lagg", "unknown parameter")]
    public void AWrongLatinHypercubeNamesTheKey(string sweep, string key, string reason)
    {
        var e = Fails(Minimal + "\nsweep:\n" + sweep);
        Assert.Equal(key, e.Key);
        Assert.Contains(reason, e.Message);
    }
}
