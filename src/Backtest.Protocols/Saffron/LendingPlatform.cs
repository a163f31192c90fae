using Backtest.Numerics;

namespace Backtest.Protocols.Saffron;

/// <summary>
/// A redemption the lending market refuses because it lacks the cash, as Compound v2's CToken
/// fails a redeem with <c>TOKEN_INSUFFICIENT_CASH</c> (<c>REDEEM_TRANSFER_OUT_NOT_POSSIBLE</c>): the
/// pool's <c>remove_liquidity</c>, which has the adapter return capital, reverts with it.
/// </summary>
public sealed class LendingPlatformException : ProtocolException
{
    public LendingPlatformException(string detail)
        : base("compound", InsufficientCash, detail)
    {
    }

    /// <summary>Compound v2's error name for a redeem larger than the market's cash.</summary>
    public const string InsufficientCash = "TOKEN_INSUFFICIENT_CASH";
}

/// <summary>
/// The lending market a Saffron pool's capital is deployed to (Compound v2 for v1's DAI pool),
/// as the pool's adapter sees it, in raw units (DAI wei): what the market owes the pool
/// (supplied capital plus accrued interest, less what was withdrawn), the part of it the market's
/// cash can never cover (bad debt: Compound's exchange rate does not fall with it, so suppliers
/// find out by being refused, first come, first served), and the cash the pool can withdraw
/// while liquidity is short (utilisation at its cap). Interest keeps accruing on the whole
/// amount owed, as the exchange rate does.
/// </summary>
public sealed class LendingPlatform
{
    /// <summary>Seconds per year in the interest formula (365 days).</summary>
    public const long SecondsPerYear = 31_536_000;

    /// <summary>What the market owes the pool: supplied + accrued − withdrawn.</summary>
    public Int128 Owed { get; private set; }

    /// <summary>The part of <see cref="Owed"/> no withdrawal can ever reach (bad debt the pool's holders bear).</summary>
    public Int128 Unpayable { get; private set; }

    /// <summary>Cash the pool can still withdraw while liquidity is short; null when the market has cash to spare.</summary>
    public Int128? Cash { get; private set; }

    /// <summary>What can be withdrawn at all: owed − unpayable.</summary>
    public Int128 Payable => Owed - Unpayable;

    /// <summary>The adapter supplies <paramref name="amount"/> to the market.</summary>
    public void Supply(Int128 amount) => Owed += amount >= 0 ? amount : throw new ArgumentOutOfRangeException(nameof(amount), amount, "amounts are non-negative");

    /// <summary>
    /// Interest for <paramref name="seconds"/> at the annual rate <paramref name="rate"/>
    /// (18-decimal): ⌊owed · rate · seconds / (year · 10¹⁸)⌋, added to what is owed and returned.
    /// </summary>
    public Int128 Accrue(Int128 rate, long seconds)
    {
        Int128 interest = Fixed.MulDiv(Owed, rate * seconds, SecondsPerYear * Reserve.Wad.One, Rounding.Floor);
        Owed += interest;
        return interest;
    }

    /// <summary>Bad debt: ⌊payable · share⌋ (share 18-decimal, at most 1) of what is still payable becomes unpayable; returns that amount.</summary>
    public Int128 WriteOff(Int128 share)
    {
        if (share < 0 || share > Reserve.Wad.One)
        {
            throw new ArgumentOutOfRangeException(nameof(share), share, "a write-off share lies in [0, 1]");
        }

        Int128 lost = Reserve.Wad.MulDown(Payable, share);
        Unpayable += lost;
        return lost;
    }

    /// <summary>Liquidity is short: the pool can withdraw at most <paramref name="cash"/> until the next call (null: no limit).</summary>
    public void LimitCash(Int128? cash) => Cash = cash is { } c && c < 0 ? throw new ArgumentOutOfRangeException(nameof(cash), c, "cash is non-negative") : cash;

    /// <summary>
    /// The adapter withdraws <paramref name="amount"/>: refused with
    /// <see cref="LendingPlatformException"/> when it exceeds what is payable or the cash available.
    /// </summary>
    public void Withdraw(Int128 amount)
    {
        if (amount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, "amounts are non-negative");
        }

        if (amount > Payable || (Cash is { } cash && amount > cash))
        {
            throw new LendingPlatformException($"withdrawing {amount} with {Payable} payable and {(Cash is { } c ? c.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unlimited")} cash");
        }

        Owed -= amount;
        Cash -= amount;
    }
}
