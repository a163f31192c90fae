using System.Text;

namespace Backtest.Cli.Notebooks;

/// <summary>
/// Collects one cell's outputs in the order they happen: consecutive writes to the same stream
/// join into one stream output, each displayed value is an output of its own. Writes may come
/// from any thread the cell starts. Once <see cref="Close"/> has been called (the cell finished
/// or ran out of time) later writes are dropped, so a cell abandoned at its time budget cannot
/// change what was recorded.
/// </summary>
internal sealed class CellOutputSink(int executionCount)
{
    /// <summary>Stream text kept per cell; past it the rest is dropped and the output says so.</summary>
    public const int MaxStreamChars = 200_000;

    private readonly List<CellOutput> outputs = [];
    private readonly object gate = new();
    private StringBuilder? openStream;
    private string? openStreamName;
    private int streamChars;
    private int charts;
    private bool truncated;
    private bool closed;

    public int ExecutionCount { get; } = executionCount;

    public void Write(string stream, string text)
    {
        lock (gate)
        {
            if (closed || truncated || text.Length == 0)
            {
                return;
            }

            if (openStreamName != stream)
            {
                FlushStream();
                openStream = new StringBuilder();
                openStreamName = stream;
            }

            int room = MaxStreamChars - streamChars;
            if (text.Length > room)
            {
                openStream!.Append(text.AsSpan(0, room)).Append($"\n… output truncated after {MaxStreamChars:N0} characters\n");
                truncated = true;
                streamChars = MaxStreamChars;
                return;
            }

            openStream!.Append(text);
            streamChars += text.Length;
        }
    }

    /// <summary>Adds a displayed value (<c>display_data</c>).</summary>
    public void Display(IReadOnlyDictionary<string, string> data) => Add(new DisplayOutput(data));

    /// <summary>Adds the cell's returned value (<c>execute_result</c>).</summary>
    public void Result(IReadOnlyDictionary<string, string> data) => Add(new DisplayOutput(data, ExecutionCount));

    public void Error(ErrorOutput error) => Add(error);

    /// <summary>The next SVG element id prefix for a chart shown by this cell: unique within the notebook, the same on every run.</summary>
    public string NextChartId()
    {
        lock (gate)
        {
            return $"cell{ExecutionCount}-chart{++charts}";
        }
    }

    /// <summary>Stops recording and returns what was recorded.</summary>
    public IReadOnlyList<CellOutput> Close()
    {
        lock (gate)
        {
            FlushStream();
            closed = true;
            return [.. outputs];
        }
    }

    private void Add(CellOutput output)
    {
        lock (gate)
        {
            if (closed)
            {
                return;
            }

            FlushStream();
            outputs.Add(output);
        }
    }

    private void FlushStream()
    {
        if (openStream is { Length: > 0 })
        {
            outputs.Add(new StreamOutput(openStreamName!, openStream.ToString()));
        }

        openStream = null;
        openStreamName = null;
    }
}

/// <summary>
/// Routes <see cref="Console.Out"/> and <see cref="Console.Error"/> to the running cell's sink.
/// The sink travels in an <see cref="AsyncLocal{T}"/>, so output from tasks and threads the cell
/// starts is caught too, while other code in the process (tests running beside a notebook) keeps
/// writing to the console it had. Installed once per process.
/// </summary>
internal static class CellConsole
{
    private static readonly AsyncLocal<CellOutputSink?> Current = new();
    private static readonly object Gate = new();
    private static bool installed;

    /// <summary>Makes the calling execution context (and what it starts) write to <paramref name="sink"/>.</summary>
    public static void CaptureInto(CellOutputSink sink)
    {
        Install();
        Current.Value = sink;
    }

    private static void Install()
    {
        lock (Gate)
        {
            if (installed)
            {
                return;
            }

            Console.SetOut(new RoutingWriter(Console.Out, "stdout"));
            Console.SetError(new RoutingWriter(Console.Error, "stderr"));
            installed = true;
        }
    }

    private sealed class RoutingWriter(TextWriter fallback, string stream) : TextWriter
    {
        public override Encoding Encoding => fallback.Encoding;

        public override IFormatProvider FormatProvider => System.Globalization.CultureInfo.InvariantCulture;

        public override void Write(char value) => Write(value.ToString());

        public override void Write(string? value)
        {
            if (value is null)
            {
                return;
            }

            if (Current.Value is { } sink)
            {
                sink.Write(stream, value);
            }
            else
            {
                fallback.Write(value);
            }
        }

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void WriteLine(string? value)
        {
            if (Current.Value is { } sink)
            {
                sink.Write(stream, value + "\n");
            }
            else
            {
                fallback.WriteLine(value);
            }
        }

        public override void WriteLine() => WriteLine(string.Empty);

        public override void Flush() => fallback.Flush();
    }
}
