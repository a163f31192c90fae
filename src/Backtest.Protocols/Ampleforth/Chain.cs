namespace Backtest.Protocols.Ampleforth;

/// <summary>
/// The shared context the contracts run in: the block timestamp (<see cref="Now"/>, unix
/// seconds) and the address book. Every contract, holder and tranche is an account id; token
/// ledgers key balances by account id, so a holder is just an id plus a label for messages.
/// </summary>
public sealed class Chain
{
    private readonly List<string> _labels = [];

    /// <summary>A chain whose clock starts at <paramref name="startTimestamp"/> (unix seconds).</summary>
    public Chain(long startTimestamp)
    {
        Now = startTimestamp;
    }

    /// <summary>The current block timestamp in unix seconds.</summary>
    public long Now { get; private set; }

    /// <summary>Moves the clock to <paramref name="timestamp"/>; time never runs backwards.</summary>
    public void AdvanceTo(long timestamp)
    {
        if (timestamp < Now)
        {
            throw new ArgumentOutOfRangeException(nameof(timestamp), timestamp, $"the clock is at {Now} and cannot go back");
        }

        Now = timestamp;
    }

    /// <summary>Moves the clock forward by <paramref name="seconds"/>.</summary>
    public void Advance(long seconds) => AdvanceTo(checked(Now + seconds));

    /// <summary>A new account id; <paramref name="label"/> names it in error messages.</summary>
    public int CreateAccount(string label)
    {
        _labels.Add(label);
        return _labels.Count - 1;
    }

    /// <summary>The label an account was created with.</summary>
    public string Label(int account) =>
        account >= 0 && account < _labels.Count ? _labels[account] : $"#{account}";
}
