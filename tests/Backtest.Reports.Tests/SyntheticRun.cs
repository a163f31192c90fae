using Backtest.Numerics;
using Backtest.Reports.Data;

namespace Backtest.Reports.Tests;

/// <summary>
/// A representative run built in memory, covering every chart the report draws: a dated
/// historical replay (single path, "value" series) and a Monte Carlo scenario (bands); a
/// two-parameter sweep with one grid point missing; six tiers in the summary with Wilson-style
/// intervals; per-tier loss columns in paths; tier capital and SPOT's dr in series.
/// </summary>
internal static class SyntheticRun
{
    public const string Historical = "history-2020";
    public const string MonteCarlo = "stress-mc";
    public const int Tiers = 6;
    public const int McPaths = 1500;
    public const int HistoricalSteps = 730;
    public const int McSteps = 365;
    public static readonly string[] TierNames = ["SURE-BTC", "SURE-SNR", "SURE-MEZZ", "SURE-JNR", "SURE-JNR+", "SURE-EQT"];
    public static readonly double[] SeniorWeights = [0.5, 0.6, 0.7];
    public static readonly double[] FeeRates = [0.001, 0.002, 0.005, 0.01];

    /// <summary>The parameter sets: the grid minus (0.7, 0.01), so one heatmap cell has no data.</summary>
    public static IReadOnlyList<(string Name, double SeniorWeight, double FeeRate)> Sets()
    {
        var sets = new List<(string, double, double)>();
        foreach (var w in SeniorWeights)
        {
            foreach (var f in FeeRates)
            {
                if (!(w == 0.7 && f == 0.01))
                {
                    sets.Add(($"ps{sets.Count:D3}", w, f));
                }
            }
        }

        return sets;
    }

    public static RunData Build(bool withManifestRuns = true)
    {
        var sets = Sets();
        return new RunData(Manifest(sets, withManifestRuns), Summary(sets), Paths(sets), Series(sets));
    }

    public static string ManifestJson(bool withRuns = true)
    {
        var sets = Sets();
        var runs = withRuns
            ? string.Join(",", sets.SelectMany(s => new[]
            {
                $$$"""{"scenario":"{{{Historical}}}","param_set":"{{{s.Name}}}","paths":1,"steps":{{{HistoricalSteps}}},"philox_key":"00"}""",
                $$$"""{"scenario":"{{{MonteCarlo}}}","param_set":"{{{s.Name}}}","paths":{{{McPaths}}},"steps":{{{McSteps}}},"philox_key":"ab"}""",
            }))
            : string.Empty;
        var parameterSets = string.Join(",", sets.Select(s => $$$"""{"name":"{{{s.Name}}}","values":{"senior_weight":{{{s.SeniorWeight}}},"fee_rate":{{{s.FeeRate}}},"coverage":80000000}}"""));
        return $$$"""
            {
              "engine": {"name": "backtest", "version": "0.1.0", "git_commit": "0123456789abcdef0123456789abcdef01234567", "git_dirty": false},
              "study": {"name": "synthetic-waterfall", "description": "A synthetic study that exercises every chart of the report.", "file": "studies/synthetic.yaml", "sha256": "5f2b", "text": "name: synthetic-waterfall\nmodel: waterfall\npaths: 1500\n", "model": "waterfall"},
              "seed": 42, "paths": {{{McPaths}}}, "threads": 2, "series_paths": 1000,
              "scenarios": [{"name": "{{{Historical}}}", "kind": "historical", "settings": {"from": "2020-01-01"}}, {"name": "{{{MonteCarlo}}}", "kind": "monte_carlo", "settings": {"claims_per_day": 0.025}}],
              "parameter_sets": [{{{parameterSets}}}],
              "swept_parameters": ["senior_weight", "fee_rate"],
              "runs": [{{{runs}}}],
              "inputs": [{"file": "data/ampl_usd_daily.csv", "sha256": "9a1c"}],
              "started_utc": "2026-03-01T10:00:00Z", "finished_utc": "2026-03-01T10:02:05Z", "wall_seconds": 125.2, "path_days_per_second": 48000000,
              "machine": {"cores": "2", "os": "linux"},
              "columns": {"summary.parquet": [{"name": "run_probability", "kind": "Double", "description": "P(run)", "unit": "probability"}]}
            }
            """;
    }

    private static RunManifest Manifest(IReadOnlyList<(string Name, double SeniorWeight, double FeeRate)> sets, bool withRuns) =>
        RunManifest.Parse(ManifestJson(withRuns));

    private static DataTable Summary(IReadOnlyList<(string Name, double SeniorWeight, double FeeRate)> sets)
    {
        var rows = new List<(string Scenario, int Set, int Tier)>();
        foreach (var scenario in new[] { Historical, MonteCarlo })
        {
            for (int s = 0; s < sets.Count; s++)
            {
                for (int t = 1; t <= Tiers; t++)
                {
                    rows.Add((scenario, s, t));
                }
            }
        }

        int n = rows.Count;
        double Run(int i) => rows[i].Scenario == Historical ? 0 : Math.Clamp(0.01 + (0.08 * (0.7 - sets[rows[i].Set].SeniorWeight)) + (2.5 * sets[rows[i].Set].FeeRate), 0, 1);
        double Wiped(int i) => rows[i].Scenario == Historical ? 0 : Math.Min(1, 0.0004 * Math.Pow(2.1, rows[i].Tier) * (1.6 - sets[rows[i].Set].SeniorWeight));
        double Apy(int i) => 0.04 + (0.012 * rows[i].Tier) + (3 * sets[rows[i].Set].FeeRate) - (0.02 * (sets[rows[i].Set].SeniorWeight - 0.5));
        long paths(int i) => rows[i].Scenario == Historical ? 1 : McPaths;
        var (runLo, runHi) = Wilson(Enumerable.Range(0, n).Select(Run).ToArray(), Enumerable.Range(0, n).Select(paths).ToArray());
        var (wipedLo, wipedHi) = Wilson(Enumerable.Range(0, n).Select(Wiped).ToArray(), Enumerable.Range(0, n).Select(paths).ToArray());
        return new DataTable("summary.parquet",
        [
            DataColumn.Texts("study", "study name", rows.Select(_ => (string?)"synthetic-waterfall").ToArray()),
            DataColumn.Texts("scenario", "scenario name", rows.Select(r => (string?)r.Scenario).ToArray()),
            DataColumn.Texts("param_set", "parameter set", rows.Select(r => (string?)sets[r.Set].Name).ToArray()),
            DataColumn.Doubles("senior_weight", "share of capital in tiers 1–2", "share", rows.Select(r => sets[r.Set].SeniorWeight).ToArray()),
            DataColumn.Doubles("fee_rate", "redemption fee", "per redemption", rows.Select(r => sets[r.Set].FeeRate).ToArray()),
            DataColumn.Int32s("tier", "tier number, 1 most senior", null, rows.Select(r => r.Tier).ToArray()),
            DataColumn.Texts("tier_name", "tranche name", rows.Select(r => (string?)TierNames[r.Tier - 1]).ToArray()),
            DataColumn.Doubles("run_probability", "Share of paths on which cumulative redemptions over 5 days exceed 30% of capital", "probability", Enumerable.Range(0, n).Select(Run).ToArray()),
            DataColumn.Doubles("run_probability_lo", "95% Wilson score interval, lower bound", "probability", runLo),
            DataColumn.Doubles("run_probability_hi", "95% Wilson score interval, upper bound", "probability", runHi),
            DataColumn.Doubles("wiped_out_probability", "Share of paths on which the tier's capital reaches 0", "probability", Enumerable.Range(0, n).Select(Wiped).ToArray()),
            DataColumn.Doubles("wiped_out_probability_lo", "95% Wilson score interval, lower bound", "probability", wipedLo),
            DataColumn.Doubles("wiped_out_probability_hi", "95% Wilson score interval, upper bound", "probability", wipedHi),
            DataColumn.Amounts("mean_loss", "Mean over paths of max(0, initial − final capital)", "USD", Enumerable.Range(0, n).Select(i => Fixed.FromDouble(Wiped(i) * 2.4e6 * rows[i].Tier)).ToArray()),
            DataColumn.Amounts("loss_var_99", "99th percentile over paths of the tier's loss", "USD", Enumerable.Range(0, n).Select(i => Fixed.FromDouble(Wiped(i) * 9.0e7 / rows[i].Tier)).ToArray()),
            DataColumn.Doubles("apy", "Realised annual yield paid to the tier", "per year", Enumerable.Range(0, n).Select(Apy).ToArray()),
        ]);
    }

    private static DataTable Paths(IReadOnlyList<(string Name, double SeniorWeight, double FeeRate)> sets)
    {
        int n = sets.Count * McPaths;
        var scenario = new string?[n];
        var set = new string?[n];
        var path = new long[n];
        var losses = Enumerable.Range(0, Tiers).Select(_ => new long[n]).ToArray();
        var rng = new SplitMix(7);
        int row = 0;
        for (int s = 0; s < sets.Count; s++)
        {
            for (int p = 0; p < McPaths; p++, row++)
            {
                scenario[row] = MonteCarlo;
                set[row] = sets[s].Name;
                path[row] = p;

                // A heavy-tailed total loss absorbed junior first (tier 6 → 1), like a waterfall.
                double u = rng.NextDouble();
                double total = u < 0.55 ? 0 : 2e5 * Math.Pow(1 - rng.NextDouble(), -1.4) * (1.4 - sets[s].SeniorWeight);
                double[] capital = [25e6, 20e6, 18e6, 15e6, 12e6, 10e6];
                for (int t = Tiers - 1; t >= 0 && total > 0; t--)
                {
                    double take = Math.Min(capital[t], total);
                    losses[t][row] = Fixed.FromDouble(Math.Round(take, 2));
                    total -= take;
                }
            }
        }

        var columns = new List<DataColumn>
        {
            DataColumn.Texts("study", "study name", Enumerable.Repeat((string?)"synthetic-waterfall", n).ToArray()),
            DataColumn.Texts("scenario", "scenario", scenario),
            DataColumn.Texts("param_set", "parameter set", set),
            DataColumn.Int64s("path", "path index", null, path),
        };
        columns.AddRange(Enumerable.Range(0, Tiers).Select(t => DataColumn.Amounts($"tier{t + 1}_loss", $"Loss absorbed by tier {t + 1} ({TierNames[t]}) over the horizon", "USD", losses[t])));
        return new DataTable("paths.parquet", columns);
    }

    private static DataTable Series(IReadOnlyList<(string Name, double SeniorWeight, double FeeRate)> sets)
    {
        var scenario = new List<string?>();
        var set = new List<string?>();
        var step = new List<int>();
        var date = new List<int>();
        var dateNull = new List<bool>();
        var statistic = new List<string?>();
        var dr = new List<double>();
        var utilization = new List<double>();
        var capital = Enumerable.Range(0, Tiers).Select(_ => new List<long>()).ToArray();
        double[] initial = [25e6, 20e6, 18e6, 15e6, 12e6, 10e6];
        var start = new DateOnly(2020, 1, 1);
        for (int s = 0; s < sets.Count; s++)
        {
            var rng = new SplitMix((ulong)(100 + s));
            double level = 1.0;
            for (int t = 0; t < HistoricalSteps; t++)
            {
                level = Math.Clamp(level + (0.012 * (rng.NextDouble() - 0.5)) - (0.02 * (level - 1)), 0.6, 1.6);
                Add(Historical, sets[s].Name, t, start.AddDays(t).DayNumber, "value", level + (0.12 * Math.Sin(t / 60.0)), 0.8 + (0.1 * Math.Sin(t / 90.0)), tier => initial[tier] * (1 + (0.0002 * t)) * (tier == 5 && t > 400 ? 0.7 : 1));
            }

            foreach (var (stat, z) in new[] { ("mean", 0.0), ("p05", -1.645), ("p25", -0.674), ("p50", 0.0), ("p75", 0.674), ("p95", 1.645) })
            {
                for (int t = 0; t < McSteps; t++)
                {
                    double spread = 0.012 * Math.Sqrt(t + 1);
                    double drift = -0.00025 * t * (1.2 - sets[s].SeniorWeight);
                    double skew = stat == "mean" ? -0.2 * spread : 0;
                    Add(MonteCarlo, sets[s].Name, t, null, stat, 1 + drift + (z * spread) + skew, Math.Clamp(0.8 + (0.0004 * t) + (z * 0.01 * Math.Sqrt(t + 1)), 0, 1.5), tier => initial[tier] * Math.Max(0, 1 + (0.0001 * t) - (tier >= 4 ? 0.0006 * t * (tier - 3) : 0)));
                }
            }
        }

        void Add(string sc, string ps, int t, int? day, string stat, double drValue, double u, Func<int, double> cap)
        {
            scenario.Add(sc);
            set.Add(ps);
            step.Add(t);
            date.Add(day ?? 0);
            dateNull.Add(day is null);
            statistic.Add(stat);
            dr.Add(drValue);
            utilization.Add(u);
            for (int tier = 0; tier < Tiers; tier++)
            {
                capital[tier].Add(Fixed.FromDouble(Math.Round(cap(tier), 2)));
            }
        }

        var columns = new List<DataColumn>
        {
            DataColumn.Texts("study", "study name", Enumerable.Repeat((string?)"synthetic-waterfall", scenario.Count).ToArray()),
            DataColumn.Texts("scenario", "scenario", scenario.ToArray()),
            DataColumn.Texts("param_set", "parameter set", set.ToArray()),
            DataColumn.Int32s("step", "step index", "days", step.ToArray()),
            DataColumn.Dates("date", "calendar date of the step", date.ToArray(), dateNull.ToArray()),
            DataColumn.Texts("statistic", "value, mean or a percentile over the recorded paths", statistic.ToArray()),
            DataColumn.Doubles("dr", "SPOT deviation ratio: (vault TVL / perp TVL) / target system ratio", "ratio", dr.ToArray()),
            DataColumn.Doubles("utilization", "Coverage sold over total capital", "ratio", utilization.ToArray()),
        };
        columns.AddRange(Enumerable.Range(0, Tiers).Select(t => DataColumn.Amounts($"tier{t + 1}_capital", $"Capital of tier {t + 1} ({TierNames[t]})", "USD", capital[t].ToArray())));
        return new DataTable("series.parquet", columns);
    }

    /// <summary>95% Wilson score bounds for each (share, n).</summary>
    private static (double[] Lower, double[] Upper) Wilson(double[] p, long[] n)
    {
        const double z = 1.959963984540054;
        var lo = new double[p.Length];
        var hi = new double[p.Length];
        for (int i = 0; i < p.Length; i++)
        {
            double denom = 1 + (z * z / n[i]);
            double centre = (p[i] + (z * z / (2 * n[i]))) / denom;
            double half = z * Math.Sqrt((p[i] * (1 - p[i]) / n[i]) + (z * z / (4.0 * n[i] * n[i]))) / denom;
            lo[i] = Math.Max(0, centre - half);
            hi[i] = Math.Min(1, centre + half);
        }

        return (lo, hi);
    }

    /// <summary>SplitMix64: a fixed generator so the synthetic data are the same on every runtime.</summary>
    private sealed class SplitMix(ulong seed)
    {
        private ulong state = seed;

        public double NextDouble()
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            return (z >> 11) * (1.0 / (1UL << 53));
        }
    }
}
