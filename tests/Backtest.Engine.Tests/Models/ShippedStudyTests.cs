using Backtest.Engine.Models;
using Backtest.Engine.Studies;

namespace Backtest.Engine.Tests.Models;

public class ShippedStudyTests
{
    public static TheoryData<string> AgentStudies => new() { "reserve", "defindex", "saffron", "waterfall" };

    /// <summary>Each agent model's study in studies/ loads against the shipped catalog and sweeps what its notes describe.</summary>
    [Theory]
    [MemberData(nameof(AgentStudies))]
    public void TheStudyLoadsAndNamesItsModel(string name)
    {
        var file = Path.Combine(Metrics.OutputsDocumentationTests.RepositoryRoot(), "studies", name + ".yaml");
        var study = StudyLoader.Load(file, ModelCatalog.Default);

        Assert.Equal(name, study.Model.Name);
        Assert.True(study.Scenarios.Count >= 1);
        Assert.True(study.ParameterSets.Count > 1, "the study sweeps governance parameters");
    }
}
