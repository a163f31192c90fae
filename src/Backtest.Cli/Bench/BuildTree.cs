using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Backtest.Cli.Bench;

/// <summary>Runs git and dotnet as child processes, ending them if the command is cancelled.</summary>
internal static class Tools
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(string file, IEnumerable<string> args, string workingDirectory, CancellationToken cancellation = default)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(error, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            process.WaitForExitAsync(cancellation).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw;
        }

        process.WaitForExit();
        return new Result(process.ExitCode, output.ToString().Trim(), error.ToString().Trim());
    }

    public static Result Git(string repository, params string[] args) => Run("git", args, repository);

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }
}

/// <summary>
/// A build of the benchmarks project: where its source is and where its assembly lands.
/// <see cref="Build"/> runs <c>dotnet build -c Release</c> on <c>src/Backtest.Benchmarks</c>
/// (with the projects it references, nothing else).
/// </summary>
internal sealed record BenchmarksBuild(string SourceRoot)
{
    public const string ProjectFolder = "src/Backtest.Benchmarks";

    public string Project => Path.Combine(SourceRoot, ProjectFolder, "Backtest.Benchmarks.csproj");

    public string Assembly => Path.Combine(SourceRoot, ProjectFolder, "bin", "Release", "net10.0", "Backtest.Benchmarks.dll");

    public bool HasProject => File.Exists(Project);

    /// <summary>Builds the project; the build log's last lines go into the error when it fails.</summary>
    public TimeSpan Build(string label, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        // Analyzers and XML documentation do not change the compiled code; skipping them saves a good part of the build.
        var result = Tools.Run("dotnet", ["build", Project, "-c", "Release", "-nologo", "-v", "q", "-clp:ErrorsOnly", "-p:RunAnalyzers=false", "-p:GenerateDocumentationFile=false"], SourceRoot, cancellation);
        if (result.ExitCode != 0)
        {
            var log = (result.Output + "\n" + result.Error).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            throw new BenchException($"building the {label} benchmarks failed (dotnet build exit {result.ExitCode}): {string.Join(" | ", log.TakeLast(5))}");
        }

        if (!File.Exists(Assembly))
        {
            throw new BenchException($"the {label} build has no {Assembly}");
        }

        return clock.Elapsed;
    }
}

/// <summary>
/// A detached <c>git worktree</c> of a revision in a temporary folder, for building the baseline
/// from its own source. Disposing removes it (folder and registration); worktrees left by a
/// process that no longer runs (killed before it could clean up) are removed on the next start.
/// </summary>
internal sealed class BaselineWorktree : IDisposable
{
    /// <summary>Folder names start with this, then the owning process id, the short commit and a random part.</summary>
    public const string Prefix = "backtest-bench-baseline-";

    private readonly string repository;

    private BaselineWorktree(string repository, string path, string commit)
    {
        this.repository = repository;
        Path = path;
        Commit = commit;
    }

    public string Path { get; }

    /// <summary>The full commit hash the worktree holds.</summary>
    public string Commit { get; }

    /// <summary>The repository holding the current directory, or null outside one.</summary>
    public static string? RepositoryRoot(string directory)
    {
        var result = Tools.Git(directory, "rev-parse", "--show-toplevel");
        return result.ExitCode == 0 ? result.Output : null;
    }

    /// <summary>The commit a revision names; bad input when git does not know it (e.g. HEAD~1 in a single-commit or shallow clone).</summary>
    public static string Resolve(string repository, string revision)
    {
        var result = Tools.Git(repository, "rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}");
        if (result.ExitCode != 0 || result.Output.Length == 0)
        {
            throw new InputException($"git does not know the revision '{revision}' here (a shallow or single-commit clone lacks earlier commits)", key: "--baseline");
        }

        return result.Output;
    }

    public static BaselineWorktree Create(string repository, string commit)
    {
        RemoveStale(repository);
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{Prefix}{Environment.ProcessId}-{commit[..Math.Min(12, commit.Length)]}-{Guid.NewGuid().ToString("N")[..8]}");
        var result = Tools.Git(repository, "worktree", "add", "--detach", path, commit);
        if (result.ExitCode != 0)
        {
            throw new BenchException($"git worktree add failed: {result.Error.ReplaceLineEndings(" ")}");
        }

        return new BaselineWorktree(repository, path, commit);
    }

    /// <summary>Worktrees of this repository made by <c>backtest bench</c> processes that are no longer running.</summary>
    public static IReadOnlyList<string> Stale(string repository)
    {
        var list = Tools.Git(repository, "worktree", "list", "--porcelain");
        var stale = new List<string>();
        foreach (var line in list.Output.Split('\n'))
        {
            if (!line.StartsWith("worktree ", StringComparison.Ordinal))
            {
                continue;
            }

            var path = line["worktree ".Length..].Trim();
            var name = System.IO.Path.GetFileName(path);
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var pidText = name[Prefix.Length..].Split('-')[0];
            if (int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) && !IsRunning(pid))
            {
                stale.Add(path);
            }
        }

        return stale;
    }

    private static void RemoveStale(string repository)
    {
        foreach (var path in Stale(repository))
        {
            Remove(repository, path);
        }

        Tools.Git(repository, "worktree", "prune");
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void Remove(string repository, string path)
    {
        Tools.Git(repository, "worktree", "remove", "--force", "--force", path);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }

        Tools.Git(repository, "worktree", "prune");
    }

    public void Dispose() => Remove(repository, Path);
}
