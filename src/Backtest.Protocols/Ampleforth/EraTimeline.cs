namespace Backtest.Protocols.Ampleforth;

/// <summary>A period of history that starts at <see cref="From"/> and lasts until the next one.</summary>
public interface IDatedEra
{
    DateTimeOffset From { get; }
}

/// <summary>Eras in time order: which one was in force on a date.</summary>
public class EraTimeline<TEra>
    where TEra : IDatedEra
{
    public EraTimeline(IReadOnlyList<TEra> eras)
    {
        if (eras.Count == 0)
        {
            throw new ArgumentException("a timeline needs at least one era", nameof(eras));
        }

        for (int i = 1; i < eras.Count; i++)
        {
            if (eras[i].From <= eras[i - 1].From)
            {
                throw new ArgumentException($"the era from {eras[i].From:yyyy-MM-dd} does not follow the one from {eras[i - 1].From:yyyy-MM-dd}", nameof(eras));
            }
        }

        Eras = eras;
    }

    public IReadOnlyList<TEra> Eras { get; }

    /// <summary>The era in force at <paramref name="when"/>; before the first era, an error.</summary>
    public TEra At(DateTimeOffset when)
    {
        for (int i = Eras.Count - 1; i >= 0; i--)
        {
            if (Eras[i].From <= when)
            {
                return Eras[i];
            }
        }

        throw new ArgumentOutOfRangeException(nameof(when), when, $"before the first era ({Eras[0].From:yyyy-MM-dd})");
    }

    protected static DateTimeOffset Date(int year, int month, int day) => new(year, month, day, 0, 0, 0, TimeSpan.Zero);
}
