using Backtest.Numerics;
using Backtest.Protocols.Ampleforth.Spot;
using Backtest.Protocols.Ampleforth.Tokens;

namespace Backtest.Protocols.Ampleforth.Balancers;

/// <summary>The DRBalancerVault's rebalance settings (spot-vaults <c>DRBalancerVault.sol</c>, Feb 2026 defaults).</summary>
public sealed record DRBalancerConfig
{
    /// <summary>Target system DR (8 decimals), default 1.0.</summary>
    public long TargetDR { get; init; } = SpotFeePolicy.One;

    /// <summary>No rebalance while DR lies in this band, default [0.95, 1.05].</summary>
    public PercRange EquilibriumDR { get; init; } = new(SpotFeePolicy.One * 95 / 100, SpotFeePolicy.One * 105 / 100);

    /// <summary>Lag when buying perps (DR above target), default 3.</summary>
    public long LagFactorUnderlyingToPerp { get; init; } = 3;

    /// <summary>Lag when selling perps (DR below target), default 3.</summary>
    public long LagFactorPerpToUnderlying { get; init; } = 3;

    /// <summary>Skip a rebalance whose lag-adjusted amount is below this (underlying base units), default 0.</summary>
    public long MinRebalanceVal { get; init; }

    public long RebalanceFreqSec { get; init; } = 86_400;

    /// <summary>Revert when the swap loses more than this share of value (18 decimals), default 1%.</summary>
    public Int128 MaxSwapFeePerc { get; init; } = DRBalancerVault.NoteOne / 100;
}

/// <summary>A DRBalancer rebalance decision: how much value to swap and in which direction.</summary>
public readonly record struct DRRebalance(long UnderlyingAmt, bool IsUnderlyingIntoPerp);

/// <summary>
/// An LP vault of AMPL and SPOT that swaps through the rollover vault to push the system DR
/// toward its target (spot-vaults <c>DRBalancerVault.sol</c>, Feb 2026): below target it sells
/// perps for AMPL, above it buys perps. Notes are 18-decimal; deposits take both assets in the
/// vault's proportion and redemptions pay both pro rata.
/// </summary>
public sealed class DRBalancerVault
{
    /// <summary>1.0 at the vault's 18-decimal note and percentage scale.</summary>
    public static readonly Int128 NoteOne = (Int128)1_000_000_000 * 1_000_000_000;

    private readonly Chain _chain;
    private readonly Journaled<long> _lastRebalanceTimestampSec;

    public DRBalancerVault(Chain chain, RolloverVault rolloverVault, DRBalancerConfig? config = null)
    {
        _chain = chain;
        RolloverVault = rolloverVault;
        Config = config ?? new DRBalancerConfig();
        Account = chain.CreateAccount("drBalancer");
        Notes = new TokenLedger<Int128>(chain, "DR-BAL");
        _lastRebalanceTimestampSec = new Journaled<long>(chain, 0);
    }

    public RolloverVault RolloverVault { get; }

    public PerpetualTranche Perp => RolloverVault.Perp;

    public AmplToken Underlying => Perp.Underlying;

    public DRBalancerConfig Config { get; set; }

    public int Account { get; }

    public TokenLedger<Int128> Notes { get; }

    public long LastRebalanceTimestampSec => _lastRebalanceTimestampSec.Value;

    /// <summary>
    /// The rebalance decision for a system DR (8 decimals): none inside the equilibrium band or
    /// when the perp has no TVL; otherwise requiredChange = perpTVL·|DR − target| (rounded down),
    /// divided by the lag, skipped below <see cref="DRBalancerConfig.MinRebalanceVal"/>, and capped
    /// by the available liquidity (the perps' value when selling, the AMPL when buying) and by
    /// requiredChange.
    /// </summary>
    public static DRRebalance ComputeRebalanceAmount(DRBalancerConfig config, Int128 dr, long perpTVL, long perpTotalSupply, long perpBalance, long underlyingBalance)
    {
        if ((dr >= config.EquilibriumDR.Lower && dr <= config.EquilibriumDR.Upper) || perpTVL <= 0)
        {
            return new DRRebalance(0, false);
        }

        bool intoPerp = dr >= config.TargetDR;
        Int128 drDelta = intoPerp ? dr - config.TargetDR : config.TargetDR - dr;
        long lag = intoPerp ? config.LagFactorUnderlyingToPerp : config.LagFactorPerpToUnderlying;
        long available = intoPerp
            ? underlyingBalance
            : (perpTotalSupply > 0 ? Fixed.MulDiv(perpBalance, perpTVL, perpTotalSupply, Rounding.Floor) : 0);
        long required = Fixed.ToInt64(Fixed.MulDiv(perpTVL, drDelta, SpotFeePolicy.One, Rounding.Floor), "DR balancer required change");
        long adjusted = required / lag;
        if (adjusted < config.MinRebalanceVal)
        {
            return new DRRebalance(0, intoPerp);
        }

        return new DRRebalance(Math.Min(Math.Min(adjusted, available), required), intoPerp);
    }

    /// <summary>This vault's value in AMPL: its AMPL plus its perps at perpTVL/supply (rounded down).</summary>
    public long GetTVL()
    {
        long perpBalance = Perp.Token.BalanceOf(Account);
        long perpValue = 0;
        if (Perp.TotalSupply > 0 && perpBalance > 0)
        {
            perpValue = Fixed.MulDiv(perpBalance, Perp.GetTVL(), Perp.TotalSupply, Rounding.Floor);
        }

        return Fixed.Add(Underlying.BalanceOf(Account), perpValue);
    }

    /// <summary>
    /// Deposits up to the given AMPL and perps: any ratio at first (notes = both amounts at 18
    /// decimals), afterwards in the vault's current proportion. Returns the notes minted.
    /// </summary>
    public Int128 Deposit(int caller, long underlyingAmtMax, long perpAmtMax) => _chain.Atomic(() => DepositCore(caller, underlyingAmtMax, perpAmtMax));

    private Int128 DepositCore(int caller, long underlyingAmtMax, long perpAmtMax)
    {
        Int128 supply = Notes.TotalSupply;
        long underlyingIn;
        long perpIn;
        Int128 notes;
        Int128 scale = NoteOne / Fixed.One;
        if (supply <= 0)
        {
            underlyingIn = underlyingAmtMax;
            perpIn = perpAmtMax;
            notes = (Int128)underlyingIn * scale + (Int128)perpIn * scale;
        }
        else
        {
            long underlyingBal = Underlying.BalanceOf(Account);
            long perpBal = Perp.Token.BalanceOf(Account);
            if (perpBal <= 0)
            {
                (underlyingIn, perpIn) = (underlyingAmtMax, 0);
                notes = Fixed.MulDiv(supply, underlyingIn, underlyingBal, Rounding.Floor);
            }
            else if (underlyingBal <= 0)
            {
                (underlyingIn, perpIn) = (0, perpAmtMax);
                notes = Fixed.MulDiv(supply, perpIn, perpBal, Rounding.Floor);
            }
            else
            {
                underlyingIn = underlyingAmtMax;
                perpIn = Fixed.MulDiv(perpBal, underlyingIn, underlyingBal, Rounding.Floor);
                if (perpIn > perpAmtMax)
                {
                    perpIn = perpAmtMax;
                    underlyingIn = Fixed.MulDiv(underlyingBal, perpIn, perpBal, Rounding.Floor);
                }

                notes = Fixed.MulDiv(supply, underlyingIn, underlyingBal, Rounding.Floor);
            }
        }

        if (notes <= 0)
        {
            return 0;
        }

        Underlying.Transfer(caller, Account, underlyingIn);
        Perp.Token.Transfer(caller, Account, perpIn);
        Notes.Mint(caller, notes);
        return notes;
    }

    /// <summary>Burns notes for their pro-rata AMPL and perps (rounded down).</summary>
    public (long Underlying, long Perps) Redeem(int caller, Int128 notes) => _chain.Atomic(() => RedeemCore(caller, notes));

    private (long Underlying, long Perps) RedeemCore(int caller, Int128 notes)
    {
        Int128 supply = Notes.TotalSupply;
        if (notes <= 0 || supply <= 0)
        {
            return (0, 0);
        }

        long underlyingOut = Fixed.ToInt64(Fixed.MulDiv((Int128)Underlying.BalanceOf(Account), notes, supply, Rounding.Floor), "DR balancer redemption");
        long perpOut = Fixed.ToInt64(Fixed.MulDiv((Int128)Perp.Token.BalanceOf(Account), notes, supply, Rounding.Floor), "DR balancer redemption");
        if (underlyingOut <= 0 && perpOut <= 0)
        {
            return (0, 0);
        }

        Notes.Burn(caller, notes);
        Underlying.Transfer(Account, caller, underlyingOut);
        Perp.Token.Transfer(Account, caller, perpOut);
        return (underlyingOut, perpOut);
    }

    /// <summary>
    /// Rebalances once per interval: swaps the computed amount through the rollover vault and
    /// reverts (SlippageTooHigh) when the swap returns less than (1 − maxSwapFeePerc) of the value in.
    /// </summary>
    public DRRebalance Rebalance() => _chain.Atomic(() => RebalanceCore());

    private DRRebalance RebalanceCore()
    {
        if (_chain.Now < LastRebalanceTimestampSec + Config.RebalanceFreqSec)
        {
            throw new BalancerException("drBalancer", BalancerException.LastRebalanceTooRecent, $"last {LastRebalanceTimestampSec}, now {_chain.Now}");
        }

        long perpTVL = Perp.GetTVL();
        long perpSupply = Perp.TotalSupply;
        var decision = ComputeRebalanceAmount(Config, RolloverVault.DeviationRatio(), perpTVL, perpSupply, Perp.Token.BalanceOf(Account), Underlying.BalanceOf(Account));
        _lastRebalanceTimestampSec.Set(_chain.Now);
        if (decision.UnderlyingAmt <= 0)
        {
            return decision;
        }

        long valueOut;
        if (decision.IsUnderlyingIntoPerp)
        {
            long perpOut = RolloverVault.SwapUnderlyingForPerps(Account, decision.UnderlyingAmt);
            valueOut = Fixed.MulDiv(perpOut, perpTVL, perpSupply, Rounding.Floor);
        }
        else
        {
            long perpIn = Fixed.MulDiv(decision.UnderlyingAmt, perpSupply, perpTVL, Rounding.Floor);
            valueOut = RolloverVault.SwapPerpsForUnderlying(Account, perpIn);
        }

        Int128 retained = Fixed.MulDiv((Int128)valueOut, NoteOne, decision.UnderlyingAmt, Rounding.Floor);
        if (retained > NoteOne)
        {
            throw new BalancerException("drBalancer", BalancerException.UnacceptableSwap, $"swap returned {valueOut} for {decision.UnderlyingAmt}: 1 - out/in underflows");
        }

        Int128 feePerc = NoteOne - retained;
        if (feePerc > Config.MaxSwapFeePerc)
        {
            throw new BalancerException("drBalancer", BalancerException.SlippageTooHigh, $"swap fee {feePerc} > {Config.MaxSwapFeePerc}");
        }

        return decision;
    }
}
