using Backtest.Protocols.Ampleforth.Batch;

namespace Backtest.Protocols.Tests.Ampleforth.Batch;

/// <summary>
/// Random daily inputs for one path: an AMPL price that wanders around the target with crashes
/// (weeks below target, deep enough to contract the supply by more than the senior ratio and
/// impair seniors) and booms, a target that drifts, some invalid oracle days, and holder flows
/// sized from the system's state, including ones far larger than the holder owns or the system
/// can pay, so that they revert.
/// </summary>
internal sealed class SpotPathGenerator(int seed, SpotPathGenerator.Profile profile)
{
    private const long Unit = 1_000_000_000;
    private static readonly Int128 One18 = (Int128)1_000_000_000_000_000_000L;

    private readonly Random _random = new(seed);
    private double _price = 1.0;
    private double _target = 1.0;
    private int _regimeDays;
    private double _regimePrice = 1.0;

    /// <summary>How wild the path is: how often flows happen and how often the regime shifts.</summary>
    public sealed record Profile(double FlowProbability, double OversizeProbability, double RegimeProbability, double InvalidProbability)
    {
        public static Profile Calm { get; } = new(0.0, 0.0, 0.01, 0.0);

        public static Profile Stressed { get; } = new(0.35, 0.1, 0.04, 0.01);
    }

    public SpotLaneInput Next(SpotSystem system)
    {
        StepPrice();
        var market = (Int128)(decimal)(_price * 1e18);
        var target = (Int128)(decimal)(_target * 1e18);
        bool marketValid = _random.NextDouble() >= profile.InvalidProbability;
        bool targetValid = _random.NextDouble() >= profile.InvalidProbability / 2;
        var input = new SpotLaneInput(market, target, marketValid, targetValid);
        if (_random.NextDouble() >= profile.FlowProbability)
        {
            return input;
        }

        long perpSupply = Math.Max(system.Perp.TotalSupply, Unit);
        long holderPerps = system.Perp.Token.BalanceOf(system.Holder);
        Int128 holderNotes = system.Vault.Notes.BalanceOf(system.Holder);
        long ampl = system.Ampl.BalanceOf(system.Holder);
        int flows = 1 + _random.Next(3);
        for (int f = 0; f < flows; f++)
        {
            input = _random.Next(6) switch
            {
                0 => input with { PerpRedeem = Size(holderPerps, perpSupply) },
                1 => input with { VaultRedeem = NoteSize(holderNotes) },
                2 => input with { SwapPerpsForUnderlying = Size(holderPerps, perpSupply) },
                3 => input with { SwapUnderlyingForPerps = Size(perpSupply / 4, ampl) },
                4 => input with { PerpMint = Size(perpSupply, ampl) },
                _ => input with { VaultDeposit = Size(perpSupply * 3, ampl) },
            };
        }

        return input;
    }

    private void StepPrice()
    {
        if (_regimeDays <= 0 && _random.NextDouble() < profile.RegimeProbability)
        {
            bool crash = _random.NextDouble() < 0.6;
            _regimeDays = crash ? 10 + _random.Next(40) : 5 + _random.Next(25);
            _regimePrice = crash ? 0.3 + (0.6 * _random.NextDouble()) : 1.1 + _random.NextDouble();
        }

        double anchor = _regimeDays-- > 0 ? _regimePrice : 1.0;
        double noise = (_random.NextDouble() - 0.5) * 0.08;
        _price = Math.Clamp((_price * 0.7) + (anchor * _target * 0.3) + noise, 0.05, 8.0);
        if (_random.NextDouble() < 0.05)
        {
            _target *= 1 + ((_random.NextDouble() - 0.45) * 0.002);
        }

        // Exact round numbers now and then, so threshold edges and identical prices occur.
        if (_random.NextDouble() < 0.05)
        {
            _price = Math.Round(_price, 2);
        }
    }

    /// <summary>A flow amount: usually a fraction of what is at hand, sometimes far more (so it reverts), sometimes a sliver.</summary>
    private long Size(long holding, long scale)
    {
        double u = _random.NextDouble();
        if (u < profile.OversizeProbability)
        {
            return (long)Math.Min(long.MaxValue / 4.0, (Math.Max(holding, scale) + Unit) * (2 + (_random.NextDouble() * 10)));
        }

        if (u < profile.OversizeProbability + 0.05)
        {
            return 1 + _random.Next(1000);
        }

        return (long)(Math.Max(holding, 0) * _random.NextDouble() * 0.3) + 1;
    }

    private Int128 NoteSize(Int128 holding)
    {
        double u = _random.NextDouble();
        if (u < profile.OversizeProbability)
        {
            return (holding + 1) * (2 + _random.Next(5));
        }

        double fraction = _random.NextDouble() * 0.3;
        return (Int128)((decimal)holding * (decimal)fraction) + 1;
    }
}
