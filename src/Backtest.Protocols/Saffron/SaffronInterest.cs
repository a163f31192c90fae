using Backtest.Numerics;

namespace Backtest.Protocols.Saffron;

/// <summary>One amount per tranche (raw units, dsec, or per-100000 multipliers).</summary>
public readonly record struct TrancheAmounts(Int128 S, Int128 AA, Int128 A)
{
    /// <summary>S + AA + A.</summary>
    public Int128 Total => S + AA + A;

    /// <summary>The amount of one tranche.</summary>
    public Int128 this[SaffronTranche tranche] => tranche switch
    {
        SaffronTranche.S => S,
        SaffronTranche.AA => AA,
        SaffronTranche.A => A,
        _ => throw new ArgumentOutOfRangeException(nameof(tranche), tranche, "unknown tranche"),
    };

    /// <summary>A copy with one tranche's amount replaced.</summary>
    public TrancheAmounts With(SaffronTranche tranche, Int128 value) => tranche switch
    {
        SaffronTranche.S => this with { S = value },
        SaffronTranche.AA => this with { AA = value },
        SaffronTranche.A => this with { A = value },
        _ => throw new ArgumentOutOfRangeException(nameof(tranche), tranche, "unknown tranche"),
    };
}

/// <summary>How epoch interest is divided once the deposit-seconds are known.</summary>
public enum InterestSplitRule
{
    /// <summary>
    /// The note's model with one rounding per tranche: A = ⌊I·dA·m/D⌋, AA = ⌊I·dAA/(D·m)⌋,
    /// S = I − A − AA, with D = dS + dAA + dA. Reproduces the note's scenarios exactly.
    /// </summary>
    Exact,

    /// <summary>
    /// The v1 contract's <c>wind_down_epoch</c>: the share ratio is truncated to 18 decimals
    /// first, ⌊dA·10¹⁸/D⌋, then A = ⌊I·ratio/10¹⁸⌋·m (the truncation is amplified ×m and its
    /// dust goes to S); AA likewise with ÷m. v1 had no AA deposits.
    /// </summary>
    ContractV1,
}

/// <summary>Saffron's epoch-end interest and SFI distribution.</summary>
public static class SaffronInterest
{
    /// <summary>Per-100000 denominator of the SFI multipliers.</summary>
    public const int SfiDenominator = 100_000;

    /// <summary>
    /// Divides the epoch's interest <paramref name="interest"/> among the tranches by their
    /// deposit-seconds: A earns m× what its own capital produced, AA 1/m× of its own, and S
    /// the remainder (S pays A's bonus and collects AA's surrender). With no dsec at all the
    /// interest stays with S.
    /// </summary>
    public static TrancheAmounts Split(Int128 interest, TrancheAmounts dsec, int multiplier, InterestSplitRule rule)
    {
        Int128 total = dsec.Total;
        if (total == 0)
        {
            return new TrancheAmounts(interest, 0, 0);
        }

        Int128 a, aa;
        if (rule == InterestSplitRule.Exact)
        {
            a = Fixed.MulDiv(interest, dsec.A * multiplier, total, Rounding.Floor);
            aa = Fixed.MulDiv(interest, dsec.AA, total * multiplier, Rounding.Floor);
        }
        else
        {
            Int128 one = Reserve.Wad.One;
            a = Fixed.MulDiv(interest, ShareRatio(dsec.A, total), one, Rounding.Floor) * multiplier;
            aa = Fixed.MulDiv(interest, ShareRatio(dsec.AA, total), one, Rounding.Floor) / multiplier;
        }

        if (a + aa > interest)
        {
            // S's dsec covers every pairing, so its remainder cannot go negative unless the dsec
            // totals did not come from the balancing rule.
            throw new SaffronException("interest split", $"A {a} + AA {aa} exceed the epoch interest {interest}: dsec {dsec} are not a balanced pool's");
        }

        return new TrancheAmounts(interest - a - aa, aa, a);
    }

    /// <summary>The v1 contract's interest ratio ⌊part·10¹⁸/total⌋ (e.g. <c>tranche_A_interest_ratio</c>); 0 when total is 0.</summary>
    public static Int128 ShareRatio(Int128 part, Int128 total) =>
        total == 0 ? 0 : Fixed.MulDiv(part, Reserve.Wad.One, total, Rounding.Floor);

    /// <summary>
    /// The share of a tranche's interest earned by S's virtual dsec in it:
    /// ⌊interest·virtual/tranche⌋. With <paramref name="integerRatioFirst"/> it reproduces the v0
    /// contract's ⌊virtual/tranche⌋·interest, whose ratio truncates to 0 whenever virtual &lt; tranche.
    /// </summary>
    public static Int128 VirtualShare(Int128 trancheInterest, Int128 virtualDsec, Int128 trancheDsec, bool integerRatioFirst) =>
        trancheDsec == 0 ? 0
        : integerRatioFirst ? virtualDsec / trancheDsec * trancheInterest
        : Fixed.MulDiv(trancheInterest, virtualDsec, trancheDsec, Rounding.Floor);

    /// <summary>
    /// SFI rewards per tranche, ⌊multiplier·amount/100000⌋ each (<c>TRANCHE_SFI_MULTIPLIER</c>:
    /// v1 95000/0/5000, v1.2 90000/0/10000). Whatever the floors leave is not distributed.
    /// </summary>
    public static TrancheAmounts SplitSfi(Int128 amount, TrancheAmounts multipliers) => new(
        Fixed.MulDiv(multipliers.S, amount, SfiDenominator, Rounding.Floor),
        Fixed.MulDiv(multipliers.AA, amount, SfiDenominator, Rounding.Floor),
        Fixed.MulDiv(multipliers.A, amount, SfiDenominator, Rounding.Floor));
}

/// <summary>What one redemption of dsec takes from a tranche.</summary>
/// <param name="Percent">⌊dsec·10¹⁸/tranche dsec⌋.</param>
/// <param name="Interest">⌊tranche interest·percent/10¹⁸⌋.</param>
/// <param name="Sfi">⌊tranche SFI·percent/10¹⁸⌋.</param>
public readonly record struct ClaimPayout(Int128 Percent, Int128 Interest, Int128 Sfi);

/// <summary>
/// A wound-down tranche's remaining claims (v1 <c>remove_liquidity</c>): each redemption takes
/// its percentage of what is left and decrements the totals, so the last redeemer collects
/// every rounding remainder and the totals end at exactly zero.
/// </summary>
public sealed class TrancheClaims(Int128 dsec, Int128 interest, Int128 sfi)
{
    /// <summary>Dsec not yet redeemed.</summary>
    public Int128 Dsec { get; private set; } = dsec;

    /// <summary>Interest not yet paid out.</summary>
    public Int128 Interest { get; private set; } = interest;

    /// <summary>SFI not yet paid out.</summary>
    public Int128 Sfi { get; private set; } = sfi;

    /// <summary>Redeems <paramref name="dsec"/> deposit-seconds; more than remain is refused.</summary>
    public ClaimPayout Redeem(Int128 dsec)
    {
        var payout = Preview(dsec);
        Dsec -= dsec;
        Interest -= payout.Interest;
        Sfi -= payout.Sfi;
        return payout;
    }

    /// <summary>What <see cref="Redeem"/> of <paramref name="dsec"/> would pay now, changing nothing; more than remain is refused.</summary>
    public ClaimPayout Preview(Int128 dsec)
    {
        if (dsec < 0 || dsec > Dsec)
        {
            throw new SaffronException(SaffronException.InsufficientTokens, $"redeeming {dsec} dsec of {Dsec} remaining");
        }

        Int128 one = Reserve.Wad.One;
        Int128 percent = Dsec == 0 ? 0 : Fixed.MulDiv(dsec, one, Dsec, Rounding.Floor);
        return new ClaimPayout(percent, Fixed.MulDiv(Interest, percent, one, Rounding.Floor), Fixed.MulDiv(Sfi, percent, one, Rounding.Floor));
    }
}
