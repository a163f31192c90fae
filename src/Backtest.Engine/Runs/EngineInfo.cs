using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backtest.Engine.Runs;

/// <summary>What built and what runs this engine: recorded in every manifest.</summary>
public static class EngineInfo
{
    private static readonly Assembly Self = typeof(EngineInfo).Assembly;

    /// <summary>The engine version (the assembly's informational version without build metadata).</summary>
    public static string Version { get; } =
        Self.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>The git commit the engine was built from, or "unknown".</summary>
    public static string GitCommit { get; } = Metadata("GitCommit") ?? "unknown";

    /// <summary>Whether tracked files differed from that commit when the engine was built.</summary>
    public static bool GitDirty { get; } = Metadata("GitDirty") == "true";

    /// <summary>The widest hardware-accelerated SIMD width on this machine right now.</summary>
    public static string SimdWidth =>
        Vector512.IsHardwareAccelerated ? "512" : Vector256.IsHardwareAccelerated ? "256" : Vector128.IsHardwareAccelerated ? "128" : "scalar";

    /// <summary>A short description of the machine: OS, CPU, cores, runtime.</summary>
    public static IReadOnlyDictionary<string, string> Machine() => new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["os"] = RuntimeInformation.OSDescription,
        ["architecture"] = RuntimeInformation.OSArchitecture.ToString(),
        ["cpu"] = CpuModel(),
        ["logical_cores"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["runtime"] = RuntimeInformation.FrameworkDescription,
        ["simd"] = SimdWidth,
    };

    private static string? Metadata(string key) =>
        Self.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;

    private static string CpuModel()
    {
        try
        {
            if (File.Exists("/proc/cpuinfo"))
            {
                var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
                if (line is not null)
                {
                    return line[(line.IndexOf(':') + 1)..].Trim();
                }
            }
        }
        catch (IOException)
        {
            // An unreadable /proc is not worth failing a run over.
        }

        return Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") ?? "unknown";
    }
}
