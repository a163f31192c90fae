using System.Numerics;
using Backtest.Market.Data;
using Backtest.Market.Scenarios;
using Backtest.Numerics;
using Backtest.Protocols.Ampleforth;
using Backtest.Protocols.Ampleforth.Policy;
using Backtest.Protocols.Ampleforth.Tokens;
using Xunit.Abstractions;

namespace Backtest.Market.Tests.Scenarios;

/// <summary>
/// A consumer runs AMPL's monetary policy (Backtest.Protocols) over a scenario's price and target
/// paths; over the replay this rebuilds the recorded supply history closely, which checks the
/// replayed prices, the PCE target and the conversions together.
/// </summary>
public class PolicyOverReplayTests(ITestOutputHelper output)
{
    [Fact]
    public void ThePolicyRunOverTheReplayTracksTheRecordedSupply()
    {
        var replay = new HistoricalReplay(ScenarioTestData.History, new ReplayOptions());
        var batch = replay.CreateBatch(1);
        replay.Fill(0, 1, batch);
        var recorded = HistoricalData.LoadAmplSupply(DataFiles.PathOf(BundledData.AmplSupplyPerRebase));

        var chain = new Chain(new DateTimeOffset(recorded[0].TimestampUtc).ToUnixTimeSeconds());
        var token = new AmplToken(chain, owner: 1);
        var policy = new MonetaryPolicy(AmplPolicyTimeline.Mainnet.At(new DateTimeOffset(recorded[0].TimestampUtc)).Parameters);
        var simulated = new List<double> { Fixed.ToDouble(token.TotalSupply) };
        foreach (var rebase in recorded.Skip(1))
        {
            var when = new DateTimeOffset(rebase.TimestampUtc);
            policy.Parameters = AmplPolicyTimeline.Mainnet.At(when).Parameters;

            // The market oracle's rate: the last close before the rebase (the previous UTC day's);
            // the CPI oracle's value: the target times baseCpi, so target = cpi · 10¹⁸ / baseCpi exactly.
            int step = replay.Days.StepOf(DateOnly.FromDateTime(rebase.TimestampUtc).AddDays(-1));
            var rate = PriceConversion.ToScaled(batch.AmplPrice(step)[0], 18, Rounding.Floor);
            var target = PriceConversion.ToScaled(batch.AmplTarget(step + 1)[0], 18, Rounding.Floor);
            var cpi = target * policy.Parameters.BaseCpi / RebaseFunction.One;
            long now = when.ToUnixTimeSeconds();
            chain.AdvanceTo(now);
            policy.Rebase(now, token, new OracleReading(rate), new OracleReading(cpi));
            simulated.Add(Fixed.ToDouble(token.TotalSupply));
        }

        var actual = recorded.Select(r => (double)r.Supply).ToArray();
        var simulatedChanges = Changes(simulated);
        var actualChanges = Changes(actual);
        var ratios = simulated.Zip(actual, (s, a) => s / a).ToArray();
        output.WriteLine($"correlation of daily log changes {Correlation(simulatedChanges, actualChanges):F4}; simulated/recorded supply {ratios.Min():F3}..{ratios.Max():F3}, last {ratios[^1]:F3}");
        Assert.True(Correlation(simulatedChanges, actualChanges) > 0.95, $"correlation {Correlation(simulatedChanges, actualChanges)}");

        // Expansion, contraction or no change (inside the 5% band) agrees on nine rebases in ten.
        int agree = simulatedChanges.Zip(actualChanges).Count(p => Math.Sign(Math.Round(p.First, 7)) == Math.Sign(Math.Round(p.Second, 7)));
        output.WriteLine($"{agree} of {simulatedChanges.Length} rebases agree in direction");
        Assert.True(agree >= 0.9 * simulatedChanges.Length, $"{agree} of {simulatedChanges.Length} agree");

        // Over 448 rebases and a hundredfold range of supply, the level stays within a factor of two.
        Assert.All(ratios, r => Assert.InRange(r, 0.5, 2.0));
    }

    private static double[] Changes(IReadOnlyList<double> supply) =>
        [.. Enumerable.Range(1, supply.Count - 1).Select(i => Math.Log(supply[i] / supply[i - 1]))];

    private static double Correlation(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average();
        double cov = a.Zip(b).Sum(p => (p.First - ma) * (p.Second - mb));
        return cov / Math.Sqrt(a.Sum(v => (v - ma) * (v - ma)) * b.Sum(v => (v - mb) * (v - mb)));
    }
}
