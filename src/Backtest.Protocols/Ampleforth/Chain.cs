namespace Backtest.Protocols.Ampleforth;

/// <summary>
/// The shared context the contracts run in: the block timestamp (<see cref="Now"/>, unix
/// seconds), the address book, and the transaction journal. Every contract, holder and tranche
/// is an account id; token ledgers key balances by account id.
/// </summary>
/// <remarks>
/// A contract call that reverts leaves no trace, as on chain: every public operation runs inside
/// <see cref="Atomic{T}"/>, every state change records how to undo itself with
/// <see cref="Record"/>, and a <see cref="ProtocolException"/> (or any other exception) escaping
/// the outermost call undoes everything that call changed before it propagates.
/// </remarks>
public sealed class Chain
{
    private readonly List<string> _labels = [];
    private readonly List<Action> _undo = [];
    private int _depth;

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

    /// <summary>Runs a contract call as one transaction: if it throws, every recorded change is undone.</summary>
    public T Atomic<T>(Func<T> call)
    {
        int mark = _undo.Count;
        _depth++;
        try
        {
            return call();
        }
        catch
        {
            Rollback(mark);
            throw;
        }
        finally
        {
            _depth--;
            if (_depth == 0)
            {
                _undo.Clear();
            }
        }
    }

    /// <summary>Runs a contract call without a result as one transaction.</summary>
    public void Atomic(Action call) => Atomic(() =>
    {
        call();
        return true;
    });

    /// <summary>Records how to undo a state change; outside a transaction there is nothing to roll back to.</summary>
    public void Record(Action undo)
    {
        if (_depth > 0)
        {
            _undo.Add(undo);
        }
    }

    /// <summary>Records the current contents of a list so a rollback restores them.</summary>
    public void RecordList<T>(List<T> list)
    {
        if (_depth > 0)
        {
            var copy = list.ToArray();
            _undo.Add(() =>
            {
                list.Clear();
                list.AddRange(copy);
            });
        }
    }

    /// <summary>Records the current entry for a key (or its absence) so a rollback restores it.</summary>
    public void RecordEntry<TKey, TValue>(Dictionary<TKey, TValue> map, TKey key)
        where TKey : notnull
    {
        if (_depth == 0)
        {
            return;
        }

        if (map.TryGetValue(key, out var old))
        {
            _undo.Add(() => map[key] = old);
        }
        else
        {
            _undo.Add(() => map.Remove(key));
        }
    }

    private void Rollback(int mark)
    {
        for (int i = _undo.Count - 1; i >= mark; i--)
        {
            _undo[i]();
        }

        _undo.RemoveRange(mark, _undo.Count - mark);
    }
}

/// <summary>A contract storage slot whose writes are journaled on the chain, so a reverted call restores it.</summary>
public sealed class Journaled<T>(Chain chain, T initial)
{
    public T Value { get; private set; } = initial;

    public void Set(T value)
    {
        T old = Value;
        chain.Record(() => Value = old);
        Value = value;
    }
}

/// <summary>
/// OpenZeppelin's EnumerableSet as the perp's reserve and the vault's deployed list use it:
/// insertion appends, removal moves the last element into the gap (which fixes the order the
/// contracts iterate in), and every change is journaled.
/// </summary>
public sealed class JournaledSet<T>(Chain chain)
    where T : class
{
    private readonly List<T> _items = [];

    public int Count => _items.Count;

    public IReadOnlyList<T> Items => _items;

    public T this[int index] => _items[index];

    public bool Contains(T item) => _items.Contains(item);

    /// <summary>Adds <paramref name="item"/> when <paramref name="present"/> and it is absent, removes it when not present and held; returns whether it added.</summary>
    public bool Sync(T item, bool present)
    {
        int index = _items.IndexOf(item);
        if (present && index < 0)
        {
            chain.RecordList(_items);
            _items.Add(item);
            return true;
        }

        if (!present && index >= 0)
        {
            chain.RecordList(_items);
            _items[index] = _items[^1];
            _items.RemoveAt(_items.Count - 1);
        }

        return false;
    }
}
