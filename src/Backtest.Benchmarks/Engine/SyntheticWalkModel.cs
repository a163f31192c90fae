using Backtest.Engine.Models;
using Backtest.Engine.Studies;
using Backtest.Engine.Tables;
using Backtest.Numerics;
using Backtest.Numerics.Random;
using Backtest.Numerics.Simd;
using Backtest.Numerics.Statistics;

namespace Backtest.Benchmarks.Engine;

/// <summary>
/// A synthetic model for benchmarking the study runner, not a protocol: a balance of 1,000 units
/// compounds daily by a normal return (Philox draw 0 of (path, day), vectorised over the batch),
/// converted to a fixed-point growth factor with <see cref="Fixed.FromDouble"/> and applied with
/// the mulDiv kernel, rounding down. It tracks the lowest balance and its day and whether the
/// balance fell below a floor. Its work per path-day — a Philox block, a normal quantile, a
/// double-to-amount conversion, a vector mulDiv and a compare — is of the kind protocol models do.
/// </summary>
public sealed class SyntheticWalkModel : IModel
{
    public string Name => "synthetic-walk";

    public string Description => "synthetic compounding walk for benchmarking the runner (not a protocol)";

    public IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.Real("volatility", 0.02, "standard deviation of the daily return", min: 0, max: 0.2, unit: "fraction per day"),
        ParameterSpec.Real("drift", 0.0002, "mean daily return", min: -0.1, max: 0.1, unit: "fraction per day"),
        ParameterSpec.Amount("floor", "500", "balance below which a path counts as breached", min: "0", unit: "units"),
    ];

    public IReadOnlyList<ScenarioKind> ScenarioKinds { get; } =
    [
        new("mc", "Monte Carlo paths of the walk", [ParameterSpec.Integer("days", 365, "days per path", min: 1, max: 100_000, unit: "days")]),
    ];

    public ISimulation Create(SimulationContext context) => new Simulation(context);

    private sealed class Simulation(SimulationContext context) : ISimulation
    {
        private const long StartBalance = 1_000 * Fixed.One;

        private readonly RandomStream stream = RandomStream.Create(context.Seed, context.ScenarioIndex, context.ParameterSetIndex);
        private readonly NormalDistribution returns = new(context.Parameters.Real("drift"), context.Parameters.Real("volatility"));
        private readonly long floor = context.Parameters.Amount("floor");

        public long Paths => context.Paths;

        public int Steps { get; } = (int)context.Scenario.Settings.Integer("days");

        public IReadOnlyList<DateOnly>? StepDates => null;

        public IReadOnlyList<ColumnSpec> PathColumns { get; } =
        [
            ColumnSpec.Amount("final_balance", "balance after the last day", "units"),
            ColumnSpec.Amount("min_balance", "lowest end-of-day balance", "units"),
            ColumnSpec.Int32("min_day", "day (0-based) of the lowest balance, the first if tied", "days"),
            ColumnSpec.Boolean("breached", "whether the balance ended any day below the floor"),
        ];

        public IReadOnlyList<ColumnSpec> SeriesVariables { get; } = [ColumnSpec.Amount("balance", "end-of-day balance", "units")];

        public int BatchSize => 1024;

        public void RunBatch(PathBatch batch)
        {
            int n = batch.Count;
            var balance = batch.Int64(0);
            var min = batch.Int64(1);
            var minDay = batch.Int32(2);
            var breached = batch.Boolean(3);
            balance.Fill(StartBalance);
            min.Fill(long.MaxValue);
            breached.Clear();
            var draws = new double[n];
            var factors = new long[n];
            for (int day = 0; day < Steps; day++)
            {
                returns.Fill(stream, batch.FirstPath, day, 0, draws);
                for (int i = 0; i < n; i++)
                {
                    factors[i] = Fixed.FromDouble(Math.Max(1 + draws[i], 0));
                }

                FixedKernels.MulDiv(balance, factors, Fixed.One, Rounding.Floor, balance);
                for (int i = 0; i < n; i++)
                {
                    if (balance[i] < min[i])
                    {
                        min[i] = balance[i];
                        minDay[i] = day;
                    }

                    breached[i] |= balance[i] < floor;
                }

                for (int i = 0; i < n && batch.Series.IsRecorded(batch.FirstPath + i); i++)
                {
                    batch.Series.Set(0, batch.FirstPath + i, day, balance[i]);
                }
            }
        }

        public ColumnTable Summarize(ColumnTable paths)
        {
            var finals = paths.Int64(0).Order().ToArray();
            var breached = paths.Boolean(3);
            var table = new ColumnTable(
            [
                ColumnSpec.Amount("mean_final_balance", $"mean balance after day {Steps} over {finals.Length} paths, rounded down", "units"),
                ColumnSpec.Amount("p05_final_balance", $"5th percentile (inverted empirical CDF, Hyndman-Fan type 1) of the final balance over {finals.Length} paths", "units"),
                ColumnSpec.Double("p_breach", $"share of the {finals.Length} paths whose balance ended a day below the floor", "probability"),
            ], 1);
            Int128 sum = 0;
            foreach (var f in finals)
            {
                sum += f;
            }

            // Balances are never negative (growth factors are clamped at zero), so truncation rounds down.
            table.Int64(0)[0] = (long)(sum / finals.Length);
            table.Int64(1)[0] = Quantiles.SortedExact(finals, 0.05, QuantileType.Type1, Rounding.Floor);
            table.Double(2)[0] = (double)breached.Count(b => b) / breached.Length;
            return table;
        }
    }
}
