using Backtest.Numerics;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Tokens;

namespace Backtest.Protocols.Ampleforth.Spot;

/// <summary>A reserve asset of the perp or the vault: the underlying AMPL (no tranche) or a tranche token.</summary>
public readonly record struct ReserveToken(Tranche? Tranche)
{
    public static ReserveToken Underlying => default;

    public bool IsUnderlying => Tranche is null;

    public override string ToString() => Tranche?.ToString() ?? "AMPL";
}

/// <summary>An asset and an amount of it in base units.</summary>
public readonly record struct TokenAmount(ReserveToken Token, long Amount);

/// <summary>The two legs of a rollover: tranches into the perp, tokens out of it (base units).</summary>
public readonly record struct RolloverAmounts(long TrancheInAmt, long TokenOutAmt);

/// <summary>
/// SPOT, the perpetual senior tranche (spot-contracts <c>PerpetualTranche.sol</c>), in the
/// version given at construction. The reserve is the underlying AMPL (always first) plus senior
/// tranches; the perp values them at min(1, CDR/r) per unit, rounding the reserve up and
/// incoming tranches down (v3+), or at 8-decimal CDR prices (v1/v2). Every entry point first
/// brings time-dependent state up to date (new deposit bond, matured tranches redeemed), as the
/// contract's <c>afterStateUpdate</c> does. Callers are account ids (msg.sender); a contract
/// that pulls tokens does so as if approved. Reverts throw <see cref="PerpException"/>.
/// </summary>
public sealed class PerpetualTranche
{
    /// <summary>MAX_RESERVE_COUNT (v5): the underlying plus at most 20 tranches.</summary>
    public const int MaxReserveCount = 21;

    private const long UnitPrice = 100_000_000;

    private readonly Chain _chain;
    private readonly JournaledSet<Tranche> _reserveTranches;
    private readonly Dictionary<Tranche, long> _mintedSupplyPerTranche = [];
    private readonly Journaled<BondController?> _depositBond;
    private SpotFeePolicy _feePolicy;

    public PerpetualTranche(Chain chain, AmplToken underlying, BondIssuer issuer, SpotFeePolicy feePolicy, SpotVersion version)
    {
        RequireCompatible(feePolicy, version);
        _chain = chain;
        Underlying = underlying;
        Issuer = issuer;
        _feePolicy = feePolicy;
        Version = version;
        Account = chain.CreateAccount("perp");
        Token = new TokenLedger<long>(chain, "SPOT");
        _depositBond = new Journaled<BondController?>(chain, null);
        _reserveTranches = new JournaledSet<Tranche>(chain);
        if (version == SpotVersion.V5)
        {
            MinTrancheMaturitySec = 7 * 86_400;
            MaxTrancheMaturitySec = 31 * 86_400;
        }
        else
        {
            MinTrancheMaturitySec = 1;
            MaxTrancheMaturitySec = long.MaxValue;
        }
    }

    public SpotVersion Version { get; }

    /// <summary>The perp contract's account (it holds the reserve and its own fee balance).</summary>
    public int Account { get; }

    public AmplToken Underlying { get; }

    public BondIssuer Issuer { get; }

    /// <summary>The SPOT token: balances and supply in base units (9 decimals).</summary>
    public TokenLedger<long> Token { get; }

    /// <summary>The rollover vault (v2+); v3+ perps need it for fees and restrict rollovers to it.</summary>
    public RolloverVault? Vault { get; private set; }

    /// <summary>The fee policy; replacing it must keep the version's kind of policy.</summary>
    public SpotFeePolicy FeePolicy
    {
        get => _feePolicy;
        set
        {
            RequireCompatible(value, Version);
            _feePolicy = value;
        }
    }

    public bool Paused { get; private set; }

    /// <summary>The bond whose senior tranche mints perps.</summary>
    public BondController? DepositBond => _depositBond.Value;

    /// <summary>A tranche with at most this many seconds left is up for rollover (v5 default 7 days).</summary>
    public long MinTrancheMaturitySec { get; private set; }

    /// <summary>A deposit bond must have fewer seconds than this left (v5 default 31 days).</summary>
    public long MaxTrancheMaturitySec { get; private set; }

    public long MaxSupply { get; set; } = long.MaxValue;

    /// <summary>v1–v3: the most perps any one tranche may mint.</summary>
    public long MaxMintAmtPerTranche { get; set; } = long.MaxValue;

    /// <summary>v5: the largest share (8 decimals) of reserve value the deposit tranche, tranches up for rollover and AMPL may hold.</summary>
    public long MaxDepositTrancheValuePerc { get; private set; } = SpotFeePolicy.One;

    /// <summary>v1/v2: the authorized rollers; empty means anyone may roll over.</summary>
    public HashSet<int> AuthorizedRollers { get; } = [];

    /// <summary>The reserve tranches in the contract's set order (the underlying is index 0, not listed).</summary>
    public IReadOnlyList<Tranche> ReserveTranches => _reserveTranches.Items;

    /// <summary>The reserve count including the underlying.</summary>
    public int ReserveCount => 1 + _reserveTranches.Count;

    public long TotalSupply => Token.TotalSupply;

    /// <summary>Connects the rollover vault (the owner's <c>updateVault</c>).</summary>
    public void AttachVault(RolloverVault vault)
    {
        if (Version == SpotVersion.V1)
        {
            throw new PerpException(PerpException.UnsupportedInVersion, "SPOT v1 has no rollover vault");
        }

        Vault = vault;
    }

    public void Pause() => Paused = true;

    public void Unpause() => Paused = false;

    /// <summary>Sets the rollover window and the deposit-bond horizon; min must not exceed max.</summary>
    public void UpdateTolerableTrancheMaturity(long minTrancheMaturitySec, long maxTrancheMaturitySec)
    {
        if (minTrancheMaturitySec > maxTrancheMaturitySec)
        {
            throw new PerpException(PerpException.UnacceptableParams, $"min {minTrancheMaturitySec} > max {maxTrancheMaturitySec}");
        }

        MinTrancheMaturitySec = minTrancheMaturitySec;
        MaxTrancheMaturitySec = maxTrancheMaturitySec;
    }

    /// <summary>Sets the v5 deposit-tranche value cap (at most 100%).</summary>
    public void UpdateMaxDepositTrancheValuePerc(long perc)
    {
        if (perc > SpotFeePolicy.One || perc < 0)
        {
            throw new PerpException(PerpException.InvalidPerc, $"{perc} > {SpotFeePolicy.One}");
        }

        MaxDepositTrancheValuePerc = perc;
    }

    /// <summary>The perp's balance of a reserve asset.</summary>
    public long ReserveBalance(ReserveToken token) =>
        token.IsUnderlying ? Underlying.BalanceOf(Account) : token.Tranche!.BalanceOf(Account);

    public bool InReserve(ReserveToken token) => token.IsUnderlying || _reserveTranches.Contains(token.Tranche!);

    /// <summary>
    /// Brings time-dependent state up to date (idempotent; skipped while paused): adopts the
    /// issuer's latest bond as the deposit bond if acceptable, and matures and redeems every
    /// reserve tranche whose bond has reached maturity, walking the reserve from the end.
    /// </summary>
    public void UpdateState() => _chain.Atomic(() => UpdateStateCore());

    private void UpdateStateCore()
    {
        if (Paused)
        {
            return;
        }

        var newBond = Issuer.GetLatestBond();
        if (newBond != DepositBond && IsValidDepositBond(newBond))
        {
            _depositBond.Set(newBond);
        }

        for (int i = _reserveTranches.Count - 1; i >= 0; i--)
        {
            var tranche = _reserveTranches[i];
            var bond = tranche.Bond;
            if (bond.SecondsToMaturity > 0)
            {
                continue;
            }

            if (!bond.IsMature)
            {
                bond.Mature(Account);
            }

            bond.RedeemMature(Account, tranche, tranche.BalanceOf(Account));
            SyncReserve(tranche);
        }
    }

    /// <summary>The reserve's value in underlying base units (rounded up per tranche in v3+).</summary>
    public long GetTVL() => _chain.Atomic(() => GetTVLCore());

    private long GetTVLCore()
    {
        UpdateState();
        return ReserveValue();
    }

    public BondController GetDepositBond() => _chain.Atomic(() => GetDepositBondCore());

    private BondController GetDepositBondCore()
    {
        UpdateState();
        return DepositBond ?? throw new PerpException(PerpException.UnexpectedAsset, "no deposit bond yet");
    }

    public Tranche GetDepositTranche() => GetDepositBond().Senior;

    /// <summary>The deposit bond's senior ratio (out of 1000).</summary>
    public int GetDepositTrancheRatio() => GetDepositBond().Senior.Ratio;

    /// <summary>AMPL first (when held), then the tranches up for rollover, in reserve order.</summary>
    public IReadOnlyList<ReserveToken> GetReserveTokensUpForRollover() => _chain.Atomic(() => GetReserveTokensUpForRolloverCore());

    private IReadOnlyList<ReserveToken> GetReserveTokensUpForRolloverCore()
    {
        UpdateState();
        var tokens = new List<ReserveToken>();
        if (Underlying.BalanceOf(Account) > 0 || Version <= SpotVersion.V2)
        {
            tokens.Add(ReserveToken.Underlying);
        }

        foreach (var tranche in _reserveTranches.Items)
        {
            if (Version <= SpotVersion.V2 ? !IsAcceptableBondV1(tranche.Bond) : IsReadyForRollout(tranche))
            {
                tokens.Add(new ReserveToken(tranche));
            }
        }

        return tokens;
    }

    /// <summary>The perps minted to the caller for a deposit (fees deducted), without changing state beyond the state update.</summary>
    public long ComputeMintAmt(int caller, Tranche trancheIn, long trancheInAmt) => _chain.Atomic(() => ComputeMintAmtCore(caller, trancheIn, trancheInAmt));

    private long ComputeMintAmtCore(int caller, Tranche trancheIn, long trancheInAmt)
    {
        UpdateState();
        if (!IsDepositTranche(trancheIn))
        {
            throw new PerpException(PerpException.UnexpectedAsset, $"{trancheIn} is not the deposit tranche");
        }

        return ComputeMint(caller, trancheIn, trancheInAmt).ToCaller;
    }

    /// <summary>
    /// Mints perps for senior tranches of the deposit bond: valueIn·supply/TVL (or valueIn when
    /// the supply is zero), less the version's mint fee. Returns the perps the caller received.
    /// </summary>
    public long Deposit(int caller, Tranche trancheIn, long trancheInAmt) => _chain.Atomic(() => DepositCore(caller, trancheIn, trancheInAmt));

    private long DepositCore(int caller, Tranche trancheIn, long trancheInAmt)
    {
        UpdateState();
        RequireNotPaused();
        if (!IsDepositTranche(trancheIn))
        {
            throw new PerpException(PerpException.UnexpectedAsset, $"{trancheIn} is not the senior of the deposit bond {DepositBond}");
        }

        var mint = ComputeMint(caller, trancheIn, trancheInAmt);
        if (trancheInAmt <= 0 || mint.ToCaller <= 0)
        {
            if (Version <= SpotVersion.V2)
            {
                throw new PerpException(PerpException.UnacceptableDeposit, $"deposit of {trancheInAmt} {trancheIn} mints {mint.ToCaller} perps");
            }

            return 0;
        }

        trancheIn.Token.Transfer(caller, Account, trancheInAmt);
        SyncReserve(trancheIn);
        Token.Mint(caller, mint.ToCaller);
        if (mint.FeeToPerp > 0)
        {
            Token.Mint(Account, mint.FeeToPerp);
        }

        if (Version <= SpotVersion.V2)
        {
            SettleBasicFee(caller, mint.SignedFee);
        }

        if (Version <= SpotVersion.V3)
        {
            SetMintedSupply(trancheIn, Fixed.Add(_mintedSupplyPerTranche.GetValueOrDefault(trancheIn), mint.ToCaller));
        }

        EnforceMintCaps(trancheIn);
        return mint.ToCaller;
    }

    /// <summary>The reserve amounts a redemption would pay the caller now.</summary>
    public IReadOnlyList<TokenAmount> ComputeRedemptionAmts(int caller, long perpAmt) => _chain.Atomic(() => ComputeRedemptionAmtsCore(caller, perpAmt));

    private IReadOnlyList<TokenAmount> ComputeRedemptionAmtsCore(int caller, long perpAmt)
    {
        UpdateState();
        return ComputeRedemption(caller, perpAmt).Amounts;
    }

    /// <summary>
    /// Burns perps for a pro-rata share of every reserve asset (balance·p/supply, rounded down),
    /// less the version's burn fee. Returns the basket paid out (every reserve asset, in order).
    /// </summary>
    public IReadOnlyList<TokenAmount> Redeem(int caller, long perpAmt) => _chain.Atomic(() => RedeemCore(caller, perpAmt));

    private IReadOnlyList<TokenAmount> RedeemCore(int caller, long perpAmt)
    {
        UpdateState();
        RequireNotPaused();
        long supply = Token.TotalSupply;
        if (perpAmt <= 0 || perpAmt > supply)
        {
            if (Version <= SpotVersion.V2 || perpAmt > supply)
            {
                throw new PerpException(PerpException.UnacceptableRedemption, $"redeem {perpAmt} of supply {supply}");
            }

            return [];
        }

        var redemption = ComputeRedemption(caller, perpAmt);
        switch (Version)
        {
            case SpotVersion.V5:
                Token.Burn(caller, perpAmt - redemption.FeeAmount);
                Token.Transfer(caller, Account, redemption.FeeAmount);
                break;
            case SpotVersion.V3 or SpotVersion.V4:
                Token.Burn(caller, perpAmt);
                break;
            default:
                SettleBasicFee(caller, redemption.FeeAmount);
                Token.Burn(caller, perpAmt);
                break;
        }

        foreach (var (token, amount) in redemption.Amounts)
        {
            if (amount > 0)
            {
                TransferOut(token, caller, amount);
            }
        }

        return redemption.Amounts;
    }

    /// <summary>The amounts a rollover would exchange now.</summary>
    public RolloverAmounts ComputeRolloverAmt(Tranche trancheIn, ReserveToken tokenOut, long trancheInAmtAvailable) => _chain.Atomic(() => ComputeRolloverAmtCore(trancheIn, tokenOut, trancheInAmtAvailable));

    private RolloverAmounts ComputeRolloverAmtCore(Tranche trancheIn, ReserveToken tokenOut, long trancheInAmtAvailable)
    {
        UpdateState();
        if (!IsAcceptableRollover(trancheIn, tokenOut))
        {
            throw new PerpException(PerpException.UnacceptableRollover, $"{trancheIn} for {tokenOut}");
        }

        return ComputeRollover(trancheIn, tokenOut, trancheInAmtAvailable);
    }

    /// <summary>
    /// Exchanges deposit-bond seniors for an asset up for rollover (AMPL, or a tranche near
    /// maturity) at equal value: all of the asset if <paramref name="trancheInAmtAvailable"/>
    /// covers it, otherwise what the available seniors buy. v3/v4 adjust the exchange by the
    /// sigmoid rollover fee; v1/v2 settle a flat fee in perps; v5 charges nothing. From v3 only
    /// the vault may roll over.
    /// </summary>
    public RolloverAmounts Rollover(int caller, Tranche trancheIn, ReserveToken tokenOut, long trancheInAmtAvailable) => _chain.Atomic(() => RolloverCore(caller, trancheIn, tokenOut, trancheInAmtAvailable));

    private RolloverAmounts RolloverCore(int caller, Tranche trancheIn, ReserveToken tokenOut, long trancheInAmtAvailable)
    {
        if (Version >= SpotVersion.V3)
        {
            RequireVault(caller, "rollover");
        }
        else if (AuthorizedRollers.Count > 0 && !AuthorizedRollers.Contains(caller))
        {
            throw new PerpException(PerpException.UnauthorizedCall, $"#{caller} is not an authorized roller");
        }

        UpdateState();
        RequireNotPaused();
        if (!IsAcceptableRollover(trancheIn, tokenOut))
        {
            throw new PerpException(PerpException.UnacceptableRollover, $"{trancheIn} for {tokenOut}");
        }

        var r = ComputeRollover(trancheIn, tokenOut, trancheInAmtAvailable);
        if (Version <= SpotVersion.V2)
        {
            if (r.TrancheInAmt <= 0 || r.TokenOutAmt <= 0)
            {
                throw new PerpException(PerpException.UnacceptableRolloverAmt, $"{r} for {trancheIn} -> {tokenOut}");
            }

            long perpRolloverAmt = PerpValueOf(trancheIn, r.TrancheInAmt);
            long fee = ((BasicFeeStrategy)_feePolicy).ComputeFeeAmount(perpRolloverAmt, ((BasicFeeStrategy)_feePolicy).RolloverFeePerc, Token.BalanceOf(Account));
            trancheIn.Token.Transfer(caller, Account, r.TrancheInAmt);
            SyncReserve(trancheIn);
            SettleBasicFee(caller, fee);
            TransferOut(tokenOut, caller, r.TokenOutAmt);
            return r;
        }

        if (r.TrancheInAmt <= 0 || r.TokenOutAmt <= 0)
        {
            return r;
        }

        trancheIn.Token.Transfer(caller, Account, r.TrancheInAmt);
        SyncReserve(trancheIn);
        TransferOut(tokenOut, caller, r.TokenOutAmt);
        return r;
    }

    /// <summary>v5, vault only: sends the perps the perp holds as collected fees to <paramref name="to"/>.</summary>
    public void ClaimFees(int caller, int to) => _chain.Atomic(() => ClaimFeesCore(caller, to));

    private void ClaimFeesCore(int caller, int to)
    {
        RequireV5("claimFees");
        RequireVault(caller, "claimFees");
        UpdateState();
        RequireNotPaused();
        long collected = Token.BalanceOf(Account);
        if (collected > 0)
        {
            Token.Transfer(Account, to, collected);
        }
    }

    /// <summary>v5, vault only: mints supply·p/(1 − p) perps (rounded down) to the protocol fee collector.</summary>
    public void PayProtocolFee(int caller, int collector, long protocolSharePerc) => _chain.Atomic(() => PayProtocolFeeCore(caller, collector, protocolSharePerc));

    private void PayProtocolFeeCore(int caller, int collector, long protocolSharePerc)
    {
        RequireV5("payProtocolFee");
        RequireVault(caller, "payProtocolFee");
        UpdateState();
        RequireNotPaused();
        if (protocolSharePerc > 0)
        {
            if (protocolSharePerc >= SpotFeePolicy.One)
            {
                throw new PerpException(PerpException.DivisionByZero, $"protocol share {protocolSharePerc} leaves nothing to divide by");
            }

            Token.Mint(collector, Fixed.MulDiv(protocolSharePerc, Token.TotalSupply, SpotFeePolicy.One - protocolSharePerc, Rounding.Floor));
        }
    }

    /// <summary>
    /// v5, vault only: debases perp holders by <paramref name="underlyingAmtToTransfer"/> of value by
    /// minting ceil(x·supply/(TVL − x)) perps to the vault.
    /// </summary>
    public long RebalanceToVault(int caller, long underlyingAmtToTransfer) => _chain.Atomic(() => RebalanceToVaultCore(caller, underlyingAmtToTransfer));

    private long RebalanceToVaultCore(int caller, long underlyingAmtToTransfer)
    {
        RequireV5("rebalanceToVault");
        RequireVault(caller, "rebalanceToVault");
        UpdateState();
        RequireNotPaused();
        if (underlyingAmtToTransfer <= 0)
        {
            return 0;
        }

        long tvl = ReserveValue();
        if (underlyingAmtToTransfer >= tvl)
        {
            throw new PerpException(
                underlyingAmtToTransfer > tvl ? PerpException.ArithmeticUnderflow : PerpException.DivisionByZero,
                $"rebalance of {underlyingAmtToTransfer} out of a reserve worth {tvl}");
        }

        long perpAmt = Fixed.MulDiv(underlyingAmtToTransfer, Token.TotalSupply, tvl - underlyingAmtToTransfer, Rounding.Ceiling);
        Token.Mint(Vault!.Account, perpAmt);
        return perpAmt;
    }

    /// <summary>
    /// The value of <paramref name="amount"/> of a tranche in underlying base units, as the
    /// contract values reserve assets: v3+ min(supply, C)·amount/supply with the given rounding
    /// (the amount itself when the tranche has no supply); v1/v2 amount·CDR price/10⁸ rounded down.
    /// </summary>
    public long TrancheValue(Tranche tranche, long amount, Rounding rounding)
    {
        if (Version <= SpotVersion.V2)
        {
            return Fixed.MulDiv(amount, CdrPrice(tranche), UnitPrice, Rounding.Floor);
        }

        long supply = tranche.TotalSupply;
        if (supply <= 0)
        {
            return amount;
        }

        long claim = Math.Min(supply, tranche.Bond.CollateralBalance);
        return Fixed.MulDiv(claim, amount, supply, rounding);
    }

    /// <summary>The reserve value without a state update (what the contract's private _reserveValue sees).</summary>
    internal long ReserveValue()
    {
        long total = Underlying.BalanceOf(Account);
        foreach (var tranche in _reserveTranches.Items)
        {
            total = Fixed.Add(total, TrancheValue(tranche, tranche.BalanceOf(Account), Rounding.Ceiling));
        }

        return total;
    }

    internal bool IsDepositTranche(Tranche tranche) => DepositBond is not null && DepositBond.Senior == tranche;

    internal bool IsReadyForRollout(Tranche tranche) => tranche.Bond.SecondsToMaturity <= MinTrancheMaturitySec;

    private static void RequireCompatible(SpotFeePolicy policy, SpotVersion version)
    {
        if (!policy.Versions.Contains(version))
        {
            throw new ArgumentException($"a {policy.GetType().Name} does not serve SPOT {version}", nameof(policy));
        }
    }

    private bool IsValidDepositBond(BondController bond)
    {
        if (bond.Collateral != Underlying)
        {
            return false;
        }

        if (Version <= SpotVersion.V2)
        {
            return IsAcceptableBondV1(bond);
        }

        return bond.TrancheCount == 2 && bond.FeeBps == 0 && bond.SecondsToMaturity < MaxTrancheMaturitySec;
    }

    private bool IsAcceptableBondV1(BondController bond) =>
        bond.Collateral == Underlying && bond.SecondsToMaturity >= MinTrancheMaturitySec && bond.SecondsToMaturity < MaxTrancheMaturitySec;

    private bool IsAcceptableRollover(Tranche trancheIn, ReserveToken tokenOut)
    {
        if (tokenOut.IsUnderlying)
        {
            return IsDepositTranche(trancheIn);
        }

        var trancheOut = tokenOut.Tranche!;
        if (Version <= SpotVersion.V2)
        {
            return IsDepositTranche(trancheIn) && !IsDepositTranche(trancheOut) && InReserve(tokenOut) && !IsAcceptableBondV1(trancheOut.Bond);
        }

        return IsDepositTranche(trancheIn) && InReserve(tokenOut) && !IsDepositTranche(trancheOut) && IsReadyForRollout(trancheOut);
    }

    private (long ToCaller, long FeeToPerp, long SignedFee) ComputeMint(int caller, Tranche trancheIn, long trancheInAmt)
    {
        long supply = Token.TotalSupply;
        if (Version <= SpotVersion.V2)
        {
            long mintV1 = Fixed.MulDiv(trancheInAmt, CdrPrice(trancheIn), UnitPrice, Rounding.Floor);
            if (supply > 0)
            {
                mintV1 = Fixed.MulDiv(mintV1, supply, NonZero(ReserveValue(), "reserve value"), Rounding.Floor);
            }

            var basic = (BasicFeeStrategy)_feePolicy;
            return (mintV1, 0, basic.ComputeFeeAmount(mintV1, basic.MintFeePerc, Token.BalanceOf(Account)));
        }

        long valueIn = TrancheValue(trancheIn, trancheInAmt, Rounding.Floor);
        long perpTVL = ReserveValue();
        long mint = supply > 0 ? Fixed.MulDiv(valueIn, supply, NonZero(perpTVL, "perp TVL"), Rounding.Floor) : valueIn;
        bool protocolCaller = Vault is not null && caller == Vault.Account;
        if (Version == SpotVersion.V5)
        {
            long vaultTVL = RequireVaultForFees().GetTVL();
            var policy = (DeviationFeePolicy)_feePolicy;
            Int128 fee = protocolCaller ? 0 : policy.ComputeFeePerc(policy.ComputeDeviationRatio(perpTVL, vaultTVL), policy.ComputeDeviationRatio(Fixed.Add(perpTVL, valueIn), vaultTVL));
            long feeAmt = 0;
            if (fee > 0)
            {
                feeAmt = Fixed.ToInt64(Fixed.MulDiv(mint, fee, SpotFeePolicy.One, Rounding.Ceiling), "perp mint fee");
                if (feeAmt > mint)
                {
                    throw new PerpException(PerpException.ArithmeticUnderflow, $"mint fee {feeAmt} exceeds the mint {mint} (fee {fee} > 100%)");
                }
            }

            return (mint - feeAmt, feeAmt, 0);
        }

        long feePerc = 0;
        if (!protocolCaller)
        {
            var policy = (SubscriptionFeePolicy)_feePolicy;
            long vaultTVL = RequireVaultForFees().GetTVL();
            feePerc = policy.PerpMintFeePerc(policy.ComputeDeviationRatio(Fixed.Add(perpTVL, valueIn), vaultTVL, DepositBond!.Senior.Ratio));
        }

        if (feePerc > 0)
        {
            mint = Fixed.MulDiv(mint, SpotFeePolicy.One - feePerc, SpotFeePolicy.One, Rounding.Floor);
        }

        return (mint, 0, 0);
    }

    private (IReadOnlyList<TokenAmount> Amounts, long FeeAmount) ComputeRedemption(int caller, long perpAmt)
    {
        long supply = NonZero(Token.TotalSupply, "perp supply");
        bool protocolCaller = Vault is not null && caller == Vault.Account;
        long feeAmt = 0;
        long feePerc = 0;
        long shares = perpAmt;
        switch (Version)
        {
            case SpotVersion.V5:
            {
                long perpTVL = ReserveValue();
                long vaultTVL = RequireVaultForFees().GetTVL();
                if (!protocolCaller)
                {
                    var policy = (DeviationFeePolicy)_feePolicy;
                    long postTVL = Fixed.MulDiv(perpTVL, supply - perpAmt, supply, Rounding.Floor);
                    Int128 fee = policy.ComputeFeePerc(policy.ComputeDeviationRatio(perpTVL, vaultTVL), policy.ComputeDeviationRatio(postTVL, vaultTVL));
                    if (fee > 0)
                    {
                        feeAmt = Fixed.ToInt64(Fixed.MulDiv(perpAmt, fee, SpotFeePolicy.One, Rounding.Ceiling), "perp burn fee");
                        if (feeAmt > perpAmt)
                        {
                            throw new PerpException(PerpException.ArithmeticUnderflow, $"burn fee {feeAmt} exceeds the redemption {perpAmt} (fee {fee} > 100%)");
                        }

                        shares = perpAmt - feeAmt;
                    }
                }

                break;
            }

            case SpotVersion.V3 or SpotVersion.V4:
                if (!protocolCaller)
                {
                    var policy = (SubscriptionFeePolicy)_feePolicy;
                    long perpTVL = ReserveValue();
                    long vaultTVL = RequireVaultForFees().GetTVL();
                    long postTVL = Fixed.MulDiv(perpTVL, supply - perpAmt, supply, Rounding.Floor);
                    feePerc = policy.PerpBurnFeePerc(policy.ComputeDeviationRatio(postTVL, vaultTVL, DepositBond!.Senior.Ratio));
                }

                break;
            default:
            {
                var basic = (BasicFeeStrategy)_feePolicy;
                feeAmt = basic.ComputeFeeAmount(perpAmt, basic.BurnFeePerc, Token.BalanceOf(Account));
                break;
            }
        }

        var amounts = new List<TokenAmount>(ReserveCount);
        foreach (var token in ReserveOrder())
        {
            long amount = Fixed.MulDiv(ReserveBalance(token), shares, supply, Rounding.Floor);
            if (feePerc > 0)
            {
                amount = Fixed.MulDiv(amount, SpotFeePolicy.One - feePerc, SpotFeePolicy.One, Rounding.Floor);
            }

            amounts.Add(new TokenAmount(token, amount));
        }

        return (amounts, feeAmt);
    }

    private RolloverAmounts ComputeRollover(Tranche trancheIn, ReserveToken tokenOut, long trancheInAmtAvailable)
    {
        long outBalance = ReserveBalance(tokenOut);
        if (Version <= SpotVersion.V2)
        {
            long inPriceV1 = CdrPrice(trancheIn);
            long outPriceV1 = tokenOut.IsUnderlying ? UnitPrice : CdrPrice(tokenOut.Tranche!);
            if (trancheInAmtAvailable <= 0 || inPriceV1 <= 0 || outPriceV1 <= 0 || outBalance <= 0)
            {
                return default;
            }

            long outAmt = Fixed.MulDiv(trancheInAmtAvailable, inPriceV1, outPriceV1, Rounding.Floor);
            if (outAmt <= outBalance)
            {
                return new RolloverAmounts(trancheInAmtAvailable, outAmt);
            }

            return new RolloverAmounts(Fixed.MulDiv(outBalance, outPriceV1, inPriceV1, Rounding.Ceiling), outBalance);
        }

        long unit = Fixed.One;
        long inPrice = TrancheValue(trancheIn, unit, Rounding.Floor);
        long outPrice = tokenOut.IsUnderlying ? unit : TrancheValue(tokenOut.Tranche!, unit, Rounding.Ceiling);
        if (trancheInAmtAvailable <= 0 || outBalance <= 0 || inPrice <= 0 || outPrice <= 0)
        {
            return default;
        }

        long fee = 0;
        if (Version is SpotVersion.V3 or SpotVersion.V4)
        {
            var policy = (SubscriptionFeePolicy)_feePolicy;
            fee = policy.PerpRolloverFeePerc(policy.ComputeDeviationRatio(ReserveValue(), RequireVaultForFees().GetTVL(), DepositBond!.Senior.Ratio));
            if (fee >= SpotFeePolicy.One)
            {
                throw new PerpException(PerpException.DivisionByZero, $"rollover fee {fee} of 100% or more");
            }
        }

        long trancheInAmt = Fixed.MulDiv(outBalance, outPrice, inPrice, Rounding.Ceiling);
        if (fee != 0)
        {
            trancheInAmt = Fixed.MulDiv(trancheInAmt, SpotFeePolicy.One, SpotFeePolicy.One - fee, Rounding.Ceiling);
        }

        if (trancheInAmt <= trancheInAmtAvailable)
        {
            return new RolloverAmounts(trancheInAmt, outBalance);
        }

        long tokenOutAmt = Fixed.MulDiv(trancheInAmtAvailable, inPrice, outPrice, Rounding.Floor);
        if (fee != 0)
        {
            tokenOutAmt = Fixed.MulDiv(tokenOutAmt, SpotFeePolicy.One - fee, SpotFeePolicy.One, Rounding.Floor);
        }

        return new RolloverAmounts(trancheInAmtAvailable, tokenOutAmt);
    }

    private void EnforceMintCaps(Tranche depositTranche)
    {
        if (Version <= SpotVersion.V3 && _mintedSupplyPerTranche.GetValueOrDefault(depositTranche) > MaxMintAmtPerTranche)
        {
            throw new PerpException(PerpException.ExceededMaxMintPerTranche, $"{depositTranche} minted {_mintedSupplyPerTranche[depositTranche]} > {MaxMintAmtPerTranche}");
        }

        if (Token.TotalSupply > MaxSupply)
        {
            throw new PerpException(PerpException.ExceededMaxSupply, $"supply {Token.TotalSupply} > {MaxSupply}");
        }

        if (Version != SpotVersion.V5)
        {
            return;
        }

        long total = Underlying.BalanceOf(Account);
        long depositValue = total;
        foreach (var tranche in _reserveTranches.Items)
        {
            long value = TrancheValue(tranche, tranche.BalanceOf(Account), Rounding.Ceiling);
            if (tranche == depositTranche || IsReadyForRollout(tranche))
            {
                depositValue = Fixed.Add(depositValue, value);
            }

            total = Fixed.Add(total, value);
        }

        long share = Fixed.MulDiv(depositValue, SpotFeePolicy.One, NonZero(total, "reserve value"), Rounding.Ceiling);
        if (share > MaxDepositTrancheValuePerc)
        {
            throw new PerpException(PerpException.ExceededMaxMintPerTranche, $"deposit tranche share {share} > {MaxDepositTrancheValuePerc}");
        }
    }

    /// <summary>v1/v2 fee settlement in perps: a positive fee moves from the payer to the perp's reserve, a reward moves back (the shortfall minted when allowed).</summary>
    private void SettleBasicFee(int payer, long fee)
    {
        if (fee > 0)
        {
            Token.Transfer(payer, Account, fee);
        }
        else if (fee < 0)
        {
            long reward = -fee;
            long fromReserve = Math.Min(reward, Token.BalanceOf(Account));
            Token.Transfer(Account, payer, fromReserve);
            if (reward > fromReserve)
            {
                Token.Mint(payer, reward - fromReserve);
            }
        }
    }

    /// <summary>v1/v2: the perp-denominated value of tranches at the current reserve value.</summary>
    private long PerpValueOf(Tranche tranche, long amount)
    {
        long value = Fixed.MulDiv(amount, CdrPrice(tranche), UnitPrice, Rounding.Floor);
        long supply = Token.TotalSupply;
        return supply > 0 ? Fixed.MulDiv(value, supply, NonZero(ReserveValue(), "reserve value"), Rounding.Floor) : value;
    }

    /// <summary>The v1/v2 CDRPricingStrategy: tranche collateral claim·10⁸/supply, rounded down (10⁸ for an empty tranche).</summary>
    private static long CdrPrice(Tranche tranche)
    {
        var (claim, supply) = TrancheMath.Collateralization(tranche);
        return supply > 0 ? Fixed.MulDiv(claim, UnitPrice, supply, Rounding.Floor) : UnitPrice;
    }

    private IEnumerable<ReserveToken> ReserveOrder()
    {
        yield return ReserveToken.Underlying;
        foreach (var tranche in _reserveTranches.Items)
        {
            yield return new ReserveToken(tranche);
        }
    }

    private void TransferOut(ReserveToken token, int to, long amount)
    {
        if (token.IsUnderlying)
        {
            Underlying.Transfer(Account, to, amount);
            return;
        }

        token.Tranche!.Token.Transfer(Account, to, amount);
        SyncReserve(token.Tranche);
    }

    private void SyncReserve(Tranche tranche)
    {
        bool held = tranche.BalanceOf(Account) > 0;
        bool wasIn = _reserveTranches.Contains(tranche);
        if (_reserveTranches.Sync(tranche, held) && Version == SpotVersion.V5 && ReserveCount > MaxReserveCount)
        {
            throw new PerpException(PerpException.ReserveCountOverLimit, $"{ReserveCount} reserve assets > {MaxReserveCount}");
        }

        if (wasIn && !held)
        {
            SetMintedSupply(tranche, null);
        }
    }

    private void SetMintedSupply(Tranche tranche, long? value)
    {
        _chain.RecordEntry(_mintedSupplyPerTranche, tranche);
        if (value is { } v)
        {
            _mintedSupplyPerTranche[tranche] = v;
        }
        else
        {
            _mintedSupplyPerTranche.Remove(tranche);
        }
    }

    private void RequireNotPaused()
    {
        if (Paused)
        {
            throw new PerpException(PerpException.Paused, "the perp is paused");
        }
    }

    private void RequireVault(int caller, string what)
    {
        if (Vault is null || caller != Vault.Account)
        {
            throw new PerpException(PerpException.UnauthorizedCall, $"{what} by #{caller}, not the vault");
        }
    }

    private void RequireV5(string what)
    {
        if (Version != SpotVersion.V5)
        {
            throw new PerpException(PerpException.UnsupportedInVersion, $"{what} exists from SPOT v5; this perp runs {Version}");
        }
    }

    private RolloverVault RequireVaultForFees() =>
        Vault ?? throw new PerpException(PerpException.NoVault, $"SPOT {Version} computes fees from the vault's TVL but no vault is attached");

    private static long NonZero(long value, string what) =>
        value != 0 ? value : throw new PerpException(PerpException.DivisionByZero, $"{what} is zero");
}
