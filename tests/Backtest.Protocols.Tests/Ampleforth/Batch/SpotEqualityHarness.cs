using Backtest.Protocols.Ampleforth.Batch;

namespace Backtest.Protocols.Tests.Ampleforth.Batch;

/// <summary>
/// Drives a batch and, for each lane, its own contract-model system (seeded identically) with
/// the same inputs day by day, and compares every output and every state variable each day.
/// Inputs come from <see cref="SpotPathGenerator"/>, sized from the reference's state.
/// </summary>
internal static class SpotEqualityHarness
{
    /// <summary>What a run covered: lane-days compared and how often each outcome occurred.</summary>
    public sealed record Coverage(long LaneDays, IReadOnlyDictionary<string, int> Outcomes)
    {
        public int Count(string key) => Outcomes.GetValueOrDefault(key);
    }

    public static Coverage Run(SpotBatchConfig config, int lanes, int days, int seed, SpotPathGenerator.Profile profile)
    {
        var seeded = SpotSystem.Seed(config);
        var systems = new SpotSystem[lanes];
        Parallel.For(0, lanes, l => systems[l] = SpotSystem.Seed(config));
        var batch = SpotBatch.FromSystem(seeded, firstPath: 0, count: lanes);
        for (int l = 0; l < lanes; l++)
        {
            AssertSame(batch.LaneState(l), SpotLaneState.Of(systems[l]), $"lane {l} at import");
        }

        var generators = Enumerable.Range(0, lanes).Select(l => new SpotPathGenerator(seed * 1_000 + l, profile)).ToArray();
        var inputs = new SpotDayInputs(lanes);
        var outputs = new SpotDayOutputs(lanes);
        var expected = new SpotLaneDay[lanes];
        var outcomes = new Dictionary<string, int>();
        for (int d = 0; d < days; d++)
        {
            int day = batch.Day;
            for (int l = 0; l < lanes; l++)
            {
                inputs.Set(l, generators[l].Next(systems[l]));
            }

            batch.Step(day, inputs, outputs);
            Parallel.For(0, lanes, l => expected[l] = systems[l].RunDay(inputs.Lane(l)));
            for (int l = 0; l < lanes; l++)
            {
                var actual = outputs.Lane(l);
                if (actual != expected[l])
                {
                    Assert.Fail($"day {day}, lane {l}: outputs differ\nbatch     {actual}\ncontracts {expected[l]}\ninputs    {inputs.Lane(l)}");
                }

                AssertSame(batch.LaneState(l), SpotLaneState.Of(systems[l]), $"day {day}, lane {l}");
                Tally(outcomes, expected[l]);
            }
        }

        return new Coverage((long)lanes * days, outcomes);
    }

    private static void AssertSame(SpotLaneState batch, SpotLaneState contracts, string where)
    {
        string? difference = batch.FirstDifference(contracts);
        if (difference is not null)
        {
            Assert.Fail($"{where}: state differs at {difference}");
        }
    }

    private static void Tally(Dictionary<string, int> outcomes, in SpotLaneDay day)
    {
        void Add(string key) => outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        Add($"rebase:{day.RebaseOutcome}");
        Add($"updateState:{day.UpdateStateOutcome}");
        Add($"perpRedeem:{day.PerpRedeem.Outcome}");
        Add($"vaultRedeem:{day.VaultRedeem.Outcome}");
        Add($"swapPerps:{day.SwapPerpsForUnderlying.Outcome}");
        Add($"swapAmpl:{day.SwapUnderlyingForPerps.Outcome}");
        Add($"perpMint:{day.PerpMint.Outcome}");
        Add($"vaultDeposit:{day.VaultDeposit.Outcome}");
        Add($"recover:{day.RecoverOutcome}");
        Add($"holderMaturity:{day.HolderMaturityOutcome}");
        Add($"deploy:{day.DeployOutcome}");
        Add($"rebalance:{day.RebalanceOutcome}:{Math.Sign(day.RebalanceAmount)}");
        if (day.SeniorCoverage < Backtest.Protocols.Ampleforth.Spot.SpotFeePolicy.One)
        {
            Add("seniorImpaired");
        }

        if (day.PerpMint.FeePerc > 0 || day.PerpRedeem.FeePerc > 0 || day.VaultDeposit.FeePerc > 0 || day.VaultRedeem.FeePerc > 0)
        {
            Add("feePaid");
        }
    }
}
