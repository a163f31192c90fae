using System.CommandLine;
using Backtest.Cli.Commands;
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

/// <summary>The <c>--catalog</c> and <c>--no-catalog</c> options of the commands that write a run folder (run, merge).</summary>
internal sealed class CatalogOptions
{
    public Option<string?> Catalog { get; } = new("--catalog") { Description = $"Run catalogue to record the run folder in. Default: ${RunCatalog.EnvironmentVariable} or {RunCatalog.DefaultPath}." };

    public Option<bool> NoCatalog { get; } = new("--no-catalog") { Description = "Leave the run catalogue alone: do not record the run folder or list earlier runs in its report (e.g. for a report to publish)." };

    /// <summary>What the options ask for; a named catalogue is opened now, before any work.</summary>
    public CatalogChoice Read(ParseResult parse)
    {
        bool catalogued = !parse.GetValue(NoCatalog);
        var option = parse.GetValue(Catalog);
        if (!catalogued && option is not null)
        {
            throw new InputException("names a catalogue that --no-catalog leaves alone; drop one of them", key: "--catalog");
        }

        if (catalogued)
        {
            CatalogHook.Check(option);
        }

        return new CatalogChoice(catalogued, option);
    }
}

/// <summary>Whether a run folder is catalogued, and in which catalogue (<see cref="Option"/> null: the default).</summary>
internal sealed record CatalogChoice(bool Catalogued, string? Option)
{
    /// <summary>Where the folder's report finds the study's earlier runs, or null when uncatalogued.</summary>
    public HistorySource? History(string finalFolder) => Catalogued ? new HistorySource(finalFolder, Option) : null;

    /// <summary>Records the finished folder (complete whether or not its report was) and says so.</summary>
    public void Record(string folder, TextWriter stdout, TextWriter stderr)
    {
        if (Catalogued && CatalogHook.Record(Option, c => c.RecordRun(RunRecord.FromFolder(folder)), "run", stderr) is { } id)
        {
            stdout.WriteLine($"catalogued as run {id} (backtest runs list)");
        }
    }
}
