using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Backtest.Engine.Models.Wf6;
using Backtest.IO.Tables;
using Backtest.Numerics;
using Backtest.Numerics.Random;

namespace Backtest.Benchmarks.Waterfall;

/// <summary>
/// <c>wf6-compare</c>: the engine's WF6 and the independent NumPy implementation
/// (tools/wf6_numpy.py) on the same machine in one run. Prints both throughputs (path-days per
/// second; the engine on every core, median of several runs, NumPy once on its one thread) and
/// their ratio, then checks the statistics: means within 4 standard errors of their difference
/// (√(se₁² + se₂²)) and probabilities within 4 binomial standard errors of theirs
/// (√(p̄(1 − p̄)(1/n₁ + 1/n₂)), p̄ pooled). Exit code 0 when all agree, 1 when one does not.
/// </summary>
public static class Wf6Comparison
{
    private static readonly string[] Means = ["mean_final", "mean_loss"];
    private static readonly string[] Probabilities = ["p_impaired", "p_wiped", "p_breaker", "p_shortfall"];

    public static int Run(string[] args)
    {
        int paths = Option(args, "--paths", 200_000);
        int runs = Option(args, "--runs", 5);
        ulong seed = (ulong)Option(args, "--seed", 20251015);
        string python = OptionText(args, "--python") ?? "/usr/bin/python3";
        string script = OptionText(args, "--script") ?? Path.Combine("tools", "wf6_numpy.py");

        var simulation = new Wf6Simulation(Wf6Settings.Reference, RandomStream.Create(seed, 0, 0));
        simulation.Run(Math.Min(paths, 8192), threads: 0);
        var seconds = new List<double>();
        var cpuSeconds = new List<double>();
        ColumnTable? summary = null;
        for (int r = 0; r < runs; r++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var outputs = simulation.Run(paths, threads: 0);
            seconds.Add(clock.Elapsed.TotalSeconds);
            cpuSeconds.Add((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
            summary ??= Wf6Results.Summarize(Wf6Settings.Reference.Terms, Wf6Results.ToTable(outputs));
        }

        seconds.Sort();
        cpuSeconds.Sort();
        double engineRate = paths * 1095.0 / seconds[seconds.Count / 2];
        Console.WriteLine($"engine: {paths} paths x 1095 days, {Environment.ProcessorCount} threads, {simulation.Tier}: median of {runs} runs {seconds[seconds.Count / 2]:F3} s (min {seconds[0]:F3}, max {seconds[^1]:F3}) = {engineRate / 1e6:F1} M path-days/s");
        Console.WriteLine($"engine per CPU-second of this process (less sensitive to other load): median {paths * 1095.0 / cpuSeconds[cpuSeconds.Count / 2] / 1e6:F1} M path-days/s, i.e. {paths * 1095.0 / cpuSeconds[cpuSeconds.Count / 2] * Environment.ProcessorCount / 1e6:F1} M on {Environment.ProcessorCount} uncontended cores");

        string json = Path.GetTempFileName();
        var numpy = Process.Start(new ProcessStartInfo(python, [script, "--paths", paths.ToString(CultureInfo.InvariantCulture), "--seed", "1", "--json", json]) { RedirectStandardOutput = true })
            ?? throw new InvalidOperationException($"could not start {python}");
        Console.Write(numpy.StandardOutput.ReadToEnd());
        numpy.WaitForExit();
        if (numpy.ExitCode != 0)
        {
            Console.WriteLine($"{python} {script} failed with exit code {numpy.ExitCode}");
            return 2;
        }

        using var reference = JsonDocument.Parse(File.ReadAllText(json));
        File.Delete(json);
        double numpyRate = reference.RootElement.GetProperty("path_days_per_second").GetDouble();
        Console.WriteLine($"ratio engine / NumPy: {engineRate / numpyRate:F1}x ({engineRate / 1e6:F1} vs {numpyRate / 1e6:F2} M path-days/s, measured in this run on a machine others may share)");
        Console.WriteLine();
        return Agree(summary!, reference.RootElement.GetProperty("tiers")) ? 0 : 1;
    }

    private static bool Agree(ColumnTable engine, JsonElement numpy)
    {
        bool all = true;
        Console.WriteLine($"{"tier",-10} {"statistic",-12} {"engine",16} {"numpy",16} {"z",7}");
        for (int row = 0; row < engine.RowCount; row++)
        {
            var other = numpy[row];
            long n1 = engine.Int64("paths")[row];
            long n2 = other.GetProperty("paths").GetInt64();
            foreach (string name in Means)
            {
                double a = Fixed.ToDouble(engine.Int64(name)[row]), b = other.GetProperty(name).GetDouble();
                double se = Math.Sqrt(Math.Pow(engine.Double(name + "_se")[row], 2) + Math.Pow(other.GetProperty(name + "_se").GetDouble(), 2));
                all &= Report(engine.Text("name")[row]!, name, a, b, se);
            }

            foreach (string name in Probabilities)
            {
                double a = engine.Double(name)[row], b = other.GetProperty(name).GetDouble();
                double pooled = ((a * n1) + (b * n2)) / (n1 + n2);
                all &= Report(engine.Text("name")[row]!, name, a, b, Math.Sqrt(pooled * (1 - pooled) * ((1.0 / n1) + (1.0 / n2))));
            }

            Console.WriteLine($"{engine.Text("name")[row],-10} {"var99_loss",-12} {Fixed.ToDouble(engine.Int64("var99_loss")[row]),16:F2} {other.GetProperty("var99_loss").GetDouble(),16:F2} {"(not tested)",7}");
            Console.WriteLine($"{engine.Text("name")[row],-10} {"es99_loss",-12} {engine.Double("es99_loss")[row],16:F2} {other.GetProperty("es99_loss").GetDouble(),16:F2} {"(not tested)",7}");
        }

        Console.WriteLine(all ? "all means within 4 standard errors and all probabilities within 4 binomial standard errors" : "DISAGREEMENT: see the rows marked !");
        return all;
    }

    private static bool Report(string tier, string statistic, double engine, double numpy, double standardError)
    {
        bool ok = engine == numpy || Math.Abs(engine - numpy) <= 4 * standardError;
        double z = standardError > 0 ? (engine - numpy) / standardError : 0;
        Console.WriteLine($"{tier,-10} {statistic,-12} {engine,16:G10} {numpy,16:G10} {z,7:F2}{(ok ? string.Empty : "  !")}");
        return ok;
    }

    private static int Option(string[] args, string name, int fallback) =>
        OptionText(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    private static string? OptionText(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
