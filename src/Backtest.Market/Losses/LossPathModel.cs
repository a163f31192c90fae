using Backtest.Numerics.Random;

namespace Backtest.Market.Losses;

/// <summary>
/// One line of cover: its coverage (nano-units), its attritional claims as fractions of the
/// coverage (each claim capped at the coverage), and the share of the coverage lost if the line
/// defaults.
/// </summary>
public sealed record LineOfCover(string Name, long Coverage, CompoundPoisson Claims, double LossGivenDefault);

/// <summary>
/// Loss paths for several lines of cover: each line's compound-Poisson claims, their defaults
/// correlated through a one-factor copula (a default loses LGD · coverage), and catastrophe
/// jumps on the total coverage. Everything per (path, step) comes from the run's counter-based
/// stream, so a path is the same whatever batch or thread computes it.
/// <para><b>Draw layout</b> per (path, step): line i's claims from draw i · <see cref="LineDrawStride"/>
/// (<see cref="CompoundPoisson"/>'s layout); the copula from draw <see cref="CopulaDraw"/>
/// (<see cref="OneFactorCopula"/>'s layout); catastrophes at draw <see cref="CatastropheDraw"/>.</para>
/// </summary>
public sealed class LossPathModel
{
    /// <summary>Draws reserved per line (more than a compound-Poisson step may use).</summary>
    public const int LineDrawStride = 1 << 20;

    /// <summary>Most lines a model may have.</summary>
    public const int MaxLines = 512;

    public const int CopulaDraw = 1 << 30;

    public const int CatastropheDraw = (1 << 30) + (1 << 29);

    private readonly long totalCoverage;

    public LossPathModel(IReadOnlyList<LineOfCover> lines, OneFactorCopula? defaults, CatastropheJumps? catastrophes)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (lines.Count is 0 or > MaxLines)
        {
            throw new InputException($"a loss model has 1 to {MaxLines} lines of cover", key: "lines");
        }

        if (lines.Any(l => l.Coverage <= 0 || !(l.LossGivenDefault is >= 0 and <= 1)))
        {
            throw new InputException("each line needs a positive coverage and a loss given default in [0, 1]", key: "lines");
        }

        if (defaults is not null && defaults.Lines != lines.Count)
        {
            throw new InputException($"the copula has {defaults.Lines} lines, the model {lines.Count}", key: "copula");
        }

        catastrophes?.Validate();
        Lines = lines.ToArray();
        Defaults = defaults;
        Catastrophes = catastrophes;
        totalCoverage = lines.Aggregate(0L, (sum, l) => checked(sum + l.Coverage));
    }

    public IReadOnlyList<LineOfCover> Lines { get; }

    public OneFactorCopula? Defaults { get; }

    public CatastropheJumps? Catastrophes { get; }

    /// <summary>
    /// The losses of (path, step): each line's claims plus its default loss into
    /// <paramref name="perLine"/>, and the catastrophe on the total coverage (0 if none).
    /// Amounts are exact floors (<see cref="LossAmounts.FloorOfFraction"/>).
    /// </summary>
    public long StepLosses(RandomStream stream, long path, int step, Span<long> perLine)
    {
        if (perLine.Length != Lines.Count)
        {
            throw new ArgumentException($"expected {Lines.Count} lines, got {perLine.Length}", nameof(perLine));
        }

        Span<bool> defaulted = stackalloc bool[Lines.Count];
        Defaults?.Defaults(stream, path, step, CopulaDraw, defaulted);
        for (int i = 0; i < Lines.Count; i++)
        {
            var line = Lines[i];
            long loss = 0;
            int claims = line.Claims.Claims(stream, path, step, i * LineDrawStride);
            for (int c = 0; c < claims; c++)
            {
                loss = checked(loss + LossAmounts.FloorOfFraction(line.Coverage, Math.Min(1, line.Claims.ClaimSize(stream, path, step, i * LineDrawStride, c))));
            }

            if (defaulted[i])
            {
                loss = checked(loss + LossAmounts.FloorOfFraction(line.Coverage, line.LossGivenDefault));
            }

            perLine[i] = loss;
        }

        return Catastrophes is null ? 0 : LossAmounts.FloorOfFraction(totalCoverage, Catastrophes.StepLoss(stream, path, step, CatastropheDraw));
    }
}
