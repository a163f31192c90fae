using System.Diagnostics;

namespace Backtest.Reports.Tests.Browser;

/// <summary>
/// Headless Chromium (Debian's <c>chromium</c> package) driven from the command line, with a
/// fresh profile per run and every background network feature off.
/// </summary>
internal static class Chromium
{
    public const string DefaultPath = "/usr/bin/chromium";

    /// <summary>The browser binary: $BACKTEST_CHROMIUM, else /usr/bin/chromium; null when neither exists.</summary>
    public static string? Path =>
        Environment.GetEnvironmentVariable("BACKTEST_CHROMIUM") is { Length: > 0 } p && File.Exists(p) ? p
        : File.Exists(DefaultPath) ? DefaultPath
        : null;

    /// <summary>Runs Chromium on a page with extra arguments; returns stdout and stderr.</summary>
    public static (string Stdout, string Stderr) Run(string page, params string[] arguments)
    {
        string binary = Path ?? throw new InvalidOperationException($"chromium not found at {DefaultPath} (install it with: apt-get install -y chromium)");
        string profile = Directory.CreateTempSubdirectory("backtest-chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo(binary)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var a in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                $"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
            }.Concat(arguments))
            {
                start.ArgumentList.Add(a);
            }

            start.ArgumentList.Add(new Uri(System.IO.Path.GetFullPath(page)).AbsoluteUri);
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"chromium did not finish within 90 s on {page}");
            }

            return (stdout.Result, stderr.Result);
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}

/// <summary>
/// A fact that needs Chromium. Outside CI it is skipped, with the reason, when the browser is
/// missing; in CI (CI=true) it always runs, so a missing browser fails instead of passing silently.
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Path is null && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = $"chromium not found at {Chromium.DefaultPath} or $BACKTEST_CHROMIUM; install it with: apt-get install -y chromium";
        }
    }
}
