using Backtest.Numerics;
using Backtest.Protocols.Ampleforth;
using Backtest.Protocols.Ampleforth.Bonds;
using Backtest.Protocols.Ampleforth.Tokens;

namespace Backtest.Protocols.Tests.Ampleforth;

public class BondControllerTests
{
    private readonly Chain _chain = new(1_700_000_000);
    private readonly AmplToken _ampl;
    private readonly int _owner;
    private readonly int _user;
    private readonly int _other;

    public BondControllerTests()
    {
        int treasury = _chain.CreateAccount("treasury");
        _owner = _chain.CreateAccount("owner");
        _user = _chain.CreateAccount("user");
        _other = _chain.CreateAccount("other");
        _ampl = new AmplToken(_chain, treasury);
        _ampl.Transfer(treasury, _user, A(100_000));
        _ampl.Transfer(treasury, _other, A(100_000));
    }

    private static long A(decimal units) => Fixed.FromDecimal(units);

    private BondController NewBond(int[]? ratios = null, BondControllerVersion version = BondControllerVersion.Legacy2022) =>
        new(_chain, _ampl, _owner, ratios ?? [250, 750], _chain.Now + 28 * 86_400, version);

    [Fact]
    public void ADepositMintsInRatioAtTheCurrentDebtToCollateral()
    {
        var bond = NewBond();
        Assert.Equal([A(250), A(750)], bond.Deposit(_user, A(1000)));
        _ampl.Rebase(-(_ampl.TotalSupply / 5));
        Assert.Equal(A(800), bond.CollateralBalance);
        Assert.Equal([A(250), A(750)], bond.Deposit(_other, A(800)));
        Assert.Equal(A(2000), bond.TotalDebt);
        Assert.True(AmpleforthInvariants.BondDebt(bond).Holds);
    }

    [Fact]
    public void TheLegacyControllerRefusesASmallFirstDeposit()
    {
        var e = Assert.Throws<BondException>(() => NewBond().Deposit(_user, BondController.MinimumValidDebt - 1));
        Assert.Equal(BondException.InvalidInitialAmount, e.Rule);
    }

    [Fact]
    public void The2023ControllerKeepsTheDebtAboveTheMinimum()
    {
        var bond = NewBond([200, 300, 500], BondControllerVersion.MinimumValidDebt2023);
        bond.Deposit(_user, A(1000));
        var e = Assert.Throws<BondException>(() => bond.Redeem(_user, [A(200), A(300), A(500)]));
        Assert.Equal(BondException.MinimumValidDebt, e.Rule);
        Assert.Equal(A(1000), bond.TotalDebt);
        Assert.Throws<BondException>(() => bond.Redeem(_user, [A(198.000000002m), A(297.000000003m), A(495.000000005m)]));
        Assert.Equal(A(990), bond.Redeem(_user, [A(198), A(297), A(495)]));
        Assert.Equal(BondController.MinimumValidDebt, bond.TotalDebt);
    }

    [Fact]
    public void TheLegacyControllerMayRedeemEverything()
    {
        var bond = NewBond();
        bond.Deposit(_user, A(1000));
        Assert.Equal(A(1000), bond.Redeem(_user, [A(250), A(750)]));
        Assert.Equal(0, bond.TotalDebt);
    }

    [Fact]
    public void EarlyRedemptionMustBeExactlyInRatio()
    {
        var bond = NewBond();
        bond.Deposit(_user, A(1000));
        var e = Assert.Throws<BondException>(() => bond.Redeem(_user, [A(250), A(749)]));
        Assert.Equal(BondException.InvalidRedemptionRatio, e.Rule);
        Assert.Throws<BondException>(() => bond.Redeem(_user, [A(250)]));
    }

    [Fact]
    public void EarlyRedemptionPaysTheBondsCdrNotTheWaterfall()
    {
        var bond = NewBond();
        bond.Deposit(_user, A(1000));
        _ampl.Rebase(-(_ampl.TotalSupply / 10 * 9));
        long before = _ampl.BalanceOf(_user);
        Assert.Equal(A(10), bond.Redeem(_user, [A(25), A(75)]));
        Assert.Equal(before + A(10), _ampl.BalanceOf(_user));
    }

    [Fact]
    public void MaturityPaysTheSeniorFirstAndTheJuniorTheRest()
    {
        var bond = NewBond();
        bond.Deposit(_user, A(1000));
        _ampl.Rebase(-(_ampl.TotalSupply / 10 * 9));
        var early = Assert.Throws<BondException>(() => bond.Mature(_user));
        Assert.Equal(BondException.InvalidCallToMature, early.Rule);

        _chain.AdvanceTo(bond.MaturityDate + 1);
        bond.Mature(_user);
        Assert.Equal(A(100), _ampl.BalanceOf(bond.Senior.Account));
        Assert.Equal(0, _ampl.BalanceOf(bond.Junior.Account));
        Assert.Equal(A(40), bond.RedeemMature(_user, bond.Senior, A(100)));
        Assert.Equal(0, bond.RedeemMature(_user, bond.Junior, A(750)));
        Assert.Equal(A(150), bond.TotalDebt);
        Assert.Throws<BondException>(() => bond.Deposit(_user, A(100)));
        Assert.Throws<BondException>(() => bond.Mature(_owner));
    }

    [Fact]
    public void MaturityRevertsWhenASeniorTrancheWithNoSupplyIsPaidCollateral()
    {
        // Melding every senior away leaves the junior's rounding remainder and some collateral;
        // mature() then pays the senior tranche and redeems the bond's zero balance of it, which
        // divides by the senior's zero supply.
        var bond = NewBond();
        bond.Deposit(_user, A(1000) + 2);
        bond.Redeem(_user, [A(250), A(750)]);
        Assert.Equal(0, bond.Senior.TotalSupply);
        Assert.Equal(1, bond.Junior.TotalSupply);
        Assert.True(bond.CollateralBalance > 0);

        _chain.AdvanceTo(bond.MaturityDate + 1);
        var e = Assert.Throws<BondException>(() => bond.Mature(_user));
        Assert.Equal(BondException.DivisionByZero, e.Rule);
        Assert.False(bond.IsMature);
    }

    [Fact]
    public void TheOwnerMayMatureEarlyButNotAtExactlyTheMaturityForOthers()
    {
        var bond = NewBond();
        bond.Deposit(_user, A(1000));
        _chain.AdvanceTo(bond.MaturityDate);
        Assert.Equal(0, bond.SecondsToMaturity);
        var e = Assert.Throws<BondException>(() => bond.Mature(_user));
        Assert.Equal(BondException.InvalidCallToMature, e.Rule);
        bond.Mature(_owner);
        Assert.True(bond.IsMature);
    }

    [Fact]
    public void RedeemMatureBeforeMaturityReverts()
    {
        var bond = NewBond();
        bond.Deposit(_user, A(1000));
        var e = Assert.Throws<BondException>(() => bond.RedeemMature(_user, bond.Senior, A(1)));
        Assert.Equal(BondException.NotMature, e.Rule);
    }

    [Fact]
    public void ADepositFeeIsMintedToTheBondAndPaidToTheOwnerAtMaturity()
    {
        var bond = NewBond();
        bond.SetFee(_owner, 50);
        Assert.Throws<BondException>(() => bond.SetFee(_owner, 51));
        var received = bond.Deposit(_user, A(1000));
        Assert.Equal([A(248.75m), A(746.25m)], received);
        _chain.AdvanceTo(bond.MaturityDate + 1);
        bond.Mature(_user);
        Assert.Equal(A(5), _ampl.BalanceOf(_owner));
    }

    [Fact]
    public void The2023ControllerSkimsCollateralSentByTransfer()
    {
        var bond = NewBond(version: BondControllerVersion.MinimumValidDebt2023);
        bond.Deposit(_user, A(1000));
        _ampl.Transfer(_other, bond.Account, A(300));
        bond.Deposit(_user, A(1000));
        Assert.Equal(A(300), _ampl.BalanceOf(_owner));
        Assert.Equal(A(2000), bond.CollateralBalance);
        Assert.Equal(A(2000), bond.TotalDebt);
    }

    [Theory]
    [InlineData(new[] { 200, 800 })]
    [InlineData(new[] { 250, 750 })]
    [InlineData(new[] { 333, 667 })]
    [InlineData(new[] { 100, 200, 300, 400 })]
    public void AnyRatiosSummingToOneThousandWork(int[] ratios)
    {
        var bond = NewBond(ratios);
        var minted = bond.Deposit(_user, A(1000));
        Assert.Equal(ratios.Select(r => A(r)), minted);
    }

    [Fact]
    public void RatiosNotSummingToOneThousandAreRefused() =>
        Assert.Equal(BondException.InvalidTrancheRatios, Assert.Throws<BondException>(() => NewBond([200, 700])).Rule);

    [Fact]
    public void TheIssuerFollowsItsWeeklyWindow()
    {
        var chain = new Chain(1_704_200_000);
        var ampl = new AmplToken(chain, chain.CreateAccount("t"));
        var issuer = new BondIssuer(chain, ampl, BondIssuerConfig.Mainnet(BondIssuerConfig.Ratios25x75));
        var first = issuer.GetLatestBond();
        long window = issuer.LastIssueWindowTimestamp;
        Assert.Equal(529_200, (window - 0) % 604_800);
        Assert.True(window <= chain.Now && chain.Now - window < 604_800);
        Assert.Equal(window + 2_419_200, first.MaturityDate);
        chain.AdvanceTo(window + 604_799);
        Assert.Same(first, issuer.GetLatestBond());
        chain.AdvanceTo(window + 604_800);
        var second = issuer.GetLatestBond();
        Assert.NotSame(first, second);
        Assert.Equal(window + 604_800 + 2_419_200, second.MaturityDate);
        Assert.Equal([250, 750], second.Tranches.Select(t => t.Ratio));
    }
}
