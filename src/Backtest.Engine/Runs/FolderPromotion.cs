namespace Backtest.Engine.Runs;

/// <summary>
/// Makes a run folder appear whole or not at all: everything is written to a staging folder
/// beside the target and renamed into place at the end, so a failure leaves the previous folder
/// (if any) as it was and no partial one.
/// </summary>
internal static class FolderPromotion
{
    /// <summary>Refuses to replace a folder that is not a run folder (the user may have pointed --out at something else).</summary>
    public static void CheckTarget(string target)
    {
        if (File.Exists(target))
        {
            throw new InputException("the output path is a file, not a folder", file: target);
        }

        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !File.Exists(Path.Combine(target, "manifest.json")))
        {
            throw new InputException("the output folder exists, is not empty and is not a run folder (no manifest.json); choose another --out", file: target);
        }
    }

    /// <summary>A fresh staging folder beside <paramref name="target"/>.</summary>
    public static string CreateStaging(string target)
    {
        var staging = $"{target}.partial-{Environment.ProcessId}";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        return staging;
    }

    public static void Promote(string staging, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (Directory.Exists(target))
        {
            var old = $"{target}.old-{Environment.ProcessId}";
            Directory.Move(target, old);
            Directory.Move(staging, target);
            TryDelete(old);
        }
        else
        {
            Directory.Move(staging, target);
        }
    }

    public static void TryDelete(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // Leaving a stray folder behind is better than hiding the original failure.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
