using System.Security.Cryptography;
using Backtest.IO;

namespace Backtest.Market.Data;

/// <summary>Finding the bundled data folder and fingerprinting input files for run manifests.</summary>
public static class DataFiles
{
    /// <summary>Environment variable that, when set, names the data folder and overrides the search.</summary>
    public const string FolderVariable = "BACKTEST_DATA";

    /// <summary>The file that marks the repository root (with a <c>data</c> folder beside it).</summary>
    public const string SolutionFileName = "Backtest.sln";

    /// <summary>
    /// The data folder: <c>$BACKTEST_DATA</c> if set (it must exist), otherwise the <c>data</c>
    /// folder of the first folder at or above the current directory, then at or above the
    /// application's own folder, that holds both <c>Backtest.sln</c> and <c>data/</c>. Throws
    /// <see cref="InputException"/> (key <c>BACKTEST_DATA</c>) when neither finds one.
    /// </summary>
    public static string LocateFolder() =>
        LocateFolder(Environment.GetEnvironmentVariable(FolderVariable), [Environment.CurrentDirectory, AppContext.BaseDirectory]);

    /// <summary>The path of a bundled file in <see cref="LocateFolder()"/>.</summary>
    public static string PathOf(BundledFile file) => Path.Combine(LocateFolder(), file.FileName);

    /// <summary>
    /// The SHA-256 of the file's bytes as 64 lowercase hex digits (the form <c>sha256sum</c>
    /// prints), for the input-data hashes of a run manifest.
    /// </summary>
    public static string Sha256(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new DataFileException(path, null, null, "file not found", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataFileException(path, null, null, $"cannot be read: {e.Message}", e);
        }
    }

    /// <summary>The SHA-256 of <paramref name="bytes"/> as 64 lowercase hex digits.</summary>
    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The nearest folder at or above <paramref name="start"/> holding <c>Backtest.sln</c> and <c>data/</c>, or null.</summary>
    public static string? FindRepositoryRoot(string start)
    {
        for (var folder = new DirectoryInfo(Path.GetFullPath(start)); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, SolutionFileName)) && Directory.Exists(Path.Combine(folder.FullName, "data")))
            {
                return folder.FullName;
            }
        }

        return null;
    }

    internal static string LocateFolder(string? variable, IReadOnlyList<string> searchFrom)
    {
        if (!string.IsNullOrEmpty(variable))
        {
            return Directory.Exists(variable)
                ? Path.GetFullPath(variable)
                : throw new InputException($"the data folder \"{variable}\" does not exist", key: FolderVariable);
        }

        foreach (var start in searchFrom)
        {
            if (FindRepositoryRoot(start) is { } root)
            {
                return Path.Combine(root, "data");
            }
        }

        throw new InputException(
            $"the bundled data folder was not found: no folder at or above {string.Join(" or ", searchFrom)} holds {SolutionFileName} and data/; set {FolderVariable} to the data folder",
            key: FolderVariable);
    }
}
