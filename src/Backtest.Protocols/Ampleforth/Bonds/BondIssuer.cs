using Backtest.Protocols.Ampleforth.Tokens;

namespace Backtest.Protocols.Ampleforth.Bonds;

/// <summary>
/// The schedule a bond issuer follows (spot-contracts <c>BondIssuer.sol</c>): a new bond every
/// <see cref="MinIssueTimeIntervalSec"/>, its window opening <see cref="IssueWindowOffsetSec"/>
/// into each interval, maturing <see cref="MaxMaturityDuration"/> after the window opened.
/// </summary>
public sealed record BondIssuerConfig(
    long MaxMaturityDuration,
    IReadOnlyList<int> TrancheRatios,
    long MinIssueTimeIntervalSec,
    long IssueWindowOffsetSec,
    BondControllerVersion BondVersion = BondControllerVersion.Legacy2022)
{
    /// <summary>Mainnet schedule: 28-day bonds every 7 days, window Wednesday 03:00 UTC (offset 529,200 s).</summary>
    public static BondIssuerConfig Mainnet(IReadOnlyList<int> trancheRatios) =>
        new(2_419_200, trancheRatios, 604_800, 529_200);

    /// <summary>20/80 bonds (Nov 2022 – Jan 2024).</summary>
    public static IReadOnlyList<int> Ratios20x80 { get; } = [200, 800];

    /// <summary>25/75 bonds (from about 2024-01-02).</summary>
    public static IReadOnlyList<int> Ratios25x75 { get; } = [250, 750];

    /// <summary>33/67 bonds (the testnet configuration).</summary>
    public static IReadOnlyList<int> Ratios33x67 { get; } = [333, 667];
}

/// <summary>
/// Issues bonds lazily: <see cref="GetLatestBond"/> issues a new bond when the interval since the
/// last issue window has passed, as the perp's state update does on every call. The issuer owns
/// the bonds it creates.
/// </summary>
public sealed class BondIssuer
{
    private readonly Chain _chain;
    private readonly List<BondController> _issued = [];
    private readonly List<BondController> _active = [];

    private readonly Journaled<long> _lastIssueWindowTimestamp;

    public BondIssuer(Chain chain, AmplToken collateral, BondIssuerConfig config)
    {
        if (config.TrancheRatios.Sum() != BondController.TrancheRatioGranularity)
        {
            throw new BondException(BondException.UnacceptableTrancheRatios, $"[{string.Join(",", config.TrancheRatios)}] does not sum to 1000");
        }

        _chain = chain;
        _lastIssueWindowTimestamp = new Journaled<long>(chain, 0);
        Collateral = collateral;
        Config = config;
        Account = chain.CreateAccount("bondIssuer");
    }

    public AmplToken Collateral { get; }

    /// <summary>The schedule; replace it to model governance changing ratios or timing.</summary>
    public BondIssuerConfig Config { get; set; }

    public int Account { get; }

    /// <summary>The start of the issue window of the last issue.</summary>
    public long LastIssueWindowTimestamp => _lastIssueWindowTimestamp.Value;

    public IReadOnlyList<BondController> IssuedBonds => _issued;

    /// <summary>Issues a bond if the interval has passed since the last issue window; otherwise nothing.</summary>
    public void Issue() => _chain.Atomic(IssueCore);

    private void IssueCore()
    {
        long now = _chain.Now;
        if (now < LastIssueWindowTimestamp + Config.MinIssueTimeIntervalSec)
        {
            return;
        }

        _lastIssueWindowTimestamp.Set(now - ((now - Config.IssueWindowOffsetSec) % Config.MinIssueTimeIntervalSec));
        long maturity = LastIssueWindowTimestamp + Config.MaxMaturityDuration;
        var bond = new BondController(_chain, Collateral, Account, Config.TrancheRatios, maturity, Config.BondVersion, name: $"bond{_issued.Count}@{maturity}");
        _chain.RecordList(_issued);
        _chain.RecordList(_active);
        _issued.Add(bond);
        _active.Add(bond);
    }

    /// <summary>Issues if due, then returns the most recently issued bond.</summary>
    public BondController GetLatestBond() => _chain.Atomic(() =>
    {
        IssueCore();
        return _issued[^1];
    });

    /// <summary>Matures every active bond past its maturity date; reverts when none is due.</summary>
    public void MatureActive() => _chain.Atomic(MatureActiveCore);

    private void MatureActiveCore()
    {
        _chain.RecordList(_active);
        bool any = false;
        for (int i = _active.Count - 1; i >= 0; i--)
        {
            var bond = _active[i];
            if (bond.SecondsToMaturity <= 0)
            {
                if (!bond.IsMature)
                {
                    bond.Mature(Account);
                }

                _active[i] = _active[^1];
                _active.RemoveAt(_active.Count - 1);
                any = true;
            }
        }

        if (!any)
        {
            throw new BondException(BondException.NotMature, "NoMaturedBonds: no active bond has reached maturity");
        }
    }
}
