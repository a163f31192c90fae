using Backtest.Engine.Models;
using Backtest.Engine.Studies;
using Backtest.IO.Tables;
using Backtest.Numerics;

namespace Backtest.Engine.Tests;

/// <summary>
/// A small deterministic model for engine tests: each path is a walk whose daily step is a
/// hash of (seed, scenario, parameter set, path, step), so results depend only on indices.
/// </summary>
internal sealed class TestModel : IModel
{
    public string Name => "testwalk";

    public string Description => "deterministic hashed walk used by the engine's tests";

    public IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.Amount("drift", "0.001", "daily drift", min: "-1", max: "1", unit: "fraction"),
        ParameterSpec.Integer("lag", 10, "a lag", min: 1, max: 1000, unit: "days"),
        ParameterSpec.Real("vol", 0.02, "volatility", min: 0),
        ParameterSpec.Boolean("enabled", true, "a switch"),
        ParameterSpec.Choice("version", "v5", "fee policy version", "v1", "v3", "v5"),
        ParameterSpec.IntegerList("ratios", [250, 750], "tranche ratios", min: 0, max: 1000),
    ];

    public IReadOnlyList<ScenarioKind> ScenarioKinds { get; } =
    [
        new("mc", "hashed walk", [ParameterSpec.Integer("steps", 30, "steps per path", min: 1, max: 10_000)]),
        new("history", "one path", [ParameterSpec.Date("start", new DateOnly(2019, 6, 28), "first date")]),
    ];

    public ISimulation Create(SimulationContext context) => new Simulation(context);

    private sealed class Simulation(SimulationContext context) : ISimulation
    {
        private readonly long drift = context.Parameters.Amount("drift");

        public long Paths { get; } = context.Scenario.Kind.Name == "history" ? 1 : context.Paths;

        public int Steps { get; } = context.Scenario.Kind.Name == "history" ? 5 : (int)context.Scenario.Settings.Integer("steps");

        public IReadOnlyList<DateOnly>? StepDates => context.Scenario.Kind.Name == "history"
            ? Enumerable.Range(0, Steps).Select(i => context.Scenario.Settings.Date("start").AddDays(i)).ToList()
            : null;

        public IReadOnlyList<ColumnSpec> PathColumns { get; } =
        [
            ColumnSpec.Amount("final_value", "value at the last step", "USD"),
            ColumnSpec.Int32("min_step", "step of the lowest value"),
        ];

        public IReadOnlyList<ColumnSpec> SeriesVariables { get; } = [ColumnSpec.Amount("value", "walk value", "USD")];

        public int BatchSize => 7;

        public void RunBatch(PathBatch batch)
        {
            var final = batch.Int64(0);
            var minStep = batch.Int32(1);
            for (int i = 0; i < batch.Count; i++)
            {
                long path = batch.FirstPath + i;
                long value = Fixed.One;
                long min = long.MaxValue;
                for (int step = 0; step < Steps; step++)
                {
                    value = Fixed.Add(value, drift + Noise(path, step));
                    if (value < min)
                    {
                        min = value;
                        minStep[i] = step;
                    }

                    if (batch.Series.IsRecorded(path))
                    {
                        batch.Series.Set(0, path, step, value);
                    }
                }

                final[i] = value;
            }
        }

        public ColumnTable Summarize(ColumnTable paths)
        {
            var finals = paths.Int64(0);
            var table = new ColumnTable([ColumnSpec.Amount("mean_final", "mean final value", "USD"), ColumnSpec.Int64("paths", "path count")], 1);
            Int128 sum = 0;
            foreach (var f in finals)
            {
                sum += f;
            }

            table.Int64(0)[0] = (long)(sum / finals.Length);
            table.Int64(1)[0] = finals.Length;
            return table;
        }

        private long Noise(long path, int step)
        {
            ulong h = context.Seed ^ ((ulong)context.ScenarioIndex << 48) ^ ((ulong)context.ParameterSetIndex << 32) ^ ((ulong)path * 0x9E3779B97F4A7C15UL) ^ (ulong)step;
            h ^= h >> 33;
            h *= 0xff51afd7ed558ccdUL;
            h ^= h >> 33;
            return (long)(h % 20_000_001UL) - 10_000_000L;
        }
    }
}
