using Backtest.Engine.Models;
using Backtest.Engine.Studies;
using Backtest.IO.Tables;

namespace Backtest.Engine.Tests;

/// <summary>What happens to the batch that reaches the faulty path.</summary>
internal enum Fault
{
    /// <summary>It throws <see cref="InvalidOperationException"/> naming the path.</summary>
    Throw,

    /// <summary>It never returns: the process runs until it is killed (a crash test kills it).</summary>
    Hang,
}

/// <summary>The test model, failing in the batch that simulates path <paramref name="faultPath"/> of every run that has it.</summary>
internal sealed class FaultyModel(long faultPath, Fault fault = Fault.Throw) : IModel
{
    private readonly TestModel inner = new();

    public string Name => inner.Name;

    public string Description => inner.Description;

    public IReadOnlyList<ParameterSpec> Parameters => inner.Parameters;

    public IReadOnlyList<ScenarioKind> ScenarioKinds => inner.ScenarioKinds;

    public ISimulation Create(SimulationContext context) => new Faulty(inner.Create(context), faultPath, fault);

    private sealed class Faulty(ISimulation inner, long faultPath, Fault fault) : ISimulation
    {
        public long Paths => inner.Paths;

        public int Steps => inner.Steps;

        public IReadOnlyList<DateOnly>? StepDates => inner.StepDates;

        public IReadOnlyList<ColumnSpec> PathColumns => inner.PathColumns;

        public IReadOnlyList<ColumnSpec> SeriesVariables => inner.SeriesVariables;

        public int BatchSize => inner.BatchSize;

        public void RunBatch(PathBatch batch)
        {
            if (batch.FirstPath <= faultPath && faultPath < batch.FirstPath + batch.Count)
            {
                if (fault == Fault.Hang)
                {
                    Thread.Sleep(Timeout.Infinite);
                }

                throw new InvalidOperationException($"deliberate failure at path {faultPath}");
            }

            inner.RunBatch(batch);
        }

        public ColumnTable Summarize(ColumnTable paths) => inner.Summarize(paths);
    }
}
