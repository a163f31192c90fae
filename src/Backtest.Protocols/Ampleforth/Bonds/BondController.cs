using System.Numerics;
using Backtest.Numerics;
using Backtest.Protocols.Ampleforth.Tokens;

namespace Backtest.Protocols.Ampleforth.Bonds;

/// <summary>Which deployment of Buttonwood's BondController a bond runs.</summary>
public enum BondControllerVersion
{
    /// <summary>
    /// The 2022 controller the SPOT bond factory uses: the first deposit must be at least 10⁻⁸
    /// units (10¹⁰ base units at 18 decimals, MINIMUM_FIRST_DEPOSIT = 10e9), deposits scale by
    /// debt/collateral whenever collateral is positive, and early redemption may take the debt to zero.
    /// </summary>
    Legacy2022,

    /// <summary>
    /// The March 2023 controller (tranche <c>3b9b6be</c>): total debt must stay at least
    /// MINIMUM_VALID_DEBT = 10¹⁰ base units after every deposit and early redemption, deposits
    /// scale only when both collateral and debt are positive, and collateral sent in by plain
    /// transfer is skimmed to the owner.
    /// </summary>
    MinimumValidDebt2023,
}

/// <summary>
/// A Buttonwood tranche bond (<c>contracts/BondController.sol</c>): collateral C (a rebasing
/// AMPL balance), tranches with ratios out of 1000 and total debt D = Σ tranche supplies.
/// Deposits mint at the current debt/collateral ratio, early redemption pays total·C/D for
/// amounts exactly in ratio, and <see cref="Mature"/> pays the waterfall into the tranches.
/// All amounts are base units; every division rounds down as the contract's does.
/// </summary>
public sealed class BondController
{
    public const int TrancheRatioGranularity = 1000;
    public const int MaxTrancheCount = 26;
    public const long MaxFeeBps = 50;
    public const long MinimumValidDebt = 10_000_000_000L;

    private readonly Chain _chain;
    private readonly Tranche[] _tranches;
    private readonly Journaled<UInt256> _lastScaledCollateralBalance;
    private readonly Journaled<bool> _isMature;
    private readonly Journaled<long> _totalDebt;
    private readonly Journaled<long> _feeBps;

    public BondController(
        Chain chain,
        AmplToken collateral,
        int owner,
        IReadOnlyList<int> trancheRatios,
        long maturityDate,
        BondControllerVersion version = BondControllerVersion.Legacy2022,
        long depositLimit = 0,
        string? name = null)
    {
        if (trancheRatios.Count < 2 || (version == BondControllerVersion.MinimumValidDebt2023 && trancheRatios.Count > MaxTrancheCount))
        {
            throw new BondException(BondException.InvalidTrancheCount, $"{trancheRatios.Count} tranches");
        }

        if (trancheRatios.Any(r => r < 0 || r > TrancheRatioGranularity) || trancheRatios.Sum() != TrancheRatioGranularity)
        {
            throw new BondException(BondException.InvalidTrancheRatios, $"[{string.Join(",", trancheRatios)}] must be within [0,1000] and sum to 1000");
        }

        if (maturityDate <= chain.Now)
        {
            throw new BondException(BondException.InvalidMaturityDate, $"maturity {maturityDate} is not after now {chain.Now}");
        }

        _chain = chain;
        _lastScaledCollateralBalance = new Journaled<UInt256>(chain, UInt256.Zero);
        _isMature = new Journaled<bool>(chain, false);
        _totalDebt = new Journaled<long>(chain, 0);
        _feeBps = new Journaled<long>(chain, 0);
        Collateral = collateral;
        Owner = owner;
        Version = version;
        DepositLimit = depositLimit;
        MaturityDate = maturityDate;
        CreationDate = chain.Now;
        Name = name ?? $"bond@{maturityDate}";
        Account = chain.CreateAccount(Name);
        TrancheCount = trancheRatios.Count;
        _tranches = new Tranche[trancheRatios.Count];
        for (int i = 0; i < trancheRatios.Count; i++)
        {
            _tranches[i] = new Tranche(chain, this, i, trancheRatios[i], chain.CreateAccount($"{Name}/tranche{i}"));
        }
    }

    public string Name { get; }

    /// <summary>The bond's own account: it holds the collateral until maturity.</summary>
    public int Account { get; }

    public AmplToken Collateral { get; }

    /// <summary>The bond's owner: it may mature early and receives fee tranches and skimmed collateral.</summary>
    public int Owner { get; }

    public BondControllerVersion Version { get; }

    public long DepositLimit { get; }

    public long CreationDate { get; }

    public long MaturityDate { get; }

    public bool IsMature => _isMature.Value;

    /// <summary>D: the sum of the tranche supplies.</summary>
    public long TotalDebt => _totalDebt.Value;

    /// <summary>The deposit fee in basis points, minted as tranche tokens to the bond itself.</summary>
    public long FeeBps => _feeBps.Value;

    public int TrancheCount { get; }

    public IReadOnlyList<Tranche> Tranches => _tranches;

    public Tranche Senior => _tranches[0];

    public Tranche Junior => _tranches[^1];

    /// <summary>C: the bond's collateral balance (AMPL, rebasing).</summary>
    public long CollateralBalance => Collateral.BalanceOf(Account);

    /// <summary>Seconds until maturity, 0 at or past the maturity date.</summary>
    public long SecondsToMaturity => MaturityDate > _chain.Now ? MaturityDate - _chain.Now : 0;

    /// <summary>Sets the deposit fee (owner only, before maturity, at most 50 bps).</summary>
    public void SetFee(int caller, long feeBps) => _chain.Atomic(() => SetFeeCore(caller, feeBps));

    private void SetFeeCore(int caller, long feeBps)
    {
        RequireOwner(caller, "setFee");
        if (IsMature)
        {
            throw new BondException(BondException.AlreadyMature, $"{Name}: setFee after maturity");
        }

        if (feeBps < 0 || feeBps > MaxFeeBps)
        {
            throw new BondException(BondException.InvalidFee, $"{feeBps} bps > {MaxFeeBps}");
        }

        _feeBps.Set(feeBps);
    }

    /// <summary>
    /// Deposits <paramref name="amount"/> collateral from <paramref name="caller"/> and mints each
    /// tranche amount·ratio/1000, scaled by D/C when the bond already holds collateral (so a
    /// deposit neither dilutes nor gains). Returns the tranche amounts the caller received.
    /// </summary>
    public long[] Deposit(int caller, long amount) => _chain.Atomic(() => DepositCore(caller, amount));

    private long[] DepositCore(int caller, long amount)
    {
        SkimExtraneousCollateral();
        if (amount <= 0)
        {
            throw new BondException(BondException.InvalidAmount, $"{Name}: deposit {amount}");
        }

        if (Version == BondControllerVersion.Legacy2022 && TotalDebt == 0 && amount < MinimumValidDebt)
        {
            throw new BondException(BondException.InvalidInitialAmount, $"{Name}: first deposit {amount} < {MinimumValidDebt}");
        }

        if (IsMature)
        {
            throw new BondException(BondException.AlreadyMature, $"{Name}: deposit after maturity");
        }

        long collateralBalance = CollateralBalance;
        if (DepositLimit != 0 && Fixed.Add(collateralBalance, amount) > DepositLimit)
        {
            throw new BondException(BondException.DepositLimit, $"{Name}: {collateralBalance} + {amount} > {DepositLimit}");
        }

        bool scale = Version == BondControllerVersion.Legacy2022 ? collateralBalance > 0 : collateralBalance > 0 && TotalDebt > 0;
        var values = new long[TrancheCount];
        long newDebt = 0;
        for (int i = 0; i < TrancheCount; i++)
        {
            long value = Fixed.MulDiv(amount, _tranches[i].Ratio, TrancheRatioGranularity, Rounding.Floor);
            if (scale)
            {
                value = Fixed.MulDiv(value, TotalDebt, collateralBalance, Rounding.Floor);
            }

            values[i] = value;
            newDebt = Fixed.Add(newDebt, value);
        }

        _totalDebt.Set(Fixed.Add(TotalDebt, newDebt));
        Collateral.Transfer(caller, Account, amount);
        var received = new long[TrancheCount];
        for (int i = 0; i < TrancheCount; i++)
        {
            long fee = Fixed.MulDiv(values[i], FeeBps, 10_000, Rounding.Floor);
            if (fee > 0)
            {
                _tranches[i].Token.Mint(Account, fee);
            }

            received[i] = values[i] - fee;
            _tranches[i].Token.Mint(caller, received[i]);
        }

        EnforceMinimumValidDebt();
        RecordScaledCollateralBalance();
        return received;
    }

    /// <summary>
    /// Matures the bond (the owner at any time, anyone once the maturity date has passed): each
    /// tranche but the last receives min(its supply, remaining collateral) in order of seniority,
    /// the last tranche the rest; fee tranches the bond holds are redeemed to the owner.
    /// </summary>
    public void Mature(int caller) => _chain.Atomic(() => MatureCore(caller));

    private void MatureCore(int caller)
    {
        SkimExtraneousCollateral();
        if (IsMature)
        {
            throw new BondException(BondException.AlreadyMature, $"{Name}: already mature");
        }

        if (caller != Owner && MaturityDate >= _chain.Now)
        {
            throw new BondException(BondException.InvalidCallToMature, $"{Name}: matures at {MaturityDate}, now {_chain.Now}");
        }

        _isMature.Set(true);
        long collateralBalance = CollateralBalance;
        for (int i = 0; i < TrancheCount - 1 && collateralBalance > 0; i++)
        {
            var tranche = _tranches[i];
            long amount = Math.Min(tranche.TotalSupply, collateralBalance);
            collateralBalance -= amount;
            Collateral.Transfer(Account, tranche.Account, amount);
            RedeemFeeTranche(tranche);
        }

        if (collateralBalance > 0)
        {
            var last = _tranches[^1];
            Collateral.Transfer(Account, last.Account, collateralBalance);
            RedeemFeeTranche(last);
        }

        RecordScaledCollateralBalance();
    }

    /// <summary>
    /// Redeems <paramref name="amount"/> of a matured tranche for its share of the collateral the
    /// tranche received at maturity (collateral·amount/supply, rounded down). Returns the collateral paid.
    /// </summary>
    public long RedeemMature(int caller, Tranche tranche, long amount) => _chain.Atomic(() => RedeemMatureCore(caller, tranche, amount));

    private long RedeemMatureCore(int caller, Tranche tranche, long amount)
    {
        if (!IsMature)
        {
            throw new BondException(BondException.NotMature, $"{Name}: redeemMature before maturity");
        }

        if (tranche.Bond != this)
        {
            throw new BondException(BondException.InvalidTranche, $"{tranche} is not a tranche of {Name}");
        }

        long paid = tranche.Redeem(caller, caller, amount);
        _totalDebt.Set(Fixed.Sub(TotalDebt, amount));
        return paid;
    }

    /// <summary>
    /// Early redemption: the amounts must be exactly in the tranche ratios
    /// (amountᵢ·1000/total == ratioᵢ in integers); pays total·C/D rounded down and burns them.
    /// Returns the collateral paid.
    /// </summary>
    public long Redeem(int caller, IReadOnlyList<long> amounts) => _chain.Atomic(() => RedeemCore(caller, amounts));

    private long RedeemCore(int caller, IReadOnlyList<long> amounts)
    {
        SkimExtraneousCollateral();
        if (IsMature)
        {
            throw new BondException(BondException.AlreadyMature, $"{Name}: early redemption after maturity");
        }

        if (amounts.Count != TrancheCount)
        {
            throw new BondException(BondException.InvalidRedeemAmounts, $"{Name}: {amounts.Count} amounts for {TrancheCount} tranches");
        }

        long total = 0;
        foreach (long a in amounts)
        {
            total = Fixed.Add(total, a);
        }

        if (total == 0)
        {
            throw new BondException(BondException.DivisionByZero, $"{Name}: redeem of nothing divides by zero");
        }

        for (int i = 0; i < TrancheCount; i++)
        {
            if (Fixed.MulDiv(amounts[i], TrancheRatioGranularity, total, Rounding.Floor) != _tranches[i].Ratio)
            {
                throw new BondException(BondException.InvalidRedemptionRatio, $"{Name}: [{string.Join(",", amounts)}] is not in ratio");
            }
        }

        for (int i = 0; i < TrancheCount; i++)
        {
            _tranches[i].Token.Burn(caller, amounts[i]);
        }

        long returnAmount = Fixed.MulDiv(total, CollateralBalance, TotalDebt, Rounding.Floor);
        _totalDebt.Set(TotalDebt - total);
        Collateral.Transfer(Account, caller, returnAmount);
        EnforceMinimumValidDebt();
        RecordScaledCollateralBalance();
        return returnAmount;
    }

    /// <summary>The tranche amounts a deposit would mint now (BondHelpers.previewDeposit, no fee).</summary>
    public long[] PreviewDeposit(long amount)
    {
        long collateralBalance = CollateralBalance;
        var values = new long[TrancheCount];
        for (int i = 0; i < TrancheCount; i++)
        {
            values[i] = Fixed.MulDiv(amount, _tranches[i].Ratio, TrancheRatioGranularity, Rounding.Floor);
            if (collateralBalance > 0)
            {
                values[i] = Fixed.MulDiv(values[i], TotalDebt, collateralBalance, Rounding.Floor);
            }
        }

        return values;
    }

    public override string ToString() => Name;

    private void RequireOwner(int caller, string what)
    {
        if (caller != Owner)
        {
            throw new BondException(BondException.InvalidCallToMature, $"{Name}: {what} by non-owner #{caller}");
        }
    }

    /// <summary>
    /// Pays the owner the collateral behind fee tranches the bond holds. The controller redeems
    /// only a positive fee balance: a tranche with no supply (every unit already redeemed early)
    /// would otherwise divide by zero and block maturity.
    /// </summary>
    /// <summary>
    /// mature() redeems the bond's own balance of each tranche it pays, even a zero balance: the
    /// tranche divides by its supply, so a tranche with no supply that receives collateral (the
    /// vault melded every senior away, leaving juniors) makes mature() revert.
    /// </summary>
    private void RedeemFeeTranche(Tranche tranche) => tranche.Redeem(Account, Owner, tranche.BalanceOf(Account));

    private void EnforceMinimumValidDebt()
    {
        if (Version == BondControllerVersion.MinimumValidDebt2023 && TotalDebt < MinimumValidDebt)
        {
            throw new BondException(BondException.MinimumValidDebt, $"{Name}: total debt {TotalDebt} < {MinimumValidDebt}");
        }
    }

    private void SkimExtraneousCollateral()
    {
        if (Version != BondControllerVersion.MinimumValidDebt2023)
        {
            return;
        }

        BigInteger scaled = Collateral.ScaledBalanceOf(Account).ToBigInteger();
        BigInteger last = _lastScaledCollateralBalance.Value.ToBigInteger();
        if (scaled > last)
        {
            long balance = CollateralBalance;
            long virtualBalance = (long)(last * balance / scaled);
            Collateral.Transfer(Account, Owner, balance - virtualBalance);
        }
    }

    private void RecordScaledCollateralBalance()
    {
        if (Version == BondControllerVersion.MinimumValidDebt2023)
        {
            _lastScaledCollateralBalance.Set(Collateral.ScaledBalanceOf(Account));
        }
    }
}
