using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Backtest.Cli.Bench;

/// <summary>
/// CPU time consumed by this process, all threads: <c>clock_gettime(CLOCK_PROCESS_CPUTIME_ID)</c>
/// on Linux (nanosecond resolution), <see cref="Process.TotalProcessorTime"/> elsewhere (often
/// 10–16 ms resolution, too coarse for short iterations).
/// </summary>
internal static partial class CpuClock
{
    private const int ProcessCpuTimeClock = 2;

    public static long ProcessNanoseconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(ProcessCpuTimeClock, out var time) == 0)
        {
            return (time.Seconds * 1_000_000_000L) + time.Nanoseconds;
        }

        using var self = Process.GetCurrentProcess();
        return (long)self.TotalProcessorTime.TotalNanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
