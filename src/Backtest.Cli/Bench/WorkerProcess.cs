using System.Diagnostics;
using System.Text.Json;

namespace Backtest.Cli.Bench;

/// <summary>
/// A running <see cref="BenchWorker"/> process for one build, spoken to one request at a time.
/// Its standard error (where the benchmarks' own console output goes) is kept, the last lines
/// shown when it fails. Disposing closes its input and ends it if it does not exit by itself.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private const int KeptErrorLines = 20;

    private readonly Process process;
    private readonly Queue<string> errorTail = new();
    private readonly string label;

    /// <summary>Set when a request was abandoned (time-out, cancellation): the worker may be mid-iteration and is ended at once.</summary>
    private bool abandoned;

    private WorkerProcess(Process process, string label)
    {
        this.process = process;
        this.label = label;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (errorTail)
            {
                errorTail.Enqueue(e.Data);
                if (errorTail.Count > KeptErrorLines)
                {
                    errorTail.Dequeue();
                }
            }
        };
        process.BeginErrorReadLine();
    }

    /// <summary>Starts a worker on a benchmarks assembly; <paramref name="label"/> names the build in messages.</summary>
    public static WorkerProcess Start(string benchmarksAssembly, string label)
    {
        var (file, prefix) = HostCommand();
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in prefix.Append("bench-worker").Append(benchmarksAssembly))
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start the benchmark worker ({file})");
        return new WorkerProcess(process, label);
    }

    /// <summary>How to start this CLI again: through the dotnet host when that is what runs it, else its app host.</summary>
    internal static (string File, string[] Prefix) HostCommand()
    {
        var entry = typeof(BacktestCli).Assembly.Location;
        var host = Environment.ProcessPath;
        if (host is not null && Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            return (host, ["exec", entry]);
        }

        var appHost = Path.Combine(Path.GetDirectoryName(entry)!, OperatingSystem.IsWindows() ? "backtest.exe" : "backtest");
        if (File.Exists(appHost))
        {
            return (appHost, []);
        }

        return (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", ["exec", entry]);
    }

    /// <summary>Sends a request and waits for the answer; a failed answer, a dead worker or a time-out throws.</summary>
    public WorkerReply Send(WorkerRequest request, TimeSpan timeout, CancellationToken cancellation)
    {
        process.StandardInput.WriteLine(JsonSerializer.Serialize(request, BenchWorker.Json));
        process.StandardInput.Flush();
        var read = process.StandardOutput.ReadLineAsync(cancellation).AsTask();
        try
        {
            if (!read.Wait(timeout, cancellation))
            {
                abandoned = true;
                throw new BenchException($"{label}: '{request.Op}' took longer than {timeout.TotalSeconds:F0} s");
            }
        }
        catch (OperationCanceledException)
        {
            abandoned = true;
            throw;
        }
        catch (AggregateException e) when (e.InnerException is OperationCanceledException inner)
        {
            abandoned = true;
            throw inner;
        }

        var line = read.Result ?? throw new BenchException($"{label}: the worker ended during '{request.Op}'{ErrorTail()}");
        var reply = JsonSerializer.Deserialize<WorkerReply>(line, BenchWorker.Json) ?? throw new BenchException($"{label}: empty answer to '{request.Op}'");
        if (!reply.Ok)
        {
            throw new BenchException($"{label}: {request.Op}{(request.Case is null ? string.Empty : " " + request.Case)} failed: {reply.Error}");
        }

        return reply;
    }

    private string ErrorTail()
    {
        lock (errorTail)
        {
            return errorTail.Count == 0 ? string.Empty : $"; its last output: {string.Join(" | ", errorTail)}";
        }
    }

    public void Dispose()
    {
        try
        {
            if (!abandoned)
            {
                process.StandardInput.Close();
            }

            if (abandoned || !process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (IOException)
        {
            // Its input pipe closed first: it has ended.
        }
        finally
        {
            process.Dispose();
        }
    }
}

/// <summary>A benchmark could not be measured (a worker failed, timed out or a build is missing).</summary>
internal sealed class BenchException(string message) : Exception(message);
