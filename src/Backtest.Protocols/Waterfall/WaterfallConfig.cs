using Backtest.Numerics;

namespace Backtest.Protocols.Waterfall;

/// <summary>
/// One tranche's terms. The loss range [attach, detach) is a share of total capital in basis
/// points counted from the junior end (seed 003: SURE-EQT 0–1000, …, SURE-BTC 7500–10000); its
/// width is the tranche's allocation. Lock-up is in seconds from each deposit.
/// </summary>
public sealed record TrancheTerms(Tranche Tranche, ApyCurve Curve, int LossAttachBps, int LossDetachBps, long LockSeconds)
{
    /// <summary>Share of capital the structure allots the tranche: detach − attach, in bps.</summary>
    public int AllocationBps => LossDetachBps - LossAttachBps;
}

/// <summary>Parameters of a six-tier waterfall vault. Amounts are <see cref="Fixed"/> nano-units.</summary>
public sealed record WaterfallConfig
{
    /// <summary>Seconds in a year for premium accrual (365 days, as the reference's 31,536,000).</summary>
    public const long SecondsPerYear = 31_536_000;

    /// <summary>The six tranches, senior first (index 0 = SURE-BTC).</summary>
    public required IReadOnlyList<TrancheTerms> Tranches { get; init; }

    /// <summary>Smallest deposit (seed 003: 0.1).</summary>
    public long MinimumDeposit { get; init; } = Fixed.One / 10;

    /// <summary>Breaker: one loss taking more than this share of a tranche's capital pauses the vault (seed: 20%).</summary>
    public int SingleLossBreakerBps { get; init; } = 2_000;

    /// <summary>Breaker: losses within the rolling window above this share of capital pause the vault (seed: 10%).</summary>
    public int WindowLossBreakerBps { get; init; } = 1_000;

    /// <summary>Length of the rolling loss window in seconds (seed: 24 h).</summary>
    public long LossWindowSeconds { get; init; } = 86_400;

    /// <summary>
    /// Seed 003's vault: its curves and loss ranges, with the lock-ups of the reference SURE
    /// token contracts (90, 60 and 30 days for tiers 1–3; tiers 4–6 have none) unless given.
    /// </summary>
    public static WaterfallConfig Seed003(long[]? lockSeconds = null)
    {
        long[] locks = lockSeconds ?? [90 * 86_400L, 60 * 86_400L, 30 * 86_400L, 0, 0, 0];
        if (locks.Length != Waterfall.Tranches.Count)
        {
            throw new InputException($"expected {Waterfall.Tranches.Count} lock-up lengths, got {locks.Length}", key: "lockSeconds");
        }

        int[] detach = [10_000, 7_500, 5_500, 3_700, 2_200, 1_000];
        int[] attach = [7_500, 5_500, 3_700, 2_200, 1_000, 0];
        var config = new WaterfallConfig
        {
            Tranches = Waterfall.Tranches.SeniorFirst
                .Select((t, i) => new TrancheTerms(t, ApyCurve.Seed003(t), attach[i], detach[i], locks[i]))
                .ToArray(),
        };
        config.Validate();
        return config;
    }

    /// <summary>Refuses inconsistent parameters with an <see cref="InputException"/> naming the field.</summary>
    public void Validate()
    {
        if (Tranches is null || Tranches.Count != Waterfall.Tranches.Count)
        {
            throw new InputException($"a waterfall has exactly {Waterfall.Tranches.Count} tranches", key: "tranches");
        }

        for (int i = 0; i < Tranches.Count; i++)
        {
            var t = Tranches[i];
            string key = $"tranches[{i}]";
            if (t.Tranche != Waterfall.Tranches.SeniorFirst[i])
            {
                throw new InputException($"expected {Waterfall.Tranches.Name(Waterfall.Tranches.SeniorFirst[i])} (senior first), got {t.Tranche}", key: key);
            }

            t.Curve.Validate(key + ".curve");
            if (t.LockSeconds < 0)
            {
                throw new InputException($"lock-up must be non-negative, got {t.LockSeconds}", key: key + ".lock_seconds");
            }
        }

        if (!LossRangesTile(Tranches))
        {
            throw new InputException(
                "loss ranges must tile 0-100% from the junior end: SURE-EQT attaches at 0, each tranche detaches where the next senior one attaches, SURE-BTC detaches at 10000 bps",
                key: "tranches.loss_range");
        }

        if (MinimumDeposit <= 0)
        {
            throw new InputException("minimum deposit must be positive", key: "minimum_deposit");
        }

        if (SingleLossBreakerBps is <= 0 or > 10_000 || WindowLossBreakerBps is <= 0 or > 10_000)
        {
            throw new InputException("breaker thresholds must lie in (0, 10000] bps", key: "breaker");
        }

        if (LossWindowSeconds <= 0)
        {
            throw new InputException("the loss window must be positive", key: "loss_window_seconds");
        }
    }

    /// <summary>
    /// Invariant 2 (Σ loss ranges = 100%): the ranges are non-empty, contiguous and cover
    /// [0, 10000] bps exactly, junior to senior.
    /// </summary>
    public static bool LossRangesTile(IReadOnlyList<TrancheTerms> tranches)
    {
        int expectedAttach = 0;
        for (int i = tranches.Count - 1; i >= 0; i--)
        {
            if (tranches[i].LossAttachBps != expectedAttach || tranches[i].LossDetachBps <= expectedAttach)
            {
                return false;
            }

            expectedAttach = tranches[i].LossDetachBps;
        }

        return expectedAttach == 10_000;
    }
}
