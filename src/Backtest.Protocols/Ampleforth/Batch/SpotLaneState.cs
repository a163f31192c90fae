using System.Numerics;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Spot;

namespace Backtest.Protocols.Ampleforth.Batch;

/// <summary>
/// A bond's state in one path: its index in the issuer's list, its collateral as exact gons,
/// debt, tranche supplies, maturity flag, who holds its tranches, and the gons each tranche
/// contract holds after maturity.
/// </summary>
public sealed record SpotBondState(
    int Bond,
    BigInteger CollateralGons,
    long Debt,
    long SeniorSupply,
    long JuniorSupply,
    bool IsMature,
    long PerpSeniors,
    long VaultSeniors,
    long VaultJuniors,
    long HolderSeniors,
    long HolderJuniors,
    BigInteger SeniorTrancheGons,
    BigInteger JuniorTrancheGons);

/// <summary>
/// Every state variable of one SPOT system that the batch keeps, read from the contract model
/// (<see cref="Of"/>) or from a batch lane (<see cref="SpotBatch.LaneState"/>), so the two can be
/// compared exactly. AMPL is compared in gons (the token's own state), not in balances. Bonds are
/// those that can still matter: with debt outstanding, or the perp's deposit bond.
/// </summary>
public sealed record SpotLaneState(
    int Day,
    long AmplSupply,
    long PolicyEpoch,
    long LastRebaseTimestamp,
    BigInteger HolderGons,
    BigInteger PerpGons,
    BigInteger VaultGons,
    BigInteger CollectorGons,
    long PerpSupply,
    long HolderPerps,
    long VaultPerps,
    long PerpFeePerps,
    long CollectorPerps,
    Int128 NoteSupply,
    Int128 HolderNotes,
    Int128 CollectorNotes,
    long LastRebalanceTimestamp,
    int DepositBond,
    long IssuerLastWindow,
    int IssuedBonds,
    IReadOnlyList<SpotBondState> Bonds)
{
    /// <summary>The contract model's state in this form.</summary>
    public static SpotLaneState Of(SpotSystem system)
    {
        var ampl = system.Ampl;
        var issued = system.Issuer.IssuedBonds;
        int perp = system.Perp.Account;
        int vault = system.Vault.Account;
        int holder = system.Holder;
        var bonds = new List<SpotBondState>();
        for (int i = 0; i < issued.Count; i++)
        {
            var bond = issued[i];
            if (bond.TotalDebt == 0 && bond != system.Perp.DepositBond)
            {
                continue;
            }

            var (a, z) = (bond.Tranches[0], bond.Tranches[1]);
            bonds.Add(new SpotBondState(
                i,
                Gons(bond.Account),
                bond.TotalDebt,
                a.TotalSupply,
                z.TotalSupply,
                bond.IsMature,
                a.BalanceOf(perp),
                a.BalanceOf(vault),
                z.BalanceOf(vault),
                a.BalanceOf(holder),
                z.BalanceOf(holder),
                Gons(a.Account),
                Gons(z.Account)));
        }

        int deposit = -1;
        for (int i = 0; i < issued.Count; i++)
        {
            if (issued[i] == system.Perp.DepositBond)
            {
                deposit = i;
            }
        }

        return new SpotLaneState(
            system.Day,
            ampl.TotalSupply,
            system.Policy.Epoch,
            system.Policy.LastRebaseTimestampSec,
            Gons(holder),
            Gons(perp),
            Gons(vault),
            Gons(system.Collector),
            system.Perp.TotalSupply,
            system.Perp.Token.BalanceOf(holder),
            system.Perp.Token.BalanceOf(vault),
            system.Perp.Token.BalanceOf(perp),
            system.Perp.Token.BalanceOf(system.Collector),
            system.Vault.Notes.TotalSupply,
            system.Vault.Notes.BalanceOf(holder),
            system.Vault.Notes.BalanceOf(system.Collector),
            system.Vault.LastRebalanceTimestampSec,
            deposit,
            system.Issuer.LastIssueWindowTimestamp,
            issued.Count,
            bonds);

        BigInteger Gons(int account) => ampl.ScaledBalanceOf(account).ToBigInteger();
    }

    /// <summary>The first variable that differs from <paramref name="other"/>, or null when the states are equal.</summary>
    public string? FirstDifference(SpotLaneState other)
    {
        var mine = Fields().ToList();
        var theirs = other.Fields().ToList();
        for (int i = 0; i < Math.Min(mine.Count, theirs.Count); i++)
        {
            if (mine[i].Name != theirs[i].Name || !Equals(mine[i].Value, theirs[i].Value))
            {
                return $"{mine[i].Name}: {mine[i].Value} vs {theirs[i].Name}: {theirs[i].Value}";
            }
        }

        return mine.Count == theirs.Count ? null : $"{mine.Count} variables vs {theirs.Count}";
    }

    private IEnumerable<(string Name, object Value)> Fields()
    {
        yield return (nameof(Day), Day);
        yield return (nameof(AmplSupply), AmplSupply);
        yield return (nameof(PolicyEpoch), PolicyEpoch);
        yield return (nameof(LastRebaseTimestamp), LastRebaseTimestamp);
        yield return (nameof(HolderGons), HolderGons);
        yield return (nameof(PerpGons), PerpGons);
        yield return (nameof(VaultGons), VaultGons);
        yield return (nameof(CollectorGons), CollectorGons);
        yield return (nameof(PerpSupply), PerpSupply);
        yield return (nameof(HolderPerps), HolderPerps);
        yield return (nameof(VaultPerps), VaultPerps);
        yield return (nameof(PerpFeePerps), PerpFeePerps);
        yield return (nameof(CollectorPerps), CollectorPerps);
        yield return (nameof(NoteSupply), NoteSupply);
        yield return (nameof(HolderNotes), HolderNotes);
        yield return (nameof(CollectorNotes), CollectorNotes);
        yield return (nameof(LastRebalanceTimestamp), LastRebalanceTimestamp);
        yield return (nameof(DepositBond), DepositBond);
        yield return (nameof(IssuerLastWindow), IssuerLastWindow);
        yield return (nameof(IssuedBonds), IssuedBonds);
        yield return ("Bonds", string.Join(",", Bonds.Select(b => b.Bond)));
        foreach (var b in Bonds)
        {
            yield return ($"bond{b.Bond}", b);
        }
    }
}
