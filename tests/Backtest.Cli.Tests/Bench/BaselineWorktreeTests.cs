using Backtest.Cli.Bench;

namespace Backtest.Cli.Tests.Bench;

/// <summary>The baseline worktree's git handling, on a small repository made here (building a real baseline is left to CI's gate step).</summary>
public sealed class BaselineWorktreeTests : IDisposable
{
    private readonly string repository = Directory.CreateTempSubdirectory("backtest-bench-repo-").FullName;

    public BaselineWorktreeTests()
    {
        Git("init", "-q", "-b", "main");
        File.WriteAllText(Path.Combine(repository, "kernel.txt"), "fast");
        Git("add", "kernel.txt");
        Git("commit", "-q", "-m", "first");
    }

    public void Dispose()
    {
        foreach (var stale in BaselineWorktree.Stale(repository))
        {
            Directory.Delete(stale, recursive: true);
        }

        Directory.Delete(repository, recursive: true);
    }

    private string Git(params string[] args)
    {
        var result = Tools.Run("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", .. args], repository);
        Assert.True(result.ExitCode == 0, result.Error);
        return result.Output;
    }

    private void SecondCommit()
    {
        File.WriteAllText(Path.Combine(repository, "kernel.txt"), "slow");
        Git("commit", "-q", "-am", "second");
    }

    [Fact]
    public void ASingleCommitCloneHasNoPreviousCommitAndSaysSo()
    {
        var e = Assert.Throws<InputException>(() => BaselineWorktree.Resolve(repository, "HEAD~1"));
        Assert.Contains("HEAD~1", e.Message);
        Assert.StartsWith("--baseline: ", e.Message);
        Assert.Throws<InputException>(() => BaselineWorktree.Resolve(repository, "--output=/tmp/x"));
    }

    [Fact]
    public void TheWorktreeHoldsTheBaselineAndIsRemovedAfterwards()
    {
        var first = Git("rev-parse", "HEAD");
        SecondCommit();
        Assert.Equal(first, BaselineWorktree.Resolve(repository, "HEAD~1"));

        string path;
        using (var worktree = BaselineWorktree.Create(repository, first))
        {
            path = worktree.Path;
            Assert.Equal("fast", File.ReadAllText(Path.Combine(path, "kernel.txt")));
            Assert.Equal("slow", File.ReadAllText(Path.Combine(repository, "kernel.txt")));
            Assert.Contains(path, Git("worktree", "list"));
        }

        Assert.False(Directory.Exists(path));
        Assert.DoesNotContain(path, Git("worktree", "list"));
    }

    [Fact]
    public void WorktreesLeftByAProcessThatIsGoneAreRemovedOnTheNextStart()
    {
        var first = Git("rev-parse", "HEAD");
        SecondCommit();

        // A worktree named for a process id above the kernel's limit: no such process can run.
        int deadPid = int.Parse(File.ReadAllText("/proc/sys/kernel/pid_max").Trim(), System.Globalization.CultureInfo.InvariantCulture) + 1;
        var leftover = Path.Combine(Path.GetTempPath(), $"{BaselineWorktree.Prefix}{deadPid}-{first[..12]}");
        Git("worktree", "add", "-q", "--detach", leftover, first);
        Assert.Equal([leftover], BaselineWorktree.Stale(repository));

        using (BaselineWorktree.Create(repository, first))
        {
            Assert.False(Directory.Exists(leftover));
            Assert.DoesNotContain(leftover, Git("worktree", "list"));
            Assert.Empty(BaselineWorktree.Stale(repository));
        }
    }
}
