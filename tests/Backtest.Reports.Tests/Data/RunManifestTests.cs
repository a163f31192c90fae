using Backtest.Reports.Data;

namespace Backtest.Reports.Tests.Data;

public sealed class RunManifestTests
{
    [Fact]
    public void Reads_every_field_of_a_full_manifest()
    {
        var m = RunManifest.Parse(SyntheticRun.ManifestJson());
        Assert.Equal("0.1.0", m.EngineVersion);
        Assert.Equal("0123456789abcdef0123456789abcdef01234567", m.GitCommit);
        Assert.Equal("synthetic-waterfall", m.StudyName);
        Assert.Equal("waterfall", m.Model);
        Assert.Equal(42UL, m.Seed);
        Assert.Equal(1000, m.SeriesPaths);
        Assert.Equal(["history-2020", "stress-mc"], m.Scenarios.Select(s => s.Name));
        Assert.Equal("0.025", m.Scenarios[1].Settings["claims_per_day"]);
        Assert.Equal(11, m.ParameterSets.Count);
        Assert.Equal("0.5", m.ParameterSets[0].Values["senior_weight"]);
        Assert.Equal(["senior_weight", "fee_rate"], m.SweptParameters);
        Assert.Equal(1500, m.Run("stress-mc", "ps003")!.Paths);
        Assert.Equal(730, m.Run("history-2020", "ps003")!.Steps);
        Assert.Equal(125.2, m.WallSeconds);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 10, 2, 5, TimeSpan.Zero), m.Finished);
        Assert.Equal("2", m.Machine["cores"]);
        Assert.Equal(("summary.parquet", "run_probability", "probability"), (m.Columns[0].Table, m.Columns[0].Name, m.Columns[0].Unit));
    }

    [Fact]
    public void Missing_optional_fields_are_tolerated()
    {
        var m = RunManifest.Parse("""{"study": {"name": "minimal"}}""");
        Assert.Equal("minimal", m.StudyName);
        Assert.Null(m.GitCommit);
        Assert.Null(m.Seed);
        Assert.Empty(m.Runs);
        Assert.Empty(m.SweptParameters);
        Assert.Null(m.Run("a", "b"));
        Assert.Null(RunManifest.Parse("{}").StudyName);
    }

    [Fact]
    public void Wrong_types_and_bad_json_name_the_field()
    {
        var e = Assert.Throws<InputException>(() => RunManifest.Parse("""{"seed": "forty-two"}""", "runs/x/manifest.json"));
        Assert.Equal("seed", e.Key);
        Assert.Equal("runs/x/manifest.json", e.File);

        var nested = Assert.Throws<InputException>(() => RunManifest.Parse("""{"runs": [{"scenario": "a", "param_set": "b", "paths": 1.5}]}"""));
        Assert.Equal("runs[0].paths", nested.Key);

        var missing = Assert.Throws<InputException>(() => RunManifest.Parse("""{"runs": [{"param_set": "b"}]}"""));
        Assert.Equal("runs[0]", missing.Key);

        var json = Assert.Throws<InputException>(() => RunManifest.Parse("{\n\"seed\": 1,\n}"));
        Assert.Equal(3, json.Line);
        Assert.Throws<InputException>(() => RunManifest.Parse("[]"));
        Assert.Throws<InputException>(() => RunManifest.Parse("""{"started_utc": "yesterday"}"""));
    }
}
