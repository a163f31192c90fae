using Backtest.Numerics;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Tokens;

namespace Backtest.Protocols.Ampleforth.Spot;

/// <summary>The perp's and the vault's TVL read together (the contracts' SystemTVL).</summary>
public readonly record struct SystemTvl(long PerpTVL, long VaultTVL);

/// <summary>What <see cref="RolloverVault.Redeem2"/> burnt and paid.</summary>
public sealed record Redeem2Outcome(long PerpAmt, Int128 NoteAmt, IReadOnlyList<TokenAmount> Returned);

/// <summary>
/// The rollover vault, stAMPL (spot-contracts <c>RolloverVault.sol</c>), in the perp's version
/// (v2+). Holds AMPL and tranches; deploys AMPL into the deposit bond and rolls the fresh seniors
/// into the perp for maturing ones, keeping the juniors; recovers AMPL by redeeming matured
/// tranches and ratio-matched pairs early. Notes are <see cref="Int128"/> (10⁶ per base unit at
/// first). Tranche balances at or below <see cref="TrancheDustAmt"/> are ignored in v5.
/// Reverts throw <see cref="RolloverVaultException"/>.
/// </summary>
public sealed class RolloverVault
{
    /// <summary>INITIAL_RATE: notes per underlying base unit for the first deposit.</summary>
    public const long InitialRate = 1_000_000;

    /// <summary>MAX_DEPLOYED_COUNT: tranche kinds the vault may hold at once.</summary>
    public const int MaxDeployedCount = 47;

    /// <summary>TRANCHE_DUST_AMT (v5): tranche balances at or below this are dust.</summary>
    public const long TrancheDustAmt = 10_000_000;

    private const long One = SpotFeePolicy.One;

    private readonly Chain _chain;
    private readonly JournaledSet<Tranche> _deployed;
    private readonly Journaled<long> _lastRebalanceTimestampSec;

    public RolloverVault(Chain chain, PerpetualTranche perp)
    {
        if (perp.Version < SpotVersion.V2)
        {
            throw new RolloverVaultException(RolloverVaultException.UnsupportedInVersion, "the rollover vault exists from SPOT v2");
        }

        _chain = chain;
        Perp = perp;
        Account = chain.CreateAccount("rolloverVault");
        Owner = chain.CreateAccount("vaultOwner");
        Notes = new TokenLedger<Int128>(chain, "stAMPL");
        _lastRebalanceTimestampSec = new Journaled<long>(chain, chain.Now);
        _deployed = new JournaledSet<Tranche>(chain);
        perp.AttachVault(this);
    }

    public SpotVersion Version => Perp.Version;

    public PerpetualTranche Perp { get; }

    public AmplToken Underlying => Perp.Underlying;

    /// <summary>The vault contract's account.</summary>
    public int Account { get; }

    /// <summary>The owner: receives the v3/v4 deployment fee and (as collector) the v5 protocol share.</summary>
    public int Owner { get; }

    /// <summary>The vault notes (stAMPL).</summary>
    public TokenLedger<Int128> Notes { get; }

    /// <summary>The fee policy (shared with the perp, as both contracts point at one FeePolicy).</summary>
    public SpotFeePolicy FeePolicy => Perp.FeePolicy;

    public bool Paused { get; private set; }

    /// <summary>Deploy reverts unless more than this much AMPL would be deployed.</summary>
    public long MinDeploymentAmt { get; set; }

    /// <summary>AMPL the vault keeps undeployed (and that swaps may not drain).</summary>
    public long ReservedUnderlyingBal { get; set; }

    /// <summary>v5: AMPL kept as a share (8 decimals) of vault TVL.</summary>
    public long ReservedUnderlyingPerc { get; set; }

    /// <summary>v3/v4: AMPL kept as a share (8 decimals) of the junior capital the perp needs, perpTVL·(1000 − r)/r.</summary>
    public long ReservedSubscriptionPerc { get; set; }

    public long LastRebalanceTimestampSec => _lastRebalanceTimestampSec.Value;

    /// <summary>The tranches held, in the contract's set order.</summary>
    public IReadOnlyList<Tranche> Deployed => _deployed.Items;

    public void Pause() => Paused = true;

    public void Unpause() => Paused = false;

    /// <summary>The keeper's pauseRebalance: no rebalance until <see cref="UnpauseRebalance"/>.</summary>
    public void PauseRebalance() => _lastRebalanceTimestampSec.Set(long.MaxValue / 2);

    public void UnpauseRebalance() => _lastRebalanceTimestampSec.Set(_chain.Now);

    /// <summary>
    /// The vault's value in underlying base units: its AMPL plus each tranche (above dust in v5)
    /// at claim·balance/supply rounded up. Perps the vault holds are not counted.
    /// </summary>
    public long GetTVL()
    {
        long total = Underlying.BalanceOf(Account);
        foreach (var tranche in _deployed.Items)
        {
            long balance = tranche.BalanceOf(Account);
            if (balance > DustThreshold)
            {
                total = Fixed.Add(total, TrancheMath.TrancheValue(tranche, balance));
            }
        }

        return total;
    }

    /// <summary>Perp TVL (after the perp's state update) and vault TVL.</summary>
    public SystemTvl QuerySystemTvl() => _chain.Atomic(() => QuerySystemTvlCore());

    private SystemTvl QuerySystemTvlCore()
    {
        long perpTVL = Perp.GetTVL();
        return new SystemTvl(perpTVL, GetTVL());
    }

    /// <summary>The system deviation ratio at 8 decimals (v5 system ratio; v3/v4 subscription ratio).</summary>
    public Int128 DeviationRatio() => _chain.Atomic(() => DeviationRatioCore());

    private Int128 DeviationRatioCore()
    {
        var s = QuerySystemTvl();
        return Version switch
        {
            SpotVersion.V5 => V5Policy.ComputeDeviationRatio(s.PerpTVL, s.VaultTVL),
            SpotVersion.V3 or SpotVersion.V4 => V3Policy.ComputeDeviationRatio(s.PerpTVL, s.VaultTVL, Perp.GetDepositTrancheRatio()),
            _ => throw new RolloverVaultException(RolloverVaultException.UnsupportedInVersion, $"SPOT {Version} has no deviation ratio"),
        };
    }

    /// <summary>The notes a deposit of <paramref name="underlyingAmtIn"/> mints at fee <paramref name="feePerc"/>: supply·amt/TVL (amt·10⁶ when empty), times (1 − fee), rounded down.</summary>
    public Int128 ComputeMintAmt(long underlyingAmtIn, Int128 feePerc)
    {
        Int128 supply = Notes.TotalSupply;
        Int128 notes = supply > 0
            ? Fixed.MulDiv(supply, underlyingAmtIn, NonZero(GetTVL(), "vault TVL"), Rounding.Floor)
            : (Int128)underlyingAmtIn * InitialRate;
        return Fixed.MulDiv(notes, OneMinus(feePerc), One, Rounding.Floor);
    }

    /// <summary>
    /// Deposits AMPL for notes, less the version's mint fee (v5: the average of the up-curve over
    /// the DR rise). Returns the notes minted (v5 returns 0 where earlier versions revert).
    /// </summary>
    public Int128 Deposit(int caller, long underlyingAmtIn) => _chain.Atomic(() => DepositCore(caller, underlyingAmtIn));

    private Int128 DepositCore(int caller, long underlyingAmtIn)
    {
        RequireNotPaused();
        Int128 feePerc = 0;
        if (Version == SpotVersion.V5)
        {
            var s = QuerySystemTvl();
            var policy = V5Policy;
            feePerc = policy.ComputeFeePerc(policy.ComputeDeviationRatio(s.PerpTVL, s.VaultTVL), policy.ComputeDeviationRatio(s.PerpTVL, Fixed.Add(s.VaultTVL, underlyingAmtIn)));
        }
        else if (Version is SpotVersion.V3 or SpotVersion.V4)
        {
            var s = QuerySystemTvl();
            feePerc = V3Policy.VaultMintFeePerc(V3Policy.ComputeDeviationRatio(s.PerpTVL, Fixed.Add(s.VaultTVL, underlyingAmtIn), Perp.GetDepositTrancheRatio()));
        }

        Int128 notes = underlyingAmtIn > 0 ? ComputeMintAmt(underlyingAmtIn, feePerc) : 0;
        if (underlyingAmtIn <= 0 || notes <= 0)
        {
            if (Version == SpotVersion.V5)
            {
                return 0;
            }

            throw new RolloverVaultException(RolloverVaultException.UnacceptableDeposit, $"deposit of {underlyingAmtIn} mints {notes} notes");
        }

        Underlying.Transfer(caller, Account, underlyingAmtIn);
        Notes.Mint(caller, notes);
        return notes;
    }

    /// <summary>
    /// The basket a redemption of <paramref name="notes"/> pays at fee <paramref name="feePerc"/>:
    /// AMPL then each held tranche, balance·notes/supply·(1 − fee) rounded down (v5: tranche
    /// amounts below dust become 0).
    /// </summary>
    public IReadOnlyList<TokenAmount> ComputeRedemptionAmts(Int128 notes, Int128 feePerc)
    {
        Int128 supply = NonZero(Notes.TotalSupply, "note supply");
        long keep = OneMinus(feePerc);
        var amounts = new List<TokenAmount>(1 + _deployed.Count)
        {
            new(ReserveToken.Underlying, ShareOf(Underlying.BalanceOf(Account), notes, supply, keep)),
        };
        foreach (var tranche in _deployed.Items)
        {
            long amount = ShareOf(tranche.BalanceOf(Account), notes, supply, keep);
            if (Version == SpotVersion.V5 && amount < TrancheDustAmt)
            {
                amount = 0;
            }

            amounts.Add(new TokenAmount(new ReserveToken(tranche), amount));
        }

        return amounts;
    }

    /// <summary>
    /// Burns notes for a pro-rata basket of AMPL, juniors and any seniors, less the version's burn
    /// fee (v5: the average of the down-curve over the DR fall). Returns the basket.
    /// </summary>
    public IReadOnlyList<TokenAmount> Redeem(int caller, Int128 notes) => _chain.Atomic(() => RedeemCore(caller, notes));

    private IReadOnlyList<TokenAmount> RedeemCore(int caller, Int128 notes)
    {
        RequireNotPaused();
        if (notes <= 0 || notes > Notes.TotalSupply)
        {
            if (Version == SpotVersion.V5 && notes <= 0)
            {
                return [];
            }

            throw new RolloverVaultException(RolloverVaultException.UnacceptableRedemption, $"redeem {notes} of {Notes.TotalSupply} notes");
        }

        Int128 feePerc = 0;
        if (Version == SpotVersion.V5)
        {
            var s = QuerySystemTvl();
            var policy = V5Policy;
            Int128 supply = Notes.TotalSupply;
            long postTVL = Fixed.ToInt64(Fixed.MulDiv((Int128)s.VaultTVL, supply - notes, supply, Rounding.Floor), "vault TVL after redemption");
            feePerc = policy.ComputeFeePerc(policy.ComputeDeviationRatio(s.PerpTVL, s.VaultTVL), policy.ComputeDeviationRatio(s.PerpTVL, postTVL));
        }
        else if (Version is SpotVersion.V3 or SpotVersion.V4)
        {
            feePerc = V3Policy.VaultBurnFeePerc();
        }

        var redemptions = ComputeRedemptionAmts(notes, feePerc);
        Notes.Burn(caller, notes);
        PayOut(caller, redemptions);
        return redemptions;
    }

    /// <summary>
    /// Deploys AMPL above the reserved balance: tranches it into the deposit bond, rolls the
    /// seniors into the perp for AMPL and tranches up for rollover (v5 melds each rolled-out
    /// tranche with held juniors at once), then melds leftover seniors. Reverts with
    /// InsufficientDeployment when too little is usable or nothing rolls over.
    /// </summary>
    public void Deploy() => _chain.Atomic(() => DeployCore());

    private void DeployCore()
    {
        RequireNotPaused();
        if (Version is SpotVersion.V3 or SpotVersion.V4 && V3Policy.VaultDeploymentFee > 0)
        {
            Underlying.Transfer(Account, Owner, V3Policy.VaultDeploymentFee);
        }

        long balance = Underlying.BalanceOf(Account);
        long reserved = TotalReservedBalance(GetTVL());
        long usable = balance > reserved ? balance - reserved : 0;
        if (usable <= MinDeploymentAmt)
        {
            throw new RolloverVaultException(RolloverVaultException.InsufficientDeployment, $"usable {usable} <= minimum {MinDeploymentAmt} (balance {balance}, reserved {reserved})");
        }

        TrancheInto(Perp.GetDepositBond(), usable);
        if (!RolloverIntoPerp())
        {
            throw new RolloverVaultException(RolloverVaultException.InsufficientDeployment, "nothing was rolled over");
        }
    }

    /// <summary>Redeems matured tranches and ratio-matched immature pairs for AMPL.</summary>
    public void Recover() => _chain.Atomic(() => RecoverCore());

    private void RecoverCore()
    {
        RequireNotPaused();
        int count = _deployed.Count;
        for (int i = 0; i < count; i++)
        {
            var tranche = _deployed[i];
            long balance = tranche.BalanceOf(Account);
            if (balance <= 0)
            {
                continue;
            }

            var bond = tranche.Bond;
            if (bond.SecondsToMaturity <= 0)
            {
                RedeemMatured(bond, tranche, balance);
            }
            else if (tranche == bond.Senior && balance > DustThreshold)
            {
                RedeemImmature(bond);
            }
        }

        for (int i = count; i > 0; i--)
        {
            SyncDeployed(_deployed[i - 1]);
        }
    }

    /// <summary>Recovers one asset: a held tranche (with its sibling if immature), or the vault's perps (melded).</summary>
    public void Recover(ReserveToken token) => _chain.Atomic(() => RecoverCore(token));

    private void RecoverCore(ReserveToken token)
    {
        RequireNotPaused();
        if (!token.IsUnderlying && _deployed.Contains(token.Tranche!))
        {
            RedeemTranche(token.Tranche!);
            return;
        }

        throw new RolloverVaultException(RolloverVaultException.UnexpectedAsset, $"{token} is not a deployed asset");
    }

    /// <summary>recover(perp): redeems the perps the vault holds and melds the tranches received.</summary>
    public void RecoverPerps() => _chain.Atomic(() => RecoverPerpsCore());

    private void RecoverPerpsCore()
    {
        RequireNotPaused();
        MeldPerps();
    }

    public void RecoverAndRedeploy() => _chain.Atomic(() => RecoverAndRedeployCore());

    private void RecoverAndRedeployCore()
    {
        Recover();
        Deploy();
    }

    /// <summary>The perps a swap of AMPL would pay and the system TVL it priced against.</summary>
    public (long PerpAmtOut, long PerpFeeToBurn, SystemTvl Tvl) ComputeUnderlyingToPerpSwapAmt(long underlyingAmtIn) => _chain.Atomic(() => ComputeUnderlyingToPerpSwapAmtCore(underlyingAmtIn));

    private (long PerpAmtOut, long PerpFeeToBurn, SystemTvl Tvl) ComputeUnderlyingToPerpSwapAmtCore(long underlyingAmtIn)
    {
        RequireSwaps();
        var s = QuerySystemTvl();
        long perpAmtOut = Fixed.MulDiv(underlyingAmtIn, Perp.TotalSupply, NonZero(s.PerpTVL, "perp TVL"), Rounding.Floor);
        if (Version == SpotVersion.V5)
        {
            var policy = V5Policy;
            Int128 fee = policy.ComputeFeePerc(policy.ComputeDeviationRatio(s.PerpTVL, s.VaultTVL), policy.ComputeDeviationRatio(Fixed.Add(s.PerpTVL, underlyingAmtIn), s.VaultTVL));
            return (Fixed.MulDiv(perpAmtOut, OneMinus(fee), One, Rounding.Floor), 0, s);
        }

        var (perpFee, vaultFee) = V3Policy.UnderlyingToPerpSwapFeePercs(V3Policy.ComputeDeviationRatio(Fixed.Add(s.PerpTVL, underlyingAmtIn), s.VaultTVL, Perp.GetDepositTrancheRatio()));
        long toBurn = Fixed.MulDiv(perpAmtOut, perpFee, One, Rounding.Ceiling);
        return (Fixed.MulDiv(perpAmtOut, OneMinus((Int128)perpFee + vaultFee), One, Rounding.Floor), toBurn, s);
    }

    /// <summary>
    /// Sells perps to the caller for AMPL: the vault tranches AMPL and mints the perps (fee free as
    /// a protocol caller), keeping the juniors. Reverts when the vault's AMPL falls to or below the
    /// reserved balance.
    /// </summary>
    public long SwapUnderlyingForPerps(int caller, long underlyingAmtIn) => _chain.Atomic(() => SwapUnderlyingForPerpsCore(caller, underlyingAmtIn));

    private long SwapUnderlyingForPerpsCore(int caller, long underlyingAmtIn)
    {
        RequireNotPaused();
        long balancePre = Underlying.BalanceOf(Account);
        var (perpAmtOut, toBurn, s) = ComputeUnderlyingToPerpSwapAmt(underlyingAmtIn);
        if (perpAmtOut <= 0 || underlyingAmtIn <= 0)
        {
            throw new RolloverVaultException(RolloverVaultException.UnacceptableSwap, $"{underlyingAmtIn} AMPL for {perpAmtOut} perps");
        }

        Underlying.Transfer(caller, Account, underlyingAmtIn);
        if (Version != SpotVersion.V5)
        {
            RecoverCore();
        }

        TrancheAndMintPerps(s.PerpTVL, Perp.GetDepositTrancheRatio(), Fixed.Add(perpAmtOut, toBurn));
        if (toBurn > 0)
        {
            Perp.Token.Burn(Account, toBurn);
        }

        Perp.Token.Transfer(Account, caller, perpAmtOut);
        if (Version != SpotVersion.V5)
        {
            MeldPerps();
        }

        long balancePost = Underlying.BalanceOf(Account);
        if (balancePost < balancePre && balancePost <= TotalReservedBalance(s.VaultTVL, s.PerpTVL))
        {
            throw new RolloverVaultException(RolloverVaultException.InsufficientLiquidity, $"AMPL {balancePre} -> {balancePost}, reserved {TotalReservedBalance(s.VaultTVL, s.PerpTVL)}");
        }

        return perpAmtOut;
    }

    /// <summary>The AMPL a swap of perps would pay and the system TVL it priced against.</summary>
    public (long UnderlyingAmtOut, long PerpFeeToBurn, SystemTvl Tvl) ComputePerpToUnderlyingSwapAmt(long perpAmtIn) => _chain.Atomic(() => ComputePerpToUnderlyingSwapAmtCore(perpAmtIn));

    private (long UnderlyingAmtOut, long PerpFeeToBurn, SystemTvl Tvl) ComputePerpToUnderlyingSwapAmtCore(long perpAmtIn)
    {
        RequireSwaps();
        var s = QuerySystemTvl();
        long underlyingAmtOut = Fixed.MulDiv(perpAmtIn, s.PerpTVL, NonZero(Perp.TotalSupply, "perp supply"), Rounding.Floor);
        if (underlyingAmtOut > s.PerpTVL)
        {
            throw new RolloverVaultException(RolloverVaultException.ArithmeticUnderflow, $"{perpAmtIn} perps are worth more than the perp's TVL {s.PerpTVL}");
        }

        long postPerpTVL = s.PerpTVL - underlyingAmtOut;
        if (Version == SpotVersion.V5)
        {
            var policy = V5Policy;
            Int128 fee = policy.ComputeFeePerc(policy.ComputeDeviationRatio(s.PerpTVL, s.VaultTVL), policy.ComputeDeviationRatio(postPerpTVL, s.VaultTVL));
            return (Fixed.MulDiv(underlyingAmtOut, OneMinus(fee), One, Rounding.Floor), 0, s);
        }

        var (perpFee, vaultFee) = V3Policy.PerpToUnderlyingSwapFeePercs(V3Policy.ComputeDeviationRatio(postPerpTVL, s.VaultTVL, Perp.GetDepositTrancheRatio()));
        long toBurn = Fixed.MulDiv(perpAmtIn, perpFee, One, Rounding.Ceiling);
        return (Fixed.MulDiv(underlyingAmtOut, OneMinus((Int128)perpFee + vaultFee), One, Rounding.Floor), toBurn, s);
    }

    /// <summary>
    /// Buys perps from the caller for AMPL: the vault redeems them and melds the seniors with its
    /// juniors. Reverts unless the vault's AMPL balance does not fall.
    /// </summary>
    public long SwapPerpsForUnderlying(int caller, long perpAmtIn) => _chain.Atomic(() => SwapPerpsForUnderlyingCore(caller, perpAmtIn));

    private long SwapPerpsForUnderlyingCore(int caller, long perpAmtIn)
    {
        RequireNotPaused();
        long balancePre = Underlying.BalanceOf(Account);
        var (underlyingAmtOut, toBurn, _) = ComputePerpToUnderlyingSwapAmt(perpAmtIn);
        if (underlyingAmtOut <= 0 || perpAmtIn <= 0)
        {
            throw new RolloverVaultException(RolloverVaultException.UnacceptableSwap, $"{perpAmtIn} perps for {underlyingAmtOut} AMPL");
        }

        Perp.Token.Transfer(caller, Account, perpAmtIn);
        if (toBurn > 0)
        {
            Perp.Token.Burn(Account, toBurn);
        }

        MeldPerps();
        Underlying.Transfer(Account, caller, underlyingAmtOut);
        long balancePost = Underlying.BalanceOf(Account);
        if (balancePost < balancePre)
        {
            throw new RolloverVaultException(RolloverVaultException.InsufficientLiquidity, $"AMPL {balancePre} -> {balancePost}");
        }

        return underlyingAmtOut;
    }

    /// <summary>
    /// v5, fee free: splits AMPL between perps and notes in the target system ratio
    /// (a/(1 + target) to the perp) and returns both.
    /// </summary>
    public (long PerpAmt, Int128 NoteAmt) Mint2(int caller, long underlyingAmtIn) => _chain.Atomic(() => Mint2Core(caller, underlyingAmtIn));

    private (long PerpAmt, Int128 NoteAmt) Mint2Core(int caller, long underlyingAmtIn)
    {
        RequireV5("mint2");
        RequireNotPaused();
        var s = QuerySystemTvl();
        long intoPerp = Fixed.MulDiv(underlyingAmtIn, One, One + V5Policy.TargetSystemRatio, Rounding.Floor);
        long intoVault = underlyingAmtIn - intoPerp;
        long perpAmt = Fixed.MulDiv(intoPerp, Perp.TotalSupply, NonZero(s.PerpTVL, "perp TVL"), Rounding.Floor);
        Int128 notes = ComputeMintAmt(intoVault, 0);
        Underlying.Transfer(caller, Account, underlyingAmtIn);
        TrancheAndMintPerps(s.PerpTVL, Perp.GetDepositTrancheRatio(), perpAmt);
        Perp.Token.Transfer(Account, caller, perpAmt);
        Notes.Mint(caller, notes);
        return (perpAmt, notes);
    }

    /// <summary>
    /// v5, fee free: burns perps and notes in proportion to their supplies (as many as the
    /// smaller allowance permits) and pays out both baskets, AMPL combined.
    /// </summary>
    public Redeem2Outcome Redeem2(int caller, long perpAmtAvailable, Int128 noteAmtAvailable) => _chain.Atomic(() => Redeem2Core(caller, perpAmtAvailable, noteAmtAvailable));

    private Redeem2Outcome Redeem2Core(int caller, long perpAmtAvailable, Int128 noteAmtAvailable)
    {
        RequireV5("redeem2");
        RequireNotPaused();
        long perpSupply = NonZero(Perp.TotalSupply, "perp supply");
        Int128 noteSupply = NonZero(Notes.TotalSupply, "note supply");
        long perpAmt = perpAmtAvailable;
        Int128 noteAmt = Fixed.MulDiv(noteSupply, perpAmtAvailable, perpSupply, Rounding.Floor);
        if (noteAmt > noteAmtAvailable)
        {
            noteAmt = noteAmtAvailable;
            perpAmt = Fixed.ToInt64(Fixed.MulDiv((Int128)perpSupply, noteAmtAvailable, noteSupply, Rounding.Floor), "redeem2 perp amount");
        }

        if (perpAmt <= 0)
        {
            // perp.redeem(0) returns an empty basket and the contract's perpTokens[0] then panics.
            throw new RolloverVaultException(RolloverVaultException.UnacceptableRedemption, $"redeem2 of {perpAmt} perps indexes an empty basket");
        }

        var vaultTokens = ComputeRedemptionAmts(noteAmt, 0);
        Notes.Burn(caller, noteAmt);
        Perp.Token.Transfer(caller, Account, perpAmt);
        var perpTokens = Perp.Redeem(Account, perpAmt);

        var returned = new List<TokenAmount> { new(ReserveToken.Underlying, Fixed.Add(perpTokens[0].Amount, vaultTokens[0].Amount)) };
        Underlying.Transfer(Account, caller, returned[0].Amount);
        for (int i = 1; i < perpTokens.Count; i++)
        {
            returned.Add(perpTokens[i]);
            perpTokens[i].Token.Tranche!.Token.Transfer(Account, caller, perpTokens[i].Amount);
        }

        for (int i = 1; i < vaultTokens.Count; i++)
        {
            returned.Add(vaultTokens[i]);
            var tranche = vaultTokens[i].Token.Tranche!;
            tranche.Token.Transfer(Account, caller, vaultTokens[i].Amount);
            SyncDeployed(tranche);
        }

        return new Redeem2Outcome(perpAmt, noteAmt, returned);
    }

    /// <summary>
    /// v5 daily rebalance (anyone, once per rebalance interval): claims the perp's fees, moves the
    /// fee policy's rebalance amount between perp and vault (debasement mints perps to the vault,
    /// enrichment tranches AMPL into perps and burns them), then pays the protocol share in perps
    /// and notes.
    /// </summary>
    public void Rebalance() => _chain.Atomic(() => RebalanceCore());

    private void RebalanceCore()
    {
        RequireV5("rebalance");
        RequireNotPaused();
        if (_chain.Now <= LastRebalanceTimestampSec + V5Policy.RebalanceFreqSec)
        {
            throw new RolloverVaultException(RolloverVaultException.LastRebalanceTooRecent, $"last {LastRebalanceTimestampSec}, now {_chain.Now}, interval {V5Policy.RebalanceFreqSec}");
        }

        ExecuteRebalanceCore(null);
        _lastRebalanceTimestampSec.Set(_chain.Now);
    }

    /// <summary>The rebalance body with the amount supplied instead of computed (the contract tests mock the policy the same way).</summary>
    internal void ExecuteRebalance(Int128? underlyingAmtIntoPerpOverride) => _chain.Atomic(() => ExecuteRebalanceCore(underlyingAmtIntoPerpOverride));

    private void ExecuteRebalanceCore(Int128? underlyingAmtIntoPerpOverride)
    {
        Perp.ClaimFees(Account, Account);
        MeldPerps();
        var s = QuerySystemTvl();
        Int128 amount = underlyingAmtIntoPerpOverride ?? V5Policy.ComputeRebalanceAmount(s.PerpTVL, s.VaultTVL);
        if (amount < 0)
        {
            Perp.RebalanceToVault(Account, Fixed.ToInt64(-amount, "rebalance amount"));
            MeldPerps();
        }
        else if (amount > 0)
        {
            long perpAmt = Fixed.MulDiv(Fixed.ToInt64(amount, "rebalance amount"), Perp.TotalSupply, NonZero(s.PerpTVL, "perp TVL"), Rounding.Floor);
            TrancheAndMintPerps(s.PerpTVL, Perp.GetDepositTrancheRatio(), perpAmt);
            Perp.Token.Burn(Account, perpAmt);
        }

        long share = V5Policy.ProtocolSharePerc;
        if (share > 0)
        {
            Perp.PayProtocolFee(Account, Owner, share);
            Notes.Mint(Owner, Fixed.MulDiv(share, Notes.TotalSupply, One - share, Rounding.Floor));
        }
    }

    /// <summary>The AMPL the vault keeps (v5: max(absolute, TVL share); v3/v4: max(absolute, share of the juniors perp needs)).</summary>
    public long TotalReservedBalance(long vaultTVL) => TotalReservedBalance(vaultTVL, null);

    private long TotalReservedBalance(long vaultTVL, long? perpTVL) => Version switch
    {
        SpotVersion.V5 => Math.Max(ReservedUnderlyingBal, Fixed.MulDiv(vaultTVL, ReservedUnderlyingPerc, One, Rounding.Floor)),
        SpotVersion.V3 or SpotVersion.V4 => Math.Max(ReservedUnderlyingBal, SubscriptionReserve(perpTVL ?? Perp.GetTVL())),
        _ => ReservedUnderlyingBal,
    };

    private long SubscriptionReserve(long perpTVL)
    {
        int ratio = Perp.GetDepositTrancheRatio();
        long juniorsNeeded = Fixed.MulDiv(perpTVL, 1000 - ratio, ratio, Rounding.Floor);
        return Fixed.MulDiv(juniorsNeeded, ReservedSubscriptionPerc, One, Rounding.Floor);
    }

    private long DustThreshold => Version == SpotVersion.V5 ? TrancheDustAmt : 0;

    private DeviationFeePolicy V5Policy => (DeviationFeePolicy)FeePolicy;

    private SubscriptionFeePolicy V3Policy => (SubscriptionFeePolicy)FeePolicy;

    private static long ShareOf(long balance, Int128 notes, Int128 supply, long keep)
    {
        long share = Fixed.ToInt64(Fixed.MulDiv((Int128)balance, notes, supply, Rounding.Floor), "redemption share");
        return Fixed.MulDiv(share, keep, One, Rounding.Floor);
    }

    private void PayOut(int to, IReadOnlyList<TokenAmount> amounts)
    {
        foreach (var (token, amount) in amounts)
        {
            if (amount == 0)
            {
                continue;
            }

            if (token.IsUnderlying)
            {
                Underlying.Transfer(Account, to, amount);
            }
            else
            {
                token.Tranche!.Token.Transfer(Account, to, amount);
                SyncDeployed(token.Tranche);
            }
        }
    }

    private bool RolloverIntoPerp()
    {
        var rolloverTokens = Perp.GetReserveTokensUpForRollover();
        var trancheIntoPerp = Perp.GetDepositTranche();
        long available = trancheIntoPerp.BalanceOf(Account);
        bool rolled = false;
        for (int i = 0; i < rolloverTokens.Count && available > 0; i++)
        {
            var tokenOut = rolloverTokens[i];
            if (Version <= SpotVersion.V2)
            {
                var preview = Perp.ComputeRolloverAmt(trancheIntoPerp, tokenOut, available);
                if (preview.TrancheInAmt <= 0 || preview.TokenOutAmt <= 0)
                {
                    continue;
                }
            }

            var r = Perp.Rollover(Account, trancheIntoPerp, tokenOut, available);
            if (r.TokenOutAmt <= 0)
            {
                continue;
            }

            if (!tokenOut.IsUnderlying)
            {
                if (Version == SpotVersion.V5)
                {
                    RedeemTranche(tokenOut.Tranche!);
                }
                else
                {
                    SyncDeployed(tokenOut.Tranche!);
                }
            }

            available -= r.TrancheInAmt;
            rolled = true;
        }

        if (Version == SpotVersion.V5)
        {
            RedeemTranche(trancheIntoPerp);
        }
        else
        {
            SyncDeployed(trancheIntoPerp);
        }

        return rolled;
    }

    /// <summary>Redeems one held tranche for AMPL: at maturity directly, before maturity together with its sibling in ratio.</summary>
    private void RedeemTranche(Tranche tranche)
    {
        long balance = tranche.BalanceOf(Account);
        if (balance <= 0)
        {
            SyncDeployed(tranche);
            return;
        }

        var bond = tranche.Bond;
        if (bond.SecondsToMaturity <= 0)
        {
            RedeemMatured(bond, tranche, balance);
            SyncDeployed(tranche);
        }
        else if (balance > DustThreshold)
        {
            RedeemImmature(bond);
            SyncDeployed(bond.Senior);
            SyncDeployed(bond.Junior);
        }
        else
        {
            SyncDeployed(tranche);
        }
    }

    private void RedeemMatured(BondController bond, Tranche tranche, long amount)
    {
        if (!bond.IsMature)
        {
            bond.Mature(Account);
        }

        bond.RedeemMature(Account, tranche, amount);
    }

    private void RedeemImmature(BondController bond)
    {
        var (senior, junior) = TrancheMath.RedeemableTrancheAmounts(bond.Senior.Ratio, bond.Junior.Ratio, bond.Senior.BalanceOf(Account), bond.Junior.BalanceOf(Account));
        if (senior > 0)
        {
            bond.Redeem(Account, [senior, junior]);
        }
    }

    private void MeldPerps()
    {
        long perpBalance = Perp.Token.BalanceOf(Account);
        if (perpBalance <= 0)
        {
            return;
        }

        var redeemed = Perp.Redeem(Account, perpBalance);
        for (int i = 1; i < redeemed.Count; i++)
        {
            RedeemTranche(redeemed[i].Token.Tranche!);
        }
    }

    private void TrancheAndMintPerps(long perpTVL, int depositTrancheRatio, long perpAmtToMint)
    {
        if (perpAmtToMint <= 0 && Version != SpotVersion.V5)
        {
            return;
        }

        var depositBond = Perp.GetDepositBond();
        var senior = Perp.GetDepositTranche();
        var (underlyingToTranche, seniorToDeposit) = TrancheMath.EstimateUnderlyingAmtToTranche(
            perpTVL, Perp.TotalSupply, depositBond.CollateralBalance, depositBond.TotalDebt, senior.TotalSupply, depositTrancheRatio, perpAmtToMint);
        TrancheInto(depositBond, underlyingToTranche);
        Perp.Deposit(Account, senior, seniorToDeposit);
        SyncDeployed(senior);
    }

    private void TrancheInto(BondController bond, long amount)
    {
        bond.Deposit(Account, amount);
        SyncDeployed(bond.Senior);
        SyncDeployed(bond.Junior);
    }

    private void SyncDeployed(Tranche tranche)
    {
        if (_deployed.Sync(tranche, tranche.BalanceOf(Account) > 0) && _deployed.Count > MaxDeployedCount)
        {
            throw new RolloverVaultException(RolloverVaultException.DeployedCountOverLimit, $"{_deployed.Count} deployed assets > {MaxDeployedCount}");
        }
    }

    private void RequireNotPaused()
    {
        if (Paused)
        {
            throw new RolloverVaultException(RolloverVaultException.Paused, "the vault is paused");
        }
    }

    private void RequireV5(string what)
    {
        if (Version != SpotVersion.V5)
        {
            throw new RolloverVaultException(RolloverVaultException.UnsupportedInVersion, $"{what} exists from SPOT v5; this vault runs {Version}");
        }
    }

    private void RequireSwaps()
    {
        if (Version < SpotVersion.V3)
        {
            throw new RolloverVaultException(RolloverVaultException.UnsupportedInVersion, $"vault swaps exist from SPOT v3; this vault runs {Version}");
        }
    }

    private static long OneMinus(Int128 feePerc)
    {
        if (feePerc > One)
        {
            throw new RolloverVaultException(RolloverVaultException.FeeAtLeastOneHundredPercent, $"fee {feePerc} exceeds 100%: 1 - fee underflows");
        }

        return One - (long)feePerc;
    }

    private static T NonZero<T>(T value, string what)
        where T : System.Numerics.INumberBase<T> =>
        !T.IsZero(value) ? value : throw new RolloverVaultException(RolloverVaultException.DivisionByZero, $"{what} is zero");
}
