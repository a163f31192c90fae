using System.Collections.Concurrent;

namespace Backtest.Engine.Models;

/// <summary>
/// The bundled data folder as a run sees it: models ask for files through it, and every file
/// asked for is recorded so the manifest can list its hash.
/// </summary>
public sealed class DataAccess(string directory)
{
    private readonly ConcurrentDictionary<string, string> used = new(StringComparer.Ordinal);

    /// <summary>The data folder.</summary>
    public string Directory { get; } = directory;

    /// <summary>The full path of a bundled file (e.g. "ampl_usd_daily.csv"), recorded as used.</summary>
    public string File(string name)
    {
        var path = Path.Combine(Directory, name);
        if (!System.IO.File.Exists(path))
        {
            throw new InputException("bundled data file not found", file: path);
        }

        used[name] = path;
        return path;
    }

    /// <summary>The files used so far, by name, sorted.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Used => used.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
}
