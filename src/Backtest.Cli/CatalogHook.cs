using Backtest.Engine.Catalog;
using Microsoft.Data.Sqlite;

namespace Backtest.Cli;

/// <summary>
/// Writes to the run catalogue after a command's real work is done. The catalogue is an index:
/// a failure to update it is a warning on standard error, never a reason to lose or fail a
/// finished run folder or bench session (the exit code stays as the work decided); the folder
/// can be catalogued later with <c>backtest runs add</c>.
/// </summary>
internal static class CatalogHook
{
    /// <summary>Whether the user named a catalogue (option or environment), which is then checked before any work starts.</summary>
    public static bool IsExplicit(string? option) =>
        option is not null || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(RunCatalog.EnvironmentVariable));

    /// <summary>Opens the named catalogue once, so a bad path is bad input before hours of work rather than a warning after.</summary>
    public static void Check(string? option)
    {
        if (IsExplicit(option))
        {
            RunCatalog.Open(RunCatalog.Locate(option)).Dispose();
        }
    }

    /// <summary>Records something; returns the new id, or null after printing a warning.</summary>
    public static long? Record(string? option, Func<RunCatalog, long> write, string what, TextWriter stderr)
    {
        var path = RunCatalog.Locate(option);
        try
        {
            using var catalog = RunCatalog.Open(path);
            return write(catalog);
        }
        catch (Exception e) when (e is InputException or SqliteException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"backtest: warning: the {what} was not recorded in the run catalogue {path}: {e.Message.Split('\n')[0]}");
            return null;
        }
    }
}
