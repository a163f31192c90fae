using Backtest.Numerics;
using Backtest.Protocols.Waterfall.Wf6;

namespace Backtest.Protocols.Tests.Waterfall.Wf6;

/// <summary>
/// Loss days for kernel tests, from a seeded System.Random: the kernels' results must not
/// depend on where losses come from, and these regimes reach every branch (frequent small
/// losses, tranches wiped out, shortfall, breakers) far more often than WF6's own.
/// </summary>
internal sealed class SyntheticLosses
{
    public SyntheticLosses(int paths, int days, double dailyProbability, long typicalLoss, double catastropheProbability, long catastrophe, int seed)
    {
        var random = new Random(seed);
        var offsets = new int[paths + 1];
        var dayList = new List<int>();
        var amounts = new List<long>();
        for (int p = 0; p < paths; p++)
        {
            // Every eighth path is quiet, so lanes with and without losses share vectors.
            bool quiet = p % 8 == 3;
            for (int d = 1; d <= days; d++)
            {
                long loss = 0;
                if (!quiet && random.NextDouble() < dailyProbability)
                {
                    loss += 1 + (long)(typicalLoss * -Math.Log(1 - random.NextDouble()));
                }

                if (!quiet && random.NextDouble() < catastropheProbability)
                {
                    loss += (long)(catastrophe * (0.5 + random.NextDouble()));
                }

                if (loss > 0)
                {
                    dayList.Add(d);
                    amounts.Add(loss);
                }
            }

            offsets[p + 1] = dayList.Count;
        }

        Offsets = offsets;
        Days = dayList.ToArray();
        Amounts = amounts.ToArray();
    }

    public int[] Offsets { get; }

    public int[] Days { get; }

    public long[] Amounts { get; }

    public int Paths => Offsets.Length - 1;

    public Wf6LossDays View => new(Offsets, Days, Amounts);

    /// <summary>WF6-like: 2.5% of days, claims around 0.66% of coverage, rare 5–25% catastrophes.</summary>
    public static SyntheticLosses Wf6Like(int paths, int seed) =>
        new(paths, 1095, 0.025, 530_000 * Fixed.One, 0.0005, 12_000_000 * Fixed.One, seed);

    /// <summary>Heavy: losses most weeks and frequent catastrophes, so tranches are wiped and shortfall occurs.</summary>
    public static SyntheticLosses Heavy(int paths, int seed) =>
        new(paths, 1095, 0.15, 900_000 * Fixed.One, 0.01, 30_000_000 * Fixed.One, seed);
}
