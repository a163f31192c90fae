using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Backtest.Numerics;
using Backtest.Numerics.Random;

namespace Backtest.Market.Losses;

/// <summary>
/// A daily compound-Poisson claim process with catastrophes (the loss process of the WF6
/// workload), drawn by event times rather than day by day. Per day the model is: N ~ Poisson(λ)
/// claims, each coverage · min(1, X) with X from the severity; with probability q a further
/// catastrophe of coverage · V; the day's loss is their sum. Drawn exactly in distribution:
/// <list type="bullet">
/// <item>Days with at least one claim are independent with probability 1 − e^(−λ), so the gap from
/// one to the next is geometric: gap = 1 + ⌊E / λ⌋ with E ~ Exp(1), as P(gap &gt; g) = e^(−gλ).</item>
/// <item>On such a day N is Poisson(λ) conditioned on N ≥ 1, drawn by inverting its distribution
/// function (a table built once with the deterministic exp).</item>
/// <item>Catastrophe days likewise: gap = 1 + ⌊E / λ_c⌋ with λ_c = −ln(1 − q).</item>
/// </list>
/// <para><b>Draws</b> of path p (counters of <see cref="RandomStream"/>): its k-th claim day uses
/// step k: block (p, k, 0) gives the gap (first uniform, E = −ln(1 − u)) and the count (second),
/// block (p, k, 1 + ⌊i/2⌋) claim i's severity (first uniform for even i, second for odd). Its k-th
/// catastrophe day uses block (p, k, <see cref="CatastropheDraw"/>): gap from the first uniform,
/// size from the second. Nothing depends on other paths, batches or threads.</para>
/// <para>Amounts are exact floors of coverage times the sampled fraction
/// (<see cref="LossAmounts.FloorOfFraction"/>).</para>
/// </summary>
public sealed class EventTimeLossModel
{
    /// <summary>The draw index of the catastrophe stream (claim days use draws below it).</summary>
    public const int CatastropheDraw = 1 << 24;

    private readonly double[] truncatedCountTable;
    private readonly double catastropheIntensity;

    public EventTimeLossModel(long coverage, double claimIntensity, ISeverity severity, CatastropheJumps catastrophes, int days)
    {
        ArgumentNullException.ThrowIfNull(severity);
        ArgumentNullException.ThrowIfNull(catastrophes);
        if (coverage <= 0)
        {
            throw new InputException("coverage must be positive", key: "coverage");
        }

        if (!(claimIntensity > 0 && claimIntensity <= 10))
        {
            throw new InputException($"claim intensity must lie in (0, 10] per day, got {claimIntensity}", key: "claim_intensity");
        }

        if (!(catastrophes.Probability is >= 0 and < 1) || catastrophes.MinSize < 0 || catastrophes.MaxSize < catastrophes.MinSize)
        {
            throw new InputException("catastrophe probability must lie in [0, 1) and sizes satisfy 0 <= min <= max", key: "catastrophe");
        }

        if (days < 1)
        {
            throw new InputException("days must be positive", key: "days");
        }

        Coverage = coverage;
        ClaimIntensity = claimIntensity;
        Severity = severity;
        Catastrophes = catastrophes;
        Days = days;
        truncatedCountTable = TruncatedPoissonTable(claimIntensity);
        catastropheIntensity = catastrophes.Probability > 0 ? -DeterministicMath.Log(1 - catastrophes.Probability) : 0;
    }

    public long Coverage { get; }

    /// <summary>λ, expected claims per day.</summary>
    public double ClaimIntensity { get; }

    /// <summary>Claim size as a fraction of coverage before the cap at 1.</summary>
    public ISeverity Severity { get; }

    public CatastropheJumps Catastrophes { get; }

    public int Days { get; }

    /// <summary>
    /// Appends paths firstPath … firstPath + count − 1 to <paramref name="destination"/>. Paths are
    /// drawn in chunks whose k-th events are drawn together (vectorised over consecutive paths);
    /// every value is still the one its (path, step, draw) counter defines.
    /// </summary>
    public void Generate(RandomStream stream, long firstPath, int count, LossDays destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var chunk = new Chunk(Math.Min(count, Chunk.Width));
        for (int done = 0; done < count; done += Chunk.Width)
        {
            int width = Math.Min(Chunk.Width, count - done);
            long first = firstPath + done;
            DrawClaimDays(stream, first, width, chunk);
            DrawCatastropheDays(stream, first, width, chunk);
            for (int lane = 0; lane < width; lane++)
            {
                // Merge the lane's claim days and catastrophe days in day order; a loss that
                // rounds to 0 nano-units is no loss, and the day is left out.
                int c = 0, k = 0;
                int claims = chunk.ClaimCount[lane], catastrophes = chunk.CatastropheCount[lane];
                while (c < claims || k < catastrophes)
                {
                    bool claimFirst = k >= catastrophes || (c < claims && chunk.ClaimDay(c, lane) <= chunk.CatastropheDay(k, lane));
                    (int day, long loss) = claimFirst
                        ? (chunk.ClaimDay(c, lane), chunk.ClaimLoss(c++, lane))
                        : (chunk.CatastropheDay(k, lane), chunk.CatastropheLoss(k++, lane));
                    if (loss > 0)
                    {
                        destination.Add(day, loss);
                    }
                }

                destination.EndPath();
            }
        }
    }

    /// <summary>Claim days of a chunk: the k-th claim day of every lane still inside the horizon, k = 0, 1, ….</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DrawClaimDays(RandomStream stream, long first, int width, Chunk chunk)
    {
        chunk.StartClaims(width);
        Span<double> u = chunk.U.AsSpan(0, width), v = chunk.V.AsSpan(0, width), s1 = chunk.S1.AsSpan(0, width), s2 = chunk.S2.AsSpan(0, width);
        Span<double> skipped = chunk.Skipped.AsSpan(0, width), x = chunk.X.AsSpan(0, width);
        Span<int> day = chunk.Day.AsSpan(0, width), claims = chunk.Claims.AsSpan(0, width), lanes = chunk.Lane.AsSpan(0, width), counts = chunk.ClaimCount.AsSpan(0, width);
        Span<bool> isActive = chunk.Active.AsSpan(0, width);
        int active = width;
        for (int step = 0; active > 0; step++)
        {
            chunk.EnsureClaimRow(step);
            Span<int> claimDays = chunk.ClaimDays(step);
            Span<long> claimLosses = chunk.ClaimLosses(step);
            stream.FillUniform(first, step, 0, u, v);
            Gaps(chunk, width, ClaimIntensity);

            // Severities of the first two claims of every lane (vectorised); more claims are rare.
            stream.FillUniform(first, step, 1, s1, s2);
            active = 0;
            int dense = 0;
            for (int lane = 0; lane < width; lane++)
            {
                if (!isActive[lane])
                {
                    continue;
                }

                if (skipped[lane] >= Days - day[lane])
                {
                    isActive[lane] = false;
                    continue;
                }

                active++;
                day[lane] += 1 + (int)skipped[lane];
                claimDays[lane] = day[lane];
                counts[lane] = step + 1;
                claims[lane] = ClaimsOnADay(v[lane]);
                lanes[dense] = lane;
                x[dense++] = s1[lane];
            }

            MapSeverity(x[..dense]);
            for (int d = 0; d < dense; d++)
            {
                int lane = lanes[d];
                long loss = LossAmounts.FloorOfFraction(Coverage, Math.Min(1, x[d]));
                for (int i = 1; i < claims[lane]; i++)
                {
                    double w = i == 1 ? s2[lane] : ((i & 1) == 0 ? stream.Block(first + lane, step, 1 + (i >> 1)).First : stream.Block(first + lane, step, 1 + (i >> 1)).Second);
                    loss = Fixed.Add(loss, LossAmounts.FloorOfFraction(Coverage, Math.Min(1, Severity.Quantile(w))));
                }

                claimLosses[lane] = loss;
            }
        }
    }

    /// <summary>Catastrophe days of a chunk, like <see cref="DrawClaimDays"/> (one block per event).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void DrawCatastropheDays(RandomStream stream, long first, int width, Chunk chunk)
    {
        chunk.StartCatastrophes(width);
        if (catastropheIntensity == 0)
        {
            return;
        }

        int active = width;
        for (int step = 0; active > 0; step++)
        {
            chunk.EnsureCatastropheRow(step);
            stream.FillUniform(first, step, CatastropheDraw, chunk.U.AsSpan(0, width), chunk.V.AsSpan(0, width));
            Gaps(chunk, width, catastropheIntensity);
            active = 0;
            for (int lane = 0; lane < width; lane++)
            {
                if (!chunk.Active[lane])
                {
                    continue;
                }

                if (chunk.Skipped[lane] >= Days - chunk.Day[lane])
                {
                    chunk.Active[lane] = false;
                    continue;
                }

                active++;
                chunk.Day[lane] += 1 + (int)chunk.Skipped[lane];
                chunk.SetCatastrophe(step, lane, chunk.Day[lane], LossAmounts.FloorOfFraction(Coverage, Catastrophes.Size(chunk.V[lane])));
                chunk.CatastropheCount[lane] = step + 1;
            }
        }
    }

    /// <summary>
    /// E / rate with E = −ln(1 − u) for every lane: the days a gap skips before its ⌊·⌋. Vector
    /// subtraction and division are IEEE operations, so the bits are those of the scalar formula.
    /// </summary>
    private static void Gaps(Chunk chunk, int width, double rate)
    {
        var u = chunk.U.AsSpan(0, width);
        var skipped = chunk.Skipped.AsSpan(0, width);
        var uVectors = MemoryMarshal.Cast<double, Vector<double>>(u);
        var complement = MemoryMarshal.Cast<double, Vector<double>>(skipped);
        for (int i = 0; i < uVectors.Length; i++)
        {
            complement[i] = Vector<double>.One - uVectors[i];
        }

        for (int lane = uVectors.Length * Vector<double>.Count; lane < width; lane++)
        {
            skipped[lane] = 1 - u[lane];
        }

        DeterministicMath.Log(skipped, skipped);
        var negativeRate = new Vector<double>(-rate);
        for (int i = 0; i < complement.Length; i++)
        {
            complement[i] /= negativeRate;
        }

        for (int lane = complement.Length * Vector<double>.Count; lane < width; lane++)
        {
            skipped[lane] /= -rate;
        }
    }

    /// <summary>Claims on a claim day: 1 + the number of table entries at or below v.</summary>
    private int ClaimsOnADay(double v)
    {
        int claims = 1;
        foreach (double c in truncatedCountTable)
        {
            if (c > v)
            {
                break;
            }

            claims++;
        }

        return claims;
    }

    /// <summary>The severity's quantile over a span (vectorised for the log-normal).</summary>
    private void MapSeverity(Span<double> u)
    {
        if (Severity is LogNormalSeverity logNormal)
        {
            logNormal.Quantiles(u, u);
            return;
        }

        for (int i = 0; i < u.Length; i++)
        {
            u[i] = Severity.Quantile(u[i]);
        }
    }

    /// <summary>Working arrays of one chunk of paths; event rows grow as a chunk needs them.</summary>
    private sealed class Chunk(int width)
    {
        public const int Width = 256;

        private readonly List<int[]> claimDays = [];
        private readonly List<long[]> claimLosses = [];
        private readonly List<int[]> catastropheDays = [];
        private readonly List<long[]> catastropheLosses = [];

        public double[] U { get; } = new double[width];

        public double[] V { get; } = new double[width];

        public double[] S1 { get; } = new double[width];

        public double[] S2 { get; } = new double[width];

        public double[] Skipped { get; } = new double[width];

        public double[] X { get; } = new double[width];

        public int[] Lane { get; } = new int[width];

        public int[] Day { get; } = new int[width];

        public int[] Claims { get; } = new int[width];

        public bool[] Active { get; } = new bool[width];

        public int[] ClaimCount { get; } = new int[width];

        public int[] CatastropheCount { get; } = new int[width];

        public void StartClaims(int lanes) => Start(lanes, ClaimCount);

        public void StartCatastrophes(int lanes) => Start(lanes, CatastropheCount);

        public void EnsureClaimRow(int step) => Ensure(step, claimDays, claimLosses);

        public void EnsureCatastropheRow(int step) => Ensure(step, catastropheDays, catastropheLosses);

        public int ClaimDay(int step, int lane) => claimDays[step][lane];

        public long ClaimLoss(int step, int lane) => claimLosses[step][lane];

        public int CatastropheDay(int step, int lane) => catastropheDays[step][lane];

        public long CatastropheLoss(int step, int lane) => catastropheLosses[step][lane];

        /// <summary>Row <paramref name="step"/> of the claim days: lane → its k-th claim day.</summary>
        public Span<int> ClaimDays(int step) => claimDays[step];

        /// <summary>Row <paramref name="step"/> of the claim-day losses.</summary>
        public Span<long> ClaimLosses(int step) => claimLosses[step];

        public void SetCatastrophe(int step, int lane, int day, long loss)
        {
            catastropheDays[step][lane] = day;
            catastropheLosses[step][lane] = loss;
        }

        private void Start(int lanes, int[] counts)
        {
            Array.Clear(Day);
            Array.Clear(counts);
            Array.Fill(Active, true, 0, lanes);
            Array.Fill(Active, false, lanes, Active.Length - lanes);
        }

        private void Ensure(int step, List<int[]> days, List<long[]> losses)
        {
            while (days.Count <= step)
            {
                days.Add(new int[Day.Length]);
                losses.Add(new long[Day.Length]);
            }
        }
    }

    /// <summary>P(N = n | N ≥ 1) summed to n, for n = 1, 2, … until it no longer changes.</summary>
    private static double[] TruncatedPoissonTable(double lambda)
    {
        double p0 = DeterministicMath.Exp(-lambda);
        double positive = 1 - p0;
        var table = new List<double>();
        double term = p0, sum = 0;
        for (int n = 1; n < 1000; n++)
        {
            term = term * lambda / n;
            double next = sum + (term / positive);
            if (next == sum && n > lambda)
            {
                break;
            }

            sum = next;
            table.Add(sum);
        }

        return table.ToArray();
    }
}
