using System.Numerics;
using Backtest.Numerics;
using Backtest.Protocols.Ampleforth;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Spot;
using Backtest.Protocols.Ampleforth.Tokens;

namespace Backtest.Protocols.Conformance.Ampleforth;

/// <summary>
/// A SPOT v5 fee policy with the fee and the deviation ratio pinned, as the spot-contracts unit
/// tests mock the FeePolicy (DMock/smock) when they test the perp and the vault in isolation.
/// </summary>
internal sealed class PinnedFeePolicy(long feePerc) : DeviationFeePolicy
{
    /// <summary>The fee every operation pays (8 decimals); a test sets it before the operation it prices.</summary>
    public long Fee { get; set; } = feePerc;

    public override Int128 ComputeDeviationRatio(Int128 perpTVL, Int128 vaultTVL) => One;

    public override Int128 ComputeFeePerc(Int128 drPre, Int128 drPost) => Fee;
}

/// <summary>
/// The fixtures of the spot-contracts tests rebuilt on the models: an AMPL token whose supply
/// starts at the contract's 50 M (so rebases from the initial state are exact), a bond issuer,
/// a v5 perp and vault, and a "deployer" holding AMPL. Time starts one second past an issue
/// window, as in the tests, where the first bond is issued a few blocks after deployment (so its
/// time to maturity is just under the bond duration).
/// </summary>
internal sealed class SpotScenario
{
    public SpotScenario(BondIssuerConfig issuerConfig, SpotFeePolicy feePolicy, SpotVersion version = SpotVersion.V5)
    {
        long start = (1_700_000_000 / issuerConfig.MinIssueTimeIntervalSec * issuerConfig.MinIssueTimeIntervalSec) + 1;
        Chain = new Chain(start);
        Treasury = Chain.CreateAccount("treasury");
        Deployer = Chain.CreateAccount("deployer");
        OtherUser = Chain.CreateAccount("otherUser");
        Ampl = new AmplToken(Chain, Treasury);
        Issuer = new BondIssuer(Chain, Ampl, issuerConfig);
        Perp = new PerpetualTranche(Chain, Ampl, Issuer, feePolicy, version);
        if (version >= SpotVersion.V2)
        {
            Vault = new RolloverVault(Chain, Perp);
        }

        Ampl.Transfer(Treasury, Deployer, 1_000_000 * Fixed.One);
    }

    public Chain Chain { get; }

    public int Treasury { get; }

    public int Deployer { get; }

    public int OtherUser { get; }

    public AmplToken Ampl { get; }

    public BondIssuer Issuer { get; }

    public PerpetualTranche Perp { get; }

    public RolloverVault? Vault { get; }

    public RolloverVault RequireVault => Vault ?? throw new InvalidOperationException("this scenario has no vault");

    /// <summary>Gives the other user <paramref name="amount"/> AMPL and returns its account.</summary>
    public int OtherUserFunded(long amount)
    {
        Ampl.Transfer(Treasury, OtherUser, amount);
        return OtherUser;
    }

    /// <summary>advancePerpQueue: moves time and pokes the perp.</summary>
    public void AdvancePerpQueue(long seconds)
    {
        Chain.Advance(seconds);
        Perp.UpdateState();
    }

    /// <summary>advancePerpQueueToBondMaturity: to one second past the bond's maturity, then pokes the perp.</summary>
    public void AdvancePerpQueueToBondMaturity(BondController bond)
    {
        Chain.AdvanceTo(bond.MaturityDate + 1);
        Perp.UpdateState();
    }

    /// <summary>depositIntoBond: tranches <paramref name="amount"/> of the holder's AMPL.</summary>
    public long[] DepositIntoBond(BondController bond, long amount, int from) => bond.Deposit(from, amount);

    /// <summary>
    /// A rebase by a fraction of the supply (<c>rebase(token, oracle, perc)</c> in the tests), exact
    /// because the supply is a multiple of the fraction's denominator.
    /// </summary>
    public void RebaseByFraction(decimal fraction)
    {
        decimal delta = Ampl.TotalSupply * fraction;
        if (delta != decimal.Truncate(delta))
        {
            throw new InvalidOperationException($"a rebase of {fraction} is not exact on supply {Ampl.TotalSupply}");
        }

        Ampl.Rebase((long)delta);
    }

    /// <summary>
    /// The common SPOT fixture: mature the first bond, then for each of <paramref name="bondCount"/>
    /// bonds deposit <paramref name="collateralPerBond"/>, mint perps with <paramref name="seniorPerBond"/>
    /// seniors and advance one issue interval. Returns the reserve seniors in order.
    /// </summary>
    public List<Tranche> SeedPerpReserve(int bondCount, long collateralPerBond, long seniorPerBond)
    {
        AdvancePerpQueueToBondMaturity(Perp.GetDepositBond());
        var seniors = new List<Tranche>();
        for (int i = 0; i < bondCount; i++)
        {
            var bond = Perp.GetDepositBond();
            DepositIntoBond(bond, collateralPerBond, Deployer);
            Perp.Deposit(Deployer, bond.Senior, seniorPerBond);
            seniors.Add(bond.Senior);
            AdvancePerpQueue(Issuer.Config.MinIssueTimeIntervalSec);
        }

        return seniors;
    }

    /// <summary>The vault's balance of the deposit bond's junior.</summary>
    public long VaultJuniorOf(BondController bond) => bond.Junior.BalanceOf(RequireVault.Account);

    public static BigInteger Pow10(int n) => BigInteger.Pow(10, n);
}
