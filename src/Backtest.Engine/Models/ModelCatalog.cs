namespace Backtest.Engine.Models;

/// <summary>The models studies can name, looked up by <see cref="IModel.Name"/>.</summary>
public sealed class ModelCatalog
{
    private readonly Dictionary<string, IModel> models;

    public ModelCatalog(IEnumerable<IModel> models)
    {
        this.models = new Dictionary<string, IModel>(StringComparer.Ordinal);
        foreach (var m in models)
        {
            if (!this.models.TryAdd(m.Name, m))
            {
                throw new ArgumentException($"two models are named '{m.Name}'");
            }
        }
    }

    /// <summary>Every model the engine ships.</summary>
    public static ModelCatalog Default { get; } = new([new Spot.SpotModel(), new Wf6.Wf6Model(), new Reserve.ReserveModel(), new DeFindex.DeFindexModel(), new Saffron.SaffronModel(), new Waterfall.WaterfallModel()]);

    public IReadOnlyCollection<string> Names => models.Keys.Order(StringComparer.Ordinal).ToList();

    public IModel? Find(string name) => models.GetValueOrDefault(name);
}
