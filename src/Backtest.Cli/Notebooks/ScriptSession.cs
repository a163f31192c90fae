using System.Globalization;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;

namespace Backtest.Cli.Notebooks;

/// <summary>How one cell ended: its outputs, and for a failure the one-line reason.</summary>
internal sealed record CellRun(IReadOnlyList<CellOutput> Outputs, string? Failure);

/// <summary>
/// One C# scripting session (Roslyn): each cell is a submission that continues the previous
/// one, so variables, types and <c>using</c> directives carry from cell to cell. Cells run on a
/// thread of their own in the invariant culture, with the console routed to the cell's outputs.
/// A cell that outlives its time budget is abandoned (a thread cannot be stopped from outside;
/// its <see cref="NotebookGlobals.CellCancellation"/> is cancelled so cooperative work ends)
/// and reported as the cell's failure; the session cannot continue after that.
/// </summary>
internal sealed class ScriptSession(NotebookGlobals globals)
{
    /// <summary>Namespaces every cell starts with.</summary>
    public static readonly IReadOnlyList<string> Imports =
    [
        "System",
        "System.Collections.Generic",
        "System.Globalization",
        "System.IO",
        "System.Linq",
        "System.Text",
        "System.Threading",
        "System.Threading.Tasks",
        "Backtest",
        "Backtest.Numerics",
        "Backtest.Numerics.Statistics",
        "Backtest.IO.Parquet",
        "Backtest.IO.Tables",
        "Backtest.Market.Data",
        "Backtest.Engine.Models",
        "Backtest.Engine.Runs",
        "Backtest.Engine.Studies",
        "Backtest.Reports",
        "Backtest.Reports.Charts",
        "Backtest.Reports.Data",
    ];

    /// <summary>The engine's assemblies every cell can use (besides the .NET shared framework).</summary>
    public static readonly IReadOnlyList<Assembly> EngineAssemblies =
    [
        typeof(Backtest.Numerics.Fixed).Assembly,
        typeof(Backtest.IO.Parquet.ParquetReader).Assembly,
        typeof(Backtest.Market.Data.DataFiles).Assembly,
        typeof(Backtest.Protocols.ProtocolException).Assembly,
        typeof(Backtest.Engine.Runs.StudyRunner).Assembly,
        typeof(Backtest.Reports.RunReport).Assembly,
    ];

    /// <summary>Roslyn compiles deeply nested expressions recursively; the default 1.5 MB thread stack is not always enough.</summary>
    private const int CellThreadStack = 16 << 20;

    private static readonly Lazy<ScriptOptions> BaseOptions = new(CreateOptions);

    private ScriptState<object>? state;
    private bool abandoned;

    /// <summary>Runs one cell's code; <paramref name="cellNumber"/> (1-based, counting every cell) names it in errors.</summary>
    public CellRun Run(string code, int cellNumber, CellOutputSink sink, TimeSpan budget)
    {
        if (abandoned)
        {
            throw new InvalidOperationException("the session was abandoned when a cell ran past its time budget");
        }

        var options = BaseOptions.Value.WithFilePath($"cell {cellNumber}");
        var cancellation = new CancellationTokenSource();
        globals.Begin(sink, cancellation.Token);
        Exception? failure = null;
        var thread = new Thread(
            () =>
            {
                CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
                CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
                CellConsole.CaptureInto(sink);
                try
                {
                    var next = (state is null
                        ? CSharpScript.RunAsync(code, options, globals, typeof(NotebookGlobals), cancellation.Token)
                        : state.ContinueWithAsync(code, options, cancellation.Token)).GetAwaiter().GetResult();
                    if (DisplayFormatter.Format(next.ReturnValue, sink.NextChartId) is { } result)
                    {
                        sink.Result(result);
                    }

                    state = next;
                }
                catch (Exception e)
                {
                    failure = e;
                }
            },
            CellThreadStack)
        {
            IsBackground = true,
            Name = $"notebook cell {cellNumber}",
        };
        thread.Start();
        if (!thread.Join(budget))
        {
            abandoned = true;
            cancellation.Cancel();
            var seconds = budget.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            var message = $"cell {cellNumber} did not finish within its time budget of {seconds} s";
            sink.Error(new ErrorOutput(nameof(TimeoutException), message, [message]));
            return new CellRun(sink.Close(), message);
        }

        cancellation.Dispose();
        if (failure is null)
        {
            return new CellRun(sink.Close(), null);
        }

        var (error, summary) = Describe(failure, cellNumber);
        sink.Error(error);
        return new CellRun(sink.Close(), summary);
    }

    /// <summary>The error output and the one-line summary of a cell's failure.</summary>
    private static (ErrorOutput Error, string Summary) Describe(Exception failure, int cellNumber)
    {
        if (failure is CompilationErrorException compilation)
        {
            var errors = compilation.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(Describe).ToList();
            var first = errors.Count > 0 ? errors[0] : compilation.Message;
            return (new ErrorOutput("CompilationError", first, errors), $"cell {cellNumber} does not compile: {first}");
        }

        var name = failure.GetType().FullName ?? failure.GetType().Name;
        var message = failure.Message.ReplaceLineEndings(" ");
        return (new ErrorOutput(name, failure.Message, Trace(failure)), $"cell {cellNumber} failed: {name}: {message}");
    }

    private static string Describe(Diagnostic diagnostic)
    {
        var span = diagnostic.Location.GetLineSpan();
        var where = diagnostic.Location.IsInSource ? $"line {span.StartLinePosition.Line + 1}, column {span.StartLinePosition.Character + 1}: " : string.Empty;
        return $"{where}error {diagnostic.Id}: {diagnostic.GetMessage(CultureInfo.InvariantCulture)}";
    }

    /// <summary>
    /// The exception's text without the frames of the scripting host and this runner below the
    /// cell (they are the same for every cell and say nothing about the error).
    /// </summary>
    private static List<string> Trace(Exception failure)
    {
        string[] hostFrames = ["   at Microsoft.CodeAnalysis.Scripting.", "   at Backtest.Cli.Notebooks.ScriptSession", "   at System.Threading.", "   at System.Runtime.CompilerServices.TaskAwaiter"];
        const string asyncSeam = "--- End of stack trace from previous location ---";
        var lines = failure.ToString().ReplaceLineEndings("\n").Split('\n')
            .Where(line => !hostFrames.Any(frame => line.StartsWith(frame, StringComparison.Ordinal)))
            .ToList();
        for (int i = lines.Count - 1; i >= 0; i--)
        {
            bool dangling = lines[i].Trim() == asyncSeam && (i == lines.Count - 1 || lines[i + 1].Trim() == asyncSeam || !lines[i + 1].StartsWith("   at ", StringComparison.Ordinal));
            if (dangling)
            {
                lines.RemoveAt(i);
            }
        }

        return lines;
    }

    /// <summary>References: the .NET shared framework the process runs on and the engine's assemblies; imports: <see cref="Imports"/>.</summary>
    private static ScriptOptions CreateOptions()
    {
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var platform = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Where(path => string.Equals(Path.GetDirectoryName(path), framework, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path));
        return ScriptOptions.Default
            .WithReferences(platform)
            .AddReferences(EngineAssemblies)
            .AddReferences(typeof(NotebookGlobals).Assembly)
            .WithImports(Imports)
            .WithOptimizationLevel(OptimizationLevel.Release)
            .WithEmitDebugInformation(true)
            .WithFileEncoding(System.Text.Encoding.UTF8);
    }
}
