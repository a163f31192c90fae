using System.Numerics;
using Backtest.Numerics;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Spot;
using Backtest.Protocols.Ampleforth.Tokens;

namespace Backtest.Protocols.Ampleforth.Liquidity;

/// <summary>
/// The settings of seed 000's AMPL-USDC vault: its SPOT-USDC bands, how often a keeper may
/// rebalance, the share of liquidity a normal recover unwinds, and the share pulled per
/// rebalance while the SPOT system is under-subscribed. Percentages are 8 decimals.
/// </summary>
public sealed record AmplUsdcVaultConfig(IReadOnlyList<LiquidityBand> Bands, long RebalanceIntervalSec, long RecoverPerc, long UnderSubscribedPullPerc)
{
    /// <summary>Seed 000's bands, a daily rebalance that unwinds everything, and 10% pulled per day while under-subscribed.</summary>
    public static AmplUsdcVaultConfig Default { get; } = new(LiquidityBand.Seed000, 86_400, SpotFeePolicy.One, SpotFeePolicy.One / 10);
}

/// <summary>What a rebalance did, by the seed's rules.</summary>
public enum AmplUsdcRebalanceRule
{
    /// <summary>DR inside the equilibrium band: recover, then deploy what pairs with the vault's USDC.</summary>
    Balanced,

    /// <summary>DR below the band: pull part of the liquidity and redeem the SPOT; deploy nothing.</summary>
    UnderSubscribed,

    /// <summary>DR above the band: recover, then deploy all AMPL (SPOT beyond what USDC pairs with goes into the pool single-sided).</summary>
    OverSubscribed,
}

/// <summary>
/// Seed 000's AMPL-USDC vault, built on the SPOT v5 contracts: it takes AMPL, USDC or both,
/// turns AMPL into SPOT and vault notes with <c>mint2</c>, puts SPOT and USDC into the SPOT-USDC
/// pool in the seed's bands (20% full range, 20% in [1.15, 2.5], 60% in [1.15, 1.35] USDC per
/// SPOT), and unwinds with <c>redeem2</c>. Its own notes (9 decimals) are minted by value.
/// <para><b>Prices (decision).</b> The seed asks whether deposits are valued "by the AMPL target
/// price (or oracle price)". This vault values AMPL at the target, SPOT at its fair value
/// (target × perpTVL/perpSupply, as SpotPricer does), stAMPL at target × vaultTVL/noteSupply,
/// tranches at their collateral claim × target, and USDC at $1 provided the USDC oracle is
/// valid (inside (0.99, 1.01), as SpotPricer requires; otherwise a deposit reverts
/// <c>UnreliablePrice</c>). The target resists manipulation of the AMPL market price a
/// depositor could move in the same block; the cost is that deposits ignore AMPL's market
/// discount or premium.</para>
/// <para><b>Ratio.</b> Deposits may be any mix ("can deposit either AMPL or USDC"). Deployment
/// pairs them in the seed's example ratio (100 AMPL, 25 USDC) = 1 : (1 + targetSystemRatio) of
/// USDC value to AMPL value at the target: mint2 of a AMPL makes SPOT worth a/(1 + T), which
/// the same USD of USDC matches in the pool. What does not pair stays idle.</para>
/// <para><b>Withdrawals</b> pay a pro-rata blend of everything the vault holds: idle AMPL, USDC,
/// SPOT, stAMPL and tranches, and the same share of every pool position (fees collected first).</para>
/// </summary>
public sealed class AmplUsdcVault
{
    private readonly Chain _chain;
    private readonly List<int> _positionIds = [];
    private readonly List<Tranche> _tranches = [];
    private readonly Journaled<long> _lastRebalance;

    public AmplUsdcVault(Chain chain, RolloverVault spotVault, ConcentratedPool pool, AmplUsdcVaultConfig config)
    {
        if (spotVault.Version != SpotVersion.V5)
        {
            throw new AmplUsdcVaultException(AmplUsdcVaultException.UnsupportedInVersion, $"mint2/redeem2 exist from SPOT v5; the system runs {spotVault.Version}");
        }

        if (pool.Token0 != spotVault.Perp.Token)
        {
            throw new AmplUsdcVaultException(AmplUsdcVaultException.InvalidConfig, "the pool's token0 must be SPOT");
        }

        LiquidityBand.Validate(config.Bands);
        if (config.RecoverPerc is <= 0 or > SpotFeePolicy.One || config.UnderSubscribedPullPerc is <= 0 or > SpotFeePolicy.One || config.RebalanceIntervalSec <= 0)
        {
            throw new AmplUsdcVaultException(AmplUsdcVaultException.InvalidConfig, "recover and pull shares must be in (0, 100%], the interval positive");
        }

        _chain = chain;
        SpotVault = spotVault;
        Pool = pool;
        Config = config;
        Account = chain.CreateAccount("amplUsdcVault");
        Notes = new TokenLedger<long>(chain, "AMPL-USDC vault note");
        _lastRebalance = new Journaled<long>(chain, long.MinValue / 2);
    }

    public RolloverVault SpotVault { get; }

    public PerpetualTranche Perp => SpotVault.Perp;

    public AmplToken Ampl => SpotVault.Underlying;

    public ConcentratedPool Pool { get; }

    public TokenLedger<long> Usdc => Pool.Token1;

    public AmplUsdcVaultConfig Config { get; }

    public int Account { get; }

    /// <summary>The vault's notes (9 decimals; the first deposit mints one note per USD of value).</summary>
    public TokenLedger<long> Notes { get; }

    public long LastRebalanceTimestampSec => _lastRebalance.Value;

    /// <summary>The pool positions the vault owns, in creation order.</summary>
    public IReadOnlyList<int> PositionIds => _positionIds;

    /// <summary>Tranches the vault holds from redeem2 baskets, not yet melded or redeemed.</summary>
    public IReadOnlyList<Tranche> HeldTranches => _tranches;

    /// <summary>
    /// The vault's value in USD (9 decimals) at AMPL target <paramref name="amplTarget"/> (USD
    /// per AMPL): each asset as the class summary states, every product rounded down.
    /// </summary>
    public long NetAssetValue(long amplTarget)
    {
        long spotFmv = SpotFairValue(amplTarget);
        long value = Fixed.Mul(Ampl.BalanceOf(Account), amplTarget, Rounding.Floor);
        value = Fixed.Add(value, SpotUsdcPrice.UsdcToAmount(Usdc.BalanceOf(Account)));
        value = Fixed.Add(value, Fixed.Mul(Perp.Token.BalanceOf(Account), spotFmv, Rounding.Floor));
        Int128 noteBalance = SpotVault.Notes.BalanceOf(Account);
        if (noteBalance > 0)
        {
            long amplValue = Fixed.ToInt64(Fixed.MulDiv((Int128)SpotVault.GetTVL(), noteBalance, SpotVault.Notes.TotalSupply, Rounding.Floor), "stAMPL value");
            value = Fixed.Add(value, Fixed.Mul(amplValue, amplTarget, Rounding.Floor));
        }

        foreach (var tranche in _tranches)
        {
            long balance = tranche.BalanceOf(Account);
            if (balance > 0)
            {
                var (claim, supply) = TrancheMath.Collateralization(tranche);
                long amplValue = supply > 0 ? Fixed.MulDiv(claim, balance, supply, Rounding.Floor) : 0;
                value = Fixed.Add(value, Fixed.Mul(amplValue, amplTarget, Rounding.Floor));
            }
        }

        foreach (var pos in Pool.Positions.Where(p => p.Owner == Account))
        {
            var (a0, a1) = SqrtPriceMath.AmountsForLiquidity(Pool.SqrtPriceX96, pos.SqrtLower, pos.SqrtUpper, pos.Liquidity, roundUp: false);
            value = Fixed.Add(value, Fixed.Mul(Fixed.Add((long)a0, pos.FeesOwed0), spotFmv, Rounding.Floor));
            value = Fixed.Add(value, SpotUsdcPrice.UsdcToAmount(Fixed.Add((long)a1, pos.FeesOwed1)));
        }

        return value;
    }

    /// <summary>SPOT's fair value in USD: target × perpTVL/perpSupply, rounded down (1 target per SPOT with no supply).</summary>
    public long SpotFairValue(long amplTarget)
    {
        long supply = Perp.TotalSupply;
        return supply == 0 ? amplTarget : Fixed.MulDiv(amplTarget, Perp.GetTVL(), supply, Rounding.Floor);
    }

    /// <summary>
    /// Takes AMPL, USDC or both and mints notes by value: supply·value/NAV (the value itself for
    /// the first deposit), rounded down. Reverts <c>ZeroDeposit</c> for nothing, <c>UnreliablePrice</c>
    /// for USDC while its oracle is invalid.
    /// </summary>
    public long Deposit(int caller, long amplIn, long usdcIn, long amplTarget, bool usdcPriceValid) =>
        _chain.Atomic(() => DepositCore(caller, amplIn, usdcIn, amplTarget, usdcPriceValid));

    private long DepositCore(int caller, long amplIn, long usdcIn, long amplTarget, bool usdcPriceValid)
    {
        if (amplIn < 0 || usdcIn < 0 || (amplIn == 0 && usdcIn == 0))
        {
            throw new AmplUsdcVaultException(AmplUsdcVaultException.ZeroDeposit, $"deposit of {amplIn} AMPL and {usdcIn} USDC base units");
        }

        if (usdcIn > 0 && !usdcPriceValid)
        {
            throw new AmplUsdcVaultException(AmplUsdcVaultException.UnreliablePrice, "the USDC oracle is outside (0.99, 1.01) or stale");
        }

        long valueIn = Fixed.Add(Fixed.Mul(amplIn, amplTarget, Rounding.Floor), SpotUsdcPrice.UsdcToAmount(usdcIn));
        long supply = Notes.TotalSupply;
        long notes = supply == 0 ? valueIn : Fixed.MulDiv(supply, valueIn, RequirePositive(NetAssetValue(amplTarget)), Rounding.Floor);
        if (notes <= 0)
        {
            throw new AmplUsdcVaultException(AmplUsdcVaultException.ZeroDeposit, $"a deposit worth {Fixed.Format(valueIn)} USD mints no notes");
        }

        Ampl.Transfer(caller, Account, amplIn);
        Usdc.Transfer(caller, Account, usdcIn);
        Notes.Mint(caller, notes);
        return notes;
    }

    /// <summary>
    /// Burns notes for their share of everything: fees are collected first, then the caller gets
    /// ⌊balance·notes/supply⌋ of each idle asset and the liquidity ⌊L·notes/supply⌋ of each position, burnt.
    /// Returns (AMPL, USDC, SPOT) paid; stAMPL and tranches are paid too.
    /// </summary>
    public (long Ampl, long Usdc, long Spot) Redeem(int caller, long notes) => _chain.Atomic(() => RedeemCore(caller, notes));

    private (long Ampl, long Usdc, long Spot) RedeemCore(int caller, long notes)
    {
        long supply = Notes.TotalSupply;
        if (notes <= 0 || notes > Notes.BalanceOf(caller))
        {
            throw new AmplUsdcVaultException(AmplUsdcVaultException.InvalidRedemption, $"redeem {notes} notes holding {Notes.BalanceOf(caller)}");
        }

        foreach (int id in _positionIds)
        {
            Pool.Burn(Account, id, BigInteger.Zero);
        }

        long ampl = Fixed.MulDiv(Ampl.BalanceOf(Account), notes, supply, Rounding.Floor);
        long usdc = Fixed.MulDiv(Usdc.BalanceOf(Account), notes, supply, Rounding.Floor);
        long spot = Fixed.MulDiv(Perp.Token.BalanceOf(Account), notes, supply, Rounding.Floor);
        Int128 stAmpl = Fixed.MulDiv(SpotVault.Notes.BalanceOf(Account), notes, supply, Rounding.Floor);
        var tranches = _tranches.Select(t => (t, Fixed.MulDiv(t.BalanceOf(Account), notes, supply, Rounding.Floor))).ToList();
        Notes.Burn(caller, notes);
        foreach (int id in _positionIds.ToList())
        {
            var pos = Pool.Positions.First(p => p.Id == id);
            BigInteger share = pos.Liquidity * notes / supply;
            if (share.Sign > 0)
            {
                var (s0, s1) = Pool.Burn(Account, id, share);
                spot = Fixed.Add(spot, s0);
                usdc = Fixed.Add(usdc, s1);
                if (!Pool.Positions.Any(p => p.Id == id))
                {
                    _chain.RecordList(_positionIds);
                    _positionIds.Remove(id);
                }
            }
        }

        Ampl.Transfer(Account, caller, ampl);
        Usdc.Transfer(Account, caller, usdc);
        Perp.Token.Transfer(Account, caller, spot);
        SpotVault.Notes.Transfer(Account, caller, stAmpl);
        foreach (var (tranche, amount) in tranches)
        {
            tranche.Token.Transfer(Account, caller, amount);
        }

        SyncTranches();
        return (ampl, usdc, spot);
    }

    /// <summary>
    /// deploy(): mint2 of the AMPL that pairs with the idle USDC (all idle AMPL when
    /// <paramref name="everything"/>), then every idle SPOT and USDC into the bands by their
    /// shares (each position takes the most liquidity its share allows at the current price).
    /// Reverts <c>NothingToDeploy</c> when nothing was minted and no liquidity added.
    /// </summary>
    public void Deploy(long amplTarget, bool everything = false) => _chain.Atomic(() => DeployCore(amplTarget, everything));

    private void DeployCore(long amplTarget, bool everything)
    {
        bool any = false;
        long idleAmpl = Ampl.BalanceOf(Account);
        long pairs = Fixed.MulDiv(
            SpotUsdcPrice.UsdcToAmount(Usdc.BalanceOf(Account)),
            SpotFeePolicy.One + ((DeviationFeePolicy)SpotVault.FeePolicy).TargetSystemRatio,
            SpotFeePolicy.One,
            Rounding.Floor);
        long amplToMint = everything ? idleAmpl : Math.Min(idleAmpl, Fixed.Div(pairs, RequirePositive(amplTarget), Rounding.Floor));
        if (amplToMint >= BondController.MinimumValidDebt)
        {
            SpotVault.Mint2(Account, amplToMint);
            any = true;
        }

        long spot = Perp.Token.BalanceOf(Account);
        long usdc = Usdc.BalanceOf(Account);
        var ids = LiquidityBand.Provide(Pool, Account, spot, usdc, Config.Bands);
        if (ids.Count > 0)
        {
            _chain.RecordList(_positionIds);
            _positionIds.AddRange(ids);
            any = true;
        }

        if (!any)
        {
            throw new AmplUsdcVaultException(AmplUsdcVaultException.NothingToDeploy, $"idle AMPL {Fixed.Format(idleAmpl)}, USDC {usdc}, SPOT {Fixed.Format(spot)}");
        }
    }

    /// <summary>
    /// recover(): unwinds <paramref name="liquidityPerc"/> (8 decimals) of every position,
    /// collecting fees, then redeem2(SPOT balance, all stAMPL) and melds or redeems the tranches
    /// the basket held into AMPL where the bonds allow (ratio-matched pairs early, anything at maturity).
    /// </summary>
    public void Recover(long liquidityPerc) => _chain.Atomic(() => RecoverCore(liquidityPerc));

    private void RecoverCore(long liquidityPerc)
    {
        foreach (int id in _positionIds.ToList())
        {
            var pos = Pool.Positions.First(p => p.Id == id);
            BigInteger share = liquidityPerc >= SpotFeePolicy.One ? pos.Liquidity : pos.Liquidity * liquidityPerc / SpotFeePolicy.One;
            Pool.Burn(Account, id, share);
            if (!Pool.Positions.Any(p => p.Id == id))
            {
                _chain.RecordList(_positionIds);
                _positionIds.Remove(id);
            }
        }

        long spot = Perp.Token.BalanceOf(Account);
        Int128 notes = SpotVault.Notes.BalanceOf(Account);
        if (spot > 0 && notes > 0 && Fixed.MulDiv(SpotVault.Notes.TotalSupply, spot, Perp.TotalSupply, Rounding.Floor) > 0)
        {
            var outcome = SpotVault.Redeem2(Account, spot, notes);
            foreach (var (token, amount) in outcome.Returned)
            {
                if (!token.IsUnderlying && amount > 0 && !_tranches.Contains(token.Tranche!))
                {
                    _chain.RecordList(_tranches);
                    _tranches.Add(token.Tranche!);
                }
            }
        }

        MeldTranches();
    }

    /// <summary>
    /// The keeper's rebalance, once per <see cref="AmplUsdcVaultConfig.RebalanceIntervalSec"/>, by
    /// the seed's rules on the system's DR: under-subscribed (below the fee policy's equilibrium
    /// band) pulls <see cref="AmplUsdcVaultConfig.UnderSubscribedPullPerc"/> of the liquidity and
    /// redeems the SPOT; over-subscribed recovers and deploys all AMPL; otherwise recover and deploy.
    /// </summary>
    public AmplUsdcRebalanceRule Rebalance(long amplTarget) => _chain.Atomic(() => RebalanceCore(amplTarget));

    private AmplUsdcRebalanceRule RebalanceCore(long amplTarget)
    {
        if (_chain.Now < LastRebalanceTimestampSec + Config.RebalanceIntervalSec)
        {
            throw new AmplUsdcVaultException(AmplUsdcVaultException.RebalanceTooSoon, $"last {LastRebalanceTimestampSec}, now {_chain.Now}");
        }

        _lastRebalance.Set(_chain.Now);
        var policy = (DeviationFeePolicy)SpotVault.FeePolicy;
        Int128 dr = SpotVault.DeviationRatio();
        if (dr < policy.EquilibriumDR.Lower)
        {
            RecoverCore(Config.UnderSubscribedPullPerc);
            return AmplUsdcRebalanceRule.UnderSubscribed;
        }

        bool over = dr > policy.EquilibriumDR.Upper;
        RecoverCore(Config.RecoverPerc);
        try
        {
            Deploy(amplTarget, everything: over);
        }
        catch (AmplUsdcVaultException e) when (e.Rule == AmplUsdcVaultException.NothingToDeploy)
        {
            // A rebalance with nothing to redeploy (no AMPL, no USDC) has still recovered.
        }

        return over ? AmplUsdcRebalanceRule.OverSubscribed : AmplUsdcRebalanceRule.Balanced;
    }

    private void MeldTranches()
    {
        foreach (var tranche in _tranches.ToList())
        {
            long balance = tranche.BalanceOf(Account);
            if (balance <= 0)
            {
                continue;
            }

            var bond = tranche.Bond;
            if (bond.SecondsToMaturity <= 0)
            {
                if (!bond.IsMature)
                {
                    bond.Mature(Account);
                }

                bond.RedeemMature(Account, tranche, balance);
            }
            else if (tranche.IsSenior && bond.TrancheCount == 2)
            {
                var (senior, junior) = TrancheMath.RedeemableTrancheAmounts(bond.Senior.Ratio, bond.Junior.Ratio, bond.Senior.BalanceOf(Account), bond.Junior.BalanceOf(Account));
                if (senior > 0)
                {
                    bond.Redeem(Account, [senior, junior]);
                }
            }
        }

        SyncTranches();
    }

    private void SyncTranches()
    {
        if (_tranches.Any(t => t.BalanceOf(Account) == 0))
        {
            _chain.RecordList(_tranches);
            _tranches.RemoveAll(t => t.BalanceOf(Account) == 0);
        }
    }

    private static long RequirePositive(long value) =>
        value > 0 ? value : throw new AmplUsdcVaultException(AmplUsdcVaultException.InvalidConfig, $"value {value} must be positive");
}
