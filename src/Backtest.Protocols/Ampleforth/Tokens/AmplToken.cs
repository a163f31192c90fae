using System.Numerics;
using Backtest.Numerics;

namespace Backtest.Protocols.Ampleforth.Tokens;

/// <summary>
/// The AMPL token (UFragments, ampleforth-contracts <c>contracts/UFragments.sol</c>): balances
/// are held in a hidden denomination, gons, and read as <c>gons / gonsPerFragment</c> rounded
/// down. A rebase changes only <c>gonsPerFragment = TOTAL_GONS / totalSupply</c>, so it costs
/// O(1) however many holders there are. Amounts are AMPL base units (9 decimals, the same as
/// <see cref="Fixed"/> nano-units). TOTAL_GONS is the largest multiple of the initial supply
/// (50 M AMPL) below 2²⁵⁶, as in the contract, so the rounding of every balance read matches
/// the token's own. Gons are conserved exactly by transfers: their sum over all accounts is
/// always <see cref="TotalGons"/>.
/// </summary>
public sealed class AmplToken
{
    /// <summary>The token's initial supply: 50,000,000 AMPL.</summary>
    public const long InitialFragmentsSupply = 50_000_000L * Fixed.One;

    /// <summary>UFragments' MAX_SUPPLY, 2¹²⁸ − 1 base units.</summary>
    public static readonly BigInteger MaxSupply = (BigInteger.One << 128) - 1;

    /// <summary>The fixed gon total: uint256 max minus its remainder modulo the initial supply.</summary>
    public static readonly UInt256 TotalGons = ComputeTotalGons();

    private static readonly BigInteger TotalGonsValue = TotalGons.ToBigInteger();

    private readonly Dictionary<int, UInt256> _gons = [];
    private readonly Chain _chain;

    /// <summary>A token with the contract's initial supply, all of it held by <paramref name="owner"/>.</summary>
    public AmplToken(Chain chain, int owner)
    {
        _chain = chain;
        TotalSupply = InitialFragmentsSupply;
        _gons[owner] = TotalGons;
        GonsPerFragment = UInt256.FromBigInteger(TotalGonsValue / TotalSupply);
    }

    /// <summary>Total supply in base units.</summary>
    public long TotalSupply { get; private set; }

    /// <summary>Gons per base unit (the conversion rate every balance read divides by).</summary>
    public UInt256 GonsPerFragment { get; private set; }

    /// <summary>Every account with gons, and its gon balance.</summary>
    public IEnumerable<KeyValuePair<int, UInt256>> GonHolders => _gons.Where(kv => !kv.Value.IsZero);

    /// <summary>A balance in base units: gons / gonsPerFragment, rounded down.</summary>
    public long BalanceOf(int account)
    {
        if (!_gons.TryGetValue(account, out var gons) || gons.IsZero)
        {
            return 0;
        }

        return (long)(gons.ToBigInteger() / GonsPerFragment.ToBigInteger());
    }

    /// <summary>A balance in gons (the "scaled balance" Buttonwood's skim check reads).</summary>
    public UInt256 ScaledBalanceOf(int account) => _gons.GetValueOrDefault(account);

    /// <summary>
    /// Moves <paramref name="value"/> base units: exactly value·gonsPerFragment gons leave the
    /// sender and reach the receiver, so the sender's balance falls by exactly value.
    /// </summary>
    public void Transfer(int from, int to, long value)
    {
        if (value < 0)
        {
            throw new AmplTokenException(AmplTokenException.InvalidAmount, $"transfer of {value} base units");
        }

        if (value == 0)
        {
            return;
        }

        BigInteger gonValue = value * GonsPerFragment.ToBigInteger();
        BigInteger fromGons = ScaledBalanceOf(from).ToBigInteger();
        if (gonValue > fromGons)
        {
            throw new AmplTokenException(
                AmplTokenException.TransferExceedsBalance,
                $"{Fixed.Format(value)} AMPL from #{from} holding {Fixed.Format(BalanceOf(from))}");
        }

        var moved = UInt256.FromBigInteger(gonValue);
        SetGons(from, UInt256.Subtract(ScaledBalanceOf(from), moved));
        SetGons(to, UInt256.Add(ScaledBalanceOf(to), moved));
    }

    /// <summary>
    /// Applies a supply change (the monetary policy's requested adjustment) and returns the new
    /// total supply. A contraction larger than the supply reverts; an expansion is capped at
    /// <see cref="MaxSupply"/> (a supply past <see cref="long.MaxValue"/> base units is an
    /// overflow error of this model, never a wrap).
    /// </summary>
    public long Rebase(long supplyDelta)
    {
        if (supplyDelta == 0)
        {
            return TotalSupply;
        }

        BigInteger supply = (BigInteger)TotalSupply + supplyDelta;
        if (supply.Sign < 0)
        {
            throw new AmplTokenException(AmplTokenException.SupplyUnderflow, $"supply {TotalSupply} cannot shrink by {-supplyDelta}");
        }

        if (supply > MaxSupply)
        {
            supply = MaxSupply;
        }

        if (supply.IsZero)
        {
            throw new AmplTokenException(AmplTokenException.SupplyUnderflow, "a rebase to zero supply divides TOTAL_GONS by zero");
        }

        if (supply > long.MaxValue)
        {
            throw new FixedPointOverflowException("AmplToken.Rebase", TotalSupply, supplyDelta);
        }

        long oldSupply = TotalSupply;
        var oldRate = GonsPerFragment;
        _chain.Record(() =>
        {
            TotalSupply = oldSupply;
            GonsPerFragment = oldRate;
        });
        TotalSupply = (long)supply;
        GonsPerFragment = UInt256.FromBigInteger(TotalGonsValue / supply);
        return TotalSupply;
    }

    /// <summary>A token rebased once from the initial supply to <paramref name="supply"/>, all held by <paramref name="owner"/>.</summary>
    public static AmplToken WithSupply(Chain chain, int owner, long supply)
    {
        var token = new AmplToken(chain, owner);
        token.Rebase(checked(supply - InitialFragmentsSupply));
        return token;
    }

    private void SetGons(int account, UInt256 value)
    {
        _chain.RecordEntry(_gons, account);
        _gons[account] = value;
    }

    private static UInt256 ComputeTotalGons()
    {
        BigInteger max = (BigInteger.One << 256) - 1;
        return UInt256.FromBigInteger(max - (max % InitialFragmentsSupply));
    }
}
